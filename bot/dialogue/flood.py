"""Flood protection per person: a sliding window, one friendly note, then silence.

The core applies it to every message of a transport that asked for a limit; the
console (one local person) asks for none, so a piped transcript is never cut short.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections import deque
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.dialogue.messages import IncomingMessage

logger = logging.getLogger(__name__)

DEFAULT_PER_MINUTE = 20
WINDOW = dt.timedelta(seconds=60)
_PRUNE_AT = 10_000  # forget quiet people once this many are tracked

NOTE = ("Sie schreiben mir gerade sehr schnell. Ich beantworte bis zu {limit} Nachrichten pro "
        "Minute – bitte warten Sie einen Moment, dann bin ich wieder für Sie da.")


class Verdict(enum.Enum):
    """What to do with one incoming message."""

    ANSWER = "answer"
    NOTE = "note"  # over the limit for the first time in this burst: say so once
    SILENT = "silent"


@dataclass
class _Person:
    seen: deque[dt.datetime] = field(default_factory=deque)
    noted: bool = False


class FloodGuard:
    """Allows a transport's ``per_minute`` messages per person in any 60-second window."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._limits: dict[str, int] = {}
        self._people: dict[tuple[str, str], _Person] = {}

    def limit(self, transport: str, per_minute: int) -> None:
        """Set the limit for one transport; 0 (and any transport never set) means none."""
        self._limits[transport] = per_minute

    def note(self, message: IncomingMessage) -> str:
        """Return the one note a person gets when they pass the limit."""
        return NOTE.format(limit=self._limits.get(message.chat.transport, 0))

    def check(self, message: IncomingMessage) -> Verdict:
        """Count ``message`` for its sender and decide whether to answer it."""
        transport = message.chat.transport
        per_minute = self._limits.get(transport, 0)
        if per_minute <= 0:
            return Verdict.ANSWER
        now = self._clock.now()
        # Without a sender id (a welcome, a channel post) the chat counts as the person.
        key = (transport, message.user_id or message.chat.chat_id)
        person = self._people.setdefault(key, _Person())
        while person.seen and now - person.seen[0] >= WINDOW:
            person.seen.popleft()
        if len(person.seen) < per_minute:
            person.seen.append(now)
            person.noted = False
            self._prune(now)
            return Verdict.ANSWER
        if person.noted:
            return Verdict.SILENT
        person.noted = True
        logger.info("Flood limit reached on %s; one note, then silence", transport)
        return Verdict.NOTE

    def _prune(self, now: dt.datetime) -> None:
        if len(self._people) > _PRUNE_AT:
            self._people = {k: v for k, v in self._people.items()
                            if v.seen and now - v.seen[-1] < WINDOW}
