"""Telegram at DEBUG through its error paths: no token and no message text in the log."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.clock import FixedClock
from bot.errors import TransportError
from bot.runner import serve
from bot.settings import Settings
from bot.transports.registry import configured_transports
from tests.telegram import updates
from tests.telegram.conftest import TOKEN
from tests.telegram.fakeapi import FakeBotApi

REJECTED = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
QUESTION = "Heimatscheck Frage mit dem Kennwort Zwergpinscher"


async def test_rejected_token_and_502_leave_no_secret_or_text_in_the_log(
        api: FakeBotApi, env: dict[str, str], clock: FixedClock,
        captured: io.StringIO) -> None:
    with pytest.raises(ExceptionGroup) as failed:
        await serve(Settings.from_env({**env, "FOERDERLOTSE_TELEGRAM_TOKEN": REJECTED}), clock,
                    configured_transports, asyncio.Event())
    # What an operator's logging of the failure would write, traceback and cause included.
    assert failed.group_contains(TransportError)
    logging.getLogger("bot.cli").error("Start failed", exc_info=failed.value)
    api.fail("getUpdates", 502, times=2)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(Settings.from_env(env), clock, configured_transports, stop))
    api.enqueue(updates.message(QUESTION, 60))
    await api.wait_for(lambda: len(api.sent()) == 1, seconds=20)
    stop.set()
    await asyncio.wait_for(task, 10)
    log = captured.getvalue()
    assert "DEBUG" in log
    assert "Start failed" in log
    assert "Traceback" in log
    assert REJECTED not in log
    assert TOKEN not in log
    assert "Zwergpinscher" not in log
