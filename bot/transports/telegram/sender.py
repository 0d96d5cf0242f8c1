"""Sending to Telegram, with its errors converted once into the core's typed errors.

* ``RetryAfter`` (HTTP 429): short waits are honoured in place, so the message is
  delivered exactly once without a round trip through the outbox; longer ones become
  :class:`RetryLater` with Telegram's ``retry_after``.
* ``Forbidden`` (bot blocked, kicked) and "chat not found": :class:`PermanentFailure`;
  the reminder engine then deactivates the chat's subscriptions.
* Network errors and timeouts: retried here with a short backoff, then
  :class:`RetryLater`, so the engine's own backoff takes over.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

from telegram import Bot, InputFile, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.dialogue.messages import Attachment, Reply
from bot.errors import TransportError
from bot.reminders.sender import PermanentFailure, RetryLater
from bot.storage.records import Recipient
from bot.transports.attachments import safe_filename
from bot.transports.telegram.render import Outgoing, render

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Moved = Callable[[int | str, int], Awaitable[None]]  # (old chat id, new chat id)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait in place before handing a failure back to the caller."""

    max_wait: float = 5.0  # longest RetryAfter honoured in place (seconds)
    attempts: int = 3
    backoff: float = 0.5  # first pause after a network error; doubles each time


REMINDERS = RetryPolicy()
# A user is waiting for the answer: wait longer in place rather than drop it.
REPLIES = RetryPolicy(max_wait=30.0)


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's ``retry_after`` in seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def translate(error: TelegramError) -> TransportError:
    """Convert a PTB error into the core's typed error (never leaks PTB types upward)."""
    if isinstance(error, RetryAfter):
        return RetryLater(f"Telegram flood control: {error}", retry_after_seconds(error))
    if isinstance(error, Forbidden):
        return PermanentFailure(f"Telegram refused: {error.message}")
    if isinstance(error, BadRequest):
        if "chat not found" in error.message.casefold():
            return PermanentFailure(f"Telegram: {error.message}")
        return TransportError(f"Telegram rejected the message: {error.message}")
    if isinstance(error, NetworkError):  # includes TimedOut
        return RetryLater(f"Telegram unreachable: {error.message}", 0.0)
    return TransportError(f"Telegram error: {error.message}")


class Delivery:
    """Sends rendered messages to one chat, following a :class:`RetryPolicy`."""

    def __init__(self, bot: Bot, sleep: Sleep = asyncio.sleep) -> None:
        self._bot = bot
        self._sleep = sleep
        self.on_moved: Moved | None = None  # told when a group turned out to have moved

    async def send(self, chat_id: int | str, messages: Sequence[Outgoing], policy: RetryPolicy,
                   *, reply_to: int | None = None, thread: int | None = None) -> None:
        """Send the parts in order; only a failure of the first part may be retried later.

        Raises:
            RetryLater: try again later.
            PermanentFailure: the chat cannot be reached any more.
            TransportError: Telegram rejected the message itself.

        """
        for index, message in enumerate(messages):
            # Once a part is out, a later retry would repeat it: wait in place instead.
            current = policy if index == 0 else RetryPolicy(max_wait=60.0, attempts=5)
            chat_id = await self._retrying(chat_id, current, partial(
                self._message, message, reply_to=reply_to, thread=thread))
            reply_to = None

    async def send_file(self, chat_id: int | str, attachment: Attachment, policy: RetryPolicy,
                        *, thread: int | None = None) -> None:
        """Send ``attachment`` as a document (under its base name only).

        Raises:
            RetryLater: try again later.
            PermanentFailure: the chat cannot be reached any more.
            TransportError: Telegram rejected the file.

        """
        await self._retrying(chat_id, policy, partial(self._document, attachment, thread=thread))

    async def _message(self, message: Outgoing, chat_id: int | str, *, reply_to: int | None,
                       thread: int | None) -> None:
        await self._bot.send_message(
            chat_id, message.html, parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard, link_preview_options=_NO_PREVIEW,
            message_thread_id=thread,
            reply_parameters=None if reply_to is None else ReplyParameters(
                reply_to, allow_sending_without_reply=True))

    async def _document(self, attachment: Attachment, chat_id: int | str, *,
                        thread: int | None) -> None:
        document = InputFile(attachment.data, filename=safe_filename(attachment.filename))
        await self._bot.send_document(chat_id, document=document, message_thread_id=thread)

    async def _retrying(self, chat_id: int | str, policy: RetryPolicy,
                        request: Callable[[int | str], Awaitable[None]]) -> int | str:
        """Make ``request`` to the chat, following it if it moved; return the chat's id."""
        for attempt in range(1, policy.attempts + 1):
            try:
                await request(chat_id)
                return chat_id
            except ChatMigrated as error:
                logger.warning("A Telegram group became a supergroup; sending to its new id")
                if self.on_moved is not None:
                    await self.on_moved(chat_id, error.new_chat_id)
                chat_id = error.new_chat_id
            except TelegramError as error:
                wait = self._wait(error, attempt, policy)
                if wait is None:
                    raise translate(error) from error
                logger.info("Telegram asked to wait %.1f s (%s), attempt %d",
                            wait, type(error).__name__, attempt)
                await self._sleep(wait)
        raise RetryLater("Telegram: too many attempts", policy.max_wait)

    @staticmethod
    def _wait(error: TelegramError, attempt: int, policy: RetryPolicy) -> float | None:
        """Seconds to wait before trying again in place, or None to give up now."""
        if attempt >= policy.attempts:
            return None
        if isinstance(error, RetryAfter):
            seconds = retry_after_seconds(error)
            return seconds if seconds <= policy.max_wait else None
        if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
            return float(policy.backoff * 2 ** (attempt - 1))
        return None


# How long a reminder waits for the bot to connect before it is put back for a retry.
CONNECT_WAIT_SECONDS = 15.0


class TelegramSender:
    """The reminder engine's :class:`~bot.reminders.sender.Sender` for Telegram chats."""

    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery
        self._online = asyncio.Event()  # set by the transport while its bot is connected

    @property
    def online(self) -> bool:
        """Tell whether the transport's bot is connected."""
        return self._online.is_set()

    @online.setter
    def online(self, value: bool) -> None:
        if value:
            self._online.set()
        else:
            self._online.clear()

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        """Send a plain-text reminder (Telegram has no idempotency key; ``dedupe_id`` unused).

        Raises:
            RetryLater: not connected yet, flood control, or network trouble.
            PermanentFailure: the bot was blocked or removed from the chat.
            TransportError: Telegram rejected the message.

        """
        if not self.online:
            # The first sweep may start while the bot is still connecting: waiting a moment
            # beats putting the chat back for a retry (Matrix waits for its first sync too).
            try:
                await asyncio.wait_for(self._online.wait(), CONNECT_WAIT_SECONDS)
            except TimeoutError:
                raise RetryLater("Telegram transport is not connected", 10.0) from None
        await self._delivery.send(_chat_id(recipient.chat_id), render(Reply(text)), REMINDERS)


def _chat_id(chat_id: str) -> int | str:
    """Telegram ids are integers; ``@channelname`` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id
