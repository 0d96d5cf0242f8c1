"""The Telegram transport: a PTB Application run by long polling or behind a webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from bot.dialogue.core import Dialogue
from bot.errors import TransportError
from bot.reminders.sender import Sender
from bot.storage.subscriptions import SubscriptionRepository
from bot.transports.telegram.commands import menu
from bot.transports.telegram.config import TelegramConfig
from bot.transports.telegram.handlers import NAME, Handlers
from bot.transports.telegram.sender import Delivery, Sleep, TelegramSender

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# PTB logs the API URL, which contains the token, when it creates its bot (at DEBUG).
_PTB_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")
MAX_CONCURRENT_UPDATES = 32


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes updates of different chats concurrently, of one chat in arrival order.

    Concurrency keeps one slow chat from holding up the others; the per-chat order keeps
    "1" (picking a choice) behind the question that offered it.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await ``coroutine`` once earlier updates of the same chat are done."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # nobody queued: forget the chat's lock
                del self._waiting[chat.id], self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class HideToken(logging.Filter):
    """Replaces the bot token in log records, whatever their level."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; never drop it."""
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True

    def __eq__(self, other: object) -> bool:  # addFilter skips an equal filter
        return isinstance(other, HideToken) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class TelegramTransport:
    """Receives Telegram updates for the dialogue and sends reminders to Telegram chats."""

    name = NAME

    def __init__(self, config: TelegramConfig, dialogue: Dialogue,
                 subscriptions: SubscriptionRepository, *, sleep: Sleep = asyncio.sleep) -> None:
        self.config = config
        for name in _PTB_LOGGERS:
            logging.getLogger(name).addFilter(HideToken(config.token))
        self.application = (
            Application.builder().token(config.token).base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .concurrent_updates(ChatOrderedProcessor(MAX_CONCURRENT_UPDATES)).build())
        delivery = Delivery(self.application.bot, sleep)
        self.telegram_sender = TelegramSender(delivery)
        self.sender: Sender = self.telegram_sender
        self._dialogue = dialogue
        self.started = asyncio.Event()  # set once updates are being received (for tests)
        # The core counts each person's messages; Telegram only says how many it allows.
        dialogue.flood.limit(NAME, config.flood_per_minute)
        handlers = Handlers(dialogue, subscriptions, delivery,
                            group_admin_only=config.group_admin_only)
        handlers.install(self.application)
        delivery.on_moved = handlers.on_moved

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set; then finish in-flight replies and acknowledge updates.

        Raises:
            TransportError: Telegram refuses the token or cannot be reached at start.

        """
        app = self.application
        try:
            await app.initialize()
        except TelegramError as error:
            await app.bot.shutdown()  # close the HTTP clients the failed start opened
            if isinstance(error, InvalidToken):
                raise TransportError("Telegram lehnt FOERDERLOTSE_TELEGRAM_TOKEN ab.") from error
            raise TransportError(f"Telegram ist nicht erreichbar: {error.message}") from error
        try:
            await self._register_commands()
            await self._receive()
            await app.start()
            self.telegram_sender.online = True
            self.started.set()
            logger.info("Telegram bot @%s is running (%s)", app.bot.username,
                        "webhook" if self.config.webhook else "long polling")
            await stop.wait()
        finally:
            await self._stop()

    async def _receive(self) -> None:
        updater = self.application.updater
        assert updater is not None  # noqa: S101  (the builder always creates one)
        hook = self.config.webhook
        if hook is None:
            await updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
            return
        try:
            await updater.start_webhook(
                listen=hook.listen, port=hook.port, url_path=hook.url_path, webhook_url=hook.url,
                secret_token=hook.secret, allowed_updates=list(ALLOWED_UPDATES))
        except RuntimeError as error:  # PTB names the missing extra in its message
            raise TransportError(f"Webhook-Modus braucht Tornado: pip install "
                                 f"'python-telegram-bot[webhooks]' ({error})") from error

    async def _stop(self) -> None:
        """Stop fetching (acknowledging fetched updates), finish replies, close."""
        app = self.application
        self.started.clear()
        try:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
        finally:
            self.telegram_sender.online = False
            await app.shutdown()

    async def _register_commands(self) -> None:
        commands = menu(self._dialogue.commands)
        try:
            await self.application.bot.set_my_commands(commands)
        except TelegramError as error:  # the menu is a convenience; the bot works without it
            logger.warning("Could not register the command menu with Telegram: %s", error)
