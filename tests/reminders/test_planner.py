"""Planning deadline reminders from the knowledge, on both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.knowledge.base import KnowledgeBase
from bot.reminders.planner import PlanResult, ReminderPlanner, dedupe_key, notice_time
from bot.storage import OutboxRepository, Recipient, State, SubscriptionRepository, TargetKind
from bot.storage.tables import Reminder

CHAT = Recipient("telegram", "1")
OTHER = Recipient("matrix", "!r:x")
UTC = dt.UTC
KbWith = Callable[..., KnowledgeBase]


@pytest.fixture
def planner(
    subscriptions: SubscriptionRepository, outbox: OutboxRepository, clock: FixedClock
) -> ReminderPlanner:
    clock.set(dt.datetime(2027, 9, 1, 12, 0, tzinfo=UTC))
    return ReminderPlanner(subscriptions, outbox, clock)


def rows(engine: Engine, state: str | None = None) -> list[tuple[object, ...]]:
    table = Reminder.__table__  # type: ignore[attr-defined]
    query = select(table.c.kind, table.c.programme_id, table.c.occurs_on, table.c.step,
                   table.c.lead_days, table.c.due_at, table.c.state, table.c.subscriber_id)
    if state:
        query = query.where(table.c.state == state)
    with engine.begin() as conn:
        return sorted(tuple(r) for r in conn.execute(query))


def test_programme_subscription_plans_each_lead_at_local_send_time(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[28, 7, 1])
    assert planner.replan(kb) == PlanResult(3, 0, 0)
    due = [(r[4], r[5]) for r in rows(db_engine)]
    assert sorted(due) == [  # 09:00 CEST (UTC+2) on 22.10., 16.10., 25.09.
        (1, dt.datetime(2027, 10, 22, 7, 0, tzinfo=UTC)),
        (7, dt.datetime(2027, 10, 16, 7, 0, tzinfo=UTC)),
        (28, dt.datetime(2027, 9, 25, 7, 0, tzinfo=UTC)),
    ]


def test_replanning_is_idempotent(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.ALL)
    subscriptions.subscribe(CHAT, TargetKind.TOPIC, "heimat")  # overlaps with "all"
    first = planner.replan(kb)
    assert first.inserted > 0
    before = rows(db_engine)
    assert planner.replan(kb) == PlanResult(0, 0, 0)
    assert rows(db_engine) == before


@pytest.mark.parametrize(("kind", "target", "expected"), [
    (TargetKind.TOPIC, "HEIMAT", {"heimat-scheck"}),  # rolling ehrenamtsfonds: nothing
    (TargetKind.TOPIC, "kultur", {"kulturrucksack"}),  # call without dates: nothing
    (TargetKind.REGION, "kreis-guetersloh", {"heimat-scheck", "kulturrucksack"}),
    (TargetKind.REGION, "rheinland", {"heimat-scheck"}),
    (TargetKind.ALL, "", {"heimat-scheck", "kulturrucksack"}),
    (TargetKind.PROGRAMME, "ehrenamtsfonds", set()),
])
def test_matching(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine, kind: TargetKind, target: str, expected: set[str],
) -> None:
    subscriptions.subscribe(CHAT, kind, target, lead_days=[7])
    planner.replan(kb)
    assert {r[1] for r in rows(db_engine)} == expected


def test_two_step_programme_plans_each_step(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "kulturrucksack", lead_days=[7])
    planner.replan(kb)
    assert [(r[2], r[3]) for r in rows(db_engine)] == [
        (dt.date(2027, 9, 30), "Projektskizze"), (dt.date(2027, 11, 30), "Antrag")]


def test_call_based_programme_is_planned_once_dates_exist(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb_with: KbWith,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "sonderaufruf", lead_days=[7])
    assert planner.replan(kb_with()).inserted == 0
    announced = {"deadlines": [{"type": "nach_aufruf", "dates": ["15.10.2027"]}]}
    assert planner.replan(kb_with({"sonderaufruf": announced})).inserted == 1
    assert rows(db_engine)[0][2] == dt.date(2027, 10, 15)


def test_moved_deadline_cancels_old_and_plans_new(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb_with: KbWith,
    db_engine: Engine, outbox: OutboxRepository, clock: FixedClock,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[28, 7])
    planner.replan(kb_with())
    # The 28-day reminder (25.09.) goes out before the date moves.
    [sent] = outbox.claim_due(dt.datetime(2027, 9, 25, 7, tzinfo=UTC), "w",
                              dt.timedelta(minutes=5), 10)
    outbox.mark_sent([sent.id], "w", clock.now())
    moved = {"deadlines": [{"type": "jaehrlich", "dates": ["06.11."]}]}
    assert planner.replan(kb_with({"heimat-scheck": moved})) == PlanResult(2, 1, 0)
    assert [(r[2], r[4]) for r in rows(db_engine, State.PENDING)] == [
        (dt.date(2027, 11, 6), 7), (dt.date(2027, 11, 6), 28)]
    assert [(r[2], r[4]) for r in rows(db_engine, State.SENT)] == [(dt.date(2027, 10, 23), 28)]


def test_removed_programme_cancels_and_notifies_once_per_chat(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb_with: KbWith,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")
    subscriptions.subscribe(CHAT, TargetKind.TOPIC, "Heimat")
    subscriptions.subscribe(OTHER, TargetKind.ALL, lead_days=[7])
    planner.replan(kb_with())
    result = planner.replan(kb_with({"heimat-scheck": None}))
    assert result.cancelled == 4  # 3 leads for CHAT, 1 for OTHER
    notices = rows(db_engine, State.PENDING)
    assert [(r[0], r[1]) for r in notices] == [("deadline", "kulturrucksack")] * 2 + [
        ("notice", "heimat-scheck")] * 2
    assert len({r[7] for r in notices if r[0] == "notice"}) == 2
    planner.replan(kb_with({"heimat-scheck": None}))
    assert rows(db_engine, State.PENDING) == notices


def test_unsubscribe_then_replan_cancels_that_chat_only(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[7])
    subscriptions.subscribe(OTHER, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[7])
    planner.replan(kb)
    subscriptions.unsubscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")
    owner = subscriptions.subscriber_id(CHAT)
    assert owner is not None
    assert planner.replan(kb, [owner]) == PlanResult(0, 1, 0)
    assert len(rows(db_engine, State.PENDING)) == 1


def test_passed_reminders_are_not_planned_but_kept(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine, clock: FixedClock,
) -> None:
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[7, 1])
    planner.replan(kb)
    clock.set(dt.datetime(2027, 10, 18, 12, tzinfo=UTC))  # after the 7-day reminder was due
    assert planner.replan(kb) == PlanResult(0, 0, 0)  # the unsent due row stays for catch-up
    subscriptions.subscribe(OTHER, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[7, 1])
    assert planner.replan(kb).inserted == 1  # only the 1-day reminder is still ahead


def test_dst_change_keeps_local_send_time(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb: KnowledgeBase,
    db_engine: Engine, clock: FixedClock,
) -> None:
    clock.set(dt.datetime(2027, 3, 1, tzinfo=UTC))
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "stadtteilfonds", lead_days=[7, 1])
    planner.replan(kb)
    assert sorted(r[5] for r in rows(db_engine)) == [
        dt.datetime(2027, 3, 25, 8, 0, tzinfo=UTC),  # 09:00 CET
        dt.datetime(2027, 3, 31, 7, 0, tzinfo=UTC),  # 09:00 CEST
    ]


def test_notice_time_avoids_the_night() -> None:
    day = dt.datetime(2027, 10, 20, 10, tzinfo=UTC)  # 12:00 in Berlin
    assert notice_time(day) == day
    assert notice_time(dt.datetime(2027, 10, 20, 2, tzinfo=UTC)) == \
        dt.datetime(2027, 10, 20, 7, tzinfo=UTC)
    assert notice_time(dt.datetime(2027, 10, 20, 20, tzinfo=UTC)) == \
        dt.datetime(2027, 10, 21, 7, tzinfo=UTC)


def test_dedupe_key_stays_short() -> None:
    assert dedupe_key("d", 1, "x", None) == "d:1:x:"
    assert len(dedupe_key("d", "x" * 300)) < 255


def test_a_disputed_deadline_is_called_unsure_in_its_reminders(
    planner: ReminderPlanner, subscriptions: SubscriptionRepository, kb_with: KbWith,
    db_engine: Engine,
) -> None:
    kb = kb_with({"heimat-scheck": {"deadlines": [
        {"type": "jaehrlich", "dates": ["23.10."], "uncertain": True,
         "note": "Quellen nennen den 23.10. und den 31.10."}]}})
    subscriptions.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[7])
    planner.replan(kb)
    table = Reminder.__table__  # type: ignore[attr-defined]
    with db_engine.begin() as conn:
        [text] = conn.execute(select(table.c.text)).scalars().all()
    assert text == "Heimat-Scheck (Frist unsicher, bitte beim Fördergeber prüfen)"
