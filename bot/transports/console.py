"""The console chat: the embedded default host of the dialogue core.

Interactive in a terminal, and line by line when piped
(``echo "Heimatscheck?" | foerderlotse chat``). Reminders that fall due while the
chat is open are printed into it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage, Reply
from bot.dialogue.smalltalk import BYE_REPLY
from bot.storage.records import Recipient

NAME = "console"
CHAT = ChatRef(NAME, "local")
PROMPT = "Sie: "
_QUIT = {"/ende", "/exit", "/quit", "exit", "quit", "tschüss", "tschuess", "tschüss!"}


def render(reply: Reply) -> str:
    """Render a reply as plain terminal text (choices are numbered in the text already)."""
    return reply.text


class ConsoleSender:
    """Prints reminders into the terminal chat."""

    def __init__(self, stdout: TextIO = sys.stdout) -> None:
        self._stdout = stdout

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Write the reminder as its own paragraph."""
        self._stdout.write(f"🔔 {text}\n\n")
        self._stdout.flush()


def _start_reader(stream: TextIO, queue: asyncio.Queue[str | None],
                  loop: asyncio.AbstractEventLoop) -> None:
    # A daemon thread, so a blocked readline never keeps the process alive at exit.
    def read() -> None:
        for line in iter(stream.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="console-input", daemon=True).start()


class ConsoleTransport:
    """The terminal as a transport: one local chat."""

    name = NAME

    def __init__(self, dialogue: Dialogue, stdin: TextIO = sys.stdin,
                 stdout: TextIO = sys.stdout) -> None:
        self._dialogue = dialogue
        self._stdin = stdin
        self._stdout = stdout
        self.sender = ConsoleSender(stdout)

    async def run(self, stop: asyncio.Event) -> None:
        """Chat until end of input, /ende, or ``stop``."""
        interactive = self._stdin.isatty()
        if interactive:
            self._stdout.write("Förderlotse – Ihre Fragen zur Kulturförderung. "
                               "Beenden mit /ende.\n\n")
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        _start_reader(self._stdin, queue, asyncio.get_running_loop())
        while not stop.is_set():
            if interactive:
                self._stdout.write(PROMPT)
                self._stdout.flush()
            line = await _next_line(queue, stop)
            if line is None or line.strip().casefold() in _QUIT:
                if line is not None:  # said goodbye, not just end of input
                    self._stdout.write(BYE_REPLY + "\n")
                    self._stdout.flush()
                stop.set()
                return
            if line.strip():
                reply = await self._dialogue.handle(IncomingMessage(CHAT, line.strip(), "local"))
                prefix = "Lotse: " if interactive else ""
                self._stdout.write(prefix + render(reply) + "\n\n")
                self._stdout.flush()


async def _next_line(queue: asyncio.Queue[str | None], stop: asyncio.Event) -> str | None:
    getter = asyncio.ensure_future(queue.get())
    stopper = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return getter.result() if getter in done else None
