"""Database URLs and engines for SQLite (default) and PostgreSQL.

Database access is synchronous SQLAlchemy with short transactions. Async code calls
repositories through :func:`asyncio.to_thread`, so a slow disk or network never blocks
the event loop, and the repositories stay plain, easily tested functions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import ConfigError
from bot.storage.private import private_dir, private_file

logger = logging.getLogger(__name__)

DEFAULT_FILE = "foerderlotse.db"
# Wait this long for another process's SQLite write lock instead of failing at once.
_SQLITE_BUSY_SECONDS = 30


POSTGRES_CONNECT_SECONDS = 5


def database_url(data_dir: Path, url: str | None = None) -> str:
    """Return the SQLAlchemy URL to use.

    Args:
        data_dir: Folder for the default SQLite file (created if missing).
        url: An explicit URL; ``postgresql://`` and ``postgres://`` are mapped to the
            psycopg 3 driver, which is the one we install.

    Raises:
        ConfigError: The URL names a database we do not support.

    """
    if not url:
        # Chat ids and subscriptions: readable by the bot's user only. SQLite gives its
        # -wal and -shm files the database file's mode.
        private_dir(data_dir)
        return f"sqlite:///{private_file(data_dir / DEFAULT_FILE).resolve()}"
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError("FOERDERLOTSE_DATABASE_URL ist keine gültige Adresse – erwartet z. B. "
                          "postgresql://nutzer@host/datenbank") from None
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    backend = url.split(":", 1)[0]
    if backend not in ("sqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"Datenbank-URL „{backend}:…“ wird nicht unterstützt – bitte sqlite:/// oder "
            "postgresql:// verwenden"
        )
    return url


def create_db_engine(url: str, busy_seconds: float = _SQLITE_BUSY_SECONDS,
                     **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and immediate write transactions.

    ``busy_seconds`` is how long SQLite waits for another program's lock: long for the bot,
    short for a diagnostic such as ``db status`` that should say "gesperrt" quickly.
    """
    if make_url(url).get_backend_name() != "sqlite":
        # Without a connect timeout a server behind a dropping firewall hangs a caller for
        # minutes; with one, the caller learns within seconds that the database is away.
        connect_args = {"connect_timeout": POSTGRES_CONNECT_SECONDS, **kwargs.pop(
            "connect_args", {})}
        return create_engine(url, pool_pre_ping=True, pool_timeout=POSTGRES_CONNECT_SECONDS,
                             connect_args=connect_args, **kwargs)
    engine = create_engine(
        url, connect_args={"timeout": busy_seconds, "check_same_thread": False},
        **kwargs,
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE needs it
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    # SQLite's default 2 MB page cache holds little of a large outbox's indexes; 64 MB
    # keeps the hot index pages in memory so a claim does not re-read them from the OS.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front. A deferred transaction that reads,
    # then writes, can fail with "database is locked" without waiting for the busy
    # timeout when two processes (or two engines) sweep the same file.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_ignoring(conn: Connection, table: Table, *keys: str) -> SqliteInsert:
    """Return an INSERT that skips rows whose ``keys`` exist already, on either backend.

    (PostgreSQL's and SQLite's ``ON CONFLICT DO NOTHING`` are separate constructs in
    SQLAlchemy; their interfaces are the same.)
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: SqliteInsert = dialect.insert(table).on_conflict_do_nothing(
        index_elements=list(keys))
    return statement
