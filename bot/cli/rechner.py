"""``foerderlotse rechner``: the Förderrechner for office staff, with a plan file and JSON.

The JSON shape is a stable machine interface: programme, financing type, grant (or null),
fundable, findings, the arithmetic steps and the balanced plan.
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.cli.common import add_knowledge_option, load_knowledge, settings_of
from bot.clock import SystemClock, berlin_today
from bot.dialogue.money_args import parse_amount
from bot.dialogue.rechner_text import result_text
from bot.errors import UserError
from bot.funding.calculator import Costs, Result, calculate
from bot.funding.plan import Plan, financing_plan
from bot.funding.spreadsheet import file_name, workbook_bytes
from bot.knowledge.models import Programme

_FIGURES = (("kosten", "total", "Gesamtkosten in Euro (Pflicht)"),
            ("nicht-foerderfaehig", "ineligible", "davon nicht förderfähig"),
            ("eigenmittel", "own_money", "Eigenmittel in Euro"),
            ("stunden", "volunteer_hours", "ehrenamtliche Stunden (Eigenleistung)"),
            ("drittmittel", "third_party", "andere Zuschüsse, Sponsoren"),
            ("einnahmen", "income", "Eintritt, Verkauf"))


def register(commands: Any) -> None:
    """Add the ``rechner`` subcommand."""
    parser = commands.add_parser("rechner", help="Zuschuss und Finanzierungsplan berechnen")
    parser.add_argument("--programm", required=True, metavar="NAME",
                        help="Programm, z. B. heimat-scheck oder „Fonds Soziokultur“")
    for option, _, text in _FIGURES:
        parser.add_argument(f"--{option}", metavar="EURO", default="0", help=text)
    parser.add_argument("--plan", metavar="DATEI",
                        help="Finanzierungsplan als .xlsx hierhin schreiben (oder einen Ordner)")
    parser.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compute one grant; exit 0 when fundable, 1 when not, 2 on bad input."""
    clock = SystemClock()
    knowledge = load_knowledge(settings_of(args), clock)
    programme = knowledge.find(args.programm, kind="programm")
    if not isinstance(programme, Programme):
        raise UserError(f"Ein Programm „{args.programm[:40]}“ kenne ich nicht. "
                        "Mit „foerderlotse kb stale“ oder /programme sehen Sie alle.")
    costs = _costs(args)
    result = calculate(programme.funding, costs)
    plan = financing_plan(programme.title, costs, result) if result.grant is not None else None
    today = berlin_today(clock)
    written = _write_plan(args.plan, plan, today) if args.plan and plan else None
    if args.json:
        print(json.dumps(as_json(programme, result, plan, written), ensure_ascii=False,
                         indent=2))
    else:
        print(result_text(programme, costs, result, plan))
        if written:
            print(f"Plan gespeichert: {written}")
    return 0 if result.fundable else 1


def _costs(args: argparse.Namespace) -> Costs:
    values = {name: _euro_arg(option, str(getattr(args, option.replace("-", "_"))))
              for option, name, _ in _FIGURES}
    try:
        return Costs(**values)
    except ValueError:
        raise UserError("Bitte nur Beträge ab 0 angeben; nicht förderfähig höchstens so viel "
                        "wie die Gesamtkosten.") from None


def _euro_arg(option: str, text: str) -> Decimal:
    """Read "6000", "6.000", "6.000,50" (German) or "6000.50" (as scripts write it)."""
    plain = text.strip().removesuffix("€").strip()
    if re.fullmatch(r"\d+\.\d{1,2}", plain, flags=re.ASCII):
        return Decimal(plain)
    amount = parse_amount(plain) if re.fullmatch(r"[\d.,\s]+", plain, flags=re.ASCII) else None
    if amount is None:
        raise UserError(f"--{option}: „{text[:30]}“ ist kein Betrag, z. B. 6000 oder 6.000,50")
    return amount


def _write_plan(target: str, plan: Plan, today: Any) -> Path:
    path = Path(target)
    if path.is_dir():
        path = path / file_name(plan, today)
    path.write_bytes(workbook_bytes(plan, today))
    return path


def as_json(programme: Programme, result: Result, plan: Plan | None,
            written: Path | None) -> dict[str, Any]:
    """Return the stable JSON object of one calculation (euros as strings, exact)."""
    other = result.alternative
    return {
        "programm": programme.id, "titel": programme.title, "art": result.funding_type,
        "zuschuss": None if result.grant is None else str(result.grant),
        "foerderfaehig": result.fundable,
        "hinweise": sorted(f.value for f in result.findings),
        "rechnung": [{"schritt": s.label, "betrag": str(s.amount)} for s in result.steps],
        "andere_quelle": None if other is None or other.grant is None else str(other.grant),
        "plan": None if plan is None else {
            "ausgaben": [{"posten": x.label, "betrag": str(x.amount)} for x in plan.expenses],
            "einnahmen": [{"posten": x.label, "betrag": str(x.amount)} for x in plan.income],
            "summe": str(plan.total_income)},
        "datei": None if written is None else str(written),
    }
