"""Hot reload: valid changes go live, invalid ones keep the last good knowledge."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.knowledge.problems import Problem
from bot.knowledge.reload import KnowledgeHolder, KnowledgeWatcher, problems_message
from bot.knowledge.service import Knowledge
from tests.conftest import DATA, TODAY


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "wissen"
    shutil.copytree(DATA / "mini", target)
    return target


class Recorder:
    def __init__(self) -> None:
        self.reloaded: list[Knowledge] = []
        self.problems: list[list[Problem]] = []

    async def on_reloaded(self, knowledge: Knowledge) -> None:
        self.reloaded.append(knowledge)

    async def on_problems(self, problems: list[Problem]) -> None:
        self.problems.append(problems)


def touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))


@pytest.fixture
def watched(folder: Path) -> tuple[KnowledgeHolder, KnowledgeWatcher, Recorder]:
    holder = KnowledgeHolder(Knowledge.load(folder, TODAY))
    recorder = Recorder()
    watcher = KnowledgeWatcher(holder, folder, lambda: TODAY, recorder.on_reloaded,
                               recorder.on_problems)
    return holder, watcher, recorder


async def test_valid_change_goes_live(folder: Path, watched: tuple[KnowledgeHolder,
                                                                   KnowledgeWatcher, Recorder],
                                      ) -> None:
    holder, watcher, recorder = watched
    assert await watcher.check_once() == "unchanged"
    path = folder / "programm.yaml"
    touch(path, path.read_text(encoding="utf-8").replace("title: Test-Scheck",
                                                         "title: Probe-Scheck"))
    assert await watcher.check_once() == "reloaded"
    assert holder.get().base.entries["test-scheck"].title == "Probe-Scheck"
    assert len(recorder.reloaded) == 1


async def test_invalid_change_keeps_last_good_and_reports_once(
        folder: Path, watched: tuple[KnowledgeHolder, KnowledgeWatcher, Recorder]) -> None:
    holder, watcher, recorder = watched
    before = holder.get()
    touch(folder / "programm.yaml", "kind: programm\nid: test-scheck\ntitle: [kaputt\n")
    assert await watcher.check_once() == "rejected"
    assert holder.get() is before
    first = str(recorder.problems[0][0])
    assert first.startswith("wissen/programm.yaml:3: YAML-Syntaxfehler: Liste mit „[“")
    touch(folder / "kontakt.yaml", (folder / "kontakt.yaml").read_text(encoding="utf-8") + "\n")
    assert await watcher.check_once() == "rejected"
    assert len(recorder.problems) == 1  # same problems: coordinators are not told again


def test_problem_notice_is_short_and_german() -> None:
    problems = [Problem("wissen/a.yaml", i, "Pflichtfeld „title“ fehlt") for i in range(1, 15)]
    text = problems_message(problems)
    assert text.startswith("Die geänderten Wissensdateien enthalten Fehler.")
    assert "• wissen/a.yaml:1: Pflichtfeld „title“ fehlt" in text
    assert text.endswith("… und 4 weitere (foerderlotse kb check)")
