"""The console chat: the embedded default host of the dialogue core.

Interactive in a terminal, and line by line when piped
(``echo "Heimatscheck?" | foerderlotse chat``). Reminders that fall due while the
chat is open are printed into it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import sys
import threading
from pathlib import Path, PurePath
from typing import TextIO

from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Attachment, ChatRef, IncomingMessage, Reply
from bot.dialogue.smalltalk import BYE_REPLY
from bot.storage.records import Recipient
from bot.transports.attachments import safe_filename

NAME = "console"
CHAT = ChatRef(NAME, "local")
PROMPT = "Sie: "
_QUIT = {"/ende", "/exit", "/quit", "exit", "quit", "tschüss", "tschuess", "tschüss!"}
MAX_COPIES = 1000  # plan.xlsx, plan-2.xlsx, … plan-1000.xlsx, then give up


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
                 stdout: TextIO = sys.stdout, out_dir: Path | None = None) -> None:
        self._dialogue = dialogue
        self._stdin = stdin
        self._stdout = stdout
        self._out_dir = out_dir  # where files are saved; None: the working directory
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
                if reply is None:  # no flood limit is set for the console; never happens
                    continue
                prefix = "Lotse: " if interactive else ""
                self._stdout.write(prefix + render(reply) + "\n\n")
                if reply.attachment is not None:
                    await self._save(reply.attachment)
                self._stdout.flush()

    async def _save(self, attachment: Attachment) -> None:
        """Write the reply's file into the folder and say where (or why not)."""
        try:
            path = await asyncio.to_thread(save, self._out_dir, attachment)
        except OSError as error:
            name = safe_filename(attachment.filename)
            reason = error.strerror or str(error)
            self._stdout.write(f"Die Datei „{name}“ konnte ich leider nicht speichern: "
                               f"{reason}\n\n")
            return
        self._stdout.write(f"Datei gespeichert: {path}\n\n")


def save(folder: Path | None, attachment: Attachment) -> Path:
    """Write ``attachment`` into ``folder`` (default: the working directory) under a new name.

    An existing file is never overwritten: ``plan.xlsx`` becomes ``plan-2.xlsx``, then
    ``plan-3.xlsx`` and so on.

    Returns:
        The path written.

    Raises:
        OSError: the folder is missing or not writable, the disk is full, or every
            name up to ``-1000`` is taken.

    """
    folder = Path.cwd() if folder is None else folder
    name = PurePath(safe_filename(attachment.filename))
    for number in range(1, MAX_COPIES + 1):
        path = folder / (name.name if number == 1 else f"{name.stem}-{number}{name.suffix}")
        try:
            file = path.open("xb")  # "x": fails instead of replacing what is there
        except FileExistsError:
            continue
        try:
            with file:
                file.write(attachment.data)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink()  # no half-written file left behind (e.g. disk full)
            raise
        return path
    raise FileExistsError(errno.EEXIST, "zu viele Dateien gleichen Namens", str(folder))


async def _next_line(queue: asyncio.Queue[str | None], stop: asyncio.Event) -> str | None:
    getter = asyncio.ensure_future(queue.get())
    stopper = asyncio.ensure_future(stop.wait())
    done, pending = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return getter.result() if getter in done else None
