"""Guarantee g): pacing per transport, with an injected clock and sleep."""

from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Coroutine

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.pacing import PaceLimits, Pacer
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, PlannedReminder, Recipient


class FakeTime:
    """A monotonic clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def pacer(time: FakeTime, **limits: PaceLimits) -> Pacer:
    return Pacer(limits, monotonic=time.monotonic, sleep=time.sleep)


async def send(paced: Pacer, recipient: Recipient) -> None:
    """A send that is answered the moment it is released."""
    async with paced.slot(recipient):
        pass


async def test_overall_rate() -> None:
    time = FakeTime()
    paced = pacer(time, telegram=PaceLimits(per_second=4, per_chat_per_second=0))
    for chat in "abcde":
        await send(paced, Recipient("telegram", chat))
    assert time.sleeps == [0.25] * 4


class StalledTime(FakeTime):
    """The event loop is held up until ``until``: every sleep ends there at the earliest."""

    def __init__(self, until: float) -> None:
        super().__init__()
        self.until = until

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now = max(self.now + seconds, self.until) if self.now < self.until else (
            self.now + seconds)
        await asyncio.sleep(0)  # let the other senders run, as a real sleep would


async def test_senders_woken_late_together_still_keep_the_rate() -> None:
    time = StalledTime(until=2.0)
    paced = pacer(time, telegram=PaceLimits(per_second=4, per_chat_per_second=0))
    released: list[float] = []

    async def release(chat: str) -> None:
        await send(paced, Recipient("telegram", chat))
        released.append(time.now)

    await asyncio.gather(*(release(str(n)) for n in range(12)))
    assert len(released) == 12
    # Every slot up to 2.75 s had passed when the loop woke at 2.0 s; still at most four
    # sends are released within any second.
    assert max(sum(1 for t in released if start <= t < start + 1.0)
               for start in released) <= 4


class VirtualTime:
    """Time for several concurrent senders: it jumps to the next wake-up once all wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), woken))
        await woken

    async def run(self, *jobs: Coroutine[None, None, None]) -> None:
        tasks = [asyncio.create_task(job) for job in jobs]
        while not all(task.done() for task in tasks):
            for _ in range(20):  # let every runnable sender reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers:
                self.now, _, woken = heapq.heappop(self._sleepers)
                woken.set_result(None)
        await asyncio.gather(*tasks)


async def test_requests_held_up_on_their_way_do_not_arrive_in_a_burst() -> None:
    # The messenger counts a message when it arrives, anywhere between its release and its
    # answer. Worst case: each arrives just before its answer. The first sends take long
    # (a busy loop, a slow network), so they would all land with the quick ones after them.
    time = VirtualTime()
    paced = Pacer({"telegram": PaceLimits(per_second=4, per_chat_per_second=0)},
                  monotonic=time.monotonic, sleep=time.sleep)
    arrived: list[float] = []

    async def send_taking(chat: int, seconds: float) -> None:
        async with paced.slot(Recipient("telegram", str(chat))):
            await time.sleep(seconds)
            arrived.append(time.now)

    delays = [0.9, 0.6, 0.3, 0.0] + [0.0] * 8
    await time.run(*(send_taking(n, d) for n, d in enumerate(delays)))
    assert len(arrived) == 12
    assert max(sum(1 for t in arrived if start <= t < start + 1.0) for start in arrived) <= 4


async def test_per_chat_rate_and_transports_are_independent() -> None:
    time = FakeTime()
    paced = pacer(time, telegram=PaceLimits(per_second=100, per_chat_per_second=1),
                  matrix=PaceLimits(per_second=0.2, per_chat_per_second=0))
    await send(paced, Recipient("telegram", "a"))
    await send(paced, Recipient("matrix", "!r"))
    await send(paced, Recipient("telegram", "a"))
    assert time.sleeps == [1.0]
    await send(paced, Recipient("matrix", "!s"))
    assert time.sleeps == [1.0, 4.0]
    await send(paced, Recipient("console", "x"))  # no limits configured: no wait
    assert time.sleeps == [1.0, 4.0]


async def test_engine_paces_a_fan_out(
    outbox: OutboxRepository, chat_owner: Callable[[str], int],
    make_row: Callable[..., PlannedReminder],
) -> None:
    nine = dt.datetime(2027, 10, 16, 7, 0, tzinfo=dt.UTC)
    outbox.insert([make_row(chat_owner(str(i)), f"k{i}", nine, dt.date(2027, 10, 23))
                   for i in range(20)], nine)
    time = FakeTime()
    sender = FakeSender()
    engine = ReminderEngine(outbox, sender, FixedClock(nine),
                            pacer=pacer(time, telegram=PaceLimits(10, 1)),
                            config=EngineConfig(batch_size=7))
    await engine.sweep()
    assert len(sender.deliveries) == 20
    assert round(time.now, 6) == 1.9  # 20 messages at 10/s: the last one after 1.9 s


async def test_a_telegram_group_gets_at_most_20_messages_a_minute() -> None:
    time = FakeTime()
    paced = Pacer(monotonic=time.monotonic, sleep=time.sleep)  # the bot's own limits
    group, person = Recipient("telegram", "-100123"), Recipient("telegram", "42")
    sent_at = []
    for _ in range(25):
        await send(paced, group)
        sent_at.append(time.now)
    in_first_minute = [t for t in sent_at if t < 60]
    assert len(in_first_minute) == 20
    assert all(b - a >= 3 for a, b in itertools.pairwise(sent_at))
    before = time.now
    await send(paced, person)  # a private chat is not held up by the group's pace
    assert time.now - before < 1
