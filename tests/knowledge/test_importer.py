"""Spreadsheet import: valid rows become files that pass kb check, others are reported."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.knowledge.importer import deadline_rules, import_rows, read_rows
from bot.knowledge.loader import load_directory
from bot.knowledge.service import Knowledge
from tests.conftest import DATA, KNOWLEDGE_CHECKED, ROOT_DIR, TODAY

SHEET = DATA / "import" / "programme.csv"
REFUSED = [
    (4, "Spalte fristen: „31.02.“ ist kein gültiges Datum"),
    (5, "leer: quellen"),
    (6, "unbekannte Region oder Ansprechstelle: mond"),
    (7, "Kennung „test-scheck“ gibt es schon (zum Ändern: kb import … --aktualisieren)"),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "wissen"
    shutil.copytree(DATA / "mini", target)
    return target


def test_csv_rows_become_valid_files(folder: Path, mini: Knowledge) -> None:
    report = import_rows(read_rows(SHEET), mini.base, folder / "programme", TODAY)
    assert [p.name for p in report.written] == ["dorf-kulturfonds.yaml", "halber-fonds.yaml"]
    assert report.refused == REFUSED
    result = load_directory(folder, TODAY)
    assert [str(p) for p in result.problems] == []
    assert result.knowledge is not None
    imported = result.knowledge.entries["dorf-kulturfonds"]
    assert imported.examples == ["wie viel gibts beim dorffonds", "bis wann dorffonds"]


def test_xlsx_gives_the_same_result(folder: Path, tmp_path: Path, mini: Knowledge) -> None:
    book = Workbook()
    sheet = book.active
    with SHEET.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter=";"):
            sheet.append(row)
    path = tmp_path / "programme.xlsx"
    book.save(path)
    report = import_rows(read_rows(path), mini.base, folder / "programme", TODAY)
    assert len(report.written) == 2
    assert report.refused == REFUSED


@pytest.mark.parametrize(("text", "rules"), [
    ("laufend", [{"type": "laufend"}]),
    ("nach Aufruf", [{"type": "nach_aufruf"}]),
    ("28.02.; 31.08.", [{"type": "jaehrlich", "dates": ["28.02.", "31.08."]}]),
    ("01.11.2025", [{"type": "datum", "dates": ["01.11.2025"]}]),
])
def test_deadline_cells(text: str, rules: list[dict[str, object]]) -> None:
    assert deadline_rules(text) == rules


def test_cli_reports_refused_rows(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "import", str(SHEET), "--knowledge", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 Programm(e) angelegt in")
    assert "7      Kennung „test-scheck“ gibt es schon (zum Ändern" in out
    assert main(["kb", "import", str(folder / "regionen.yaml"), "--knowledge", str(folder)]) == 2


def test_the_documented_example_sheet_imports_cleanly(tmp_path: Path) -> None:
    knowledge = Knowledge.load(ROOT_DIR / "knowledge", KNOWLEDGE_CHECKED)
    example = ROOT_DIR / "knowledge" / "beispiel-import.csv"
    report = import_rows(read_rows(example), knowledge.base, tmp_path, TODAY)
    assert report.refused == []
    [written] = report.written
    text = written.read_text(encoding="utf-8")
    assert "- wie viel gibt es beim dorffonds\n- bis wann dorffonds" in text  # ";" as everywhere


def test_update_shows_the_difference_and_writes_only_when_confirmed(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "import", str(SHEET), "--knowledge", str(folder)]) == 1
    changed = folder / "changed.csv"
    rows = SHEET.read_text(encoding="utf-8").splitlines()
    changed.write_text("\n".join([rows[0], rows[1].replace("1.000", "1.500")]) + "\n",
                       encoding="utf-8")
    existing = folder / "programme" / "dorf-kulturfonds.yaml"
    before = existing.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["kb", "import", str(changed), "--knowledge", str(folder),
                 "--aktualisieren"]) == 1
    shown = capsys.readouterr().out
    assert "-  amount_max: '1.000'" in shown
    assert "+  amount_max: '1.500'" in shown
    assert "Nichts geändert" in shown
    assert existing.read_text(encoding="utf-8") == before
    assert main(["kb", "import", str(changed), "--knowledge", str(folder),
                 "--aktualisieren", "--ja"]) == 0
    assert "amount_max: '1.500'" in existing.read_text(encoding="utf-8")
    assert load_directory(folder, TODAY).ok
