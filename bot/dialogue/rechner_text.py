"""The Förderrechner's answer in German: the result first, then the arithmetic and the plan."""

from __future__ import annotations

from decimal import Decimal

from bot.dialogue import formats
from bot.dialogue.answers import funding_amount, source_line
from bot.funding.calculator import (
    BLOCKING,
    Costs,
    Finding,
    Result,
    gap,
    own_money_used,
    set_per_project,
)
from bot.funding.plan import Plan
from bot.knowledge.models import Funding, Programme

_CANNOT = {
    "unbekannt": "Wie der Zuschuss berechnet wird, nennt meine Quelle nicht – "
                 "deshalb rechne ich hier nicht, statt zu raten.",
    "preisgeld": "Das ist ein Preisgeld: Es hängt nicht von Ihren Kosten ab.",
    "freibetrag": "Das ist ein Steuerfreibetrag, kein Zuschuss zu Projektkosten.",
}


def result_text(programme: Programme, costs: Costs, result: Result, plan: Plan | None) -> str:
    """Return the whole answer: lead, arithmetic, notes, plan summary and source."""
    if result.grant is None:
        # What the source does say comes first ("bis 10.000 €"): that is what was asked.
        lead = (f"Förderrechner – {programme.title}: {funding_amount(programme.funding)}. "
                f"{_CANNOT[programme.funding.type]}")
        funding = programme.funding
        doubt = ["Die Quellen widersprechen sich."] if funding.uncertain else []
        return "\n".join([lead, *doubt, *([funding.note] if funding.note else []),
                          source_line(programme)])
    reason = _blocking_reason(programme.funding, costs, result)
    parts = [_lead(programme, result, reason), "Rechnung:", *_steps(result)]
    # A blocking rule's reason is in the lead already.
    notes = [n for n in notes_for(programme.funding, costs, result) if n != reason]
    if notes:
        parts += ["Hinweise:", *(f"• {n}" for n in notes)]
    if programme.conditions:
        parts += ["Bitte prüfen:", *(f"• {c}" for c in programme.conditions)]
    if plan is not None and not result.blocked:
        parts.append(_plan_summary(plan))
    parts.append(source_line(programme))
    return "\n".join(parts)


def _lead(programme: Programme, result: Result, reason: str | None) -> str:
    grant = result.grant or Decimal(0)
    if reason is not None:
        # Why not comes with the no: the minimum missed is the fact asked for.
        text = (f"Zuschuss {programme.title}: voraussichtlich keiner – "
                f"{reason[0].lower()}{reason[1:]}")
    elif Finding.OWN_SHARE_MISSING in result.findings:
        text = (f"Zuschuss {programme.title}: voraussichtlich {formats.money(grant)} – "
                "aber nur mit dem nötigen Eigenanteil.")
    elif set_per_project(programme.funding):
        text = (f"Zuschuss {programme.title}: höchstens {formats.money(grant)} – den festen "
                f"Betrag legt der Fördergeber je Projekt fest (zwischen "
                f"{formats.euro(programme.funding.amount_min or 0)} und "
                f"{formats.euro(programme.funding.amount_max or 0)}).")
    else:
        text = f"Zuschuss {programme.title}: voraussichtlich {formats.money(grant)}."
    other = result.alternative
    if other is not None and other.grant is not None and other.grant != grant:
        low, high = sorted((grant, other.grant))
        text += (f" Schätzung: {formats.money(low)} bis {formats.money(high)}, denn die Quellen "
                 "nennen verschiedene Zahlen.")
        if other.blocked and not result.blocked:
            text += " Nach den Zahlen der anderen Quelle wäre das Projekt so nicht förderfähig."
    return text


def _blocking_reason(funding: Funding, costs: Costs, result: Result) -> str | None:
    """Return why the project, as planned, gets nothing (the first blocking rule's saying)."""
    return next((say(funding, costs, result) for finding, say in _SAYINGS
                 if finding in BLOCKING and finding in result.findings), None)


def _steps(result: Result) -> list[str]:
    return [f"{step.label}: {formats.money(step.amount)}" for step in result.steps]


def notes_for(funding: Funding, costs: Costs, result: Result) -> list[str]:
    """Say plainly what each rule did to this project, in a fixed, readable order."""
    found, notes = result.findings, []
    if result.blocked:
        # Not fundable as planned: what is "uncovered" then is beside the point.
        found = found - {Finding.GAP}
    for finding, say in _SAYINGS:
        if finding in found:
            notes.append(say(funding, costs, result))
    used = own_money_used(costs, result.grant or Decimal(0))
    if used < costs.own_money:
        notes.append(f"Von Ihren Eigenmitteln braucht der Plan nur {formats.money(used)}; "
                     "mehr Geld als Kosten darf ein Plan nicht ausweisen.")
    if funding.uncertain and funding.note:
        notes.append(f"Unsichere Angaben: {funding.note}")
    return notes


def _below_minimum(funding: Funding, costs: Costs, result: Result) -> str:
    minimum = funding.amount_min or 0
    text = f"Der Zuschuss erreicht den Mindestbetrag von {formats.euro(minimum)} nicht."
    if funding.type == "anteil" and funding.share_max:
        needed = Decimal(minimum) * 100 / Decimal(str(funding.share_max))
        text += (f" Erst ab {formats.money(needed.quantize(Decimal('0.01')))} förderfähigen "
                 "Kosten wäre er erreicht.")
    return text


def _own_share(funding: Funding, costs: Costs, result: Result) -> str:
    if funding.own_share_min is not None:
        share = Decimal(str(funding.own_share_min)) / 100
        needed = share * (costs.total + result.volunteer_value)
        return (f"Mindestens {formats.percent(funding.own_share_min)} Eigenanteil sind nötig, "
                f"hier {formats.money(needed.quantize(Decimal('0.01')))}.")
    return "Eigenmittel sind Pflicht: Bitte planen Sie eigenes Geld ein."


_SAYINGS = (
    (Finding.BELOW_COST_MIN, lambda f, c, r: (
        f"Die förderfähigen Kosten ({formats.money(r.eligible)}) liegen unter den "
        f"Mindestkosten von {formats.euro(f.cost_min or 0)}.")),
    (Finding.ABOVE_COST_MAX, lambda f, c, r: (
        f"Die Gesamtkosten ({formats.money(c.total + r.volunteer_value)}) liegen über der "
        f"Obergrenze von {formats.euro(f.cost_max or 0)}.")),
    (Finding.BELOW_MINIMUM, _below_minimum),
    (Finding.OWN_SHARE_MISSING, _own_share),
    (Finding.CAP_REACHED, lambda f, c, r: (
        f"Der Höchstbetrag von {formats.euro(f.amount_max or 0)} ist erreicht.")),
    (Finding.LOWERED_TO_COSTS, lambda f, c, r: (
        "Der Festbetrag sinkt auf Ihre förderfähigen Kosten, weil sie darunter liegen.")),
    (Finding.OVERFINANCED, lambda f, c, r: (
        "Drittmittel und Einnahmen decken schon einen Teil: Der Zuschuss darf nur den Rest "
        "decken.")),
    (Finding.SHRINKS_WITH_INCOME, lambda f, c, r: (
        "Fehlbedarfsfinanzierung: Jeder Euro mehr an Einnahmen, Spenden oder Eigenmitteln "
        "senkt den Zuschuss um einen Euro – auch nach der Bewilligung.")),
    (Finding.GAP, lambda f, c, r: (
        f"Noch ungedeckt: {formats.money(gap(c, r.grant or Decimal(0)))} – bitte Eigenmittel "
        "erhöhen oder weitere Geldgeber suchen.")),
    (Finding.VOLUNTEER_NOT_COUNTED, lambda f, c, r: (
        "Eigenleistung zählt bei diesem Programm nicht; ich habe sie nicht eingerechnet.")),
    (Finding.VOLUNTEER_UNKNOWN, lambda f, c, r: (
        "Ob Eigenleistung zählt, sagen meine Quellen nicht – bitte beim Fördergeber fragen. "
        "Ich habe sie nicht eingerechnet.")),
)


def _plan_summary(plan: Plan) -> str:
    """Return the plan in a few short lines: it balances, so one total serves both sides."""
    lines = [f"Finanzierungsplan (Ausgaben = Einnahmen = {formats.money(plan.total_income)}):"]
    lines += [f"– {line.label}: {formats.money(line.amount)}" for line in plan.income
              if line.amount]
    return "\n".join(lines)

