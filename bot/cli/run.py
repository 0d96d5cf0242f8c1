"""``foerderlotse run``: every configured messenger and the reminder engine."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot import logs
from bot.cli.common import settings_of
from bot.clock import SystemClock
from bot.runner import serve
from bot.transports.registry import configured_transports


def register(commands: Any) -> None:
    """Add the ``run`` subcommand."""
    parser = commands.add_parser("run", help="Bot mit allen eingerichteten Messengern starten")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or SIGINT."""
    settings = settings_of(args)
    logs.configure(settings.log_level, settings.secrets())
    asyncio.run(serve(settings, SystemClock(), configured_transports))
    return 0
