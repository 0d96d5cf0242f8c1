"""Injected time: domain code takes a :class:`Clock`, never calls ``now()`` itself."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> dt.datetime:
        """Return the current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """Return the current instant in UTC."""
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock for tests and benchmarks that only moves when told to."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        """Return the frozen instant."""
        return self._at

    def set(self, at: dt.datetime) -> None:
        """Jump to ``at``."""
        self._at = at.astimezone(dt.UTC)

    def advance(self, delta: dt.timedelta) -> None:
        """Move forward by ``delta``."""
        self._at += delta


def berlin_today(clock: Clock) -> dt.date:
    """Return today's date in Europe/Berlin."""
    return clock.now().astimezone(BERLIN).date()


def real_today(clock: Clock) -> dt.date:
    """Return the day against which real-world dates in the knowledge are checked.

    ``verified_on`` says when a person compared an entry with its source, which happened in
    the real world: a clock set to an earlier day (a test, a demo of last month's deadlines)
    must not make checked entries "future" and drop them. So the later of both days counts.
    """
    return max(berlin_today(clock), berlin_today(SystemClock()))
