"""``/rundschreiben`` through the real core, storage (SQLite and PostgreSQL) and outbox engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Storage, build_dialogue, open_storage
from bot.clock import BERLIN, FixedClock
from bot.dialogue.broadcast import NOTHING_PENDING, ONLY_COORDINATORS
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.knowledge.reload import KnowledgeHolder
from bot.knowledge.service import Knowledge
from bot.reminders.digest import WeeklyDigest
from bot.settings import Settings
from bot.storage.programme_versions import ProgrammeVersions
from bot.storage.records import Recipient, ReminderKind, TargetKind
from bot.storage.tables import Reminder, Subscriber
from tests.dialogue.test_handoff import Bot

EVERYWHERE = "telegram:88"
HOEXTER = "telegram:77=kreis-hoexter"
TWO_KREISE = "telegram:79=kreis-hoexter+kreis-lippe"
TEXT = "Infoabend Heimatförderung am 10.12. in Höxter"
HEADER = "Rundschreiben des Kulturbüros:"
ASK_ALL = ("An wen geht das Rundschreiben?\n"
           "1. alle Chats mit Abo ({n})\n"
           "2. Chats mit Abo für ein Programm\n"
           "3. Chats mit Abo für ein Thema\n"
           "4. Chats mit Abo für einen Kreis\n"
           "Antworten Sie mit der Nummer oder gleich mit dem Namen, z. B. „Heimat-Scheck“ "
           "oder „Kreis Höxter“.")
R = Reminder.__table__  # type: ignore[attr-defined]


def preview(text: str, label: str, chats: str) -> str:
    return (f"Vorschau:\n\n{HEADER}\n{text}\n\nAn: {label} – {chats}.\n"
            "Senden? Antworten Sie mit „ja“.")


@pytest.fixture
def make_bot(shipped: Knowledge, clock: FixedClock, tmp_path: Path,
             db_url: str) -> Iterator[Callable[[str], Bot]]:
    """The wired bot on SQLite and on PostgreSQL, with the given coordinators."""
    opened: list[Storage] = []

    def make(coordinators: str) -> Bot:
        settings = _settings(tmp_path, db_url, coordinators)
        storage = open_storage(settings, clock)
        opened.append(storage)
        dialogue = build_dialogue(KnowledgeHolder(shipped), clock, storage,
                                  settings.coordinators)
        return Bot(dialogue, storage, clock)

    yield make
    for storage in opened:
        storage.close()


def _settings(tmp_path: Path, db_url: str, coordinators: str) -> Settings:
    return Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(tmp_path / "data"),
                              "FOERDERLOTSE_DATABASE_URL": db_url,
                              "FOERDERLOTSE_COORDINATORS": coordinators})


def chat(number: int) -> Recipient:
    return Recipient("telegram", str(number))


def subscribe(bot: Bot, number: int, kind: TargetKind, target: str = "") -> None:
    bot.storage.subscriptions.subscribe(chat(number), kind, target)


def audience_chats(bot: Bot) -> None:
    """Chats 11–14 and 19 subscribed (to different things); 15–18 must never get anything."""
    subscribe(bot, 11, TargetKind.PROGRAMME, "heimat-scheck")
    subscribe(bot, 12, TargetKind.ALL)
    subscribe(bot, 13, TargetKind.REGION, "kreis-hoexter")
    subscribe(bot, 14, TargetKind.DIGEST)
    subscribe(bot, 19, TargetKind.TOPIC, "Heimat")
    subscribe(bot, 20, TargetKind.REGION, "kreis-lippe")
    # 15: only a personal reminder (a chat known to the bot, without any subscription).
    bot.storage.subscriptions.add_personal_reminder(chat(15), dt.date(2027, 6, 1), "Belege")
    # 16: subscribed, then paused (the bot was blocked there).
    subscribe(bot, 16, TargetKind.ALL)
    owner = bot.storage.subscriptions.subscriber_id(chat(16))
    assert owner is not None
    bot.storage.subscriptions.deactivate_subscriber(owner, "blockiert")
    # 17: subscribed, then unsubscribed everything.
    subscribe(bot, 17, TargetKind.ALL)
    bot.storage.subscriptions.unsubscribe(chat(17), TargetKind.ALL)


def broadcast_rows(bot: Bot, number: int | None = None) -> list[tuple[str, str]]:
    """Return (chat, key) of every broadcast row in the outbox (of one chat)."""
    s = Subscriber.__table__  # type: ignore[attr-defined]
    query = (select(s.c.chat_id, R.c.dedupe_key).join(s, s.c.id == R.c.subscriber_id)
             .where(R.c.kind == ReminderKind.BROADCAST).order_by(R.c.id))
    if number is not None:
        query = query.where(s.c.chat_id == str(number))
    with bot.storage.engine.connect() as conn:
        return [(str(c), str(k)) for c, k in conn.execute(query)]


async def test_only_coordinators_may_send(make_bot: Callable[[str], Bot]) -> None:
    bot = make_bot(EVERYWHERE)
    subscribe(bot, 11, TargetKind.ALL)
    assert await bot.person("11").say(f"/rundschreiben an alle: {TEXT}") == ONLY_COORDINATORS
    # The same id on another messenger is somebody else.
    elsewhere = await bot.dialogue.handle(IncomingMessage(
        ChatRef("matrix", "!raum:example.org"), f"/rundschreiben {TEXT}", "88"))
    assert elsewhere is not None
    assert elsewhere.text == ONLY_COORDINATORS
    assert await bot.person("11").say("/rundschreiben ja") == ONLY_COORDINATORS
    assert broadcast_rows(bot) == []
    assert await bot.deliver() == []


async def test_choose_preview_confirm_and_only_subscribers_receive(
        make_bot: Callable[[str], Bot]) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    anna = bot.person("88")
    assert await anna.say(f"/rundschreiben {TEXT}") == ASK_ALL.format(n="6 Chats")
    assert await anna.say("1") == preview(TEXT, "alle Chats mit Abo", "6 Chats")
    assert broadcast_rows(bot) == [], "nothing is stored before the „ja“"
    assert await bot.deliver() == []
    assert await anna.say("ja") == "Das Rundschreiben geht an 6 Chats."
    assert bot.rings == 1
    owners = {number: bot.storage.subscriptions.subscriber_id(chat(number))
              for number in (11, 12, 13, 14, 19, 20)}
    assert sorted(broadcast_rows(bot)) == sorted(
        (str(n), f"b:1:{owner}") for n, owner in owners.items())
    delivered = await bot.deliver()
    assert sorted(delivered) == [(str(n), f"{HEADER}\n{TEXT}") for n in (11, 12, 13, 14, 19, 20)]
    assert await anna.say("/rundschreiben ja") == NOTHING_PENDING
    assert await bot.deliver() == []


async def test_a_repeat_is_not_sent_again(make_bot: Callable[[str], Bot]) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    anna = bot.person("88")
    await anna.say(f"/rundschreiben an alle: {TEXT}")
    assert await anna.say("ja") == "Das Rundschreiben geht an 6 Chats."
    await anna.say(f"/rundschreiben an alle: {TEXT}")
    assert await anna.say("ja") == (
        "Dieses Rundschreiben ist schon am 26.11.2026 um 10:00 Uhr an 6 Chats gegangen; ich "
        "schicke es nicht noch einmal.")
    assert len(broadcast_rows(bot)) == 6
    assert len(await bot.deliver()) == 6


@pytest.mark.parametrize(("answers", "label", "chats"), [
    (["2", "Heimat-Scheck"], "Chats mit Abo für Heimat-Scheck", [11, 12, 13, 19, 20]),
    (["3", "heimat"], "Chats mit Abo für Thema „Heimat“", [11, 12, 19]),
    (["4", "Höxter"], "Chats mit Abo für Kreis Höxter", [13]),
    (["Kreis Lippe"], "Chats mit Abo für Kreis Lippe", [20]),
    (["Programm", "heimatscheck"], "Chats mit Abo für Heimat-Scheck", [11, 12, 13, 19, 20]),
])
async def test_programme_topic_and_kreis_audiences(
        make_bot: Callable[[str], Bot], answers: list[str], label: str,
        chats: list[int]) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    anna = bot.person("88")
    await anna.say(f"/rundschreiben {TEXT}")
    for answer in answers:
        reply = await anna.say(answer)
    count = f"{len(chats)} Chats" if len(chats) > 1 else "1 Chat"
    assert reply == preview(TEXT, label, count)
    assert await anna.say("ja") == f"Das Rundschreiben geht an {count}."
    assert sorted(int(c) for c, _ in await bot.deliver()) == chats


async def test_the_audience_in_one_line_and_questions_asked_again(
        make_bot: Callable[[str], Bot]) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    anna = bot.person("88")
    assert await anna.say(f"/rundschreiben an Thema Heimat: {TEXT}\nBitte weitersagen.") == (
        preview(f"{TEXT}\nBitte weitersagen.", "Chats mit Abo für Thema „Heimat“", "3 Chats"))
    assert await anna.say("nein") == "Gut, ich habe nichts geändert."
    # "An alle Vereine:" names no audience: it is part of the text.
    assert await anna.say("/rundschreiben An alle Vereine: bitte melden") == ASK_ALL.format(
        n="6 Chats")
    assert await anna.say("7") == "Bitte antworten Sie mit einer Zahl von 1 bis 4. " + (
        "An wen geht das Rundschreiben?")
    assert await anna.say("2") == "Für welches Programm? Z. B. „Heimat-Scheck“."
    assert await anna.say("Mondprogramm") == (
        "„Mondprogramm“ kenne ich nicht als Programm, Thema oder Kreis. Für welches Programm? "
        "Z. B. „Heimat-Scheck“.")
    assert await anna.say("abbrechen") == "Gut, ich sende das Rundschreiben nicht."
    assert await anna.say("/rundschreiben ja") == NOTHING_PENDING
    assert await anna.say("/rundschreiben an Kreis Bielefeld: Hallo") == (
        "An: Chats mit Abo für Bielefeld – zurzeit kein Chat. Ich sende nichts.")
    assert await anna.say("/rundschreiben") == (
        "Schreiben Sie den Text dazu, z. B. /rundschreiben Infoabend zur Heimatförderung am "
        "10.12. in Höxter – oder gleich mit Empfängern: /rundschreiben an Kreis Höxter: …")
    assert broadcast_rows(bot) == []


async def test_a_kreis_tied_coordinator_writes_only_to_their_kreis(
        make_bot: Callable[[str], Bot]) -> None:
    bot = make_bot(f"{HOEXTER},{TWO_KREISE}")
    audience_chats(bot)
    kim = bot.person("77")
    assert await kim.say(f"/rundschreiben {TEXT}") == preview(
        TEXT, "Chats mit Abo für Kreis Höxter", "1 Chat")
    refused = "Sie können Rundschreiben nur an Chats mit Abo für Kreis Höxter schicken."
    for audience in ("alle", "Heimat-Scheck", "Thema Heimat", "Kreis Lippe",
                     "Regierungsbezirk Detmold"):
        assert await kim.say(f"/rundschreiben an {audience}: {TEXT}") == refused
    await kim.say(f"/rundschreiben an Kreis Höxter: {TEXT}")
    assert await kim.say("ja") == "Das Rundschreiben geht an 1 Chat."
    assert await bot.deliver() == [("13", f"{HEADER}\n{TEXT}")]

    lena = bot.person("79")
    assert await lena.say("/rundschreiben Sprechstunde am Freitag") == (
        "An wen geht das Rundschreiben?\n"
        "1. Chats mit Abo für Kreis Höxter\n"
        "2. Chats mit Abo für Kreis Lippe\n"
        "Antworten Sie mit der Nummer.")
    assert await lena.say("alle") == (
        "Sie können Rundschreiben nur an Chats mit Abo für Kreis Höxter oder Kreis Lippe "
        "schicken.")
    await lena.say("/rundschreiben Sprechstunde am Freitag")
    assert await lena.say("2") == preview("Sprechstunde am Freitag",
                                          "Chats mit Abo für Kreis Lippe", "1 Chat")
    await lena.say("ja")
    assert await bot.deliver() == [("20", f"{HEADER}\nSprechstunde am Freitag")]


async def test_abos_lists_what_the_chat_received_and_daten_loeschen_removes_it(
        make_bot: Callable[[str], Bot], clock: FixedClock) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    anna, member = bot.person("88"), bot.person("11")
    await anna.say(f"/rundschreiben an alle: {TEXT}")
    await anna.say("ja")
    assert (await member.say("/abos")).endswith("vorher"), "not received yet: no history"
    await bot.deliver()
    assert (await member.say("/abos")).splitlines()[-1] == (
        f"Zuletzt erhalten: Rundschreiben vom 26.11.2026: {TEXT}")
    clock.advance(dt.timedelta(days=6))
    long = ("Neue Förderrichtlinie: Ab Januar gelten für alle Heimat-Programme neue "
            "Nachweispflichten, Details im Anhang")
    await anna.say(f"/rundschreiben an Heimat-Scheck: {long}")
    await anna.say("ja")
    await bot.deliver()
    assert (await member.say("/abos")).splitlines()[-3:] == [
        "Zuletzt erhalten:",
        "• Rundschreiben vom 02.12.2026: Neue Förderrichtlinie: Ab Januar gelten für alle …",
        f"• Rundschreiben vom 26.11.2026: {TEXT}"]
    assert len(broadcast_rows(bot, 11)) == 2
    await member.say("/daten-loeschen")
    assert await member.say("ja") == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    assert broadcast_rows(bot, 11) == []
    assert len(broadcast_rows(bot)) == 6 + 3, "the other chats keep theirs"
    assert await member.say("/abos") == (
        "Sie haben noch keine Abos. z. B. /abo Heimat-Scheck 14,3 oder /abo Heimat oder "
        "/abo Kreis Höxter")


async def test_the_weekly_digest_lists_the_broadcasts_the_chat_received(
        make_bot: Callable[[str], Bot], clock: FixedClock, shipped: Knowledge) -> None:
    bot = make_bot(EVERYWHERE)
    audience_chats(bot)
    subscribe(bot, 13, TargetKind.DIGEST)  # Kreis Höxter, with the digest
    anna = bot.person("88")
    await anna.say(f"/rundschreiben an alle: {TEXT}")
    await anna.say("ja")
    await anna.say("/rundschreiben an Kreis Höxter: Sprechstunde im Kreishaus")
    await anna.say("ja")
    await bot.deliver()
    digest = WeeklyDigest(bot.storage.subscriptions, bot.storage.outbox,
                          ProgrammeVersions(bot.storage.engine), clock, lambda: shipped.base,
                          broadcasts=bot.storage.broadcasts.week)
    digest.note_knowledge()
    clock.set(dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN))  # the next Monday
    assert digest.plan_due() == 2
    texts = dict(await bot.deliver())
    assert set(texts) == {"13", "14"}
    assert f"Mitteilungen:\n• {TEXT}\n• Sprechstunde im Kreishaus\n\n" in texts["13"]
    assert f"Mitteilungen:\n• {TEXT}\n\n" in texts["14"]
    assert "Sprechstunde" not in texts["14"], "only what the chat itself received"
    # A week later they are no news any more.
    subscribe(bot, 12, TargetKind.DIGEST)
    clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN))
    digest.plan_due()
    assert not [text for _, text in await bot.deliver() if "Mitteilungen" in text]
