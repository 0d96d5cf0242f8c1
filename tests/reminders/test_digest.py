"""The weekly digest: Monday 09:00 in Berlin, one message, once a week, only when ordered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import yaml
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme
from bot.reminders.digest import WeeklyDigest, next_digest_at
from bot.reminders.digest_text import DigestContent, DigestDeadline, render_digest
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.planner import ReminderPlanner
from bot.reminders.scheduler import NEXT_DUE_JOB, ReminderScheduler
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, Recipient, SubscriptionRepository, TargetKind
from bot.storage.programme_versions import ProgrammeVersions
from bot.storage.tables import Reminder

UTC = dt.UTC
CHAT = Recipient("telegram", "1")
OTHER = Recipient("matrix", "!r:x")
MONDAY = dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST, the day after the change
KbWith = Callable[..., KnowledgeBase]
# Heimat-Scheck gets a disputed second date, so the winter week has a deadline too.
DISPUTED = {"heimat-scheck": {"deadlines": [
    {"type": "jaehrlich", "dates": ["23.10.", "02.11."], "uncertain": True}]}}
UNSURE_LINE = "• 02.11.2026 Heimat-Scheck – Frist unsicher, bitte beim Fördergeber prüfen"
FOOTER = "Abbestellen: /abbestellen wochenbrief"


class Holder:
    """The knowledge in force, swapped by a test as hot reload would."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def get(self) -> KnowledgeBase:
        return self.kb


@pytest.fixture
def versions(db_engine: Engine) -> ProgrammeVersions:
    return ProgrammeVersions(db_engine)


@pytest.fixture
def make_digest(subscriptions: SubscriptionRepository, outbox: OutboxRepository,
                versions: ProgrammeVersions, clock: FixedClock,
                ) -> Callable[..., WeeklyDigest]:
    """Build a digest as a (re)started bot does: it notes the knowledge first."""

    def make(kb: KnowledgeBase | Holder, **kwargs: object) -> WeeklyDigest:
        holder = kb if isinstance(kb, Holder) else Holder(kb)
        digest = WeeklyDigest(subscriptions, outbox, versions, clock, holder.get,
                              **kwargs)  # type: ignore[arg-type]
        digest.note_knowledge()
        return digest

    return make


def engine(outbox: OutboxRepository, sender: FakeSender, clock: FixedClock,
           worker: str = "w1") -> ReminderEngine:
    return ReminderEngine(outbox, sender, clock, config=EngineConfig(worker_id=worker))


def digest_rows(db_engine: Engine) -> list[tuple[str, str, dt.date]]:
    table = Reminder.__table__  # type: ignore[attr-defined]
    query = select(table.c.dedupe_key, table.c.state, table.c.occurs_on).where(
        table.c.kind == "digest")
    with db_engine.begin() as conn:
        return sorted(tuple(row) for row in conn.execute(query))  # type: ignore[misc]


def new_programme(kb: KnowledgeBase) -> KnowledgeBase:
    """Return ``kb`` plus the programme of data/digest_new_programme.yaml."""
    text = (Path(__file__).parent / "data" / "digest_new_programme.yaml").read_text("utf-8")
    added = Programme.model_validate(yaml.safe_load(text))
    return KnowledgeBase(entries={**kb.entries, added.id: added}, regions=kb.regions)


@pytest.mark.parametrize(("saturday", "first", "second", "expected"), [
    # The clocks went forward on 29.03.2026: 09:00 CEST is 07:00 UTC.
    (dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC), dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
     dt.datetime(2026, 4, 6, 7, 0, tzinfo=UTC),
     "Ihr Wochenbrief für die Woche ab 30.03.2026\n\n"
     "Fristen der nächsten 4 Wochen:\n• 01.04.2026 Stadtteilfonds Münster\n\n" + FOOTER),
    # They went back on 25.10.2026: 09:00 CET is 08:00 UTC.
    (dt.datetime(2026, 10, 24, 12, 0, tzinfo=UTC), dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
     dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
     "Ihr Wochenbrief für die Woche ab 26.10.2026\n\n"
     f"Fristen der nächsten 4 Wochen:\n{UNSURE_LINE}\n\n" + FOOTER),
])
async def test_the_digest_comes_at_nine_in_berlin_across_the_clock_change(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb_with: KbWith, make_digest: Callable[..., WeeklyDigest], saturday: dt.datetime,
    first: dt.datetime, second: dt.datetime, expected: str,
) -> None:
    clock.set(saturday)
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    sender = FakeSender()
    scheduler = AsyncIOScheduler(timezone=UTC)
    timing = ReminderScheduler(engine(outbox, sender, clock), scheduler,
                               digest=make_digest(kb_with(DISPUTED)))
    scheduler.start(paused=True)  # jobs go to the job store but do not fire on their own
    try:
        timing.install()
        await timing.sweep_and_rearm()
        assert sender.deliveries == []
        assert scheduler.get_job(NEXT_DUE_JOB).trigger.run_date == first
        clock.set(first - dt.timedelta(seconds=1))
        await timing.sweep_and_rearm()
        assert sender.deliveries == []
        clock.set(first)
        await timing.sweep_and_rearm()
        assert [d.text for d in sender.deliveries] == [expected]
        assert scheduler.get_job(NEXT_DUE_JOB).trigger.run_date == second
    finally:
        scheduler.shutdown(wait=False)


@pytest.mark.parametrize(("now", "expected"), [
    (dt.datetime(2026, 3, 30, 6, 59, 59, tzinfo=UTC), dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    (dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC), dt.datetime(2026, 4, 6, 7, 0, tzinfo=UTC)),
    (dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
    (dt.datetime(2026, 10, 26, 7, 30, tzinfo=UTC), dt.datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
    (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), dt.datetime(2027, 1, 4, 8, 0, tzinfo=UTC)),
])
def test_next_digest_is_the_next_monday_nine_in_berlin(now: dt.datetime,
                                                       expected: dt.datetime) -> None:
    assert next_digest_at(now) == expected


async def test_an_empty_week_sends_nothing(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest], db_engine: Engine,
) -> None:
    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")  # due in October
    digest = make_digest(kb)
    clock.set(MONDAY)
    assert digest.plan_due() == 0
    sender = FakeSender()
    await engine(outbox, sender, clock).sweep()
    assert sender.deliveries == []
    assert digest_rows(db_engine) == []


async def test_a_chat_that_did_not_order_it_gets_none(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest],
) -> None:
    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.ALL)
    subscriptions.subscribe(OTHER, TargetKind.DIGEST)
    digest = make_digest(kb)
    clock.set(MONDAY)
    assert digest.plan_due() == 1
    sender = FakeSender()
    await engine(outbox, sender, clock).sweep()
    assert [d.recipient for d in sender.deliveries] == [OTHER]


async def test_no_second_digest_after_a_restart_in_the_same_week(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, kb_with: KbWith, make_digest: Callable[..., WeeklyDigest],
    db_engine: Engine,
) -> None:
    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    first = make_digest(kb)
    sender = FakeSender()
    clock.set(MONDAY)
    assert first.plan_due() == 1
    await engine(outbox, sender, clock).sweep()
    assert len(sender.deliveries) == 1
    # Restarted an hour later with changed knowledge: a new process, a new engine.
    clock.set(MONDAY + dt.timedelta(hours=1))
    second = make_digest(kb_with(DISPUTED))
    assert second.plan_due() == 0
    assert (await engine(outbox, sender, clock, "w2").sweep()).sent == 0
    assert len(sender.deliveries) == 1
    assert digest_rows(db_engine) == [("digest:1:2026-W14", "sent", dt.date(2026, 4, 5))]


async def test_new_and_changed_programmes_are_named_also_after_a_restart(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, kb_with: KbWith, make_digest: Callable[..., WeeklyDigest],
) -> None:
    clock.set(dt.datetime(2026, 3, 24, 9, 0, tzinfo=UTC))  # Tuesday: the bot runs
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(CHAT, TargetKind.TOPIC, "Heimat")
    make_digest(kb)
    # Thursday: the files changed while the bot was down; it starts with the new ones.
    clock.set(dt.datetime(2026, 3, 26, 15, 0, tzinfo=UTC))
    changed = kb_with({"heimat-scheck": {"summary": "Jetzt auch für Schulen."},
                       "kulturrucksack": {"summary": "Nicht im Abo dieses Chats."}})
    holder = Holder(new_programme(changed))
    digest = make_digest(holder)
    holder.kb = new_programme(changed)  # a reload without changes is no news
    digest.note_knowledge()
    clock.set(MONDAY)
    assert digest.plan_due() == 1
    sender = FakeSender()
    await engine(outbox, sender, clock).sweep()
    assert [d.text for d in sender.deliveries] == [
        "Ihr Wochenbrief für die Woche ab 30.03.2026\n\n"
        "Fristen der nächsten 4 Wochen:\n• 15.04.2026 Dorffonds\n\n"
        "Neu: Dorffonds\nGeändert: Heimat-Scheck\n\n" + FOOTER]


async def test_news_are_told_in_one_digest_only(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, kb_with: KbWith, make_digest: Callable[..., WeeklyDigest],
    db_engine: Engine,
) -> None:
    clock.set(MONDAY - dt.timedelta(days=10))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")  # due in October
    make_digest(kb)
    clock.set(MONDAY - dt.timedelta(days=8))  # Sunday 22.03.: changed in the week before
    digest = make_digest(kb_with({"heimat-scheck": {"summary": "Jetzt auch für Schulen."}}))
    clock.set(MONDAY - dt.timedelta(days=7, hours=-1))  # Monday 23.03., 09:00 CET
    assert digest.plan_due() == 1
    clock.set(MONDAY)
    assert digest.plan_due() == 0
    assert [key for key, _, _ in digest_rows(db_engine)] == ["digest:1:2026-W13"]


async def test_the_digest_and_that_mornings_reminders_are_one_message(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest],
) -> None:
    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "stadtteilfonds", lead_days=[2])
    ReminderPlanner(subscriptions, outbox, clock).replan(kb)
    sender = FakeSender()
    scheduler = AsyncIOScheduler(timezone=UTC)
    timing = ReminderScheduler(engine(outbox, sender, clock), scheduler, digest=make_digest(kb))
    clock.set(MONDAY)
    await timing.sweep_and_rearm()
    assert [d.text for d in sender.deliveries] == [
        "Erinnerung an Fristen:\n• Stadtteilfonds Münster: Frist 01.04.2026 (in 2 Tagen)\n\n"
        "Ihr Wochenbrief für die Woche ab 30.03.2026\n\n"
        "Fristen der nächsten 4 Wochen:\n• 01.04.2026 Stadtteilfonds Münster\n\n" + FOOTER]


async def test_ordered_during_the_week_it_starts_next_monday(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest], db_engine: Engine,
) -> None:
    clock.set(MONDAY + dt.timedelta(hours=2))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    # A restart right after ordering: this week's digest (Stadtteilfonds, 01.04.) is not
    # sent to a chat that was not there at 09:00.
    assert make_digest(kb).plan_due() == 0
    clock.set(MONDAY + dt.timedelta(days=7))
    assert make_digest(new_programme(kb)).plan_due() == 1  # Dorffonds, 15.04.
    assert [key for key, _, _ in digest_rows(db_engine)] == ["digest:1:2026-W15"]


async def test_a_digest_missed_while_down_comes_later_that_week_but_not_after(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest],
) -> None:
    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(OTHER, TargetKind.DIGEST)
    clock.set(dt.datetime(2026, 4, 1, 8, 0, tzinfo=UTC))  # started on Wednesday
    digest = make_digest(kb)
    assert digest.plan_due() == 2
    assert digest.plan_due() == 0  # once per week and process
    sender = FakeSender()
    sender.fail(OTHER.chat_id, *[RuntimeError("Matrix weg")] * 10)
    await engine(outbox, sender, clock).sweep()
    [late] = sender.deliveries
    assert "• 01.04.2026 Stadtteilfonds Münster" in late.text  # today's deadline still counts
    clock.set(dt.datetime(2026, 4, 6, 6, 0, tzinfo=UTC))  # Monday 08:00: the week is over
    result = await engine(outbox, sender, clock).sweep()
    assert (result.sent, result.dropped_rows) == (0, 1)


async def test_broadcasts_of_the_week_have_a_place(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock,
    kb: KnowledgeBase, make_digest: Callable[..., WeeklyDigest],
) -> None:
    asked: list[tuple[list[int], dt.datetime, dt.datetime]] = []

    def broadcasts(owners: Sequence[int], since: dt.datetime,
                   until: dt.datetime) -> dict[int, list[str]]:
        asked.append((list(owners), since, until))
        return {owner: ["Infoabend Heimatförderung am 02.04.2026 in Höxter"] for owner in owners}

    clock.set(MONDAY - dt.timedelta(days=3))
    subscriptions.subscribe(CHAT, TargetKind.DIGEST)
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")  # nothing due
    digest = make_digest(kb, broadcasts=broadcasts)
    clock.set(MONDAY)
    assert digest.plan_due() == 1
    sender = FakeSender()
    await engine(outbox, sender, clock).sweep()
    last_monday = dt.datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert asked == [([subscriptions.subscriber_id(CHAT)], last_monday, MONDAY)]
    assert [d.text for d in sender.deliveries] == [
        "Ihr Wochenbrief für die Woche ab 30.03.2026\n\n"
        "Mitteilungen:\n• Infoabend Heimatförderung am 02.04.2026 in Höxter\n\n" + FOOTER]


def test_a_long_digest_stays_short_and_says_what_it_left_out() -> None:
    week = dt.date(2026, 3, 30)
    assert render_digest(DigestContent(week)) is None
    text = render_digest(DigestContent(
        week, deadlines=[DigestDeadline(week + dt.timedelta(days=n), f"Programm {n:02d}",
                                        "Antrag" if n == 0 else None, uncertain=n == 1)
                         for n in range(12)],
        added=[f"Neu {n}" for n in range(8)], changed=["Heimat-Scheck"],
        broadcasts=["x " * 300]))
    assert text is not None
    lines = text.splitlines()
    assert lines[3:5] == ["• 30.03.2026 Programm 00 (Antrag)",
                          "• 31.03.2026 Programm 01 – Frist unsicher, bitte beim Fördergeber "
                          "prüfen"]
    assert len([line for line in lines if line.startswith("• ") and "Programm" in line]) == 10
    assert "Und 2 weitere: /fristen 4" in lines
    assert "Neu: Neu 0, Neu 1, Neu 2, Neu 3, Neu 4, Neu 5 und 2 weitere" in lines
    assert "Geändert: Heimat-Scheck" in lines
    [broadcast] = [line for line in lines if line.startswith("• x")]
    assert len(broadcast) == 2 + 400
    assert len(text) < 4096 - 1000  # room for the reminders of the same morning
