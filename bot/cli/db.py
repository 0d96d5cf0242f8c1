"""``foerderlotse db …``: database migrations."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import settings_of
from bot.storage import create_db_engine, database_url, upgrade
from bot.storage.migrate import current_revision, head_revision


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
    """Print the database's revision and the newest one; exit 1 when outdated."""
    engine = create_db_engine(_url(args))
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    print(f"Datenbank: {current or 'leer'}, neueste Revision: {head}")
    return 0 if current == head else 1
