"""Deadline rules: the next occurrences after a date, in Europe/Berlin."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter

from bot.knowledge.deadlines import DeadlineRule, Occurrence, next_occurrences, occurrences

RULE = TypeAdapter(DeadlineRule)


def rule(**data: object) -> DeadlineRule:
    return RULE.validate_python(data)


def test_yearly_date_rolls_over_to_next_year() -> None:
    annual = rule(type="jaehrlich", dates=["31.03."])
    assert [o.date for o in occurrences(annual, dt.date(2026, 11, 26))] == [dt.date(2027, 3, 31)]
    assert occurrences(annual, dt.date(2027, 3, 31))[0].date == dt.date(2027, 3, 31)


def test_several_dates_a_year_in_order() -> None:
    twice = rule(type="jaehrlich", dates=["31.08.", "28.02."])
    found = next_occurrences([twice], dt.date(2026, 11, 26), count=3)
    assert [o.date for o in found] == [dt.date(2027, 2, 28), dt.date(2027, 8, 31),
                                       dt.date(2028, 2, 28)]


def test_two_step_procedure_labels_each_step() -> None:
    two = rule(type="zweistufig", steps=[
        {"label": "Projektdatenblatt", "dates": ["30.09."]},
        {"label": "Antrag", "dates": ["30.11."]},
    ])
    found = next_occurrences([two], dt.date(2026, 10, 1), count=3)
    assert [(o.date, o.label) for o in found] == [
        (dt.date(2026, 11, 30), "Antrag"),
        (dt.date(2027, 9, 30), "Projektdatenblatt"),
        (dt.date(2027, 11, 30), "Antrag"),
    ]


def test_fixed_date_in_the_past_yields_nothing() -> None:
    once = rule(type="datum", dates=["01.11.2025"])
    assert next_occurrences([once], dt.date(2026, 11, 26)) == []


def test_rolling_has_no_deadline_and_calls_only_once_announced() -> None:
    assert next_occurrences([rule(type="laufend")], dt.date(2026, 1, 1)) == []
    assert next_occurrences([rule(type="nach_aufruf")], dt.date(2026, 1, 1)) == []
    announced = rule(type="nach_aufruf", dates=["15.01.2027"])
    assert next_occurrences([announced], dt.date(2026, 12, 1))[0].date == dt.date(2027, 1, 15)


@pytest.mark.parametrize(("day", "offset"), [(dt.date(2027, 3, 27), 1), (dt.date(2027, 3, 28), 2),
                                             (dt.date(2027, 10, 31), 1),
                                             (dt.date(2027, 7, 1), 2)])
def test_deadline_ends_at_midnight_berlin_whatever_the_season(day: dt.date, offset: int) -> None:
    end = Occurrence(day).ends_at()
    assert (end.hour, end.minute) == (23, 59)
    assert end.utcoffset() == dt.timedelta(hours=offset)


@pytest.mark.parametrize("text", ["31.02.", "29.02.", "32.01.", "1.13.", "März"])
def test_impossible_yearly_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"Jahrestermin|gültiges Datum|nicht in jedem Jahr"):
        rule(type="jaehrlich", dates=[text])
