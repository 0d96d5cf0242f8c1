"""What the bot remembers of a chat for a few minutes: in memory only, bounded, never stored.

It lets a user follow up ("und bis wann?"), pick a "Meinten Sie …?" option in their own
words ("die 2", "zweites") and confirm with a plain "ja".
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.dialogue.messages import ChatRef

TTL = dt.timedelta(minutes=15)
MAX_CHATS = 10_000


@dataclass
class ChatState:
    """One chat's short-lived memory."""

    entry_id: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)  # (entry id, title)
    # A command to run when the same user answers "ja", e.g. "/daten-loeschen ja".
    confirm: tuple[str, str] | None = None  # (user id, command text)
    # A guided dialogue in progress (Förderfinder, Förderrechner); see bot.dialogue.flows.
    flow: object | None = None
    # A question the bot asked ("Für welchen Ort?"): the same user's next free text
    # completes this command, e.g. "/frage-an-kulturbuero ort" + "Brakel".
    prompt: tuple[str, str] | None = None  # (user id, command text)
    # A question offered to the Kulturbüro and not yet passed on; see bot.dialogue.handoff.
    handoff: object | None = None
    # A broadcast a coordinator is writing, until their "ja"; see bot.dialogue.broadcast.
    broadcast: object | None = None


class Conversations:
    """Per-chat memory that expires after ``ttl`` and holds at most ``max_chats`` chats."""

    def __init__(self, clock: Clock, ttl: dt.timedelta = TTL, max_chats: int = MAX_CHATS) -> None:
        self._clock = clock
        self._ttl = ttl
        self._max = max_chats
        self._chats: OrderedDict[ChatRef, tuple[dt.datetime, ChatState]] = OrderedDict()

    def get(self, chat: ChatRef) -> ChatState:
        """Return the chat's memory; an expired one starts afresh."""
        found = self._chats.get(chat)
        if found is None or self._clock.now() - found[0] > self._ttl:
            return ChatState()
        return found[1]

    def save(self, chat: ChatRef, state: ChatState) -> None:
        """Remember ``state`` from now on; the oldest chats are dropped beyond the bound."""
        self._chats[chat] = (self._clock.now(), state)
        self._chats.move_to_end(chat)
        while len(self._chats) > self._max:
            self._chats.popitem(last=False)

    def forget(self, chat: ChatRef) -> None:
        """Drop everything remembered about ``chat``."""
        self._chats.pop(chat, None)

    def __len__(self) -> int:
        return len(self._chats)
