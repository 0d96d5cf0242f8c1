"""Figures read from a chat line, the way volunteers write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.dialogue.money_args import parse_amount, parse_figures


@pytest.mark.parametrize(("text", "expected"), [
    ("Wir haben 6000 Euro Kosten, wie viel bekommen wir?", {"total": "6000"}),
    ("Kosten: 12.000 €, Eigenmittel 500, 40 Stunden, Eintritt 300, Sponsor 1.000",
     {"total": "12000", "own_money": "500", "volunteer_hours": "40", "income": "300",
      "third_party": "1000"}),
    ("unser chorkonzert kostet 12.000 €", {"total": "12000"}),
    ("Gesamtkosten 6.249,99 davon nicht förderfähig 200",
     {"total": "6249.99", "ineligible": "200"}),
    ("budget 12k, 1,5 tsd spenden", {"total": "12000", "own_money": "1500"}),
    ("Eigenmittel 500 Eintritt 300 kosten 2000",
     {"own_money": "500", "income": "300", "total": "2000"}),
    ("40 Stunden und 500 Eigenmittel", {"volunteer_hours": "40", "own_money": "500"}),
    ("kosten 3000 40h", {"total": "3000", "volunteer_hours": "40"}),
    ("6000", {}),
    ("am 12.05. um 18 uhr", {}),
])
def test_labelled_figures(text: str, expected: dict[str, str]) -> None:
    assert parse_figures(text) == {k: Decimal(v) for k, v in expected.items()}


@pytest.mark.parametrize(("text", "expected"), [
    ("6.000 €", Decimal(6000)), ("6000", Decimal(6000)), ("0", Decimal(0)),
    ("12,50", Decimal("12.50")), ("6 Tsd", Decimal(6000)), ("zwei", None),
    ("3 oder 4", None), ("٦٠٠٠", None),
])
def test_one_amount(text: str, expected: Decimal | None) -> None:
    assert parse_amount(text) == expected
