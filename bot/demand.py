"""What people asked: unanswered questions grouped by similarity, and usage counts.

This is the demand data a Kreis wants for its culture planning: which questions the
bot could not answer (``gaps``) and what it is used for (``stats``). Questions the
Kulturbüro answered (handed-off cases) are placed next to the group they fit, so an
answer can become a knowledge entry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.clock import BERLIN
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme
from bot.knowledge.normalize import content_stems
from bot.storage.handoff import Case
from bot.storage.question_log import LoggedQuestion

OUTCOMES = {"answer": "beantwortet", "choices": "Meinten Sie …?", "unknown": "weiß ich nicht"}
SIMILAR = 70  # token_set_ratio on stems: "müll abholung" ~ "wann wird müll abgeholt"


@dataclass
class Gap:
    """A group of similar questions the bot could not answer."""

    key: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    cases: list[int] = field(default_factory=list)  # answered cases that fit this group


def _key(text: str) -> str:
    return " ".join(sorted(set(content_stems(text))))


def _similar(groups: list[Gap], key: str) -> Gap | None:
    return next((g for g in groups if fuzz.token_set_ratio(key, g.key) >= SIMILAR), None)


def gaps(questions: Iterable[LoggedQuestion], examples: int = 3,
         cases: Iterable[Case] = ()) -> list[Gap]:
    """Group "unknown" and "choices" questions; biggest groups first.

    Each group names the answered ``cases`` whose question fits it.
    """
    groups: list[Gap] = []
    for question in questions:
        if question.status == "answer":
            continue
        key = _key(question.text)
        if not key:
            continue
        group = _similar(groups, key)
        if group is None:
            group = Gap(key)
            groups.append(group)
        group.count += 1
        group.statuses[question.status] += 1
        if len(group.examples) < examples and question.text not in group.examples:
            group.examples.append(question.text)
    for case in cases:
        key = _key(case.text)
        fitting = _similar(groups, key) if key else None
        if fitting is not None:
            fitting.cases.append(case.id)
    return sorted(groups, key=lambda g: (-g.count, g.key))


@dataclass
class Stats:
    """Counts of answered questions per programme, topic, Kreis and week."""

    programmes: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    weeks: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


def stats(questions: Iterable[LoggedQuestion], kb: KnowledgeBase) -> Stats:
    """Count questions by what they were about."""
    result = Stats()
    for question in questions:
        local = question.asked_at.astimezone(BERLIN).date()
        year, week, _ = local.isocalendar()
        result.weeks[f"{year}-W{week:02d}"] += 1
        result.outcomes[OUTCOMES.get(question.status, question.status)] += 1
        if question.region_id:
            region = kb.regions.get(question.region_id)
            result.regions[region.name if region else question.region_id] += 1
        entry = kb.get(question.entry_id) if question.entry_id else None
        if isinstance(entry, Programme):
            result.programmes[entry.title] += 1
            for topic in entry.topics:
                result.topics[topic] += 1
    return result


def retention_cutoff(now: dt.datetime, days: int) -> dt.datetime:
    """Return the instant before which questions are deleted."""
    return now - dt.timedelta(days=days)
