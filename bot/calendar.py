"""Deadlines as an RFC 5545 calendar, for Outlook, Thunderbird and phones.

UIDs are stable (programme, date and step), so importing a newer file updates
the events instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event

from bot.dialogue import formats
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import UNSURE, Occurrence, occurrences
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold

DEFAULT_LEAD_DAYS = (28, 7, 1)
ALARM_HOUR = dt.timedelta(hours=9)
UID_DOMAIN = "foerderlotse"


@dataclass(frozen=True)
class Filter:
    """Which programmes to export; empty fields mean "all"."""

    programme: str | None = None
    topic: str | None = None
    region_id: str | None = None

    def accepts(self, kb: KnowledgeBase, programme: Programme) -> bool:
        """Return True when ``programme`` passes every given criterion."""
        if self.programme and self.programme != programme.id:
            return False
        if self.topic and not any(fold(self.topic) in fold(t) for t in programme.topics):
            return False
        return not (self.region_id and not kb.covers(programme, self.region_id))


def uid(programme: Programme, occurrence: Occurrence) -> str:
    """Return the stable UID of one deadline."""
    step = re.sub(r"[^a-z0-9]+", "-", fold(occurrence.label or "frist")).strip("-")
    return f"{programme.id}-{occurrence.date:%Y%m%d}-{step}@{UID_DOMAIN}"


def _event(programme: Programme, occurrence: Occurrence, stamp: dt.datetime,
           lead_days: Iterable[int]) -> Event:
    event = Event()
    event.add("uid", uid(programme, occurrence))
    event.add("dtstamp", stamp)
    event.add("dtstart", occurrence.date)
    event.add("dtend", occurrence.date + dt.timedelta(days=1))
    what = f" – {occurrence.label}" if occurrence.label else ""
    doubt = f" ({UNSURE})" if occurrence.uncertain else ""
    event.add("summary", f"Frist: {programme.title}{what}{doubt}")
    lines = [programme.summary]
    if occurrence.uncertain:
        lines.append("Achtung, unsicher: " + (occurrence.note or "Quellen widersprechen sich."))
    lines.append(f"Quelle: {programme.sources[0]} (Stand: {formats.date(programme.verified_on)})")
    event.add("description", "\n".join(lines))
    event.add("url", programme.sources[0])
    event.add("transp", "TRANSPARENT")
    for days in sorted(set(lead_days), reverse=True):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        when = "Morgen" if days == 1 else f"In {days} Tagen"
        alarm.add("description", f"{when}: Frist {programme.title}")
        # All-day events start at midnight; remind at 09:00 instead, like the bot does.
        alarm.add("trigger", -dt.timedelta(days=days) + ALARM_HOUR)
        event.add_component(alarm)
    return event


def deadline_calendar(kb: KnowledgeBase, today: dt.date, now: dt.datetime,
                      wanted: Filter = Filter(),
                      lead_days: Iterable[int] = DEFAULT_LEAD_DAYS, years: int = 2) -> bytes:
    """Return the deadlines from ``today`` on as an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//Förderlotse//Fristen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Förderfristen (Förderlotse)")
    calendar.add("x-wr-timezone", "Europe/Berlin")
    leads = tuple(lead_days)
    for programme in kb.programmes():
        if not wanted.accepts(kb, programme):
            continue
        for rule in programme.deadlines:
            for occurrence in occurrences(rule, today, years):
                calendar.add_component(_event(programme, occurrence, now, leads))
    return bytes(calendar.to_ical())
