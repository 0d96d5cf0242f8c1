"""Coordinator upkeep: stale entries, expired rounds, templates that guide."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.curation import months_before, stale_entries
from bot.knowledge.loader import load_directory
from bot.knowledge.service import Knowledge
from bot.knowledge.templates import template
from tests.conftest import DATA, TODAY


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_expired_rounds_are_listed_today(shipped: Knowledge) -> None:
    items = stale_entries(shipped.base, TODAY, months=6)
    over = {i.entry_id for i in items if i.reason == "Frist vorbei — neue Runde prüfen"}
    assert "zwei-tausend-mal-tausend" in over
    assert "heimat-werkstatt" not in over  # rolling, never over
    assert "lwl-kulturfonds" not in over  # waits for the next call


def test_everything_is_stale_a_year_later(shipped: Knowledge) -> None:
    later = stale_entries(shipped.base, TODAY + dt.timedelta(days=365), months=6)
    old = {i.entry_id for i in later if i.reason.startswith("seit ")}
    assert old == set(shipped.base.entries)


@pytest.mark.parametrize("kind", ["programm", "kontakt", "begriff"])
def test_template_fails_until_filled_then_passes(tmp_path: Path, kind: str) -> None:
    shutil.copy(DATA / "mini" / "regionen.yaml", tmp_path)
    path = tmp_path / f"{kind}.yaml"
    text = template(kind, "neu", TODAY)
    path.write_text(text, encoding="utf-8")
    assert not load_directory(tmp_path, TODAY).ok
    filled = (text.replace("title:  ", "title: Neuer Eintrag  ")
              .replace("summary:  ", "summary: Kurz erklärt.  ")
              .replace("funder:  ", "funder: Land NRW  ")
              .replace("applicants: []", "applicants: [Vereine]")
              .replace("dates: []", "dates: [31.03.]")
              .replace("apply:  ", "apply: Online.  ")
              .replace("organisation:  ", "organisation: Kreis  ")
              .replace("responsible_for: []", "responsible_for: [nrw]")
              .replace("text:  ", "text: Eine Erklärung.  ")
              .replace("sources: []", "sources: [https://example.org/neu]"))
    path.write_text(filled, encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert [str(p) for p in result.problems] == []


def test_kb_new_writes_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "new", "term", "neuer-begriff", "--knowledge", str(tmp_path)]) == 0
    assert (tmp_path / "begriffe" / "neuer-begriff.yaml").exists()
    assert main(["kb", "new", "term", "neuer-begriff", "--knowledge", str(tmp_path)]) == 2
    assert main(["kb", "new", "programm", "Nicht Gültig", "--knowledge", str(tmp_path)]) == 2
    assert "keine gültige Kennung" in capsys.readouterr().out


def test_kb_stale_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "stale", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "art", "titel", "geprüft", "grund"} == set(rows[0])


def test_kb_new_refuses_a_planted_link_and_an_id_with_a_newline(tmp_path: Path) -> None:
    outside = tmp_path / "draussen.txt"
    knowledge = tmp_path / "wissen"
    (knowledge / "begriffe").mkdir(parents=True)
    (knowledge / "begriffe" / "falle.yaml").symlink_to(outside)
    assert main(["kb", "new", "begriff", "falle", "--knowledge", str(knowledge)]) == 2
    assert not outside.exists()
    assert main(["kb", "new", "begriff", "zeile\n", "--knowledge", str(knowledge)]) == 2
    assert not list((knowledge / "begriffe").glob("zeile*"))
    (knowledge / "kontakte").symlink_to(tmp_path, target_is_directory=True)
    assert main(["kb", "new", "kontakt", "stelle", "--knowledge", str(knowledge)]) == 2
    assert not (tmp_path / "stelle.yaml").exists()
