"""The console chat: the embedded default host of the dialogue core.

Interactive in a terminal, and line by line when piped
(``echo "Heimatscheck?" | foerderlotse chat``).
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage, Reply

CHAT = ChatRef("console", "local")
PROMPT = "Sie: "
_QUIT = {"/ende", "/exit", "/quit", "exit", "quit", "tschüss", "tschuess"}


def render(reply: Reply) -> str:
    """Render a reply as plain terminal text (choices are numbered in the text already)."""
    return reply.text


async def _read_line(stream: TextIO) -> str:
    # input() blocks; run it in a thread so the event loop (and later the scheduler) keeps going.
    return await asyncio.to_thread(stream.readline)


async def run_console(dialogue: Dialogue, stdin: TextIO = sys.stdin,
                      stdout: TextIO = sys.stdout) -> int:
    """Chat until end of input or /ende; return an exit code."""
    interactive = stdin.isatty()
    if interactive:
        stdout.write("Förderlotse – Ihre Fragen zur Kulturförderung. Beenden mit /ende.\n\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = await _read_line(stdin)
        if not line:
            return 0
        text = line.strip()
        if not text:
            continue
        if text.casefold() in _QUIT:
            return 0
        reply = await dialogue.handle(IncomingMessage(CHAT, text, user_id="local"))
        prefix = "Lotse: " if interactive else ""
        stdout.write(prefix + render(reply) + "\n\n")
        stdout.flush()
