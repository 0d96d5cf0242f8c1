"""Database fixtures shared by every test that needs one: each runs on SQLite and PostgreSQL.

PostgreSQL gets one throw-away database per test session. Unreachable PostgreSQL
skips those tests locally and fails the run under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.storage.database import create_db_engine
from bot.storage.migrate import upgrade
from bot.storage.testing import (
    empty_tables,
    postgres_admin_url,
    postgres_problem,
    sqlite_copy,
    sqlite_template,
    temporary_postgres_database,
)


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The admin URL; skips (or fails on CI) when PostgreSQL is unreachable."""
    admin = postgres_admin_url()
    problem = postgres_problem(admin)
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return admin


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """A throw-away database for this test session, migrated to head."""
    with temporary_postgres_database(postgres_admin) as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database at head, on each backend."""
    if request.param == "sqlite":
        return sqlite_copy(request.getfixturevalue("sqlite_template_file"), tmp_path)
    url: str = request.getfixturevalue("postgres_url")
    engine = create_db_engine(url)
    empty_tables(engine)
    engine.dispose()
    return url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()
