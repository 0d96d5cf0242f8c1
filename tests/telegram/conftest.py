"""Fixtures: the fake Bot API, a real SQLite storage, and the transport running against both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import Storage, open_storage, replanner
from bot.clock import FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.subscriptions import SubscriptionCommands
from bot.knowledge.service import Knowledge
from bot.settings import Settings
from bot.transports.telegram import TelegramTransport, create
from tests.telegram.fakeapi import FakeBotApi

TOKEN = "123456:TEST-token_abc"  # noqa: S105  (the fake server's)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's future ``retry_after`` type: PTB 22 warns from inside RetryAfter's
    own constructor otherwise, which our warnings-as-errors turns into a failure."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def env(api: FakeBotApi, tmp_path: Path) -> dict[str, str]:
    return {"FOERDERLOTSE_DATA_DIR": str(tmp_path / "data"),
            "FOERDERLOTSE_TELEGRAM_TOKEN": TOKEN,
            "FOERDERLOTSE_TELEGRAM_API_URL": api.root + "/"}


@pytest.fixture
def storage(env: dict[str, str], clock: FixedClock) -> Any:
    opened = open_storage(Settings.from_env(env), clock)
    yield opened
    opened.close()


@pytest.fixture
def wired(shipped: Knowledge, clock: FixedClock, storage: Storage) -> Dialogue:
    """The dialogue as bot.app.build_dialogue wires it, on the session's knowledge."""
    dialogue = Dialogue(lambda: shipped, clock)
    commands = SubscriptionCommands(dialogue, storage.subscriptions,
                                    replanner(storage, lambda: shipped))
    for command in commands.commands():
        dialogue.commands.add(command)
    return dialogue


@pytest.fixture
def make_transport(env: dict[str, str], wired: Dialogue,
                   storage: Storage) -> Callable[..., TelegramTransport]:
    def make(**extra: str) -> TelegramTransport:
        transport = create(Settings.from_env({**env, **extra}), wired, storage)
        assert isinstance(transport, TelegramTransport)
        return transport

    return make


@asynccontextmanager
async def running(transport: TelegramTransport) -> AsyncIterator[asyncio.Event]:
    """Run the transport until the block ends; then stop it as SIGTERM would."""
    stop = asyncio.Event()
    task = asyncio.create_task(transport.run(stop))
    started = asyncio.create_task(transport.started.wait())
    await asyncio.wait({task, started}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        started.cancel()
        task.result()
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait until ``check()`` holds (for database effects that happen in worker threads)."""
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110  (the database offers nothing to await)
            await asyncio.sleep(0.01)


@pytest.fixture
async def bot(make_transport: Callable[..., TelegramTransport]
              ) -> AsyncIterator[TelegramTransport]:
    """The transport, running by long polling against the fake API."""
    transport = make_transport()
    async with running(transport):
        yield transport
