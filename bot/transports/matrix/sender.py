"""Reminders out to Matrix rooms, idempotent through the engine's ``dedupe_id``."""

from __future__ import annotations

from bot.storage.records import Recipient
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.render import Renderer

READY_TIMEOUT = 30.0


class MatrixSender:
    """Posts a reminder; the dedupe id is the Matrix transaction id.

    Synapse remembers transaction ids per device for a while, so a resend after a
    crash between "sent" and "marked sent" returns the first event instead of
    posting a second copy.
    """

    def __init__(self, connection: Connection, renderer: Renderer) -> None:
        self._connection = connection
        self._renderer = renderer

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Post ``text`` to the room ``recipient.chat_id``.

        Raises:
            RetryLater: not connected yet, rate limited (``retry_after`` from the server's
                ``retry_after_ms``) or unreachable.
            PermanentFailure: the bot is no longer in the room or may not post there.

        """
        await self._connection.wait_ready(READY_TIMEOUT)
        await self._connection.post(recipient.chat_id, self._renderer.text(text), dedupe_id)
