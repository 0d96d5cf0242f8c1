"""Broadcasts ("Rundschreiben") from coordinators to subscribed chats, and what chats received.

A broadcast is stored with its text, its audience, who sent it and when, and how many
chats it went to. The sender is a coordinator: staff of a Kulturbüro acting for it,
named by messenger and account as configured in ``FOERDERLOTSE_COORDINATORS``, never a
private person.

Sending writes the broadcast and one outbox row per chat (kind "broadcast", the bare
text) in one transaction, so either every chat of the audience gets it or none does. The
engine delivers the rows paced like reminders; a row's key ``b:<broadcast id>:<subscriber
id>`` makes each chat's copy one row, however often the rows are inserted. The rows
belong to the chat's ``subscriber`` row: ``/daten-loeschen`` removes them with the chat
(ON DELETE CASCADE), and ``/abos`` and the weekly digest read a chat's received
broadcasts from them.

The audience is only ever active chats with at least one subscription: a chat that never
subscribed (it only asked, or handed a question to the Kulturbüro), that unsubscribed
everything, or whose subscriptions were paused (the bot was blocked or removed) gets none.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Column, Table, and_, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, SQLModel

from bot.clock import Clock
from bot.storage.claims import chunks
from bot.storage.outbox import insert_planned
from bot.storage.records import PlannedReminder, Recipient, ReminderKind, State, TargetKind
from bot.storage.tables import Reminder, Subscriber, Subscription, UtcDateTime

logger = logging.getLogger(__name__)

MAX_TEXT = 2000
# The same text to the same audience from the same coordinator within this time is a
# repeat (a second "ja", a resent command after a lost reply): it is not sent again.
REPEAT_WINDOW = dt.timedelta(hours=24)


class Broadcast(SQLModel, table=True):
    """One broadcast; its rows in the outbox carry its id in their key."""

    __tablename__ = "broadcast"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are never reused

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(max_length=MAX_TEXT)
    audience_kind: str = Field(max_length=20)  # all | programme | topic | region
    audience_target: str = Field(max_length=200)  # "" for all
    audience: str = Field(max_length=200)  # as the coordinator saw it: "Kreis Höxter"
    coordinator_transport: str = Field(max_length=20)
    coordinator_id: str = Field(max_length=255)
    created_at: dt.datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    chats: int = 0  # how many chats it went to


B: Table = Broadcast.__table__  # type: ignore[attr-defined]
R: Table = Reminder.__table__  # type: ignore[attr-defined]
S: Table = Subscriber.__table__  # type: ignore[attr-defined]
_SUB: Table = Subscription.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Audience:
    """Who a broadcast goes to: active chats with a subscription to one of ``follows``.

    ``follows`` maps subscription kinds to the targets that count (``TargetKind.ALL`` to
    ``{""}``); None means any subscription at all. ``kind``, ``target`` and ``label`` say
    what the coordinator chose, for the record and for the preview.
    """

    kind: TargetKind
    target: str
    label: str
    follows: Mapping[TargetKind, frozenset[str]] | None = None


@dataclass(frozen=True)
class Sent:
    """What became of a broadcast: its id, the chats it goes to, and whether it was a repeat.

    ``repeated``: the same broadcast had been sent within :data:`REPEAT_WINDOW`; nothing
    was queued, ``id``, ``chats`` and ``created_at`` are the earlier one's.
    """

    id: int
    chats: int
    created_at: dt.datetime
    repeated: bool = False


@dataclass(frozen=True)
class Received:
    """A broadcast a chat received: when, and its text."""

    sent_at: dt.datetime
    text: str


def row_key(broadcast_id: int, subscriber_id: int) -> str:
    """Return the outbox key of one chat's copy: ``b:<broadcast id>:<subscriber id>``."""
    return f"b:{broadcast_id}:{subscriber_id}"


class BroadcastRepository:
    """Counts audiences, sends broadcasts into the outbox, reads what chats received."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def count(self, audience: Audience) -> int:
        """Return how many chats ``audience`` reaches now."""
        with self._engine.connect() as conn:
            return len(_members(conn, audience))

    def send(self, text: str, audience: Audience, coordinator: Recipient) -> Sent:
        """Store a broadcast and queue it for every chat of ``audience``, in one transaction.

        Returns ``chats=0`` (nothing stored) when the audience is empty.
        """
        now = self._clock.now()
        text = text[:MAX_TEXT]
        with self._engine.begin() as conn:
            earlier = _repeat_of(conn, text, audience, coordinator, now - REPEAT_WINDOW)
            if earlier is not None:
                return earlier
            members = _members(conn, audience)
            if not members:
                return Sent(0, 0, now)
            broadcast_id = int(conn.execute(B.insert().values(
                text=text, audience_kind=audience.kind, audience_target=audience.target,
                audience=audience.label[:200], coordinator_transport=coordinator.transport,
                coordinator_id=coordinator.chat_id, created_at=now, chats=len(members),
            ).returning(B.c.id)).scalar_one())
            insert_planned(conn, [PlannedReminder(
                dedupe_key=row_key(broadcast_id, owner), subscriber_id=owner,
                kind=ReminderKind.BROADCAST, text=text, due_at=now) for owner in members], now)
        logger.info("Broadcast %d queued for %d chat(s) (%s)", broadcast_id, len(members),
                    audience.kind)
        return Sent(broadcast_id, len(members), now)

    def received(self, recipient: Recipient, limit: int = 3) -> list[Received]:
        """Return the broadcasts this chat received, newest first (for ``/abos``)."""
        query = (select(R.c.sent_at, R.c.text).join(S, S.c.id == R.c.subscriber_id)
                 .where(S.c.transport == recipient.transport, S.c.chat_id == recipient.chat_id,
                        R.c.kind == ReminderKind.BROADCAST, R.c.state == State.SENT)
                 .order_by(R.c.sent_at.desc(), R.c.id.desc()).limit(limit))
        with self._engine.connect() as conn:
            return [Received(sent_at, text) for sent_at, text in conn.execute(query)]

    def week(self, owners: Sequence[int], since: dt.datetime,
             until: dt.datetime) -> dict[int, list[str]]:
        """Return the broadcast texts each of ``owners`` received in ``[since, until)``.

        Oldest first; for the weekly digest's "Mitteilungen:".
        """
        found: dict[int, list[str]] = {}
        query = (select(R.c.subscriber_id, R.c.text)
                 .where(R.c.kind == ReminderKind.BROADCAST, R.c.state == State.SENT,
                        R.c.sent_at >= since, R.c.sent_at < until)
                 .order_by(R.c.sent_at, R.c.id))
        with self._engine.connect() as conn:
            for part in chunks(sorted(owners)):
                for owner, text in conn.execute(query.where(R.c.subscriber_id.in_(part))):
                    found.setdefault(int(owner), []).append(text)
        return found


def _members(conn: Connection, audience: Audience) -> list[int]:
    """Return the ids of the active chats ``audience`` reaches, in id order."""
    subscribed = select(_SUB.c.subscriber_id)
    if audience.follows is not None:
        conditions = [and_(_SUB.c.target_kind == str(kind), _SUB.c.target.in_(sorted(targets)))
                      for kind, targets in audience.follows.items() if targets]
        if not conditions:
            return []
        subscribed = subscribed.where(or_(*conditions))
    query = select(S.c.id).where(S.c.active, S.c.id.in_(subscribed)).order_by(S.c.id)
    return [int(owner) for owner in conn.execute(query).scalars()]


def _repeat_of(conn: Connection, text: str, audience: Audience, coordinator: Recipient,
               since: dt.datetime) -> Sent | None:
    row = conn.execute(select(B.c.id, B.c.chats, B.c.created_at).where(
        B.c.coordinator_transport == coordinator.transport,
        B.c.coordinator_id == coordinator.chat_id, B.c.text == text,
        B.c.audience_kind == audience.kind, B.c.audience_target == audience.target,
        B.c.created_at >= since).order_by(B.c.id.desc()).limit(1)).first()
    return None if row is None else Sent(row.id, row.chats, row.created_at, repeated=True)
