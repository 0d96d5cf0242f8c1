"""``kb gaps`` and ``kb stats``: what people asked, from the anonymous question log.

``kb gaps`` also lists the questions the Kulturbüro answered (handed-off cases) with
their answers, next to the groups they fit: ``kb new begriff <id> --aus-fall <Nr>``
turns one into a draft entry.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from typing import Any

from bot import app
from bot.cli.common import add_knowledge_option, load_holder, settings_of
from bot.cli.table import show, table
from bot.clock import BERLIN, SystemClock
from bot.demand import Gap, gaps, stats
from bot.dialogue import formats
from bot.handoff.routing import place_label
from bot.knowledge.base import KnowledgeBase
from bot.storage import Case, LoggedQuestion


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


def _questions(args: argparse.Namespace
               ) -> tuple[list[LoggedQuestion], list[Case], app.KnowledgeHolder]:
    """Return the questions and the answered cases of the last ``--tage`` days."""
    settings, clock = settings_of(args), SystemClock()
    holder = load_holder(settings, clock)
    storage = app.open_storage(settings, clock)
    start = clock.now() - dt.timedelta(days=args.tage)
    try:
        return storage.questions.since(start), storage.handoff.closed_since(start), holder
    finally:
        storage.close()


def run_gaps(args: argparse.Namespace) -> int:
    """Print groups of questions the bot could not answer, and the Kulturbüro's answers."""
    questions, cases, holder = _questions(args)
    found = gaps(questions, cases=cases)
    headers = ["anzahl", "weiß nicht", "meinten sie", "fälle", "beispiele"]
    rows = [[g.count, g.statuses["unknown"], g.statuses["choices"], _numbers(g),
             " | ".join(g.examples)] for g in found]
    kb = holder.get().base
    if args.json:
        print(json.dumps({"gruppen": [dict(zip(headers, row, strict=True)) for row in rows],
                          "faelle": [_case_json(kb, case) for case in cases]},
                         ensure_ascii=False, indent=2))
        return 0
    show(headers, rows, False, f"Keine unbeantworteten Fragen in den letzten {args.tage} Tagen.")
    if cases:
        print("\nVom Kulturbüro beantwortet – als Eintrag übernehmen mit "
              "foerderlotse kb new begriff <kennung> --aus-fall <Nr>:")
        for case in cases:
            print(_case_text(kb, case))
    return 0


def _numbers(group: Gap) -> str:
    return ", ".join(str(n) for n in group.cases)


def _case_json(kb: KnowledgeBase, case: Case) -> dict[str, Any]:
    closed = case.closed_at.astimezone(BERLIN).date() if case.closed_at else None
    return {"fall": case.id, "kreis": place_label(kb, case.region_id),
            "beantwortet": closed.isoformat() if closed else None, "frage": case.text,
            "antwort": case.answer}


def _case_text(kb: KnowledgeBase, case: Case) -> str:
    closed = case.closed_at.astimezone(BERLIN).date() if case.closed_at else None
    where = ", ".join(filter(None, [place_label(kb, case.region_id),
                                    formats.date(closed) if closed else None]))
    indent = "\n" + " " * len("  Antwort: ")
    return (f"Fall {case.id}" + (f" ({where})" if where else "") + "\n"
            f"  Frage:   {case.text}\n  Antwort: {(case.answer or '').replace(chr(10), indent)}")


def _section(title: str, counts: Counter[str]) -> str:
    rows = [[name, count] for name, count in counts.most_common()]
    return f"{title}\n" + (table(["", "fragen"], rows) if rows else "(keine)")


def run_stats(args: argparse.Namespace) -> int:
    """Print question counts per programme, topic, Kreis, week and outcome."""
    questions, _cases, holder = _questions(args)
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
