"""Bulk writes and reads of a re-plan: the planner moves hundreds of thousands of rows.

PostgreSQL gets COPY into a temporary table and one ``INSERT … SELECT … ON CONFLICT DO
NOTHING``; SQLite one raw executemany with a large page cache. Existing keys are read
through the driver's own cursor, which is seconds faster than SQLAlchemy rows at this size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Date, MetaData, Table, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from bot.storage.records import ReminderKind, State
from bot.storage.tables import Reminder, UtcDateTime

R: Table = Reminder.__table__  # type: ignore[attr-defined]
FETCH_ROWS = 10_000
# Page cache (KiB, negative as SQLite wants it) during a bulk insert; the default 2 MB
# thrashes once the indexes of a million-row outbox no longer fit.
_SQLITE_BULK_CACHE = -256 * 1024

DeadlineRow = tuple[str, int, str, str, dt.date, str | None, int, dt.datetime]
"""A new deadline row: dedupe_key, subscriber_id, programme_id, text, occurs_on, step,
lead_days, due_at (the order of :data:`DEADLINE_COLUMNS`)."""
DEADLINE_COLUMNS = ("dedupe_key", "subscriber_id", "programme_id", "text", "occurs_on", "step",
                    "lead_days", "due_at")

# COPY target of a PostgreSQL re-plan; dropped at commit.
_NEW = Table(
    "new_deadline", MetaData(),
    *(Column(name, R.c[name].type) for name in DEADLINE_COLUMNS),
    prefixes=["TEMPORARY"], postgresql_on_commit="DROP",
)
_SQLITE_INSERT = (
    "INSERT INTO reminder (dedupe_key, subscriber_id, programme_id, text, occurs_on, step, "
    "lead_days, due_at, next_attempt_at, kind, state, attempts, late, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT (dedupe_key) DO NOTHING"
)
_KEYS_SQL = ("SELECT dedupe_key, id, state, programme_id FROM reminder "
             "WHERE kind = ? AND occurs_on >= ?")
def insert_deadlines(conn: Connection, rows: Sequence[DeadlineRow], now: dt.datetime) -> None:
    """Insert new pending deadline rows in bulk, skipping existing ``dedupe_key`` values."""
    if not rows:
        return
    # In key order, the unique index grows at a few places instead of on random pages
    # (keys start with the subscriber id, so its index profits too).
    rows = sorted(rows, key=itemgetter(0))
    if conn.dialect.name == "postgresql":
        _copy_and_insert(conn, rows, now)
        return
    day, instant = sqlite_converter(conn, Date()), sqlite_converter(conn, UtcDateTime())
    created, kind, state = instant(now), str(ReminderKind.DEADLINE), str(State.PENDING)
    (cache_pages,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    conn.exec_driver_sql(f"PRAGMA cache_size = {_SQLITE_BULK_CACHE}")
    try:
        conn.exec_driver_sql(_SQLITE_INSERT, [
            (key, owner, programme, text, day(occurs_on), step, lead, instant(due_at),
             instant(due_at), kind, state, created)
            for key, owner, programme, text, occurs_on, step, lead, due_at in rows
        ])
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_pages)}")


def _copy_and_insert(conn: Connection, rows: Sequence[DeadlineRow], now: dt.datetime) -> None:
    _NEW.create(conn)
    driver = conn.connection.driver_connection  # psycopg, inside this transaction
    with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
            "COPY new_deadline FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    values = select(*_NEW.c, _NEW.c.due_at, literal(ReminderKind.DEADLINE),
                    literal(State.PENDING), literal(0), literal(False),
                    literal(now, UtcDateTime()))
    conn.execute(
        postgresql.insert(R).from_select(
            [*DEADLINE_COLUMNS, "next_attempt_at", "kind", "state", "attempts", "late",
             "created_at"], values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"]))


def sqlite_converter(conn: Connection, type_: Any) -> Callable[[Any], Any]:
    """Return a memoised bind conversion: few distinct instants, many rows."""
    process = type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in cache:
            cache[value] = value if process is None else process(value)
        return cache[value]

    return convert


def all_deadline_keys(conn: Connection, today: dt.date) -> Iterator[tuple[Any, ...]]:
    """Stream (dedupe_key, id, state, programme_id) through the driver's own cursor.

    A million SQLAlchemy rows cost seconds more than the plain tuples of the driver.
    """
    params: tuple[Any, ...]
    if conn.dialect.name == "postgresql":
        sql, params = _KEYS_SQL.replace("?", "%s"), (str(ReminderKind.DEADLINE), today)
    else:
        sql, params = _KEYS_SQL, (str(ReminderKind.DEADLINE), today.isoformat())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        while block := cursor.fetchmany(FETCH_ROWS):
            yield from block
    finally:
        cursor.close()


