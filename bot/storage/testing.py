"""Helpers for tests that need a real database (SQLite file or throw-away PostgreSQL).

They live in the package, not in a conftest, so every test folder (and the benchmark)
can share them without importing one conftest from another.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.database import create_db_engine
from bot.storage.migrate import upgrade
from bot.storage.tables import metadata

ADMIN_URL_VARIABLE = "FOERDERLOTSE_TEST_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    """Return the URL of a PostgreSQL database in which we may create databases."""
    return os.environ.get(ADMIN_URL_VARIABLE, DEFAULT_ADMIN_URL)


def postgres_problem(admin_url: str) -> str | None:
    """Return why PostgreSQL cannot be used for tests, or None when it can."""
    engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return f"PostgreSQL unter {make_url(admin_url).render_as_string()} nicht erreichbar: " \
               f"{type(error).__name__}"
    finally:
        engine.dispose()
    return None


@contextmanager
def temporary_postgres_database(admin_url: str) -> Iterator[str]:
    """Create an empty database named ``foerderlotse_test_…``; drop it afterwards."""
    name = f"foerderlotse_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_template(folder: Path) -> Path:
    """Create an SQLite file migrated to head, to be copied per test (faster than migrating)."""
    path = folder / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """Copy the template into ``folder`` and return its URL."""
    path = folder / "test.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def empty_tables(engine: Engine) -> None:
    """Delete all rows (PostgreSQL: TRUNCATE, which also resets the id sequences)."""
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
