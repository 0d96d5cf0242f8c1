"""What the runner needs of a transport, and a sender that routes by transport name."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Protocol

from bot.errors import TransportError
from bot.reminders.sender import NotConfigured, Sender
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


# How often reminders of a messenger that is not configured are looked at again.
NOT_CONFIGURED_RETRY = dt.timedelta(minutes=15)


class RoutingSender:
    """The engine's one sender: hands each reminder to its chat's transport."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self._senders = dict(senders)

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Send through the recipient's transport.

        Raises:
            NotConfigured: no transport of that name runs here now; the reminder waits
                until one does (only a transport's own answer ends a chat's abos).

        """
        sender = self._senders.get(recipient.transport)
        if sender is None:
            raise NotConfigured(f"transport {recipient.transport!r} is not configured",
                                NOT_CONFIGURED_RETRY.total_seconds())
        await sender.send(recipient, text, dedupe_id=dedupe_id)


__all__ = ["RoutingSender", "Transport", "TransportError"]
