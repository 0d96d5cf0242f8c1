"""What the bot does with a sync: invites, room messages, membership changes.

The sync response is handled here in timeline order rather than through nio's event
callbacks, so the transport decides what is "old": on the very first start (no sync
token yet) the backlog is read but not answered, and in a room the bot just joined
everything before its own join event is history, not a question to it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

from nio import InviteMemberEvent, MegolmEvent, RoomMemberEvent, RoomMessageText

from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Attachment, ChatRef, IncomingMessage, Reply
from bot.errors import TransportError
from bot.reminders.sender import RetryLater
from bot.storage.records import Recipient
from bot.storage.subscriptions import SubscriptionRepository
from bot.transports.attachments import FILE_FAILED
from bot.transports.matrix.client import call
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.files import upload
from bot.transports.matrix.mentions import addressed, names_of
from bot.transports.matrix.power import RoomAdmins
from bot.transports.matrix.render import Renderer

logger = logging.getLogger(__name__)

NAME = "matrix"
UNDECRYPTABLE = (
    "Ihre letzte Nachricht konnte ich leider nicht entschlüsseln. Bitte senden Sie sie "
    "noch einmal. Klappt es wieder nicht, öffnen Sie den Raum bitte neu oder melden Sie "
    "sich in Ihrer Matrix-App ab und wieder an."
)
GROUP_HINT = ("In diesem Gruppenraum antworte ich auf Befehle wie !hilfe und auf Nachrichten, "
              "in denen Sie mich erwähnen.")
_REPLY_PATIENCE = 120.0  # seconds a reply may wait for the homeserver
_MAX_WAIT = 30.0


def txn_for(kind: str, event_id: str) -> str:
    """Return a transaction id derived from the event we answer: a repeat is not reposted."""
    return f"{kind}-" + hashlib.blake2s(event_id.encode(), digest_size=12).hexdigest()


class SyncHandler:
    """Answers messages and follows memberships, one sync response at a time."""

    def __init__(self, connection: Connection, dialogue: Dialogue,
                 subscriptions: SubscriptionRepository) -> None:
        self._connection = connection
        self._config = connection.config
        self._dialogue = dialogue
        self._subscriptions = subscriptions
        self.renderer = Renderer(dialogue.commands.names())
        self.admins = RoomAdmins()
        self._notified: set[tuple[str, str]] = set()

    async def handle(self, response: Any, *, catch_up: bool) -> None:
        """Handle one sync response; ``catch_up`` means history only, answer nothing."""
        for room_id, info in response.rooms.invite.items():
            await self._invited(room_id, info.invite_state)
        for room_id, info in response.rooms.join.items():
            self.admins.learn(room_id, [*info.state, *info.timeline.events])
            await self._timeline(room_id, info.timeline.events, catch_up)
        for room_id, info in response.rooms.leave.items():
            await self._left(room_id, info.timeline.events)

    async def _invited(self, room_id: str, state: list[Any]) -> None:
        me = self._connection.client.user_id
        invites = [e for e in state if isinstance(e, InviteMemberEvent)
                   and e.state_key == me and e.membership == "invite"]
        if not invites:
            return
        inviter = invites[-1].sender
        client = self._connection.client
        if self._config.is_allowed(inviter):
            logger.info("Accepting an invite from %s", inviter)
            await self._quietly("join", client.join(room_id))
        else:
            logger.info("Rejecting an invite from %s (not on the allow list)", inviter)
            await self._quietly("reject invite", client.room_leave(room_id))

    async def _timeline(self, room_id: str, events: list[Any], catch_up: bool) -> None:
        room = self._connection.client.rooms.get(room_id)
        if room is None:
            return
        me = self._connection.client.user_id
        start = 0
        for index, event in enumerate(events):
            if (isinstance(event, RoomMemberEvent) and event.state_key == me
                    and event.membership == "join" and event.prev_membership != "join"):
                start = index + 1
                if not catch_up:
                    await self._welcome(room, event)
        if catch_up:
            return
        for event in events[start:]:
            if getattr(event, "sender", me) == me:
                continue
            if isinstance(event, RoomMessageText):
                await self._message(room, event)
            elif isinstance(event, MegolmEvent):
                await self._undecryptable(room, event)
            elif isinstance(event, RoomMemberEvent) and event.membership in ("leave", "ban"):
                await self._member_left(room)

    async def _message(self, room: Any, event: Any) -> None:
        content = event.source.get("content", {})
        relation = content.get("m.relates_to") or {}
        if relation.get("rel_type") == "m.replace":
            return  # an edit; answering "* new text" again would only confuse
        group = room.member_count > 2
        text = event.body
        if group:
            me = self._connection.client.user_id
            names = names_of(me, room.user_name(me) if me in room.users else None)
            text = addressed(text, content, me, names)
            if text is None:
                return
        message = IncomingMessage(ChatRef(NAME, room.room_id), text, event.sender, is_group=group,
                                  is_admin=self.admins.check(room, event.sender) if group else None)
        reply = await self._dialogue.handle(message)
        if reply is None:
            return  # over the flood limit, and already told so
        await self._send(room.room_id, self.renderer.reply(reply), txn_for("reply", event.event_id))
        if reply.attachment is not None:
            await self._send_file(room, reply.attachment, event.event_id)

    async def _send_file(self, room: Any, attachment: Attachment, event_id: str) -> None:
        """Upload the reply's file and post it; if the upload fails, say so in one line."""
        try:
            content = await upload(self._connection.client, attachment, encrypt=room.encrypted)
        except TransportError as error:
            logger.warning("Could not upload a file for %s: %s", room.room_id, error)
            await self._send(room.room_id, self.renderer.text(FILE_FAILED),
                             txn_for("file-failed", event_id))
            return
        await self._send(room.room_id, content, txn_for("file", event_id))

    async def _welcome(self, room: Any, event: Any) -> None:
        reply = await self._dialogue.handle(IncomingMessage(ChatRef(NAME, room.room_id), "/start"))
        if reply is None:
            return
        if room.member_count > 2:
            reply = Reply(f"{reply.text}\n\n{GROUP_HINT}")
        await self._send(room.room_id, self.renderer.reply(reply), txn_for("welcome",
                                                                           event.event_id))

    async def _undecryptable(self, room: Any, event: Any) -> None:
        key = (room.room_id, str(event.session_id))
        if room.member_count > 2 or key in self._notified:
            return  # in a group it may not even be meant for us; one notice per session
        self._notified.add(key)
        logger.warning("Could not decrypt a message in %s (session %s)", room.room_id,
                       event.session_id)
        await self._send(room.room_id, self.renderer.text(UNDECRYPTABLE),
                         txn_for("undecryptable", event.event_id))

    async def _member_left(self, room: Any) -> None:
        if room.joined_count <= 1 and room.invited_count == 0:
            logger.info("Leaving %s: everybody else has left", room.room_id)
            await self._quietly("leave", self._connection.client.room_leave(room.room_id))

    async def _left(self, room_id: str, events: list[Any]) -> None:
        me = self._connection.client.user_id
        own = [e for e in events if isinstance(e, RoomMemberEvent) and e.state_key == me]
        how = own[-1].membership if own else "leave"
        by_other = bool(own) and own[-1].sender != me
        logger.info("No longer in %s (%s%s)", room_id, how, " by another user" if by_other else "")
        self._connection.client.rooms.pop(room_id, None)
        recipient = Recipient(NAME, room_id)
        subscriber = await asyncio.to_thread(self._subscriptions.subscriber_id, recipient)
        if subscriber is not None:
            reason = "aus dem Matrix-Raum " + ("verbannt" if how == "ban" else "entfernt")
            await asyncio.to_thread(self._subscriptions.deactivate_subscriber, subscriber, reason)

    async def _send(self, room_id: str, content: dict[str, Any], txn_id: str) -> None:
        """Post a reply, honouring rate limits; the same ``txn_id`` makes retries safe."""
        # The sync token is already saved, so a reply given up on is never sent: keep
        # trying through a short outage (the sync loop waits for the line anyway).
        loop = asyncio.get_running_loop()
        give_up_at, delay = loop.time() + _REPLY_PATIENCE, 1.0
        while True:
            try:
                await self._connection.post(room_id, content, txn_id)
                return
            except RetryLater as error:
                wait = min(max(error.retry_after, delay), _MAX_WAIT)
                if loop.time() + wait > give_up_at:
                    logger.warning("Giving up on a reply in %s: %s", room_id, error)
                    return
                await asyncio.sleep(wait)
                delay = min(delay * 2, _MAX_WAIT)
            except Exception:
                logger.exception("Could not reply in %s", room_id)
                return

    async def _quietly(self, action: str, request: Any) -> None:
        try:
            await call(action, request)
        except Exception:
            logger.exception("Matrix %s failed", action)
