"""The Förderrechner as a dialogue: one line with every figure, or one question at a time.

"/rechner Heimat-Scheck 6.000 € Kosten, Eigenmittel 500" computes at once; "/rechner
Heimat-Scheck" asks for the total cost, then for the other figures, each of which may be
skipped with "0" or "rechnen".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from bot.dialogue.messages import Attachment, Reply
from bot.dialogue.money_args import (
    HOURS,
    INCOME,
    INELIGIBLE,
    OWN,
    THIRD,
    TOTAL,
    parse_amount,
    parse_figures,
)
from bot.dialogue.rechner_text import result_text
from bot.funding.calculator import COMPUTABLE, Costs, calculate
from bot.funding.plan import financing_plan
from bot.funding.spreadsheet import MEDIA_TYPE, file_name, workbook_bytes
from bot.knowledge.models import Programme
from bot.knowledge.normalize import words

STEPS = (TOTAL, INELIGIBLE, OWN, HOURS, THIRD, INCOME)
_QUESTIONS = {
    TOTAL: "Wie hoch sind die Gesamtkosten des Projekts in Euro?",
    INELIGIBLE: "Wie viel davon ist nicht förderfähig? (0, wenn nichts oder unbekannt)",
    OWN: "Wie viel eigenes Geld bringen Sie ein (Eigenmittel, auch Spenden)? (0, wenn keins)",
    HOURS: "Wie viele Stunden ehrenamtliche Arbeit stecken im Projekt? (0, wenn keine)",
    THIRD: "Wie viel Geld kommt von anderen Geldgebern (Zuschüsse, Sponsoren)? (0, wenn keins)",
    INCOME: "Welche Einnahmen erwarten Sie (Eintritt, Verkauf)? (0, wenn keine)",
}
_ZERO_WORDS = {"nein", "keine", "keins", "keiner", "nichts", "null", "no", "nope", "-", "kein",
               "weiter", "ok", "unbekannt", "weiss nicht", "keine ahnung"}
_COMPUTE_NOW = {"rechnen", "fertig", "los", "berechnen", "ausrechnen", "jetzt rechnen"}
HINT = "Mit „rechnen“ rechne ich sofort mit dem, was ich habe; „abbrechen“ beendet."
_FIGURE_LIMIT = Decimal(100_000_000)


@dataclass
class RechnerState:
    """One chat's calculation in progress."""

    programme_id: str
    figures: dict[str, Decimal] = field(default_factory=dict)
    asking: str | None = TOTAL


def begin(programme: Programme, text: str, today: dt.date) -> tuple[RechnerState | None, Reply]:
    """Start a calculation; figures in ``text`` are taken, the rest is asked for."""
    if programme.funding.type not in COMPUTABLE:
        return None, compute(programme, {}, today)
    figures = parse_figures(text)
    state = RechnerState(programme.id, figures)
    if TOTAL in figures:
        return None, compute(programme, figures, today)
    return state, _ask(programme, state)


def step(programme: Programme, state: RechnerState, text: str,
         today: dt.date) -> tuple[bool, Reply | None]:
    """Take one answer; return (still running, reply). A reply of None: not an answer."""
    said = " ".join(words(text))
    figures = parse_figures(text)
    if said in _COMPUTE_NOW and TOTAL in state.figures:
        return False, compute(programme, state.figures, today)
    if figures:
        state.figures.update(figures)
    elif said in _ZERO_WORDS or said in _COMPUTE_NOW:
        state.figures[state.asking or TOTAL] = Decimal(0)
    elif (amount := parse_amount(re.sub(r"(?i)std\.?|stunden|€|euro", " ", text))) is not None:
        state.figures[state.asking or TOTAL] = amount
    else:
        return True, None
    if said in _COMPUTE_NOW and TOTAL in state.figures:
        return False, compute(programme, state.figures, today)
    missing = [s for s in STEPS if s not in state.figures]
    if not missing or (TOTAL not in state.figures and missing[0] != TOTAL):
        return False, compute(programme, state.figures, today)
    state.asking = missing[0]
    return True, _ask(programme, state)


def _ask(programme: Programme, state: RechnerState) -> Reply:
    number = STEPS.index(state.asking or TOTAL) + 1
    text = f"Förderrechner – {programme.title} ({number}/{len(STEPS)}): " + _QUESTIONS[
        state.asking or TOTAL]
    return Reply(text + "\n" + HINT)


def compute(programme: Programme, figures: dict[str, Decimal], today: dt.date) -> Reply:
    """Compute, word the result and attach the Kosten- und Finanzierungsplan."""
    if programme.funding.type not in COMPUTABLE or TOTAL not in figures:
        result = calculate(programme.funding, Costs(total=Decimal(0)))
        return Reply(result_text(programme, Costs(total=Decimal(0)), result, None))
    total = figures[TOTAL]
    costs = Costs(total=total, ineligible=min(figures.get(INELIGIBLE, Decimal(0)), total),
                  own_money=figures.get(OWN, Decimal(0)),
                  volunteer_hours=figures.get(HOURS, Decimal(0)),
                  third_party=figures.get(THIRD, Decimal(0)),
                  income=figures.get(INCOME, Decimal(0)))
    result = calculate(programme.funding, costs)
    plan = financing_plan(programme.title, costs, result)
    attachment = Attachment(file_name(plan, today), MEDIA_TYPE, workbook_bytes(plan, today))
    text = result_text(programme, costs, result, plan)
    return Reply(text + "\nDen Plan schicke ich Ihnen als Tabelle mit.", attachment=attachment)
