"""Questions handed off to the Kulturbüro ("Fälle") and the messages they cause.

A case holds what the asker agreed to pass on (the question text and the Kreis) and
where the answer goes. The asker's chat id is the only personal datum: it is cleared 30
days after the case was closed, and at once when the chat deletes its data. There is
never a user id or a name.

Messages go through the reminder outbox, written in the same transaction as the case:
a question stored is a question that reaches its coordinators, across any restart, and
an answer stored is an answer that reaches the asker. The rows have kind "handoff" and
belong to the recipient's ``subscriber`` row (created if needed), so the engine sends
them like reminders; their unique ``dedupe_key`` makes every message at most one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, Table, delete, exists, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, SQLModel

from bot.clock import Clock
from bot.storage.database import insert_ignoring
from bot.storage.outbox import insert_planned
from bot.storage.records import PlannedReminder, Recipient, ReminderKind, State
from bot.storage.tables import (
    PersonalReminder,
    Reminder,
    Subscriber,
    Subscription,
    UtcDateTime,
)

logger = logging.getLogger(__name__)

MAX_QUESTION = 1000
MAX_ANSWER = 2000
_MAX_KEY = 255  # reminder.dedupe_key
# How long a closed case keeps the asker's chat id (a late answer, a follow-up).
KEEP_ASKER = dt.timedelta(days=30)


class CaseStatus(StrEnum):
    """A case is open until a coordinator answers it."""

    OPEN = "open"
    CLOSED = "closed"


class HandoffCase(SQLModel, table=True):
    """One handed-off question; its id is the reference number ("Fall 17")."""

    __tablename__ = "handoff_case"
    __table_args__ = (
        Index("ix_handoff_case_status_created", "status", "created_at"),
        Index("ix_handoff_case_asker", "asker_transport", "asker_chat_id"),
        # Numbers are never reused, even after old cases were deleted: "/antwort 17"
        # must never reach a newer case that got the same number.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=MAX_QUESTION)
    region_id: str | None = Field(default=None, max_length=100)
    asker_transport: str = Field(max_length=20)
    asker_chat_id: str | None = Field(default=None, max_length=255)  # None once forgotten
    status: str = Field(default=CaseStatus.OPEN, max_length=10)
    answer: str | None = Field(default=None, max_length=MAX_ANSWER)
    created_at: dt.datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    closed_at: dt.datetime | None = Field(default=None,
                                          sa_column=Column(UtcDateTime(), nullable=True))


H: Table = HandoffCase.__table__  # type: ignore[attr-defined]
R: Table = Reminder.__table__  # type: ignore[attr-defined]
S: Table = Subscriber.__table__  # type: ignore[attr-defined]
_SUBSCRIPTION: Table = Subscription.__table__  # type: ignore[attr-defined]
_PERSONAL: Table = PersonalReminder.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Case:
    """A case as the dialogue and the tools see it; ``asker`` is None once forgotten."""

    id: int
    text: str
    region_id: str | None
    status: CaseStatus
    created_at: dt.datetime
    asker: Recipient | None = None
    answer: str | None = None
    closed_at: dt.datetime | None = None


class Closing(StrEnum):
    """What became of an answer."""

    RELAYED = "relayed"  # closed; the answer waits in the outbox for the asker
    NO_ASKER = "no-asker"  # closed; the asker deleted their data, nobody to tell
    ALREADY_CLOSED = "already-closed"
    MISSING = "missing"


@dataclass(frozen=True)
class Outgoing:
    """A message to put into the outbox: to whom, under which key, saying what."""

    recipient: Recipient
    key: str
    text: str


def message_key(case_id: int, *parts: object) -> str:
    """Return the outbox key of a case's message, e.g. ``h:17:neu:telegram:12345``.

    A key too long for the column (a long Matrix id) keeps its case prefix and hashes
    the rest, so keys stay unique and a case's keys still start alike.
    """
    key = ":".join(["h", str(case_id), *map(str, parts)])
    if len(key) <= _MAX_KEY:
        return key
    digest = hashlib.blake2s(key.encode(), digest_size=16).hexdigest()
    return f"h:{case_id}:{digest}"


class HandoffRepository:
    """Reads and writes cases; every write that sends something also fills the outbox."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def open_case(self, text: str, region_id: str | None, asker: Recipient,
                  messages: Callable[[int], Sequence[Outgoing]]) -> int:
        """Store a case and the messages to its coordinators; return its number.

        ``messages`` gets the new number and returns what to send.
        """
        now = self._clock.now()
        with self._engine.begin() as conn:
            case_id = int(conn.execute(H.insert().values(
                text=text[:MAX_QUESTION], region_id=region_id,
                asker_transport=asker.transport, asker_chat_id=asker.chat_id,
                status=CaseStatus.OPEN, created_at=now).returning(H.c.id)).scalar_one())
            _enqueue(conn, messages(case_id), now)
        logger.info("Handoff case %d opened (%s)", case_id, region_id or "no Kreis")
        return case_id

    def get(self, case_id: int) -> Case | None:
        """Return the case with this number, if there is one."""
        with self._engine.connect() as conn:
            row = conn.execute(select(H).where(H.c.id == case_id)).first()
        return None if row is None else _case(row)

    def close(self, case_id: int, answer: str, relay: Callable[[Recipient], Outgoing]
              ) -> Closing:
        """Close an open case with ``answer`` and queue ``relay`` to its asker, at once.

        Only the first answer closes a case; a second one finds it closed.
        """
        now = self._clock.now()
        with self._engine.begin() as conn:
            row = conn.execute(select(H).where(H.c.id == case_id).with_for_update()).first()
            if row is None:
                return Closing.MISSING
            closed = conn.execute(
                update(H).where(H.c.id == case_id, H.c.status == CaseStatus.OPEN)
                .values(status=CaseStatus.CLOSED, answer=answer[:MAX_ANSWER], closed_at=now))
            if not closed.rowcount:
                return Closing.ALREADY_CLOSED
            if row.asker_chat_id is None:
                return Closing.NO_ASKER
            _enqueue(conn, [relay(Recipient(row.asker_transport, row.asker_chat_id))], now)
        logger.info("Handoff case %d closed", case_id)
        return Closing.RELAYED

    def open_before(self, cutoff: dt.datetime) -> list[Case]:
        """Return the open cases created before ``cutoff``, oldest first."""
        query = (select(H).where(H.c.status == CaseStatus.OPEN, H.c.created_at < cutoff)
                 .order_by(H.c.created_at, H.c.id))
        with self._engine.connect() as conn:
            return [_case(row) for row in conn.execute(query)]

    def closed_since(self, start: dt.datetime) -> list[Case]:
        """Return the cases closed at or after ``start``, newest first (for ``kb gaps``)."""
        query = (select(H).where(H.c.status == CaseStatus.CLOSED, H.c.closed_at >= start)
                 .order_by(H.c.closed_at.desc(), H.c.id.desc()))
        with self._engine.connect() as conn:
            return [_case(row) for row in conn.execute(query)]

    def enqueue(self, messages: Sequence[Outgoing]) -> None:
        """Queue messages (reminders of open cases); a key already queued is skipped."""
        if messages:
            with self._engine.begin() as conn:
                _enqueue(conn, messages, self._clock.now())

    def purge(self, chats_before: dt.datetime, cases_before: dt.datetime) -> tuple[int, int]:
        """Forget askers and old cases; return (chats forgotten, cases deleted).

        Cases closed before ``chats_before`` lose the asker's chat id, the answer sent to
        it, and the chat's ``subscriber`` row if nothing else is stored for it. Cases
        closed before ``cases_before`` are deleted, and every handoff message older than
        that leaves the outbox.
        """
        with self._engine.begin() as conn:
            forgotten = _forget_askers(conn, chats_before)
            deleted = conn.execute(delete(H).where(
                H.c.status == CaseStatus.CLOSED, H.c.closed_at < cases_before)).rowcount
            conn.execute(delete(R).where(
                R.c.kind == ReminderKind.HANDOFF, R.c.state != State.PENDING,
                R.c.created_at < cases_before))
        return forgotten, int(deleted or 0)


def forget_chat(conn: Connection, recipient: Recipient) -> int:
    """Clear ``recipient`` from every case it asked, inside ``conn``'s transaction."""
    result = conn.execute(update(H).where(
        H.c.asker_transport == recipient.transport, H.c.asker_chat_id == recipient.chat_id,
    ).values(asker_chat_id=None))
    return int(result.rowcount or 0)


def _forget_askers(conn: Connection, before: dt.datetime) -> int:
    rows = conn.execute(select(H.c.id, H.c.asker_transport, H.c.asker_chat_id).where(
        H.c.status == CaseStatus.CLOSED, H.c.closed_at < before,
        H.c.asker_chat_id.is_not(None))).all()
    for case_id, transport, chat_id in rows:
        conn.execute(delete(R).where(R.c.dedupe_key == message_key(case_id, "antwort")))
        owner = S.c.id
        conn.execute(delete(S).where(
            S.c.transport == transport, S.c.chat_id == chat_id,
            ~exists().where(_SUBSCRIPTION.c.subscriber_id == owner),
            ~exists().where(_PERSONAL.c.subscriber_id == owner),
            ~exists().where(R.c.subscriber_id == owner)))
        conn.execute(update(H).where(H.c.id == case_id).values(asker_chat_id=None))
    return len(rows)


def _enqueue(conn: Connection, messages: Sequence[Outgoing], now: dt.datetime) -> None:
    planned = [PlannedReminder(dedupe_key=m.key, subscriber_id=_chat(conn, m.recipient, now),
                               kind=ReminderKind.HANDOFF, text=m.text, due_at=now)
               for m in messages]
    insert_planned(conn, planned, now)


def _chat(conn: Connection, recipient: Recipient, now: dt.datetime) -> int:
    """Return the ``subscriber`` id of a chat, creating the row when it is new."""
    conn.execute(insert_ignoring(conn, S, "transport", "chat_id").values(
        transport=recipient.transport, chat_id=recipient.chat_id, active=True, created_at=now))
    return int(conn.execute(select(S.c.id).where(
        S.c.transport == recipient.transport, S.c.chat_id == recipient.chat_id)).scalar_one())


def _case(row: Any) -> Case:
    asker = (None if row.asker_chat_id is None
             else Recipient(row.asker_transport, row.asker_chat_id))
    return Case(id=row.id, text=row.text, region_id=row.region_id,
                status=CaseStatus(row.status), created_at=row.created_at, asker=asker,
                answer=row.answer, closed_at=row.closed_at)
