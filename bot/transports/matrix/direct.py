"""A person as a recipient: the room the bot shares with them alone.

Coordinators are configured by their Matrix user id (``matrix:@anna:kreis-hoexter.de``),
but messages go to rooms. A coordinator invites the bot into a direct chat once; from
then on, messages to her user id go there.
"""

from __future__ import annotations

from typing import Any

from bot.reminders.sender import RetryLater

# How long a message to a person without a direct room waits before it is tried again.
NO_ROOM_RETRY = 3600.0


def is_user_id(chat_id: str) -> bool:
    """Tell a user id (``@anna:server``) from a room id (``!abc:server``)."""
    return chat_id.startswith("@")


def direct_room(rooms: dict[str, Any], user_id: str) -> str:
    """Return the room in which the bot and ``user_id`` are the only members.

    Several such rooms: the first by id, so repeats of a message reach the same room.

    Raises:
        RetryLater: there is none yet (the person has not invited the bot).

    """
    for room_id in sorted(rooms):
        room = rooms[room_id]
        member = room.users.get(user_id)
        if member is not None and not member.invited and room.joined_count == 2:
            return room_id
    raise RetryLater(f"no direct room with {user_id} yet: they should invite the bot",
                     NO_ROOM_RETRY)
