"""Plain, detached values the repositories hand out (no ORM sessions leak out)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import BERLIN

DEFAULT_LEAD_DAYS: tuple[int, ...] = (28, 7, 1)
DEFAULT_SEND_TIME = "09:00"
_SEND_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_LEAD_DAYS = 365


class TargetKind(StrEnum):
    """What a subscription follows."""

    PROGRAMME = "programme"
    TOPIC = "topic"
    REGION = "region"
    ALL = "all"
    DIGEST = "digest"  # the weekly digest ("/abo wochenbrief"); target ""


class ReminderKind(StrEnum):
    """What an outbox row is about."""

    DEADLINE = "deadline"
    PERSONAL = "personal"
    NOTICE = "notice"
    DIGEST = "digest"  # one chat's weekly digest, its whole text in one row
    HANDOFF = "handoff"  # a handed-off question, its answer or a reminder of it, as it is
    BROADCAST = "broadcast"  # a coordinator's broadcast ("Rundschreiben"), its bare text


class State(StrEnum):
    """Life cycle of an outbox row: pending → sending → sent | failed | cancelled.

    "sending" is not stored in ``reminder.state``: it is a pending row that an engine
    holds a claim on (table ``reminder_claim``).
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, order=True)
class Recipient:
    """A chat on a transport."""

    transport: str
    chat_id: str


@dataclass(frozen=True)
class SubscriptionInfo:
    """One subscription of a chat, as shown by a "meine Abos" command."""

    id: int
    subscriber_id: int
    kind: TargetKind
    target: str
    lead_days: tuple[int, ...]
    send_time: str


@dataclass(frozen=True)
class PersonalReminderInfo:
    """A personal reminder of a chat."""

    id: int
    due_on: dt.date
    send_time: str
    text: str


@dataclass(frozen=True)
class PlannedReminder:
    """An outbox row the planner wants to exist."""

    dedupe_key: str
    subscriber_id: int
    kind: ReminderKind
    text: str
    due_at: dt.datetime
    occurs_on: dt.date | None = None
    programme_id: str | None = None
    personal_reminder_id: int | None = None
    step: str | None = None
    lead_days: int = 0


@dataclass(frozen=True)
class PlannedRow:
    """What the planner needs to know about an existing deadline row."""

    id: int
    dedupe_key: str
    state: State
    subscriber_id: int
    programme_id: str | None
    text: str


@dataclass(frozen=True)
class ClaimedReminder:
    """An outbox row claimed by one engine for sending."""

    id: int
    recipient: Recipient
    subscriber_id: int
    kind: ReminderKind
    text: str
    occurs_on: dt.date | None
    step: str | None
    lead_days: int
    due_at: dt.datetime
    attempts: int
    dedupe_key: str


@dataclass(frozen=True)
class Outcome:
    """How the engine finished claimed rows; applied by ``OutboxRepository.finish``.

    ``state`` is SENT (at ``sent_at``), FAILED, CANCELLED, or PENDING for another attempt
    at ``retry_at``. ``counted`` is False when nothing was tried (the chat's messenger is
    not configured here), so waiting does not use up the attempts.
    """

    ids: tuple[int, ...]
    state: State
    sent_at: dt.datetime | None = None
    late: bool = False
    error: str | None = None
    retry_at: dt.datetime | None = None
    counted: bool = True


def parse_lead_days(text: str) -> tuple[int, ...]:
    """Parse ``"28,7,1"`` into ``(28, 7, 1)``, largest first, without duplicates.

    Raises:
        ValueError: A part is not a whole number of days between 0 and 365.

    """
    days: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) > MAX_LEAD_DAYS:
            raise ValueError(f"„{part}“ ist keine Anzahl Tage zwischen 0 und {MAX_LEAD_DAYS}")
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


def format_lead_days(days: tuple[int, ...] | list[int]) -> str:
    """Return the compact stored form, e.g. ``"28,7,1"``."""
    return ",".join(str(d) for d in sorted(set(days), reverse=True))


def parse_send_time(text: str) -> dt.time:
    """Parse a local wall-clock time ``"09:00"``.

    Raises:
        ValueError: Not a time in HH:MM form.

    """
    match = _SEND_TIME.match(text.strip())
    if not match:
        raise ValueError(f"„{text}“ ist keine Uhrzeit – bitte HH:MM schreiben, z. B. 09:00")
    return dt.time(int(match[1]), int(match[2]))


def local_instant(day: dt.date, send_time: str) -> dt.datetime:
    """Return ``send_time`` on ``day`` in Europe/Berlin as an aware UTC instant.

    Combining in Berlin first keeps 09:00 at 09:00 local on both sides of a clock change.
    """
    local = dt.datetime.combine(day, parse_send_time(send_time), tzinfo=BERLIN)
    return local.astimezone(dt.UTC)
