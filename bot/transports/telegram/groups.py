"""Group etiquette: when a group message is meant for the bot, and who administers it.

In groups the bot reacts only to commands (its own, not other bots'), to replies to
its own messages and to @mentions; everything else is the members' conversation.
Which commands need an administrator is the core's rule (:mod:`bot.dialogue.roles`);
this module only answers the question when the core asks it.
"""

from __future__ import annotations

import logging
import re

from telegram import Bot, Message, MessageEntity
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
_ADMIN = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
_TARGET = re.compile(r"^\s*/[^\s@]+@(\w+)")


def is_group(message: Message) -> bool:
    """Return True for basic groups and supergroups."""
    return message.chat.type in GROUP_TYPES


def addressed(message: Message, bot_id: int, username: str) -> str | None:
    """Return the text meant for the bot, without the @mention; None when not addressed."""
    text = message.text or ""
    if text.lstrip().startswith("/"):
        target = _TARGET.match(text)
        return text if target is None or target[1].casefold() == username.casefold() else None
    reply = message.reply_to_message
    if (reply is not None and reply.from_user is not None and reply.from_user.id == bot_id
            and reply.forum_topic_created is None):
        return text
    mentioned = False
    for entity, said in message.parse_entities(
            [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if (said.casefold() == f"@{username}".casefold()
                or (entity.user is not None and entity.user.id == bot_id)):
            text = text.replace(said, " ", 1)
            mentioned = True
    return " ".join(text.split()) if mentioned else None


async def is_admin(bot: Bot, chat_id: int, user_id: int | None,
                   sender_chat_id: int | None = None) -> bool:
    """Return True when the sender administers the group (anonymous admins included)."""
    if sender_chat_id == chat_id:
        return True  # an anonymous admin posts as the group itself
    if user_id is None:
        return False
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        logger.warning("Could not check a group member's status: %s", error)
        return False
    return member.status in _ADMIN
