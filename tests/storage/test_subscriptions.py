"""SubscriptionRepository on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.storage import OutboxRepository, Recipient, State, SubscriptionRepository, TargetKind
from bot.storage.tables import Reminder

CHAT = Recipient("telegram", "1001")
OTHER = Recipient("matrix", "!room:example.org")


@pytest.fixture
def repo(db_engine: Engine, clock: FixedClock) -> SubscriptionRepository:
    return SubscriptionRepository(db_engine, clock)


def test_subscribe_list_and_update(repo: SubscriptionRepository) -> None:
    repo.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck")
    repo.subscribe(CHAT, TargetKind.TOPIC, "Heimat", lead_days=[7, 1, 7], send_time="18:30")
    again = repo.subscribe(CHAT, TargetKind.PROGRAMME, "heimat-scheck", lead_days=[3])
    found = repo.list_subscriptions(CHAT)
    assert [(s.kind, s.target, s.lead_days, s.send_time) for s in found] == [
        (TargetKind.PROGRAMME, "heimat-scheck", (3,), "09:00"),
        (TargetKind.TOPIC, "Heimat", (7, 1), "18:30"),
    ]
    assert again.id == found[0].id
    assert repo.list_subscriptions(OTHER) == []


def test_subscribe_all_ignores_target(repo: SubscriptionRepository) -> None:
    repo.subscribe(CHAT, TargetKind.ALL, "egal")
    assert repo.unsubscribe(CHAT, TargetKind.ALL)
    assert repo.list_subscriptions(CHAT) == []


def test_subscribe_rejects_bad_input(repo: SubscriptionRepository) -> None:
    with pytest.raises(ValueError, match="Uhrzeit"):
        repo.subscribe(CHAT, TargetKind.ALL, send_time="9 Uhr")
    with pytest.raises(ValueError, match="Tage"):
        repo.subscribe(CHAT, TargetKind.ALL, lead_days=[400])


def test_unsubscribe(repo: SubscriptionRepository) -> None:
    assert not repo.unsubscribe(CHAT, TargetKind.TOPIC, "Heimat")
    repo.subscribe(CHAT, TargetKind.TOPIC, "Heimat")
    assert not repo.unsubscribe(CHAT, TargetKind.TOPIC, "Musik")
    assert repo.unsubscribe(CHAT, TargetKind.TOPIC, "Heimat")
    assert repo.list_subscriptions(CHAT) == []


def test_delete_all_for_chat_cascades(repo: SubscriptionRepository, db_engine: Engine) -> None:
    repo.subscribe(CHAT, TargetKind.ALL)
    repo.add_personal_reminder(CHAT, dt.date(2027, 11, 1), "Verwendungsnachweis")
    repo.subscribe(OTHER, TargetKind.ALL)
    assert repo.delete_all_for_chat(CHAT)
    assert not repo.delete_all_for_chat(CHAT)
    assert repo.list_subscriptions(CHAT) == []
    assert repo.list_personal_reminders(CHAT) == []
    assert repo.subscriber_id(CHAT) is None
    assert OutboxRepository(db_engine).count_by_state() == {}
    assert len(repo.list_subscriptions(OTHER)) == 1


def test_personal_reminder_plans_one_outbox_row(
    repo: SubscriptionRepository, db_engine: Engine
) -> None:
    mine = repo.add_personal_reminder(CHAT, dt.date(2027, 3, 29), "Belege sammeln", "08:15")
    assert repo.list_personal_reminders(CHAT) == [mine]
    with db_engine.begin() as conn:
        row = conn.execute(select(Reminder.__table__)).one()  # type: ignore[attr-defined]
    assert row.kind == "personal"
    assert row.dedupe_key == f"p:{mine.id}"
    assert row.due_at == dt.datetime(2027, 3, 29, 6, 15, tzinfo=dt.UTC)  # CEST: UTC+2
    assert repo.delete_personal_reminder(CHAT, mine.id)
    assert not repo.delete_personal_reminder(CHAT, mine.id)
    assert OutboxRepository(db_engine).count_by_state() == {}


def test_deactivate_and_reactivate(repo: SubscriptionRepository, db_engine: Engine) -> None:
    repo.subscribe(CHAT, TargetKind.ALL)
    repo.add_personal_reminder(CHAT, dt.date(2027, 11, 1), "Antrag")
    subscriber = repo.subscriber_id(CHAT)
    assert subscriber is not None
    repo.deactivate_subscriber(subscriber, "blocked")
    assert repo.active_subscriptions() == []
    assert OutboxRepository(db_engine).count_by_state() == {State.CANCELLED: 1}
    repo.subscribe(CHAT, TargetKind.TOPIC, "Musik")
    assert {s.target for s in repo.active_subscriptions([subscriber])} == {"", "Musik"}
    assert repo.all_subscriber_ids() == [subscriber]


def test_a_chat_that_moved_keeps_its_data(db_engine: Engine, clock: FixedClock) -> None:
    repo = SubscriptionRepository(db_engine, clock)
    old, new = Recipient("telegram", "-100"), Recipient("telegram", "-1001234")
    repo.subscribe(old, TargetKind.TOPIC, "Heimat")
    owner = repo.subscriber_id(old)
    assert repo.move_chat(old, new)
    assert repo.subscriber_id(new) == owner
    assert repo.subscriber_id(old) is None
    assert [s.target for s in repo.list_subscriptions(new)] == ["Heimat"]
    assert not repo.move_chat(old, new)  # nothing left at the old id


def test_a_move_onto_a_chat_with_data_changes_nothing(
    db_engine: Engine, clock: FixedClock
) -> None:
    repo = SubscriptionRepository(db_engine, clock)
    old, new = Recipient("telegram", "-100"), Recipient("telegram", "-1001234")
    repo.subscribe(old, TargetKind.TOPIC, "Heimat")
    repo.subscribe(new, TargetKind.ALL)
    assert not repo.move_chat(old, new)
    assert [s.target for s in repo.list_subscriptions(old)] == ["Heimat"]
