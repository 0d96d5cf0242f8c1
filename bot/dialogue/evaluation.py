"""Measure answers on labelled question sets: ranking, decision and the answer's first sentence.

A question file is YAML: a list of ``{frage, erwartet, stil?, aspekt?}``. ``erwartet`` is an
entry id, a list of ids, ``ort:<Ort>`` (any office responsible for that place counts) or
``null`` for an out-of-scope question the bot must not answer. ``stil`` and ``aspekt`` only
group the figures.

The figures are computed from what a user would see: the decision's status, the entries it
shows (the answer, or the "Meinten Sie …?" options) and the reply text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.core import ENTRY_PREFIX
from bot.dialogue.formats import sentences
from bot.dialogue.messages import Reply
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.decision import Decision
from bot.knowledge.places import label_ids

# The fact a one-aspect question asks for, as it must appear in the answer's first sentence.
_FACTS = {
    "frist": re.compile(r"\d{1,2}\.\d{1,2}\.|laufend|keine feste Frist|nach Aufruf|vorbei"),
    "betrag": re.compile(r"€|%|Festbetrag|Anteil|Fehlbedarf|Vollfinanzierung|nicht bekannt"),
    "wer": re.compile(r"^(Ja|Nein|Wahrscheinlich|Eher nicht)\b|[Aa]ntrag stellen können|"
                      r"[Aa]ntragsberechtigt"),
}
_CUT = "…"
_CHOICES_HEAD = "Meinten Sie …?"

Ask = Callable[[str], tuple[Decision, Reply]]


@dataclass(frozen=True)
class Labelled:
    """A question, the labels that count as right (empty: out of scope), style and aspect."""

    question: str
    expected: tuple[str, ...]
    style: str = ""
    aspect: str = ""


@dataclass
class Figures:
    """Counts for one group of questions."""

    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    shown_right: int = 0
    rejected: int = 0
    aspect_questions: int = 0
    aspect_right: int = 0
    aspect_first: int = 0
    cut_texts: int = 0

    def summary(self) -> dict[str, Any]:
        """Return the figures as rates between 0 and 1 (and the counts they rest on)."""
        questions = self.in_scope + self.out_of_scope
        oos_answered = self.out_of_scope - self.rejected
        return {
            "questions": questions,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "top1": _rate(self.top1, self.in_scope),
            "top3": _rate(self.top3, self.in_scope),
            "answered_right": _rate(self.answered_right, self.in_scope),
            "answered_wrong": _rate(self.answered_wrong, self.in_scope),
            "shown_right": _rate(self.shown_right, self.in_scope),
            "oos_rejection": _rate(self.rejected, self.out_of_scope),
            "confident_wrong": _rate(self.answered_wrong + oos_answered, questions),
            "aspect_questions": self.aspect_questions,
            "aspect_first": _rate(self.aspect_first, self.aspect_questions),
            "aspect_first_of_right": _rate(self.aspect_first, self.aspect_right),
            "cut_texts": self.cut_texts,
        }


@dataclass
class Report:
    """Figures overall, per style and per aspect, and the questions that went wrong."""

    overall: Figures = field(default_factory=Figures)
    by_style: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_aspect: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Return overall figures plus ``by_style`` and ``by_aspect``."""
        found = self.overall.summary()
        found["by_style"] = {k: v.summary() for k, v in sorted(self.by_style.items())}
        found["by_aspect"] = {k: v.summary() for k, v in sorted(self.by_aspect.items())}
        return found

    def groups(self, item: Labelled) -> list[Figures]:
        """Return every group ``item`` counts in."""
        found = [self.overall]
        if item.style:
            found.append(self.by_style[item.style])
        if item.aspect:
            found.append(self.by_aspect[item.aspect])
        return found


def _rate(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def load_questions(*paths: Path) -> list[Labelled]:
    """Read one or more labelled question files."""
    found = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # A knowledge file of labelled questions ("kind: fragen") or a plain list of them.
        items = data.get("fragen", []) if isinstance(data, dict) else data or []
        for item in items:
            expected = item.get("erwartet")
            ids = () if expected is None else (expected,) if isinstance(expected, str) else expected
            found.append(Labelled(str(item["frage"]), tuple(ids), str(item.get("stil") or ""),
                                  str(item.get("aspekt") or "")))
    return found


def resolve(kb: KnowledgeBase, labels: Iterable[str]) -> set[str]:
    """Turn labels into entry ids; ``ort:Brakel`` means any office responsible for Brakel."""
    return label_ids(kb, labels)


def first_sentence(text: str) -> str:
    """Return the text up to its first sentence end or line break ("z. B." ends none)."""
    return sentences(text.strip().split("\n", 1)[0])[0]


def has_cut(text: str) -> bool:
    """Tell whether ``text`` cuts content with "…" (the choices' heading does not count)."""
    return _CUT in text.replace(_CHOICES_HEAD, "")


def evaluate(kb: KnowledgeBase, ask: Ask, questions: list[Labelled]) -> Report:
    """Ask every question through ``ask`` (decision and reply) and count."""
    report = Report()
    for item in questions:
        decision, reply = ask(item.question)
        expected = resolve(kb, item.expected)
        for figures in report.groups(item):
            _count(figures, item, expected, decision, reply)
        miss = _miss(item, expected, decision)
        if miss:
            report.misses.append(miss)
    return report


def shown(decision: Decision, reply: Reply) -> list[str]:
    """Return the ids a user sees: the answered entry, and the "Meinten Sie …?" options."""
    answered = [c.entry_id for c in decision.candidates[:1]] if decision.status == "answer" else []
    return answered + [c.data[len(ENTRY_PREFIX):] for c in reply.choices
                       if c.data.startswith(ENTRY_PREFIX)]


def _count(figures: Figures, item: Labelled, expected: set[str], decision: Decision,
           reply: Reply) -> None:
    text = reply.text
    figures.cut_texts += has_cut(text)
    if not expected:
        figures.out_of_scope += 1
        figures.rejected += decision.status == "unknown"
        return
    ids = [c.entry_id for c in decision.candidates]
    right_top = bool(ids) and ids[0] in expected
    figures.in_scope += 1
    figures.top1 += right_top
    figures.top3 += any(i in expected for i in ids[:3])
    if decision.status == "answer":
        figures.answered_right += right_top
        figures.answered_wrong += not right_top
    figures.shown_right += any(i in expected for i in shown(decision, reply))
    fact = _FACTS.get(item.aspect)
    if fact is not None:
        figures.aspect_questions += 1
        answered = decision.status == "answer" and right_top
        figures.aspect_right += answered
        figures.aspect_first += answered and bool(fact.search(first_sentence(text)))


def _miss(item: Labelled, expected: set[str], decision: Decision) -> str | None:
    ids = [c.entry_id for c in decision.candidates]
    if not expected:
        if decision.status == "unknown":
            return None
        return f"nicht abgelehnt ({decision.status}): {item.question!r} → {ids[:1]}"
    if decision.status == "answer" and ids and ids[0] in expected:
        return None
    return f"{decision.status}: {item.question!r} → {ids[:3]} (erwartet {sorted(expected)})"
