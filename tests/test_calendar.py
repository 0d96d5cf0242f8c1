"""The calendar export parses back, has alarms, and keeps its UIDs stable."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from bot.calendar import Filter, deadline_calendar
from bot.cli import main
from bot.knowledge.service import Knowledge
from tests.conftest import TODAY

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def events(data: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(data)
    return [
        {"uid": str(e["uid"]), "summary": str(e["summary"]), "start": e.decoded("dtstart"),
         "alarms": [a.decoded("trigger") for a in e.walk("VALARM")]}
        for e in calendar.walk("VEVENT")
    ]


def test_programme_deadlines_with_alarms_at_lead_times(shipped: Knowledge) -> None:
    found = events(deadline_calendar(shipped.base, TODAY, NOW, Filter(programme="heimat-scheck")))
    assert found[0]["start"] == dt.date(2027, 10, 23)
    assert found[0]["summary"] == ("Frist: Heimat-Scheck – Antragsschluss für das laufende Jahr"
                                   " (Frist unsicher, bitte beim Fördergeber prüfen)")
    nine = dt.timedelta(hours=9)
    assert found[0]["alarms"] == [dt.timedelta(days=-d) + nine for d in (28, 7, 1)]


def test_uids_are_stable_across_exports(shipped: Knowledge) -> None:
    first = events(deadline_calendar(shipped.base, TODAY, NOW))
    later = events(deadline_calendar(shipped.base, TODAY, NOW + dt.timedelta(days=3)))
    assert [e["uid"] for e in first] == [e["uid"] for e in later]
    assert len({e["uid"] for e in first}) == len(first)


def test_rolling_and_past_programmes_have_no_events(shipped: Knowledge) -> None:
    uids = [e["uid"] for e in events(deadline_calendar(shipped.base, TODAY, NOW))]
    assert not [u for u in uids if u.startswith(("heimat-werkstatt", "zwei-tausend"))]


def test_region_filter(shipped: Knowledge) -> None:
    hoexter = events(deadline_calendar(shipped.base, TODAY, NOW, Filter(region_id="kreis-hoexter")))
    herford = events(deadline_calendar(shipped.base, TODAY, NOW, Filter(region_id="kreis-herford")))
    assert any(e["uid"].startswith("kulturfonds-kreis-hoexter") for e in hoexter)
    assert not any(e["uid"].startswith("kulturfonds-kreis-hoexter") for e in herford)


def test_cli_writes_ics(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["ics", "--thema", "Heimat", "--kreis", "Brakel"]) == 0
    found = events(capsysbinary.readouterr().out)
    assert found
    assert all("Frist:" in str(e["summary"]) for e in found)
