"""Who administers a Matrix room, for the core's group rule (:mod:`bot.dialogue.roles`).

An administrator here is anyone with power level 50 or more in the room (Element's
"Moderator" and "Admin"). Since room version 12 the creators outrank every power
level and are no longer listed in ``m.room.power_levels``; nio does not keep the
create event, so its sender and ``additional_creators`` are noted from the sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nio import RoomCreateEvent

from bot.dialogue.messages import AdminCheck

ADMIN_LEVEL = 50
# Room versions whose creators hold unlimited power (MSC4289).
_CREATORS_RULE = frozenset({"12", "org.matrix.hydra.11"})


class RoomAdmins:
    """Answers "does this member administer the room?" from nio's room state."""

    def __init__(self) -> None:
        self._creators: dict[str, frozenset[str]] = {}

    def learn(self, room_id: str, events: Iterable[Any]) -> None:
        """Note the room's creators when ``events`` (state or timeline) hold its create event."""
        for event in events:
            if isinstance(event, RoomCreateEvent):
                extra = event.source.get("content", {}).get("additional_creators", [])
                names = [name for name in extra if isinstance(name, str)]
                self._creators[room_id] = frozenset({event.sender, *names})

    def is_admin(self, room: Any, user_id: str) -> bool:
        """Return True for power level 50 or more, or a creator where creators rule."""
        if room.room_version in _CREATORS_RULE and user_id in self._creators.get(
                room.room_id, ()):
            return True
        return int(room.power_levels.get_user_level(user_id)) >= ADMIN_LEVEL

    def check(self, room: Any, user_id: str) -> AdminCheck:
        """Return the check the core awaits; it reads the room's state when asked."""

        async def is_admin() -> bool:
            return self.is_admin(room, user_id)

        return is_admin
