"""The anonymous question log, gaps and stats, and its retention."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.cli import main
from bot.clock import BERLIN, FixedClock
from bot.demand import gaps, stats
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.knowledge.service import Knowledge
from bot.storage import create_db_engine, database_url, upgrade
from bot.storage.question_log import LoggedQuestion, QuestionLog


@pytest.fixture
def log(tmp_path: Path) -> Iterator[QuestionLog]:
    engine = create_db_engine(database_url(tmp_path))
    upgrade(engine)
    yield QuestionLog(engine)
    engine.dispose()


async def test_questions_are_logged_without_chat_or_user(
        shipped: Knowledge, clock: FixedClock, log: QuestionLog) -> None:
    dialogue = Dialogue(lambda: shipped, clock, log=log.record)
    chat = ChatRef("telegram", "secret-chat-4711")
    for text in ("heimatscheck frist", "wer hilft mir in Brakel", "Wann wird der Müll abgeholt?"):
        await dialogue.handle(IncomingMessage(chat, text, user_id="secret-user-0815"))
    await dialogue.handle(IncomingMessage(chat, "/hilfe"))  # commands are not questions
    assert dialogue.recorder is not None
    await dialogue.recorder.drain()  # the log is written after the reply
    logged = log.since(clock.now() - dt.timedelta(days=1))
    assert [(q.status, q.entry_id, q.region_id) for q in logged] == [
        ("answer", "heimat-scheck", None),
        ("answer", "kulturbuero-kreis-hoexter", "kreis-hoexter"),
        ("unknown", None, None),
    ]
    assert {q.transport for q in logged} == {"telegram"}
    columns = {c["name"] for c in inspect(log._engine).get_columns("question_log")}
    assert not {c for c in columns if "chat" in c or "user" in c}


def test_gaps_group_similar_questions() -> None:
    now = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    asked = [LoggedQuestion(now, "telegram", "unknown", text) for text in (
        "Wann wird der Müll abgeholt?", "müll abholung wann", "wann wird müll abgeholt",
        "Wohngeld beantragen")]
    asked.append(LoggedQuestion(now, "matrix", "answer", "heimatscheck"))
    found = gaps(asked)
    assert [(g.count, g.examples[0]) for g in found] == [
        (3, "Wann wird der Müll abgeholt?"), (1, "Wohngeld beantragen")]


def test_stats_per_programme_topic_region_week(shipped: Knowledge) -> None:
    monday = dt.datetime(2026, 11, 23, 10, tzinfo=BERLIN)
    asked = [
        LoggedQuestion(monday, "telegram", "answer", "x", "kreis-hoexter", "heimat-scheck",
                       "programm"),
        LoggedQuestion(monday, "matrix", "answer", "y", None, "heimat-scheck", "programm"),
        LoggedQuestion(monday + dt.timedelta(days=7), "matrix", "unknown", "z"),
    ]
    result = stats(asked, shipped.base)
    assert result.programmes == {"Heimat-Scheck": 2}
    assert result.topics["Heimat"] == 2
    assert result.regions == {"Kreis Höxter": 1}
    assert result.weeks == {"2026-W48": 2, "2026-W49": 1}
    assert result.outcomes == {"beantwortet": 2, "weiß ich nicht": 1}


def test_retention_purges_old_questions(log: QuestionLog) -> None:
    now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    log.record(LoggedQuestion(now - dt.timedelta(days=200), "telegram", "unknown", "alt"))
    log.record(LoggedQuestion(now - dt.timedelta(days=10), "telegram", "unknown", "neu"))
    assert log.purge(now - dt.timedelta(days=180)) == 1
    assert [q.text for q in log.since(now - dt.timedelta(days=400))] == ["neu"]


def test_kb_gaps_and_stats_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FOERDERLOTSE_DATA_DIR", str(tmp_path))
    engine = create_db_engine(database_url(tmp_path))
    upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    for text in ("Müll abholen wann", "wann wird der müll abgeholt"):
        QuestionLog(engine).record(LoggedQuestion(now, "telegram", "unknown", text))
    engine.dispose()
    assert main(["kb", "gaps", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    [row] = found["gruppen"]
    assert row["anzahl"] == 2
    assert found["faelle"] == []
    assert main(["kb", "stats"]) == 0
    assert "weiß ich nicht  2" in capsys.readouterr().out
