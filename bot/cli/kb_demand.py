"""``kb gaps`` and ``kb stats``: what people asked, from the anonymous question log."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from typing import Any

from bot import app
from bot.cli.common import add_knowledge_option, load_holder, settings_of
from bot.cli.table import show, table
from bot.clock import SystemClock
from bot.demand import gaps, stats


def register(sub: Any) -> None:
    """Add ``kb gaps`` and ``kb stats``."""
    for name, help_text, run in (
            ("gaps", "unbeantwortete Fragen, nach Ähnlichkeit gruppiert", run_gaps),
            ("stats", "Fragen je Programm, Thema, Kreis und Woche", run_stats)):
        parser = sub.add_parser(name, help=help_text)
        parser.add_argument("--tage", type=int, default=90, metavar="N",
                            help="Fragen der letzten N Tage (Standard: 90)")
        parser.add_argument("--json", action="store_true")
        add_knowledge_option(parser)
        parser.set_defaults(run=run)


def _questions(args: argparse.Namespace) -> tuple[list[Any], app.KnowledgeHolder]:
    settings, clock = settings_of(args), SystemClock()
    holder = load_holder(settings, clock)
    storage = app.open_storage(settings, clock)
    try:
        return storage.questions.since(clock.now() - dt.timedelta(days=args.tage)), holder
    finally:
        storage.close()


def run_gaps(args: argparse.Namespace) -> int:
    """Print groups of questions the bot could not answer."""
    questions, _holder = _questions(args)
    found = gaps(questions)
    headers = ["anzahl", "weiß nicht", "meinten sie", "beispiele"]
    rows = [[g.count, g.statuses["unknown"], g.statuses["choices"], " | ".join(g.examples)]
            for g in found]
    show(headers, rows, args.json,
         f"Keine unbeantworteten Fragen in den letzten {args.tage} Tagen.")
    return 0


def _section(title: str, counts: Counter[str]) -> str:
    rows = [[name, count] for name, count in counts.most_common()]
    return f"{title}\n" + (table(["", "fragen"], rows) if rows else "(keine)")


def run_stats(args: argparse.Namespace) -> int:
    """Print question counts per programme, topic, Kreis, week and outcome."""
    questions, holder = _questions(args)
    result = stats(questions, holder.get().base)
    parts = {"programme": result.programmes, "themen": result.topics,
             "kreise": result.regions, "wochen": result.weeks, "ergebnis": result.outcomes}
    if args.json:
        print(json.dumps({k: dict(v) for k, v in parts.items()}, ensure_ascii=False, indent=2))
    else:
        titles = {"programme": "Fragen je Programm", "themen": "je Thema", "kreise": "je Kreis",
                  "wochen": "je Woche", "ergebnis": "Ergebnis"}
        print("\n\n".join(_section(titles[k], v) for k, v in parts.items()))
    return 0
