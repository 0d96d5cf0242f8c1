"""The chat's short memory: follow-ups, picks in every common form, small talk, "ja"/"nein"."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import FixedClock
from bot.dialogue.conversation import Conversations
from bot.dialogue.messages import ChatRef
from bot.dialogue.picks import parse_pick
from bot.dialogue.smalltalk import BYE_REPLY, GREETING_REPLY, THANKS_REPLY
from tests.conftest import Transcript

TITLES = ["Heimat-Scheck", "Heimat-Fonds", "Heimat-Preis"]


@pytest.mark.parametrize(("follow", "start"), [
    ("und bis wann?", "LWL-Kulturstiftung – Frist: 28.02.2027"),
    ("wie viel?", "LWL-Kulturstiftung – Förderung: Fehlbedarfsfinanzierung"),
    ("wer darf das beantragen?", "LWL-Kulturstiftung – Antrag stellen können:"),
    ("und wie beantrage ich das?", "LWL-Kulturstiftung – so beantragen Sie:"),
])
async def test_follow_up_is_about_the_last_entry(chat: Transcript, follow: str,
                                                 start: str) -> None:
    assert (await chat.say("Was fördert die LWL-Kulturstiftung?")).startswith(
        "LWL-Kulturstiftung\n")
    assert (await chat.say(follow)).startswith(start)


async def test_follow_up_with_a_place_names_the_office_there(chat: Transcript) -> None:
    await chat.say("heimatscheck")
    text = await chat.say("und in Höxter?")
    assert text.startswith(
        "Heimat-Scheck – Ansprechstelle: Bezirksregierung Detmold – Heimatförderung")


async def test_a_question_of_its_own_is_no_follow_up(chat: Transcript) -> None:
    await chat.say("Ansprechpartner in Hoexter")
    assert "Kreis Herford" in await chat.say("wer hilft in bünde")
    assert (await chat.say("bis wann läuft der fonds soziokultur?")).startswith(
        "Fonds Soziokultur – Frist:")


async def test_a_short_question_about_something_else_is_no_follow_up(chat: Transcript) -> None:
    await chat.say("heimatscheck")
    # It asks "wann", but about words the knowledge has never seen.
    assert (await chat.say("Wann wird der Müll abgeholt?")).startswith("Dazu weiß ich leider")
    assert "Frist" in await chat.say("und bis wann?")


async def test_without_a_last_entry_a_bare_aspect_is_not_guessed(chat: Transcript) -> None:
    assert (await chat.say("und bis wann?")).startswith("Dazu weiß ich leider nichts")


async def test_memory_expires_after_a_few_minutes(chat: Transcript, clock: FixedClock) -> None:
    await chat.say("heimatscheck")
    clock.advance(dt.timedelta(minutes=16))
    assert (await chat.say("und bis wann?")).startswith("Dazu weiß ich leider nichts")


async def test_memory_is_per_chat(chat: Transcript) -> None:
    other = Transcript(chat.dialogue, ChatRef("test", "chat-2"))
    await chat.say("heimatscheck")
    assert (await other.say("und bis wann?")).startswith("Dazu weiß ich leider nichts")


@pytest.mark.parametrize("pick", ["2", "2.", "die 2", "Nr. 2", "nr 2", "Nummer 2", "zweites",
                                  "die zweite", "2)", "Heimat Fonds"])
def test_pick_forms(pick: str) -> None:
    assert parse_pick(pick, TITLES) == 2


@pytest.mark.parametrize("text", ["²", "③", "٢", "2 Euro für den Heimatscheck", "heimat",
                                  "9" * 120])
def test_not_a_pick(text: str) -> None:
    assert parse_pick(text, TITLES) is None


async def test_pick_in_words_shows_the_option(chat: Transcript) -> None:
    await chat.say("förderung")
    second = chat.last.choices[1].label
    assert (await chat.say("Nr. 2")).startswith(second)
    assert chat.lines[-1][0] == "Nr. 2"


async def test_pick_out_of_range_says_the_range(chat: Transcript) -> None:
    await chat.say("förderung")
    assert await chat.say("die 7") == "Bitte antworten Sie mit einer Zahl von 1 bis 3."


async def test_an_unsure_answer_offers_the_runner_up_one_number_away(chat: Transcript) -> None:
    text = await chat.say("können wir loslegen obwohl noch kein zuwendungsbescheid da ist")
    assert text.startswith("Vorzeitiger Maßnahmebeginn")
    offered = chat.last.choices
    assert "e:zuwendungsbescheid" in [c.data for c in offered]
    assert text.endswith("\n\nOder meinten Sie:\n" + "\n".join(
        f"{i}. {c.label}" for i, c in enumerate(offered, start=1)))
    assert (await chat.say("1")).startswith(offered[0].label)


async def test_a_sure_answer_offers_nothing_else(chat: Transcript) -> None:
    text = await chat.say("Wie viel gibt es beim Heimat-Scheck?")
    assert "Oder meinten Sie" not in text
    assert chat.last.choices == ()


async def test_a_picked_entry_becomes_the_topic(chat: Transcript) -> None:
    await chat.say("förderung")
    chosen = chat.last.choices[0]
    await chat.say("1.")
    assert chat.dialogue.conversations.get(chat.chat).entry_id == chosen.data.removeprefix("e:")
    assert (await chat.say("und wer darf das beantragen?")).startswith(chosen.label)


@pytest.mark.parametrize(("said", "reply"), [
    ("hallo", GREETING_REPLY), ("Moin!", GREETING_REPLY), ("Guten Tag", GREETING_REPLY),
    ("danke", THANKS_REPLY), ("Vielen Dank!", THANKS_REPLY), ("super, danke", THANKS_REPLY),
    ("tschüss", BYE_REPLY), ("Auf Wiedersehen", BYE_REPLY), ("ciao", BYE_REPLY),
])
async def test_small_talk_is_answered_kindly(chat: Transcript, said: str, reply: str) -> None:
    assert await chat.say(said) == reply


async def test_greeting_with_a_question_answers_the_question(chat: Transcript) -> None:
    assert (await chat.say("hallo, wie viel gibt es beim heimatscheck?")).startswith(
        "Heimat-Scheck – Förderung: 2.000 €")


def test_memory_is_bounded() -> None:
    clock = FixedClock(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    memory = Conversations(clock, max_chats=3)
    for number in range(10):
        state = memory.get(ChatRef("test", str(number)))
        state.entry_id = "heimat-scheck"
        memory.save(ChatRef("test", str(number)), state)
    assert len(memory) == 3
    assert memory.get(ChatRef("test", "0")).entry_id is None


HOSTILE = [
    "Pro\udc47jektförderung", "/erinnerung morgen Antr\ude90ag", "/fristen " + "9" * 115,
    "!abo kreis-hoexter " + "9" * 5000, "²", "③", "/fristen ²", "/abo Heimat-Scheck ①",
    "Heimat\u202escheck", "Heimat\u200bscheck", "\x00\x07 Frist?", "x" * 100_000,
    "/erinnerung ٢٠.٠٣.٢٠٢٧ Antrag",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_input_gets_no_apology(chat: Transcript, text: str) -> None:
    assert "schiefgegangen" not in await chat.say(text)


async def test_invisible_characters_do_not_hide_a_name(chat: Transcript) -> None:
    assert (await chat.say("Heimat\u200bscheck\u202e Frist")).startswith("Heimat-Scheck – Frist")


async def test_a_region_without_its_own_office_is_told_so_and_sent_to_the_bezirksregierung(
        chat: Transcript) -> None:
    text = await chat.say("Wer ist beim Regionalen Kultur Programm für Recklinghausen zuständig?")
    assert text.startswith(
        "Regionales Kultur Programm NRW – Ansprechstelle: für Ihre Region kenne ich keine eigene "
        "Stelle – wenden Sie sich bitte an: Bezirksregierung Münster – Heimatförderung")
    text = await chat.say("Und wer ist es für Münster?")
    assert "Kulturbüro Münsterland" in text.split("\n")[0]


async def test_a_topic_we_do_not_cover_is_not_routed_to_an_office_by_its_place(
        chat: Transcript) -> None:
    text = await chat.say("Wer ist in Warburg für den Glasfaserausbau zuständig?")
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")


@pytest.mark.parametrize("question", [
    "Guten Tag, die Stadt Oelde beabsichtigt, ihre Innenstadt umzugestalten. Über welche Stelle "
    "wären Mittel der Städtebauförderung zu beantragen?",
    "Die Gemeinde Wadersloh benötigt ein neues Löschfahrzeug. Welche Förderprogramme kommen "
    "in Betracht?",
    "What are the opening hours of the LWL-Museum für Kunst und Kultur in Münster on Sundays?",
    "Wie hoch ist der gesetzliche Mindestlohn 2026?",
    "Gibbet vom Land wat für neue Trikots für unsre Alte-Herren-Mannschaft?",
    "Was kostet die Miete für die Stadthalle in Lünen an einem Samstagabend?",
    "In unserer Gemeinde im Kreis Höxter benötigt der Löschzug eines Ortsteils dringend ein neues "
    "Fahrzeug. Gibt es hierfür Zuschüsse des Landes, und bei welcher Stelle wäre ein Antrag "
    "einzureichen?",
    "Seit wir nach Hamm gezogen sind, suche ich einen Kita-Platz für meinen Sohn, damit ich mich "
    "mehr im Verein engagieren kann. Wie beantragt man einen Kita-Platz, und gibt es eine Frist?",
    "Our Kunstverein in Dortmund wants to start a cooperation project with partners from Poland. "
    "Someone said we should apply at Creative Europe. What are the deadlines there, and how much "
    "co-financing do we need?",
    "Wir möchten in Bocholt auf dem Wochenmarkt einen Infostand vom Kulturverein aufbauen. Wer "
    "genehmigt uns den Platz?",
])
async def test_neighbouring_topics_stay_unknown(chat: Transcript, question: str) -> None:
    text = await chat.say(question)
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")


async def test_asking_for_the_kreis_money_from_a_town_names_that_kreis_programme(
        chat: Transcript) -> None:
    text = await chat.say("Unser Chor aus Bünde plant ein Konzert – hat der Kreis dafür einen "
                          "Fördertopf?")
    assert text.startswith("Kulturförderung Kreis Herford")
    # Asking for an office stays an office question.
    text = await chat.say("Welche Stelle im Kreis hilft einem Verein aus Bünde beim Antrag?")
    assert text.startswith("Für Bünde ist zuständig:\n\nKreis Herford – Kulturarbeit")
