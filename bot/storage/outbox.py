"""The outbox of planned reminders: bulk planning writes and atomic claims for sending.

Claiming is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
RETURNING`` statement. PostgreSQL skips rows another engine has locked; SQLite ignores
the locking clause but runs the statement under ``BEGIN IMMEDIATE`` (see
:mod:`bot.storage.database`), which serialises writers. A claimed row carries a lease
(``claimed_at``); a row left in ``sending`` by a crashed process is claimed again once
the lease has expired, so nothing is lost (delivery is at-least-once).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from bot.storage.records import (
    ClaimedReminder,
    PlannedReminder,
    PlannedRow,
    Recipient,
    ReminderKind,
    State,
)
from bot.storage.tables import Reminder, Subscriber

logger = logging.getLogger(__name__)

R: Table = Reminder.__table__  # type: ignore[attr-defined]
S: Table = Subscriber.__table__  # type: ignore[attr-defined]
_CHUNK = 500  # ids per IN (...) list, well below SQLite's variable limit
_ERROR_CHARS = 500


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class OutboxRepository:
    """Reads and writes the ``reminder`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

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
        with self._engine.begin() as conn:
            if subscriber_ids is None:
                return [PlannedRow(*row) for row in conn.execute(query)]
            found: list[PlannedRow] = []
            for part in chunks(sorted(subscriber_ids)):
                rows = conn.execute(query.where(R.c.subscriber_id.in_(part)))
                found += [PlannedRow(*row) for row in rows]
            return found

    def insert(self, rows: Sequence[PlannedReminder], now: dt.datetime) -> None:
        """Insert planned rows; rows whose ``dedupe_key`` exists are left alone."""
        if not rows:
            return
        with self._engine.begin() as conn:
            insert_planned(conn, rows, now)
        logger.info("Planned %d reminder rows (duplicates ignored)", len(rows))

    def cancel(self, ids: Sequence[int], reason: str) -> int:
        """Cancel the still pending rows among ``ids``; return how many were cancelled."""
        if not ids:
            return 0
        # One statement run with many parameter sets: compiled once, unlike IN-lists.
        statement = (
            update(R).where(R.c.id == bindparam("row_id"), R.c.state == State.PENDING)
            .values(state=State.CANCELLED, last_error=reason[:_ERROR_CHARS])
        )
        with self._engine.begin() as conn:
            result = conn.execute(statement, [{"row_id": i} for i in sorted(ids)])
            return max(result.rowcount, 0)

    # --- sending --------------------------------------------------------------------

    def claim_due(
        self, now: dt.datetime, worker: str, lease: dt.timedelta, limit: int
    ) -> list[ClaimedReminder]:
        """Claim up to ``limit`` due rows, plus the other due rows of the same chats.

        The second step keeps one chat's reminders of a morning in one message even when
        a batch boundary falls between them.
        """
        due = or_(
            and_(R.c.state == State.PENDING, R.c.next_attempt_at <= now),
            and_(R.c.state == State.SENDING, R.c.claimed_at <= now - lease),
        )
        claim = {"state": State.SENDING, "claimed_by": worker, "claimed_at": now,
                 "attempts": R.c.attempts + 1}
        with self._engine.begin() as conn:
            first = select(R.c.id).where(due).order_by(R.c.next_attempt_at, R.c.id).limit(limit)
            ids = _claim(conn, first, claim)
            owners = sorted({row.subscriber_id for row in _claimed_rows(conn, ids)})
            for part in chunks(owners):
                ids += _claim(conn, select(R.c.id).where(due, R.c.subscriber_id.in_(part)), claim)
            return _claimed_rows(conn, ids)

    def mark_sent(
        self, ids: Sequence[int], worker: str, now: dt.datetime, late: bool = False
    ) -> None:
        """Record a delivery of the rows ``worker`` holds."""
        self._finish(ids, worker, state=State.SENT, sent_at=now, late=late,
                     claimed_by=None, claimed_at=None)

    def retry_at(self, ids: Sequence[int], worker: str, when: dt.datetime, error: str) -> None:
        """Hand rows back for another attempt at ``when``."""
        self._finish(ids, worker, state=State.PENDING, next_attempt_at=when,
                     last_error=error[:_ERROR_CHARS], claimed_by=None, claimed_at=None)

    def mark_failed(self, ids: Sequence[int], worker: str, error: str) -> None:
        """Give up on rows for good."""
        self._finish(ids, worker, state=State.FAILED, last_error=error[:_ERROR_CHARS],
                     claimed_by=None, claimed_at=None)

    def drop(self, ids: Sequence[int], worker: str, reason: str) -> None:
        """Cancel claimed rows that must not be sent any more (e.g. the deadline passed)."""
        self._finish(ids, worker, state=State.CANCELLED, last_error=reason[:_ERROR_CHARS],
                     claimed_by=None, claimed_at=None)

    def deactivate_subscriber(self, subscriber_id: int, reason: str) -> None:
        """Stop all reminders of a chat that blocked or removed the bot."""
        with self._engine.begin() as conn:
            deactivate(conn, subscriber_id, reason)

    def next_due_at(self) -> dt.datetime | None:
        """Return when the earliest pending row becomes due, if any."""
        query = select(func.min(R.c.next_attempt_at)).where(R.c.state == State.PENDING)
        with self._engine.begin() as conn:
            value: dt.datetime | None = conn.execute(query).scalar()
            return value

    def count_by_state(self) -> dict[str, int]:
        """Return the number of rows in each state (for status output and tests)."""
        query = select(R.c.state, func.count()).group_by(R.c.state)
        with self._engine.begin() as conn:
            return {state: count for state, count in conn.execute(query)}

    def _finish(self, ids: Sequence[int], worker: str, **values: Any) -> None:
        # Only the current lease holder may finish a row: after a lease expired and
        # another engine re-claimed it, the late first engine must not overwrite it.
        with self._engine.begin() as conn:
            for part in chunks(sorted(ids)):
                conn.execute(
                    update(R).where(R.c.id.in_(part), R.c.state == State.SENDING,
                                    R.c.claimed_by == worker).values(**values)
                )


def deactivate(conn: Connection, subscriber_id: int, reason: str) -> None:
    """Mark a chat inactive and cancel its pending rows, inside ``conn``'s transaction."""
    conn.execute(update(S).where(S.c.id == subscriber_id).values(active=False))
    conn.execute(
        update(R).where(R.c.subscriber_id == subscriber_id, R.c.state == State.PENDING)
        .values(state=State.CANCELLED, last_error=reason[:_ERROR_CHARS])
    )


def insert_planned(conn: Connection, rows: Sequence[PlannedReminder], now: dt.datetime) -> None:
    """Insert planned rows in one executemany, skipping existing ``dedupe_key`` values."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(R).on_conflict_do_nothing(index_elements=["dedupe_key"])
    conn.execute(statement, [_row_values(row, now) for row in rows])


def _claim(conn: Connection, candidates: Any, values: dict[str, Any]) -> list[int]:
    locked = candidates.with_for_update(skip_locked=True).scalar_subquery()
    result = conn.execute(update(R).where(R.c.id.in_(locked)).values(**values).returning(R.c.id))
    return [row.id for row in result]


def _claimed_rows(conn: Connection, ids: Sequence[int]) -> list[ClaimedReminder]:
    found: list[ClaimedReminder] = []
    for part in chunks(sorted(ids)):
        query = (select(R, S.c.transport, S.c.chat_id).join(S, S.c.id == R.c.subscriber_id)
                 .where(R.c.id.in_(part)))
        found += [_claimed(row) for row in conn.execute(query)]
    return sorted(found, key=lambda r: (r.subscriber_id, r.due_at, r.id))


def _claimed(row: Any) -> ClaimedReminder:
    return ClaimedReminder(
        id=row.id, recipient=Recipient(row.transport, row.chat_id),
        subscriber_id=row.subscriber_id, kind=ReminderKind(row.kind), text=row.text,
        occurs_on=row.occurs_on, step=row.step, lead_days=row.lead_days, due_at=row.due_at,
        attempts=row.attempts, dedupe_key=row.dedupe_key,
    )


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

