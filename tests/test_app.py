"""Start-up wiring: the schema policy per database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import open_storage
from bot.clock import FixedClock
from bot.errors import ConfigError
from bot.settings import Settings
from bot.storage import database_url
from bot.storage.migrate import head_revision, upgrade
from bot.storage.testing import temporary_postgres_database


def test_embedded_sqlite_upgrades_itself(tmp_path: Path, clock: FixedClock) -> None:
    storage = open_storage(Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(tmp_path)}), clock)
    storage.close()
    assert (tmp_path / "foerderlotse.db").exists()


def test_postgresql_on_an_old_schema_refuses_and_names_the_command(
        postgres_admin: str, tmp_path: Path, clock: FixedClock) -> None:
    with temporary_postgres_database(postgres_admin) as url:
        settings = Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(tmp_path),
                                      "FOERDERLOTSE_DATABASE_URL": url})
        with pytest.raises(ConfigError, match="foerderlotse db upgrade"):
            open_storage(settings, clock)
        upgrade(url, "0001")
        with pytest.raises(ConfigError, match=r"veraltet \(0001, benötigt "):
            open_storage(settings, clock)
        upgrade(url)
        storage = open_storage(settings, clock)
        storage.close()
        assert head_revision() == "0008"


def test_plain_postgresql_urls_use_psycopg3(tmp_path: Path) -> None:
    assert database_url(tmp_path, "postgresql://u@h/db") == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("value", ["inf", "nan", "-3", "0", "1e400", "viele"])
def test_a_setting_out_of_range_gets_a_clear_message(value: str) -> None:
    with pytest.raises(ConfigError, match="FOERDERLOTSE_QUESTION_RETENTION_DAYS"):
        Settings.from_env({"FOERDERLOTSE_QUESTION_RETENTION_DAYS": value})


def test_coordinators_may_be_tied_to_kreise() -> None:
    settings = Settings.from_env({"FOERDERLOTSE_COORDINATORS": (
        "matrix:@anna:kreis-hoexter.de=kreis-hoexter, telegram:12345, "
        "matrix:@ben:kreis-lippe.de=kreis-lippe+kreis-herford")})
    anna, anyone, ben = settings.coordinators
    assert (anna.transport, anna.chat, anna.kreise) == (
        "matrix", "@anna:kreis-hoexter.de", ("kreis-hoexter",))
    assert anyone.kreise == ()
    assert anyone.covers({"kreis-borken"})
    assert ben.covers({"kreis-herford", "rb-detmold"})
    assert not ben.covers({"kreis-hoexter"})


@pytest.mark.parametrize("value", ["telegram", "Matrix:@a:b", "telegram:1=Kreis Höxter"])
def test_a_malformed_coordinator_gets_a_clear_message(value: str) -> None:
    with pytest.raises(ConfigError, match="FOERDERLOTSE_COORDINATORS"):
        Settings.from_env({"FOERDERLOTSE_COORDINATORS": value})


def test_the_handoff_reminder_age_is_a_setting() -> None:
    assert Settings.from_env({}).handoff_remind_days == 7
    assert Settings.from_env({"FOERDERLOTSE_HANDOFF_REMIND_DAYS": "14"}).handoff_remind_days == 14
    for value in ("0", "-1", "viele", "inf", "400"):
        with pytest.raises(ConfigError, match="FOERDERLOTSE_HANDOFF_REMIND_DAYS"):
            Settings.from_env({"FOERDERLOTSE_HANDOFF_REMIND_DAYS": value})
