"""Migrations and tables agree; upgrades keep data; an outdated schema stops the bot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from bot.errors import ConfigError
from bot.storage.database import create_db_engine, database_url
from bot.storage.migrate import check_schema, head_revision, migrations_dir, upgrade
from bot.storage.tables import metadata
from bot.storage.testing import temporary_postgres_database

CREATED = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_models_and_migrations_agree(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_check_schema_accepts_head(db_engine: Engine) -> None:
    check_schema(db_engine)


def test_check_schema_names_the_upgrade_command(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with pytest.raises(ConfigError, match="foerderlotse db upgrade"):
        check_schema(engine)
    upgrade(engine, "0001")
    with pytest.raises(ConfigError, match=r"veraltet \(0001, benötigt"):
        check_schema(engine)
    upgrade(engine)
    check_schema(engine)
    engine.dispose()


def test_check_schema_refuses_unknown_revision(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(ConfigError, match="ffff"):
        check_schema(engine)
    engine.dispose()


def _upgrade_keeps_rows(url: str) -> None:
    engine = create_db_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as conn:  # the tables as revision 0001 created them
        old = MetaData()
        old.reflect(conn)
        conn.execute(old.tables["subscriber"].insert().values(
            id=1, transport="telegram", chat_id="42", active=True, created_at=CREATED))
        conn.execute(old.tables["subscription"].insert().values(
            subscriber_id=1, target_kind="topic", target="Heimat", lead_days="28,7,1",
            send_time="09:00", created_at=CREATED))
    upgrade(engine)
    with engine.begin() as conn:
        row = conn.execute(text(
            "SELECT s.chat_id, u.target, u.lead_days FROM subscriber s "
            "JOIN subscription u ON u.subscriber_id = s.id")).one()
        assert tuple(row) == ("42", "Heimat", "28,7,1")
        assert conn.execute(text("SELECT count(*) FROM reminder")).scalar() == 0
    check_schema(engine)
    engine.dispose()


def test_upgrading_a_first_revision_sqlite_file_keeps_its_data(tmp_path: Path) -> None:
    _upgrade_keeps_rows(f"sqlite:///{tmp_path / 'rev1.db'}")


def test_upgrading_a_first_revision_postgresql_database_keeps_its_data(
    postgres_admin: str,
) -> None:
    with temporary_postgres_database(postgres_admin) as url:
        _upgrade_keeps_rows(url)


def test_created_at_comes_back_aware_utc(db_engine: Engine) -> None:
    upgrade(db_engine, "0001")  # already at head: a no-op, and must stay one
    with db_engine.begin() as conn:
        conn.execute(metadata.tables["subscriber"].insert().values(
            transport="matrix", chat_id="!r:x", active=True,
            created_at=dt.datetime(2027, 3, 28, 3, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))))
        value = conn.execute(metadata.tables["subscriber"].select()).one().created_at
    assert value == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)
    assert value.tzinfo == dt.UTC


def test_database_url(tmp_path: Path) -> None:
    assert database_url(tmp_path / "data") == f"sqlite:///{tmp_path / 'data' / 'foerderlotse.db'}"
    assert (tmp_path / "data").is_dir()
    assert database_url(tmp_path, "postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(tmp_path, "postgres://h/db") == "postgresql+psycopg://h/db"
    with pytest.raises(ConfigError, match="mysql"):
        database_url(tmp_path, "mysql://h/db")


def test_migrations_are_found_and_have_one_head() -> None:
    assert (migrations_dir() / "env.py").is_file()
    assert head_revision() == "0008"


def _upgrade_keeps_a_lease(url: str) -> None:
    """0005 moves a row being sent into reminder_claim, with its worker and lease."""
    engine = create_db_engine(url)
    upgrade(engine, "0004")
    claimed = CREATED + dt.timedelta(minutes=1)
    with engine.begin() as conn:
        old = MetaData()
        old.reflect(conn)
        conn.execute(old.tables["subscriber"].insert().values(
            id=1, transport="telegram", chat_id="42", active=True, created_at=CREATED))
        common = {"subscriber_id": 1, "kind": "deadline", "text": "Heimat-Scheck",
                  "lead_days": 7, "due_at": CREATED, "next_attempt_at": CREATED,
                  "late": False, "created_at": CREATED, "claimed_by": None,
                  "claimed_at": None, "sent_at": None}
        conn.execute(old.tables["reminder"].insert(), [
            {**common, "id": 1, "dedupe_key": "a", "state": "sending", "attempts": 2,
             "claimed_by": "w1", "claimed_at": claimed},
            {**common, "id": 2, "dedupe_key": "b", "state": "sent", "attempts": 1,
             "sent_at": claimed},
        ])
    upgrade(engine)
    with engine.begin() as conn:
        states = conn.execute(text("SELECT id, state FROM reminder ORDER BY id")).all()
        claims = conn.execute(text(
            "SELECT reminder_id, worker, takeovers FROM reminder_claim")).all()
        attempts = conn.execute(text("SELECT attempts FROM reminder WHERE id = 1")).scalar()
    assert [tuple(row) for row in states] == [(1, "pending"), (2, "sent")]
    assert [tuple(row) for row in claims] == [(1, "w1", 0)]
    assert attempts == 1  # the second attempt is running; it counts once it finishes
    engine.dispose()


def test_upgrade_to_claim_table_keeps_leases_in_sqlite(tmp_path: Path) -> None:
    _upgrade_keeps_a_lease(f"sqlite:///{tmp_path / 'rev4.db'}")


def test_upgrade_to_claim_table_keeps_leases_in_postgresql(postgres_admin: str) -> None:
    with temporary_postgres_database(postgres_admin) as url:
        _upgrade_keeps_a_lease(url)
