"""``kb stale`` and ``kb new``: the coordinators' upkeep tools."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import add_knowledge_option, load_knowledge, settings_of
from bot.cli.table import as_json, table
from bot.clock import SystemClock, berlin_today
from bot.dialogue import formats
from bot.knowledge.curation import stale_entries
from bot.knowledge.fields import parse_slug
from bot.knowledge.templates import ALIASES, FOLDERS, template


def register(sub: Any) -> None:
    """Add ``kb stale`` and ``kb new`` to the ``kb`` subcommands."""
    stale = sub.add_parser("stale", help="veraltete Einträge und abgelaufene Runden")
    stale.add_argument("--monate", type=int, default=6, metavar="N",
                       help="älter als N Monate gilt als veraltet (Standard: 6)")
    stale.add_argument("--json", action="store_true")
    add_knowledge_option(stale)
    stale.set_defaults(run=run_stale)
    new = sub.add_parser("new", help="Vorlage für einen neuen Eintrag anlegen")
    new.add_argument("kind", choices=[*FOLDERS, *ALIASES], metavar="ART",
                     help="programm, kontakt oder begriff")
    new.add_argument("id", metavar="KENNUNG", help="z. B. heimat-scheck")
    add_knowledge_option(new)
    new.set_defaults(run=run_new)


def run_stale(args: argparse.Namespace) -> int:
    """List entries to re-check; exit 1 when there are any (for cron mails)."""
    clock = SystemClock()
    knowledge = load_knowledge(settings_of(args), clock)
    items = stale_entries(knowledge.base, berlin_today(clock), args.monate)
    headers = ["id", "art", "titel", "geprüft", "grund"]
    rows = [[i.entry_id, i.kind, i.title, formats.date(i.verified_on), i.reason] for i in items]
    if args.json:
        print(as_json(headers, rows))
    elif rows:
        print(table(headers, rows))
    else:
        print(f"Alles aktuell: kein Eintrag älter als {args.monate} Monate, keine Runde vorbei.")
    return 1 if rows else 0


def run_new(args: argparse.Namespace) -> int:
    """Write a commented template into the knowledge folder."""
    kind = ALIASES.get(args.kind, args.kind)
    try:
        entry_id = parse_slug(args.id)
    except ValueError as exc:
        print(f"Fehler: {exc}")
        return 2
    folder = Path(settings_of(args).knowledge_dir) / FOLDERS[kind]
    path = folder / f"{entry_id}.yaml"
    if path.exists():
        print(f"Fehler: {path} gibt es schon.")
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(template(kind, entry_id, berlin_today(SystemClock())), encoding="utf-8")
    print(f"Vorlage angelegt: {path}\nBitte ausfüllen und mit „foerderlotse kb check“ prüfen.")
    return 0
