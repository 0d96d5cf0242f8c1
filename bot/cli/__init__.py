"""The ``foerderlotse`` command line: chat, ask, kb …, db …, run."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.cli import ask, chat, db, ics, kb, run
from bot.errors import ConfigError, FoerderlotseError, KnowledgeError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foerderlotse", description="Förderlotse – Förder-Chatbot für Westfalen-Lippe")
    commands = parser.add_subparsers(dest="command", metavar="BEFEHL", required=True)
    chat.register(commands)
    ask.register(commands)
    kb.register(commands)
    ics.register(commands)
    db.register(commands)
    run.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args))
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} Problem(e) – der Wissensordner wurde nicht geladen.",
              file=sys.stderr)
        return 1
    except (ConfigError, FoerderlotseError) as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
