"""The broadcast store on SQLite and PostgreSQL: audiences, one row per chat, repeats, deletion."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.broadcast.audience import EVERYONE, audience_for
from bot.clock import FixedClock
from bot.knowledge.service import Knowledge
from bot.storage import OutboxRepository, SubscriptionRepository
from bot.storage.broadcasts import REPEAT_WINDOW, Audience, BroadcastRepository, row_key
from bot.storage.outbox import insert_planned
from bot.storage.records import PlannedReminder, Recipient, ReminderKind, State, TargetKind
from bot.storage.tables import Reminder

R = Reminder.__table__  # type: ignore[attr-defined]
ANNA = Recipient("telegram", "88")
SUBSCRIPTIONS = {  # chat → what it subscribed to
    "1": (TargetKind.PROGRAMME, "heimat-scheck"),
    "2": (TargetKind.TOPIC, "Ehrenamt"),  # a topic of the Heimat-Scheck
    "3": (TargetKind.REGION, "kreis-hoexter"),
    "4": (TargetKind.REGION, "rb-detmold"),
    "5": (TargetKind.ALL, ""),
    "6": (TargetKind.DIGEST, ""),
    "7": (TargetKind.PROGRAMME, "kultur-und-schule"),
}


@pytest.fixture
def repo(db_engine: Engine, clock: FixedClock) -> BroadcastRepository:
    return BroadcastRepository(db_engine, clock)


@pytest.fixture
def subscriptions(db_engine: Engine, clock: FixedClock) -> SubscriptionRepository:
    repo = SubscriptionRepository(db_engine, clock)
    for chat, (kind, target) in SUBSCRIPTIONS.items():
        repo.subscribe(Recipient("telegram", chat), kind, target)
    return repo


def reached(repo: BroadcastRepository, subscriptions: SubscriptionRepository,
            audience: Audience, engine: Engine) -> list[str]:
    """Send a broadcast to ``audience``; return the chats that got a row, in order."""
    sent = repo.send(f"Text für {audience.label}", audience, ANNA)
    owners = {subscriptions.subscriber_id(Recipient("telegram", c)): c for c in SUBSCRIPTIONS}
    with engine.connect() as conn:
        rows = conn.execute(select(R.c.subscriber_id, R.c.dedupe_key).where(
            R.c.dedupe_key.like(f"b:{sent.id}:%"))).all()
    assert {key for _, key in rows} == {row_key(sent.id, owner) for owner, _ in rows}
    return sorted(owners[owner] for owner, _ in rows)


@pytest.mark.parametrize(("kind", "target", "chats"), [
    (TargetKind.ALL, "", ["1", "2", "3", "4", "5", "6", "7"]),
    # Those who get the Heimat-Scheck's reminders: itself, its topics, every region, all.
    (TargetKind.PROGRAMME, "heimat-scheck", ["1", "2", "3", "4", "5"]),
    (TargetKind.TOPIC, "heimat", ["1", "5"]),
    (TargetKind.TOPIC, "Ehrenamt", ["1", "2", "5"]),
    (TargetKind.REGION, "kreis-hoexter", ["3"]),
    (TargetKind.REGION, "rb-detmold", ["3", "4"]),  # and the Kreise in it
])
def test_who_an_audience_reaches(repo: BroadcastRepository,
                                 subscriptions: SubscriptionRepository, shipped: Knowledge,
                                 db_engine: Engine, kind: TargetKind, target: str,
                                 chats: list[str]) -> None:
    audience = audience_for(shipped.base, kind, target, target)
    assert repo.count(audience) == len(chats)
    assert reached(repo, subscriptions, audience, db_engine) == chats


def test_paused_and_unsubscribed_chats_and_chats_without_abo_get_nothing(
        repo: BroadcastRepository, subscriptions: SubscriptionRepository,
        db_engine: Engine) -> None:
    subscriptions.deactivate_subscriber(
        subscriptions.subscriber_id(Recipient("telegram", "1")) or 0, "blockiert")
    subscriptions.unsubscribe(Recipient("telegram", "2"), TargetKind.TOPIC, "Ehrenamt")
    subscriptions.add_personal_reminder(Recipient("telegram", "9"), dt.date(2028, 1, 1), "x")
    assert reached(repo, subscriptions, EVERYONE, db_engine) == ["3", "4", "5", "6", "7"]


def test_a_broadcast_is_one_row_per_chat_however_often_it_is_queued(
        repo: BroadcastRepository, subscriptions: SubscriptionRepository, db_engine: Engine,
        clock: FixedClock) -> None:
    sent = repo.send("Infoabend", EVERYONE, ANNA)
    assert (sent.id, sent.chats, sent.repeated) == (1, 7, False)
    again = [PlannedReminder(row_key(sent.id, owner), owner, ReminderKind.BROADCAST,
                             "Infoabend", clock.now())
             for owner in subscriptions.all_subscriber_ids()]
    with db_engine.begin() as conn:
        insert_planned(conn, again, clock.now())
    assert OutboxRepository(db_engine).count_by_state() == {State.PENDING: 7}
    # The same broadcast again (a second "ja", a resent command) is recognised.
    clock.advance(REPEAT_WINDOW - dt.timedelta(minutes=1))
    repeat = repo.send("Infoabend", EVERYONE, ANNA)
    assert (repeat.id, repeat.chats, repeat.repeated) == (1, 7, True)
    assert repo.send("Infoabend", EVERYONE, Recipient("matrix", "@ben:x")).id == 2
    clock.advance(dt.timedelta(minutes=2))
    assert repo.send("Infoabend", EVERYONE, ANNA).id == 3
    assert OutboxRepository(db_engine).count_by_state() == {State.PENDING: 21}


def test_an_empty_audience_stores_nothing(repo: BroadcastRepository,
                                          subscriptions: SubscriptionRepository,
                                          shipped: Knowledge, db_engine: Engine) -> None:
    nobody = audience_for(shipped.base, TargetKind.REGION, "kreis-lippe", "Kreis Lippe")
    assert repo.count(nobody) == 0
    assert repo.send("Hallo", nobody, ANNA).chats == 0
    assert repo.send("Hallo", EVERYONE, ANNA).id == 1, "no id was used up"


def test_received_broadcasts_per_chat_and_week_and_deletion(
        repo: BroadcastRepository, subscriptions: SubscriptionRepository, db_engine: Engine,
        clock: FixedClock, shipped: Knowledge) -> None:
    outbox = OutboxRepository(db_engine)

    def deliver() -> None:
        ids = outbox.claim(clock.now(), "w", dt.timedelta(minutes=5), 100)
        outbox.mark_sent(ids, "w", clock.now())

    first = clock.now()
    hoexter = Recipient("telegram", "3")
    repo.send("Erstes", EVERYONE, ANNA)
    assert repo.received(hoexter) == [], "queued is not received"
    deliver()
    clock.advance(dt.timedelta(days=1))
    repo.send("Zweites", audience_for(shipped.base, TargetKind.REGION, "kreis-hoexter", "H"),
              ANNA)
    deliver()
    assert [r.text for r in repo.received(hoexter)] == ["Zweites", "Erstes"]
    owners = [subscriptions.subscriber_id(Recipient("telegram", c)) or 0 for c in ("3", "5")]
    week = repo.week(owners, first, clock.now() + dt.timedelta(seconds=1))
    assert week == {owners[0]: ["Erstes", "Zweites"], owners[1]: ["Erstes"]}
    assert repo.week(owners, first, clock.now()) == {owners[0]: ["Erstes"],
                                                     owners[1]: ["Erstes"]}
    subscriptions.delete_all_for_chat(hoexter)
    assert repo.received(hoexter) == []
    with db_engine.connect() as conn:
        assert conn.execute(select(R.c.id).where(
            R.c.subscriber_id == owners[0])).all() == []
