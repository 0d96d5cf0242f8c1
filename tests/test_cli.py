"""The command line as users and scripts call it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot import settings as settings_module
from bot.app import open_storage
from bot.cli import main
from bot.clock import SystemClock
from bot.dialogue.smalltalk import BYE_REPLY, GREETING_REPLY, THANKS_REPLY
from bot.settings import Settings
from bot.storage import LoggedQuestion, Recipient, create_db_engine, database_url
from bot.storage.handoff import Outgoing
from bot.storage.testing import temporary_postgres_database
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, stdin: str = "", cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot`` in a subprocess, as a user would."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=cwd or ROOT, env=environment, timeout=120,
                          check=False)


def test_ask_json_is_the_stable_machine_interface(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "wie viel gibt's beim heimatscheck?"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"status", "matches", "text"}
    assert result["status"] == "answer"
    best = result["matches"][0]
    assert best == {"id": "heimat-scheck", "kind": "programm", "title": "Heimat-Scheck",
                    "score": best["score"]}
    scores = [m["score"] for m in result["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert result["text"].startswith("Heimat-Scheck – Förderung: 2.000 €")


def test_ask_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "--json", "Personalausweis verlängern"])
    assert json.loads(capsys.readouterr().out)["status"] == "unknown"


def test_batch_prints_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "fragen.txt"
    questions.write_text("Heimatscheck?\n\nWann wird der Müll abgeholt?\nförderung\n",
                         encoding="utf-8")
    assert main(["ask", "--batch", str(questions)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["answer", "unknown", "choices"]


def test_piped_chat_from_any_directory(tmp_path: Path) -> None:
    result = run_cli("chat", stdin="Heimatscheck?\nwer hilft mir in Brakel?\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Heimat-Scheck\n")
    assert "Für Brakel ist zuständig:" in result.stdout


def test_knowledge_can_be_replaced_by_option_and_variable(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    main(["ask", "--json", "--knowledge", str(DATA / "mini"), "testscheck"])
    assert json.loads(capsys.readouterr().out)["matches"][0]["id"] == "test-scheck"
    monkeypatch.setenv("FOERDERLOTSE_KNOWLEDGE_DIR", str(DATA / "mini"))
    main(["ask", "--json", "testscheck"])
    assert json.loads(capsys.readouterr().out)["matches"][0]["id"] == "test-scheck"


def test_broken_knowledge_refuses_to_start_and_lists_problems() -> None:
    result = run_cli("ask", "Heimatscheck?", "--knowledge", str(DATA / "broken"))
    assert result.returncode == 1
    assert "broken/tab.yaml:6: Tabulator" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_check_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", str(DATA / "mini")]) == 0
    assert "3 Datei(en) geprüft: in Ordnung." in capsys.readouterr().out
    assert main(["kb", "check", str(DATA / "broken"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {"file": "broken/future.yaml", "line": 6,
            "message": "„verified_on“ liegt in der Zukunft (01.01.2030)"} in report["problems"]


def test_kb_schema_is_json_schema_with_all_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    kinds = {d for d in schema["discriminator"]["mapping"]}
    assert kinds == {"programm", "kontakt", "begriff", "regionen", "synonyme", "ausserhalb",
                     "fragen"}


def test_wheel_ships_the_knowledge(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d",
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=300, check=False)
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("foerderlotse-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "bot/_shipped_knowledge/programme/heimat-scheck.yaml" in names
    assert "bot/cli/__init__.py" in names
    assert "bot/_migrations/env.py" in names


def test_console_chat_keeps_subscriptions_in_sqlite(tmp_path: Path) -> None:
    env = {"FOERDERLOTSE_DATA_DIR": str(tmp_path)}
    first = run_cli("chat", stdin="/abo Heimat-Scheck\n", env=env)
    assert first.stdout.startswith("Abo gespeichert: Heimat-Scheck."), first.stderr
    again = run_cli("chat", stdin="/abos\n", env=env)
    assert again.stdout.startswith("Ihre Abos:\n• Heimat-Scheck")
    assert (tmp_path / "foerderlotse.db").exists()


def test_db_upgrade_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status"]) == 1
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "status"]) == 0
    assert "neueste Revision" in capsys.readouterr().out


def test_kb_eval_without_arguments_reports_every_shipped_set(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "eval", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"Katalog", "Blind, Kalibrierung", "Blind, Kalibrierung 2",
                           "Blind, Kalibrierung 3", "Blind, Kalibrierung 4",
                           "Blind, Kalibrierung 5", "Blind, Kalibrierung 6",
                           "Blind, Kalibrierung 7", "Blind, Kalibrierung Orte",
                           "Blind, Kalibrierung Lang", "Blind, Kalibrierung 8",
                           "Blind, Prüfung", "Blind, Abschluss",
                           "Blind, Neu", "Blind, Schluss", "Blind, Ende", "Blind, Winter",
                           "Blind, Dezember", "Blind, Advent", "Blind, Nikolaus",
                           "Blind, Barbara", "Blind, Schnee", "Blind, Frost", "Blind, Eis",
                           "Blind, Reif"}
    assert report["Blind, Reif"]["cut_texts"] == 0
    assert report["Blind, Reif"]["in_scope"] == 360
    assert report["Blind, Eis"]["cut_texts"] == 0
    assert report["Blind, Eis"]["in_scope"] == 360
    assert report["Blind, Frost"]["cut_texts"] == 0
    assert report["Blind, Frost"]["in_scope"] == 360
    assert report["Blind, Schnee"]["cut_texts"] == 0
    assert report["Blind, Barbara"]["cut_texts"] == 0
    assert report["Blind, Nikolaus"]["cut_texts"] == 0
    assert report["Blind, Advent"]["cut_texts"] == 0
    assert report["Blind, Neu"]["cut_texts"] == 0
    assert report["Blind, Schluss"]["cut_texts"] == 0
    assert report["Blind, Ende"]["cut_texts"] == 0
    assert report["Blind, Winter"]["cut_texts"] == 0
    assert report["Blind, Dezember"]["cut_texts"] == 0
    held_out = report["Blind, Prüfung"]
    assert held_out["in_scope"] >= 150
    assert held_out["out_of_scope"] >= 50
    assert {"lang", "dialekt", "englisch", "foermlich"} <= set(held_out["by_style"])
    assert held_out["cut_texts"] == 0


def test_console_chat_remembers_the_topic(tmp_path: Path) -> None:
    said = ("Was fördert die LWL-Kulturstiftung?\nund bis wann?\nförderung\nNr. 2\n"
            "hallo\ndanke\n/abo alle\n/daten-loeschen\nja\ntschüss\n")
    result = run_cli("chat", stdin=said, cwd=tmp_path,
                     env={"FOERDERLOTSE_DATA_DIR": str(tmp_path / "daten")})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\nLWL-Kulturstiftung – Frist: 28.02." in out
    offered = out[out.index("Meinten Sie …?"):].splitlines()
    second = offered[2].removeprefix("2. ")
    assert f"\n{second}" in out[out.index("Antworten Sie mit der Nummer."):]
    assert GREETING_REPLY in out
    assert THANKS_REPLY in out
    assert "Erledigt: Alle Daten dieses Chats sind gelöscht." in out
    assert out.rstrip().endswith(BYE_REPLY)


@pytest.mark.parametrize("command", [("db", "status"), ("run",)])
def test_an_unreachable_database_gets_one_clear_line_and_no_password(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    result = run_cli(*command, cwd=tmp_path, env={
        "FOERDERLOTSE_DATABASE_URL": "postgresql://postgres:pw-db-geheim@127.0.0.1:1/test",
        "FOERDERLOTSE_LOG_LEVEL": "DEBUG", "FOERDERLOTSE_TELEGRAM_TOKEN": "123:abc"})
    assert result.returncode == 3
    assert "Fehler: Die Datenbank ist nicht nutzbar" in result.stderr
    assert "FOERDERLOTSE_DATABASE_URL" in result.stderr
    assert "pw-db-geheim" not in result.stderr + result.stdout
    assert "Traceback (most recent call last)" not in result.stderr.split("Fehler:")[-1]


def test_db_status_finds_a_damaged_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FOERDERLOTSE_DATA_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    database = tmp_path / "foerderlotse.db"
    with contextlib.closing(sqlite3.connect(database)) as conn:  # all pages into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(database.read_bytes())
    for page in range(1, len(data) // 4096):  # every b-tree page header but the first
        data[page * 4096: page * 4096 + 12] = b"\xff" * 12
    database.write_bytes(bytes(data))
    assert main(["db", "status"]) in (1, 3)  # found by the check, or already by reading
    said = capsys.readouterr()
    assert "beschädigt" in said.out + said.err
    assert "Sicherung" in said.out + said.err


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_db_status_finds_a_dropped_table(backend: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         request: pytest.FixtureRequest) -> None:
    with contextlib.ExitStack() as stack:
        if backend == "postgresql":
            admin = request.getfixturevalue("postgres_admin")
            url = stack.enter_context(temporary_postgres_database(admin))
            monkeypatch.setenv("FOERDERLOTSE_DATABASE_URL", url)
        else:
            monkeypatch.setenv("FOERDERLOTSE_DATA_DIR", str(tmp_path))
        assert main(["db", "upgrade"]) == 0
        settings = Settings.from_env()
        engine = create_db_engine(database_url(settings.data_dir, settings.database_url))
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE question_log")
        engine.dispose()
        assert main(["db", "status"]) == 1
    assert "Tabelle „question_log“ fehlt" in capsys.readouterr().out


def test_an_unfilled_template_does_not_stop_ask_and_is_reported(tmp_path: Path) -> None:
    knowledge = tmp_path / "wissen"
    shutil.copytree(DATA / "mini", knowledge)
    assert main(["kb", "new", "programm", "neues-programm", "--knowledge", str(knowledge)]) == 0
    result = run_cli("ask", "testscheck", "--knowledge", str(knowledge), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Test-Scheck")
    assert "1 Wissensdatei(en) mit Fehlern übersprungen" in result.stderr
    assert "neues-programm.yaml:" in result.stderr


def test_a_knowledge_folder_in_the_current_directory_is_used(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "knowledge")
    result = run_cli("ask", "testscheck", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Test-Scheck")


def test_the_packaged_knowledge_is_named_and_never_written_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    packaged = tmp_path / "site-packages" / "bot" / "_shipped_knowledge"
    shutil.copytree(DATA / "mini", packaged)
    monkeypatch.setattr(settings_module, "_SHIPPED", packaged)
    monkeypatch.chdir(tmp_path)  # no ./knowledge here
    assert main(["ask", "testscheck"]) == 0
    assert "Hinweis: Ich nutze das mitgelieferte Wissen im installierten Paket" in (
        capsys.readouterr().err)
    assert main(["kb", "new", "begriff", "mein-begriff"]) == 2
    assert "kein Ort für eigene Einträge" in capsys.readouterr().out
    assert not list(packaged.rglob("mein-begriff*"))


STORAGE_FAULTS = {
    "data folder is a file": {"FOERDERLOTSE_DATA_DIR": "/etc/hostname"},
    "data folder cannot be made": {"FOERDERLOTSE_DATA_DIR": "/proc/foerderlotse-test"},
    "not a database file": {"FOERDERLOTSE_DATA_DIR": "{junk}"},
    "unsupported URL": {"FOERDERLOTSE_DATABASE_URL": "mysql://bot@127.0.0.1/bot"},
    "garbled URL": {"FOERDERLOTSE_DATABASE_URL": "postgresql://::::"},
    "unknown database": {"FOERDERLOTSE_DATABASE_URL":
                         "postgresql://postgres@127.0.0.1:5432/gibt_es_nicht"},
    "unknown user": {"FOERDERLOTSE_DATABASE_URL": "postgresql://niemand@127.0.0.1:5432/test"},
    "nothing listening": {"FOERDERLOTSE_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test"},
}


@pytest.mark.parametrize("fault", STORAGE_FAULTS)
@pytest.mark.parametrize("command", [("db", "status"), ("chat",)])
def test_storage_faults_get_one_clear_line_and_no_traceback(
        fault: str, command: tuple[str, ...], tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "foerderlotse.db").write_text("kein SQLite", encoding="utf-8")
    env = {k: v.format(junk=junk) for k, v in STORAGE_FAULTS[fault].items()}
    result = run_cli(*command, cwd=tmp_path, env=env, stdin="")
    assert result.returncode in (2, 3), result.stderr
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("Fehler:")]
    assert len(line) < 300


def test_kb_gaps_lists_answered_cases_and_kb_new_drafts_a_term_from_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FOERDERLOTSE_DATA_DIR", str(tmp_path / "data"))
    knowledge = tmp_path / "wissen"
    shutil.copytree(DATA / "mini", knowledge)
    storage = open_storage(Settings.from_env(), SystemClock())
    storage.questions.record(LoggedQuestion(SystemClock().now(), "telegram", "unknown",
                                            "Wer bezahlt unsere Backhaus-Orgel?"))
    number = storage.handoff.open_case("Wer bezahlt die Reparatur der Backhaus-Orgel?", None,
                                       Recipient("telegram", "11"), lambda n: [])
    storage.handoff.close(number, "Der Heimatverein hat einen Orgelfonds.\nFragen Sie dort.",
                          lambda a: Outgoing(a, f"h:{number}:antwort", "x"))
    still_open = storage.handoff.open_case("Offen?", None, Recipient("telegram", "11"),
                                           lambda n: [])
    storage.close()
    assert main(["kb", "gaps", "--knowledge", str(knowledge)]) == 0
    out = capsys.readouterr().out
    assert f"Fall {number} (" in out
    assert "  Antwort: Der Heimatverein hat einen Orgelfonds." in out
    assert main(["kb", "gaps", "--json", "--knowledge", str(knowledge)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["gruppen"][0]["fälle"] == str(number)  # the question fits the group
    assert [case["fall"] for case in found["faelle"]] == [number]
    new = ["kb", "new", "begriff", "backhaus-orgel", "--knowledge", str(knowledge)]
    assert main([*new, "--aus-fall", str(still_open)]) == 2
    assert "ist noch nicht beantwortet" in capsys.readouterr().out
    assert main([*new, "--aus-fall", "99"]) == 2
    assert main(["kb", "new", "programm", "orgel", "--aus-fall", str(number),
                 "--knowledge", str(knowledge)]) == 2
    assert main([*new, "--aus-fall", str(number)]) == 0
    draft = knowledge / "begriffe" / "backhaus-orgel.yaml"
    text = draft.read_text(encoding="utf-8")
    assert "  Der Heimatverein hat einen Orgelfonds.\n  Fragen Sie dort.\n" in text
    assert '  - "Wer bezahlt die Reparatur der Backhaus-Orgel?"' in text
    assert "sources: []               # TODO: Quelle" in text
    capsys.readouterr()
    assert main(["kb", "check", str(knowledge)]) == 1  # no source yet
    assert "backhaus-orgel.yaml" in capsys.readouterr().out
    draft.write_text(text.replace("sources: []", "sources: [https://example.org/orgelfonds]"),
                     encoding="utf-8")
    assert main(["kb", "check", str(knowledge)]) == 0


def test_a_reader_that_stops_early_is_no_error() -> None:
    # "foerderlotse ask … | head -1": the closed pipe is not a data-folder problem.
    run = subprocess.Popen([sys.executable, "-m", "bot", "ask", "wer hilft mir in Beckum"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None
    assert run.stderr is not None
    run.stdout.close()
    with run.stderr:
        err = run.stderr.read().decode()
    assert run.wait(timeout=60) == 141
    assert err == ""
