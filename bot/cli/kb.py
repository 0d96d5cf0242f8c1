"""``foerderlotse kb …``: the coordinators' tools for the knowledge folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.cli import kb_demand, kb_eval, kb_tools
from bot.cli.common import add_knowledge_option, settings_of
from bot.clock import SystemClock, berlin_today
from bot.knowledge.loader import load_directory
from bot.knowledge.models import json_schema


def register(commands: Any) -> None:
    """Add the ``kb`` subcommands."""
    kb = commands.add_parser("kb", help="Wissensordner prüfen und auswerten")
    sub = kb.add_subparsers(dest="kb_command", metavar="BEFEHL", required=True)
    check = sub.add_parser("check", help="alle Wissensdateien prüfen")
    check.add_argument("directory", nargs="?", metavar="ORDNER")
    check.add_argument("--json", action="store_true")
    check.add_argument("--streng", "--strict", action="store_true", dest="strict",
                       help="auch offene Felder für Förderfinder und -rechner nennen "
                            "(Exit 1, wenn welche fehlen)")
    add_knowledge_option(check)
    check.set_defaults(run=run_check)
    schema = sub.add_parser("schema", help="JSON-Schema für Editoren ausgeben")
    schema.set_defaults(run=run_schema)
    kb_eval.register(sub)
    kb_tools.register(sub)
    kb_demand.register(sub)


def run_check(args: argparse.Namespace) -> int:
    """Check a knowledge folder and list every problem with file:line."""
    directory = Path(args.directory) if args.directory else settings_of(args).knowledge_dir
    result = load_directory(directory, berlin_today(SystemClock()))
    gaps = result.gaps if args.strict else []
    if args.json:
        print(json.dumps({"files": result.files, "problems": _rows(result.problems),
                          "hints": _rows(result.hints), "gaps": _rows(gaps)},
                         ensure_ascii=False, indent=2))
    else:
        for problem in [*result.problems, *result.hints, *gaps]:
            print(problem)
        verdict = "in Ordnung" if result.ok else f"{len(result.problems)} Problem(e)"
        if gaps:
            verdict += f"; {len(gaps)} Programm(e) mit offenen Feldern für den Förderfinder"
        print(f"{result.files} Datei(en) geprüft: {verdict}.")
    return 0 if result.ok and not gaps else 1


def _rows(problems: list[Any]) -> list[dict[str, Any]]:
    return [{"file": p.file, "line": p.line, "message": p.message} for p in problems]


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of a knowledge document."""
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0
