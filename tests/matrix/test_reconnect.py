"""A lost connection to the homeserver: the bot reconnects with backoff and catches up.

A small TCP proxy sits between the bot and Synapse; the test user talks to Synapse
directly. Cutting the proxy (all connections closed, port no longer listening) is a
network outage for the bot only, while the homeserver keeps taking messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.clock import BERLIN, FixedClock
from bot.reminders.engine import ReminderEngine
from bot.reminders.sender import RetryLater, Sender
from bot.storage.records import Recipient, State
from tests.matrix.helpers import Account, MatrixUser, running_bot

QUESTION = "Wie viel gibt es beim Heimat-Scheck?"
OUTAGE = 3.0  # seconds the line stays down; the sync loop backs off 1 s, then 2 s
BACKOFF_LOG = "Matrix sync failed, retrying in"


class LineProxy:
    """Forwards TCP connections from a local port to ``target``; can cut and restore the line."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0
        self.connections = 0  # accepted since the start, across cuts

    @property
    def url(self) -> str:
        """The homeserver URL that reaches Synapse through the proxy."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Listen on the same port as before (a random free one the first time)."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection (both directions)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        assert not self._tasks
        assert not self._writers

    def _accept(self, client_reader: asyncio.StreamReader,
                client_writer: asyncio.StreamWriter) -> None:
        # A plain callback: Python 3.11 logs an error for a cancelled callback *task*.
        self.connections += 1
        self._writers.add(client_writer)
        task = asyncio.create_task(self._forward(client_reader, client_writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _forward(self, client_reader: asyncio.StreamReader,
                       client_writer: asyncio.StreamWriter) -> None:
        writers = [client_writer]
        try:
            server_reader, server_writer = await asyncio.open_connection(*self._target)
            writers.append(server_writer)
            self._writers.add(server_writer)
            async with asyncio.TaskGroup() as group:
                group.create_task(_pump(client_reader, server_writer))
                group.create_task(_pump(server_reader, client_writer))
        except* OSError:
            pass  # one side reset the connection: both are closed below
        finally:
            for writer in writers:
                writer.transport.abort()
                self._writers.discard(writer)


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until EOF, then half-close the other side (HTTP keep-alive friendly)."""
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    if writer.can_write_eof():
        with contextlib.suppress(OSError):
            writer.write_eof()


@contextlib.asynccontextmanager
async def line_proxy(homeserver: str) -> AsyncIterator[LineProxy]:
    """A started :class:`LineProxy` to ``homeserver``, cut for good when the block ends."""
    target = urlsplit(homeserver)
    assert target.hostname, homeserver
    assert target.port, homeserver
    proxy = LineProxy(target.hostname, target.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.cut()


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
