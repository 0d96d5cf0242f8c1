"""Shared fixtures: a frozen clock, the shipped knowledge, a dialogue, a transcript helper."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import logs
from bot.clock import BERLIN, FixedClock, SystemClock, berlin_today
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.knowledge.service import Knowledge
from bot.settings import shipped_knowledge_dir

ROOT_DIR = Path(__file__).resolve().parents[1]
# Database fixtures (db_url, db_engine, …) for storage, reminder and transport tests.
pytest_plugins = ["tests.databases"]

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 11, 26)
# The shipped knowledge is loaded as of the real day, as the bot does (bot.clock.real_today):
# entries checked after TODAY would otherwise count as "verified in the future".
KNOWLEDGE_CHECKED = max(TODAY, berlin_today(SystemClock()))


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory,
                       ) -> None:
    """No test reads the developer's settings or writes to their home folder."""
    for name in ("KNOWLEDGE_DIR", "DATABASE_URL", "LOG_LEVEL"):
        monkeypatch.delenv(f"FOERDERLOTSE_{name}", raising=False)
    monkeypatch.setenv("FOERDERLOTSE_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def clock() -> FixedClock:
    """10:00 in Berlin on the day these tests were written."""
    return FixedClock(dt.datetime.combine(TODAY, dt.time(10, 0), tzinfo=BERLIN))


@pytest.fixture(scope="session")
def shipped() -> Knowledge:
    """The knowledge shipped in knowledge/, loaded once."""
    return Knowledge.load(shipped_knowledge_dir(), KNOWLEDGE_CHECKED)


@pytest.fixture(scope="session")
def mini() -> Knowledge:
    """A three-entry knowledge base for precise unit tests."""
    return Knowledge.load(DATA / "mini", TODAY)


@pytest.fixture
def dialogue(shipped: Knowledge, clock: FixedClock) -> Dialogue:
    """The real dialogue core on the shipped knowledge."""
    return Dialogue(lambda: shipped, clock)


class Transcript:
    """A fake transport: sends texts into the core and records the replies."""

    def __init__(self, dialogue: Dialogue, chat: ChatRef | None = None) -> None:
        self.dialogue = dialogue
        self.chat = chat or ChatRef("test", "chat-1")
        self.lines: list[tuple[str, str]] = []

    async def say(self, text: str = "", callback: str | None = None) -> str:
        """Send ``text`` (or press a button) and return the reply text."""
        reply = await self.dialogue.handle(IncomingMessage(self.chat, text, "user-1",
                                                           callback=callback))
        self.lines.append((text or f"[{callback}]", reply.text))
        self.last = reply
        return reply.text


@pytest.fixture
def chat(dialogue: Dialogue) -> Transcript:
    """A transcript on the shipped knowledge."""
    return Transcript(dialogue)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Configure logging as the bot does (DEBUG), into a buffer; restore pytest's afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in (
        "nio", "telegram", "aiohttp", "httpx", "httpcore", "apscheduler", "alembic", "peewee",
        "sqlalchemy.engine", "sqlalchemy.pool")}
    buffer = io.StringIO()
    logs.configure("DEBUG", ["pw-0815-geheim"], stream=buffer)
    yield buffer
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex


def _local_only(address: object) -> None:
    """Refuse any connection that leaves this machine (as python-telegram-bot's tests do)."""
    if not isinstance(address, tuple):
        return  # a Unix socket
    host = str(address[0])
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConnectionRefusedError(f"tests must not connect outside 127.0.0.1: {host}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _local_only(address)
    _REAL_CONNECT(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _local_only(address)
    return _REAL_CONNECT_EX(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Fail a test that opens a connection outside 127.0.0.1 / ::1."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
    yield
    socket.socket.connect = _REAL_CONNECT  # type: ignore[method-assign]
    socket.socket.connect_ex = _REAL_CONNECT_EX  # type: ignore[method-assign]
