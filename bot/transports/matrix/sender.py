"""Reminders out to Matrix rooms, idempotent through the engine's ``dedupe_id``."""

from __future__ import annotations

from bot.storage.records import Recipient
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.direct import direct_room, is_user_id
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
        """Post ``text`` to the room ``recipient.chat_id`` (a user id: their direct room).

        Raises:
            RetryLater: not connected yet, rate limited (``retry_after`` from the server's
                ``retry_after_ms``), unreachable, or a person has no direct room with the
                bot yet.
            PermanentFailure: the bot is no longer in the room or may not post there.

        """
        client = await self._connection.wait_ready(READY_TIMEOUT)
        room_id = recipient.chat_id
        if is_user_id(room_id):  # a coordinator, configured by their user id
            room_id = direct_room(client.rooms, room_id)
        await self._connection.post(room_id, self._renderer.text(text), dedupe_id)
