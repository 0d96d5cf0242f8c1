"""Guided dialogues inside a chat: the Förderfinder and the Förderrechner.

The core hands a message to the running flow first; a flow that cannot take it returns
None, ends, and the message is answered as a question. Questions that ask for a finder
("welche Förderung passt zu uns?") or a calculation ("6.000 € Kosten, wie viel bekommen
wir beim Fonds Soziokultur?") start one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.dialogue import finder_flow, rechner_flow
from bot.dialogue.commands import Command
from bot.dialogue.conversation import ChatState
from bot.dialogue.finder_flow import Finder, FinderState
from bot.dialogue.messages import IncomingMessage, Reply
from bot.dialogue.money_args import TOTAL, parse_figures
from bot.dialogue.rechner_flow import RechnerState
from bot.errors import UserError
from bot.knowledge.decision import Decision
from bot.knowledge.intent import Intent
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold

if TYPE_CHECKING:
    from bot.dialogue.core import Dialogue

# "welche Förderung passt zu uns", "was für Programme kommen in Frage", "Förderfinder".
_FINDER_ASK = re.compile(
    r"(forderfinder|foerderfinder)|"
    r"\b(welche|welches|was fur|passende?n?|geeignete?n?)\b.{0,60}"
    r"\b(forder\w*|programm\w*|zuschuss\w*|topf|topfe|geldgeber\w*|finanzierung\w*)\b"
    r".{0,60}\b(passt|passen|passend|in ?frage|eignet|geeignet|kommt|kommen)\b|"
    r"\b(was|welche\w*)\b.{0,30}\bpasst\b.{0,20}\bzu (uns|mir|unserem|unserer|unseren)\b")
NO_PROGRAMME = ("Für welches Programm soll ich rechnen? Zum Beispiel: /rechner Heimat-Scheck "
                "oder /rechner Fonds Soziokultur 6.000 € Kosten")


class Flows:
    """Starts, continues and ends the guided dialogues of every chat."""

    def __init__(self, dialogue: Dialogue) -> None:
        self._dialogue = dialogue

    def commands(self) -> list[Command]:
        """Return /finder and /rechner."""

        async def finder(message: IncomingMessage, args: str) -> Reply:
            return self.start_finder(message, args)

        async def rechner(message: IncomingMessage, args: str) -> Reply:
            return self.start_rechner(message, args)

        return [
            Command("finder", "/finder", "Förderfinder: welche Programme zu Ihrem Projekt passen",
                    finder, aliases=("foerderfinder", "förderfinder")),
            Command("rechner", "/rechner <Programm> [Zahlen]",
                    "Förderrechner: Zuschuss und Finanzierungsplan, z. B. /rechner Heimat-Scheck",
                    rechner, aliases=("foerderrechner", "förderrechner", "berechnen")),
        ]

    def _finder(self) -> Finder:
        return Finder(self._dialogue.knowledge.base, self._dialogue.today())

    def start_finder(self, message: IncomingMessage, text: str) -> Reply:
        """Start the finder; what ``text`` already says counts as answered."""
        state = self._dialogue.conversations.get(message.chat)
        state.flow, reply = self._finder().start(text)
        self._dialogue.conversations.save(message.chat, state)
        return reply

    def start_rechner(self, message: IncomingMessage, args: str) -> Reply:
        """Start the calculator for the programme ``args`` names."""
        programme = self._programme(args)
        state = self._dialogue.conversations.get(message.chat)
        state.flow, reply = rechner_flow.begin(programme, args, self._dialogue.today())
        self._dialogue.conversations.save(message.chat, state)
        return reply

    def _programme(self, args: str) -> Programme:
        if not args.strip():
            raise UserError(NO_PROGRAMME)
        name = re.split(r"\d", args, maxsplit=1)[0]
        knowledge = self._dialogue.knowledge
        found = knowledge.find(name, kind="programm") if name.strip() else None
        if not isinstance(found, Programme):
            decision = knowledge.ask(args)
            top = decision.candidates[0] if decision.status == "answer" else None
            found = knowledge.base.get(top.entry_id) if top and top.kind == "programm" else None
        if not isinstance(found, Programme):
            raise UserError(f"Ein Programm „{name.strip()[:40]}“ kenne ich nicht. "
                            "Mit /programme sehen Sie alle, z. B. /rechner Heimat-Scheck")
        return found

    def step(self, state: ChatState, text: str) -> Reply | None:
        """Give ``text`` to the chat's running flow; None when the flow does not take it."""
        flow = state.flow
        if isinstance(flow, FinderState):
            holding_results = flow.asking is None
            reply = self._finder().step(flow, text)
            # Results stay for "warum nicht …?" while the chat asks other things meanwhile.
            if flow.done or (reply is None and not holding_results):
                state.flow = None
            return reply
        if isinstance(flow, RechnerState):
            programme = self._dialogue.knowledge.base.get(flow.programme_id)
            if not isinstance(programme, Programme) or fold(text).strip() in (
                    "abbrechen", "stopp", "stop"):
                state.flow = None
                return Reply("Gut, der Förderrechner ist beendet.")
            running, reply = rechner_flow.step(programme, flow, text, self._dialogue.today())
            if not running:
                state.flow = None
            return reply
        return None

    def was_asking(self, state: ChatState) -> bool:
        """Tell whether the chat's flow is waiting for an answer (not just holding results)."""
        flow = state.flow
        return (isinstance(flow, FinderState) and flow.asking is not None) or isinstance(
            flow, RechnerState)

    def choose(self, message: IncomingMessage, data: str) -> Reply:
        """Take a finder button press; an old button starts a fresh finder."""
        state = self._dialogue.conversations.get(message.chat)
        if not isinstance(state.flow, FinderState):
            state.flow = FinderState()
        reply = self._finder().choose(state.flow, data)
        self._dialogue.conversations.save(message.chat, state)
        return reply

    def from_question(self, message: IncomingMessage, text: str) -> Reply | None:
        """Start the finder when a question asks which programmes fit; else None."""
        if _FINDER_ASK.search(fold(text)) is None:
            return None
        if self._dialogue.knowledge.ask(text).outside is not None:
            # "Welche Programme für unser Freibad?": a topic we do not cover gets the honest
            # "weiß ich nicht", not a finder that would list culture programmes.
            return None
        return self.start_finder(message, text)

    def calculation(self, question: str, decision: Decision) -> Reply | None:
        """Compute at once when an amount question about one programme names its costs."""
        if decision.status != "answer" or decision.intent is not Intent.AMOUNT:
            return None
        figures = parse_figures(question)
        entry = self._dialogue.knowledge.base.get(decision.candidates[0].entry_id)
        if TOTAL not in figures or not isinstance(entry, Programme):
            return None
        return rechner_flow.compute(entry, figures, self._dialogue.today())


PREFIX = finder_flow.PREFIX
