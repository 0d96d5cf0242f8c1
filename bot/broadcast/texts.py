"""What chats and coordinators read about a broadcast (German, short, fits a phone)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.clock import BERLIN

HEADER = "Rundschreiben des Kulturbüros:"
FIRST_WORDS = 8
FIRST_CHARS = 60


def message(text: str) -> str:
    """Return the message a chat receives: the header, then the coordinator's text."""
    return f"{HEADER}\n{text}"


def chats(count: int) -> str:
    """Return "1 Chat" or "N Chats"."""
    return "1 Chat" if count == 1 else f"{count} Chats"


def when(instant: dt.datetime) -> str:
    """Return "am 02.12.2026 um 10:15 Uhr" (Europe/Berlin)."""
    return f"am {instant.astimezone(BERLIN):%d.%m.%Y um %H:%M} Uhr"


def first_words(text: str) -> str:
    """Return the beginning of ``text`` on one line: a few words, "…" when cut."""
    words = text.split()
    shown = " ".join(words[:FIRST_WORDS])
    if len(shown) > FIRST_CHARS:
        shown = shown[:FIRST_CHARS].rsplit(" ", 1)[0] or shown[:FIRST_CHARS]
    return shown if shown == " ".join(words) else f"{shown} …"


def received(items: Sequence[tuple[dt.datetime, str]]) -> list[str]:
    """Return the lines of ``/abos`` about the broadcasts a chat received, newest first."""
    lines = [f"Rundschreiben vom {sent_at.astimezone(BERLIN):%d.%m.%Y}: {first_words(text)}"
             for sent_at, text in items]
    if len(lines) == 1:
        return [f"Zuletzt erhalten: {lines[0]}"]
    return ["Zuletzt erhalten:", *(f"• {line}" for line in lines)] if lines else []
