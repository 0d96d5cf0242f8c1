"""The knowledge loader: every problem with file:line, never a crash."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge.loader import load_directory
from bot.knowledge.models import Programme
from bot.settings import shipped_knowledge_dir
from tests.conftest import DATA, KNOWLEDGE_CHECKED, TODAY

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
    result = load_directory(shipped_knowledge_dir(), KNOWLEDGE_CHECKED)
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
        "programm, kontakt, begriff, regionen, synonyme, ausserhalb, fragen")


def test_anchors_are_refused_instead_of_expanded(tmp_path: Path) -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    (tmp_path / "bomb.yaml").write_text(bomb, encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert "Anker und Verweise" in result.problems[0].message


def test_a_date_outside_2000_to_2100_is_refused_with_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    programme = tmp_path / "programm.yaml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace("verified_on: 01.11.2026", "verified_on: 31.12.9999"),
                         encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    [problem] = result.problems
    assert problem.file.endswith("programm.yaml")
    assert problem.line == 19
    assert "außerhalb von 2000 bis 2100" in problem.message


def test_links_into_nowhere_loops_pipes_and_folders_are_reported(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    (tmp_path / "weg.yaml").symlink_to(tmp_path / "gibt-es-nicht.yaml")
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    os.mkfifo(tmp_path / "rohr.yaml")
    (tmp_path / "ordner.yaml").mkdir()  # a folder is just a folder
    result = load_directory(tmp_path, TODAY)
    reported = {Path(p.file).name: p.message for p in result.problems}
    assert set(reported) == {"weg.yaml", "a.yaml", "b.yaml", "rohr.yaml"}
    assert "ins Leere oder im Kreis" in reported["weg.yaml"]
    assert "ins Leere oder im Kreis" in reported["a.yaml"]
    assert "Pipe" in reported["rohr.yaml"]


def _mini_with(tmp_path: Path, old: str, new: str) -> list[str]:
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    programme = tmp_path / "programm.yaml"
    text = programme.read_text(encoding="utf-8")
    assert old in text
    programme.write_text(text.replace(old, new), encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    return [str(p) for p in result.problems] + [str(h) for h in result.hints]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  amount_max: 2.000", "  amount_max: 2.000\n  uncertain: true",
     "programm.yaml:13: „uncertain: true“ braucht eine „note“"),
    ("  amount_max: 2.000", "  amount_max: 750\n  amount_min: 1.000",
     "programm.yaml:13: Mindestbetrag 1000 € liegt über dem Höchstbetrag 750 €"),
    ("    dates: [31.03.]", "    dates: [31.03.]\n    uncertain: true",
     "programm.yaml:16: „uncertain: true“ braucht eine „note“"),
    ("  type: festbetrag", "  type: irgendwas",
     "erlaubt: festbetrag, anteil, fehlbedarf, voll, preisgeld, freibetrag oder unbekannt"),
    # The Förderrechner's fields: each broken combination is named with its line.
    ("  amount_max: 2.000", "  cost_min: 5.000\n  cost_max: 4.000",
     "programm.yaml:12: Mindestkosten 5000 € liegen über den Höchstkosten 4000 €"),
    ("  type: festbetrag\n  amount_max: 2.000", "  type: festbetrag",
     "programm.yaml:11: Ein Festbetrag braucht „amount_max“"),
    ("  type: festbetrag", "  type: anteil",
     "programm.yaml:11: Eine Anteilfinanzierung braucht „share_max“"),
    ("  type: festbetrag", "  type: voll\n  share_max: 80 %",
     "programm.yaml:12: Eine Vollfinanzierung hat keine Förderquote unter 100 %"),
    ("  amount_max: 2.000", "  amount_max: 2.000\n  volunteer_rate: 20",
     "programm.yaml:13: „volunteer_rate“ gilt nur mit „volunteer_work: ja“"),
    ("  amount_max: 2.000", "  amount_max: 2.000\n  alternative:\n    amount_max: 3.000",
     "programm.yaml:13: „alternative“ nennt abweichende Zahlen: bitte auch „uncertain: true“"),
    ("  amount_max: 2.000", "  amount_max: 2.000\n  uncertain: true\n  note: x\n"
     "  alternative:\n    amount_min: 900\n    amount_max: 800",
     "programm.yaml:16: Mindestbetrag 900 € liegt über dem Höchstbetrag 800 €"),
    ("  amount_max: 2.000", "  amount_max: 2.000\n  volunteer_work: vielleicht",
     "„volunteer_work“: „vielleicht“ ist nicht erlaubt – erlaubt: ja, nein oder unbekannt"),
    ("topics: [Heimat]", "topics: [Heimat]\napplicant_types: [verein, sportclub]",
     "programm.yaml:10: „applicant_types“: „sportclub“ ist nicht erlaubt"),
])
def test_rules_the_knowledge_readme_states_are_checked(tmp_path: Path, old: str, new: str,
                                                       expected: str) -> None:
    found = _mini_with(tmp_path, old, new)
    assert any(expected in line for line in found), found


def test_home_page_sources_and_file_names_get_a_hint_but_load(tmp_path: Path) -> None:
    found = _mini_with(tmp_path, "sources: [https://example.org/test-scheck]",
                       "sources: [https://example.org]")
    result = load_directory(tmp_path, TODAY)
    assert result.ok
    assert any("„https://example.org“ ist nur die Startseite" in line for line in found)
    assert any("sollte „test-scheck.yaml“ heißen" in line for line in found)


def test_an_alias_that_shrinks_to_one_everyday_word_gets_a_hint(tmp_path: Path) -> None:
    # "3. Orte" kept only "orte": "ein Treffpunkt im Ort" named the Dritte Orte programme.
    found = _mini_with(tmp_path, "aliases: [Testscheck]", "aliases: [Testscheck, 3. Orte]")
    assert any("programm.yaml:4: Hinweis: Vom Alias „3. Orte“ bleibt für den Abgleich nur „orte“"
               in line for line in found), found
    assert not any("„Testscheck“" in line for line in found)


def test_a_festbetrag_described_as_bis_zu_gets_a_hint(tmp_path: Path) -> None:
    found = _mini_with(tmp_path, "  amount_max: 2.000", "  amount_max: 2.000\n"
                       "  note: Bis zu 2.000 € je Projekt.")
    assert any("programm.yaml:11: Hinweis: Festbetrag, aber der Text sagt „bis zu“" in line
               for line in found), found


def test_the_same_check_date_on_most_entries_is_called_a_bulk_stamp(tmp_path: Path) -> None:
    # A copy of the shipped knowledge with one date stamped on every entry: the shipped files
    # themselves carry the days they were really checked, which change with every check.
    shutil.copytree(shipped_knowledge_dir(), tmp_path / "knowledge")
    for path in (tmp_path / "knowledge").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^verified_on: .*$", "verified_on: 26.11.2026", text,
                               flags=re.MULTILINE), encoding="utf-8")
    result = load_directory(tmp_path / "knowledge", TODAY)
    stamps = [h.message for h in result.hints if "dasselbe Prüfdatum" in h.message]
    assert len(stamps) == 1
    assert re.match(r"Hinweis: (\d+) von \1 Einträgen tragen dasselbe Prüfdatum 26\.11\.2026",
                    stamps[0]), stamps[0]


def test_labelled_questions_name_known_entries_and_places(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    (tmp_path / "fragen.yaml").write_text(
        "kind: fragen\n"
        "fragen:\n"
        "  - frage: wie viel gibt es beim test scheck\n"
        "    erwartet: [test-scheck]\n"
        "  - frage: wer hilft in Höxter\n"
        "    erwartet: ort:Höxter\n"
        "  - frage: gibt es Kindergeld\n"
        "    erwartet: null\n"
        "  - frage: wer hilft in Atlantis\n"
        "    erwartet: ort:Atlantis\n"
        "  - frage: was ist der Heimat-Scheck\n"
        "    erwartet: [heimat-scheck]\n", encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    found = [str(p).split("/")[-1] for p in result.problems]
    assert found == ["fragen.yaml:10: Unbekannter Ort „Atlantis“ bei „erwartet“",
                     "fragen.yaml:12: Unbekannter Eintrag „heimat-scheck“ bei „erwartet“"]
    (tmp_path / "fragen.yaml").write_text(
        "kind: fragen\nfragen:\n  - frage: wer hilft in Höxter\n    erwartet: ort:Höxter\n"
        "    aspekt: kontakt\n", encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert result.knowledge is not None
    assert result.knowledge.questions == [("wer hilft in Höxter", ("ort:Höxter",))]
    assert result.knowledge.aspects == [("wer hilft in Höxter", "kontakt")]


def test_a_labelled_question_asks_about_a_known_aspect(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path, dirs_exist_ok=True)
    (tmp_path / "fragen.yaml").write_text(
        "kind: fragen\nfragen:\n  - frage: wat kost dat\n    erwartet: [test-scheck]\n"
        "    aspekt: kosten\n", encoding="utf-8")
    result = load_directory(tmp_path, TODAY)
    assert result.knowledge is None
    [problem] = result.problems
    assert str(problem).split("/")[-1].startswith("fragen.yaml:5: ")
    assert "aspekt" in str(problem)
