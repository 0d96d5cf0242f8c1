"""Handing questions to the Kulturbüro, through the real core, storage and outbox engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Storage, build_dialogue, open_storage
from bot.clock import FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.handoff import OFFER
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.knowledge.reload import KnowledgeHolder
from bot.knowledge.service import Knowledge
from bot.reminders.engine import ReminderEngine
from bot.reminders.sender import FakeSender
from bot.settings import Settings
from bot.storage.handoff import CaseStatus

HOEXTER = "telegram:77=kreis-hoexter"
EVERYWHERE = "telegram:88"
QUESTION_BRAKEL = "Wer bezahlt die Reparatur unserer Backhaus-Orgel in Brakel?"
QUESTION = "Wer bezahlt die Reparatur unserer Backhaus-Orgel?"
UNKNOWN = ("Dazu weiß ich leider nichts Sicheres.\n"
           "Weiterhelfen kann Ihnen: LWL-Kulturabteilung, "
           "https://lwl-kultur.de/de/kulturforderung/allgemeine-kulturforderung\n"
           "Mit /programme sehen Sie alle Förderprogramme, die ich kenne.")


class Person:
    """Someone writing to the bot from a chat, with their own user id."""

    def __init__(self, dialogue: Dialogue, chat: str, user: str | None = None) -> None:
        self.dialogue = dialogue
        self.chat = ChatRef("telegram", chat)
        self.user = user or chat

    async def say(self, text: str) -> str:
        reply = await self.dialogue.handle(IncomingMessage(self.chat, text, self.user))
        assert reply is not None
        return reply.text


class Bot:
    """The wired dialogue, its storage and an engine that delivers the outbox."""

    def __init__(self, dialogue: Dialogue, storage: Storage, clock: FixedClock) -> None:
        self.dialogue, self.storage = dialogue, storage
        self.sender = FakeSender()
        self.engine = ReminderEngine(storage.outbox, self.sender, clock)
        self.rings = 0
        storage.bell.listen(self._rang)

    def _rang(self) -> None:
        self.rings += 1

    def person(self, chat: str, user: str | None = None) -> Person:
        return Person(self.dialogue, chat, user)

    async def deliver(self) -> list[tuple[str, str]]:
        """Send what is due; return (chat, text) of each message sent now."""
        before = len(self.sender.deliveries)
        await self.engine.sweep()
        return [(d.recipient.chat_id, d.text) for d in self.sender.deliveries[before:]]


@pytest.fixture
def make_bot(shipped: Knowledge, clock: FixedClock, tmp_path: Path) -> Iterator[object]:
    opened: list[Storage] = []

    def make(coordinators: str) -> Bot:
        settings = Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(tmp_path / "data"),
                                      "FOERDERLOTSE_COORDINATORS": coordinators})
        storage = open_storage(settings, clock)
        opened.append(storage)
        dialogue = build_dialogue(KnowledgeHolder(shipped), clock, storage,
                                  settings.coordinators)
        return Bot(dialogue, storage, clock)

    yield make
    for storage in opened:
        storage.close()


async def test_an_unanswered_question_goes_to_its_kreis_and_the_answer_comes_back(
        make_bot: object) -> None:
    bot: Bot = make_bot(f"{HOEXTER},{EVERYWHERE}")  # type: ignore[operator]
    asker, anna = bot.person("11"), bot.person("77")
    assert await asker.say(QUESTION_BRAKEL) == UNKNOWN.replace(
        "LWL-Kulturabteilung, https://lwl-kultur.de/de/kulturforderung/allgemeine-kulturforderung",
        "Kulturbüro Kreis Höxter, Tel. 05271 965-3216 · https://www.netzschafftkultur.de",
    ) + "\n\n" + (
        "Soll ich Ihre Frage an das Kulturbüro weitergeben? Weitergegeben werden nur der "
        "Fragetext und eine Fallnummer – nicht Ihr Name. Antworten Sie mit „ja“.")
    assert await bot.deliver() == []  # nothing is stored before the "ja"
    assert await asker.say("ja") == (
        "Ihre Frage ist beim Kulturbüro (Fall 1). Die Antwort schicke ich Ihnen hierher.")
    assert bot.rings == 1
    assert await bot.deliver() == [("77", (
        f"Neue Frage (Fall 1, Kreis Höxter): {QUESTION_BRAKEL}\n"
        "Antworten Sie mit /antwort 1 <Ihre Antwort>."))]
    assert await anna.say("/antwort 1 Fragen Sie beim Heimatverein Brakel nach.\n"
                          "Er hat einen Orgelfonds.") == (
        "Danke! Ihre Antwort zu Fall 1 geht jetzt an die fragende Person.")
    assert await bot.deliver() == [("11", (
        "Antwort des Kulturbüros zu Ihrer Frage (Fall 1): Fragen Sie beim Heimatverein Brakel "
        "nach.\nEr hat einen Orgelfonds."))]
    case = bot.storage.handoff.get(1)
    assert case is not None
    assert case.status is CaseStatus.CLOSED


async def test_without_a_place_the_bot_asks_once_for_it(make_bot: object) -> None:
    bot: Bot = make_bot(f"{HOEXTER},{EVERYWHERE}")  # type: ignore[operator]
    asker = bot.person("11")
    await asker.say(QUESTION)
    assert await asker.say("ja") == (
        "Für welchen Ort? Dann geht Ihre Frage an das zuständige Kulturbüro, mit dem Kreis. "
        "Schreiben Sie z. B. „Brakel“ – oder „egal“.")
    assert await asker.say("Brakel") == (
        "Ihre Frage ist beim Kulturbüro (Fall 1). Die Antwort schicke ich Ihnen hierher.")
    assert [chat for chat, _ in await bot.deliver()] == ["77"]
    await asker.say("/kulturbuero Gibt es Geld für Trachten unserer Tanzgruppe?")
    await asker.say("ja")
    assert await asker.say("irgendwo auf dem Mond") == (
        "Den Ort habe ich nicht erkannt. Ihre Frage ist beim Kulturbüro (Fall 2). Die Antwort "
        "schicke ich Ihnen hierher.")
    assert await bot.deliver() == [("88", (
        "Neue Frage (Fall 2): Gibt es Geld für Trachten unserer Tanzgruppe?\n"
        "Antworten Sie mit /antwort 2 <Ihre Antwort>."))]


async def test_coordinators_for_everywhere_are_not_asked_for_a_place(make_bot: object) -> None:
    bot: Bot = make_bot(EVERYWHERE)  # type: ignore[operator]
    asker = bot.person("11")
    await asker.say(QUESTION)
    assert (await asker.say("ja")).startswith("Ihre Frage ist beim Kulturbüro (Fall 1).")
    assert [chat for chat, _ in await bot.deliver()] == ["88"]


async def test_no_coordinators_no_offer_and_the_command_says_so(make_bot: object) -> None:
    bot: Bot = make_bot("")  # type: ignore[operator]
    asker = bot.person("11")
    assert await asker.say(QUESTION) == UNKNOWN
    assert await asker.say("/frage-an-kulturbuero Wer bezahlt unsere Orgel?") == (
        "Fragen an das Kulturbüro kann ich hier leider nicht weitergeben. Mit /kontakt finden "
        "Sie die zuständige Stelle.")


@pytest.mark.parametrize("question", ["Kindergeld beantragen", "heimatscheck"])
async def test_answered_and_out_of_scope_questions_get_no_offer(make_bot: object,
                                                               question: str) -> None:
    bot: Bot = make_bot(EVERYWHERE)  # type: ignore[operator]
    assert OFFER not in await bot.person("11").say(question)


async def test_no_and_moving_on_pass_nothing_on(make_bot: object) -> None:
    bot: Bot = make_bot(EVERYWHERE)  # type: ignore[operator]
    asker = bot.person("11")
    await asker.say(QUESTION)
    assert await asker.say("nein") == "Gut, ich habe nichts geändert."
    await asker.say(QUESTION)
    assert (await asker.say("heimatscheck")).startswith("Heimat-Scheck")
    assert await asker.say("ja") != "Ihre Frage ist beim Kulturbüro (Fall 1)."
    assert await asker.say("/frage-an-kulturbuero ja") == (
        "Ich habe gerade keine Frage zum Weitergeben. Schreiben Sie Ihre Frage dazu, z. B. "
        "/frage-an-kulturbuero Wer fördert unsere Dorfchronik?")
    await asker.say(QUESTION)
    await asker.say("ja")
    assert await bot.deliver() != []  # only this one went


async def test_in_a_group_only_the_asker_can_say_ja(make_bot: object) -> None:
    bot: Bot = make_bot(EVERYWHERE)  # type: ignore[operator]
    asker, neighbour = bot.person("-100", "11"), bot.person("-100", "12")
    await asker.say(QUESTION)
    assert not (await neighbour.say("ja")).startswith("Ihre Frage ist beim Kulturbüro")
    assert (await asker.say("ja")).startswith("Ihre Frage ist beim Kulturbüro (Fall 1).")


async def test_antwort_only_from_a_responsible_coordinator(make_bot: object) -> None:
    bot: Bot = make_bot(f"{HOEXTER},telegram:99=kreis-lippe")  # type: ignore[operator]
    asker = bot.person("11")
    await asker.say(QUESTION_BRAKEL)
    await asker.say("ja")
    assert await asker.say("/antwort 1 Selbst beantwortet") == (
        "Mit /antwort beantwortet die Koordination der Kulturbüros weitergegebene Fragen. "
        "Ihre eigene Frage schreiben Sie einfach so.")
    lippe, hoexter = bot.person("99"), bot.person("77")
    assert await lippe.say("/antwort 1 Ich weiß es") == (
        "Fall 1 gehört zu Kreis Höxter; den beantwortet die Koordination dort.")
    assert await hoexter.say("/antwort 1") == (
        "Bitte so: /antwort <Nr> <Ihre Antwort>, z. B. /antwort 17 Ja, das geht.")
    assert await hoexter.say("/antwort 9 Wer?") == (
        "Einen offenen Fall 9 gibt es nicht. Die Nummer steht in „Neue Frage (Fall …)“.")
    assert (await hoexter.say("/antwort 1 Ja.")).startswith("Danke!")
    assert await hoexter.say("/antwort 1 Nochmal") == "Fall 1 ist schon beantwortet."


async def test_after_daten_loeschen_the_answer_cannot_be_delivered(make_bot: object) -> None:
    bot: Bot = make_bot(EVERYWHERE)  # type: ignore[operator]
    asker, coordinator = bot.person("11"), bot.person("88")
    await asker.say(QUESTION)
    await asker.say("ja")
    await bot.deliver()
    assert "Antworten des Kulturbüros auf offene Fragen kommen dann nicht mehr an" in (
        await asker.say("/daten-loeschen"))
    assert await asker.say("ja") == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    case = bot.storage.handoff.get(1)
    assert case is not None
    assert case.asker is None
    assert case.text == QUESTION
    assert await coordinator.say("/antwort 1 Beim Heimatverein.") == (
        "Danke! Fall 1 ist geschlossen. Die fragende Person hat ihre Daten gelöscht, deshalb "
        "kann ich die Antwort nicht zustellen. Für das Wissen bleibt sie erhalten "
        "(foerderlotse kb gaps).")
    assert await bot.deliver() == []
