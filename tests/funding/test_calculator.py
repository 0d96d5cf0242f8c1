"""The Förderrechner against a hand-computed table, and the properties every result keeps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.funding.calculator import Costs, Finding, calculate
from bot.funding.plan import financing_plan
from bot.knowledge.models import Funding

CASES = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "funding" / "calculations.yaml").read_text("utf-8"))


def _costs(raw: dict[str, Any]) -> Costs:
    return Costs(**{name: Decimal(str(value)) for name, value in raw.items()})


def test_the_table_covers_every_financing_type_with_enough_cases() -> None:
    kinds = [case["funding"]["type"] for case in CASES]
    assert len(CASES) >= 30
    for kind in ("festbetrag", "anteil", "fehlbedarf", "voll"):
        assert kinds.count(kind) >= 8, kind


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hand_computed_case(case: dict[str, Any]) -> None:
    costs = _costs(case["costs"])
    result = calculate(Funding.model_validate(case["funding"]), costs)
    expect = case["expect"]
    grant = None if expect["grant"] is None else Decimal(str(expect["grant"]))
    assert result.grant == grant, expect["work"]
    assert result.fundable == expect["fundable"], expect["work"]
    assert {f.value for f in result.findings} == set(expect["findings"]), expect["work"]
    if expect["gap"] is not None:
        plan = financing_plan("Test", costs, result)
        missing = sum((line.amount for line in plan.income if line.label == "Noch ungedeckt"),
                      Decimal(0))
        assert missing == Decimal(str(expect["gap"])), expect["work"]


def test_a_disputed_figure_is_computed_under_both_sources() -> None:
    funding = Funding.model_validate({
        "type": "anteil", "share_max": 50, "amount_max": 50_000, "uncertain": True,
        "note": "Alt: 40.000 €.", "alternative": {"amount_max": 40_000}})
    result = calculate(funding, Costs(total=Decimal(100_000)))
    assert result.grant == 50_000
    assert result.alternative is not None
    assert result.alternative.grant == 40_000


# Property tests: any programme, any project.
_EURO = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False,
                    allow_infinity=False)
_FUNDING = st.builds(
    lambda kind, low, high, share, cost_min, own, hours_rate: Funding.model_validate({
        "type": kind, "amount_min": low, "amount_max": max(low or 0, high) if high else (
            None if kind != "festbetrag" else 2_000),
        "share_max": share if kind == "anteil" else None,
        "cost_min": cost_min, "own_money_required": own,
        "volunteer_work": "ja" if hours_rate else "unbekannt", "volunteer_rate": hours_rate}),
    st.sampled_from(["festbetrag", "anteil", "fehlbedarf", "voll"]),
    st.none() | st.integers(0, 10_000), st.none() | st.integers(1, 100_000),
    st.integers(1, 100), st.none() | st.integers(0, 20_000), st.none() | st.booleans(),
    st.none() | st.integers(1, 30))


@st.composite
def _costs_strategy(draw: st.DrawFn) -> Costs:
    total = draw(_EURO)
    return Costs(total=total, ineligible=draw(st.decimals(0, total, places=2)),
                 own_money=draw(_EURO), volunteer_hours=Decimal(draw(st.integers(0, 500))),
                 third_party=draw(_EURO), income=draw(_EURO))


@settings(max_examples=400, deadline=None)
@given(_FUNDING, _costs_strategy())
def test_the_plan_always_balances(funding: Funding, costs: Costs) -> None:
    plan = financing_plan("Test", costs, calculate(funding, costs))
    assert plan.total_expenses == plan.total_income
    assert all(line.amount >= 0 for line in (*plan.expenses, *plan.income))


@settings(max_examples=400, deadline=None)
@given(_FUNDING, _costs_strategy())
def test_the_grant_never_exceeds_the_costs_or_the_cap(funding: Funding, costs: Costs) -> None:
    grant = calculate(funding, costs).grant
    assert grant is not None
    assert 0 <= grant <= costs.total
    if funding.amount_max is not None:
        assert grant <= funding.amount_max
    assert grant == grant.to_integral_value()


@settings(max_examples=400, deadline=None)
@given(_FUNDING.filter(lambda f: f.type in ("festbetrag", "anteil")), _costs_strategy(),
       _EURO)
def test_more_own_money_never_raises_a_festbetrag_or_anteil_grant(
        funding: Funding, costs: Costs, more: Decimal) -> None:
    before = calculate(funding, costs).grant
    after = calculate(funding, Costs(**{**costs.__dict__,
                                        "own_money": costs.own_money + more})).grant
    assert after is not None
    assert before is not None
    assert after <= before


@settings(max_examples=200, deadline=None)
@given(_FUNDING.filter(lambda f: f.type == "fehlbedarf"), _costs_strategy(),
       st.decimals(min_value=1, max_value=10_000, places=0))
def test_more_income_never_raises_a_fehlbedarf_grant(
        funding: Funding, costs: Costs, more: Decimal) -> None:
    before = calculate(funding, costs)
    after = calculate(funding, Costs(**{**costs.__dict__, "income": costs.income + more}))
    assert Finding.SHRINKS_WITH_INCOME in after.findings
    assert after.grant is not None
    assert before.grant is not None
    assert after.grant <= before.grant
