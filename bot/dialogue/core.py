"""The dialogue core: turns an :class:`IncomingMessage` into a :class:`Reply`.

It knows nothing about Telegram or Matrix. Only a :class:`UserError`'s text ever
reaches a user; any other failure is logged and answered with a short apology.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.clock import Clock, berlin_today
from bot.dialogue import answers, replies, roles
from bot.dialogue.commands import Command, Parsed, Registry, parse
from bot.dialogue.conversation import ChatState, Conversations
from bot.dialogue.finder_flow import LEFT as FINDER_LEFT
from bot.dialogue.finder_flow import PREFIX as FINDER_PREFIX
from bot.dialogue.flood import FloodGuard, Verdict
from bot.dialogue.followup import follow_up
from bot.dialogue.messages import ChatRef, Choice, IncomingMessage, Reply
from bot.dialogue.picks import parse_pick
from bot.dialogue.recorder import QuestionRecorder
from bot.dialogue.sanitize import clean
from bot.dialogue.smalltalk import smalltalk_reply, yes_or_no
from bot.errors import UserError
from bot.knowledge.decision import Decision
from bot.knowledge.models import Programme
from bot.knowledge.service import Knowledge
from bot.logs import fingerprint
from bot.storage.question_log import LoggedQuestion

logger = logging.getLogger(__name__)

APOLOGY = (
    "Entschuldigung, da ist bei mir etwas schiefgegangen. "
    "Bitte versuchen Sie es gleich noch einmal."
)
EMPTY = "Stellen Sie mir gern eine Frage, z. B. „Bis wann läuft der Heimat-Scheck?“"
STALE = "Diese Auswahl ist nicht mehr aktuell. Bitte fragen Sie einfach noch einmal."
GONE = "Diesen Eintrag gibt es nicht mehr. Bitte fragen Sie einfach noch einmal."
CANCELLED = "Gut, ich habe nichts geändert."
MAX_QUESTION_CHARS = 500
ENTRY_PREFIX = "e:"
# Adds to the reply of a question: (message, question, decision, reply) → reply.
AfterAnswer = Callable[[IncomingMessage, str, Decision, Reply], Reply]
SUBSCRIBE_PREFIX = "sub:"


@dataclass(frozen=True)
class Answer:
    """A question's decision together with the reply the user sees."""

    decision: Decision
    reply: Reply


class Dialogue:
    """Answers questions and commands; one instance serves every chat."""

    def __init__(self, knowledge: Callable[[], Knowledge], clock: Clock,
                 commands: Iterable[Command] = (),
                 log: Callable[[LoggedQuestion], None] | None = None) -> None:
        self._knowledge = knowledge
        self._clock = clock
        self.recorder = None if log is None else QuestionRecorder(log)
        self.commands = Registry()
        # What each chat talked about a moment ago: follow-ups, picks, a pending "ja".
        self.conversations = Conversations(clock)
        # Off until a transport sets its limit (the console's one person needs none).
        self.flood = FloodGuard(clock)
        # Adds to each answer of a conversation: the offer to pass an unanswered question
        # to the Kulturbüro (bot.dialogue.handoff). None: nothing is added.
        self.after_answer: AfterAnswer | None = None
        from bot.dialogue.flows import Flows
        from bot.dialogue.info import info_commands

        self.flows = Flows(self)
        for command in (*info_commands(self), *self.flows.commands(), *commands):
            self.commands.add(command)

    @property
    def knowledge(self) -> Knowledge:
        """The knowledge in force right now (it may be reloaded while running)."""
        return self._knowledge()

    def today(self) -> dt.date:
        """Return today's date in Europe/Berlin."""
        return berlin_today(self._clock)

    async def handle(self, message: IncomingMessage) -> Reply | None:
        """Answer one message; never raises.

        Returns None when nothing is to be said: the sender is over the flood limit
        and has been told so once already in this burst.
        """
        # Never the text itself: a length and a hash tell a reader of the log enough.
        logger.debug("Message on %s: %s", message.chat.transport,
                     fingerprint(message.callback or message.text))
        flooding = self.flood.check(message)
        if flooding is not Verdict.ANSWER:
            return Reply(self.flood.note(message)) if flooding is Verdict.NOTE else None
        try:
            return await self._dispatch(_cleaned(message))
        except UserError as exc:
            return Reply(str(exc))
        except Exception:
            logger.exception("Failed to answer a message in %s", message.chat)
            return Reply(APOLOGY)

    async def _dispatch(self, message: IncomingMessage) -> Reply:
        if message.callback is not None:
            return await self._callback(message)
        text = message.text.strip()
        if not text:
            return Reply(EMPTY)
        state = self.conversations.get(message.chat)
        parsed = parse(text)
        if parsed is not None:
            return await self._command(message, parsed, state)
        confirmed = await self._confirmation(message, state, text)
        if confirmed is not None:
            return confirmed
        prompted = self._prompted(message, state, text)
        if prompted is not None:
            return await self._dispatch(replace(message, text=prompted))
        guided, left = self._guided(message, state, text)
        if guided is not None:
            return guided
        if state.options:
            number = parse_pick(text, [title for _, title in state.options])
            if number is not None:
                return self._pick(message.chat, state, number)
        kind = smalltalk_reply(text)
        if kind is not None:
            return Reply(kind)
        started = self.flows.from_question(message, text)
        if started is not None:
            return started
        answer = self.converse(message.chat, text, state)
        if self.recorder is not None:
            # After the answer and in the background: the database may be away.
            self.recorder.record(self._logged(message, text, answer.decision))
        reply = answer.reply
        if self.after_answer is not None:
            reply = self.after_answer(message, text, answer.decision, reply)
            if reply.confirm:  # "… Antworten Sie mit „ja“", as after a command
                state.confirm = (message.user_id, reply.confirm)
                self.conversations.save(message.chat, state)
        if left:
            return replace(reply, text=f"{reply.text}\n\n{FINDER_LEFT}")
        return reply

    def _guided(self, message: IncomingMessage, state: ChatState,
                text: str) -> tuple[Reply | None, bool]:
        """Give the message to a running finder or calculator; say whether one was left."""
        if state.flow is None:
            return None, False
        asking = self.flows.was_asking(state)
        reply = self.flows.step(state, text)
        self.conversations.save(message.chat, state)
        return reply, asking and reply is None

    async def _command(self, message: IncomingMessage, parsed: Parsed, state: ChatState) -> Reply:
        command = self.commands.get(parsed.name)
        if command is None:
            raise UserError(f"Den Befehl „/{parsed.name[:30]}“ kenne ich nicht. "
                            "Mit /hilfe sehen Sie alle Befehle.")
        await roles.require_admin(message, command.name)
        state.prompt = None  # another command: a question the bot asked has lapsed
        reply = await command.handler(message, parsed.args)
        # The handler may have started a flow in the chat's memory: build on what it saved.
        state = self.conversations.get(message.chat)
        # "Zum Bestätigen …": a plain "ja" from the same person will do as well.
        state.confirm = (message.user_id, reply.confirm) if reply.confirm else None
        self.conversations.save(message.chat, state)
        return reply

    async def _confirmation(self, message: IncomingMessage, state: ChatState,
                            text: str) -> Reply | None:
        """Run or cancel a command waiting for "ja"; None when this is no such answer."""
        if state.confirm is None or state.confirm[0] != message.user_id:
            return None
        said = yes_or_no(text)
        if said is None:
            return None
        command_text = state.confirm[1]
        state.confirm = None
        self.conversations.save(message.chat, state)
        if not said:
            return Reply(CANCELLED)
        return await self._dispatch(replace(message, text=command_text))

    def _prompted(self, message: IncomingMessage, state: ChatState, text: str) -> str | None:
        """Return the command that ``text`` completes, when the bot asked this user something.

        "Für welchen Ort?" is answered in free text: "Brakel" becomes the waiting command
        with "Brakel" after it.
        """
        if state.prompt is None or state.prompt[0] != message.user_id:
            return None
        command = state.prompt[1]
        state.prompt = None
        self.conversations.save(message.chat, state)
        return f"{command} {text}"

    def _logged(self, message: IncomingMessage, text: str, decision: Decision) -> LoggedQuestion:
        """Describe a question for the log: no user or chat id, only what planning needs."""
        top = decision.candidates[0] if decision.candidates else None
        return LoggedQuestion(
            asked_at=self._clock.now(), transport=message.chat.transport,
            status=decision.status, text=text[:MAX_QUESTION_CHARS],
            region_id=decision.place.region_id if decision.place else None,
            entry_id=top.entry_id if top and decision.status == "answer" else None,
            entry_kind=top.kind if top and decision.status == "answer" else None)

    def answer(self, chat: ChatRef, question: str) -> Answer:
        """Answer a free-text question on its own, without the chat's memory."""
        question = question[:MAX_QUESTION_CHARS]
        decision = self.knowledge.ask(question)
        calculated = self.flows.calculation(question, decision)
        if calculated is not None:
            return Answer(decision, calculated)
        return self._reply(chat, question, decision)

    def converse(self, chat: ChatRef, question: str, state: ChatState | None = None) -> Answer:
        """Answer a message in its conversation: a short follow-up is about the last entry."""
        question = question[:MAX_QUESTION_CHARS]
        state = state or self.conversations.get(chat)
        knowledge = self.knowledge
        decision = knowledge.ask(question)
        last = knowledge.base.get(state.entry_id) if state.entry_id else None
        decision = (follow_up(decision, question, last, knowledge.matcher.unknown_words)
                    or decision)
        calculated = self.flows.calculation(question, decision)
        answer = (Answer(decision, calculated) if calculated is not None
                  else self._reply(chat, question, decision))
        if decision.status == "answer":
            state.entry_id = replies.shown_entry(decision)
        # "Meinten Sie …?", or the runners-up offered beside an answer that is not sure.
        state.options = [(c.entry_id, c.title) for c in decision.options]
        self.conversations.save(chat, state)
        return answer

    def _reply(self, chat: ChatRef, question: str, decision: Decision) -> Answer:
        base = self.knowledge.base
        if decision.status == "answer":
            reply = replies.answer_reply(base, decision, question, self.today(), self._actions,
                                         ENTRY_PREFIX)
        elif decision.status == "choices":
            reply = replies.choices_reply(decision, ENTRY_PREFIX)
        else:
            reply = replies.unknown_reply(base, decision)
        return Answer(decision, reply)

    def _pick(self, chat: ChatRef, state: ChatState, number: int) -> Reply:
        options = state.options
        if not 1 <= number <= len(options):
            raise UserError(f"Bitte antworten Sie mit einer Zahl von 1 bis {len(options)}.")
        return self.show(options[number - 1][0], chat)

    async def _callback(self, message: IncomingMessage) -> Reply:
        data = message.callback or ""
        if data.startswith(ENTRY_PREFIX):
            return self.show(data[len(ENTRY_PREFIX):], message.chat)
        if data.startswith(FINDER_PREFIX):
            return self.flows.choose(message, data)
        subscribe = self.commands.get("abo")
        if data.startswith(SUBSCRIBE_PREFIX) and subscribe is not None:
            await roles.require_admin(message, subscribe.name)
            entry_id = data[len(SUBSCRIBE_PREFIX):]
            if not isinstance(self.knowledge.base.get(entry_id), Programme):
                raise UserError(GONE)
            return await subscribe.handler(message, entry_id)
        raise UserError(STALE)

    def show(self, entry_id: str, chat: ChatRef | None = None) -> Reply:
        """Show one entry by id (from a choice or button); the chat then talks about it."""
        base = self.knowledge.base
        entry = base.get(entry_id[:100])
        if entry is None:
            raise UserError(GONE)
        if chat is not None:
            # The options stay: "und die 2?" may look at another one.
            state = self.conversations.get(chat)
            state.entry_id = entry.id
            self.conversations.save(chat, state)
        return Reply(answers.entry_text(base, entry, self.today()), actions=self._actions(entry.id))

    def _actions(self, entry_id: str) -> tuple[Choice, ...]:
        """Offer a subscribe button under programmes, once subscriptions exist."""
        entry = self.knowledge.base.get(entry_id)
        if isinstance(entry, Programme) and self.commands.get("abo") is not None:
            return (Choice("Fristen abonnieren", SUBSCRIBE_PREFIX + entry.id),)
        return ()


def _cleaned(message: IncomingMessage) -> IncomingMessage:
    """Return ``message`` with its text and button data cleaned (see :mod:`sanitize`)."""
    callback = None if message.callback is None else clean(message.callback, 200)
    return replace(message, text=clean(message.text), callback=callback)
