"""``foerderlotse chat``: the console chat on the shipped knowledge, with SQLite."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.app import Storage
from bot.cli.common import add_knowledge_option, settings_of, tell_folder
from bot.clock import SystemClock
from bot.dialogue.core import Dialogue
from bot.runner import serve
from bot.settings import Settings
from bot.transports.base import Transport
from bot.transports.console import ConsoleTransport


def register(commands: Any) -> None:
    """Add the ``chat`` subcommand."""
    parser = commands.add_parser("chat", help="im Terminal chatten (ohne Token, ohne Server)")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def _console(settings: Settings, dialogue: Dialogue, storage: Storage) -> list[Transport]:
    return [ConsoleTransport(dialogue)]


def run(args: argparse.Namespace) -> int:
    """Chat in the terminal until end of input; reminders due meanwhile appear in the chat."""
    settings = settings_of(args)
    tell_folder(settings)
    asyncio.run(serve(settings, SystemClock(), _console))
    return 0
