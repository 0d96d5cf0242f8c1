"""Planning: expand deadline rules into outbox rows for the matching subscriptions.

The planner is a pure computation (:class:`DesiredReminders`) plus a thin, idempotent
reconciliation with the outbox (:meth:`ReminderPlanner.replan`): rows that should exist
and do not are inserted (``INSERT … ON CONFLICT DO NOTHING`` on ``dedupe_key``), pending
rows that should no longer exist are cancelled, both in one transaction. So re-planning
after a knowledge change moves reminders of moved deadlines, and re-planning twice changes
nothing. Database calls are synchronous; async callers use :func:`asyncio.to_thread`.

A full re-plan touches a million rows, so it compares ``dedupe_key`` strings first and
builds rows only for the missing keys. Subscriptions with the same target, lead days and
send time share one list of reminder "slots"; a key is the subscriber id plus a slot's
precomputed suffix. Only reminders due within ``horizon`` are planned; a daily re-plan
adds the next ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.clock import BERLIN, Clock, berlin_today
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import UNSURE, Occurrence, occurrences
from bot.knowledge.models import Programme
from bot.storage import OutboxRepository, PlannedReminder, ReminderKind, SubscriptionRepository
from bot.storage.bulk import DeadlineRow
from bot.storage.records import PlannedRow, SubscriptionInfo, TargetKind, local_instant

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

    def matching(self, kind: TargetKind, target: str) -> list[Programme]:
        """Return the programmes a subscription to ``kind`` and ``target`` follows."""
        match kind:
            case TargetKind.PROGRAMME:
                found = self.programmes.get(target)
                return [found] if found else []
            case TargetKind.TOPIC:
                return self._by_topic.get(target.casefold(), [])
            case TargetKind.REGION:
                return self._covering(target)
            case TargetKind.ALL:
                return list(self.programmes.values())
            case TargetKind.DIGEST:  # the weekly digest follows no programme itself
                return []

    def _covering(self, region_id: str) -> list[Programme]:
        if region_id not in self._by_region:
            # KnowledgeBase.covers, with the region chain built once per region.
            chain = {r.id for r in self._kb.region_chain(region_id)}
            self._by_region[region_id] = [
                p for p in self.programmes.values() if not chain.isdisjoint(p.regions)
            ]
        return self._by_region[region_id]


def dedupe_key(*parts: object) -> str:
    """Join ``parts`` into a stable key; hash it when it would be too long for the column."""
    key = ":".join("" if part is None else str(part) for part in parts)
    if len(key) <= _MAX_KEY:
        return key
    return "h:" + hashlib.blake2s(key.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class _Slot:
    """One reminder a subscription profile asks for; the key is ``d:<subscriber>:<suffix>``."""

    suffix: str
    due_at: dt.datetime
    # The rest of the row after dedupe_key and subscriber_id (see DeadlineRow).
    tail: tuple[str, str, dt.date, str | None, int, dt.datetime]


_Profile = tuple[TargetKind, str, tuple[int, ...], str]  # kind, target, lead days, send time
# Suffixes longer than this may give a key over the column length (hashed, see _key).
_LONG_SUFFIX = _MAX_KEY - len("d::") - 20


class DesiredReminders:
    """Every deadline row the subscriptions ask for, due no later than ``latest_due``.

    :attr:`keys` holds the ``dedupe_key`` of every wanted row. Rows whose time has
    already passed are included (so existing ones are not cancelled); :meth:`rows`
    leaves them out of what is inserted.
    """

    def __init__(
        self, index: ProgrammeIndex, subscriptions: Iterable[SubscriptionInfo],
        latest_due: dt.datetime,
    ) -> None:
        owners: dict[_Profile, list[int]] = {}
        for sub in subscriptions:
            profile = (sub.kind, sub.target, sub.lead_days, sub.send_time)
            owners.setdefault(profile, []).append(sub.subscriber_id)
        self._index, self._latest_due = index, latest_due
        self._due: dict[tuple[dt.date, int, str], dt.datetime] = {}
        self._stems: dict[str, list[tuple[Occurrence, str]]] = {}
        self._by_suffix: dict[str, _Slot] = {}
        self._hashed: dict[str, tuple[int, _Slot]] = {}
        self.keys: set[str] = set()
        for profile, ids in owners.items():
            self._add(ids, self._slots(profile))

    def _add(self, owners: list[int], slots: list[_Slot]) -> None:
        prefixes = [f"d:{owner}:" for owner in owners]
        for slot in slots:
            self._by_suffix.setdefault(slot.suffix, slot)
            if len(slot.suffix) <= _LONG_SUFFIX:
                self.keys.update([prefix + slot.suffix for prefix in prefixes])
                continue
            for owner in owners:
                key = _key(owner, slot.suffix)
                self.keys.add(key)
                self._hashed.setdefault(key, (owner, slot))

    def rows(self, missing: Iterable[str], after: dt.datetime) -> list[DeadlineRow]:
        """Return the rows of the ``missing`` keys (from :attr:`keys`) due after ``after``."""
        found: list[DeadlineRow] = []
        for key in missing:
            if key in self._hashed:
                owner, slot = self._hashed[key]
            else:
                _, owner_text, suffix = key.split(":", 2)
                owner, slot = int(owner_text), self._by_suffix[suffix]
            if slot.due_at > after:
                found.append((key, owner, *slot.tail))
        return found

    def _slots(self, profile: _Profile) -> list[_Slot]:
        kind, target, leads, send_time = profile
        found = []
        for programme in self._index.matching(kind, target):
            for occurrence, stem in self._occurrences(programme):
                for lead in leads:
                    due_at = self._due_at(occurrence.date, lead, send_time)
                    if due_at <= self._latest_due:
                        # send_time is part of the key: changing it re-plans the row.
                        title = (f"{programme.title} ({UNSURE})" if occurrence.uncertain
                                 else programme.title)
                        found.append(_Slot(f"{stem}:{lead}:{send_time}", due_at, (
                            programme.id, title, occurrence.date, occurrence.label,
                            lead, due_at)))
        return found

    def _occurrences(self, programme: Programme) -> list[tuple[Occurrence, str]]:
        """Return the programme's occurrences with the key part they contribute."""
        if programme.id not in self._stems:
            self._stems[programme.id] = [
                (o, f"{programme.id}:{o.date.isoformat()}:{_short_hash(o.label)}")
                for o in self._index.occurrences[programme.id]]
        return self._stems[programme.id]

    def _due_at(self, deadline: dt.date, lead: int, send_time: str) -> dt.datetime:
        slot = (deadline, lead, send_time)
        if slot not in self._due:
            self._due[slot] = local_instant(deadline - dt.timedelta(days=lead), send_time)
        return self._due[slot]


def _key(owner: int, suffix: str) -> str:
    # The same string as dedupe_key("d", owner, *suffix parts), built without the joins.
    key = f"d:{owner}:{suffix}"
    return key if len(key) <= _MAX_KEY else dedupe_key(key)


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
        desired = DesiredReminders(index, subscriptions, now + self._horizon)
        wanted = desired.keys
        existing = self._outbox.planned_keys(today, subscriber_ids)
        new = desired.rows(wanted - existing.pending.keys() - existing.other, now)
        stale = [row_id for key, row_id in existing.pending.items() if key not in wanted]
        gone = existing.pending_programmes - index.programmes.keys()
        notices = removal_notices(index.programmes.keys(),
                                  self._outbox.pending_of(today, gone, subscriber_ids),
                                  subscriptions, notice_time(now))
        if new or notices or stale:
            cancelled = self._outbox.apply_plan(new, notices, stale, "neu geplant", now)
        else:
            cancelled = 0
        logger.info("Re-planned reminders: %d new, %d cancelled, %d notices",
                    len(new), cancelled, len(notices))
        return PlanResult(len(new), cancelled, len(notices))
