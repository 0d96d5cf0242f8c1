"""Start, load and shutdown: offsets acknowledged, in-flight replies finished, no repeats."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

import pytest

from bot.app import Storage, open_storage
from bot.clock import BERLIN, FixedClock
from bot.dialogue.core import Dialogue
from bot.errors import TransportError
from bot.runner import serve
from bot.settings import Settings
from bot.storage.records import Recipient
from bot.transports.registry import configured_transports
from bot.transports.telegram import TelegramConfig, TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import TOKEN, running
from tests.telegram.fakeapi import FakeBotApi


async def test_shutdown_finishes_replies_and_a_restart_does_not_answer_again(
        api: FakeBotApi, make_transport: Callable[..., TelegramTransport]) -> None:
    api.send_delay = 0.3  # the reply is still on its way when the stop comes
    async with running(make_transport()):
        last = 0
        for number in range(3):
            last = api.enqueue(updates.message(f"heimatscheck {number}", 20 + number))
        await api.wait_for(lambda: api.sending == 3)
        assert not api.sent()
    assert len(api.sent()) == 3, "in-flight replies were finished before stopping"
    assert api.acknowledged == last + 1, "the final getUpdates confirmed every fetched update"
    async with running(make_transport()):
        api.enqueue(updates.message("heimatscheck neu", 30))
        await api.wait_for(lambda: len(api.sent()) == 4)
        await asyncio.sleep(0.2)
    assert Counter(int(m["chat_id"]) for m in api.sent()) == {20: 1, 21: 1, 22: 1, 30: 1}


async def test_fifty_questions_from_five_users_are_answered_exactly_once(
        api: FakeBotApi, bot: TelegramTransport) -> None:
    questions = ["heimatscheck", "Bis wann Kultur und Schule?", "wer hilft in Brakel",
                 "was ist ein Verwendungsnachweis", "/hilfe"]
    for round_ in range(10):
        for user in range(5):
            api.enqueue(updates.message(questions[(round_ + user) % 5], 100 + user,
                                        message_id=round_))
    await api.wait_for(lambda: len(api.sent()) >= 50)
    await asyncio.sleep(0.2)  # nothing more arrives
    per_chat = Counter(int(m["chat_id"]) for m in api.sent())
    assert per_chat == {100 + user: 10 for user in range(5)}
    first = [m["text"] for m in api.sent(100)]
    assert first[0].startswith("Heimat-Scheck"), "one chat's answers keep their order"


async def test_flooding_gets_one_note_then_silence_until_the_window_passes(
        api: FakeBotApi, env: dict[str, str], wired: Dialogue, storage: Storage,
        clock: FixedClock) -> None:
    """The core counts (on its clock); Telegram's setting says how many it allows."""
    config = TelegramConfig.from_env({**env, "FOERDERLOTSE_TELEGRAM_FLOOD_PER_MINUTE": "5"})
    transport = TelegramTransport(config, wired, storage.subscriptions)
    async with running(transport):
        for number in range(8):
            api.enqueue(updates.message(f"heimatscheck {number}", 40))
        await api.wait_for(lambda: len(api.sent()) >= 6)
        await asyncio.sleep(0.2)
        texts = [m["text"] for m in api.sent()]
        assert len(texts) == 6
        assert texts[5].startswith("Sie schreiben mir gerade sehr schnell")
        api.enqueue(updates.message("heimatscheck", 41))  # another user is not affected
        await api.wait_for(lambda: len(api.sent()) == 7)
        clock.advance(dt.timedelta(seconds=61))
        api.enqueue(updates.message("heimatscheck", 40))
        await api.wait_for(lambda: len(api.sent()) == 8)
    assert api.sent()[-1]["text"].startswith("Heimat-Scheck")


async def test_foerderlotse_run_serves_telegram(api: FakeBotApi, env: dict[str, str],
                                                clock: FixedClock) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(Settings.from_env(env), clock, configured_transports, stop))
    api.enqueue(updates.message("heimatscheck", 50))
    await api.wait_for(lambda: len(api.sent()) == 1, seconds=20)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert api.sent()[0]["text"].startswith("Heimat-Scheck")


async def test_the_token_never_reaches_the_log(api: FakeBotApi, env: dict[str, str],
                                               clock: FixedClock,
                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await test_foerderlotse_run_serves_telegram(api, env, clock)
    assert caplog.records
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]


async def test_a_wrong_token_stops_the_start_with_a_clear_error(
        api: FakeBotApi, make_transport: Callable[..., TelegramTransport]) -> None:
    transport = make_transport(FOERDERLOTSE_TELEGRAM_TOKEN="999:falsch")  # noqa: S106
    with pytest.raises(TransportError, match="FOERDERLOTSE_TELEGRAM_TOKEN"):
        await transport.run(asyncio.Event())


async def test_a_stop_in_the_middle_of_a_sweep_sends_nothing_twice(
        api: FakeBotApi, env: dict[str, str], clock: FixedClock) -> None:
    """SIGTERM (the signal handler sets ``stop``) while reminders go out, then a restart."""
    settings = Settings.from_env(env)
    storage = open_storage(settings, clock)
    chats = range(200, 240)
    for chat in chats:
        storage.subscriptions.add_personal_reminder(
            Recipient("telegram", str(chat)), dt.date(2026, 11, 27), "Belege sammeln")
    storage.close()
    clock.set(dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=BERLIN))
    api.send_delay = 0.05  # each message takes a while: the stop lands mid-sweep
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, clock, configured_transports, stop))
    await api.wait_for(lambda: api.sending >= 5, seconds=20)
    stop.set()
    await asyncio.wait_for(task, 40)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, clock, configured_transports, stop))
    await api.wait_for(lambda: len({int(m["chat_id"]) for m in api.sent()}) == len(chats),
                       seconds=30)
    await asyncio.sleep(0.3)
    stop.set()
    await asyncio.wait_for(task, 40)
    per_chat = Counter(int(m["chat_id"]) for m in api.sent())
    assert per_chat == dict.fromkeys(chats, 1)
