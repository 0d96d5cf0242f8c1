"""Which day a check of real-world dates uses."""

from __future__ import annotations

import datetime as dt

from bot.clock import BERLIN, FixedClock, SystemClock, berlin_today, real_today


def test_a_clock_set_to_an_earlier_day_does_not_make_checked_knowledge_future() -> None:
    earlier = FixedClock(dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN))
    assert real_today(earlier) == berlin_today(SystemClock())


def test_a_clock_set_to_a_later_day_counts_with_its_own_day() -> None:
    later = FixedClock(dt.datetime(2099, 1, 1, 10, 0, tzinfo=BERLIN))
    assert real_today(later) == dt.date(2099, 1, 1)
