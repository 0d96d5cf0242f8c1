"""The knowledge loader: every problem with file:line, never a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import load_directory
from bot.knowledge.models import Programme
from bot.settings import shipped_knowledge_dir
from tests.conftest import DATA, TODAY

EXPECTED = yaml.safe_load((DATA / "broken_expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def broken() -> list[str]:
    result = load_directory(DATA / "broken", TODAY)
    assert result.knowledge is None
    return [str(p) for p in result.problems]


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: f"{c['file']}:{c['line']}")
def test_each_broken_file_is_reported_at_its_line(
    broken: list[str], case: dict[str, object]
) -> None:
    prefix = f"broken/{case['file']}:{case['line']}: "
    matching = [p for p in broken if p.startswith(prefix) and str(case["contains"]) in p]
    assert matching, f"expected {prefix}…{case['contains']} in:\n" + "\n".join(broken)


def test_every_reported_problem_is_expected(broken: list[str]) -> None:
    assert len(broken) == len(EXPECTED)


def test_shipped_knowledge_is_valid() -> None:
    result = load_directory(shipped_knowledge_dir(), TODAY)
    assert [str(p) for p in result.problems] == []
    assert result.knowledge is not None
    assert len(result.knowledge.entries) >= 15


def test_values_are_parsed_the_german_way() -> None:
    result = load_directory(DATA / "mini", TODAY)
    assert result.knowledge is not None
    programme = result.knowledge.get("test-scheck")
    assert isinstance(programme, Programme)
    assert programme.funding.amount_max == 2000
    assert programme.verified_on == dt.date(2026, 11, 1)


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = load_directory(tmp_path / "nowhere", TODAY)
    assert not result.ok
    assert "nicht gefunden" in result.problems[0].message


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    result = load_directory(tmp_path, TODAY)
    assert "Keine Wissensdateien" in result.problems[0].message


def test_unknown_kind_names_the_allowed_ones(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("kind: rezept\nid: x\n", encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert str(result.problems[0]).endswith(
        "x.yaml:1: Unbekannte Art „rezept“ – erlaubt: "
        "programm, kontakt, begriff, regionen, synonyme, ausserhalb")


def test_anchors_are_refused_instead_of_expanded(tmp_path: Path) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    (tmp_path / "bomb.yaml").write_text(bomb, encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert "Anker und Verweise" in result.problems[0].message
