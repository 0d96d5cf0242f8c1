"""Deadline rules as funders use them, and their next occurrences.

A deadline date means "by the end of that day in Europe/Berlin". All functions
here are pure: a rule and a date in, occurrences out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.clock import BERLIN
from bot.knowledge.fields import DayMonth, GermanDate

_STRICT = ConfigDict(extra="forbid", frozen=True)


# Said wherever a disputed deadline appears: answers, lists, reminders, calendar entries.
UNSURE = "Frist unsicher, bitte beim Fördergeber prüfen"

class YearlyRule(BaseModel):
    """The same date(s) every year, e.g. 31.03., or 28.02. and 31.08."""

    model_config = _STRICT
    type: Literal["jaehrlich"]
    dates: list[DayMonth] = Field(min_length=1, description="Jahrestermine, z. B. 31.03.")
    label: str | None = Field(None, description="Was fällig ist, z. B. „Projektskizze“")
    uncertain: bool = Field(False, description="true, wenn Quellen sich widersprechen")
    note: str | None = Field(None, description="Hinweis, z. B. welche Quellen was sagen")


class FixedRule(BaseModel):
    """One or more concrete dates, e.g. a single round that ends 01.11.2025."""

    model_config = _STRICT
    type: Literal["datum"]
    dates: list[GermanDate] = Field(min_length=1, description="Termine, z. B. 01.11.2025")
    label: str | None = None
    uncertain: bool = False
    note: str | None = None


class Step(BaseModel):
    """One step of a two-step procedure, due every year on the given date(s)."""

    model_config = _STRICT
    label: str = Field(min_length=1, description="z. B. „Projektdatenblatt an das Regionalbüro“")
    dates: list[DayMonth] = Field(min_length=1)


class TwoStepRule(BaseModel):
    """A sketch or data sheet first, the formal application later (e.g. 30.09. then 30.11.)."""

    model_config = _STRICT
    type: Literal["zweistufig"]
    steps: list[Step] = Field(min_length=2, max_length=4)
    uncertain: bool = False
    note: str | None = None


class RollingRule(BaseModel):
    """Applications any time ("laufend"): no deadline, no reminders."""

    model_config = _STRICT
    type: Literal["laufend"]
    note: str | None = None


class CallRule(BaseModel):
    """Deadlines only per call ("nach Aufruf"); dates are added once a call is announced."""

    model_config = _STRICT
    type: Literal["nach_aufruf"]
    dates: list[GermanDate] = Field(default_factory=list, description="Frist des aktuellen Aufrufs")
    label: str | None = None
    uncertain: bool = False
    note: str | None = None


DeadlineRule = Annotated[
    YearlyRule | FixedRule | TwoStepRule | RollingRule | CallRule, Field(discriminator="type")
]


@dataclass(frozen=True, order=True)
class Occurrence:
    """A concrete deadline: a date (end of day, Europe/Berlin) and what is due."""

    date: dt.date
    label: str | None = None
    uncertain: bool = False
    note: str | None = None

    def ends_at(self) -> dt.datetime:
        """Return the last moment of the deadline day as an aware Berlin datetime."""
        return dt.datetime.combine(self.date, dt.time(23, 59, 59), tzinfo=BERLIN)


def _yearly(dates: Iterable[tuple[int, int]], today: dt.date, years: int) -> list[dt.date]:
    return [
        dt.date(year, month, day)
        for year in range(today.year, today.year + years)
        for month, day in dates
    ]


def occurrences(rule: DeadlineRule, today: dt.date, years: int = 2) -> list[Occurrence]:
    """Return the occurrences of ``rule`` from ``today`` (inclusive), sorted.

    Yearly rules are expanded for ``years`` calendar years starting with today's.
    """
    found: list[Occurrence] = []
    match rule:
        case YearlyRule():
            found = [Occurrence(d, rule.label, rule.uncertain, rule.note)
                     for d in _yearly(rule.dates, today, years)]
        case FixedRule() | CallRule():
            found = [Occurrence(d, rule.label, rule.uncertain, rule.note) for d in rule.dates]
        case TwoStepRule():
            found = [Occurrence(d, step.label, rule.uncertain, rule.note)
                     for step in rule.steps for d in _yearly(step.dates, today, years)]
        case RollingRule():
            found = []
    return sorted(o for o in found if o.date >= today)


def next_occurrences(
    rules: Iterable[DeadlineRule], today: dt.date, count: int = 3
) -> list[Occurrence]:
    """Return the next ``count`` deadlines of all ``rules`` on or after ``today``."""
    # A yearly rule yields at least one date a year, so count + 1 years always suffice.
    merged = sorted({o for rule in rules for o in occurrences(rule, today, years=count + 1)})
    return merged[:count]


def is_rolling(rules: Iterable[DeadlineRule]) -> bool:
    """Return True when applications are possible any time."""
    return any(isinstance(rule, RollingRule) for rule in rules)


def is_call_based(rules: Iterable[DeadlineRule]) -> bool:
    """Return True when deadlines are only set per call."""
    return any(isinstance(rule, CallRule) for rule in rules)
