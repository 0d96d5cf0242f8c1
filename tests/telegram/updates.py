"""Builders for Telegram updates as the Bot API sends them (JSON dicts)."""

from __future__ import annotations

from typing import Any

from tests.telegram.fakeapi import BOT

GROUP = -1001234
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot, the same in every group
DATE = 1_790_000_000


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"Nutzer {user_id}",
            "language_code": "de"}


def chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"Nutzer {chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": "Heimatverein Brakel"}


def message(text: str, chat_id: int = 11, user_id: int | None = None,
            reply_to_bot: bool = False, message_id: int = 1) -> dict[str, Any]:
    """A text message; ``@FoerderlotseBot`` and a leading command get their entities."""
    body: dict[str, Any] = {"message_id": message_id, "date": DATE, "chat": chat(chat_id),
                            "from": user(user_id or abs(chat_id)), "text": text}
    entities = []
    if text.startswith("/"):
        entities.append({"type": "bot_command", "offset": 0,
                         "length": len(text.split()[0].encode("utf-16-le")) // 2})
    mention = "@" + BOT["username"]
    if mention in text:
        offset = len(text[: text.index(mention)].encode("utf-16-le")) // 2
        entities.append({"type": "mention", "offset": offset, "length": len(mention)})
    if entities:
        body["entities"] = entities
    if reply_to_bot:
        body["reply_to_message"] = {"message_id": 900, "date": DATE, "chat": chat(chat_id),
                                    "from": BOT, "text": "Meinten Sie …?"}
    return {"message": body}


def anonymous(text: str, chat_id: int = GROUP) -> dict[str, Any]:
    """A message of an anonymous group admin: it comes from the group itself."""
    update = message(text, chat_id, ANONYMOUS_ADMIN)
    update["message"]["from"] = {"id": ANONYMOUS_ADMIN, "is_bot": True,
                                 "first_name": "Group", "username": "GroupAnonymousBot"}
    update["message"]["sender_chat"] = chat(chat_id)
    return update


def press(data: str, chat_id: int = 11, user_id: int | None = None) -> dict[str, Any]:
    """A button press under one of the bot's messages."""
    return {"callback_query": {
        "id": f"cq-{data}", "from": user(user_id or abs(chat_id)), "chat_instance": "ci-1",
        "data": data, "message": {"message_id": 901, "date": DATE, "chat": chat(chat_id),
                                  "from": BOT, "text": "Meinten Sie …?"}}}


def migrated(old: int, new: int) -> dict[str, Any]:
    """The service message in a group that became the supergroup ``new``."""
    return {"message": {"message_id": 5, "date": DATE, "from": user(7),
                        "chat": {"id": old, "type": "group", "title": "Heimatverein Brakel"},
                        "migrate_to_chat_id": new}}


def removed(chat_id: int = GROUP, status: str = "kicked") -> dict[str, Any]:
    """The bot itself was removed from (or blocked in) a chat."""
    member: dict[str, Any] = {"status": "member", "user": BOT}
    gone: dict[str, Any] = {"status": status, "user": BOT}
    if status == "kicked":
        gone["until_date"] = 0
    return {"my_chat_member": {"chat": chat(chat_id), "from": user(7), "date": DATE,
                               "old_chat_member": member, "new_chat_member": gone}}
