"""``foerderlotse db …``: database migrations."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.cli.common import settings_of
from bot.storage import (
    create_db_engine,
    database_url,
    tables,  # noqa: F401 - registers the tables in SQLModel.metadata
    upgrade,
)
from bot.storage.migrate import current_revision, head_revision

STATUS_BUSY_SECONDS = 2.0


def register(commands: Any) -> None:
    """Add ``db upgrade`` and ``db status``."""
    db = commands.add_parser("db", help="Datenbank einrichten und aktualisieren")
    sub = db.add_subparsers(dest="db_command", metavar="BEFEHL", required=True)
    sub.add_parser("upgrade", help="Schema auf den neuesten Stand bringen").set_defaults(
        run=run_upgrade)
    sub.add_parser("status", help="Schema-Stand anzeigen").set_defaults(run=run_status)


def _url(args: argparse.Namespace) -> str:
    settings = settings_of(args)
    return database_url(settings.data_dir, settings.database_url)


def run_upgrade(args: argparse.Namespace) -> int:
    """Migrate the configured database to the newest revision."""
    upgrade(_url(args))
    print(f"Datenbank ist auf dem neuesten Stand ({head_revision()}).")
    return 0


def run_status(args: argparse.Namespace) -> int:
    """Print the revision and the health of the database; exit 1 when outdated or damaged."""
    # A locked file is a finding, not a reason to hang for the bot's 30 s busy timeout.
    engine = create_db_engine(_url(args), busy_seconds=STATUS_BUSY_SECONDS)
    try:
        current = current_revision(engine)
        damage = problems(engine) if current else []
    finally:
        engine.dispose()
    head = head_revision()
    print(f"Datenbank: {current or 'leer'}, neueste Revision: {head}")
    for problem in damage:
        print(f"Fehler: {problem}")
    return 0 if current == head and not damage else 1


def problems(engine: Engine) -> list[str]:
    """Return what is wrong with the data: missing tables, and on SQLite damaged pages."""
    found = [f"Tabelle „{name}“ fehlt – Sicherung zurückspielen oder „foerderlotse db "
             "upgrade“ auf einer leeren Datenbank" for name in sorted(
                 set(SQLModel.metadata.tables) - set(inspect(engine).get_table_names()))]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check")]
        if verdict != ["ok"]:
            found.append("Die SQLite-Datei ist beschädigt (PRAGMA quick_check: "
                         f"{'; '.join(map(str, verdict[:3]))}) – bitte die Sicherung zurückspielen")
    return found
