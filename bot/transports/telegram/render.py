"""Render a core :class:`Reply` as Telegram HTML messages with inline keyboards.

All text is escaped: the core's text is plain and may quote the user's words, so
``<b>`` in a question arrives as ``&lt;b&gt;``. Long replies are split at paragraph
boundaries (then lines, then words) below Telegram's 4096-character limit.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.dialogue.messages import Choice, Reply

logger = logging.getLogger(__name__)

# Telegram counts UTF-16 code units after entity parsing; measuring the escaped text
# and keeping a margin below 4096 is safe on both counts.
LIMIT = 4000
MAX_CALLBACK_BYTES = 64
MAX_LABEL = 60
_SEPARATORS = ("\n\n", "\n", " ")
# C0/C1 controls except tab and newline, and lone surrogates (unencodable as UTF-8).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: escaped HTML and, on the last part, the keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def clean(text: str) -> str:
    """Drop characters Telegram rejects or that would break the message."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def size(text: str) -> int:
    """Length of ``text`` once escaped, in UTF-16 code units as Telegram counts."""
    return len(html.escape(text, quote=False).encode("utf-16-le")) // 2


def render(reply: Reply) -> list[Outgoing]:
    """Turn a reply into one or more messages; the keyboard goes under the last."""
    parts = split(clean(reply.text)) or ["…"]
    messages = [Outgoing(html.escape(part, quote=False)) for part in parts]
    markup = keyboard(reply)
    if markup is not None:
        messages[-1] = Outgoing(messages[-1].html, markup)
    return messages


def split(text: str, limit: int = LIMIT, level: int = 0) -> list[str]:
    """Split ``text`` into parts no larger than ``limit``, at the coarsest boundary possible."""
    if size(text) <= limit:
        return [text] if text.strip() else []
    if level == len(_SEPARATORS):
        return _cut(text, limit)
    separator = _SEPARATORS[level]
    parts: list[str] = []
    current = ""
    for piece in text.split(separator):
        joined = f"{current}{separator}{piece}" if current else piece
        if size(joined) <= limit:
            current = joined
            continue
        if current.strip():
            parts.append(current)
        current = piece if size(piece) <= limit else ""
        if not current:
            parts.extend(split(piece, limit, level + 1))
    if current.strip():
        parts.append(current)
    return parts


def _cut(text: str, limit: int) -> list[str]:
    """Cut a single over-long word by characters (code points never break)."""
    parts: list[str] = []
    start, used = 0, 0
    for index, char in enumerate(text):
        cost = size(char)
        if used + cost > limit:
            parts.append(text[start:index])
            start, used = index, 0
        used += cost
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One row per "Meinten Sie …?" choice, the actions in one row below."""
    rows = [[button] for number, choice in enumerate(reply.choices, start=1)
            if (button := _button(choice, f"{number}. ")) is not None]
    actions = [button for choice in reply.actions if (button := _button(choice)) is not None]
    if actions:
        rows.append(actions)
    return InlineKeyboardMarkup(rows) if rows else None


def _button(choice: Choice, prefix: str = "") -> InlineKeyboardButton | None:
    if not choice.data or len(choice.data.encode()) > MAX_CALLBACK_BYTES:
        # Telegram refuses the whole message for one bad button; leave that one out.
        logger.warning("Dropping a button whose callback data is %d bytes",
                       len(choice.data.encode()))
        return None
    label = prefix + clean(choice.label).strip()
    if len(label) > MAX_LABEL:
        label = label[: MAX_LABEL - 1] + "…"
    return InlineKeyboardButton(label or "…", callback_data=choice.data)
