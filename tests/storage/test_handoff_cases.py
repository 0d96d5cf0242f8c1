"""HandoffRepository on both backends: cases, their outbox messages, forgetting, purging."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.storage import OutboxRepository, Recipient, SubscriptionRepository, TargetKind
from bot.storage.handoff import (
    CaseStatus,
    Closing,
    H,
    HandoffRepository,
    Outgoing,
    message_key,
)
from bot.storage.records import ReminderKind, State
from bot.storage.tables import Reminder, Subscriber

ASKER = Recipient("telegram", "1001")
ANNA = Recipient("matrix", "@anna:kreis-hoexter.de")
BEN = Recipient("telegram", "77")
WORKER = "test-worker"
LEASE = dt.timedelta(minutes=5)


@pytest.fixture
def repo(db_engine: Engine, clock: FixedClock) -> HandoffRepository:
    return HandoffRepository(db_engine, clock)


def _new(case_id: int, *to: Recipient) -> list[Outgoing]:
    return [Outgoing(chat, message_key(case_id, "neu", chat.transport, chat.chat_id),
                     f"Neue Frage (Fall {case_id}): Orgel?") for chat in to]


def _relay(case_id: int) -> object:
    return lambda asker: Outgoing(asker, message_key(case_id, "antwort"), f"Antwort {case_id}")


def _rows(engine: Engine) -> list[tuple[str, str, str, str]]:
    reminder, subscriber = Reminder.__table__, Subscriber.__table__  # type: ignore[attr-defined]
    query = (select(subscriber.c.transport, subscriber.c.chat_id, reminder.c.kind,
                    reminder.c.text)
             .join(subscriber, subscriber.c.id == reminder.c.subscriber_id)
             .order_by(reminder.c.id))
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def test_a_case_and_its_messages_are_stored_together(repo: HandoffRepository,
                                                     db_engine: Engine) -> None:
    number = repo.open_case("Orgel?", "kreis-hoexter", ASKER, lambda n: _new(n, ANNA, BEN))
    case = repo.get(number)
    assert case is not None
    assert (case.text, case.region_id, case.status, case.asker) == (
        "Orgel?", "kreis-hoexter", CaseStatus.OPEN, ASKER)
    assert _rows(db_engine) == [
        ("matrix", "@anna:kreis-hoexter.de", "handoff", f"Neue Frage (Fall {number}): Orgel?"),
        ("telegram", "77", "handoff", f"Neue Frage (Fall {number}): Orgel?"),
    ]
    assert repo.get(number + 1) is None


def test_the_engine_claims_handoff_rows_like_reminders(
        repo: HandoffRepository, db_engine: Engine, clock: FixedClock) -> None:
    number = repo.open_case("Orgel?", None, ASKER, lambda n: _new(n, BEN))
    [row] = OutboxRepository(db_engine).claim_due(clock.now(), WORKER, LEASE, 10)
    assert (row.kind, row.recipient, row.occurs_on) == (ReminderKind.HANDOFF, BEN, None)
    assert row.dedupe_key == f"h:{number}:neu:telegram:77"


def test_the_first_answer_closes_and_queues_the_relay(
        repo: HandoffRepository, db_engine: Engine, clock: FixedClock) -> None:
    number = repo.open_case("Orgel?", None, ASKER, lambda n: _new(n, BEN))
    clock.advance(dt.timedelta(hours=2))
    assert repo.close(number, "Fragen Sie den Heimatverein.", _relay(number)) is Closing.RELAYED
    assert repo.close(number, "Noch einmal.", _relay(number)) is Closing.ALREADY_CLOSED
    assert repo.close(number + 1, "Wer?", _relay(number + 1)) is Closing.MISSING
    case = repo.get(number)
    assert case is not None
    assert (case.status, case.answer, case.closed_at) == (
        CaseStatus.CLOSED, "Fragen Sie den Heimatverein.", clock.now())
    assert _rows(db_engine)[-1] == ("telegram", "1001", "handoff", f"Antwort {number}")


def test_deleting_a_chats_data_forgets_it_as_asker(
        repo: HandoffRepository, db_engine: Engine, clock: FixedClock) -> None:
    subscriptions = SubscriptionRepository(db_engine, clock)
    number = repo.open_case("Orgel?", None, ASKER, lambda n: _new(n, BEN))
    assert subscriptions.delete_all_for_chat(ASKER)  # nothing but the case was stored
    case = repo.get(number)
    assert case is not None
    assert case.asker is None
    assert case.text == "Orgel?"
    assert repo.close(number, "Zu spät.", _relay(number)) is Closing.NO_ASKER
    assert [r[:2] for r in _rows(db_engine)] == [("telegram", "77")]  # no answer queued


def test_open_and_closed_cases_by_time(repo: HandoffRepository, clock: FixedClock) -> None:
    start = clock.now()
    old = repo.open_case("Alt?", None, ASKER, lambda n: [])
    clock.advance(dt.timedelta(days=3))
    new = repo.open_case("Neu?", None, ASKER, lambda n: [])
    closed = repo.open_case("Erledigt?", None, ASKER, lambda n: [])
    repo.close(closed, "Ja.", _relay(closed))
    assert [c.id for c in repo.open_before(start + dt.timedelta(days=1))] == [old]
    assert [c.id for c in repo.open_before(clock.now() + dt.timedelta(seconds=1))] == [old, new]
    assert [(c.id, c.answer) for c in repo.closed_since(start)] == [(closed, "Ja.")]


def test_a_message_key_is_queued_once(repo: HandoffRepository, db_engine: Engine) -> None:
    number = repo.open_case("Orgel?", None, ASKER, lambda n: [])
    reminder = Outgoing(BEN, message_key(number, "offen", "2026-W49", "telegram", "77"), "Offen")
    repo.enqueue([reminder])
    repo.enqueue([reminder])
    assert len(_rows(db_engine)) == 1


def test_long_keys_keep_their_case_prefix_and_stay_apart() -> None:
    first = message_key(17, "neu", "matrix", "@" + "a" * 300 + ":x")
    second = message_key(17, "neu", "matrix", "@" + "b" * 300 + ":x")
    assert first.startswith("h:17:")
    assert second.startswith("h:17:")
    assert first != second
    assert len(first) <= 255


def test_purge_forgets_askers_after_30_days_and_deletes_old_cases(
        repo: HandoffRepository, db_engine: Engine, clock: FixedClock) -> None:
    subscriptions = SubscriptionRepository(db_engine, clock)
    subscribed = Recipient("telegram", "2002")
    subscriptions.subscribe(subscribed, TargetKind.ALL)
    first = repo.open_case("Erste?", None, ASKER, lambda n: _new(n, BEN))
    second = repo.open_case("Zweite?", None, subscribed, lambda n: [])
    still_open = repo.open_case("Offen?", None, Recipient("telegram", "3003"), lambda n: [])
    for number in (first, second):
        repo.close(number, "Antwort.", _relay(number))
    _mark_all_sent(db_engine)
    closed_at = clock.now()
    clock.advance(dt.timedelta(days=31))
    assert repo.purge(closed_at - dt.timedelta(days=1), closed_at - dt.timedelta(days=1)) == (
        0, 0)
    assert repo.purge(clock.now() - dt.timedelta(days=30), closed_at - dt.timedelta(days=1)) == (
        2, 0)
    assert [repo.get(n).asker for n in (first, second)] == [None, None]  # type: ignore[union-attr]
    open_case = repo.get(still_open)
    assert open_case is not None
    assert open_case.asker is not None
    chats = {(t, c) for t, c, _, _ in _rows(db_engine)}
    assert ("telegram", "1001") not in chats  # the delivered answer went with the chat id
    assert subscriptions.subscriber_id(ASKER) is None  # nothing else was stored for it
    assert subscriptions.subscriber_id(subscribed) is not None  # it has an abo
    assert repo.purge(clock.now(), closed_at + dt.timedelta(seconds=1)) == (0, 2)
    assert repo.get(first) is None
    assert repo.get(still_open) is not None
    assert _rows(db_engine) == []  # the coordinators' copies left the outbox too


def test_numbers_are_never_reused(repo: HandoffRepository, clock: FixedClock) -> None:
    number = repo.open_case("Orgel?", None, ASKER, lambda n: [])
    repo.close(number, "Ja.", _relay(number))
    clock.advance(dt.timedelta(days=1))
    assert repo.purge(clock.now(), clock.now()) == (1, 1)
    assert repo.open_case("Neu?", None, ASKER, lambda n: []) == number + 1


def _mark_all_sent(engine: Engine) -> None:
    reminder = Reminder.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(reminder.update().values(state=State.SENT))
        assert conn.execute(select(func.count()).select_from(H)).scalar() == 3
