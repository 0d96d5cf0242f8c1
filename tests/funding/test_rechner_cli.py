"""``foerderlotse rechner`` and ``kb check --streng``: the office staff's command line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main


def test_rechner_json_is_exact_and_says_why_not(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rechner", "--programm", "Fonds Soziokultur", "--kosten", "6.000",
                 "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["programm"] == "fonds-soziokultur"
    assert (out["zuschuss"], out["foerderfaehig"]) == ("0", False)
    assert out["hinweise"] == ["below_minimum", "gap"]
    assert out["plan"]["summe"] == "6000"


def test_rechner_writes_a_plan_a_spreadsheet_library_reads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rechner", "--programm", "heimat-scheck", "--kosten", "2500",
                 "--eigenmittel", "600", "--nicht-foerderfaehig", "100,50",
                 "--plan", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Zuschuss Heimat-Scheck: voraussichtlich 2.000 €.")
    (path,) = tmp_path.glob("Finanzierungsplan-Heimat-Scheck-*.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    labels = {row[0]: row[1] for row in rows if row and row[0]}
    assert labels["Förderfähige Ausgaben"] == pytest.approx(2399.5)
    assert labels["Zuschuss Heimat-Scheck"] == 2000
    assert labels["Eigenmittel"] == 500
    assert str(labels["Summe Ausgaben"]).startswith("=SUM(")
    spent = sum(Decimal(str(r[1])) for r in rows[4:7] if isinstance(r[1], int | float))
    assert spent == Decimal(2500)


@pytest.mark.parametrize("bad", ["abc", "-5", "1e9999"])
def test_rechner_refuses_bad_figures_in_german(bad: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rechner", "--programm", "heimat-scheck", f"--kosten={bad}"]) == 2
    assert "ist kein Betrag" in capsys.readouterr().err


def test_kb_check_streng_lists_what_the_finder_misses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check"]) == 0
    capsys.readouterr()
    assert main(["kb", "check", "--streng", "--json"]) == 1
    gaps = json.loads(capsys.readouterr().out)["gaps"]
    by_file = {Path(g["file"]).name: g["message"] for g in gaps}
    assert by_file["stiftung-sparda-bank-west.yaml"].startswith(
        "Förderfinder/-rechner: offen – areas, funding.type (unbekannt)")
