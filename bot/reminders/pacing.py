"""Pacing per transport, so a large fan-out stays under the messengers' rate limits.

Each send reserves the next free slot for its transport and chat before it waits, so
concurrent senders in one event loop never share a slot. Slots alone do not bound a burst:
when the event loop is held up (a commit, a collection), every sender whose slot passed in
the meantime wakes at once. So the sends themselves are also counted over the last second.
A send counts from its release until one second after its answer: the messenger counts it
when it arrives, which can be any time in between, and requests held up on their way (a
busy loop, a slow network) would otherwise reach the server together. Time and sleep are
injected.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.storage.records import Recipient

_PRUNE_AT = 10_000  # forget idle chats when this many are tracked
# A second minus rounding: an injected clock that adds up sleeps may land a hair short of
# the instant it was asked to wake at, and would then be told to sleep for nothing.
_WINDOW = 1.0 - 1e-9


@dataclass(frozen=True)
class PaceLimits:
    """Messages per second for one transport; 0 means unlimited.

    ``per_group_per_minute`` applies to group chats, recognised by ``group_prefix`` at the
    start of the chat id (Telegram's group ids are negative).
    """

    per_second: float
    per_chat_per_second: float
    per_group_per_minute: float = 0
    group_prefix: str = ""

    def chat_interval(self, recipient: Recipient) -> float:
        """Return the seconds between two messages to ``recipient`` (0: no limit)."""
        interval = 1 / self.per_chat_per_second if self.per_chat_per_second else 0.0
        group = bool(self.group_prefix) and recipient.chat_id.startswith(self.group_prefix)
        if group and self.per_group_per_minute:
            interval = max(interval, 60 / self.per_group_per_minute)
        return interval


# Telegram allows about 30 messages/s overall, 1/s per chat and 20/min per group; evenly
# spaced, 20/min is one message every 3 s, which also never bursts past the limit.
# Synapse allows a burst of 10, then 0.2/s per account unless the admin lifts the bot's
# limit (see the deploy notes); 1/s assumes it was lifted, and a 429 is retried anyway.
DEFAULT_LIMITS: Mapping[str, PaceLimits] = {
    "telegram": PaceLimits(per_second=25, per_chat_per_second=1, per_group_per_minute=20,
                           group_prefix="-"),
    "matrix": PaceLimits(per_second=1, per_chat_per_second=1),
}


@dataclass
class _Window:
    """The sends of one transport that count against its per-second limit."""

    limit: int
    in_flight: int = 0
    answered: deque[float] = field(default_factory=deque)  # answer instants, oldest first

    def free(self, now: float) -> bool:
        while self.answered and now - self.answered[0] >= _WINDOW:
            self.answered.popleft()
        return self.in_flight + len(self.answered) < self.limit

    def until_free(self, now: float) -> float:
        """Return how long to wait before :meth:`free` may change its mind."""
        if self.answered:
            return 1.0 - (now - self.answered[0])
        return 1.0 / self.limit  # only sends in flight: look again soon


class Pacer:
    """Waits before each send as long as the transport's limits require."""

    def __init__(
        self,
        limits: Mapping[str, PaceLimits] = DEFAULT_LIMITS,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = dict(limits)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_overall: dict[str, float] = {}
        self._next_chat: dict[Recipient, float] = {}
        self._windows: dict[str, _Window] = {}

    @asynccontextmanager
    async def slot(self, recipient: Recipient) -> AsyncIterator[None]:
        """Wait until a message to ``recipient`` may be sent; send it inside the block."""
        limits = self._limits.get(recipient.transport)
        if limits is not None:
            await self._wait_for_slot(recipient, limits)
        if limits is None or not limits.per_second:
            yield
            return
        window = self._windows.setdefault(
            recipient.transport, _Window(max(1, int(limits.per_second))))
        await self._enter(window)
        try:
            yield
        finally:
            window.in_flight -= 1
            window.answered.append(self._monotonic())

    async def _wait_for_slot(self, recipient: Recipient, limits: PaceLimits) -> None:
        now = self._monotonic()
        slot = max(now, self._next_overall.get(recipient.transport, now),
                   self._next_chat.get(recipient, now))
        if limits.per_second:
            self._next_overall[recipient.transport] = slot + 1 / limits.per_second
        interval = limits.chat_interval(recipient)
        if interval:
            self._next_chat[recipient] = slot + interval
        self._prune(now)
        if slot > now:
            await self._sleep(slot - now)

    async def _enter(self, window: _Window) -> None:
        """Wait until the window has room, then count this send in it."""
        while True:
            now = self._monotonic()
            if window.free(now):
                window.in_flight += 1  # no await in between: no other sender can slip in
                return
            await self._sleep(window.until_free(now))

    def _prune(self, now: float) -> None:
        if len(self._next_chat) > _PRUNE_AT:
            self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
