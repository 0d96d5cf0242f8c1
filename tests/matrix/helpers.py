"""Test helpers: a scripted Matrix user (own nio client and store) and a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    MegolmEvent,
    RoomEncryptedFile,
    RoomMessageFile,
    RoomMessageText,
)

from bot.app import Storage, build_dialogue, load_knowledge, open_storage
from bot.clock import FixedClock
from bot.dialogue.commands import Command
from bot.settings import Coordinator, Settings, shipped_knowledge_dir
from bot.transports import matrix
from bot.transports.matrix.transport import MatrixTransport

ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
WAIT = 30.0


@dataclass(frozen=True)
class Account:
    """A registered user."""

    homeserver: str
    user_id: str
    password: str


@dataclass(frozen=True)
class Seen:
    """A message a test user received."""

    sender: str
    body: str
    event_id: str
    content: dict[str, Any] = field(default_factory=dict)


class MatrixUser:
    """A person in the test: sends, and collects what arrives in each room."""

    def __init__(self, account: Account, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.account = account
        self.client = AsyncClient(account.homeserver, account.user_id, store_path=str(store),
                                  config=AsyncClientConfig(encryption_enabled=True,
                                                           store_sync_tokens=True))
        self.seen: dict[str, list[Seen]] = {}
        self.undecryptable = 0

    async def login(self) -> None:
        """Log in and do a first sync."""
        response = await self.client.login(self.account.password, device_name="test")
        assert getattr(response, "access_token", None), response
        await self.sync(0)

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.client.close()

    async def sync(self, timeout_ms: int = 500) -> None:
        """Sync once, keep the keys current and record new messages."""
        response = await self.client.sync(timeout=timeout_ms)
        assert hasattr(response, "rooms"), response
        for room_id, info in response.rooms.join.items():
            for event in info.timeline.events:
                if isinstance(event, RoomMessageText | RoomMessageFile | RoomEncryptedFile):
                    self.seen.setdefault(room_id, []).append(
                        Seen(event.sender, event.body, event.event_id,
                             event.source.get("content", {})))
                elif isinstance(event, MegolmEvent):
                    self.undecryptable += 1
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        if self.client.should_query_keys:
            await self.client.keys_query()
        if self.client.should_claim_keys:
            await self.client.keys_claim(self.client.get_users_for_key_claiming())
        await self.client.send_to_device_messages()

    async def create_room(self, invite: list[str], *, encrypted: bool = False) -> str:
        """Create a room, invite ``invite`` and return its id."""
        response = await self.client.room_create(
            invite=invite, is_direct=len(invite) == 1,
            initial_state=[ENCRYPTION] if encrypted else [])
        assert getattr(response, "room_id", None), response
        await self.sync(0)
        return str(response.room_id)

    async def say(self, room_id: str, text: str, **extra: Any) -> str:
        """Send ``text`` and return the event id."""
        await self.sync(0)
        content = {"msgtype": "m.text", "body": text, **extra}
        response = await self.client.room_send(room_id, "m.room.message", content,
                                               ignore_unverified_devices=True)
        assert getattr(response, "event_id", None), response
        return str(response.event_id)

    def messages_from(self, room_id: str, sender: str) -> list[Seen]:
        """Return what ``sender`` posted in the room so far (as seen by this user)."""
        return [m for m in self.seen.get(room_id, []) if m.sender == sender]

    async def wait_for(self, room_id: str, sender: str, match: Callable[[str], bool],
                       timeout: float = WAIT) -> Seen:  # noqa: ASYNC109
        """Sync until ``sender`` posted a message whose body satisfies ``match``."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages_from(room_id, sender):
                if match(message.body):
                    return message
            if time.monotonic() > deadline:
                got = [m.body[:60] for m in self.seen.get(room_id, [])]
                raise AssertionError(f"no matching message from {sender} in {timeout} s: {got}")
            await self.sync()

    async def next_from(self, room_id: str, sender: str, after: int,
                        timeout: float = WAIT) -> Seen:  # noqa: ASYNC109
        """Sync until ``sender`` posted more than ``after`` messages; return the next one."""
        deadline = time.monotonic() + timeout
        while len(self.messages_from(room_id, sender)) <= after:
            if time.monotonic() > deadline:
                raise AssertionError(f"no new message from {sender} in {timeout} s")
            await self.sync()
        return self.messages_from(room_id, sender)[after]

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        """Give ``user_id`` the power ``level`` in the room (this user must be allowed to)."""
        current = await self.client.room_get_state_event(room_id, "m.room.power_levels")
        content = dict(getattr(current, "content", {}))
        content["users"] = {**content.get("users", {}), user_id: level}
        response = await self.client.room_put_state(room_id, "m.room.power_levels", content)
        assert getattr(response, "event_id", None), response


@dataclass
class Bot:
    """The bot under test, with the storage it writes to."""

    transport: MatrixTransport
    storage: Storage
    user_id: str


def settings_for(account: Account, data_dir: Path, allowed: str,
                 coordinators: Sequence[Coordinator] = ()) -> Settings:
    """Settings as the bot would read them from its environment."""
    env = {"FOERDERLOTSE_MATRIX_HOMESERVER": account.homeserver,
           "FOERDERLOTSE_MATRIX_USER_ID": account.user_id,
           "FOERDERLOTSE_MATRIX_PASSWORD": account.password,
           "FOERDERLOTSE_MATRIX_ALLOWED": allowed}
    return Settings(shipped_knowledge_dir(), data_dir, None, environ=MappingProxyType(env),
                    coordinators=tuple(coordinators))


async def _wired(account: Account, data_dir: Path, clock: FixedClock, allowed: str,
                 commands: Sequence[Command] = (), coordinators: Sequence[Coordinator] = (),
                 ) -> tuple[Storage, MatrixTransport]:
    """Build the real transport on a real dialogue (plus ``commands``) and SQLite storage."""
    settings = settings_for(account, data_dir, allowed, coordinators)
    storage = await asyncio.to_thread(open_storage, settings, clock)
    holder = await asyncio.to_thread(load_knowledge, settings, clock)
    dialogue = await asyncio.to_thread(build_dialogue, holder, clock, storage,
                                       settings.coordinators)
    for command in commands:
        dialogue.commands.add(command)
    return storage, matrix.create(settings, dialogue, storage)


@contextlib.asynccontextmanager
async def running_bot(account: Account, data_dir: Path, clock: FixedClock,
                      allowed: str = "@alice-*:localhost",
                      commands: Sequence[Command] = (),
                      coordinators: Sequence[Coordinator] = ()) -> AsyncIterator[Bot]:
    """Run the real transport (real dialogue, real SQLite) until the block ends.

    No reminder engine runs: what the dialogue queues stays in the outbox.
    """
    storage, transport = await _wired(account, data_dir, clock, allowed, commands,
                                      coordinators)
    stop = asyncio.Event()
    task = asyncio.create_task(transport.run(stop))
    ready = asyncio.create_task(transport.connection.ready.wait())
    try:
        await asyncio.wait({task, ready}, timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raises the transport's error
        assert ready.done(), "the bot did not finish its first sync"
        yield Bot(transport, storage, account.user_id)
    finally:
        ready.cancel()
        stop.set()
        await asyncio.wait_for(task, WAIT)
        storage.close()


async def run_briefly(account: Account, data_dir: Path, clock: FixedClock,
                      seconds: float) -> None:
    """Run the transport for ``seconds`` whatever happens (e.g. against a dead homeserver)."""
    storage, transport = await _wired(account, data_dir, clock, "@alice-*:localhost")
    stop = asyncio.Event()
    task = asyncio.create_task(transport.run(stop))
    try:
        await asyncio.sleep(seconds)
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)
        storage.close()
