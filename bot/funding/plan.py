"""The Kosten- und Finanzierungsplan: expenses and income of a project, always balanced."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.dialogue.formats import number
from bot.funding.calculator import ZERO, Costs, Result, gap, own_money_used


@dataclass(frozen=True)
class Line:
    """One row of the plan."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class Plan:
    """Ausgaben and Einnahmen of one project under one programme."""

    programme: str
    expenses: tuple[Line, ...]
    income: tuple[Line, ...]

    @property
    def total_expenses(self) -> Decimal:
        """Return the sum of the expenses."""
        return sum((line.amount for line in self.expenses), ZERO)

    @property
    def total_income(self) -> Decimal:
        """Return the sum of the income; it equals the expenses, by construction."""
        return sum((line.amount for line in self.income), ZERO)


def financing_plan(programme: str, costs: Costs, result: Result) -> Plan:
    """Build the plan: what is not covered shows as "noch ungedeckt", never silently dropped."""
    grant = result.grant or ZERO
    volunteer = result.volunteer_value
    expenses = [Line("Förderfähige Ausgaben", costs.total - costs.ineligible),
                Line("Nicht förderfähige Ausgaben", costs.ineligible)]
    if volunteer:
        expenses.append(Line(_volunteer_label(costs, result), volunteer))
    surplus = max(ZERO, costs.third_party + costs.income - costs.total)
    if surplus:
        # Other money alone exceeds the costs: the excess is not needed, and says so.
        expenses.append(Line("Überschuss (mehr Geld als Kosten)", surplus))
    income = [Line(f"Zuschuss {programme}", grant),
              Line("Eigenmittel", own_money_used(costs, grant))]
    if volunteer:
        income.append(Line("Eigenleistung (bewertet)", volunteer))
    income += [Line("Drittmittel (andere Zuschüsse, Spenden)", costs.third_party),
               Line("Einnahmen (Eintritt, Verkauf)", costs.income)]
    missing = gap(costs, grant)
    if missing:
        income.append(Line("Noch ungedeckt", missing))
    return Plan(programme, tuple(expenses), tuple(income))


def _volunteer_label(costs: Costs, result: Result) -> str:
    rate = number(result.volunteer_rate or ZERO)
    return f"Eigenleistung ({number(costs.volunteer_hours)} Std. × {rate} €)"
