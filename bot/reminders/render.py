"""The German text of a reminder message: one message per chat and morning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from functools import lru_cache

from bot.broadcast.texts import message as broadcast_message
from bot.storage.records import ClaimedReminder, ReminderKind


def when(deadline: dt.date, today: dt.date) -> str:
    """Return "heute", "morgen" or "in N Tagen"."""
    days = (deadline - today).days
    if days <= 0:
        return "heute"
    return "morgen" if days == 1 else f"in {days} Tagen"


def _deadline_line(row: ClaimedReminder, today: dt.date, late: bool) -> str:
    assert row.occurs_on is not None  # noqa: S101  (deadline rows always have a date)
    return _deadline_text(row.text, row.step, row.occurs_on, today, late)


@lru_cache(maxsize=4096)
def _deadline_text(text: str, step: str | None, deadline: dt.date, today: dt.date,
                   late: bool) -> str:
    # Cached: a morning's fan-out repeats the same few lines for thousands of chats.
    title = f"{text} – {step}" if step else text
    status = when(deadline, today) + (", verspätet" if late else "")
    return f"• {title}: Frist {deadline:%d.%m.%Y} ({status})"


def _personal_line(row: ClaimedReminder, today: dt.date, late: bool) -> str:
    if row.occurs_on is None:
        return f"• {row.text}"
    status = when(row.occurs_on, today) + (", verspätet" if late else "")
    return f"• {row.text} ({row.occurs_on:%d.%m.%Y}, {status})"


def render(rows: Sequence[ClaimedReminder], today: dt.date, late_ids: Collection[int]) -> str:
    """Render all rows for one chat as one message.

    Reminders for the same deadline (e.g. the 7- and the 1-day reminder after downtime)
    become one line. A weekly digest due at the same time comes last, as it is.
    Messages about handed-off questions come first, as they are, oldest first; then
    broadcasts, each under its own header, oldest first.
    """
    deadlines: dict[tuple[str, dt.date | None, str | None], str] = {}
    personal: list[str] = []
    notices: list[str] = []
    digests: list[str] = []
    handoffs: list[ClaimedReminder] = []
    broadcasts: list[ClaimedReminder] = []
    for row in sorted(rows, key=lambda r: (r.occurs_on or today, r.text, r.id)):
        late = row.id in late_ids
        if row.kind is ReminderKind.DEADLINE:
            deadlines.setdefault((row.text, row.occurs_on, row.step),
                                 _deadline_line(row, today, late))
        elif row.kind is ReminderKind.PERSONAL:
            personal.append(_personal_line(row, today, late))
        elif row.kind is ReminderKind.DIGEST:
            digests.append(row.text)  # complete, with its own heading
        elif row.kind is ReminderKind.HANDOFF:
            handoffs.append(row)  # complete: a question, an answer or a reminder of one
        elif row.kind is ReminderKind.BROADCAST:
            broadcasts.append(row)
        else:
            notices.append(f"• {row.text}")
    sections = [
        ("Erinnerung an Fristen:", list(deadlines.values())),
        ("Ihre Erinnerung:" if len(personal) == 1 else "Ihre Erinnerungen:", personal),
        ("Hinweis:", notices),
    ]
    return "\n\n".join([r.text for r in sorted(handoffs, key=lambda r: r.id)]
                       + [broadcast_message(r.text) for r in sorted(broadcasts, key=lambda r: r.id)]
                       + ["\n".join([head, *lines]) for head, lines in sections if lines]
                       + digests)
