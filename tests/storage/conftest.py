"""Database fixtures: every repository test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clock import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2027, 10, 1, 6, 0, tzinfo=dt.UTC))
