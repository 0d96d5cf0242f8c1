"""Open handed-off questions are reminded to their coordinators once a week (both backends)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from bot.clock import BERLIN, FixedClock
from bot.handoff.weekly import OpenCaseReminders, week_of
from bot.knowledge.service import Knowledge
from bot.reminders.engine import ReminderEngine
from bot.reminders.sender import FakeSender
from bot.settings import Settings
from bot.storage import OutboxRepository, Recipient
from bot.storage.handoff import HandoffRepository, Outgoing

ASKER = Recipient("telegram", "11")
COORDINATORS = Settings.from_env(
    {"FOERDERLOTSE_COORDINATORS": "telegram:77=kreis-hoexter,telegram:88"}).coordinators


def at(day: int, month: int = 11, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def test_the_week_starts_monday_at_nine_in_berlin() -> None:
    assert week_of(at(2, 12, hour=23)) == ("2026-W49", at(30).astimezone(dt.UTC))
    assert week_of(at(30, hour=8)) == ("2026-W49", at(30).astimezone(dt.UTC))
    assert week_of(at(29, hour=23)) == ("2026-W48", at(23).astimezone(dt.UTC))


async def test_old_open_cases_are_reminded_once_a_week(db_engine: Engine,
                                                       shipped: Knowledge) -> None:
    clock = FixedClock(at(20, hour=10))
    repo = HandoffRepository(db_engine, clock)
    old = repo.open_case("Orgel in Brakel?", "kreis-hoexter", ASKER, lambda n: [])
    clock.set(at(27, hour=10))
    recent = repo.open_case("Trachten?", None, ASKER, lambda n: [])
    done = repo.open_case("Erledigt?", None, ASKER, lambda n: [])
    repo.close(done, "Ja.", lambda asker: Outgoing(asker, f"h:{done}:antwort", "Ja."))
    reminders = OpenCaseReminders(repo, COORDINATORS, lambda: shipped.base, clock, days=7)
    sender = FakeSender()
    engine = ReminderEngine(OutboxRepository(db_engine), sender, clock)
    await engine.sweep()  # the answer to the closed case
    assert [d.recipient.chat_id for d in sender.deliveries] == ["11"]

    async def week(now: dt.datetime) -> list[tuple[str, str]]:
        clock.set(now)
        reminders.plan()
        before = len(sender.deliveries)
        await engine.sweep()
        return sorted((d.recipient.chat_id, d.text) for d in sender.deliveries[before:])

    assert await week(at(30, hour=8, minute=59)) == []  # Monday, before nine
    assert await week(at(30)) == [("77", (
        f"Noch offen seit 10 Tagen (Fall {old}, Kreis Höxter): Orgel in Brakel?\n"
        f"Antworten Sie mit /antwort {old} <Ihre Antwort>."))]
    assert await week(at(30, hour=15)) == []  # never twice in the same week …
    assert await week(at(2, 12)) == []  # … not even after a restart on Wednesday
    assert await week(at(7, 12, minute=5)) == [
        ("77", f"Noch offen seit 17 Tagen (Fall {old}, Kreis Höxter): Orgel in Brakel?\n"
               f"Antworten Sie mit /antwort {old} <Ihre Antwort>."),
        ("88", f"Noch offen seit 10 Tagen (Fall {recent}): Trachten?\n"
               f"Antworten Sie mit /antwort {recent} <Ihre Antwort>."),
    ]
    repo.close(old, "Beim Heimatverein.", lambda asker: Outgoing(asker, f"h:{old}:antwort", "x"))
    assert [chat for chat, _ in await week(at(14, 12))] == ["11", "88"]  # answered: not again


def test_without_coordinators_nothing_is_planned(db_engine: Engine, shipped: Knowledge) -> None:
    clock = FixedClock(at(1, hour=10))
    repo = HandoffRepository(db_engine, clock)
    repo.open_case("Orgel?", None, ASKER, lambda n: [])
    clock.set(at(30))
    assert OpenCaseReminders(repo, (), lambda: shipped.base, clock, days=7).plan() == 0
