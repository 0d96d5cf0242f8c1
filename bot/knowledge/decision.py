"""Decide what to do with a question: answer, offer choices, or admit not knowing."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from rapidfuzz import fuzz

from bot.knowledge.base import KnowledgeBase, Place
from bot.knowledge.matcher import Candidate, Matcher
from bot.knowledge.normalize import content_words, fold, words
from bot.knowledge.places import find_place

Status = Literal["answer", "choices", "unknown"]


class Intent(StrEnum):
    """What the question asks about an entry; steers which line comes first."""

    AMOUNT = "amount"
    DEADLINE = "deadline"
    ELIGIBILITY = "eligibility"
    CONTACT = "contact"
    APPLY = "apply"
    GENERAL = "general"


_INTENT_CUES: tuple[tuple[Intent, tuple[str, ...]], ...] = (
    (Intent.DEADLINE, ("bis wann", "frist", "wann muss", "deadline", "stichtag", "abgabe")),
    (Intent.AMOUNT, ("wie viel", "wieviel", "wie hoch", "betrag", "summe", "hohe", "euro")),
    (Intent.ELIGIBILITY, ("wer darf", "wer kann", "berechtigt", "durfen wir", "konnen wir")),
    (Intent.CONTACT, ("wer hilft", "ansprech", "kontakt", "beratung", "hilft mir", "zustandig")),
    (Intent.APPLY, ("wie beantrag", "wo beantrag", "antrag stellen", "wie bewerb", "wo bewerb")),
)


_CUE_TYPO = 85  # "beratnug" still asks for advice


@dataclass(frozen=True)
class Thresholds:
    """Score limits, calibrated on tests/data/questions.yaml (see ``foerderlotse kb eval``)."""

    answer: float = 0.45
    choices: float = 0.34
    margin: float = 0.08
    max_choices: int = 3


@dataclass
class Decision:
    """The outcome for one question."""

    status: Status
    candidates: list[Candidate] = field(default_factory=list)
    place: Place | None = None
    intent: Intent = Intent.GENERAL


def intent_of(question: str) -> Intent:
    """Return the first intent whose cue appears in the question (single words may be typos)."""
    folded = fold(question)
    typed = [w for w in words(question) if len(w) >= 6]
    for intent, cues in _INTENT_CUES:
        if any(cue in folded for cue in cues):
            return intent
        singles = [c for c in cues if " " not in c and len(c) >= 6]
        if any(fuzz.ratio(w, c) >= _CUE_TYPO for w in typed for c in singles):
            return intent
    return Intent.GENERAL


def decide(kb: KnowledgeBase, matcher: Matcher, question: str,
           limits: Thresholds = Thresholds()) -> Decision:
    """Match ``question`` and decide between answer, choices and unknown."""
    intent = intent_of(question)
    place, rest = find_place(question, kb.places, matcher.index.postings)
    # Place names are not knowledge words; left in, they would count as unknown words.
    candidates = matcher.rank(" ".join(rest) if place else question)
    if place is not None:
        # Unless the place is part of a name: "Kulturförderung Kreis Minden-Lübbecke".
        full = matcher.rank(question)
        best = candidates[0].score if candidates else 0.0
        if full and full[0].kind != "kontakt" and full[0].score > best:
            candidates = full
    decision = _by_score(candidates, limits, intent)
    decision.place = place
    if place is None or not _wants_office(decision, intent, rest):
        return decision
    routed = _offices(kb, matcher, question, place)
    if not routed:
        return decision
    others = [c for c in candidates if c.entry_id not in {r.entry_id for r in routed}]
    return Decision("answer", routed + others, place, Intent.CONTACT)


def _offices(kb: KnowledgeBase, matcher: Matcher, question: str, place: Place) -> list[Candidate]:
    """Return the offices for ``place``, the one the question fits best first."""
    scores = {c.entry_id: c.score for c in matcher.rank(question, limit=20)}
    offices = sorted(kb.contacts_for(place.region_id), key=lambda c: -scores.get(c.id, 0.0))
    return [Candidate(c.id, c.kind, c.title, 1.0) for c in offices]


def _by_score(candidates: list[Candidate], limits: Thresholds, intent: Intent) -> Decision:
    if not candidates or candidates[0].score < limits.choices:
        return Decision("unknown", candidates, intent=intent)
    best = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best >= limits.answer and best - runner_up >= limits.margin:
        return Decision("answer", candidates, intent=intent)
    floor = max(limits.choices, best - 2 * limits.margin)
    options = [c for c in candidates if c.score >= floor][: limits.max_choices]
    if len(options) == 1 and best >= limits.answer:
        return Decision("answer", candidates, intent=intent)
    return Decision("choices", candidates, intent=intent)


def _wants_office(decision: Decision, intent: Intent, rest: list[str]) -> bool:
    """Route to an office for a contact question, a contact match, or a bare place name."""
    top = decision.candidates[0] if decision.candidates else None
    return (
        intent is Intent.CONTACT
        or (top is not None and top.kind == "kontakt" and decision.status != "unknown")
        or not content_words(" ".join(rest))
    )
