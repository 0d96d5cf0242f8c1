"""Schema migrations with Alembic, configured from code (there is no ``alembic.ini``).

The bot refuses to start on a database that is not at the newest revision:
:func:`check_schema` raises a :class:`~bot.errors.ConfigError` telling the operator to run
``foerderlotse db upgrade``. Upgrading silently at start-up would be convenient, but a
migration can take long or fail half-way on a big PostgreSQL database, and when two bot
processes share a database both would race to migrate. An explicit, separate step is
predictable and easy to put into a deploy script or a container entrypoint.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from bot.errors import ConfigError
from bot.storage.database import create_db_engine

logger = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # .../bot


def migrations_dir() -> Path:
    """Find the migrations: inside an installed wheel, else in the source checkout.

    The wheel force-includes the top-level ``migrations/`` as ``bot/_migrations``.
    """
    for candidate in (_PACKAGE_DIR / "_migrations", _PACKAGE_DIR.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise ConfigError("Die Datenbank-Migrationen wurden nicht gefunden (migrations/env.py)")


def alembic_config(engine: Engine | None = None) -> Config:
    """Build an Alembic config; ``engine`` is handed to ``env.py`` directly."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # Passing the engine instead of a URL avoids configparser's %-interpolation of
    # passwords and keeps the SQLite pragmas of create_db_engine.
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """Return the newest revision id shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise ConfigError("Keine Datenbank-Migrationen vorhanden")
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest)."""
    with _engine(url_or_engine) as engine:
        logger.info("Migrating database %s to %s", engine.url.render_as_string(), revision)
        command.upgrade(alembic_config(engine), revision)


def check_schema(url_or_engine: str | Engine) -> None:
    """Raise unless the database is at the newest revision.

    Raises:
        ConfigError: The schema is missing, outdated or newer than this code.

    """
    with _engine(url_or_engine) as engine:
        current, head = current_revision(engine), head_revision()
    if current == head:
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise ConfigError(
            f"Die Datenbank hat die Revision {current}, die diese Version nicht kennt – "
            "ist eine neuere Version des Bots installiert gewesen?"
        )
    raise ConfigError(
        f"Das Datenbankschema ist veraltet ({current or 'leer'}, benötigt {head}). "
        "Bitte zuerst `foerderlotse db upgrade` ausführen."
    )


def make_revision(url_or_engine: str | Engine, message: str) -> None:
    """Autogenerate a new migration from the tables (developer tool)."""
    with _engine(url_or_engine) as engine:
        command.revision(alembic_config(engine), message=message, autogenerate=True)


@contextmanager
def _engine(url_or_engine: str | Engine) -> Iterator[Engine]:
    """Use the given engine, or one made from the URL and disposed of afterwards."""
    if isinstance(url_or_engine, Engine):
        yield url_or_engine
        return
    engine = create_db_engine(url_or_engine)
    try:
        yield engine
    finally:
        engine.dispose()
