"""Webhook mode: Telegram's secret-token header is required on every request."""

from __future__ import annotations

import socket
from collections.abc import Callable

import aiohttp

from bot.transports.telegram import TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import running
from tests.telegram.fakeapi import FakeBotApi

SECRET = "s3cret-Token_1"  # noqa: S105  (test value)
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_accepts_the_secret_and_refuses_everything_else(
        api: FakeBotApi, make_transport: Callable[..., TelegramTransport]) -> None:
    port = free_port()
    transport = make_transport(
        FOERDERLOTSE_TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/hook",
        FOERDERLOTSE_TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        FOERDERLOTSE_TELEGRAM_WEBHOOK_PORT=str(port),
        FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET=SECRET)
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with running(transport), aiohttp.ClientSession() as http:
        [hook] = api.called("setWebhook")
        assert hook.params["url"] == "https://bot.example.org/telegram/hook"
        assert hook.params["secret_token"] == SECRET
        assert not api.called("getUpdates")
        update = {"update_id": 1, **updates.message("heimatscheck", 70)}
        for headers in ({}, {HEADER: "falsch"}):
            async with http.post(url, json=update, headers=headers) as refused:
                assert refused.status == 403
        async with http.post(url, json=update, headers={HEADER: SECRET}) as accepted:
            assert accepted.status == 200
        await api.wait_for(lambda: len(api.sent()) == 1)
    assert api.sent()[0]["text"].startswith("Heimat-Scheck")
    assert not api.called("deleteWebhook"), "the webhook stays set across restarts"
