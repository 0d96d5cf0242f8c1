"""Which transports run: each is switched on by its own settings."""

from __future__ import annotations

from bot.app import Storage
from bot.dialogue.core import Dialogue
from bot.settings import Settings
from bot.transports.base import Transport


def configured_transports(settings: Settings, dialogue: Dialogue,
                          storage: Storage) -> list[Transport]:
    """Build every transport whose settings are present."""
    transports: list[Transport] = []
    env = settings.environ
    if env.get("FOERDERLOTSE_TELEGRAM_TOKEN"):
        from bot.transports import telegram

        transports.append(telegram.create(settings, dialogue, storage))
    if env.get("FOERDERLOTSE_MATRIX_HOMESERVER"):
        from bot.transports import matrix

        transports.append(matrix.create(settings, dialogue, storage))
    return transports
