"""Weeks as the weekly jobs count them: Monday to Sunday in Europe/Berlin, named by ISO week."""

from __future__ import annotations

import datetime as dt

from bot.clock import BERLIN


def week_start(day: dt.date) -> dt.date:
    """Return the Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def berlin_monday(now: dt.datetime) -> dt.date:
    """Return the Monday of the Berlin week that ``now`` falls in."""
    return week_start(now.astimezone(BERLIN).date())


def iso_week(monday: dt.date) -> str:
    """Return the ISO week of ``monday``, e.g. ``2026-W14``: part of once-a-week keys."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
