"""Handing a question to the Kulturbüro: offer, consent, place, and the answer back.

After an answer the bot does not know, and with ``/frage-an-kulturbuero <Frage>``, it
offers to pass the question on and says what is passed on: the question text and a
reference number, never a name or user id. Until the asker says "ja" nothing is stored;
the offer waits in the chat's memory (15 minutes, never in the database). When some
coordinators are tied to Kreise and the question names no place, the bot asks once
"Für welchen Ort?". Coordinators answer with ``/antwort <Nr> <Text>``; the answer goes
back to the asker's chat. Every message travels through the outbox (see
:mod:`bot.storage.handoff`), so a restart loses none.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.dialogue.answers import reach, referral
from bot.dialogue.commands import Command
from bot.dialogue.messages import ChatRef, IncomingMessage, Reply
from bot.errors import UserError
from bot.handoff import texts
from bot.handoff.routing import (
    chats,
    identities,
    may_answer,
    place_label,
    responsible,
    wants_place,
)
from bot.knowledge.decision import Decision
from bot.knowledge.normalize import content_words, fold
from bot.knowledge.places import find_place
from bot.settings import Coordinator
from bot.storage.handoff import (
    MAX_ANSWER,
    MAX_QUESTION,
    CaseStatus,
    Closing,
    HandoffRepository,
    Outgoing,
    message_key,
)
from bot.storage.records import Recipient

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

NAME = "frage-an-kulturbuero"
CONSENT = f"/{NAME} ja"
PLACE = f"/{NAME} ort"
OFFER = ("Soll ich Ihre Frage an das Kulturbüro weitergeben? Weitergegeben werden nur der "
         "Fragetext und eine Fallnummer – nicht Ihr Name. Antworten Sie mit „ja“.")
ASK_PLACE = ("Für welchen Ort? Dann geht Ihre Frage an das zuständige Kulturbüro, mit dem "
             "Kreis. Schreiben Sie z. B. „Brakel“ – oder „egal“.")
PASSED = "Ihre Frage ist beim Kulturbüro (Fall {n}). Die Antwort schicke ich Ihnen hierher."
NOT_SET_UP = ("Fragen an das Kulturbüro kann ich hier leider nicht weitergeben. Mit /kontakt "
              "finden Sie die zuständige Stelle.")
USAGE = ("Schreiben Sie Ihre Frage dazu, z. B. /frage-an-kulturbuero Wer fördert unsere "
         "Dorfchronik?")
NOTHING_PENDING = "Ich habe gerade keine Frage zum Weitergeben. " + USAGE
TOO_LONG = f"Bitte fassen Sie Ihre Frage kürzer, höchstens {MAX_QUESTION:,} Zeichen.".replace(
    ",", ".")
UNKNOWN_PLACE = "Den Ort habe ich nicht erkannt. "
CANCELLED = "Gut, ich gebe Ihre Frage nicht weiter."
ONLY_COORDINATORS = ("Mit /antwort beantwortet die Koordination der Kulturbüros weitergegebene "
                     "Fragen. Ihre eigene Frage schreiben Sie einfach so.")
ANSWER_USAGE = "Bitte so: /antwort <Nr> <Ihre Antwort>, z. B. /antwort 17 Ja, das geht."
ANSWER_TOO_LONG = (f"Ihre Antwort ist zu lang: höchstens {MAX_ANSWER:,} Zeichen. Bitte kürzen "
                   "Sie sie.").replace(",", ".")
NO_CASE = "Einen offenen Fall {n} gibt es nicht. Die Nummer steht in „Neue Frage (Fall …)“."
ALREADY_CLOSED = "Fall {n} ist schon beantwortet."
NOT_YOURS = "Fall {n} gehört zu {where}; den beantwortet die Koordination dort."
RELAYED = "Danke! Ihre Antwort zu Fall {n} geht jetzt an die fragende Person."
NO_ASKER = ("Danke! Fall {n} ist geschlossen. Die fragende Person hat ihre Daten gelöscht, "
            "deshalb kann ich die Antwort nicht zustellen. Für das Wissen bleibt sie erhalten "
            "(foerderlotse kb gaps).")
_ANSWER = re.compile(r"(?:nr\.?\s*|fall\s*)?([0-9]{1,9})\s*[:.,-]?\s+(\S.*)", re.S | re.I)
_NO_PLACE = {"egal", "weiter", "keiner", "keine", "ohne", "uberall", "weiss nicht",
             "weis nicht", "keine ahnung", "westfalen lippe", "westfalen"}
MIN_WORDS = 2  # content words a question needs to be worth passing on
_CANCEL = {"nein", "nee", "ne", "abbrechen", "stopp", "stop", "doch nicht", "lieber nicht"}


@dataclass
class Pending:
    """A question offered to the Kulturbüro, waiting for the asker's "ja" (memory only)."""

    user_id: str
    text: str
    region_id: str | None
    asking_place: bool = False


class HandoffCommands:
    """``/frage-an-kulturbuero``, ``/antwort`` and the offer under unanswered questions."""

    def __init__(self, dialogue: Dialogue, repo: HandoffRepository,
                 coordinators: Sequence[Coordinator], wake: Callable[[], None]) -> None:
        self._dialogue = dialogue
        self._repo = repo
        self._coordinators = tuple(coordinators)
        self._wake = wake

    def commands(self) -> list[Command]:
        """Return the commands to register."""
        return [
            Command(NAME, "/frage-an-kulturbuero <Frage>",
                    "Ihre Frage an das Kulturbüro weitergeben (mit Ihrer Zustimmung)", self.frage,
                    aliases=("kulturbuero", "kulturbüro", "frage-an-kulturbüro")),
            Command("antwort", "/antwort <Nr> <Text>",
                    "für die Koordination: eine weitergegebene Frage beantworten", self.antwort),
        ]

    def after_answer(self, message: IncomingMessage, question: str, decision: Decision,
                     reply: Reply) -> Reply:
        """Offer to pass an unanswered question on; the asker's next question drops an offer.

        Not for topics the bot leaves out on purpose (Kindergeld is no Kulturbüro matter),
        nor for a word or two ("ja", "hmm") that only reached the matcher by chance.
        """
        if (decision.status != "unknown" or decision.outside is not None
                or not self._coordinators or len(question) > MAX_QUESTION
                or len(content_words(question)) < MIN_WORDS):
            # Moving on lets an offer lapse: a later "ja" must not pass on an old question.
            self._forget(message.chat, message.user_id)
            return reply
        region = decision.place.region_id if decision.place else None
        self._remember(message.chat, Pending(message.user_id, question, region))
        return replace(reply, text=f"{reply.text}\n\n{OFFER}", confirm=CONSENT)

    async def frage(self, message: IncomingMessage, args: str) -> Reply:
        """Offer to pass a question on; with "ja", pass on the one offered."""
        if not self._coordinators:
            raise UserError(NOT_SET_UP)
        pending = self._pending(message)
        if fold(args) == "ja":
            if pending is None or pending.asking_place:
                raise UserError(NOTHING_PENDING)
            return await self._consented(message, pending)
        if pending is not None and pending.asking_place and fold(args).split()[:1] == ["ort"]:
            return await self._placed(message, pending, args[3:].strip())
        if not args:
            if pending is None:
                raise UserError(USAGE)
            return Reply(OFFER, confirm=CONSENT)
        if len(args) > MAX_QUESTION:
            raise UserError(TOO_LONG)
        decision = self._dialogue.knowledge.ask(args)
        region = decision.place.region_id if decision.place else None
        self._remember(message.chat, Pending(message.user_id, args, region))
        return Reply(OFFER, confirm=CONSENT)

    async def _consented(self, message: IncomingMessage, pending: Pending) -> Reply:
        """Pass the question on, or first ask for the place when the place decides."""
        if pending.region_id is None and wants_place(self._coordinators):
            pending.asking_place = True
            state = self._dialogue.conversations.get(message.chat)
            state.handoff, state.prompt = pending, (message.user_id, PLACE)
            self._dialogue.conversations.save(message.chat, state)
            return Reply(ASK_PLACE)
        return await self._open(message, pending)

    async def _placed(self, message: IncomingMessage, pending: Pending, text: str) -> Reply:
        """Take the answer to "Für welchen Ort?" (asked once) and pass the question on."""
        said = " ".join(fold(text).split())
        if said in _CANCEL:
            self._forget(message.chat)
            return Reply(CANCELLED)
        base = self._dialogue.knowledge.base
        place, _rest = find_place(text, base.places, exact=base.exact_places)
        pending.region_id = place.region_id if place is not None else None
        reply = await self._open(message, pending)
        if place is None and said not in _NO_PLACE:
            reply = replace(reply, text=UNKNOWN_PLACE + reply.text)
        return reply

    async def _open(self, message: IncomingMessage, pending: Pending) -> Reply:
        """Store the case and its messages to the coordinators; say its number."""
        self._forget(message.chat)
        base = self._dialogue.knowledge.base
        to = chats(responsible(self._coordinators, base, pending.region_id))
        label = place_label(base, pending.region_id)
        if not to:
            return Reply(self._nobody(label, pending.region_id))

        def messages(case_id: int) -> list[Outgoing]:
            text = texts.new_case(case_id, label, pending.text)
            return [Outgoing(chat, message_key(case_id, "neu", chat.transport, chat.chat_id),
                             text) for chat in to]

        asker = Recipient(message.chat.transport, message.chat.chat_id)
        case_id = await asyncio.to_thread(self._repo.open_case, pending.text, pending.region_id,
                                          asker, messages)
        self._wake()
        return Reply(PASSED.format(n=case_id))

    def _nobody(self, label: str | None, region_id: str | None) -> str:
        """Say that no coordinator takes questions for the place, and who helps instead."""
        base = self._dialogue.knowledge.base
        text = ("Für " + label if label else "Ohne Ort") + (
            " kann ich Ihre Frage leider keinem Kulturbüro zuordnen.")
        offices = base.contacts_for(region_id or "westfalen-lippe")
        if offices:
            office = offices[0]
            text += " " + referral(office, reach(office) or office.sources[0])
        return text

    async def antwort(self, message: IncomingMessage, args: str) -> Reply:
        """Close a case with a coordinator's answer and send the answer to the asker."""
        mine = identities(self._coordinators, message.chat.transport, message.user_id)
        if not mine:
            raise UserError(ONLY_COORDINATORS)
        match = _ANSWER.fullmatch(_raw_args(message) or args)
        if match is None:
            raise UserError(ANSWER_USAGE)
        number, answer = int(match[1]), match[2].strip()
        if len(answer) > MAX_ANSWER:
            raise UserError(ANSWER_TOO_LONG)
        case = await asyncio.to_thread(self._repo.get, number)
        if case is None:
            raise UserError(NO_CASE.format(n=number))
        if case.status is CaseStatus.CLOSED:
            raise UserError(ALREADY_CLOSED.format(n=number))
        base = self._dialogue.knowledge.base
        if not may_answer(mine, base, case.region_id):
            where = place_label(base, case.region_id) or "keinem Kreis"
            raise UserError(NOT_YOURS.format(n=number, where=where))

        def relay(asker: Recipient) -> Outgoing:
            return Outgoing(asker, message_key(number, "antwort"), texts.relay(number, answer))

        closing = await asyncio.to_thread(self._repo.close, number, answer, relay)
        if closing is Closing.RELAYED:
            self._wake()
            return Reply(RELAYED.format(n=number))
        if closing is Closing.NO_ASKER:
            return Reply(NO_ASKER.format(n=number))
        raise UserError((ALREADY_CLOSED if closing is Closing.ALREADY_CLOSED
                         else NO_CASE).format(n=number))

    def _pending(self, message: IncomingMessage) -> Pending | None:
        """Return the question this user was offered to pass on, if it is still remembered."""
        pending = self._dialogue.conversations.get(message.chat).handoff
        if isinstance(pending, Pending) and pending.user_id == message.user_id:
            return pending
        return None

    def _remember(self, chat: ChatRef, pending: Pending) -> None:
        state = self._dialogue.conversations.get(chat)
        state.handoff, state.prompt = pending, None
        self._dialogue.conversations.save(chat, state)

    def _forget(self, chat: ChatRef, user_id: str | None = None) -> None:
        """Drop an offer (of ``user_id`` only, if given): question, "Für welchen Ort?", "ja"."""
        state = self._dialogue.conversations.get(chat)
        pending = state.handoff
        if not isinstance(pending, Pending) or user_id not in (None, pending.user_id):
            return
        state.handoff = None
        if state.prompt is not None and state.prompt[1] == PLACE:
            state.prompt = None
        if state.confirm is not None and state.confirm[1] == CONSENT:
            state.confirm = None
        self._dialogue.conversations.save(chat, state)


def _raw_args(message: IncomingMessage) -> str:
    """Return what follows the command word, line breaks kept (an answer may have several)."""
    parts = message.text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
