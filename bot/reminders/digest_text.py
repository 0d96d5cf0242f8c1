"""The German text of the weekly digest ("Wochenbrief"): one short message per chat.

Pure: the content in, the text out (None for an empty week, which sends nothing). The
lists are capped, so a digest stays one phone screen or two and well below a messenger's
message limit; ``/fristen 4`` shows every deadline the digest left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.deadlines import UNSURE

WEEKS = 4
MAX_DEADLINES = 10
MAX_NAMES = 6
MAX_BROADCASTS = 3
MAX_BROADCAST_CHARS = 400
UNSUBSCRIBE = "Abbestellen: /abbestellen wochenbrief"


@dataclass(frozen=True, order=True)
class DigestDeadline:
    """One deadline in the digest's list."""

    day: dt.date
    title: str
    label: str | None = None
    uncertain: bool = False


@dataclass(frozen=True)
class DigestContent:
    """What one chat's digest of one week says.

    ``added`` and ``changed`` are programme titles; ``broadcasts`` the week's messages
    from the coordinators (see :data:`bot.reminders.digest.WeekBroadcasts`).
    """

    week_start: dt.date
    deadlines: Sequence[DigestDeadline] = ()
    added: Sequence[str] = ()
    changed: Sequence[str] = ()
    broadcasts: Sequence[str] = ()

    @property
    def empty(self) -> bool:
        """Tell whether there is nothing to say this week."""
        return not (self.deadlines or self.added or self.changed or self.broadcasts)


def render_digest(content: DigestContent) -> str | None:
    """Return the digest's text, or None when the week has nothing to say."""
    if content.empty:
        return None
    sections = [f"Ihr Wochenbrief für die Woche ab {content.week_start:%d.%m.%Y}"]
    if content.deadlines:
        sections.append("\n".join(_deadlines(content.deadlines)))
    news = [f"{head}: {_names(titles)}" for head, titles in
            (("Neu", content.added), ("Geändert", content.changed)) if titles]
    if news:
        sections.append("\n".join(news))
    if content.broadcasts:
        sections.append("\n".join(["Mitteilungen:"] + [
            f"• {_shorten(text)}" for text in content.broadcasts[:MAX_BROADCASTS]]))
    sections.append(UNSUBSCRIBE)
    return "\n\n".join(sections)


def _deadlines(deadlines: Sequence[DigestDeadline]) -> list[str]:
    lines = [f"Fristen der nächsten {WEEKS} Wochen:"]
    for item in sorted(deadlines)[:MAX_DEADLINES]:
        lines.append(f"• {item.day:%d.%m.%Y} {item.title}"
                     + (f" ({item.label})" if item.label else "")
                     + (f" – {UNSURE}" if item.uncertain else ""))
    if len(deadlines) > MAX_DEADLINES:
        lines.append(f"Und {len(deadlines) - MAX_DEADLINES} weitere: /fristen {WEEKS}")
    return lines


def _names(titles: Sequence[str]) -> str:
    shown = ", ".join(sorted(titles)[:MAX_NAMES])
    rest = len(titles) - MAX_NAMES
    return f"{shown} und {rest} weitere" if rest > 0 else shown


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_BROADCAST_CHARS else text[:MAX_BROADCAST_CHARS - 1] + "…"
