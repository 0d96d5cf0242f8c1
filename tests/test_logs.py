"""The log never shows a token, a password or what users wrote; the bot's files stay private."""

from __future__ import annotations

import io
import logging
import os
import stat
from pathlib import Path

import pytest

from bot import logs
from bot.settings import Settings
from bot.storage.database import database_url
from bot.storage.private import private_tree

TELEGRAM = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
MATRIX = "syt_Zm9lcmRlcmxvdHNl_RrKyWmHbSxXoQpLkJhGf_2aZx9Q"


@pytest.mark.parametrize(("text", "secret"), [
    (f"The token `{TELEGRAM}` was rejected by the server", TELEGRAM),
    (f"GET https://api.telegram.org/bot{TELEGRAM}/getMe", TELEGRAM),
    (f"Authorization: Bearer {MATRIX}", MATRIX),
    (f"?access_token={MATRIX}&since=s72", MATRIX),
    ("postgresql://postgres:pw-0815-geheim@db:5432/bot", "pw-0815-geheim"),
    ('{"type": "m.login.password", "password": "hunter2-xyz"}', "hunter2-xyz"),
    ("login with pw-0815-geheim failed", "pw-0815-geheim"),
])
def test_secrets_are_hidden_by_value_and_by_shape(captured: io.StringIO, text: str,
                                                   secret: str) -> None:
    logging.getLogger("bot.test").warning("%s", text)
    assert secret not in captured.getvalue()
    assert logs.HIDDEN in captured.getvalue()


def test_a_secret_in_an_exception_and_its_traceback_is_hidden(captured: io.StringIO) -> None:
    try:
        raise RuntimeError(f"The token `{TELEGRAM}` was rejected by the server")
    except RuntimeError:
        logging.getLogger("bot.test").exception("Start failed")
    log = captured.getvalue()
    assert "Traceback" in log
    assert TELEGRAM not in log


def test_libraries_that_log_message_bodies_stay_quiet_at_debug(captured: io.StringIO) -> None:
    logging.getLogger("nio.client").debug("Sending {'body': 'Geheimfrage'}")
    logging.getLogger("telegram.ext").debug("Update text Geheimfrage")
    logging.getLogger("bot.dialogue.core").debug("kept")
    log = captured.getvalue()
    assert "Geheimfrage" not in log
    assert "kept" in log


def test_a_message_is_described_by_length_and_hash() -> None:
    described = logs.fingerprint("Wie viel gibt es beim Heimat-Scheck?")
    assert described.startswith("36 Zeichen, sha256 ")
    assert "Heimat" not in described


def test_settings_name_their_secrets() -> None:
    settings = Settings.from_env({
        "FOERDERLOTSE_TELEGRAM_TOKEN": TELEGRAM, "FOERDERLOTSE_MATRIX_PASSWORD": "pw-matrix",
        "FOERDERLOTSE_DATABASE_URL": "postgresql://bot:pw-db@localhost/bot"})
    assert set(settings.secrets()) == {TELEGRAM, "pw-matrix", "pw-db"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_folder_and_database_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        folder = tmp_path / "daten"
        url = database_url(folder)
    finally:
        os.umask(old)
    assert mode(folder) == 0o700
    assert mode(Path(url.removeprefix("sqlite:///"))) == 0o600


def test_an_existing_lax_folder_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "matrix"
    folder.mkdir(mode=0o755)
    (folder / "store.db").write_text("x")
    (folder / "store.db").chmod(0o644)
    private_tree(folder)
    assert mode(folder) == 0o700
    assert mode(folder / "store.db") == 0o600
