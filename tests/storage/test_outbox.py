"""OutboxRepository: idempotent planning, atomic claims with a lease, guarded finishing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.storage import (
    OutboxRepository,
    PlannedReminder,
    Recipient,
    ReminderKind,
    State,
    SubscriptionRepository,
    TargetKind,
)

T0 = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def outbox(db_engine: Engine) -> OutboxRepository:
    return OutboxRepository(db_engine)


@pytest.fixture
def owners(db_engine: Engine, clock: FixedClock) -> list[int]:
    repo = SubscriptionRepository(db_engine, clock)
    ids = []
    for chat in ("a", "b"):
        repo.subscribe(Recipient("telegram", chat), TargetKind.ALL)
        ids.append(repo.subscriber_id(Recipient("telegram", chat)))
    return [i for i in ids if i is not None]


def planned(owner: int, key: str, due: dt.datetime = T0) -> PlannedReminder:
    return PlannedReminder(dedupe_key=key, subscriber_id=owner, kind=ReminderKind.DEADLINE,
                           text="Heimat-Scheck", due_at=due, occurs_on=dt.date(2027, 10, 23),
                           programme_id="heimat-scheck", lead_days=7)


def test_insert_is_idempotent(outbox: OutboxRepository, owners: list[int]) -> None:
    rows = [planned(owners[0], "k1"), planned(owners[1], "k2")]
    outbox.insert(rows, T0)
    outbox.insert([*rows, planned(owners[0], "k3")], T0)
    assert outbox.count_by_state() == {State.PENDING: 3}
    assert sorted(r.dedupe_key for r in outbox.planned_deadlines(dt.date(2027, 10, 1))) == \
        ["k1", "k2", "k3"]
    assert outbox.planned_deadlines(dt.date(2027, 10, 24)) == []
    assert len(outbox.planned_deadlines(dt.date(2027, 10, 1), [owners[1]])) == 1


def test_claim_takes_due_rows_once(outbox: OutboxRepository, owners: list[int]) -> None:
    outbox.insert([planned(owners[0], "now"), planned(owners[0], "later", T0 + LEASE)], T0)
    assert outbox.next_due_at() == T0
    claimed = outbox.claim_due(T0, "w1", LEASE, 10)
    assert [c.dedupe_key for c in claimed] == ["now"]
    assert claimed[0].recipient == Recipient("telegram", "a")
    assert claimed[0].attempts == 1
    assert outbox.claim_due(T0, "w2", LEASE, 10) == []
    assert outbox.next_due_at() == T0 + LEASE


def test_claim_completes_a_chats_group(outbox: OutboxRepository, owners: list[int]) -> None:
    outbox.insert([planned(owners[0], f"a{i}") for i in range(3)]
                  + [planned(owners[1], "b0")], T0)
    claimed = outbox.claim_due(T0, "w1", LEASE, 1)
    assert sorted(c.dedupe_key for c in claimed) == ["a0", "a1", "a2"]


def test_claim_never_splits_a_chats_rows_of_one_instant(
    outbox: OutboxRepository, owners: list[int]
) -> None:
    # Due order: b0, then the T0 rows chat by chat (a before b). With a limit of 3 the
    # batch would end inside a's group; that group waits and starts the next batch.
    outbox.insert([planned(owners[1], "b0", T0 - LEASE), planned(owners[1], "b1")]
                  + [planned(owners[0], f"a{i}") for i in range(3)], T0)
    batches = [sorted(c.dedupe_key for c in outbox.claim_due(T0, "w1", LEASE, 3))
               for _ in range(4)]
    assert batches == [["b0"], ["a0", "a1", "a2"], ["b1"], []]


def test_expired_lease_is_reclaimed(outbox: OutboxRepository, owners: list[int]) -> None:
    outbox.insert([planned(owners[0], "k")], T0)
    [first] = outbox.claim_due(T0, "crashed", LEASE, 10)
    assert outbox.claim_due(T0 + LEASE - dt.timedelta(seconds=1), "w2", LEASE, 10) == []
    [again] = outbox.claim_due(T0 + LEASE, "w2", LEASE, 10)
    assert (again.id, again.attempts) == (first.id, 2)
    outbox.mark_sent([first.id], "crashed", T0)  # the old holder may not finish it
    assert outbox.count_by_state() == {State.SENDING: 1}
    outbox.mark_sent([again.id], "w2", T0 + LEASE)
    assert outbox.count_by_state() == {State.SENT: 1}


def test_retry_fail_and_drop(outbox: OutboxRepository, owners: list[int]) -> None:
    outbox.insert([planned(owners[0], "r"), planned(owners[1], "f")], T0)
    claimed = {c.dedupe_key: c.id for c in outbox.claim_due(T0, "w", LEASE, 10)}
    outbox.retry_at([claimed["r"]], "w", T0 + dt.timedelta(minutes=1), "429")
    outbox.mark_failed([claimed["f"]], "w", "kaputt")
    assert outbox.count_by_state() == {State.PENDING: 1, State.FAILED: 1}
    assert outbox.claim_due(T0, "w", LEASE, 10) == []
    [retried] = outbox.claim_due(T0 + dt.timedelta(minutes=1), "w", LEASE, 10)
    outbox.drop([retried.id], "w", "Frist abgelaufen")
    assert outbox.count_by_state() == {State.CANCELLED: 1, State.FAILED: 1}


def test_cancel_only_touches_pending(outbox: OutboxRepository, owners: list[int]) -> None:
    outbox.insert([planned(owners[0], "p"), planned(owners[0], "s", T0 - LEASE)], T0)
    [sending] = outbox.claim_due(T0 - LEASE, "w", LEASE, 1)
    ids = [row.id for row in outbox.planned_deadlines(dt.date(2027, 1, 1))]
    assert outbox.cancel(ids, "verschoben") == 1
    assert outbox.count_by_state() == {State.CANCELLED: 1, State.SENDING: 1}
    assert sending.dedupe_key == "s"


def test_claims_skip_rows_other_engines_hold(
    outbox: OutboxRepository, owners: list[int], db_engine: Engine, clock: FixedClock
) -> None:
    repo = SubscriptionRepository(db_engine, clock)
    repo.subscribe(Recipient("telegram", "c"), TargetKind.ALL)
    third = repo.subscriber_id(Recipient("telegram", "c"))
    assert third is not None
    outbox.insert([planned(owner, f"k{owner}") for owner in (*owners, third)], T0)
    taken = [outbox.claim_due(T0, worker, LEASE, 1) for worker in ("w1", "w2", "w3", "w4")]
    keys = [[c.dedupe_key for c in batch] for batch in taken]
    assert sorted(k for batch in keys for k in batch) == sorted(
        f"k{owner}" for owner in (*owners, third))
    assert keys[3] == []


def test_a_claim_whose_row_was_deleted_is_dropped(
    outbox: OutboxRepository, owners: list[int], db_engine: Engine, clock: FixedClock
) -> None:
    # The chat asks to delete its data while its reminder is being sent.
    outbox.insert([planned(owners[0], "gone"), planned(owners[1], "stays")], T0)
    ids = outbox.claim(T0, "w1", LEASE, 10)
    assert len(ids) == 2
    assert SubscriptionRepository(db_engine, clock).delete_all_for_chat(
        Recipient("telegram", "a"))
    assert [row.dedupe_key for row in outbox.load(ids, "w1")] == ["stays"]
    assert outbox.count_by_state() == {State.SENDING: 1}


def test_an_expired_claim_whose_row_was_deleted_is_dropped(
    outbox: OutboxRepository, owners: list[int], db_engine: Engine, clock: FixedClock
) -> None:
    # The engine holding the claim died, then the chat deleted its data.
    outbox.insert([planned(owners[0], "gone")], T0)
    assert outbox.claim_due(T0, "crashed", LEASE, 10)
    SubscriptionRepository(db_engine, clock).delete_all_for_chat(Recipient("telegram", "a"))
    assert outbox.claim_due(T0 + LEASE, "w2", LEASE, 10) == []
    with db_engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM reminder_claim").scalar() == 0
