"""The reminder engine with a fake sender and a fixed clock (no real sleeping)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.errors import TransportError
from bot.knowledge.base import KnowledgeBase
from bot.reminders.engine import EngineConfig, ReminderEngine, backoff
from bot.reminders.planner import ReminderPlanner
from bot.reminders.sender import FakeSender, PermanentFailure, RetryLater
from bot.storage import (
    OutboxRepository,
    PlannedReminder,
    Recipient,
    State,
    SubscriptionRepository,
    TargetKind,
)
from bot.storage.database import create_db_engine
from bot.storage.tables import Reminder
from bot.transports.base import NOT_CONFIGURED_RETRY, RoutingSender

UTC = dt.UTC
NINE = dt.datetime(2027, 10, 16, 7, 0, tzinfo=UTC)  # 09:00 in Berlin (CEST)
MakeRow = Callable[..., PlannedReminder]
Owner = Callable[[str], int]


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def engine(outbox: OutboxRepository, sender: FakeSender, clock: FixedClock) -> ReminderEngine:
    clock.set(NINE)
    return ReminderEngine(outbox, sender, clock, config=EngineConfig(worker_id="w1"))


def states(db_engine: Engine) -> dict[str, str]:
    table = Reminder.__table__  # type: ignore[attr-defined]
    with db_engine.begin() as conn:
        return dict(conn.execute(select(table.c.dedupe_key, table.c.state)).all())  # type: ignore[arg-type]


async def test_one_message_per_chat_and_morning(
    engine: ReminderEngine, sender: FakeSender, outbox: OutboxRepository, chat_owner: Owner,
    make_row: MakeRow, subscriptions: SubscriptionRepository,
) -> None:
    owner = chat_owner("1")
    outbox.insert([
        make_row(owner, "a", NINE, dt.date(2027, 10, 23)),
        make_row(owner, "b", NINE, dt.date(2027, 10, 30), text="Kulturrucksack", step="Antrag"),
        make_row(chat_owner("2"), "c", NINE, dt.date(2027, 10, 17)),
    ], NINE)
    subscriptions.add_personal_reminder(Recipient("telegram", "1"), dt.date(2027, 10, 16),
                                        "Belege sammeln")
    result = await engine.sweep()
    assert result.sent == 2
    texts = {d.recipient.chat_id: d.text for d in sender.deliveries}
    assert texts["1"] == (
        "Erinnerung an Fristen:\n"
        "• Heimat-Scheck: Frist 23.10.2027 (in 7 Tagen)\n"
        "• Kulturrucksack – Antrag: Frist 30.10.2027 (in 14 Tagen)\n"
        "\n"
        "Ihre Erinnerung:\n"
        "• Belege sammeln (16.10.2027, heute)"
    )
    assert texts["2"] == "Erinnerung an Fristen:\n• Heimat-Scheck: Frist 17.10.2027 (morgen)"
    assert (await engine.sweep()).sent == 0


async def test_nothing_before_due(
    engine: ReminderEngine, sender: FakeSender, outbox: OutboxRepository, chat_owner: Owner,
    make_row: MakeRow, clock: FixedClock,
) -> None:
    outbox.insert([make_row(chat_owner("1"), "a", NINE, dt.date(2027, 10, 23))], NINE)
    clock.set(NINE - dt.timedelta(seconds=1))
    await engine.sweep()
    assert sender.deliveries == []
    assert await engine.next_due_at() == NINE


async def test_catch_up_sends_late_or_drops_passed(
    engine: ReminderEngine, sender: FakeSender, outbox: OutboxRepository, chat_owner: Owner,
    make_row: MakeRow, clock: FixedClock, db_engine: Engine, caplog: pytest.LogCaptureFixture,
) -> None:
    owner = chat_owner("1")
    outbox.insert([
        make_row(owner, "ahead", NINE, dt.date(2027, 10, 23)),
        make_row(owner, "passed", NINE, dt.date(2027, 10, 17), text="Stadtteilfonds"),
    ], NINE)
    clock.set(dt.datetime(2027, 10, 18, 5, 0, tzinfo=UTC))  # the bot was down for two days
    with caplog.at_level(logging.WARNING):
        result = await engine.sweep()
    assert (result.sent, result.dropped_rows) == (1, 1)
    assert "deadline passed" in caplog.text
    assert [d.text for d in sender.deliveries] == [
        "Erinnerung an Fristen:\n• Heimat-Scheck: Frist 23.10.2027 (in 5 Tagen, verspätet)"]
    assert states(db_engine) == {"ahead": State.SENT, "passed": State.CANCELLED}
    table = Reminder.__table__  # type: ignore[attr-defined]
    with db_engine.begin() as conn:
        assert conn.execute(select(table.c.late).where(table.c.dedupe_key == "ahead")).scalar()


async def test_two_engines_never_send_a_row_twice(
    outbox: OutboxRepository, db_url: str, db_engine: Engine, chat_owner: Owner,
    make_row: MakeRow, clock: FixedClock,
) -> None:
    rows = [make_row(chat_owner(str(i)), f"k{i}", NINE, dt.date(2027, 10, 23))
            for i in range(60)]
    outbox.insert(rows, NINE)
    clock.set(NINE)

    second_started = asyncio.Event()

    async def wait_for_second(_: Recipient) -> None:
        # Hold the first engine in its first send until the second one sends too, so the
        # two really overlap whatever the thread scheduling (a loaded CI machine).
        await asyncio.wait_for(second_started.wait(), timeout=10)

    async def mark_second(_: Recipient) -> None:
        second_started.set()
        await asyncio.sleep(0)

    second_db = create_db_engine(db_url)
    senders = [FakeSender(before_send=wait_for_second), FakeSender(before_send=mark_second)]
    engines = [
        ReminderEngine(OutboxRepository(db), s, clock,
                       config=EngineConfig(worker_id=f"w{i}", batch_size=5, concurrency=3))
        for i, (db, s) in enumerate([(db_engine, senders[0]), (second_db, senders[1])])
    ]
    await asyncio.gather(*(e.sweep() for e in engines), engines[0].sweep())
    second_db.dispose()
    delivered = [d.recipient.chat_id for s in senders for d in s.deliveries]
    assert sorted(delivered) == sorted(str(i) for i in range(60))
    assert outbox.count_by_state() == {State.SENT: 60}
    assert all(s.deliveries for s in senders), "both engines took part"


async def test_09_00_stays_local_across_both_2027_clock_changes(
    engine: ReminderEngine, sender: FakeSender, subscriptions: SubscriptionRepository,
    outbox: OutboxRepository, clock: FixedClock, kb: KnowledgeBase,
) -> None:
    clock.set(dt.datetime(2027, 3, 1, tzinfo=UTC))
    chat = Recipient("telegram", "1")
    subscriptions.subscribe(chat, TargetKind.PROGRAMME, "stadtteilfonds", lead_days=[7, 1])
    subscriptions.subscribe(chat, TargetKind.PROGRAMME, "kulturrucksack", lead_days=[32, 30])
    ReminderPlanner(subscriptions, outbox, clock, horizon=dt.timedelta(days=300)).replan(kb)
    expected = [
        dt.datetime(2027, 3, 25, 8, 0, tzinfo=UTC),  # 09:00 CET, before 28.03.
        dt.datetime(2027, 3, 31, 7, 0, tzinfo=UTC),  # 09:00 CEST
        dt.datetime(2027, 10, 29, 7, 0, tzinfo=UTC),  # 09:00 CEST, before 31.10.
        dt.datetime(2027, 10, 31, 8, 0, tzinfo=UTC),  # 09:00 CET
    ]
    for at in expected:
        count = len(sender.deliveries)
        clock.set(at - dt.timedelta(seconds=1))
        await engine.sweep()
        assert len(sender.deliveries) == count, at
        clock.set(at)
        await engine.sweep()
        assert len(sender.deliveries) == count + 1, at
        assert not sender.deliveries[-1].text.endswith("verspätet)")


async def test_retry_later_honours_retry_after(
    engine: ReminderEngine, sender: FakeSender, outbox: OutboxRepository, chat_owner: Owner,
    make_row: MakeRow, clock: FixedClock,
) -> None:
    outbox.insert([make_row(chat_owner("1"), "a", NINE, dt.date(2027, 10, 23))], NINE)
    sender.fail("1", RetryLater("429 Too Many Requests", retry_after=120))
    assert (await engine.sweep()).retried == 1
    assert await engine.next_due_at() == NINE + dt.timedelta(seconds=120)
    clock.advance(dt.timedelta(seconds=119))
    await engine.sweep()
    assert sender.deliveries == []
    clock.advance(dt.timedelta(seconds=1))
    assert (await engine.sweep()).sent == 1


async def test_transient_failures_back_off_exponentially_then_fail(
    outbox: OutboxRepository, sender: FakeSender, chat_owner: Owner, make_row: MakeRow,
    clock: FixedClock,
) -> None:
    config = EngineConfig(worker_id="w", max_attempts=4)
    engine = ReminderEngine(outbox, sender, clock, config=config)
    clock.set(NINE)
    outbox.insert([make_row(chat_owner("1"), "a", NINE, dt.date(2027, 10, 23))], NINE)
    sender.fail("1", *(TransportError("Netzwerk") for _ in range(4)))
    waits = []
    for _ in range(3):
        await engine.sweep()
        due = await engine.next_due_at()
        assert due is not None
        waits.append(due - clock.now())
        clock.set(due)
    assert waits == [dt.timedelta(seconds=s) for s in (30, 60, 120)]
    assert [backoff(n, config) for n in (1, 2, 3)] == waits
    assert (await engine.sweep()).failed == 1
    assert outbox.count_by_state() == {State.FAILED: 1}


async def test_permanent_failure_deactivates_the_chat(
    engine: ReminderEngine, sender: FakeSender, outbox: OutboxRepository, chat_owner: Owner,
    make_row: MakeRow, subscriptions: SubscriptionRepository,
) -> None:
    owner = chat_owner("1")
    outbox.insert([make_row(owner, "now", NINE, dt.date(2027, 10, 23)),
                   make_row(owner, "later", NINE + dt.timedelta(days=6), dt.date(2027, 10, 23),
                            lead_days=1)], NINE)
    sender.fail("1", PermanentFailure("Forbidden: bot was blocked by the user"))
    assert (await engine.sweep()).failed == 1
    assert outbox.count_by_state() == {State.FAILED: 1, State.CANCELLED: 1}
    assert subscriptions.active_subscriptions() == []
    assert len(subscriptions.list_subscriptions(Recipient("telegram", "1"))) == 1


async def test_a_messenger_that_is_not_configured_neither_fails_nor_unsubscribes(
    outbox: OutboxRepository, clock: FixedClock, subscriptions: SubscriptionRepository,
    make_row: MakeRow, db_engine: Engine,
) -> None:
    """Started once without the Matrix settings, then with them: each reminder arrives once."""
    subscriptions.subscribe(Recipient("matrix", "!raum:kreis.de"), TargetKind.ALL)
    subscriptions.subscribe(Recipient("telegram", "7"), TargetKind.ALL)
    room = subscriptions.subscriber_id(Recipient("matrix", "!raum:kreis.de"))
    chat = subscriptions.subscriber_id(Recipient("telegram", "7"))
    assert room is not None
    assert chat is not None
    outbox.insert([make_row(room, "m", NINE, dt.date(2027, 10, 23)),
                   make_row(chat, "t", NINE, dt.date(2027, 10, 23))], NINE)
    telegram, matrix = FakeSender(), FakeSender()
    clock.set(NINE)
    assert subscriptions.chats_per_transport() == {"matrix": 1, "telegram": 1}
    without = ReminderEngine(outbox, RoutingSender({"telegram": telegram}), clock,
                             config=EngineConfig(worker_id="w1", max_attempts=2))
    for _ in range(5):  # more restarts without Matrix than attempts allowed
        result = await without.sweep()
        clock.advance(NOT_CONFIGURED_RETRY)
    assert result.waiting == 1
    assert [d.recipient.transport for d in telegram.deliveries] == ["telegram"]
    assert outbox.count_by_state() == {State.SENT: 1, State.PENDING: 1}
    assert len(subscriptions.active_subscriptions()) == 2
    with_matrix = ReminderEngine(
        outbox, RoutingSender({"telegram": telegram, "matrix": matrix}), clock,
        config=EngineConfig(worker_id="w2", max_attempts=2))
    await with_matrix.sweep()
    await with_matrix.sweep()
    assert [d.recipient.chat_id for d in matrix.deliveries] == ["!raum:kreis.de"]
    assert outbox.count_by_state() == {State.SENT: 2}
    table = Reminder.__table__  # type: ignore[attr-defined]
    with db_engine.begin() as conn:
        late = dict(conn.execute(select(table.c.dedupe_key, table.c.late)).all())  # type: ignore[arg-type]
    assert late == {"m": True, "t": False}


class CutOutbox:
    """The real outbox, except that writing outcomes fails while ``down`` is set."""

    def __init__(self, outbox: OutboxRepository) -> None:
        self.outbox = outbox
        self.down = False

    def finish(self, outcomes: object, worker: str) -> None:
        if self.down:
            raise ConnectionError("connection to the database was cut")
        self.outbox.finish(outcomes, worker)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self.outbox, name)


async def test_a_database_cut_while_sending_doubles_nothing(
    outbox: OutboxRepository, sender: FakeSender, clock: FixedClock, chat_owner: Owner,
    make_row: MakeRow,
) -> None:
    outbox.insert([make_row(chat_owner(str(n)), f"k{n}", NINE, dt.date(2027, 10, 23))
                   for n in range(16)], NINE)
    cut = CutOutbox(outbox)
    clock.set(NINE)
    engine = ReminderEngine(cut, sender, clock,  # type: ignore[arg-type]
                            config=EngineConfig(worker_id="w1"))
    cut.down = True
    with pytest.raises(ConnectionError):
        await engine.sweep()  # all 16 delivered, none of it written
    assert len(sender.deliveries) == 16
    clock.advance(dt.timedelta(minutes=6))  # the claims' lease has run out meanwhile
    with pytest.raises(ConnectionError):
        await engine.sweep()
    cut.down = False
    clock.advance(dt.timedelta(minutes=1))
    await engine.sweep()
    await engine.sweep()
    assert len(sender.deliveries) == 16, "outcomes are written again, messages never resent"
    assert outbox.count_by_state() == {State.SENT: 16}
