"""Chats, what they subscribed to, and their personal reminders.

The methods are small and synchronous, one transaction each, so the chat commands can
call them through :func:`asyncio.to_thread`. After changing subscriptions, call the
planner's ``replan`` for the subscriber so the outbox follows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from functools import lru_cache

from sqlalchemy import Table, delete, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.storage.claims import chunks
from bot.storage.handoff import forget_chat
from bot.storage.outbox import deactivate, insert_planned
from bot.storage.records import (
    DEFAULT_LEAD_DAYS,
    DEFAULT_SEND_TIME,
    PersonalReminderInfo,
    PlannedReminder,
    Recipient,
    ReminderKind,
    SubscriptionInfo,
    TargetKind,
    format_lead_days,
    local_instant,
    parse_lead_days,
    parse_send_time,
)
from bot.storage.tables import PersonalReminder, Subscriber, Subscription

logger = logging.getLogger(__name__)


class SubscriptionRepository:
    """Reads and writes subscribers, subscriptions and personal reminders."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def subscribe(
        self, recipient: Recipient, kind: TargetKind, target: str = "",
        lead_days: Collection[int] = DEFAULT_LEAD_DAYS, send_time: str = DEFAULT_SEND_TIME,
    ) -> SubscriptionInfo:
        """Create or update a subscription; a deactivated chat becomes active again.

        Raises:
            ValueError: ``send_time`` or ``lead_days`` is malformed.

        """
        parse_send_time(send_time)
        leads = format_lead_days(parse_lead_days(format_lead_days(list(lead_days))))
        target = "" if kind in _NO_TARGET else target
        with Session(self._engine) as session, session.begin():
            owner = self._active_subscriber(session, recipient)
            assert owner.id is not None  # noqa: S101  (flushed by _subscriber)
            found = session.exec(select(Subscription).where(
                Subscription.subscriber_id == owner.id, Subscription.target_kind == kind,
                Subscription.target == target)).first()
            if found is None:
                found = Subscription(subscriber_id=owner.id, target_kind=kind, target=target,
                                     lead_days=leads, send_time=send_time,
                                     created_at=self._clock.now())
            found.lead_days, found.send_time = leads, send_time
            session.add(found)
            session.flush()
            return _info(found)

    def unsubscribe(self, recipient: Recipient, kind: TargetKind, target: str = "") -> bool:
        """Remove one subscription; return False when there was none."""
        target = "" if kind in _NO_TARGET else target
        with Session(self._engine) as session, session.begin():
            owner = self._subscriber(session, recipient)
            if owner is None:
                return False
            result = session.exec(delete(Subscription).where(
                col(Subscription.subscriber_id) == owner.id,
                col(Subscription.target_kind) == kind, col(Subscription.target) == target))
            return bool(result.rowcount)

    def list_subscriptions(self, recipient: Recipient) -> list[SubscriptionInfo]:
        """Return the chat's subscriptions in the order they were made."""
        with Session(self._engine) as session:
            query = (select(Subscription).join(Subscriber)
                     .where(Subscriber.transport == recipient.transport,
                            Subscriber.chat_id == recipient.chat_id)
                     .order_by(col(Subscription.id)))
            return [_info(s) for s in session.exec(query)]

    def active_subscriptions(
        self, subscriber_ids: Collection[int] | None = None
    ) -> list[SubscriptionInfo]:
        """Return subscriptions of active chats (all, or of ``subscriber_ids``)."""
        # Core rather than ORM objects: a full re-plan reads every subscription.
        query = (sa_select(*_INFO_COLUMNS)
                 .join(_SUBSCRIBER, _SUBSCRIBER.c.id == _SUB.c.subscriber_id)
                 .where(_SUBSCRIBER.c.active))
        with self._engine.connect() as conn:
            if subscriber_ids is None:
                return [_info_from_row(*row) for row in conn.execute(query)]
            found: list[SubscriptionInfo] = []
            for part in chunks(sorted(subscriber_ids)):
                rows = conn.execute(query.where(_SUB.c.subscriber_id.in_(part)))
                found += [_info_from_row(*row) for row in rows]
            return found

    def digest_subscribers(self, ordered_before: dt.datetime) -> list[int]:
        """Return the active chats that ordered the weekly digest before ``ordered_before``.

        A chat that orders it during a week gets its first digest the next Monday, also
        when the bot restarts in between.
        """
        query = (sa_select(_SUB.c.subscriber_id)
                 .join(_SUBSCRIBER, _SUBSCRIBER.c.id == _SUB.c.subscriber_id)
                 .where(_SUBSCRIBER.c.active, _SUB.c.target_kind == TargetKind.DIGEST,
                        _SUB.c.created_at < ordered_before)
                 .order_by(_SUB.c.subscriber_id))
        with self._engine.connect() as conn:
            return [int(owner) for owner in conn.execute(query).scalars()]

    def subscriber_id(self, recipient: Recipient) -> int | None:
        """Return the id of a known chat."""
        with Session(self._engine) as session:
            owner = self._subscriber(session, recipient)
            return None if owner is None else owner.id

    def chats_per_transport(self) -> dict[str, int]:
        """Return how many active chats with a subscription each messenger has."""
        query = (sa_select(col(Subscriber.transport), func.count(func.distinct(Subscriber.id)))
                 .join(Subscription, col(Subscription.subscriber_id) == col(Subscriber.id))
                 .where(col(Subscriber.active)).group_by(Subscriber.transport))
        with Session(self._engine) as session:
            return {str(t): int(n) for t, n in session.execute(query)}

    def all_subscriber_ids(self) -> list[int]:
        """Return the ids of all chats (for a full re-plan)."""
        with Session(self._engine) as session:
            return [i for i in session.exec(select(Subscriber.id)) if i is not None]

    def delete_all_for_chat(self, recipient: Recipient) -> bool:
        """Forget a chat completely (its subscriptions, personal reminders and outbox).

        Questions it handed off to the Kulturbüro lose their way back to the chat: an
        answer still coming is not delivered.
        """
        with Session(self._engine) as session, session.begin():
            result = session.exec(delete(Subscriber).where(
                col(Subscriber.transport) == recipient.transport,
                col(Subscriber.chat_id) == recipient.chat_id))
            cases = forget_chat(session.connection(), recipient)
            deleted = bool(result.rowcount) or bool(cases)
        if deleted:
            logger.info("Deleted all data of a chat on %s", recipient.transport)
        return deleted

    def move_chat(self, old: Recipient, new: Recipient) -> bool:
        """Let a chat's data follow it to a new id (a Telegram group became a supergroup).

        Returns False, changing nothing, when the old chat is unknown or the new id has
        data of its own already: merging two chats' subscriptions is left to the people
        in them (``/abos`` shows both, until the old group's are removed).
        """
        with Session(self._engine) as session, session.begin():
            if self._subscriber(session, new) is not None:
                logger.warning("A %s chat moved to an id that already has data; not merged",
                               old.transport)
                return False
            subscriber = self._subscriber(session, old)
            if subscriber is None:
                return False
            subscriber.transport, subscriber.chat_id = new.transport, new.chat_id
        logger.info("A %s chat moved to a new id; its data followed", old.transport)
        return True

    def deactivate_subscriber(self, subscriber_id: int, reason: str) -> None:
        """Stop reminding a chat (kept for reactivation on its next subscribe)."""
        with self._engine.begin() as conn:
            deactivate(conn, subscriber_id, reason)

    def add_personal_reminder(
        self, recipient: Recipient, due_on: dt.date, text: str,
        send_time: str = DEFAULT_SEND_TIME,
    ) -> PersonalReminderInfo:
        """Store a personal reminder and its outbox row in one transaction.

        Raises:
            ValueError: ``send_time`` is malformed.

        """
        due_at = local_instant(due_on, send_time)
        with Session(self._engine) as session, session.begin():
            owner = self._active_subscriber(session, recipient)
            assert owner.id is not None  # noqa: S101  (flushed by _subscriber)
            mine = PersonalReminder(subscriber_id=owner.id, due_on=due_on, send_time=send_time,
                                    text=text, created_at=self._clock.now())
            session.add(mine)
            session.flush()
            assert mine.id is not None  # noqa: S101  (flushed)
            planned = PlannedReminder(
                dedupe_key=f"p:{mine.id}", subscriber_id=owner.id, kind=ReminderKind.PERSONAL,
                text=text, due_at=due_at, occurs_on=due_on, personal_reminder_id=mine.id)
            insert_planned(session.connection(), [planned], self._clock.now())
            return PersonalReminderInfo(mine.id, due_on, send_time, text)

    def list_personal_reminders(self, recipient: Recipient) -> list[PersonalReminderInfo]:
        """Return the chat's personal reminders, soonest first."""
        with Session(self._engine) as session:
            query = (select(PersonalReminder).join(Subscriber)
                     .where(Subscriber.transport == recipient.transport,
                            Subscriber.chat_id == recipient.chat_id)
                     .order_by(col(PersonalReminder.due_on), col(PersonalReminder.id)))
            return [PersonalReminderInfo(p.id or 0, p.due_on, p.send_time, p.text)
                    for p in session.exec(query)]

    def delete_personal_reminder(self, recipient: Recipient, reminder_id: int) -> bool:
        """Delete one personal reminder of the chat (its outbox row goes with it)."""
        with Session(self._engine) as session, session.begin():
            owner = self._subscriber(session, recipient)
            if owner is None:
                return False
            result = session.exec(delete(PersonalReminder).where(
                col(PersonalReminder.id) == reminder_id,
                col(PersonalReminder.subscriber_id) == owner.id))
            return bool(result.rowcount)

    def _subscriber(self, session: Session, recipient: Recipient) -> Subscriber | None:
        return session.exec(select(Subscriber).where(
            Subscriber.transport == recipient.transport,
            Subscriber.chat_id == recipient.chat_id)).first()

    def _active_subscriber(self, session: Session, recipient: Recipient) -> Subscriber:
        found = self._subscriber(session, recipient)
        if found is None:
            found = Subscriber(transport=recipient.transport, chat_id=recipient.chat_id,
                               created_at=self._clock.now())
        found.active = True
        session.add(found)
        session.flush()
        return found


def _info(row: Subscription) -> SubscriptionInfo:
    return _info_from_row(row.id or 0, row.subscriber_id, row.target_kind, row.target,
                          row.lead_days, row.send_time)


@lru_cache(maxsize=256)
def _leads(text: str) -> tuple[int, ...]:
    return parse_lead_days(text)


def _info_from_row(
    id_: int, subscriber_id: int, kind: str, target: str, lead_days: str, send_time: str
) -> SubscriptionInfo:
    return SubscriptionInfo(id=id_, subscriber_id=subscriber_id, kind=TargetKind(kind),
                            target=target, lead_days=_leads(lead_days), send_time=send_time)


_SUB: Table = Subscription.__table__  # type: ignore[attr-defined]
_SUBSCRIBER: Table = Subscriber.__table__  # type: ignore[attr-defined]
_NO_TARGET = (TargetKind.ALL, TargetKind.DIGEST)
_INFO_COLUMNS = (_SUB.c.id, _SUB.c.subscriber_id, _SUB.c.target_kind, _SUB.c.target,
                 _SUB.c.lead_days, _SUB.c.send_time)
