"""The live connection shared by the sync loop, the reply path and the reminder sender."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from nio import LocalProtocolError, OlmUnverifiedDeviceError

from bot.reminders.sender import PermanentFailure, RetryLater
from bot.transports.matrix.client import SyncClient, call
from bot.transports.matrix.config import MatrixConfig
from bot.transports.matrix.trust import apply_trust

logger = logging.getLogger(__name__)


class Connection:
    """Holds the client once it is logged in and synced; posts messages to rooms."""

    def __init__(self, config: MatrixConfig) -> None:
        self.config = config
        self._client: SyncClient | None = None
        self.ready = asyncio.Event()

    @property
    def client(self) -> SyncClient:
        """The logged-in client.

        Raises:
            RetryLater: not connected (yet, or any more).

        """
        if self._client is None:
            raise RetryLater("Matrix is not connected", 30)
        return self._client

    def attach(self, client: SyncClient | None) -> None:
        """Use ``client`` from now on (None: disconnected)."""
        self._client = client
        if client is None:
            self.ready.clear()

    async def wait_ready(self, timeout: float) -> SyncClient:  # noqa: ASYNC109
        """Return the client once the first sync is done.

        Raises:
            RetryLater: not synced within ``timeout`` seconds.

        """
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            raise RetryLater("Matrix has not finished its first sync", 30) from None
        return self.client

    async def post(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        """Send ``content`` as an ``m.room.message`` and return the event id.

        ``txn_id`` makes the send idempotent: the homeserver answers a repeat with the
        event it already has, so a retry after a crash or timeout never posts twice.

        Raises:
            RetryLater: rate limited or unreachable; retry with the same ``txn_id``.
            PermanentFailure: the bot is not (any more) in the room, or may not post.

        """
        client = self.client
        room = client.rooms.get(room_id)
        if room is None:
            raise PermanentFailure("not a member of this Matrix room")
        for attempt in range(2):
            if room.encrypted:
                await self._prepare_encrypted(client, room)
            try:
                response = await call("room_send", client.room_send(
                    room_id, "m.room.message", content, tx_id=txn_id))
            except OlmUnverifiedDeviceError:
                if attempt:
                    raise RetryLater("a device appeared while sending", 5) from None
                continue  # a device showed up between the trust check and the send
            except LocalProtocolError as error:
                raise RetryLater(f"room_send: {error}") from error
            return str(response.event_id)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _prepare_encrypted(self, client: SyncClient, room: Any) -> None:
        if not room.members_synced:
            await call("joined_members", client.joined_members(room.room_id))
        if client.should_query_keys:
            await call("keys_query", client.keys_query())
        apply_trust(client, room, self.config)
