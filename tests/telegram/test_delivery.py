"""Reminders through the engine and this transport's Sender; Telegram's errors mapped."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import Storage
from bot.clock import BERLIN, FixedClock
from bot.dialogue.core import APOLOGY, Dialogue
from bot.reminders.engine import ReminderEngine
from bot.reminders.sender import RetryLater
from bot.storage.records import Recipient, TargetKind
from bot.transports.telegram import TelegramConfig, TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import eventually, running
from tests.telegram.fakeapi import FakeBotApi

CHAT = 60
HERE = Recipient("telegram", str(CHAT))
DUE = dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
async def quick(api: FakeBotApi, env: dict[str, str], wired: Dialogue, storage: Storage,
                pauses: list[float]) -> AsyncIterator[TelegramTransport]:
    """The transport with a recording sleep, so backoffs cost no time."""

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    transport = TelegramTransport(TelegramConfig.from_env(env), wired, storage.subscriptions,
                                  sleep=sleep)
    async with running(transport):
        yield transport


@pytest.fixture
def engine_for(storage: Storage, clock: FixedClock) -> Any:
    def make(transport: TelegramTransport) -> ReminderEngine:
        storage.subscriptions.add_personal_reminder(HERE, DUE.date(), "Belege <sammeln>")
        clock.set(DUE)
        return ReminderEngine(storage.outbox, transport.sender, clock)

    return make


async def test_a_personal_reminder_is_delivered_to_the_chat(
        api: FakeBotApi, bot: TelegramTransport, engine_for: Any) -> None:
    engine = engine_for(bot)
    assert (await engine.sweep()).sent == 1
    [sent] = api.sent(CHAT)
    assert "Belege &lt;sammeln&gt;" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert (await engine.sweep()).sent == 0


async def test_a_429_is_honoured_and_the_reminder_delivered_once(
        api: FakeBotApi, bot: TelegramTransport, engine_for: Any) -> None:
    api.fail("sendMessage", 429, retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await engine_for(bot).sweep()
    assert loop.time() - started >= 1.0, "waited retry_after before the second attempt"
    assert result.sent == 1
    assert [c.status for c in api.called("sendMessage")] == [429, 200]
    assert len(api.sent(CHAT)) == 1


async def test_a_long_429_goes_back_to_the_outbox_and_is_sent_once_later(
        api: FakeBotApi, bot: TelegramTransport, engine_for: Any, clock: FixedClock) -> None:
    api.fail("sendMessage", 429, retry_after=120)
    engine = engine_for(bot)
    assert (await engine.sweep()).retried == 1
    clock.advance(dt.timedelta(seconds=60))
    assert (await engine.sweep()).sent == 0, "not before retry_after"
    clock.advance(dt.timedelta(seconds=61))
    assert (await engine.sweep()).sent == 1
    assert len(api.sent(CHAT)) == 1


async def test_a_403_deactivates_the_chats_subscriptions(
        api: FakeBotApi, bot: TelegramTransport, engine_for: Any, storage: Storage) -> None:
    storage.subscriptions.subscribe(HERE, TargetKind.ALL)
    api.fail("sendMessage", 403)
    result = await engine_for(bot).sweep()
    assert result.failed == 1
    assert not api.sent(CHAT)
    assert storage.subscriptions.active_subscriptions() == []


async def test_network_errors_are_retried_with_backoff(
        api: FakeBotApi, quick: TelegramTransport, engine_for: Any,
        pauses: list[float]) -> None:
    api.fail("sendMessage", 502, times=2)
    assert (await engine_for(quick).sweep()).sent == 1
    assert pauses == [0.5, 1.0]
    assert len(api.sent(CHAT)) == 1


async def test_persistent_network_errors_hand_back_to_the_engine(
        api: FakeBotApi, quick: TelegramTransport, engine_for: Any) -> None:
    api.fail("sendMessage", 502, times=3)
    assert (await engine_for(quick).sweep()).retried == 1
    assert not api.sent(CHAT)


async def test_the_sender_asks_for_a_retry_while_not_connected(
        make_transport: Any) -> None:
    with pytest.raises(RetryLater):
        await make_transport().sender.send(HERE, "Hallo", dedupe_id="x")


async def test_a_reply_waits_out_a_429(api: FakeBotApi, quick: TelegramTransport,
                                       pauses: list[float]) -> None:
    api.fail("sendMessage", 429, retry_after=3)
    api.enqueue(updates.message("heimatscheck", CHAT))
    await api.wait_for(lambda: len(api.sent()) == 1)
    assert pauses == [3.0]


async def test_an_error_is_logged_and_the_user_gets_a_short_apology(
        api: FakeBotApi, bot: TelegramTransport, caplog: pytest.LogCaptureFixture) -> None:
    api.fail("sendMessage", 400)
    with caplog.at_level(logging.ERROR):
        api.enqueue(updates.message("heimatscheck", CHAT))
        await api.wait_for(lambda: len(api.sent()) == 1)
    assert api.sent()[0]["text"] == APOLOGY
    [record] = [r for r in caplog.records if r.name.startswith("bot.transports.telegram")]
    assert "in chat 60 failed" in record.getMessage()
    assert record.exc_info is not None


async def test_a_blocked_bot_deactivates_instead_of_apologising(
        api: FakeBotApi, bot: TelegramTransport, storage: Storage) -> None:
    storage.subscriptions.subscribe(HERE, TargetKind.ALL)
    api.fail("sendMessage", 403)
    api.enqueue(updates.message("heimatscheck", CHAT))
    await eventually(lambda: storage.subscriptions.active_subscriptions() == [])
    assert not api.sent()
