"""The port through which reminders leave: a :class:`Sender` per transport, and a fake.

Transports convert their platform errors into the two typed errors below, once, at the
boundary. Any other exception counts as transient and is retried with backoff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import TransportError
from bot.storage.records import Recipient


class RetryLater(TransportError):
    """The messenger asks us to slow down or is briefly unavailable."""

    def __init__(self, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotConfigured(RetryLater):
    """The chat's messenger does not run in this bot now: wait, neither fail nor give up.

    A typo in the settings or a test start without Matrix must not unsubscribe anybody.
    """


class PermanentFailure(TransportError):
    """The chat can never be reached again (bot blocked, room left, chat deleted)."""


class Sender(Protocol):
    """Sends one plain-text message to one chat."""

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Deliver ``text``.

        Args:
            recipient: The chat.
            text: Plain German text; the transport renders it for its platform.
            dedupe_id: Stable for the same reminders; a transport that supports
                idempotent sends (Matrix transaction ids) should use it, so a resend after
                a crash is not shown twice.

        Raises:
            RetryLater: Try again later, not before ``retry_after`` seconds.
            PermanentFailure: Stop sending to this chat.

        """
        ...


@dataclass(frozen=True)
class Delivery:
    """One message the fake sender accepted."""

    recipient: Recipient
    text: str
    dedupe_id: str


@dataclass
class FakeSender:
    """Records deliveries; scripted errors per chat id are raised first, in order."""

    deliveries: list[Delivery] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=lambda: defaultdict(list))
    before_send: Callable[[Recipient], Awaitable[None]] | None = None

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Record the message, or raise the next scripted error for this chat."""
        if self.before_send is not None:
            await self.before_send(recipient)
        pending = self.failures.get(recipient.chat_id)
        if pending:
            raise pending.pop(0)
        self.deliveries.append(Delivery(recipient, text, dedupe_id))

    def fail(self, chat_id: str, *errors: Exception) -> None:
        """Raise ``errors`` on the next sends to ``chat_id``."""
        self.failures.setdefault(chat_id, []).extend(errors)
