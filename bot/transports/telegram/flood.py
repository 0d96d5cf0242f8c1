"""Flood protection per user: a sliding window, one friendly note, then silence."""

from __future__ import annotations

import enum
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW_SECONDS = 60.0
_PRUNE_AT = 10_000  # forget quiet users once this many are tracked

NOTE = ("Sie schreiben mir gerade sehr schnell. Ich beantworte bis zu {limit} Nachrichten pro "
        "Minute – bitte warten Sie einen Moment, dann bin ich wieder für Sie da.")


class Verdict(enum.Enum):
    """What to do with one incoming message."""

    ANSWER = "answer"
    NOTE = "note"  # over the limit for the first time in this window: say so once
    SILENT = "silent"


@dataclass
class _User:
    seen: deque[float] = field(default_factory=deque)
    noted: bool = False


class FloodGuard:
    """Allows ``per_minute`` messages per user in any 60-second window; 0 switches it off."""

    def __init__(self, per_minute: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._monotonic = monotonic
        self._users: dict[str, _User] = {}

    @property
    def note(self) -> str:
        """The one message a user gets when they pass the limit."""
        return NOTE.format(limit=self.per_minute)

    def check(self, user: str) -> Verdict:
        """Count one message of ``user`` and decide whether to answer it."""
        if self.per_minute <= 0:
            return Verdict.ANSWER
        now = self._monotonic()
        state = self._users.setdefault(user, _User())
        while state.seen and now - state.seen[0] >= WINDOW_SECONDS:
            state.seen.popleft()
        if len(state.seen) < self.per_minute:
            state.seen.append(now)
            state.noted = False
            self._prune(now)
            return Verdict.ANSWER
        if state.noted:
            return Verdict.SILENT
        state.noted = True
        return Verdict.NOTE

    def _prune(self, now: float) -> None:
        if len(self._users) > _PRUNE_AT:
            self._users = {k: v for k, v in self._users.items()
                           if v.seen and now - v.seen[-1] < WINDOW_SECONDS}
