"""The outbox of planned reminders: bulk planning writes, claims and outcomes for sending.

How rows are claimed and finished is in :mod:`bot.storage.claims`. A re-plan writes in
bulk (:mod:`bot.storage.bulk`): COPY into a temporary table and one ``INSERT … SELECT …
ON CONFLICT DO NOTHING`` on PostgreSQL, one executemany on SQLite, in a single
transaction together with the cancellations.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Integer,
    Table,
    and_,
    any_,
    bindparam,
    case,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from bot.storage import claims
from bot.storage.bulk import (
    FETCH_ROWS,
    DeadlineRow,
    all_deadline_keys,
    insert_deadlines,
)
from bot.storage.claims import C, chunks, unclaimed
from bot.storage.database import insert_ignoring
from bot.storage.records import (
    ClaimedReminder,
    Outcome,
    PlannedReminder,
    PlannedRow,
    ReminderKind,
    State,
)
from bot.storage.tables import Reminder, Subscriber

logger = logging.getLogger(__name__)

R: Table = Reminder.__table__  # type: ignore[attr-defined]
S: Table = Subscriber.__table__  # type: ignore[attr-defined]
_ERROR_CHARS = 500
_SQLITE_LOCK_SECONDS = 30  # as long as SQLite's own busy timeout


@dataclass
class PlannedKeys:
    """The ``dedupe_key`` values of deadline rows: pending ones with their id, and the rest.

    ``pending_programmes`` holds the programmes of the pending rows, so a re-plan can
    tell whether one vanished from the knowledge without reading every row again.
    """

    pending: dict[str, int] = field(default_factory=dict)
    other: set[str] = field(default_factory=set)
    pending_programmes: set[str] = field(default_factory=set)


class OutboxRepository:
    """Reads and writes the ``reminder`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # SQLite has one writer at a time, and every transaction here starts with BEGIN
        # IMMEDIATE. Threads of this process queue on a lock instead of in SQLite's busy
        # handler, which polls with sleeps of up to 100 ms.
        self._sqlite_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def _transaction(self, durable: bool = True) -> Iterator[Connection]:
        """Run a transaction; ``durable=False`` lets SQLite commit without an fsync.

        Claims and outcomes are bookkeeping that at-least-once delivery can afford to
        lose in a power failure (the rows are sent again); waiting for the disk on each
        of them was the largest part of their cost. A later durable commit (say, a new
        subscription) flushes them along. PostgreSQL's claim and finish statements turn
        ``synchronous_commit`` off themselves, in a round trip they make anyway.
        """
        acquired = self._sqlite_lock is not None and self._sqlite_lock.acquire(
            timeout=_SQLITE_LOCK_SECONDS)
        relaxed = not durable and self._sqlite_lock is not None
        try:
            with self._engine.connect() as conn:
                if relaxed:  # a safety level cannot change inside a transaction
                    _sqlite_synchronous(conn, "NORMAL")
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if relaxed:
                        _sqlite_synchronous(conn, "FULL")
        finally:
            if acquired:
                assert self._sqlite_lock is not None  # noqa: S101  (for mypy)
                self._sqlite_lock.release()

    # --- planning -------------------------------------------------------------------

    def planned_deadlines(
        self, today: dt.date, subscriber_ids: Collection[int] | None = None
    ) -> list[PlannedRow]:
        """Return the deadline rows for deadlines on or after ``today``.

        ``subscriber_ids=None`` means the rows of all chats.
        """
        query = select(R.c.id, R.c.dedupe_key, R.c.state, R.c.subscriber_id, R.c.programme_id,
                       R.c.text)
        query = query.where(R.c.kind == ReminderKind.DEADLINE, R.c.occurs_on >= today)
        with self._transaction() as conn:
            return [PlannedRow(*row) for row in _per_owner(conn, query, subscriber_ids)]

    def planned_keys(
        self, today: dt.date, subscriber_ids: Collection[int] | None = None
    ) -> PlannedKeys:
        """Return the keys of the deadline rows for deadlines on or after ``today``.

        Cheaper than :meth:`planned_deadlines` for a full re-plan: three narrow columns,
        no objects per row.
        """
        query = select(R.c.dedupe_key, R.c.id, R.c.state, R.c.programme_id).where(
            R.c.kind == ReminderKind.DEADLINE, R.c.occurs_on >= today)
        found = PlannedKeys()
        pending, programmes = found.pending, found.pending_programmes
        with self._transaction() as conn:
            rows = (all_deadline_keys(conn, today) if subscriber_ids is None
                    else _per_owner(conn, query, subscriber_ids))
            for key, row_id, state, programme_id in rows:
                if state == State.PENDING:
                    pending[key] = row_id
                    programmes.add(programme_id)
                else:
                    found.other.add(key)
        return found

    def pending_of(
        self, today: dt.date, programme_ids: Collection[str],
        subscriber_ids: Collection[int] | None = None,
    ) -> list[PlannedRow]:
        """Return the pending deadline rows of ``programme_ids`` on or after ``today``."""
        if not programme_ids:
            return []
        query = select(R.c.id, R.c.dedupe_key, R.c.state, R.c.subscriber_id, R.c.programme_id,
                       R.c.text).where(
            R.c.kind == ReminderKind.DEADLINE, R.c.state == State.PENDING,
            R.c.occurs_on >= today, R.c.programme_id.in_(sorted(programme_ids)))
        with self._transaction() as conn:
            return [PlannedRow(*row) for row in _per_owner(conn, query, subscriber_ids)]

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        """Return those of ``keys`` that some row (in any state) has already."""
        found: set[str] = set()
        with self._transaction() as conn:
            for part in chunks(sorted(keys)):
                found.update(conn.execute(select(R.c.dedupe_key).where(
                    R.c.dedupe_key.in_(part))).scalars())
        return found

    def insert(self, rows: Sequence[PlannedReminder], now: dt.datetime) -> None:
        """Insert planned rows; rows whose ``dedupe_key`` exists are left alone."""
        if not rows:
            return
        with self._transaction() as conn:
            insert_planned(conn, rows, now)
        logger.info("Planned %d reminder rows (duplicates ignored)", len(rows))

    def cancel(self, ids: Sequence[int], reason: str) -> int:
        """Cancel the still pending rows among ``ids``; return how many were cancelled."""
        if not ids:
            return 0
        with self._transaction() as conn:
            return _cancel(conn, ids, reason)

    def apply_plan(
        self, deadlines: Sequence[DeadlineRow], notices: Sequence[PlannedReminder],
        stale: Sequence[int], reason: str, now: dt.datetime,
    ) -> int:
        """Insert new rows and cancel stale pending ones in one transaction.

        Existing ``dedupe_key`` values are skipped, so a concurrent re-plan is harmless.
        Returns how many rows were cancelled.
        """
        with self._transaction() as conn:
            insert_deadlines(conn, deadlines, now)
            insert_planned(conn, notices, now)
            return _cancel(conn, stale, reason)

    # --- sending --------------------------------------------------------------------

    def claim_due(
        self, now: dt.datetime, worker: str, lease: dt.timedelta, limit: int
    ) -> list[ClaimedReminder]:
        """Claim up to ``limit`` due rows, in due order, sorted by chat for sending.

        Claims whose lease expired are taken over first. One chat's rows of one instant
        (its reminders of a morning: one message) are never split between batches; only
        a batch that is a single such group may exceed ``limit``. After a downtime, a
        chat's rows of several instants go out together when they fall into one batch.
        """
        ids = self.claim(now, worker, lease, limit)
        rows = self.load(ids, worker) if ids else []
        return sorted(rows, key=lambda r: (r.subscriber_id, r.due_at, r.id))

    def claim(
        self, now: dt.datetime, worker: str, lease: dt.timedelta, limit: int
    ) -> list[int]:
        """Claim due rows as :meth:`claim_due` does; return only their ids."""
        with self._transaction(durable=False) as conn:
            return claims.claim(conn, now, worker, lease, limit)

    def load(self, ids: Sequence[int], worker: str) -> list[ClaimedReminder]:
        """Read the claimed rows ``worker`` holds among ``ids``, for sending."""
        with self._transaction() as conn:  # reads; writes only to drop stale claims
            return claims.load(conn, ids, worker)

    def finish(self, outcomes: Sequence[Outcome], worker: str) -> None:
        """Apply the engine's outcomes to the rows ``worker`` holds, in one transaction.

        Only the current lease holder may finish a row: after a lease expired and another
        engine took the row over, the late first engine must not overwrite it.
        """
        if not any(outcome.ids for outcome in outcomes):
            return
        with self._transaction(durable=False) as conn:
            claims.finish(conn, outcomes, worker)

    def mark_sent(
        self, ids: Sequence[int], worker: str, now: dt.datetime, late: bool = False
    ) -> None:
        """Record a delivery of the rows ``worker`` holds."""
        self.finish([Outcome(tuple(ids), State.SENT, sent_at=now, late=late)], worker)

    def retry_at(self, ids: Sequence[int], worker: str, when: dt.datetime, error: str) -> None:
        """Hand rows back for another attempt at ``when``."""
        self.finish([Outcome(tuple(ids), State.PENDING, error=error, retry_at=when)], worker)

    def mark_failed(self, ids: Sequence[int], worker: str, error: str) -> None:
        """Give up on rows for good."""
        self.finish([Outcome(tuple(ids), State.FAILED, error=error)], worker)

    def drop(self, ids: Sequence[int], worker: str, reason: str) -> None:
        """Cancel claimed rows that must not be sent any more (e.g. the deadline passed)."""
        self.finish([Outcome(tuple(ids), State.CANCELLED, error=reason)], worker)

    def deactivate_subscriber(self, subscriber_id: int, reason: str) -> None:
        """Stop all reminders of a chat that blocked or removed the bot."""
        with self._transaction() as conn:
            deactivate(conn, subscriber_id, reason)

    def next_due_at(self) -> dt.datetime | None:
        """Return when the earliest unclaimed pending row becomes due, if any."""
        query = (select(R.c.next_attempt_at).where(R.c.state == State.PENDING, unclaimed())
                 .order_by(R.c.next_attempt_at).limit(1))
        with self._transaction() as conn:
            value: dt.datetime | None = conn.execute(query).scalar()
            return value

    def count_by_state(self) -> dict[str, int]:
        """Return the number of rows in each state (for status output and tests).

        A pending row with a claim counts as "sending".
        """
        state = case((and_(R.c.state == State.PENDING, C.c.reminder_id.is_not(None)),
                      State.SENDING.value), else_=R.c.state)
        query = (select(state, func.count())
                 .select_from(R.outerjoin(C, C.c.reminder_id == R.c.id)).group_by(state))
        with self._transaction() as conn:
            return {found: count for found, count in conn.execute(query)}


def _sqlite_synchronous(conn: Connection, level: str) -> None:
    # On the driver connection: SQLAlchemy would begin a transaction first.
    conn.connection.driver_connection.execute(f"PRAGMA synchronous = {level}")  # type: ignore[union-attr]


def deactivate(conn: Connection, subscriber_id: int, reason: str) -> None:
    """Mark a chat inactive and cancel its pending rows, inside ``conn``'s transaction."""
    conn.execute(update(S).where(S.c.id == subscriber_id).values(active=False))
    conn.execute(
        update(R).where(R.c.subscriber_id == subscriber_id, R.c.state == State.PENDING,
                        unclaimed())
        .values(state=State.CANCELLED, last_error=reason[:_ERROR_CHARS])
    )


def insert_planned(conn: Connection, rows: Sequence[PlannedReminder], now: dt.datetime) -> None:
    """Insert planned rows in one executemany, skipping existing ``dedupe_key`` values."""
    if not rows:
        return
    conn.execute(insert_ignoring(conn, R, "dedupe_key"), [_row_values(row, now) for row in rows])


def _cancel(conn: Connection, ids: Sequence[int], reason: str) -> int:
    if not ids:
        return 0
    values = {"state": State.CANCELLED, "last_error": reason[:_ERROR_CHARS]}
    if conn.dialect.name == "postgresql":
        # One statement with an array parameter instead of one per row.
        array = bindparam("ids", sorted(ids), type_=postgresql.ARRAY(Integer))
        result = conn.execute(update(R).where(R.c.id == any_(array), R.c.state == State.PENDING,
                                              unclaimed()).values(**values))
        return max(result.rowcount, 0)
    # One statement run with many parameter sets: compiled once, unlike IN-lists.
    statement = update(R).where(R.c.id == bindparam("row_id"), R.c.state == State.PENDING,
                                unclaimed())
    result = conn.execute(statement.values(**values), [{"row_id": i} for i in sorted(ids)])
    return max(result.rowcount, 0)


def _per_owner(
    conn: Connection, query: Any, subscriber_ids: Collection[int] | None
) -> Iterable[Any]:
    """Run ``query`` for all chats, or in chunks of ``subscriber_ids``."""
    queries = [query] if subscriber_ids is None else [
        query.where(R.c.subscriber_id.in_(part)) for part in chunks(sorted(subscriber_ids))]
    for one in queries:
        # fetchmany in blocks: iterating a result row by row costs a call per row.
        for block in conn.execute(one).partitions(FETCH_ROWS):
            yield from block


def _row_values(row: PlannedReminder, now: dt.datetime) -> dict[str, Any]:
    # Spelled out rather than dataclasses.asdict, which deep-copies and dominated the
    # time of a large re-plan.
    return {
        "dedupe_key": row.dedupe_key, "subscriber_id": row.subscriber_id,
        "kind": str(row.kind), "text": row.text, "due_at": row.due_at,
        "occurs_on": row.occurs_on, "programme_id": row.programme_id,
        "personal_reminder_id": row.personal_reminder_id, "step": row.step,
        "lead_days": row.lead_days, "state": State.PENDING, "attempts": 0,
        "next_attempt_at": row.due_at, "late": False, "created_at": now,
    }
