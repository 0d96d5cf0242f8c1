"""PTB handlers: Telegram updates in, :class:`IncomingMessage` to the core, replies out."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import partial

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.dialogue import roles
from bot.dialogue.core import APOLOGY, Dialogue
from bot.dialogue.messages import AdminCheck, Attachment, ChatRef, IncomingMessage, Reply
from bot.errors import TransportError
from bot.reminders.sender import PermanentFailure, RetryLater
from bot.storage.records import Recipient
from bot.storage.subscriptions import SubscriptionRepository
from bot.transports.attachments import FILE_FAILED
from bot.transports.telegram import groups
from bot.transports.telegram.commands import aliases, translate
from bot.transports.telegram.render import MAX_CALLBACK_BYTES, render
from bot.transports.telegram.sender import REPLIES, Delivery

logger = logging.getLogger(__name__)

NAME = "telegram"
_GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


@dataclass(frozen=True)
class _Context:
    """Where an incoming message came from and where its answer goes."""

    chat_id: int
    user_id: int | None
    sender_chat_id: int | None
    group: bool
    reply_to: int | None = None
    thread: int | None = None

    @property
    def sender(self) -> str:
        """Who speaks: the person, or the chat they post as (anonymous admins, channels).

        Anonymous admins all share one user id across every group; their group's id
        tells them apart (chat ids are negative, so they never clash with a user's).
        """
        sender = self.user_id if self.sender_chat_id is None else self.sender_chat_id
        return "" if sender is None else str(sender)


class Handlers:
    """Connects a PTB :class:`Application` to the dialogue core."""

    def __init__(self, dialogue: Dialogue, subscriptions: SubscriptionRepository,
                 delivery: Delivery, *, group_admin_only: bool) -> None:
        self._dialogue = dialogue
        self._subscriptions = subscriptions
        self._delivery = delivery
        self._group_admin_only = group_admin_only
        self._names = aliases(dialogue.commands)

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        """Register the handlers and the central error handler."""
        messages = filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
        application.add_handler(MessageHandler(messages, self.on_message))
        application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(ChatMemberHandler(self.on_membership,
                                                  ChatMemberHandler.MY_CHAT_MEMBER))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a private message, or a group message addressed to the bot."""
        message = update.message
        if message is None:
            return
        group = groups.is_group(message)
        text = (groups.addressed(message, context.bot.id, context.bot.username) if group
                else message.text or message.caption or "")
        if text is None:
            return
        text = translate(text, self._names)
        where = _Context(message.chat.id, _user(message), _sender_chat(message), group,
                         message.message_id if group else None,
                         message.message_thread_id if message.is_topic_message else None)
        await self._answer(context.bot, where, text, None)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button press; stale or forged data gets the core's polite answer."""
        query = update.callback_query
        if query is None:
            return
        await _acknowledge(query)
        message = query.message
        if message is None:  # a button under an inline-mode message: nothing to answer in
            return
        data = (query.data or "")[:MAX_CALLBACK_BYTES]
        chat = message.chat
        thread = (message.message_thread_id
                  if isinstance(message, Message) and message.is_topic_message else None)
        where = _Context(chat.id, query.from_user.id, None, chat.type in groups.GROUP_TYPES,
                         thread=thread)
        await self._answer(context.bot, where, "", data)

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Deactivate a chat's abos when the bot is removed from it or blocked."""
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in _GONE:
            return
        logger.info("The bot was removed from a Telegram %s chat", change.chat.type)
        await asyncio.to_thread(self.deactivate, str(change.chat.id),
                                f"bot {change.new_chat_member.status} from chat")

    async def on_migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let a group's abos and reminders follow it when it becomes a supergroup.

        Telegram announces it twice: in the old group (``migrate_to_chat_id``) and in the
        new supergroup (``migrate_from_chat_id``); the second finds nothing left to move.
        """
        message = update.message
        if message is None:
            return
        if message.migrate_to_chat_id is not None:
            await self.on_moved(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id is not None:
            await self.on_moved(message.migrate_from_chat_id, message.chat.id)

    async def on_moved(self, old: int | str, new: int) -> None:
        """Move a chat's data to its new id (also when sending found the group moved)."""
        try:
            await asyncio.to_thread(self._subscriptions.move_chat, Recipient(NAME, str(old)),
                                    Recipient(NAME, str(new)))
        except Exception:
            # Sending still reaches the new id; only the move is tried again next time.
            logger.exception("Could not move a Telegram chat's data to its new id")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log any failure with its context; the user gets a short apology, never a trace."""
        error = context.error
        chat = update.effective_chat if isinstance(update, Update) else None
        if isinstance(error, PermanentFailure) and chat is not None:
            logger.warning("Telegram chat cannot be reached any more: %s", error)
            await asyncio.to_thread(self.deactivate, str(chat.id), str(error))
            return
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("Handling Telegram update %s in chat %s failed", update_id,
                     chat.id if chat is not None else None, exc_info=error)
        if chat is None or isinstance(error, RetryLater):
            return  # nowhere to answer, or Telegram would refuse the apology just the same
        try:
            await context.bot.send_message(chat.id, APOLOGY)
        except TelegramError as failure:
            logger.warning("Could not send the apology either: %s", failure)

    def deactivate(self, chat_id: str, reason: str) -> None:
        """Stop reminders to a chat; its data stays until it subscribes again."""
        subscriber = self._subscriptions.subscriber_id(Recipient(NAME, chat_id))
        if subscriber is not None:
            self._subscriptions.deactivate_subscriber(subscriber, reason)

    async def _answer(self, bot: Bot, where: _Context, text: str, callback: str | None) -> None:
        incoming = IncomingMessage(ChatRef(NAME, str(where.chat_id)), text, where.sender,
                                   where.group, callback, self._admin_check(bot, where))
        reply = await self._dialogue.handle(incoming)
        if reply is None:
            return  # over the flood limit, and already told so
        await self._delivery.send(where.chat_id, render(reply), REPLIES,
                                  reply_to=where.reply_to, thread=where.thread)
        if reply.attachment is not None:
            await self._send_file(where, reply.attachment)

    def _admin_check(self, bot: Bot, where: _Context) -> AdminCheck | None:
        """Return how the core may ask whether the sender administers the group."""
        if not where.group:
            return None
        if not self._group_admin_only:
            return roles.everyone
        # Asked lazily: only the few commands that change the group's data need it.
        return partial(groups.is_admin, bot, where.chat_id, where.user_id,
                       where.sender_chat_id)

    async def _send_file(self, where: _Context, attachment: Attachment) -> None:
        """Send the reply's file after its text; if that fails, say so in one line."""
        try:
            await self._delivery.send_file(where.chat_id, attachment, REPLIES,
                                           thread=where.thread)
        except TransportError as error:
            logger.warning("Could not send a file to a Telegram chat: %s", error)
            await self._delivery.send(where.chat_id, render(Reply(FILE_FAILED)), REPLIES,
                                      thread=where.thread)


async def _acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner; a query older than a few minutes cannot be answered."""
    try:
        await query.answer()
    except TelegramError as error:
        logger.debug("Could not answer a callback query: %s", error)


def _user(message: Message) -> int | None:
    return message.from_user.id if message.from_user is not None else None


def _sender_chat(message: Message) -> int | None:
    return message.sender_chat.id if message.sender_chat is not None else None
