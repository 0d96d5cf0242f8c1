"""GroupCommit: outcomes of many messages in one transaction, within a bounded window."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from bot.reminders.commits import GroupCommit
from bot.storage import OutboxRepository, PlannedReminder, State
from bot.storage.records import Outcome

NINE = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


class CountingOutbox:
    """Passes ``finish`` on to the real outbox, counting calls; can fail once."""

    def __init__(self, outbox: OutboxRepository, fail_once: bool = False) -> None:
        self.outbox = outbox
        self.calls: list[int] = []
        self.fail_once = fail_once

    def finish(self, outcomes: Sequence[Outcome], worker: str) -> None:
        if self.fail_once:
            self.fail_once = False
            raise ConnectionError("database gone for a moment")
        self.calls.append(len(outcomes))
        self.outbox.finish(outcomes, worker)


@pytest.fixture
def claimed_ids(
    outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> list[int]:
    outbox.insert([make_row(chat_owner(str(i)), f"k{i}", NINE, dt.date(2027, 10, 23))
                   for i in range(5)], NINE)
    return [row.id for row in outbox.claim_due(NINE, "w", LEASE, 10)]


def sent(ids: list[int]) -> list[Outcome]:
    return [Outcome((row_id,), State.SENT, sent_at=NINE) for row_id in ids]


async def test_many_outcomes_are_written_in_one_transaction(
    outbox: OutboxRepository, claimed_ids: list[int]
) -> None:
    counting = CountingOutbox(outbox)
    commits = GroupCommit(counting, "w", window=3600)  # type: ignore[arg-type]
    for outcome in sent(claimed_ids):
        commits.add(outcome)
    assert outbox.count_by_state() == {State.SENDING: 5}  # nothing written yet
    await commits.flush()
    assert counting.calls == [5]
    assert outbox.count_by_state() == {State.SENT: 5}
    await commits.flush()  # nothing left: no empty transaction
    assert counting.calls == [5]


async def test_the_window_commits_without_waiting_for_the_batch(
    outbox: OutboxRepository, claimed_ids: list[int]
) -> None:
    commits = GroupCommit(outbox, "w", window=0.01)
    commits.add(sent(claimed_ids[:2])[0])
    commits.add(sent(claimed_ids[:2])[1])
    for _ in range(500):  # the timer's flush runs in a thread; wait for it, up to 5 s
        if outbox.count_by_state() == {State.SENT: 2, State.SENDING: 3}:
            break
        await asyncio.sleep(0.01)
    assert outbox.count_by_state() == {State.SENT: 2, State.SENDING: 3}


async def test_a_failed_write_keeps_the_outcomes_for_the_next_flush(
    outbox: OutboxRepository, claimed_ids: list[int]
) -> None:
    counting = CountingOutbox(outbox, fail_once=True)
    commits = GroupCommit(counting, "w", window=3600)  # type: ignore[arg-type]
    for outcome in sent(claimed_ids[:3]):
        commits.add(outcome)
    with pytest.raises(ConnectionError):
        await commits.flush()
    commits.add(sent(claimed_ids[3:])[0])
    await commits.flush()
    assert counting.calls == [4]
    assert outbox.count_by_state() == {State.SENT: 4, State.SENDING: 1}
