"""Pacing per transport, so a large fan-out stays under the messengers' rate limits.

Each send reserves the next free slot for its transport and chat before it waits, so
concurrent senders in one event loop never share a slot. Time and sleep are injected.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.storage.records import Recipient

_PRUNE_AT = 10_000  # forget idle chats when this many are tracked


@dataclass(frozen=True)
class PaceLimits:
    """Messages per second for one transport; 0 means unlimited."""

    per_second: float
    per_chat_per_second: float


# Telegram allows about 30 messages/s overall and 1/s per chat; we stay below.
# Synapse allows a burst of 10, then 0.2/s per account unless the admin lifts the bot's
# limit (see the deploy notes); 1/s assumes it was lifted, and a 429 is retried anyway.
DEFAULT_LIMITS: Mapping[str, PaceLimits] = {
    "telegram": PaceLimits(per_second=25, per_chat_per_second=1),
    "matrix": PaceLimits(per_second=1, per_chat_per_second=1),
}


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

    async def wait(self, recipient: Recipient) -> None:
        """Return when a message to ``recipient`` may be sent."""
        limits = self._limits.get(recipient.transport)
        if limits is None:
            return
        now = self._monotonic()
        slot = max(now, self._next_overall.get(recipient.transport, now),
                   self._next_chat.get(recipient, now))
        if limits.per_second:
            self._next_overall[recipient.transport] = slot + 1 / limits.per_second
        if limits.per_chat_per_second:
            self._next_chat[recipient] = slot + 1 / limits.per_chat_per_second
        self._prune(now)
        if slot > now:
            await self._sleep(slot - now)

    def _prune(self, now: float) -> None:
        if len(self._next_chat) > _PRUNE_AT:
            self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
