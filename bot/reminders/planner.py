"""Planning: expand deadline rules into outbox rows for the matching subscriptions.

The planner is a pure computation (:func:`desired_reminders`) plus a thin, idempotent
reconciliation with the outbox (:meth:`ReminderPlanner.replan`): rows that should exist
and do not are inserted (``INSERT … ON CONFLICT DO NOTHING`` on ``dedupe_key``, one
executemany), pending rows that should no longer exist are cancelled. So re-planning after
a knowledge change moves reminders of moved deadlines, and re-planning twice changes
nothing. Database calls are synchronous; async callers use :func:`asyncio.to_thread`.

Only reminders due within ``horizon`` are planned; a daily re-plan adds the next ones.
This keeps a full re-plan of many subscriptions cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.clock import BERLIN, Clock, berlin_today
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import Occurrence, occurrences
from bot.knowledge.models import Programme
from bot.storage import OutboxRepository, PlannedReminder, ReminderKind, SubscriptionRepository
from bot.storage.records import PlannedRow, State, SubscriptionInfo, TargetKind, local_instant

logger = logging.getLogger(__name__)

DEFAULT_HORIZON = dt.timedelta(days=120)
_MAX_KEY = 255
_NOTICE_HOURS = range(9, 20)  # notices are not sent at night


@dataclass(frozen=True)
class PlanResult:
    """What a re-plan changed."""

    inserted: int
    cancelled: int
    notices: int


class ProgrammeIndex:
    """Finds the programmes a subscription follows, with per-target caches."""

    def __init__(self, kb: KnowledgeBase, today: dt.date) -> None:
        self._kb = kb
        self.programmes = {p.id: p for p in kb.programmes()}
        self._by_topic: dict[str, list[Programme]] = {}
        for programme in self.programmes.values():
            for topic in {t.casefold() for t in programme.topics}:
                self._by_topic.setdefault(topic, []).append(programme)
        self._by_region: dict[str, list[Programme]] = {}
        self.occurrences = {
            pid: sorted({o for rule in p.deadlines for o in occurrences(rule, today)})
            for pid, p in self.programmes.items()
        }

    def matching(self, subscription: SubscriptionInfo) -> list[Programme]:
        """Return the programmes ``subscription`` follows."""
        match subscription.kind:
            case TargetKind.PROGRAMME:
                found = self.programmes.get(subscription.target)
                return [found] if found else []
            case TargetKind.TOPIC:
                return self._by_topic.get(subscription.target.casefold(), [])
            case TargetKind.REGION:
                return self._covering(subscription.target)
            case TargetKind.ALL:
                return list(self.programmes.values())

    def _covering(self, region_id: str) -> list[Programme]:
        if region_id not in self._by_region:
            self._by_region[region_id] = [
                p for p in self.programmes.values() if self._kb.covers(p, region_id)
            ]
        return self._by_region[region_id]


def dedupe_key(*parts: object) -> str:
    """Join ``parts`` into a stable key; hash it when it would be too long for the column."""
    key = ":".join("" if part is None else str(part) for part in parts)
    if len(key) <= _MAX_KEY:
        return key
    return "h:" + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()


def desired_reminders(
    index: ProgrammeIndex, subscriptions: Iterable[SubscriptionInfo], latest_due: dt.datetime
) -> dict[str, PlannedReminder]:
    """Return every deadline row the subscriptions ask for, due no later than ``latest_due``.

    Rows whose time has already passed are included (so existing ones are not cancelled);
    the caller decides what to insert.
    """
    due_cache: dict[tuple[dt.date, str], dt.datetime] = {}
    wanted: dict[str, PlannedReminder] = {}
    for subscription in subscriptions:
        for programme in index.matching(subscription):
            for occurrence in index.occurrences[programme.id]:
                for lead in subscription.lead_days:
                    day = occurrence.date - dt.timedelta(days=lead)
                    slot = (day, subscription.send_time)
                    if slot not in due_cache:
                        due_cache[slot] = local_instant(day, subscription.send_time)
                    if due_cache[slot] > latest_due:
                        continue
                    row = _deadline_row(subscription, programme, occurrence, lead, due_cache[slot])
                    wanted.setdefault(row.dedupe_key, row)
    return wanted


def _deadline_row(
    subscription: SubscriptionInfo, programme: Programme, occurrence: Occurrence, lead: int,
    due_at: dt.datetime,
) -> PlannedReminder:
    # send_time is part of the key: changing it re-plans the row (old one cancelled).
    key = dedupe_key("d", subscription.subscriber_id, programme.id, occurrence.date.isoformat(),
                     _short_hash(occurrence.label), lead, subscription.send_time)
    return PlannedReminder(
        dedupe_key=key, subscriber_id=subscription.subscriber_id, kind=ReminderKind.DEADLINE,
        text=programme.title, due_at=due_at, occurs_on=occurrence.date,
        programme_id=programme.id, step=occurrence.label, lead_days=lead,
    )


def _short_hash(label: str | None) -> str:
    return "" if label is None else hashlib.blake2s(label.encode(), digest_size=4).hexdigest()


def removal_notices(
    known: Collection[str], stale: Iterable[PlannedRow],
    subscriptions: Iterable[SubscriptionInfo], at: dt.datetime,
) -> list[PlannedReminder]:
    """Return one notice per chat and programme that vanished from the knowledge."""
    titles: dict[tuple[int, str], str] = {}
    for row in stale:
        if row.programme_id and row.programme_id not in known:
            titles[(row.subscriber_id, row.programme_id)] = row.text
    for sub in subscriptions:
        if sub.kind is TargetKind.PROGRAMME and sub.target not in known:
            titles.setdefault((sub.subscriber_id, sub.target), sub.target)
    return [
        PlannedReminder(
            dedupe_key=dedupe_key("n", "removed", owner, programme_id), subscriber_id=owner,
            kind=ReminderKind.NOTICE, programme_id=programme_id, due_at=at,
            text=f"„{title}“ ist nicht mehr im Förderlotsen verzeichnet; "
                 "die geplanten Erinnerungen dazu entfallen.",
        )
        for (owner, programme_id), title in sorted(titles.items())
    ]


def notice_time(now: dt.datetime) -> dt.datetime:
    """Return ``now`` during the day, else the next 09:00 in Europe/Berlin."""
    local = now.astimezone(BERLIN)
    if local.hour in _NOTICE_HOURS:
        return now
    day = local.date() + dt.timedelta(days=1 if local.hour >= _NOTICE_HOURS.stop else 0)
    return local_instant(day, f"{_NOTICE_HOURS.start:02d}:00")


class ReminderPlanner:
    """Reconciles the outbox with the knowledge and the subscriptions."""

    def __init__(
        self, subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: Clock,
        horizon: dt.timedelta = DEFAULT_HORIZON,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._clock = clock
        self._horizon = horizon

    def replan(
        self, kb: KnowledgeBase, subscriber_ids: Collection[int] | None = None
    ) -> PlanResult:
        """Bring the outbox in line with ``kb``, for all chats or only ``subscriber_ids``.

        Call it after loading or reloading the knowledge (all chats), after a chat changed
        its subscriptions (that chat), and once a day (moves the horizon).
        """
        now, today = self._clock.now(), berlin_today(self._clock)
        subscriptions = self._subscriptions.active_subscriptions(subscriber_ids)
        index = ProgrammeIndex(kb, today)
        wanted = desired_reminders(index, subscriptions, now + self._horizon)
        existing = self._outbox.planned_deadlines(today, subscriber_ids)
        present = {row.dedupe_key for row in existing}
        new = [row for key, row in wanted.items() if key not in present and row.due_at > now]
        stale = [r for r in existing if r.state == State.PENDING and r.dedupe_key not in wanted]
        notices = removal_notices(index.programmes.keys(), stale, subscriptions, notice_time(now))
        self._outbox.insert(new + notices, now)
        cancelled = self._outbox.cancel([r.id for r in stale], "neu geplant")
        logger.info("Re-planned reminders: %d new, %d cancelled, %d notices",
                    len(new), cancelled, len(notices))
        return PlanResult(len(new), cancelled, len(notices))
