"""What coordinators need to keep the knowledge true: stale entries and expired rounds."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import is_call_based, is_rolling, next_occurrences
from bot.knowledge.models import Programme


@dataclass(frozen=True)
class StaleItem:
    """One entry that needs a look, and why (German)."""

    entry_id: str
    kind: str
    title: str
    verified_on: dt.date
    reason: str


def months_before(today: dt.date, months: int) -> dt.date:
    """Return the date ``months`` calendar months before ``today`` (clamped to month end)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(today.day, last))


def stale_entries(kb: KnowledgeBase, today: dt.date, months: int = 6) -> list[StaleItem]:
    """Entries not verified for ``months`` and programmes whose rule has no future deadline."""
    limit = months_before(today, months)
    found: list[StaleItem] = []
    for entry in sorted(kb.entries.values(), key=lambda e: (e.verified_on, e.id)):
        if entry.verified_on < limit:
            age = (today - entry.verified_on).days // 30
            found.append(StaleItem(entry.id, entry.kind, entry.title, entry.verified_on,
                                   f"seit {age} Monaten nicht geprüft"))
        if isinstance(entry, Programme) and _round_over(entry, today):
            found.append(StaleItem(entry.id, entry.kind, entry.title, entry.verified_on,
                                   "Frist vorbei — neue Runde prüfen"))
    return found


def _round_over(programme: Programme, today: dt.date) -> bool:
    rules = programme.deadlines
    if is_rolling(rules) or next_occurrences(rules, today, 1):
        return False
    # Call-based programmes without a date are waiting, not over; dated ones are over.
    return not (is_call_based(rules) and not any(getattr(r, "dates", None) for r in rules))
