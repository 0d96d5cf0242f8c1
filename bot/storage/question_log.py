"""The question log behind ``kb gaps`` and ``kb stats`` — deliberately without people.

Stored per question: when, which transport, the Kreis if the asker named a place, the
outcome, the best entry and the question text (cut to 300 characters). Never a user or
chat id. Rows older than the retention period (default 180 days) are deleted daily.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Column, Table, delete, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from bot.storage.tables import UtcDateTime

MAX_TEXT = 300


class AskedQuestion(SQLModel, table=True):
    """One question as asked, without anything that identifies the asker."""

    __tablename__ = "question_log"
    id: int | None = Field(default=None, primary_key=True)
    asked_at: dt.datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    transport: str = Field(max_length=20)
    region_id: str | None = Field(default=None, max_length=100)
    status: str = Field(max_length=10)  # answer | choices | unknown
    entry_id: str | None = Field(default=None, max_length=200)
    entry_kind: str | None = Field(default=None, max_length=20)
    text: str = Field(max_length=MAX_TEXT)


_TABLE: Table = AskedQuestion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LoggedQuestion:
    """A question for the log (the dialogue core builds these)."""

    asked_at: dt.datetime
    transport: str
    status: str
    text: str
    region_id: str | None = None
    entry_id: str | None = None
    entry_kind: str | None = None


class QuestionLog:
    """Writes, reads and expires the question log."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, question: LoggedQuestion) -> None:
        """Store one question."""
        row = AskedQuestion(asked_at=question.asked_at, transport=question.transport[:20],
                            region_id=question.region_id, status=question.status,
                            entry_id=question.entry_id, entry_kind=question.entry_kind,
                            text=question.text[:MAX_TEXT])
        with Session(self._engine) as session, session.begin():
            session.add(row)

    def since(self, start: dt.datetime) -> list[LoggedQuestion]:
        """Return the questions asked at or after ``start``, oldest first."""
        query = select(_TABLE).where(_TABLE.c.asked_at >= start).order_by(_TABLE.c.asked_at)
        with self._engine.connect() as connection:
            return [LoggedQuestion(r.asked_at, r.transport, r.status, r.text, r.region_id,
                                   r.entry_id, r.entry_kind)
                    for r in connection.execute(query)]

    def purge(self, before: dt.datetime) -> int:
        """Delete questions asked before ``before``; return how many."""
        with self._engine.begin() as connection:
            result = connection.execute(delete(_TABLE).where(_TABLE.c.asked_at < before))
            return int(result.rowcount or 0)
