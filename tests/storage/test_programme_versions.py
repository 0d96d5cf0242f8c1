"""What the weekly digest stores: programme versions, its subscribers, its long texts."""

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
    SubscriptionRepository,
    TargetKind,
)
from bot.storage.programme_versions import Changes, ProgrammeVersions

T0 = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(days=3)
T2 = T0 + dt.timedelta(days=10)
CHAT = Recipient("telegram", "1001")
OTHER = Recipient("matrix", "!room:example.org")


@pytest.fixture
def versions(db_engine: Engine) -> ProgrammeVersions:
    return ProgrammeVersions(db_engine)


def test_the_first_recording_is_no_news(versions: ProgrammeVersions) -> None:
    assert versions.record({"a": "1", "b": "2"}, T0) == Changes()
    assert versions.changes(T0 - dt.timedelta(days=1), T2) == Changes()


def test_new_and_changed_programmes_are_dated_when_first_seen(
    versions: ProgrammeVersions,
) -> None:
    versions.record({"a": "1", "b": "2"}, T0)
    assert versions.record({"a": "1", "b": "3", "c": "4"}, T1) == Changes(
        frozenset({"c"}), frozenset({"b"}))
    assert versions.record({"a": "1", "b": "3", "c": "4"}, T2) == Changes()  # same again
    assert versions.changes(T1, T2) == Changes(frozenset({"c"}), frozenset({"b"}))
    assert versions.changes(T0, T1) == Changes()  # "until" is not included
    assert versions.changes(T1 + dt.timedelta(seconds=1), T2) == Changes()


def test_a_new_programme_changed_in_its_first_week_is_only_new(
    versions: ProgrammeVersions,
) -> None:
    versions.record({"a": "1"}, T0)
    versions.record({"a": "1", "c": "4"}, T1)
    versions.record({"a": "1", "c": "5"}, T1 + dt.timedelta(hours=1))
    assert versions.changes(T1, T2) == Changes(frozenset({"c"}), frozenset())


def test_a_programme_left_out_for_a_while_does_not_come_back_new(
    versions: ProgrammeVersions,
) -> None:
    versions.record({"a": "1", "b": "2"}, T0)
    versions.record({"a": "1"}, T1)  # b's file had a problem at that start
    assert versions.record({"a": "1", "b": "2"}, T2) == Changes()


def test_digest_subscribers_are_active_chats_that_ordered_before(
    db_engine: Engine, clock: FixedClock,
) -> None:
    repo = SubscriptionRepository(db_engine, clock)
    clock.set(T0)
    repo.subscribe(CHAT, TargetKind.DIGEST, "ignored")
    repo.subscribe(OTHER, TargetKind.ALL)
    clock.set(T1)
    repo.subscribe(OTHER, TargetKind.DIGEST)
    owner, other = repo.subscriber_id(CHAT), repo.subscriber_id(OTHER)
    assert [s.target for s in repo.list_subscriptions(CHAT)] == [""]
    assert repo.digest_subscribers(T1) == [owner]
    assert repo.digest_subscribers(T2) == [owner, other]
    assert other is not None
    repo.deactivate_subscriber(other, "blockiert")
    assert repo.digest_subscribers(T2) == [owner]
    assert repo.unsubscribe(CHAT, TargetKind.DIGEST)
    assert repo.digest_subscribers(T2) == []


def test_a_whole_digest_fits_in_one_outbox_row(
    db_engine: Engine, clock: FixedClock,
) -> None:
    repo = SubscriptionRepository(db_engine, clock)
    repo.subscribe(CHAT, TargetKind.DIGEST)
    owner = repo.subscriber_id(CHAT)
    assert owner is not None
    outbox = OutboxRepository(db_engine)
    text = "Ihr Wochenbrief\n" + "\n".join(f"• {n:02d}.04.2026 Programm {n}" for n in range(99))
    assert len(text) > 2000
    outbox.insert([PlannedReminder("digest:1:2026-W14", owner, ReminderKind.DIGEST, text,
                                   T1, dt.date(2026, 4, 5))], T0)
    assert outbox.existing_keys(["digest:1:2026-W14", "digest:1:2026-W15"]) == {
        "digest:1:2026-W14"}
    [row] = outbox.claim_due(T1, "w1", dt.timedelta(minutes=5), 10)
    assert (row.kind, row.text) == (ReminderKind.DIGEST, text)
