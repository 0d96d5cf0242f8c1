"""The Matrix transport: log in, sync until stopped, hand events to the handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.dialogue.core import Dialogue
from bot.errors import TransportError
from bot.reminders.sender import RetryLater, Sender
from bot.storage.subscriptions import SubscriptionRepository
from bot.transports.matrix.client import LoginRejected, SyncClient, call, log_in, new_client
from bot.transports.matrix.config import MatrixConfig
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.handlers import NAME, SyncHandler
from bot.transports.matrix.sender import MatrixSender

logger = logging.getLogger(__name__)

_BACKOFF_CAP = 60.0


class MatrixTransport:
    """One bot account on one homeserver."""

    name = NAME

    def __init__(self, config: MatrixConfig, dialogue: Dialogue,
                 subscriptions: SubscriptionRepository) -> None:
        self.config = config
        self.connection = Connection(config)
        self.handler = SyncHandler(self.connection, dialogue, subscriptions)
        # The core counts each person's messages; Matrix only says how many it allows.
        dialogue.flood.limit(NAME, config.flood_per_minute)
        self.sender: Sender = MatrixSender(self.connection, self.handler.renderer)

    async def run(self, stop: asyncio.Event) -> None:
        """Sync until ``stop``; reconnect with backoff while the server is unreachable.

        Raises:
            TransportError: the homeserver rejected the login or the token.

        """
        client = new_client(self.config)
        try:
            if await self._retrying(stop, lambda: log_in(client, self.config)):
                self.connection.attach(client)
                await self._sync_loop(client, stop)
        finally:
            self.connection.attach(None)
            await client.close()

    async def _sync_loop(self, client: SyncClient, stop: asyncio.Event) -> None:
        catch_up = not client.loaded_sync_token  # first start: read the backlog, answer none
        first = True
        delay = 1.0
        while not stop.is_set():
            try:
                # The first sync after a start returns the full state, so rooms that were
                # quiet since the saved token are known (and reminders can reach them).
                response = await self._sync(client, stop, first)
                if response is None:
                    return
                await self.handler.handle(response, catch_up=catch_up)
                await self._keys(client)
            except LoginRejected:
                raise
            except TransportError as error:
                logger.warning("Matrix sync failed, retrying in %.0f s: %s", delay, error)
                await _sleep(stop, delay)
                delay = min(delay * 2, _BACKOFF_CAP)
                continue
            delay = 1.0
            if first:
                first, catch_up = False, False
                self.connection.ready.set()
                logger.info("Matrix connected as %s (%d rooms)", client.user_id,
                            len(client.rooms))

    async def _sync(self, client: SyncClient, stop: asyncio.Event, first: bool) -> Any:
        timeout = 0 if first else self.config.sync_timeout_ms
        task = asyncio.create_task(call("sync", client.sync(timeout=timeout,
                                                            full_state=first or None)))
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if task.done() or client.receiving:
            # nio already saved the new token: the events must be handled before we stop.
            return await task
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None

    async def _keys(self, client: SyncClient) -> None:
        """Upload, query and claim encryption keys, as nio's sync_forever would."""
        if client.should_upload_keys:
            await call("keys_upload", client.keys_upload())
        if client.should_query_keys:
            await call("keys_query", client.keys_query())
        if client.should_claim_keys:
            await call("keys_claim", client.keys_claim(client.get_users_for_key_claiming()))
        await client.send_to_device_messages()

    async def _retrying(self, stop: asyncio.Event, attempt: Any) -> bool:
        delay = 1.0
        while not stop.is_set():
            try:
                await attempt()
                return True
            except RetryLater as error:
                logger.warning("Matrix homeserver not reachable, retrying in %.0f s: %s",
                               delay, error)
                await _sleep(stop, delay)
                delay = min(delay * 2, _BACKOFF_CAP)
        return False


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
