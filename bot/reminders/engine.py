"""The reminder engine: claims due outbox rows and sends them, one message per chat.

Delivery guarantees (each covered by a test in tests/reminders):

* **Nothing is lost.** A row is claimed with a lease before sending and marked sent after.
  If the process dies in between (even ``kill -9``), the row keeps its claim ("sending")
  and is taken over by the next claim once the lease expired. Delivery is therefore
  *at-least-once*: a crash after the messenger accepted the message but before the row
  was marked sent repeats that message. Senders get a stable ``dedupe_id`` so a
  transport with idempotent sends (Matrix transaction ids) can suppress the repeat.
  Outcomes are committed in groups (:mod:`bot.reminders.commits`), so a crash repeats
  at most the messages of the last ``commit_window`` seconds.
* **No duplicates from concurrency.** Claims are taken one at a time (see
  :mod:`bot.storage.claims`); several sweeps or engines on one database never hold the
  same row, and only the lease holder may finish a row.
* **Catch-up.** Rows that fell due while the bot was down are sent on the next sweep and
  marked "verspätet" if the deadline is still ahead; if it has passed, they are dropped
  with a log line.

Database calls are short synchronous transactions run in :func:`asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

from bot.clock import BERLIN, Clock
from bot.knowledge.deadlines import Occurrence
from bot.reminders.commits import GroupCommit
from bot.reminders.pacing import Pacer
from bot.reminders.render import render
from bot.reminders.sender import NotConfigured, PermanentFailure, RetryLater, Sender
from bot.storage.outbox import OutboxRepository
from bot.storage.records import ClaimedReminder, Outcome, State

logger = logging.getLogger(__name__)

_MAX_BATCHES_PER_SWEEP = 1000  # a safety net: a sweep always ends


def _default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class EngineConfig:
    """Tuning of the engine; the defaults suit a small bot."""

    worker_id: str = field(default_factory=_default_worker_id)
    # Longer than the slowest batch (sending plus pacing), or rows would be re-claimed.
    lease: dt.timedelta = dt.timedelta(minutes=5)
    batch_size: int = 200
    # Outcomes are committed together at most this many seconds after the first one; a
    # crash repeats at most the messages of this window.
    commit_window: float = 0.25
    concurrency: int = 8
    late_after: dt.timedelta = dt.timedelta(minutes=15)
    max_attempts: int = 8
    backoff_base: dt.timedelta = dt.timedelta(seconds=30)
    backoff_cap: dt.timedelta = dt.timedelta(hours=6)


@dataclass
class SweepResult:
    """What one sweep did (counted in messages, not rows)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped_rows: int = 0
    waiting: int = 0  # for a messenger that is not configured here


def backoff(attempts: int, config: EngineConfig) -> dt.timedelta:
    """Return the wait before attempt ``attempts + 1``: base, 2×base, 4×base … up to cap."""
    exponent = min(max(attempts - 1, 0), 30)
    return min(config.backoff_base * (1 << exponent), config.backoff_cap)


def deadline_passed(row: ClaimedReminder, now: dt.datetime) -> bool:
    """Return True when the row's deadline day is over in Europe/Berlin."""
    return row.occurs_on is not None and now > _day_ends(row.occurs_on)


@lru_cache(maxsize=1024)
def _day_ends(day: dt.date) -> dt.datetime:
    # In UTC, computed once per day: a sweep checks every row, and comparing with a
    # Berlin time looks up the zone's offset each time.
    return Occurrence(day).ends_at().astimezone(dt.UTC)


def dedupe_id(rows: Sequence[ClaimedReminder]) -> str:
    """Return an id that is the same whenever the same rows are sent together."""
    keys = "\n".join(sorted(row.dedupe_key for row in rows))
    return "foerderlotse-" + hashlib.blake2s(keys.encode(), digest_size=12).hexdigest()


class ReminderEngine:
    """Sends due reminders; call :meth:`sweep` from a scheduler or a test."""

    def __init__(
        self, outbox: OutboxRepository, sender: Sender, clock: Clock,
        pacer: Pacer | None = None, config: EngineConfig | None = None,
    ) -> None:
        self._outbox = outbox
        self._sender = sender
        self._clock = clock
        self._pacer = pacer or Pacer(limits={})
        self.config = config or EngineConfig()
        self._commits = GroupCommit(outbox, self.config.worker_id, self.config.commit_window)
        # Overlapping sweeps in one process would be safe, but would only compete.
        self._lock = asyncio.Lock()
        self._claiming = True

    def stop_claiming(self) -> None:
        """Claim nothing more (shutdown); the batch under way still finishes."""
        self._claiming = False

    async def sweep(self) -> SweepResult:
        """Send everything that is due now, batch by batch."""
        result = SweepResult()
        async with self._lock:
            if self._commits.pending:
                # Outcomes of messages already delivered wait for the database. Write them
                # before claiming anything: once their leases expire, a claim would take
                # the same rows over and send them a second time. While the write fails,
                # this raises and nothing is claimed.
                await self._commits.flush()
            for _ in range(_MAX_BATCHES_PER_SWEEP):
                if not self._claiming:
                    break
                claimed = await asyncio.to_thread(
                    self._outbox.claim_due, self._clock.now(), self.config.worker_id,
                    self.config.lease, self.config.batch_size)
                if not claimed:
                    break
                await self._deliver_batch(claimed, result)
        if result.sent or result.retried or result.failed or result.dropped_rows:
            logger.info("Sweep: %d sent, %d retried, %d failed, %d rows dropped",
                        result.sent, result.retried, result.failed, result.dropped_rows)
        return result

    async def next_due_at(self) -> dt.datetime | None:
        """Return when the next pending row becomes due."""
        return await asyncio.to_thread(self._outbox.next_due_at)

    async def _deliver_batch(self, claimed: list[ClaimedReminder], result: SweepResult) -> None:
        chats = [list(rows) for _, rows in groupby(claimed, key=lambda r: r.subscriber_id)]
        queue = iter(chats)

        async def worker() -> None:
            # The workers share one iterator, so each chat is taken by exactly one of
            # them; a few workers instead of a task per chat keep a large batch cheap.
            for rows in queue:
                await self._deliver(rows, result)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(self.config.concurrency, len(chats))):
                    group.create_task(worker())
        finally:
            await self._commits.flush()

    async def _deliver(self, rows: list[ClaimedReminder], result: SweepResult) -> None:
        now = self._clock.now()
        expired = [r for r in rows if deadline_passed(r, now)]
        if expired:
            self._drop(expired, result)
        live = [r for r in rows if r not in expired]
        if not live:
            return
        late = {r.id for r in live if now - r.due_at > self.config.late_after}
        text = render(live, now.astimezone(BERLIN).date(), late)
        recipient = live[0].recipient
        try:
            async with self._pacer.slot(recipient):
                await self._sender.send(recipient, text, dedupe_id=dedupe_id(live))
        except NotConfigured as error:
            self._wait(live, str(error), error.retry_after, result)
        except RetryLater as error:
            await self._retry(live, str(error), error.retry_after, result)
        except PermanentFailure as error:
            await self._give_up_on_chat(live, str(error), result)
        except Exception as error:
            # Unknown errors are retried, so a transport bug does not lose reminders.
            logger.exception("Sending reminders to a %s chat failed", recipient.transport)
            await self._retry(live, f"{type(error).__name__}: {error}", 0, result)
        else:
            self._mark_sent(live, late)
            result.sent += 1

    def _mark_sent(self, rows: list[ClaimedReminder], late: set[int]) -> None:
        now = self._clock.now()
        on_time = tuple(r.id for r in rows if r.id not in late)
        if on_time:
            self._commits.add(Outcome(on_time, State.SENT, sent_at=now))
        if late:
            self._commits.add(Outcome(tuple(sorted(late)), State.SENT, sent_at=now, late=True))

    def _wait(self, rows: list[ClaimedReminder], error: str, seconds: float,
              result: SweepResult) -> None:
        """Put rows back for later without counting an attempt: nothing was tried."""
        when = self._clock.now() + dt.timedelta(seconds=seconds)
        self._commits.add(Outcome(tuple(r.id for r in rows), State.PENDING, error=error,
                                  retry_at=when, counted=False))
        result.waiting += 1

    def _drop(self, rows: list[ClaimedReminder], result: SweepResult) -> None:
        logger.warning("Dropping %d reminder(s) whose deadline passed while the bot was down "
                       "(ids %s)", len(rows), [r.id for r in rows])
        self._commits.add(Outcome(tuple(r.id for r in rows), State.CANCELLED,
                                  error="Frist vorbei, nicht mehr gesendet"))
        result.dropped_rows += len(rows)

    async def _retry(
        self, rows: list[ClaimedReminder], error: str, retry_after: float, result: SweepResult
    ) -> None:
        ids, attempts = [r.id for r in rows], max(r.attempts for r in rows)
        if attempts >= self.config.max_attempts:
            logger.error("Giving up on %d reminder(s) after %d attempts: %s",
                         len(ids), attempts, error)
            self._commits.add(Outcome(tuple(ids), State.FAILED, error=error))
            result.failed += 1
            return
        wait = max(backoff(attempts, self.config), dt.timedelta(seconds=retry_after))
        when = self._clock.now() + wait
        logger.info("Retrying %d reminder(s) at %s: %s", len(ids), when.isoformat(), error)
        self._commits.add(Outcome(tuple(ids), State.PENDING, error=error, retry_at=when))
        result.retried += 1

    async def _give_up_on_chat(
        self, rows: list[ClaimedReminder], error: str, result: SweepResult
    ) -> None:
        owner = rows[0].subscriber_id
        logger.warning("Chat %d cannot be reached any more, deactivating it: %s", owner, error)
        self._commits.add(Outcome(tuple(r.id for r in rows), State.FAILED, error=error))
        await self._commits.flush()  # release the claims, so the chat's rows get cancelled
        await asyncio.to_thread(self._outbox.deactivate_subscriber, owner, error)
        result.failed += 1
