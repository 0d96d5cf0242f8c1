"""The Förderrechner: what a programme would pay for a project, under Zuwendungsrecht rules.

Pure: a programme's :class:`~bot.knowledge.models.Funding` and a project's :class:`Costs` in,
a :class:`Result` with every step of the arithmetic out. The rules, in order:

1. Volunteer hours count only where the programme says so (``volunteer_work: ja``), at its
   hourly rate or 15 €/h (the NRW rate); where it is unknown they are left out, and said so.
2. Eligible costs = total − ineligible + volunteer value.
3. The financing type gives the raw grant: Festbetrag (the fixed sum, lowered only to eligible
   costs below it), Anteil (rate × eligible costs, up to the cap), Fehlbedarf (the cash gap
   after own money, other grants and income, up to rate and cap), Voll (eligible cash costs).
4. No overfinancing: the grant never exceeds the cash spending others do not already pay.
5. Rounded down to whole euros: a figure we show is never more than the programme pays.
6. A grant below the programme's minimum, costs outside its range, or a missing own share
   make the project not fundable as planned.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal

from bot.dialogue.formats import number
from bot.knowledge.models import Figures, Funding

NRW_HOURLY_RATE = Decimal(15)
ZERO = Decimal(0)
COMPUTABLE = ("festbetrag", "anteil", "fehlbedarf", "voll")


class Finding(enum.Enum):
    """What the rules caused; the dialogue words each one for the user."""

    VOLUNTEER_NOT_COUNTED = "volunteer_not_counted"
    VOLUNTEER_UNKNOWN = "volunteer_unknown"
    LOWERED_TO_COSTS = "lowered_to_costs"
    CAP_REACHED = "cap_reached"
    SHRINKS_WITH_INCOME = "shrinks_with_income"
    OVERFINANCED = "overfinanced"
    BELOW_COST_MIN = "below_cost_min"
    ABOVE_COST_MAX = "above_cost_max"
    BELOW_MINIMUM = "below_minimum"
    OWN_SHARE_MISSING = "own_share_missing"
    GAP = "gap"
    CANNOT_COMPUTE = "cannot_compute"


BLOCKING = frozenset({Finding.BELOW_COST_MIN, Finding.ABOVE_COST_MAX, Finding.BELOW_MINIMUM})


@dataclass(frozen=True)
class Costs:
    """A project's money, in euros: what it costs and what it brings in besides the grant."""

    total: Decimal
    ineligible: Decimal = ZERO
    own_money: Decimal = ZERO
    volunteer_hours: Decimal = ZERO
    third_party: Decimal = ZERO
    income: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("total", "ineligible", "own_money", "volunteer_hours", "third_party",
                     "income"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"{name} must be a finite amount >= 0, not {value!r}")
        if self.ineligible > self.total:
            raise ValueError("ineligible costs exceed the total")


@dataclass(frozen=True)
class Step:
    """One line of the arithmetic: a label and the amount it comes to."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class Result:
    """The grant and how it came about; ``grant`` is None where it cannot be computed."""

    funding_type: str
    grant: Decimal | None
    fundable: bool | None
    volunteer_value: Decimal = ZERO
    volunteer_rate: Decimal | None = None
    eligible: Decimal = ZERO
    steps: tuple[Step, ...] = ()
    findings: frozenset[Finding] = field(default_factory=frozenset)
    # The same project under the figures of a disagreeing source (funding.alternative).
    alternative: Result | None = None

    @property
    def blocked(self) -> bool:
        """Tell whether a rule makes the project, as planned, not fundable at all."""
        return bool(self.findings & BLOCKING)


def calculate(funding: Funding, costs: Costs) -> Result:
    """Compute the grant for ``costs`` under ``funding``, and under its alternative figures."""
    result = _calculate(funding, costs)
    if funding.alternative is not None and result.grant is not None:
        other = _calculate(with_figures(funding, funding.alternative), costs)
        result = replace(result, alternative=other)
    return result


def with_figures(funding: Funding, figures: Figures) -> Funding:
    """Return ``funding`` with the figures a disagreeing source gives in place of its own."""
    given = figures.model_dump(exclude_none=True, exclude={"source"})
    return funding.model_copy(update={**given, "alternative": None})


def _calculate(funding: Funding, costs: Costs) -> Result:
    if funding.type not in COMPUTABLE:
        return Result(funding.type, None, None, findings=frozenset({Finding.CANNOT_COMPUTE}))
    findings: set[Finding] = set()
    steps = [Step("Gesamtkosten", costs.total)]
    if costs.ineligible:
        steps.append(Step("− nicht förderfähige Kosten", costs.ineligible))
    rate, volunteer = _volunteer(funding, costs, findings)
    if volunteer:
        steps.append(Step(f"+ Eigenleistung ({number(costs.volunteer_hours)} Std. × "
                          f"{number(rate or ZERO)} €)", volunteer))
    eligible = costs.total - costs.ineligible + volunteer
    steps.append(Step("= förderfähige Kosten", eligible))
    raw = _raw_grant(funding, costs, eligible, findings, steps)
    room = max(ZERO, costs.total - costs.third_party - costs.income)
    if raw > room:
        raw = room
        findings.add(Finding.OVERFINANCED)
        steps.append(Step("begrenzt auf die Ausgaben, die Drittmittel und Einnahmen nicht "
                          "decken", room))
    grant = raw.to_integral_value(rounding=ROUND_FLOOR)
    if grant != raw:
        steps.append(Step("abgerundet auf volle Euro", grant))
    findings |= _checks(funding, costs, eligible, volunteer, grant)
    if findings & BLOCKING:
        grant = ZERO
        steps.append(Step("so nicht förderfähig (Grund siehe oben)", grant))
    steps.append(Step("= Zuschuss", grant))
    return Result(funding.type, grant, not findings & (BLOCKING | {Finding.OWN_SHARE_MISSING}),
                  volunteer, rate, eligible, tuple(steps), frozenset(findings | _gap(costs, grant)))


def _volunteer(funding: Funding, costs: Costs, findings: set[Finding]
               ) -> tuple[Decimal | None, Decimal]:
    """Return the hourly rate and the value of the volunteer hours the programme counts."""
    if costs.volunteer_hours == 0:
        return None, ZERO
    if funding.volunteer_work == "nein":
        findings.add(Finding.VOLUNTEER_NOT_COUNTED)
        return None, ZERO
    if funding.volunteer_work == "unbekannt":
        findings.add(Finding.VOLUNTEER_UNKNOWN)
        return None, ZERO
    rate = funding.volunteer_rate if funding.volunteer_rate is not None else NRW_HOURLY_RATE
    return rate, costs.volunteer_hours * rate


def _raw_grant(funding: Funding, costs: Costs, eligible: Decimal, findings: set[Finding],
               steps: list[Step]) -> Decimal:
    """Apply the financing type: the grant before the overfinancing limit and rounding."""
    kind, cap = funding.type, _euro(funding.amount_max)
    share = None if funding.share_max is None else Decimal(str(funding.share_max)) / 100
    if kind == "festbetrag":
        if cap is None:
            raise ValueError("a Festbetrag needs amount_max (kb check says so too)")
        steps.append(Step("Festbetrag", cap))
        if eligible < cap:
            findings.add(Finding.LOWERED_TO_COSTS)
            steps.append(Step("gesenkt auf die förderfähigen Kosten", eligible))
            return eligible
        return cap
    if kind == "anteil":
        if share is None:
            raise ValueError("an Anteilfinanzierung needs share_max (kb check says so too)")
        raw = share * eligible
        steps.append(Step(f"× {number(share * 100)} % Förderquote", raw))
    elif kind == "fehlbedarf":
        findings.add(Finding.SHRINKS_WITH_INCOME)
        raw = max(ZERO, costs.total - costs.own_money - costs.third_party - costs.income)
        steps.append(Step("Fehlbedarf: Gesamtkosten − Eigenmittel − Drittmittel − Einnahmen",
                          raw))
        if share is not None and raw > share * eligible:
            raw = share * eligible
            steps.append(Step(f"höchstens {number(share * 100)} % der förderfähigen Kosten",
                              raw))
    else:  # voll
        raw = costs.total - costs.ineligible
        steps.append(Step("Vollfinanzierung der förderfähigen Ausgaben", raw))
    if cap is not None and raw > cap:
        findings.add(Finding.CAP_REACHED)
        steps.append(Step("Höchstbetrag", cap))
        return cap
    return raw


def _checks(funding: Funding, costs: Costs, eligible: Decimal, volunteer: Decimal,
            grant: Decimal) -> set[Finding]:
    """Return the rules the project, as planned, does not meet."""
    found = set()
    if funding.cost_min is not None and eligible < funding.cost_min:
        found.add(Finding.BELOW_COST_MIN)
    if funding.cost_max is not None and costs.total + volunteer > funding.cost_max:
        found.add(Finding.ABOVE_COST_MAX)
    if funding.amount_min is not None and grant < funding.amount_min:
        found.add(Finding.BELOW_MINIMUM)
    if own_share_missing(funding, costs, volunteer):
        found.add(Finding.OWN_SHARE_MISSING)
    return found


def set_per_project(funding: Funding) -> bool:
    """Tell whether a Festbetrag is a range the funder fixes per project (500 € to 10.000 €).

    Then the computed sum is only the most the project can get, not what it will get.
    """
    low, high = funding.amount_min, funding.amount_max
    return funding.type == "festbetrag" and low is not None and high is not None and low < high


def own_share_missing(funding: Funding, costs: Costs, volunteer: Decimal) -> bool:
    """Tell whether the own money (and counted volunteer work) falls short of what is required."""
    if funding.own_money_required and costs.own_money == 0:
        return True
    if funding.own_share_min is None:
        return False
    needed = Decimal(str(funding.own_share_min)) / 100 * (costs.total + volunteer)
    return costs.own_money + volunteer < needed


def own_money_used(costs: Costs, grant: Decimal) -> Decimal:
    """Return the own money the plan needs: no more than the cash the others leave open."""
    open_cash = max(ZERO, costs.total - grant - costs.third_party - costs.income)
    return min(costs.own_money, open_cash)


def gap(costs: Costs, grant: Decimal) -> Decimal:
    """Return the cash nobody covers yet (0 when the plan is fully financed)."""
    covered = grant + own_money_used(costs, grant) + costs.third_party + costs.income
    return max(ZERO, costs.total - covered)


def _gap(costs: Costs, grant: Decimal) -> set[Finding]:
    return {Finding.GAP} if gap(costs, grant) > 0 else set()


def _euro(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)
