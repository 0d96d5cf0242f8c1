"""The database tables: subscribers, their subscriptions and personal reminders, the outbox.

Every instant is stored in UTC. :class:`UtcDateTime` hands aware UTC datetimes back on
both backends (SQLite has no time zone type and would return naive values).
Wall-clock times ("09:00") and calendar dates are stored as what the user chose; the
planner turns them into UTC instants in Europe/Berlin.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

metadata = SQLModel.metadata
# Named constraints let later migrations drop or alter them, also in SQLite batch mode.
metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime column, stored as UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Convert to UTC; SQLite gets a naive UTC value so text comparisons stay ordered."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Any:
        """Convert, then format for the driver; memoised, as a re-plan repeats few instants."""
        inner = self.impl_instance.bind_processor(dialect)

        @lru_cache(maxsize=4096)
        def process(value: dt.datetime | None) -> Any:
            converted = self.process_bind_param(value, dialect)
            return inner(converted) if inner is not None else converted

        return process

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """Parse SQLite's text with ``fromisoformat``, many times faster than the default.

        A claim reads hundreds of rows with two instants each; SQLAlchemy's regular
        expression parser made that the largest part of its time.
        """
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        fromisoformat, utc = dt.datetime.fromisoformat, dt.UTC

        def process(value: str | None) -> dt.datetime | None:
            return None if value is None else fromisoformat(value).replace(tzinfo=utc)

        return process

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class AsStored(TypeDecorator[Any]):
    """A column read and bound as the driver has it, for values only compared again.

    The claim reads hundreds of due instants per batch only to find where one chat's
    rows of one instant end, and may pass one back as a parameter; converting them to
    aware datetimes and back was wasted work.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Any:
        """Pass values through."""
        return None

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """Pass values through."""
        return None


class IsoDate(TypeDecorator[dt.date]):
    """A date read with ``date.fromisoformat`` on SQLite (for hot queries via type_coerce).

    SQLAlchemy parses SQLite dates with a regular expression, which showed up in the
    profile of loading a batch of reminders.
    """

    impl = Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        """Parse ISO text on SQLite; other drivers return dates already."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        fromisoformat = dt.date.fromisoformat

        def process(value: str | None) -> dt.date | None:
            return None if value is None else fromisoformat(value)

        return process


def _utc(nullable: bool = False) -> Any:
    """Build the ``sa_column`` of a UTC instant (each table needs its own Column object)."""
    return Column(UtcDateTime(), nullable=nullable)


def _owner_fk(index: bool = True) -> Any:
    # CASCADE: deleting a chat ("delete all my data") removes everything it owns in one go.
    return Column(Integer, ForeignKey("subscriber.id", ondelete="CASCADE"), nullable=False,
                  index=index)


class Subscriber(SQLModel, table=True):
    """One chat on one transport that may receive reminders."""

    __tablename__ = "subscriber"
    __table_args__ = (UniqueConstraint("transport", "chat_id", name="uq_subscriber_chat"),)

    id: int | None = Field(default=None, primary_key=True)
    transport: str = Field(max_length=20)
    chat_id: str = Field(max_length=255)
    active: bool = True
    created_at: dt.datetime = Field(sa_column=_utc())


class Subscription(SQLModel, table=True):
    """What a chat follows: a programme, a topic, a region or everything."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "target_kind", "target", name="uq_subscription_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(sa_column=_owner_fk())
    target_kind: str = Field(max_length=20)  # programme | topic | region | all
    target: str = Field(max_length=200)  # "" for kind "all"
    lead_days: str = Field(max_length=100)  # compact list, e.g. "28,7,1"
    send_time: str = Field(max_length=5)  # local wall-clock time, e.g. "09:00"
    created_at: dt.datetime = Field(sa_column=_utc())


class PersonalReminder(SQLModel, table=True):
    """A reminder a user set for themselves ("erinnere mich am 01.09.2027 an …")."""

    __tablename__ = "personal_reminder"

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(sa_column=_owner_fk())
    due_on: dt.date
    send_time: str = Field(max_length=5)
    text: str = Field(max_length=500)
    created_at: dt.datetime = Field(sa_column=_utc())


class Reminder(SQLModel, table=True):
    """The outbox: one planned message part, delivered by the reminder engine.

    ``dedupe_key`` is unique, so planning the same reminder twice inserts it once.
    """

    __tablename__ = "reminder"
    __table_args__ = (
        # The claim reads pending rows in exactly this order, one chat's rows of an
        # instant together, so it walks the index and sorts nothing.
        Index("ix_reminder_state_next", "state", "next_attempt_at", "subscriber_id", "id"),
        # The claim's second step (the other due rows of the same chats) and per-chat reads.
        Index("ix_reminder_subscriber_state_next", "subscriber_id", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(sa_column=_owner_fk(index=False))  # see ix_reminder_subscriber_…
    kind: str = Field(max_length=10)  # deadline|personal|notice|digest|handoff|broadcast
    programme_id: str | None = Field(default=None, max_length=200)
    personal_reminder_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("personal_reminder.id", ondelete="CASCADE"),
                         nullable=True),
    )
    # Programme title, personal text, notice text, or a whole weekly digest (hence no
    # length limit; the digest keeps itself to one messenger message).
    text: str = Field(sa_column=Column(Text, nullable=False))
    occurs_on: dt.date | None = None  # the deadline day (a digest: its week's Sunday)
    step: str | None = Field(default=None, max_length=200)
    lead_days: int = 0
    due_at: dt.datetime = Field(sa_column=_utc())
    state: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(sa_column=_utc())
    late: bool = False
    dedupe_key: str = Field(max_length=255, unique=True)
    sent_at: dt.datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = Field(sa_column=_utc())


class ReminderClaim(SQLModel, table=True):
    """A lease on a pending outbox row: an engine is sending it (state "sending").

    Claims live in their own small table, so claiming a batch writes a few adjacent pages
    instead of one page per claimed row scattered over the large outbox. There is no
    foreign key to ``reminder`` on purpose: in PostgreSQL its check would lock every
    claimed row, which cost more than the claim itself. The claim of a reminder deleted
    meanwhile is removed by the next engine that takes it over (see
    :mod:`bot.storage.outbox`).
    """

    __tablename__ = "reminder_claim"
    # No index on claimed_at: the table holds only the rows in flight, so scanning it for
    # expired leases is cheap, and every claim would have to maintain one.

    reminder_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    worker: str = Field(max_length=100)
    claimed_at: dt.datetime = Field(sa_column=_utc())
    takeovers: int = 0  # how often another engine took the claim over after a crash


class ProgrammeVersion(SQLModel, table=True):
    """The content hash of each programme the bot has seen, and when it was new or changed.

    The weekly digest reads its "Neu:" and "Geändert:" lines from here, so they survive a
    restart and agree between processes. ``added_at`` is None for the programmes that
    were there when the table was first filled: they are not news. Rows of programmes
    that left the knowledge stay, so a file left out for a day does not come back "new".
    """

    __tablename__ = "programme_version"

    programme_id: str = Field(primary_key=True, max_length=200)
    content_hash: str = Field(max_length=64)
    added_at: dt.datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    changed_at: dt.datetime | None = Field(default=None, sa_column=_utc(nullable=True))
