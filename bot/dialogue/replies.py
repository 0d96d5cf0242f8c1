"""A decision as the user sees it: the answer card, "Meinten Sie …?" or an honest "weiß nicht"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.dialogue import answers
from bot.dialogue.messages import Choice, Reply
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.decision import Decision
from bot.knowledge.intent import Intent
from bot.knowledge.matcher import Candidate

Actions = Callable[[str], tuple[Choice, ...]]


def answer_reply(base: KnowledgeBase, decision: Decision, question: str, today: dt.date,
                 actions: Actions, prefix: str) -> Reply:
    """Render an answer: the asked fact first; a routed place question names its offices."""
    offices = routed_offices(decision)
    chosen = offices or decision.candidates[: 2 if decision.compared else 1]
    region = decision.place.region_id if decision.place else None
    texts = [answers.entry_text(base, base.entries[c.entry_id], today, decision.intent, region,
                                question) for c in chosen[:2]]
    if decision.place is not None and any(map(is_office, decision.candidates)):
        # "Wir in Delbrück gehören doch zur Bezirksregierung Arnsberg?" – say it is another.
        instead = f" (nicht {decision.instead_of})" if decision.instead_of else ""
        texts.insert(0, f"Für {decision.place.name} ist zuständig{instead}:")
    others = [] if offices or decision.compared else decision.options
    if others:
        # Not sure of the answer: the runners-up are one number (or tap) away.
        texts.append("\n".join(["Oder meinten Sie:",
                                 *(f"{i}. {c.title}" for i, c in enumerate(others, start=1))]))
    choices = tuple(Choice(c.title, prefix + c.entry_id) for c in others)
    return Reply("\n\n".join(texts), choices=choices, actions=actions(chosen[0].entry_id))


def choices_reply(decision: Decision, prefix: str) -> Reply:
    """Render "Meinten Sie …?": numbers work everywhere, Telegram adds the same as buttons."""
    options = decision.options
    lines = ["Meinten Sie …?"]
    lines += [f"{i}. {c.title}" for i, c in enumerate(options, start=1)]
    lines.append("Antworten Sie mit der Nummer.")
    choices = tuple(Choice(c.title, prefix + c.entry_id) for c in options)
    return Reply("\n".join(lines), choices=choices)


def unknown_reply(base: KnowledgeBase, decision: Decision) -> Reply:
    """Say honestly that the bot does not know, and who can help."""
    region = decision.place.region_id if decision.place else "westfalen-lippe"
    office = base.advisor_for(region) or next(iter(base.contacts_for(region)), None)
    text = "Dazu weiß ich leider nichts Sicheres."
    if office is not None:
        # Only the office's own ways in: a source page may be another office's.
        text += "\n" + answers.referral(office, answers.reach(office))
    text += "\nMit /programme sehen Sie alle Förderprogramme, die ich kenne."
    return Reply(text)


def is_office(candidate: Candidate) -> bool:
    """Tell whether ``candidate`` is an office a place question was routed to."""
    return candidate.score >= 1.0 and candidate.kind == "kontakt"


def routed_offices(decision: Decision) -> list[Candidate]:
    """Return the offices a place question was routed to (empty for any other answer)."""
    if decision.intent is not Intent.CONTACT:
        return []
    return [c for c in decision.candidates if is_office(c)]


def shown_entry(decision: Decision) -> str:
    """Return the entry an answer is about: a routed place question's office, else the best."""
    return (routed_offices(decision) or decision.candidates)[0].entry_id
