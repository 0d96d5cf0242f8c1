"""``/rundschreiben``: a coordinator's message to the chats with subscriptions.

``/rundschreiben <Text>`` → the bot asks for the audience (numbered: all chats with a
subscription, or those of a programme, a topic or a Kreis; a name works too) → it shows
the exact message, the audience and how many chats it reaches → on "ja" each of those
chats gets one outbox row, all in one transaction (:mod:`bot.storage.broadcasts`), and
the engine delivers them paced at the messengers' limits. ``/rundschreiben an Kreis
Höxter: <Text>`` names the audience in one go. Until the "ja" nothing is stored: the
draft waits in the chat's memory (15 minutes), and the first "ja" takes it, so a second
one sends nothing.

Only coordinators may send (their messenger and user id as configured in
``FOERDERLOTSE_COORDINATORS``), one tied to Kreise only to the chats subscribed to them
(:mod:`bot.broadcast.audience`). The chats' history (``/abos``) and the weekly digest
read what they received from the outbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.broadcast import texts
from bot.broadcast.audience import (
    EVERYONE,
    audience_for,
    kreis_names,
    may_address,
    own_regions,
)
from bot.dialogue.commands import Command
from bot.dialogue.messages import ChatRef, IncomingMessage, Reply
from bot.dialogue.picks import parse_pick
from bot.dialogue.targets import find_programme, find_region, find_target, find_topic
from bot.errors import UserError
from bot.handoff.routing import identities
from bot.knowledge.models import Entry, Programme
from bot.knowledge.normalize import fold
from bot.settings import Coordinator
from bot.storage.broadcasts import MAX_TEXT, Audience, BroadcastRepository
from bot.storage.records import Recipient, TargetKind

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

NAME = "rundschreiben"
CONFIRM = f"/{NAME} ja"
# What the bot's questions are completed with: "/rundschreiben #an 2" ("#" never starts a
# typed broadcast). "#an" asks for the audience, the others for the programme, topic or Kreis.
ASKED: dict[str, TargetKind | None] = {"#an": None, "#programm": TargetKind.PROGRAMME,
                                       "#thema": TargetKind.TOPIC, "#kreis": TargetKind.REGION}
CHOOSE = "#an"
WHICH = {TargetKind.PROGRAMME: "Für welches Programm? Z. B. „Heimat-Scheck“.",
         TargetKind.TOPIC: "Für welches Thema? Z. B. „Heimat“.",
         TargetKind.REGION: "Für welchen Kreis? Z. B. „Kreis Höxter“."}
ONLY_COORDINATORS = "Rundschreiben verschickt nur die Koordination der Kulturbüros."
USAGE = ("Schreiben Sie den Text dazu, z. B. /rundschreiben Infoabend zur Heimatförderung am "
         "10.12. in Höxter – oder gleich mit Empfängern: /rundschreiben an Kreis Höxter: …")
TOO_LONG = f"Bitte fassen Sie das Rundschreiben kürzer, höchstens {MAX_TEXT:,} Zeichen.".replace(
    ",", ".")
QUESTION = "An wen geht das Rundschreiben?"
_CHOICES = ("alle Chats mit Abo", "Programm", "Thema", "Kreis")
_KINDS = (TargetKind.ALL, TargetKind.PROGRAMME, TargetKind.TOPIC, TargetKind.REGION)
HOW = ("Antworten Sie mit der Nummer oder gleich mit dem Namen, z. B. „Heimat-Scheck“ oder "
       "„Kreis Höxter“.")
UNKNOWN = "„{name}“ kenne ich nicht als Programm, Thema oder Kreis. "
RANGE = "Bitte antworten Sie mit einer Zahl von 1 bis {n}. "
NOT_YOURS = "Sie können Rundschreiben nur an Chats mit Abo für {kreise} schicken."
EMPTY = "An: {label} – zurzeit kein Chat. Ich sende nichts."
PREVIEW = "Vorschau:\n\n{message}\n\nAn: {label} – {chats}.\nSenden? Antworten Sie mit „ja“."
SENT = "Das Rundschreiben geht an {chats}."
REPEATED = ("Dieses Rundschreiben ist schon {when} an {chats} gegangen; ich schicke es nicht "
            "noch einmal.")
NOTHING_PENDING = "Es wartet kein Rundschreiben auf Ihr „ja“. " + USAGE
CANCELLED = "Gut, ich sende das Rundschreiben nicht."
_CANCEL = {"nein", "nee", "abbrechen", "stopp", "stop", "doch nicht", "lieber nicht"}
# "/rundschreiben an Kreis Höxter: Text" – the audience before the first colon.
_ONE_LINE = re.compile(r"an\s+([^:\n]{1,80}?)\s*:\s*(\S.*)", re.S | re.I)
_KIND_WORDS = {"programm": TargetKind.PROGRAMME, "thema": TargetKind.TOPIC}


@dataclass
class Draft:
    """A broadcast being written, until its coordinator says "ja" (memory only)."""

    user_id: str
    text: str
    audience: Audience | None = None


class BroadcastCommands:
    """``/rundschreiben`` and the lines about received broadcasts in ``/abos``."""

    def __init__(self, dialogue: Dialogue, repo: BroadcastRepository,
                 coordinators: Sequence[Coordinator], wake: Callable[[], None]) -> None:
        self._dialogue = dialogue
        self._repo = repo
        self._coordinators = tuple(coordinators)
        self._wake = wake

    def commands(self) -> list[Command]:
        """Return the commands to register."""
        return [Command(NAME, "/rundschreiben <Text>",
                        "für die Koordination: Mitteilung an die Chats mit Abo",
                        self.rundschreiben)]

    def history(self, recipient: Recipient) -> list[str]:
        """Return the lines of ``/abos`` about the chat's last broadcasts (synchronous)."""
        return texts.received([(r.sent_at, r.text) for r in self._repo.received(recipient)])

    async def rundschreiben(self, message: IncomingMessage, args: str) -> Reply:
        """Write, address, preview and (on "ja") send a broadcast."""
        mine = identities(self._coordinators, message.chat.transport, message.user_id)
        if not mine:
            raise UserError(ONLY_COORDINATORS)
        draft = self._draft(message)
        word, _, rest = args.partition(" ")
        if fold(args) == "ja":
            return await self._send(message, draft)
        if word in ASKED:
            if draft is None or draft.audience is not None:
                raise UserError(NOTHING_PENDING)
            return await self._chosen(message, mine, draft, word, rest)
        text = _raw_args(message)
        if not text:
            raise UserError(USAGE)
        return await self._start(message, mine, text)

    async def _start(self, message: IncomingMessage, mine: Sequence[Coordinator],
                     text: str) -> Reply:
        """Take a new text; with "an …:" in front, or one Kreis to choose, go to the preview."""
        one_line = _ONE_LINE.fullmatch(text)
        audience = self._find(one_line[1]) if one_line else None
        if one_line and audience is not None:
            text = one_line[2].strip()
        if len(text) > MAX_TEXT:
            raise UserError(TOO_LONG)
        draft = Draft(message.user_id, text, audience)
        own = own_regions(mine, self._dialogue.knowledge.base)
        if draft.audience is None and own is not None and len(own) == 1:
            draft.audience = own[0]
        if draft.audience is not None:
            return await self._preview(message, mine, draft)
        if own is not None:
            lines = [f"{n}. {a.label}" for n, a in enumerate(own, start=1)]
            self._remember(message, draft, CHOOSE)
            return Reply("\n".join([QUESTION, *lines, "Antworten Sie mit der Nummer."]))
        everyone = await asyncio.to_thread(self._repo.count, EVERYONE)
        self._remember(message, draft, CHOOSE)
        return Reply("\n".join([
            QUESTION, f"1. alle Chats mit Abo ({texts.chats(everyone)})",
            "2. Chats mit Abo für ein Programm", "3. Chats mit Abo für ein Thema",
            "4. Chats mit Abo für einen Kreis", HOW]))

    async def _chosen(self, message: IncomingMessage, mine: Sequence[Coordinator], draft: Draft,
                      word: str, answer: str) -> Reply:
        """Take the answer to "An wen …?" or "Für welches Programm?" (asked again if unclear)."""
        if " ".join(fold(answer).split()) in _CANCEL:
            self._forget(message.chat)
            return Reply(CANCELLED)
        kind = ASKED[word]
        if kind is None:  # the first question: a number, or a name right away
            own = own_regions(mine, self._dialogue.knowledge.base)
            choices = [a.label for a in own] if own is not None else list(_CHOICES)
            number = parse_pick(answer, choices)
            if number is not None and not 1 <= number <= len(choices):
                self._remember(message, draft, word)
                raise UserError(RANGE.format(n=len(choices)) + QUESTION)
            if number is not None and own is not None:
                draft.audience = own[number - 1]
            elif number is not None and _KINDS[number - 1] is TargetKind.ALL:
                draft.audience = EVERYONE
            elif number is not None:
                chosen = _KINDS[number - 1]
                self._remember(message, draft, next(w for w, k in ASKED.items() if k is chosen))
                return Reply(WHICH[chosen])
        if draft.audience is None:
            draft.audience = self._find(answer, kind)
        if draft.audience is None:
            self._remember(message, draft, word)
            raise UserError(UNKNOWN.format(name=answer[:40]) + (WHICH[kind] if kind else HOW))
        return await self._preview(message, mine, draft)

    async def _preview(self, message: IncomingMessage, mine: Sequence[Coordinator],
                       draft: Draft) -> Reply:
        """Show the exact message and how many chats it reaches; wait for "ja"."""
        audience = draft.audience
        assert audience is not None  # noqa: S101  (set by the callers)
        base = self._dialogue.knowledge.base
        if not may_address(mine, base, audience):
            self._forget(message.chat)
            raise UserError(NOT_YOURS.format(kreise=kreis_names(mine, base)))
        count = await asyncio.to_thread(self._repo.count, audience)
        if not count:
            self._forget(message.chat)
            raise UserError(EMPTY.format(label=audience.label))
        self._remember(message, draft, None)
        return Reply(PREVIEW.format(message=texts.message(draft.text), label=audience.label,
                                    chats=texts.chats(count)), confirm=CONFIRM)

    async def _send(self, message: IncomingMessage, draft: Draft | None) -> Reply:
        """Queue the previewed broadcast for every chat of its audience."""
        if draft is None or draft.audience is None:
            raise UserError(NOTHING_PENDING)
        self._forget(message.chat)  # before waiting: a second "ja" finds nothing to send
        sender = Recipient(message.chat.transport, message.user_id)
        sent = await asyncio.to_thread(self._repo.send, draft.text, draft.audience, sender)
        if sent.repeated:
            return Reply(REPEATED.format(when=texts.when(sent.created_at),
                                         chats=texts.chats(sent.chats)))
        if not sent.chats:
            return Reply(EMPTY.format(label=draft.audience.label))
        self._wake()
        return Reply(SENT.format(chats=texts.chats(sent.chats)))

    def _find(self, name: str, kind: TargetKind | None = None) -> Audience | None:
        """Return the audience ``name`` means ("alle", "Thema Heimat", "Kreis Höxter" …)."""
        knowledge = self._dialogue.knowledge
        first, _, rest = name.strip().partition(" ")
        if kind is None and fold(first) in _KIND_WORDS and rest:
            kind, name = _KIND_WORDS[fold(first)], rest
        finder = {None: find_target, TargetKind.PROGRAMME: find_programme,
                  TargetKind.TOPIC: find_topic, TargetKind.REGION: find_region}[kind]
        target = finder(knowledge, name.strip())
        if target is None or target.kind is TargetKind.DIGEST:
            return None
        if kind is None and target.kind is TargetKind.PROGRAMME and not _names(
                knowledge.base.get(target.value), name):
            # Unasked, the matcher's best guess is too loose: "An alle Vereine: …" is text,
            # not a broadcast to the programme whose description mentions Vereine.
            return None
        return audience_for(knowledge.base, target.kind, target.value, target.label)

    def _draft(self, message: IncomingMessage) -> Draft | None:
        """Return the draft this user is writing in this chat, if it is still remembered."""
        draft = self._dialogue.conversations.get(message.chat).broadcast
        return draft if isinstance(draft, Draft) and draft.user_id == message.user_id else None

    def _remember(self, message: IncomingMessage, draft: Draft, asking: str | None) -> None:
        """Keep ``draft``; with ``asking`` ("#an" …), the user's next free text answers it."""
        state = self._dialogue.conversations.get(message.chat)
        state.broadcast = draft
        state.prompt = None if asking is None else (message.user_id, f"/{NAME} {asking}")
        self._dialogue.conversations.save(message.chat, state)

    def _forget(self, chat: ChatRef) -> None:
        state = self._dialogue.conversations.get(chat)
        state.broadcast = None
        if state.prompt is not None and state.prompt[1].startswith(f"/{NAME} #"):
            state.prompt = None
        self._dialogue.conversations.save(chat, state)


def _names(programme: Entry | None, name: str) -> bool:
    """Tell whether ``name`` is the programme's id, title or one of its other names."""
    if not isinstance(programme, Programme):
        return False
    names = {programme.id, programme.title, *programme.aliases}
    return " ".join(fold(name).split()) in {" ".join(fold(n).split()) for n in names}


def _raw_args(message: IncomingMessage) -> str:
    """Return what follows the command word, line breaks kept (a broadcast may have several)."""
    parts = message.text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
