"""``foerderlotse chat``: the console chat on the shipped knowledge."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import add_knowledge_option, build_dialogue
from bot.transports.console import run_console


def register(commands: Any) -> None:
    """Add the ``chat`` subcommand."""
    parser = commands.add_parser("chat", help="im Terminal chatten (ohne Token, ohne Server)")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Chat in the terminal until end of input."""
    dialogue = build_dialogue(args)
    return asyncio.run(run_console(dialogue))
