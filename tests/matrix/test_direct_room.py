"""A coordinator's user id finds the room the bot shares with them alone (no server needed)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.reminders.sender import RetryLater
from bot.transports.matrix.direct import direct_room, is_user_id

ANNA = "@anna:kreis-hoexter.de"


def room(joined: int, **members: bool) -> SimpleNamespace:
    """A room with ``joined`` members; ``members`` maps user ids to "only invited"."""
    users = {name: SimpleNamespace(invited=invited) for name, invited in members.items()}
    return SimpleNamespace(users=users, joined_count=joined)


def test_the_room_of_two_is_chosen_and_always_the_same() -> None:
    rooms = {"!group:x": room(3, **{ANNA: False}), "!b:x": room(2, **{ANNA: False}),
             "!a:x": room(2, **{ANNA: False})}
    assert direct_room(rooms, ANNA) == "!a:x"


def test_without_such_a_room_the_message_waits() -> None:
    rooms = {"!invited:x": room(1, **{ANNA: True}), "!other:x": room(2)}
    with pytest.raises(RetryLater, match="invite the bot") as caught:
        direct_room(rooms, ANNA)
    assert caught.value.retry_after == 3600


def test_user_ids_and_room_ids() -> None:
    assert is_user_id(ANNA)
    assert not is_user_id("!room:kreis-hoexter.de")
