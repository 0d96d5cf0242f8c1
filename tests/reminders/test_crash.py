"""Guarantee a): a worker killed with SIGKILL mid-send loses nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
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


def kill_worker_in_send(
    db_url: str, *args: str, before_kill: Callable[[], None] = lambda: None
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(WORKER), db_url, NINE.isoformat(), *args],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "in-send"
        before_kill()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        if child.stdout:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def plan_two_chats(outbox: OutboxRepository, chat_owner: Callable[[str], int],
                   make_row: Callable[..., PlannedReminder]) -> None:
    """One reminder each for chats "1" and "2", due at NINE."""
    outbox.insert([make_row(chat_owner("1"), "a", NINE, dt.date(2027, 10, 23)),
                   make_row(chat_owner("2"), "b", NINE, dt.date(2027, 10, 23))], NINE)


def test_killed_worker_is_replaced_after_the_lease(
    db_url: str, outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    plan_two_chats(outbox, chat_owner, make_row)
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


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Poll until ``condition`` holds (the child commits on its own schedule)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def successor_delivers(outbox: OutboxRepository) -> list[str]:
    """Run a new engine once the dead worker's lease expired; return the chats it sent to."""
    sender = FakeSender()
    engine = ReminderEngine(outbox, sender, FixedClock(NINE + LEASE),
                            config=EngineConfig(worker_id="successor", lease=LEASE))
    asyncio.run(engine.sweep())
    assert outbox.count_by_state() == {State.SENT: 2}
    return sorted(d.recipient.chat_id for d in sender.deliveries)


def test_a_crash_repeats_only_messages_whose_outcome_was_not_committed(
    db_url: str, outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    # The worker delivers chat 1's message, then hangs on chat 2's. With a long commit
    # window the delivery of chat 1 is not committed yet when it dies: chat 1 gets its
    # message again (at-least-once), chat 2 gets its first one.
    plan_two_chats(outbox, chat_owner, make_row)
    kill_worker_in_send(db_url, "1", "3600")
    assert outbox.count_by_state() == {State.SENDING: 2}
    assert successor_delivers(outbox) == ["1", "2"]


def test_the_commit_window_bounds_what_a_crash_repeats(
    db_url: str, outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    # With a short window, chat 1's delivery is committed while chat 2's send still
    # hangs, without waiting for the batch to end; after the crash only chat 2 is sent.
    plan_two_chats(outbox, chat_owner, make_row)
    committed = {State.SENT: 1, State.SENDING: 1}
    kill_worker_in_send(db_url, "1", "0.05",
                        before_kill=lambda: wait_for(lambda: outbox.count_by_state() == committed))
    assert successor_delivers(outbox) == ["2"]
