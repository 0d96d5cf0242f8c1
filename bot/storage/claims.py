"""Claims on outbox rows: who is sending a reminder, since when, in which attempt.

An engine claims a due row by inserting a lease into the small ``reminder_claim`` table,
not by updating the large ``reminder`` table: a batch of 500 claims then writes a few
adjacent pages instead of 500 pages scattered over the outbox and its indexes. A pending
row with a claim is "sending".

Claims are taken one at a time, by an advisory lock on PostgreSQL and by ``BEGIN
IMMEDIATE`` on SQLite (see :mod:`bot.storage.database`). Without that, two PostgreSQL
engines could both read a row as unclaimed; the second insert would wait for the first
claim and fail, or, if the first engine had already finished the row and deleted its
claim, succeed and send the row twice. Sending itself is not serialised.

Claiming and loading are two steps in two transactions: :func:`claim` finds the next due
rows and inserts their claims while holding that lock, reading only the due-row index;
:func:`load` then reads what the engine needs to send them, without the lock. That keeps
the part during which other engines wait short.

A claim whose lease expired (its engine died, even by ``kill -9``) is taken over by the
next claim, so nothing is lost: delivery is at-least-once. Finishing a row updates it
and deletes its claim, only for the claim's holder. ``reminder.attempts`` counts
finished attempts; a claim's attempt is that plus one plus its take-overs.

All functions run inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    Boolean,
    Integer,
    String,
    Table,
    any_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from bot.storage.bulk import sqlite_converter
from bot.storage.records import ClaimedReminder, Outcome, Recipient, ReminderKind, State
from bot.storage.tables import AsStored, IsoDate, Reminder, ReminderClaim, Subscriber, UtcDateTime

R: Table = Reminder.__table__  # type: ignore[attr-defined]
S: Table = Subscriber.__table__  # type: ignore[attr-defined]
C: Table = ReminderClaim.__table__  # type: ignore[attr-defined]

_LOCK_KEY = 0x466F65726465  # any constant; "Foerde" in ASCII
_ERROR_CHARS = 500
_CHUNK = 500  # ids per IN (...) list, well below SQLite's variable limit
_ORDER = (R.c.next_attempt_at, R.c.subscriber_id, R.c.id)  # as in ix_reminder_state_next


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size`` (for IN lists)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def unclaimed() -> Any:
    """Return the condition "no engine holds this reminder row"."""
    return ~exists().where(C.c.reminder_id == R.c.id)


def claim(
    conn: Connection, now: dt.datetime, worker: str, lease: dt.timedelta, limit: int
) -> list[int]:
    """Claim up to ``limit`` due rows for ``worker``; return their ids.

    Expired claims are taken over first, then the next due rows in the order (due
    instant, chat, id). One chat's rows of one instant are never split between batches;
    see :func:`_whole_groups`.
    """
    postgres = conn.dialect.name == "postgresql"
    expired = now - lease
    # One round trip on PostgreSQL: lock, commit mode, and whether a lease expired.
    taken: list[int] = []
    if conn.execute(_START_PG if postgres else _ANY_EXPIRED, {"expired": expired}).scalar():
        taken = list(conn.execute(_TAKE_OVER, {
            "expired": expired, "limit": limit, "worker": worker, "now": now}).scalars())
    budget = limit - len(taken)
    if budget <= 0:
        return taken
    # Rows in flight are skipped here, not by an anti-join in SQL: the claim table's
    # statistics swing between empty and full, and a plan made for an empty table
    # scans it once per candidate row. Reading as many more rows as there are claims
    # still yields ``budget`` unclaimed ones, if there are that many.
    in_flight = set(conn.execute(_IN_FLIGHT).scalars())
    wanted = budget + len(in_flight)
    # .all() fetches in one driver call; iterating the result would fetch row by row.
    read = conn.execute(_FIRST_DUE, {"now": now, "limit": wanted}).all()
    due = [row for row in read if row.id not in in_flight]
    complete = len(read) < wanted and len(due) <= budget  # every due row is in ``due``
    ids = [row.id for row in _whole_groups(conn, now, due[:budget], complete)]
    _insert_claims(conn, ids, worker, now)
    return taken + ids


def load(conn: Connection, ids: Sequence[int], worker: str) -> list[ClaimedReminder]:
    """Read the rows ``worker`` holds among ``ids``, with their chats, for sending.

    A claim whose reminder was deleted meanwhile (the chat asked to delete its data) is
    removed here.
    """
    if conn.dialect.name == "postgresql":  # one array literal instead of an IN list
        rows = conn.execute(_LOAD_PG, {"ids": _int_array(ids), "worker": worker}).all()
    else:
        rows = [row for part in chunks(sorted(ids))
                for row in conn.execute(_LOAD, {"ids": list(part), "worker": worker}).all()]
    found = _claimed(rows)
    gone = sorted(set(ids) - {row.id for row in found})
    for part in chunks(gone):
        conn.execute(delete(C).where(C.c.reminder_id.in_(part), C.c.worker == worker))
    return found


def finish(conn: Connection, outcomes: Sequence[Outcome], worker: str) -> None:
    """Apply outcomes to the rows ``worker`` holds and release their claims.

    A row whose claim another engine took over (after this one's lease expired) is left
    alone: the late first engine must not overwrite it.
    """
    rows = [(row_id, outcome) for outcome in outcomes for row_id in outcome.ids]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # Waiting for the WAL flush would dominate the cost of a finish. A server crash
        # may lose the last fraction of a second of these updates; their rows keep their
        # claim and are sent again once the lease expires, which at-least-once allows.
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        # One statement per flush with array parameters: per-row statements would each
        # cost a round trip and a plan.
        arrays: dict[str, list[Any]] = {name: [] for name in _FINISH_ARRAYS}
        for row_id, outcome in rows:
            for name, value in zip(_FINISH_ARRAYS, _finish_values(row_id, outcome),
                                   strict=True):
                arrays[name].append(value)
        conn.execute(_FINISH_PG, {**arrays, "worker": worker})
        conn.execute(_RELEASE_PG, {"ids": _int_array(arrays["row_id"]), "worker": worker})
        return
    # SQLite runs an executemany in-process, without round trips. Plain driver SQL with
    # values converted here: SQLAlchemy's per-row parameter handling cost more than the
    # statements themselves.
    instant = sqlite_converter(conn, UtcDateTime())
    conn.exec_driver_sql(_FINISH_SQLITE, [
        (state, instant(sent_at), int(late), instant(retry_at), error, counted, row_id, worker)
        for row_id, state, sent_at, late, retry_at, error, counted in (
            _finish_values(row_id, outcome) for row_id, outcome in rows)])
    conn.exec_driver_sql(_RELEASE_SQLITE, [(row_id, worker) for row_id, _ in rows])


def _insert_claims(conn: Connection, ids: list[int], worker: str, now: dt.datetime) -> None:
    if not ids:
        return
    if conn.dialect.name == "postgresql":
        # One statement: the ids as an array literal ("{1,2}"), unnested in SQL. psycopg
        # would adapt a list item by item in Python, which took longer than the insert.
        conn.execute(_INSERT_CLAIMS_PG, {"worker": worker, "now": now, "ids": _int_array(ids)})
        return
    claimed_at = sqlite_converter(conn, UtcDateTime())(now)
    conn.exec_driver_sql(_INSERT_CLAIMS_SQLITE, [(row_id, worker, claimed_at) for row_id in ids])


def _int_array(values: Iterable[int]) -> str:
    return "{" + ",".join(map(str, values)) + "}"


def _whole_groups(
    conn: Connection, now: dt.datetime, rows: Sequence[Any], complete: bool
) -> Sequence[Any]:
    """Never split one chat's rows of one instant (one message) between two batches.

    ``rows`` are the first unclaimed due rows in index order (due instant, chat, id),
    so one chat's rows of one instant are next to each other, and unless ``rows`` are
    all due rows (``complete``), only the last group can have more. It is left for the
    next batch, which starts with it; if it is the batch's only group, its remaining
    rows are added instead, so a very large group is not stuck.
    """
    if complete or not rows:
        return rows
    last = rows[-1]
    group = (last.next_attempt_at, last.subscriber_id)
    kept = [row for row in rows if (row.next_attempt_at, row.subscriber_id) != group]
    if kept:
        return kept
    return [*rows, *conn.execute(_REST_OF_GROUP, {
        "now": now, "at": last.next_attempt_at, "owner": last.subscriber_id,
        "after": last.id}).all()]


def _claimed(rows: Sequence[Any]) -> list[ClaimedReminder]:
    """Convert loaded rows, avoiding per-row work that adds up over a batch.

    One Recipient per chat, kinds from a dict.
    """
    recipients: dict[int, Recipient] = {}
    found = []
    for (row_id, owner, kind, text, occurs_on, step, lead_days, due_at, attempt,
         dedupe_key, transport, chat_id) in rows:
        recipient = recipients.get(owner)
        if recipient is None:
            recipient = recipients[owner] = Recipient(transport, chat_id)
        found.append(ClaimedReminder(
            id=row_id, recipient=recipient, subscriber_id=owner, kind=_KINDS[kind],
            text=text, occurs_on=occurs_on, step=step, lead_days=lead_days, due_at=due_at,
            attempts=attempt, dedupe_key=dedupe_key))
    return found


def _finish_values(row_id: int, outcome: Outcome) -> tuple[Any, ...]:
    """Return the values of one row's outcome, in the order of ``_FINISH_ARRAYS``."""
    error = outcome.error[:_ERROR_CHARS] if outcome.error else None
    return (row_id, outcome.state.value, outcome.sent_at, outcome.late, outcome.retry_at,
            error, int(outcome.counted))


def _array(name: str, item: Any) -> Any:
    return bindparam(name, type_=postgresql.ARRAY(item))


def _int_array_param(name: str) -> Any:
    return cast(bindparam(name, type_=String()), postgresql.ARRAY(Integer))


# The statements are built once: building SQLAlchemy expressions per claim cost more than
# running some of them.
_KINDS = {kind.value: kind for kind in ReminderKind}
_ANY_EXPIRED = select(exists().where(
    C.c.claimed_at <= bindparam("expired", type_=UtcDateTime())))
# The advisory lock serialises claims (see the module docstring). Claims do not wait for
# the WAL flush: a server crash may lose the last claims, whose rows are then claimed
# again, a repeat that at-least-once delivery allows. Whether the expiry check runs
# before or after the lock does not matter: a lease that expires meanwhile is taken
# over by the next claim, and a take-over that finds nothing does nothing.
_START_PG = select(_ANY_EXPIRED.scalar_subquery(), func.pg_advisory_xact_lock(_LOCK_KEY),
                   func.set_config("synchronous_commit", "off", True))
_TAKE_OVER = update(C).where(C.c.reminder_id.in_(
    select(C.c.reminder_id).where(C.c.claimed_at <= bindparam("expired", type_=UtcDateTime()))
    .order_by(C.c.claimed_at, C.c.reminder_id).limit(bindparam("limit")).scalar_subquery(),
)).values(worker=bindparam("worker"), claimed_at=bindparam("now", type_=UtcDateTime()),
          takeovers=C.c.takeovers + 1).returning(C.c.reminder_id)
_IN_FLIGHT = select(C.c.reminder_id)
_DUE = (R.c.state == State.PENDING, R.c.next_attempt_at <= bindparam("now", type_=UtcDateTime()))
# Only columns of ix_reminder_state_next, in its order: the claim reads the index alone
# and sorts nothing.
_DUE_KEYS = select(type_coerce(R.c.next_attempt_at, AsStored()).label("next_attempt_at"),
                   R.c.subscriber_id, R.c.id).where(*_DUE)
_FIRST_DUE = _DUE_KEYS.order_by(*_ORDER).limit(bindparam("limit"))
_REST_OF_GROUP = _DUE_KEYS.where(  # rare: a group larger than a batch
    unclaimed(), R.c.next_attempt_at == bindparam("at", type_=AsStored()),
    R.c.subscriber_id == bindparam("owner"), R.c.id > bindparam("after")).order_by(*_ORDER)
_INSERT_CLAIMS_PG = insert(C).from_select(
    ["reminder_id", "worker", "claimed_at", "takeovers"],
    select(func.unnest(_int_array_param("ids")), bindparam("worker", type_=String()),
           bindparam("now", type_=UtcDateTime()), literal(0)))
_INSERT_CLAIMS_SQLITE = (
    "INSERT INTO reminder_claim (reminder_id, worker, claimed_at, takeovers) VALUES (?, ?, ?, 0)")
_LOAD_ANY = (select(R.c.id, R.c.subscriber_id, R.c.kind, R.c.text,
                    type_coerce(R.c.occurs_on, IsoDate()), R.c.step,
                    R.c.lead_days, R.c.due_at, R.c.attempts + 1 + C.c.takeovers,
                    R.c.dedupe_key, S.c.transport, S.c.chat_id)
             .join_from(R, S, S.c.id == R.c.subscriber_id).join(C, C.c.reminder_id == R.c.id)
             .where(C.c.worker == bindparam("worker")))
_LOAD = _LOAD_ANY.where(R.c.id.in_(bindparam("ids", expanding=True)))
_LOAD_PG = _LOAD_ANY.where(R.c.id == any_(_int_array_param("ids")))
# One statement for every kind of outcome, however the outcomes of a group commit are
# mixed. Each one counts as a finished attempt, take-overs included, unless the outcome
# says it was no attempt (a transport this bot does not run, see RoutingSender).
_FINISH_SQLITE = (
    "UPDATE reminder SET state = ?, sent_at = ?, late = ?, "
    "next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error), "
    "attempts = attempts + ? + "
    "(SELECT takeovers FROM reminder_claim WHERE reminder_id = reminder.id) "
    "WHERE id = ? AND state = 'pending' AND EXISTS (SELECT 1 FROM reminder_claim "
    "WHERE reminder_id = reminder.id AND worker = ?)"
)
_RELEASE_SQLITE = "DELETE FROM reminder_claim WHERE reminder_id = ? AND worker = ?"
_FINISH_ARRAYS = {"row_id": Integer(), "new_state": String(), "sent_at": TIMESTAMP(True),
                  "late": Boolean(), "retry_at": TIMESTAMP(True), "error": String(),
                  "counted": Integer()}
_OUTCOMES = select(*(func.unnest(_array(name, item)).label(name)
                     for name, item in _FINISH_ARRAYS.items())).subquery("outcome")
_FINISH_PG = update(R).where(
    R.c.id == _OUTCOMES.c.row_id, R.c.state == State.PENDING,
    C.c.reminder_id == R.c.id, C.c.worker == bindparam("worker"),
).values(
    state=_OUTCOMES.c.new_state, sent_at=_OUTCOMES.c.sent_at, late=_OUTCOMES.c.late,
    next_attempt_at=func.coalesce(_OUTCOMES.c.retry_at, R.c.next_attempt_at),
    last_error=func.coalesce(_OUTCOMES.c.error, R.c.last_error),
    attempts=R.c.attempts + _OUTCOMES.c.counted + C.c.takeovers,
)
_RELEASE_PG = delete(C).where(C.c.reminder_id == any_(_int_array_param("ids")),
                              C.c.worker == bindparam("worker"))
