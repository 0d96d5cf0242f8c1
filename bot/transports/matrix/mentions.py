"""Whether a message in a group room is meant for the bot, and its text without the mention."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.dialogue.commands import parse


def names_of(user_id: str, display_name: str | None) -> list[str]:
    """Return the names a user may address the bot by, longest first."""
    names = {user_id, user_id[1:].split(":", 1)[0]}
    if display_name:
        names.add(display_name)
    return sorted((n for n in names if n), key=len, reverse=True)


def addressed(text: str, content: Mapping[str, Any], user_id: str,
              names: Iterable[str]) -> str | None:
    """Return the text meant for the bot, or None when the message is not for it.

    Commands always count; otherwise the bot must be mentioned, by an intentional
    mention (``m.mentions``), a pill in the HTML, or its name at the start.
    """
    if parse(text) is not None:
        return text
    stripped = _strip_leading(text, names)
    if stripped is not None:
        return stripped
    mentions = content.get("m.mentions")
    pinged = isinstance(mentions, Mapping) and user_id in (mentions.get("user_ids") or ())
    pill = f"matrix.to/#/{user_id}" in str(content.get("formatted_body", ""))
    if pinged or pill:
        cleaned = text
        for name in names:
            cleaned = re.sub(rf"@?{re.escape(name)}[:,]?", " ", cleaned, flags=re.I)
        return " ".join(cleaned.split())
    return None


def _strip_leading(text: str, names: Iterable[str]) -> str | None:
    for name in names:
        match = re.match(rf"\s*@?{re.escape(name)}(?:[:,]|\s|$)\s*", text, flags=re.I)
        if match:
            return text[match.end():]
    return None
