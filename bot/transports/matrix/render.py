"""Render a neutral :class:`Reply` as Matrix message content: plain ``body`` plus HTML.

Matrix has no buttons: "Meinten Sie …?" choices stay a numbered list (the user answers
with the number), and actions become a one-line command hint. Commands are shown
with ``!`` because Element treats a leading ``/`` as one of its own commands.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from bot.dialogue.core import SUBSCRIBE_PREFIX
from bot.dialogue.messages import Reply


class Renderer:
    """Turns replies into ``m.room.message`` content; knows the command names to rewrite."""

    def __init__(self, command_names: Iterable[str]) -> None:
        names = sorted({n for n in command_names if n}, key=len, reverse=True)
        alternatives = "|".join(re.escape(n) for n in names) or r"(?!)"
        # "/hilfe" at a word start, never inside a URL ("https://x/hilfe") or "und/oder".
        self._command = re.compile(rf"(?<![\w/!.:-])/({alternatives})(?![\w-])")

    def reply(self, reply: Reply) -> dict[str, Any]:
        """Return the content for a dialogue reply."""
        text = reply.text
        numbered = {f"{n}. {c.label}" for n, c in enumerate(reply.choices, start=1)}
        hints = [self._action(a.label, a.data) for a in reply.actions]
        extra = "\n".join(h for h in hints if h)
        if extra:
            text = f"{text}\n\n{extra}"
        return self._content(text, numbered)

    def text(self, text: str) -> dict[str, Any]:
        """Return the content for plain text, e.g. a reminder."""
        return self._content(text, set())

    def _action(self, label: str, data: str) -> str:
        if data.startswith(SUBSCRIBE_PREFIX):
            return f"{label}: /abo {data[len(SUBSCRIBE_PREFIX):]}"
        return ""

    def _content(self, text: str, numbered: set[str]) -> dict[str, Any]:
        body = self._command.sub(r"!\1", text)
        # An empty m.mentions: a user's "@room" or a pill echoed in a reply pings nobody.
        return {"msgtype": "m.text", "body": body, "format": "org.matrix.custom.html",
                "formatted_body": self._html(text, numbered), "m.mentions": {}}

    def _html(self, text: str, numbered: set[str]) -> str:
        parts: list[str] = []
        items: list[str] = []
        for line in text.split("\n"):
            if line in numbered:
                items.append(self._line(line.split(". ", 1)[1]))
                continue
            if items:
                parts.append("<ol>" + "".join(f"<li>{i}</li>" for i in items) + "</ol>")
                items = []
            parts.append(self._line(line) + "<br>")
        if items:
            parts.append("<ol>" + "".join(f"<li>{i}</li>" for i in items) + "</ol>")
        return "".join(parts).removesuffix("<br>")

    def _line(self, line: str) -> str:
        return self._command.sub(r"<code>!\1</code>", html.escape(line, quote=False))
