"""A lost connection to the homeserver: the bot reconnects with backoff and catches up.

A small TCP proxy sits between the bot and Synapse; the test user talks to Synapse
directly. Cutting the proxy (all connections closed, port no longer listening) is a
network outage for the bot only, while the homeserver keeps taking messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.clock import BERLIN, FixedClock
from bot.reminders.engine import ReminderEngine
from bot.reminders.sender import RetryLater, Sender
from bot.storage.records import Recipient, State
from tests.matrix.helpers import Account, MatrixUser, running_bot
from tests.proxy import line_proxy

QUESTION = "Wie viel gibt es beim Heimat-Scheck?"
OUTAGE = 3.0  # seconds the line stays down; the sync loop backs off 1 s, then 2 s
BACKOFF_LOG = "Matrix sync failed, retrying in"


class SpySender:
    """Passes reminders on to the real sender and records every attempt and its error."""

    def __init__(self, inner: Sender) -> None:
        self._inner = inner
        self.attempts: list[tuple[str, Exception | None]] = []  # (dedupe_id, error)

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        try:
            await self._inner.send(recipient, text, dedupe_id=dedupe_id)
        except Exception as error:
            self.attempts.append((dedupe_id, error))
            raise
        self.attempts.append((dedupe_id, None))


def is_welcome(body: str) -> bool:
    return body.startswith("Guten Tag!")


def answers_heimat(body: str) -> bool:
    return "Heimat-Scheck" in body and not is_welcome(body)


def is_reminder(body: str) -> bool:
    return body.startswith("Ihre Erinnerung:")


async def test_lost_line_reconnects_and_catches_up(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.transports.matrix.transport")
    registered = register("bot")
    async with line_proxy(registered.homeserver) as proxy:
        bot_account = dataclasses.replace(registered, homeserver=proxy.url)
        async with running_bot(bot_account, tmp_path / "bot", clock) as bot:
            room = await alice.create_room([bot.user_id])
            await alice.wait_for(room, bot.user_id, is_welcome)
            await alice.say(room, "!erinnerung morgen Belege sammeln")
            await alice.wait_for(room, bot.user_id,
                                 lambda b: b.startswith("Erinnerung gespeichert"))
            assert bot.storage.outbox.count_by_state() == {State.PENDING: 1}
            before = len(alice.messages_from(room, bot.user_id))

            await proxy.cut()  # --- the line is down from here ---
            await alice.say(room, QUESTION)  # alice reaches Synapse directly
            tomorrow = clock.now().astimezone(BERLIN).date() + dt.timedelta(days=1)
            clock.set(dt.datetime.combine(tomorrow, dt.time(9, 1), tzinfo=BERLIN))
            sender = SpySender(bot.transport.sender)
            engine = ReminderEngine(bot.storage.outbox, sender, clock)
            result = await engine.sweep()
            assert (result.sent, result.retried, result.failed) == (0, 1, 0)
            [(txn, error)] = sender.attempts
            assert isinstance(error, RetryLater), repr(error)
            assert bot.storage.outbox.count_by_state() == {State.PENDING: 1}
            retry_at = await engine.next_due_at()
            assert retry_at is not None
            assert retry_at > clock.now()
            await asyncio.sleep(OUTAGE)
            assert any(BACKOFF_LOG in r.getMessage() for r in caplog.records), \
                "the sync loop did not notice the outage"
            await alice.sync(0)
            assert alice.messages_from(room, bot.user_id)[before:] == []  # nothing got out
            connections = proxy.connections
            await proxy.start()  # --- the line is back, on the same port ---

            await alice.wait_for(room, bot.user_id, answers_heimat)
            assert proxy.connections > connections  # the bot came back through the proxy
            clock.set(retry_at + dt.timedelta(seconds=1))
            result = await engine.sweep()
            assert (result.sent, result.retried, result.failed) == (1, 0, 0)
            assert sender.attempts[1:] == [(txn, None)]  # same transaction id, delivered
            assert bot.storage.outbox.count_by_state() == {State.SENT: 1}
            reminder = await alice.wait_for(room, bot.user_id, is_reminder)
            assert "Belege sammeln" in reminder.body
            await asyncio.sleep(1)  # give a duplicate the chance to show up
            await alice.sync()
        after = [m.body for m in alice.messages_from(room, registered.user_id)[before:]]
    assert len(after) == 2, after
    assert sum(map(answers_heimat, after)) == 1  # the question was answered exactly once
    assert sum(map(is_reminder, after)) == 1  # the reminder went out exactly once
