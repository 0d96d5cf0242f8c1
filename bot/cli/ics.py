"""``foerderlotse ics``: deadlines as a calendar file (RFC 5545)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.calendar import Filter, deadline_calendar
from bot.cli.common import add_knowledge_option, load_knowledge, settings_of
from bot.clock import SystemClock, berlin_today
from bot.errors import UserError
from bot.knowledge.places import find_place
from bot.knowledge.service import Knowledge


def register(commands: Any) -> None:
    """Add the ``ics`` subcommand."""
    parser = commands.add_parser("ics", help="Fristen als Kalenderdatei (.ics) ausgeben")
    parser.add_argument("--programm", metavar="PROGRAMM", help="nur dieses Programm")
    parser.add_argument("--thema", metavar="THEMA", help="nur Programme zu diesem Thema")
    parser.add_argument("--kreis", metavar="KREIS", help="nur Programme, die hier gelten")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def _filter(knowledge: Knowledge, args: argparse.Namespace) -> Filter:
    programme_id = None
    if args.programm:
        entry = knowledge.find(args.programm, kind="programm")
        if entry is None:
            raise UserError(f"Ein Programm „{args.programm}“ kenne ich nicht.")
        programme_id = entry.id
    region_id = None
    if args.kreis:
        place, _rest = find_place(args.kreis, knowledge.base.places)
        if place is None:
            raise UserError(f"Den Kreis oder Ort „{args.kreis}“ kenne ich nicht.")
        region_id = place.region_id
    return Filter(programme_id, args.thema, region_id)


def run(args: argparse.Namespace) -> int:
    """Write the calendar to standard output."""
    clock = SystemClock()
    knowledge = load_knowledge(settings_of(args), clock)
    try:
        wanted = _filter(knowledge, args)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    data = deadline_calendar(knowledge.base, berlin_today(clock), clock.now(), wanted)
    sys.stdout.buffer.write(data)
    return 0
