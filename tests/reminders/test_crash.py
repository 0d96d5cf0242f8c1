"""Guarantee a): a worker killed with SIGKILL mid-send loses nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, PlannedReminder, State

NINE = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)
WORKER = Path(__file__).with_name("crashing_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def kill_worker_in_send(db_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(WORKER), db_url, NINE.isoformat()],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "in-send"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        if child.stdout:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def test_killed_worker_is_replaced_after_the_lease(
    db_url: str, outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    outbox.insert([make_row(chat_owner("1"), "a", NINE, dt.date(2027, 10, 23)),
                   make_row(chat_owner("2"), "b", NINE, dt.date(2027, 10, 23))], NINE)
    kill_worker_in_send(db_url)
    assert outbox.count_by_state() == {State.SENDING: 2}

    clock = FixedClock(NINE + dt.timedelta(seconds=10))
    sender = FakeSender()
    engine = ReminderEngine(outbox, sender, clock,
                            config=EngineConfig(worker_id="successor", lease=LEASE))
    asyncio.run(engine.sweep())
    assert sender.deliveries == []  # the dead worker's lease still holds

    clock.set(NINE + LEASE)
    asyncio.run(engine.sweep())
    asyncio.run(engine.sweep())
    assert sorted(d.recipient.chat_id for d in sender.deliveries) == ["1", "2"]
    assert outbox.count_by_state() == {State.SENT: 2}
