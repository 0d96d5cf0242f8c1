"""The neutral message model every transport converts to and from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

# Asks the transport whether the sender administers the group they write in.
AdminCheck = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class ChatRef:
    """A chat on a transport: ``telegram``/``12345`` or ``matrix``/``!room:server``."""

    transport: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.transport}:{self.chat_id}"


@dataclass(frozen=True)
class IncomingMessage:
    """Something a user sent: text, or the data of a button they pressed.

    ``is_admin`` is asked, not told: the core awaits it only before a command that
    changes a group's data (see :mod:`bot.dialogue.roles`). Most group messages are
    questions, and on Telegram the answer costs a ``getChatMember`` request, so a
    ready-made flag would spend that request on every message. ``None`` means nobody
    can tell (or it is no group); in a group the core then refuses such commands.
    """

    chat: ChatRef
    text: str = ""
    user_id: str = ""
    is_group: bool = False
    callback: str | None = None
    is_admin: AdminCheck | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Choice:
    """An option under a reply; ``data`` is compact and validated when it comes back."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply, e.g. the Kosten- und Finanzierungsplan as .xlsx."""

    filename: str
    media_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Reply:
    """Plain text (never markup) plus optional choices and action buttons.

    Transports escape ``text`` for their format; ``choices`` are "Meinten Sie …?"
    options that may also be answered with their number.
    """

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    actions: tuple[Choice, ...] = field(default_factory=tuple)
    # A command the same user may confirm with a plain "ja" ("/daten-loeschen ja").
    confirm: str | None = None
    # A file to send after the text: Telegram as a document, Matrix as an upload, the
    # console writes it to its folder.
    attachment: Attachment | None = None
