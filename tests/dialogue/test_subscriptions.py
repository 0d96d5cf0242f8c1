"""Subscription commands through the dialogue core, on a real SQLite database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.dialogue.subscriptions import SubscriptionCommands
from bot.knowledge.service import Knowledge
from bot.storage.database import create_db_engine
from bot.storage.records import Recipient, TargetKind
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.testing import sqlite_copy, sqlite_template
from tests.conftest import Transcript
from tests.dialogue.test_conversation import HOSTILE

ME = Recipient("test", "chat-1")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("subs"))


@pytest.fixture
def repo(template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[SubscriptionRepository]:
    engine = create_db_engine(sqlite_copy(template, tmp_path))
    yield SubscriptionRepository(engine, clock)
    engine.dispose()


@pytest.fixture
def replans() -> list[int]:
    return []


@pytest.fixture
def chat(shipped: Knowledge, clock: FixedClock, repo: SubscriptionRepository,
         replans: list[int]) -> Transcript:
    dialogue = Dialogue(lambda: shipped, clock)
    for command in SubscriptionCommands(dialogue, repo, lambda _r: replans.append(1)).commands():
        dialogue.commands.add(command)
    return Transcript(dialogue, ChatRef(ME.transport, ME.chat_id))


async def test_subscribe_programme_with_default_lead_times(
        chat: Transcript, repo: SubscriptionRepository, replans: list[int]) -> None:
    reply = await chat.say("/abo Heimat-Scheck")
    assert reply == ("Abo gespeichert: Heimat-Scheck. Ich erinnere Sie 28, 7 und 1 Tage vor "
                     "jeder Frist um 09:00 Uhr. Mit /abos sehen Sie Ihre Abos.")
    [sub] = repo.list_subscriptions(ME)
    assert (sub.kind, sub.target, sub.lead_days) == (TargetKind.PROGRAMME, "heimat-scheck",
                                                     (28, 7, 1))
    assert replans == [1]


@pytest.mark.parametrize(("text", "kind", "target"), [
    ("/abo Heimat 14,3", TargetKind.TOPIC, "Heimat"),
    ("/abo Kreis Höxter", TargetKind.REGION, "kreis-hoexter"),
    ("/abo alle", TargetKind.ALL, ""),
])
async def test_subscribe_topic_region_or_all(chat: Transcript, repo: SubscriptionRepository,
                                             text: str, kind: TargetKind, target: str) -> None:
    assert (await chat.say(text)).startswith("Abo gespeichert:")
    [sub] = repo.list_subscriptions(ME)
    assert (sub.kind, sub.target) == (kind, target)


@pytest.mark.parametrize(("text", "reply_start"), [
    ("/abo", "Was möchten Sie abonnieren?"),
    ("/abo Mondprogramm", "„Mondprogramm“ kenne ich nicht als Programm, Thema oder Kreis."),
    ("/abo Heimat-Scheck -5", "Vorlauf bitte als 1 bis 5 Zahlen von 1 bis 365 Tagen"),
    ("/abo Heimat-Scheck 9999", "Vorlauf bitte als 1 bis 5 Zahlen von 1 bis 365 Tagen"),
    ("/erinnerung 31.02.2027 Nachweis", "Den 31.02.2027 gibt es nicht."),
    ("/erinnerung 01.01.2020 Nachweis", "Der 01.01.2020 liegt in der Vergangenheit."),
    ("/erinnerung 30.06.2027", "Bitte schreiben Sie nach dem Datum, woran ich erinnern soll"),
    ("/erinnerung", "Woran soll ich Sie erinnern?"),
    ("/erinnerung bald mal", "Bitte beginnen Sie mit einem Datum"),
    ("/fristen viele", "Bitte die Wochen als Zahl von 1 bis 104"),
    ("/abbestellen Heimat-Scheck", "Ein Abo für Heimat-Scheck haben Sie nicht."),
])
async def test_bad_input_gets_an_example_and_stores_nothing(
        chat: Transcript, repo: SubscriptionRepository, text: str, reply_start: str) -> None:
    assert (await chat.say(text)).startswith(reply_start)
    assert repo.list_subscriptions(ME) == []
    assert repo.list_personal_reminders(ME) == []


async def test_list_and_unsubscribe(chat: Transcript, repo: SubscriptionRepository) -> None:
    await chat.say("/abo Heimat-Scheck 14")
    await chat.say("/abo LWL-Kulturstiftung")
    assert await chat.say("/abos") == (
        "Ihre Abos:\n• Heimat-Scheck – 14 Tage vorher\n• LWL-Kulturstiftung – 28, 7 und 1 "
        "Tage vorher")
    assert await chat.say("/abbestellen heimatscheck") == "Abo beendet: Heimat-Scheck."
    assert await chat.say("/abbestellen alle") == "Alle Abos beendet (1)."
    assert repo.list_subscriptions(ME) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("/erinnerung 30.06.2027 Verwendungsnachweis Heimat-Scheck",
     "Erinnerung gespeichert: am 30.06.2027 um 09:00 Uhr – Verwendungsnachweis Heimat-Scheck"),
    ("/erinnerung morgen Belege sammeln",
     "Erinnerung gespeichert: am 27.11.2026 um 09:00 Uhr – Belege sammeln"),
    ("/erinnerung in 3 Wochen Sachbericht",
     "Erinnerung gespeichert: am 17.12.2026 um 09:00 Uhr – Sachbericht"),
    ("/erinnerung 15.1. Mittelabruf",
     "Erinnerung gespeichert: am 15.01.2027 um 09:00 Uhr – Mittelabruf"),
])
async def test_personal_reminders(chat: Transcript, repo: SubscriptionRepository, text: str,
                                  expected: str) -> None:
    assert await chat.say(text) == expected
    assert len(repo.list_personal_reminders(ME)) == 1


async def test_deadlines_of_my_subscriptions_and_of_the_next_weeks(chat: Transcript) -> None:
    await chat.say("/abo LWL-Kulturstiftung")
    assert (await chat.say("/fristen")).startswith(
        "Nächste Fristen Ihrer Abos:\n• 28.02.2027 LWL-Kulturstiftung")
    soon = (await chat.say("/fristen 1")).splitlines()
    assert soon[0] == "Fristen der nächsten 1 Wochen:"
    assert "• 30.11.2026 Regionales Kultur Programm NRW (Antrag bei der Bezirksregierung)" in soon
    assert all(re.match(r"• \d\d\.\d\d\.\d{4} ", line) for line in soon[1:])


async def test_delete_my_data_asks_first(chat: Transcript, repo: SubscriptionRepository) -> None:
    await chat.say("/abo alle")
    assert "Zum Bestätigen antworten Sie „ja“ oder senden: /daten-loeschen ja" in await chat.say(
        "/daten-loeschen")
    assert len(repo.list_subscriptions(ME)) == 1
    done = await chat.say("/daten-loeschen ja")
    assert done == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    assert repo.list_subscriptions(ME) == []


async def test_a_plain_ja_confirms_the_deletion(chat: Transcript,
                                                repo: SubscriptionRepository) -> None:
    await chat.say("/abo alle")
    await chat.say("/daten-loeschen")
    assert await chat.say("Ja!") == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    assert repo.list_subscriptions(ME) == []


async def test_nein_cancels_and_a_later_ja_deletes_nothing(chat: Transcript,
                                                           repo: SubscriptionRepository) -> None:
    await chat.say("/abo alle")
    await chat.say("/daten-loeschen")
    assert await chat.say("nein") == "Gut, ich habe nichts geändert."
    assert not (await chat.say("ja")).startswith("Erledigt")
    assert len(repo.list_subscriptions(ME)) == 1


async def test_only_the_asker_can_confirm_with_ja(chat: Transcript,
                                                  repo: SubscriptionRepository) -> None:
    await chat.say("/abo alle")
    await chat.say("/daten-loeschen")
    reply = await chat.dialogue.handle(IncomingMessage(chat.chat, "ja", "someone-else"))
    assert not reply.text.startswith("Erledigt")
    assert len(repo.list_subscriptions(ME)) == 1


async def test_subscribe_button_under_a_programme_answer(chat: Transcript,
                                                         repo: SubscriptionRepository) -> None:
    await chat.say("heimatscheck")
    [button] = chat.last.actions
    assert button.label == "Fristen abonnieren"
    assert (await chat.say(callback=button.data)).startswith("Abo gespeichert: Heimat-Scheck.")
    assert "nicht mehr" in await chat.say(callback="sub:gibt-es-nicht")
    assert len(repo.list_subscriptions(ME)) == 1


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_command_arguments_get_no_apology(chat: Transcript, text: str) -> None:
    assert "schiefgegangen" not in await chat.say(text)



async def test_disputed_deadlines_say_so_in_every_list(chat: Transcript) -> None:
    await chat.say("/abo Heimat-Scheck")
    fristen = await chat.say("/fristen")
    programme_list = await chat.say("/programme Heimat")
    [scheck] = [line for line in fristen.splitlines() if "Heimat-Scheck" in line]
    assert scheck.endswith("Frist unsicher, bitte beim Fördergeber prüfen")
    [listed] = [line for line in programme_list.splitlines() if "Heimat-Scheck" in line]
    assert "(Frist unsicher, bitte beim Fördergeber prüfen)" in listed


async def test_a_long_deadline_list_says_how_many_more_there_are(chat: Transcript) -> None:
    text = await chat.say("/fristen 104")
    lines = text.splitlines()
    assert len([line for line in lines if line.startswith("• ")]) == 15
    assert lines[-1].startswith("Und ")
    assert "weitere" in lines[-1]


@pytest.mark.parametrize(("tail", "leads"), [
    ("14 Tage", (14,)), ("14", (14,)), ("2 Wochen", (14,)), ("14,3", (14, 3)),
    ("14 und 3 Tage", (14, 3)), ("1 Woche vorher", (7,)), ("3 Tag", (3,)),
])
async def test_lead_days_in_every_common_form(chat: Transcript, repo: SubscriptionRepository,
                                              tail: str, leads: tuple[int, ...]) -> None:
    text = await chat.say(f"/abo LWL-Kulturstiftung {tail}")
    assert text.startswith("Abo gespeichert: LWL-Kulturstiftung.")
    [sub] = repo.list_subscriptions(ME)
    assert sub.lead_days == leads


async def test_a_number_in_a_programmes_name_is_no_lead(chat: Transcript,
                                                        repo: SubscriptionRepository) -> None:
    assert (await chat.say("/abo 2000 x 1000")).startswith(
        "Abo gespeichert: 2.000 x 1.000 Euro für das Engagement.")
    [sub] = repo.list_subscriptions(ME)
    assert sub.lead_days == (28, 7, 1)


async def test_two_targets_at_once(chat: Transcript, repo: SubscriptionRepository) -> None:
    text = await chat.say("/abo Heimat-Scheck, Fonds Soziokultur 14")
    assert text.startswith("Abo gespeichert: Heimat-Scheck, Fonds Soziokultur.")
    assert sorted(s.target for s in repo.list_subscriptions(ME)) == [
        "fonds-soziokultur", "heimat-scheck"]
    assert {s.lead_days for s in repo.list_subscriptions(ME)} == {(14,)}


async def test_one_unknown_target_subscribes_none(chat: Transcript,
                                                  repo: SubscriptionRepository) -> None:
    text = await chat.say("/abo Heimat-Scheck, Gibtsnichtprogramm")
    assert "„Gibtsnichtprogramm“ kenne ich nicht" in text
    assert repo.list_subscriptions(ME) == []


async def test_a_programme_without_deadlines_is_not_subscribed_silently(
        chat: Transcript, repo: SubscriptionRepository) -> None:
    text = await chat.say("/abo NRW-Stiftung")
    assert text.startswith("NRW-Stiftung hat keine Frist")
    assert "Programme mit Fristen" in text or "/fristen" in text
    assert repo.list_subscriptions(ME) == []


async def test_personal_reminders_are_numbered_and_deleted_one_by_one(
        chat: Transcript, repo: SubscriptionRepository) -> None:
    await chat.say("/erinnerung 30.06.2027 Verwendungsnachweis")
    await chat.say("/erinnerung 15. März 2027 Sachbericht")
    listing = await chat.say("/abos")
    assert "1. am 15.03.2027: Sachbericht" in listing
    assert "2. am 30.06.2027: Verwendungsnachweis" in listing
    assert await chat.say("/abbestellen 1") == "Erinnerung gelöscht: am 15.03.2027: Sachbericht"
    assert [r.text for r in repo.list_personal_reminders(ME)] == ["Verwendungsnachweis"]
    assert "Nr. 5 gibt es nicht" in await chat.say("/abbestellen 5")


@pytest.mark.parametrize(("said", "stored"), [
    ("/erinnerung 15. März 2027 Sachbericht", "am 15.03.2027 um 09:00 Uhr – Sachbericht"),
    ("/erinnerung 2027-03-15 Sachbericht", "am 15.03.2027 um 09:00 Uhr – Sachbericht"),
    ("/erinnerung 15.3.2027 14:30 Sachbericht", "am 15.03.2027 um 09:00 Uhr – Sachbericht"),
])
async def test_reminder_dates_in_common_forms(chat: Transcript, said: str, stored: str) -> None:
    text = await chat.say(said)
    assert text.startswith(f"Erinnerung gespeichert: {stored}")
    assert ("Die Uhrzeit 14:30 habe ich nicht übernommen" in text) == ("14:30" in said)


async def test_the_weekly_digest_is_ordered_listed_and_ended(
        chat: Transcript, repo: SubscriptionRepository) -> None:
    assert await chat.say("/abo Wochenbrief") == (
        "Abo gespeichert: Wochenbrief. Jeden Montag um 09:00 Uhr bekommen Sie die Fristen der "
        "nächsten 4 Wochen und neue oder geänderte Programme aus Ihren Abos (ohne weitere "
        "Abos: aus allen). In Wochen ohne Neuigkeiten kommt nichts.")
    [sub] = repo.list_subscriptions(ME)
    assert (sub.kind, sub.target) == (TargetKind.DIGEST, "")
    await chat.say("/abo Heimat-Scheck 14")
    assert await chat.say("/abos") == (
        "Ihre Abos:\n• Wochenbrief – montags um 09:00 Uhr\n• Heimat-Scheck – 14 Tage vorher")
    assert await chat.say("/abbestellen wochenbrief") == "Abo beendet: Wochenbrief."
    assert [s.kind for s in repo.list_subscriptions(ME)] == [TargetKind.PROGRAMME]
    assert (await chat.say("/abbestellen wochenbrief")).startswith(
        "Ein Abo für Wochenbrief haben Sie nicht.")


async def test_the_digest_and_a_programme_in_one_go(chat: Transcript,
                                                    repo: SubscriptionRepository) -> None:
    lines = (await chat.say("/abo Heimat-Scheck, Wochenbrief")).splitlines()
    assert lines[0] == ("Abo gespeichert: Heimat-Scheck. Ich erinnere Sie 28, 7 und 1 Tage "
                        "vor jeder Frist um 09:00 Uhr. Mit /abos sehen Sie Ihre Abos.")
    assert lines[1].startswith("Abo gespeichert: Wochenbrief. Jeden Montag um 09:00 Uhr")
    assert len(lines) == 2
    assert {s.kind for s in repo.list_subscriptions(ME)} == {TargetKind.PROGRAMME,
                                                            TargetKind.DIGEST}
    assert await chat.say("/abbestellen alle") == "Alle Abos beendet (2)."


async def test_the_digest_has_no_lead_days(chat: Transcript,
                                           repo: SubscriptionRepository) -> None:
    assert await chat.say("/abo wochenbrief 14") == (
        "Der Wochenbrief kommt immer montags um 09:00 Uhr, ohne Vorlauf. Senden Sie einfach: "
        "/abo wochenbrief")
    assert repo.list_subscriptions(ME) == []


async def test_with_only_the_digest_fristen_lists_every_deadline(chat: Transcript) -> None:
    await chat.say("/abo wochenbrief")
    assert (await chat.say("/fristen")).startswith("Fristen der nächsten 52 Wochen:")


async def test_in_a_group_only_admins_order_the_digest(
        chat: Transcript, repo: SubscriptionRepository) -> None:
    async def no() -> bool:
        return False

    async def yes() -> bool:
        return True

    group = ChatRef("test", "group-1")
    member = await chat.dialogue.handle(IncomingMessage(group, "/abo wochenbrief", "u-1",
                                                        is_group=True, is_admin=no))
    assert member is not None
    assert member.text.startswith("In Gruppen dürfen das nur")
    assert repo.list_subscriptions(Recipient("test", "group-1")) == []
    admin = await chat.dialogue.handle(IncomingMessage(group, "/abo wochenbrief", "u-2",
                                                       is_group=True, is_admin=yes))
    assert admin is not None
    assert admin.text.startswith("Abo gespeichert: Wochenbrief.")
    ended = await chat.dialogue.handle(IncomingMessage(group, "/abbestellen wochenbrief",
                                                       "u-1", is_group=True, is_admin=no))
    assert ended is not None
    assert ended.text.startswith("In Gruppen dürfen das nur")
    assert len(repo.list_subscriptions(Recipient("test", "group-1"))) == 1
