"""Timing only: APScheduler 3 decides *when* the engine sweeps; the engine decides *what*.

Two jobs drive the engine: an interval sweep (the safety net: retries, expired leases,
rows planned by another process) and a one-shot date job at the next ``due_at``, so a
reminder at 09:00 goes out at 09:00 and not up to one interval later. A daily job can
re-plan, moving the planning horizon forward. With a weekly digest, each sweep first lets
it plan a digest that fell due, and the one-shot job also wakes for the next digest.

APScheduler's default ``misfire_grace_time`` is 1 s: a job that starts a few seconds late
(busy event loop, suspended laptop, slow start-up) is silently skipped. Every job here sets
``misfire_grace_time=None`` (run however late) with ``coalesce=True`` (several missed runs
become one), because a late sweep is always better than a skipped one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import BERLIN
from bot.reminders.engine import ReminderEngine

logger = logging.getLogger(__name__)

SWEEP_JOB = "reminders-sweep"
NEXT_DUE_JOB = "reminders-next-due"
REPLAN_JOB = "reminders-replan"
SOON_JOB = "reminders-soon"
_JOB_DEFAULTS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True,
                                 "max_instances": 1, "replace_existing": True}


class WeeklyPlan(Protocol):
    """Something planned into the outbox at fixed instants (the weekly digest)."""

    def plan_due(self) -> int:
        """Plan what has fallen due; cheap when nothing has."""
        ...

    def next_at(self) -> dt.datetime:
        """Return the next instant at which something falls due."""
        ...


class ReminderScheduler:
    """Adds the engine's jobs to an :class:`AsyncIOScheduler` the app owns and starts."""

    def __init__(
        self, engine: ReminderEngine, scheduler: AsyncIOScheduler,
        interval: dt.timedelta = dt.timedelta(minutes=1),
        replan: Callable[[], Awaitable[object]] | None = None,
        replan_at: dt.time = dt.time(3, 30),
        digest: WeeklyPlan | None = None,
    ) -> None:
        self._engine = engine
        self._digest = digest
        self._scheduler = scheduler
        self._interval = interval
        self._replan = replan
        self._replan_at = replan_at
        # Held while a job runs, so shutdown can wait for it instead of cancelling it.
        self._busy = asyncio.Lock()

    def install(self) -> None:
        """Add the sweep (starting now) and, if given, the daily re-plan job."""
        self._scheduler.add_job(self.sweep_and_rearm, "interval", id=SWEEP_JOB,
                                seconds=self._interval.total_seconds(), **_JOB_DEFAULTS)
        # The first sweep runs at once: it catches up on whatever fell due while we were down.
        self._scheduler.add_job(self.sweep_and_rearm, "date", id=NEXT_DUE_JOB, **_JOB_DEFAULTS)
        if self._replan is not None:
            self._scheduler.add_job(self._replan_and_rearm, "cron", id=REPLAN_JOB,
                                    hour=self._replan_at.hour, minute=self._replan_at.minute,
                                    timezone=BERLIN, **_JOB_DEFAULTS)

    async def sweep_and_rearm(self) -> None:
        """Sweep once, then schedule the one-shot job for the next due reminder."""
        async with self._busy:
            await self._plan_digest()
            await self._engine.sweep()
            await self.rearm()

    async def _plan_digest(self) -> None:
        if self._digest is None:
            return
        try:
            await asyncio.to_thread(self._digest.plan_due)
        except Exception:  # the reminders must still go out; the next sweep tries again
            logger.exception("Planning the weekly digest failed")

    async def idle(self) -> None:
        """Wait until a running job has finished."""
        async with self._busy:
            return

    def soon(self) -> None:
        """Sweep right away: a message due now was queued (a handed-off question).

        Each call adds a one-off job of its own: a job with a fixed id would be skipped
        while an earlier one still runs, and the sweep under way may have claimed before
        the new row was written. The jobs wait for each other (one sweep at a time).
        """
        self._scheduler.add_job(self.sweep_and_rearm, "date", name=SOON_JOB,
                                misfire_grace_time=None, coalesce=True)

    async def rearm(self) -> None:
        """(Re)schedule the one-shot job at the next ``due_at``; call after planning, too."""
        due = await self._engine.next_due_at()
        if self._digest is not None:
            digest = self._digest.next_at()
            due = digest if due is None else min(due, digest)
        if due is None:
            return
        self._scheduler.add_job(self.sweep_and_rearm, "date", id=NEXT_DUE_JOB, run_date=due,
                                **_JOB_DEFAULTS)
        logger.debug("Next reminder sweep at %s", due.isoformat())

    async def _replan_and_rearm(self) -> None:
        assert self._replan is not None  # noqa: S101  (only scheduled when given)
        async with self._busy:
            await self._replan()
            await self.rearm()
