"""APScheduler only drives timing: jobs never skip when late, and re-arm at the next due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import FixedClock
from bot.reminders.engine import ReminderEngine
from bot.reminders.scheduler import NEXT_DUE_JOB, REPLAN_JOB, SWEEP_JOB, ReminderScheduler
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, PlannedReminder

NINE = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)


async def replan() -> None:
    """Stands in for the planner."""


async def test_jobs_run_however_late_and_rearm_at_next_due(
    outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    owner = chat_owner("1")
    later = NINE + dt.timedelta(days=6)
    outbox.insert([make_row(owner, "now", NINE, dt.date(2027, 10, 23)),
                   make_row(owner, "later", later, dt.date(2027, 10, 23), lead_days=1)], NINE)
    sender = FakeSender()
    scheduler = AsyncIOScheduler(timezone=dt.UTC)
    timing = ReminderScheduler(ReminderEngine(outbox, sender, FixedClock(NINE)), scheduler,
                               replan=replan)
    scheduler.start(paused=True)  # jobs go to the job store but do not fire on their own
    timing.install()
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {SWEEP_JOB, NEXT_DUE_JOB, REPLAN_JOB}
    for job in jobs.values():
        assert job.misfire_grace_time is None
        assert job.coalesce is True
    await timing.sweep_and_rearm()
    assert len(sender.deliveries) == 1
    next_due = scheduler.get_job(NEXT_DUE_JOB)
    assert next_due is not None
    assert next_due.trigger.run_date == later
    scheduler.shutdown(wait=False)
