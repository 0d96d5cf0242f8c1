"""Open cases older than N days are reminded to their coordinators once a week.

The reminders are planned into the outbox on Mondays at 09:00 (Europe/Berlin), and once
at start-up for a Monday the bot was down. Each one's key names the ISO week, so a case
is never reminded twice in the same week, however often the planning runs. Which cases
are old enough is measured from the week's Monday 09:00, not from the moment of the run:
a start on Wednesday reminds exactly what Monday would have.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import BERLIN, Clock
from bot.handoff import texts
from bot.handoff.routing import chats, place_label, responsible
from bot.knowledge.base import KnowledgeBase
from bot.reminders.weeks import berlin_monday, iso_week
from bot.settings import Coordinator
from bot.storage.handoff import HandoffRepository, Outgoing, message_key
from bot.storage.records import local_instant

logger = logging.getLogger(__name__)

JOB = "handoff-weekly-reminder"
REMIND_AT = "09:00"  # Mondays, Europe/Berlin


def week_of(now: dt.datetime) -> tuple[str, dt.datetime]:
    """Return the ISO week of ``now`` ("2026-W49") and its Monday 09:00 as a UTC instant."""
    monday = berlin_monday(now)
    return iso_week(monday), local_instant(monday, REMIND_AT)


class OpenCaseReminders:
    """Plans the weekly reminders of old open cases into the outbox."""

    def __init__(self, repo: HandoffRepository, coordinators: Sequence[Coordinator],
                 knowledge: Callable[[], KnowledgeBase], clock: Clock, days: int) -> None:
        self._repo = repo
        self._coordinators = coordinators
        self._knowledge = knowledge
        self._clock = clock
        self._days = days

    def plan(self) -> int:
        """Queue this week's reminders not queued yet; return how many were due.

        Before Monday 09:00 nothing is due: last week's reminders were planned last week.
        """
        now = self._clock.now()
        week, start = week_of(now)
        if now < start or not self._coordinators:
            return 0
        kb = self._knowledge()
        cases = self._repo.open_before(start - dt.timedelta(days=self._days))
        messages = [
            Outgoing(chat, message_key(case.id, "offen", week, chat.transport, chat.chat_id),
                     texts.still_open(case.id, place_label(kb, case.region_id), case.text,
                                      _days_between(case.created_at, now)))
            for case in cases
            for chat in chats(responsible(self._coordinators, kb, case.region_id))]
        self._repo.enqueue(messages)
        if messages:
            logger.info("Reminding coordinators of %d open case(s) in %s", len(cases), week)
        return len(messages)

    async def run(self, wake: Callable[[], None]) -> None:
        """Plan in a worker thread, then let the engine send what was queued."""
        try:
            if await asyncio.to_thread(self.plan):
                wake()
        except Exception:  # the next run (or start) tries again; the keys prevent repeats
            logger.exception("Planning the reminders of open cases failed")

    def install(self, scheduler: AsyncIOScheduler, wake: Callable[[], None]) -> None:
        """Add the Monday job to ``scheduler`` (run however late, never skipped)."""
        hour, minute = (int(part) for part in REMIND_AT.split(":"))
        scheduler.add_job(self.run, "cron", args=[wake], id=JOB, day_of_week="mon", hour=hour,
                          minute=minute, timezone=BERLIN, misfire_grace_time=None,
                          coalesce=True, max_instances=1, replace_existing=True)


def _days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Return the calendar days from ``start`` to ``end`` in Europe/Berlin."""
    return (end.astimezone(BERLIN).date() - start.astimezone(BERLIN).date()).days
