"""The weekly digest ("/abo wochenbrief"): planned into the outbox on Monday at 09:00.

Timing: the digest instant is Monday 09:00 in Europe/Berlin, turned into UTC per week
(07:00 UTC in summer, 08:00 UTC in winter), as the reminder planner does. Every sweep
asks :meth:`WeeklyDigest.plan_due` first, and the scheduler wakes at
:meth:`WeeklyDigest.next_at`, so the digest and the deadline reminders of that morning
leave in one sweep, as one message per chat.

Delivery: each chat's digest is one outbox row (kind "digest") with the key
``digest:<subscriber id>:<ISO week>``. Inserting skips an existing key, so planning
again after a restart, or in a second process, never sends a week twice; the engine's
guarantees apply as to every reminder. The row's ``occurs_on`` is the Sunday of its
week: a digest that could not be sent by then is dropped, not sent a week late.

Which chats: those that ordered the digest before the week's instant (a chat ordering
on a Tuesday starts next Monday). What it says (see :mod:`bot.reminders.digest_text`):
the deadlines of the next four weeks and the programmes added or changed in the week
before the instant (:class:`~bot.storage.programme_versions.ProgrammeVersions`), both
for the programmes the chat's other subscriptions follow, or for all programmes when it
follows nothing else; and the broadcasts the chat received in the week before the
instant ("Mitteilungen:", see :mod:`bot.storage.broadcasts`). An empty week sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence

from bot.clock import BERLIN, Clock
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme
from bot.knowledge.versions import content_hashes
from bot.reminders.digest_text import WEEKS, DigestContent, DigestDeadline, render_digest
from bot.reminders.planner import ProgrammeIndex
from bot.reminders.weeks import berlin_monday, iso_week
from bot.storage import OutboxRepository, PlannedReminder, ReminderKind, SubscriptionRepository
from bot.storage.programme_versions import Changes, ProgrammeVersions
from bot.storage.records import SubscriptionInfo, TargetKind, local_instant

logger = logging.getLogger(__name__)

SEND_TIME = "09:00"
_WEEK = dt.timedelta(days=7)

# The broadcast texts each chat received from the start of the week before to the digest
# instant: (chats, since, until) → texts per chat (BroadcastRepository.week).
WeekBroadcasts = Callable[[Sequence[int], dt.datetime, dt.datetime], Mapping[int, Sequence[str]]]


def no_broadcasts(owners: Sequence[int], since: dt.datetime,
                  until: dt.datetime) -> dict[int, list[str]]:
    """Return no broadcasts (a digest without the broadcast store, as in some tests)."""
    return {}


def digest_at(monday: dt.date) -> dt.datetime:
    """Return the UTC instant of the digest of the week starting ``monday``."""
    return local_instant(monday, SEND_TIME)


def next_digest_at(now: dt.datetime) -> dt.datetime:
    """Return the first digest instant after ``now``."""
    monday = berlin_monday(now)
    this_week = digest_at(monday)
    return this_week if this_week > now else digest_at(monday + _WEEK)


def digest_key(owner: int, monday: dt.date) -> str:
    """Return the outbox key of a chat's digest of a week: one per chat and week."""
    return f"digest:{owner}:{iso_week(monday)}"


class WeeklyDigest:
    """Plans each opted-in chat's digest into the outbox, once per week."""

    def __init__(
        self, subscriptions: SubscriptionRepository, outbox: OutboxRepository,
        versions: ProgrammeVersions, clock: Clock, knowledge: Callable[[], KnowledgeBase],
        broadcasts: WeekBroadcasts = no_broadcasts,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._versions = versions
        self._clock = clock
        self._knowledge = knowledge
        self._broadcasts = broadcasts
        self._planned_week: str | None = None  # planned by this process already

    def note_knowledge(self) -> Changes:
        """Record the programmes of the knowledge in force (call on start and reload)."""
        return self._versions.record(content_hashes(self._knowledge()), self._clock.now())

    def next_at(self) -> dt.datetime:
        """Return when the next digest is due."""
        return next_digest_at(self._clock.now())

    def plan_due(self) -> int:
        """Plan this week's digests once its instant has come; return the rows inserted.

        Cheap when there is nothing to do, so every sweep may call it. After a downtime
        it catches up within the same week.
        """
        now = self._clock.now()
        monday = berlin_monday(now)
        week = iso_week(monday)
        if now < digest_at(monday) or self._planned_week == week:
            return 0
        count = self.plan_week(monday)
        self._planned_week = week
        return count

    def plan_week(self, monday: dt.date) -> int:
        """Plan the digests of the week starting ``monday``; return how many are new.

        Chats that have this week's digest already (planned by an earlier run or another
        process) are skipped; the unique key catches a race between two processes.
        """
        at, now, kb = digest_at(monday), self._clock.now(), self._knowledge()
        self._versions.record(content_hashes(kb), now)
        owners = self._subscriptions.digest_subscribers(at)
        done = self._outbox.existing_keys([digest_key(o, monday) for o in owners])
        owners = [o for o in owners if digest_key(o, monday) not in done]
        if not owners:
            return 0
        follows: dict[int, list[SubscriptionInfo]] = {owner: [] for owner in owners}
        for sub in self._subscriptions.active_subscriptions(owners):
            if sub.kind is not TargetKind.DIGEST:
                follows[sub.subscriber_id].append(sub)
        # After a downtime, deadlines already over this week are no longer listed.
        start = max(monday, now.astimezone(BERLIN).date())
        since = digest_at(monday - _WEEK)
        week = _Week(ProgrammeIndex(kb, start), monday, self._versions.changes(since, at),
                     self._broadcasts(list(follows), since, at))
        rows = [row for owner, subs in follows.items()
                if (row := week.row(owner, subs, at)) is not None]
        self._outbox.insert(rows, now)
        logger.info("Weekly digest %s: %d chat(s) with news, %d without", iso_week(monday),
                    len(rows), len(owners) - len(rows))
        return len(rows)


class _Week:
    """What one week's digests share: the programmes, their deadlines and the news."""

    def __init__(self, index: ProgrammeIndex, monday: dt.date, changes: Changes,
                 broadcasts: Mapping[int, Sequence[str]]) -> None:
        self._index = index
        self._monday = monday
        self._changes = changes
        self._broadcasts = broadcasts
        end = monday + dt.timedelta(weeks=WEEKS)
        self._deadlines = {
            pid: [DigestDeadline(o.date, index.programmes[pid].title, o.label, o.uncertain)
                  for o in found if o.date < end]
            for pid, found in index.occurrences.items()}

    def row(self, owner: int, follows: Sequence[SubscriptionInfo],
            at: dt.datetime) -> PlannedReminder | None:
        """Return the outbox row of ``owner``'s digest, or None for an empty week."""
        programmes = self._scope(follows)
        text = render_digest(DigestContent(
            self._monday,
            deadlines=[d for p in programmes for d in self._deadlines[p.id]],
            added=[p.title for p in programmes if p.id in self._changes.added],
            changed=[p.title for p in programmes if p.id in self._changes.changed],
            broadcasts=self._broadcasts.get(owner, ())))
        if text is None:
            return None
        return PlannedReminder(
            dedupe_key=digest_key(owner, self._monday), subscriber_id=owner,
            kind=ReminderKind.DIGEST, text=text, due_at=at,
            occurs_on=self._monday + dt.timedelta(days=6))

    def _scope(self, follows: Sequence[SubscriptionInfo]) -> list[Programme]:
        """Return the programmes the chat follows; all of them when it follows none."""
        found: dict[str, Programme] = {}
        for sub in follows:
            found.update((p.id, p) for p in self._index.matching(sub.kind, sub.target))
        if not found and not follows:
            return list(self._index.programmes.values())
        return list(found.values())
