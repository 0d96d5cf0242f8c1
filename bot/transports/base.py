"""What the runner needs of a transport, and a sender that routes by transport name."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol

from bot.errors import TransportError
from bot.reminders.sender import PermanentFailure, Sender
from bot.storage.records import Recipient


class Transport(Protocol):
    """A messenger connection: receives messages for the dialogue, sends reminders."""

    name: str

    @property
    def sender(self) -> Sender:
        """Deliver reminders to this transport's chats."""
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set, then finish in-flight work and return.

        Raises:
            TransportError: the transport cannot start (bad token, unreachable server).

        """
        ...


class RoutingSender:
    """The engine's one sender: hands each reminder to its chat's transport."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self._senders = dict(senders)

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Send through the recipient's transport.

        Raises:
            PermanentFailure: no transport of that name runs here any more.

        """
        sender = self._senders.get(recipient.transport)
        if sender is None:
            # e.g. Telegram was switched off: those chats cannot be reached from this bot.
            raise PermanentFailure(f"transport {recipient.transport!r} is not configured")
        await sender.send(recipient, text, dedupe_id=dedupe_id)


__all__ = ["RoutingSender", "Transport", "TransportError"]
