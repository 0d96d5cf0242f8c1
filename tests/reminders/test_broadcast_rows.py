"""Broadcast rows in the engine: one message per chat together with reminders, never dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, PlannedReminder, ReminderKind

NINE = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)  # 09:00 in Berlin (CEST)


def broadcast_row(owner: int, broadcast_id: int, text: str, due: dt.datetime) -> PlannedReminder:
    return PlannedReminder(f"b:{broadcast_id}:{owner}", owner, ReminderKind.BROADCAST, text, due)


async def test_a_broadcast_and_the_mornings_reminders_are_one_message(
        outbox: OutboxRepository, chat_owner: Callable[[str], int],
        make_row: Callable[..., PlannedReminder], clock: FixedClock) -> None:
    owner = chat_owner("1")
    outbox.insert([make_row(owner, "a", NINE, dt.date(2027, 10, 23)),
                   broadcast_row(owner, 2, "Zweites Rundschreiben", NINE),
                   broadcast_row(owner, 1, "Infoabend am 20.10.", NINE)], NINE)
    clock.set(NINE)
    sender = FakeSender()
    assert (await ReminderEngine(outbox, sender, clock).sweep()).sent == 1
    [delivery] = sender.deliveries
    assert delivery.text == (
        "Rundschreiben des Kulturbüros:\nZweites Rundschreiben\n\n"
        "Rundschreiben des Kulturbüros:\nInfoabend am 20.10.\n\n"
        "Erinnerung an Fristen:\n• Heimat-Scheck: Frist 23.10.2027 (in 7 Tagen)")


async def test_a_broadcast_that_waited_through_a_downtime_still_goes_out(
        outbox: OutboxRepository, chat_owner: Callable[[str], int], clock: FixedClock) -> None:
    outbox.insert([broadcast_row(chat_owner("1"), 1, "Infoabend", NINE)], NINE)
    clock.set(NINE + dt.timedelta(days=3))
    sender = FakeSender()
    engine = ReminderEngine(outbox, sender, clock, config=EngineConfig(worker_id="w1"))
    result = await engine.sweep()
    assert (result.sent, result.dropped_rows) == (1, 0)
    assert [d.text for d in sender.deliveries] == ["Rundschreiben des Kulturbüros:\nInfoabend"]
