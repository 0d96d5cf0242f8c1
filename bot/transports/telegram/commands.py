"""Telegram's view of the core's commands: names limited to ``[a-z0-9_]``.

The core names a command ``daten-loeschen``; Telegram's command menu only allows
``daten_loeschen``. The menu shows the Telegram names, and a typed or tapped
Telegram name is translated back to the core's name before the core sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from telegram import BotCommand

from bot.dialogue.commands import Command

MAX_COMMANDS = 100  # Bot API limit for setMyCommands
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "-": "_"})
_INVALID = re.compile(r"[^a-z0-9_]")
_TYPED = re.compile(r"^(\s*/)([A-Za-z0-9_]+)(?=$|[\s@])")


def telegram_name(name: str) -> str:
    """Return ``name`` as a valid Telegram command name (1–32 of a-z, 0-9, _)."""
    return _INVALID.sub("", name.casefold().translate(_FOLD))[:32]


def menu(commands: Iterable[Command]) -> list[BotCommand]:
    """Return the command menu for setMyCommands, with the core's German help texts."""
    seen: dict[str, BotCommand] = {}
    for command in commands:
        name = telegram_name(command.name)
        description = " ".join(command.help.split())[:256] or command.usage[:256]
        if name and description and name not in seen:
            seen[name] = BotCommand(name, description)
    return list(seen.values())[:MAX_COMMANDS]


def aliases(commands: Iterable[Command]) -> dict[str, str]:
    """Telegram names that differ from the core's name, mapped to the core's name."""
    return {telegram_name(c.name): c.name for c in commands if telegram_name(c.name) != c.name}


def translate(text: str, names: Mapping[str, str]) -> str:
    """Rewrite a leading ``/daten_loeschen`` into the core's ``/daten-loeschen``."""
    match = _TYPED.match(text)
    if match is None or match[2].casefold() not in names:
        return text
    return match[1] + names[match[2].casefold()] + text[match.end():]
