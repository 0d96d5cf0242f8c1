"""The Telegram transport (python-telegram-bot): long polling or webhook, Telegram HTML."""

from __future__ import annotations

import logging

from bot.app import Storage
from bot.dialogue.core import Dialogue
from bot.settings import Settings
from bot.transports.base import Transport
from bot.transports.telegram.config import TelegramConfig
from bot.transports.telegram.transport import TelegramTransport


def create(settings: Settings, dialogue: Dialogue, storage: Storage) -> Transport:
    """Build the transport from ``FOERDERLOTSE_TELEGRAM_*`` settings.

    Raises:
        ConfigError: a Telegram setting is missing or invalid.

    """
    config = TelegramConfig.from_env(settings.environ)
    # httpx logs every request URL at INFO, and Telegram URLs contain the bot token.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return TelegramTransport(config, dialogue, storage.subscriptions)


__all__ = ["TelegramConfig", "TelegramTransport", "create"]
