"""Turn a short follow-up ("und bis wann?", "und in Höxter?") into a question about one entry.

The entry is the one the chat was just talking about.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.knowledge.decision import Decision
from bot.knowledge.intent import Intent
from bot.knowledge.matcher import FULL_MENTION, Candidate
from bot.knowledge.models import Entry, Programme
from bot.knowledge.normalize import words

# A follow-up is short; a longer message is a question of its own.
MAX_WORDS = 7
_LEADS = ("und", "and", "aber", "auch", "unds")
_PLACE_ONLY = 3  # "in Höxter?", "und in Höxter"
# "Wann wird der Müll abgeholt?" is short and asks "wann", but about things the knowledge
# has never heard of: a question of its own, not "und bis wann?".
MAX_UNKNOWN = 1


def follow_up(decision: Decision, question: str, last: Entry | None,
              unknown: Callable[[str], list[str]] = lambda _: []) -> Decision | None:
    """Return a decision about ``last`` when ``question`` only adds an aspect or a place.

    ``unknown`` returns the question's words the knowledge has never seen; it matches the
    question again, so it is asked only when nothing cheaper has decided.
    """
    found = words(question)
    leads = bool(found) and found[0] in _LEADS
    if last is None or _answers_itself(decision, leads):
        return None
    if len(found) > (MAX_WORDS * 2 if leads else MAX_WORDS):
        return None
    if not leads and len(unknown(question)) > MAX_UNKNOWN:
        return None
    intent = decision.intent
    if decision.place is not None:
        # "und in Höxter?" narrows a programme's offices; "wer hilft in Bünde" is its own
        # question and goes to Bünde's office.
        if not isinstance(last, Programme) or not (leads or len(found) <= _PLACE_ONLY):
            return None
        intent = Intent.CONTACT if intent is Intent.GENERAL else intent
    elif intent is Intent.GENERAL and not leads:
        return None
    candidate = Candidate(last.id, last.kind, last.title, score=1.0, known=1.0, mention=1.0,
                          known_share=1.0)
    return Decision("answer", [candidate], decision.place, intent, confidence=1.0)


def _answers_itself(decision: Decision, leads: bool) -> bool:
    """Tell whether the message is a question of its own rather than a follow-up.

    It is when it names an entry, or when it is a sure answer that does not start like a
    follow-up ("und …") and names no place ("und in Höxter?" is routed to an office).
    """
    top = decision.candidates[0] if decision.candidates else None
    if decision.status != "answer" or top is None:
        return False
    if top.mention >= FULL_MENTION:
        return True
    return not leads and decision.place is None
