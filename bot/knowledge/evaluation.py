"""Measure the matcher on a labelled question set: top-1, top-3, out-of-scope rejection.

The question file is YAML: a list of ``{frage: "…", erwartet: <id> | [<id>, …] | null}``;
``null`` marks an out-of-scope question the bot must not answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.service import Knowledge


@dataclass(frozen=True)
class Labelled:
    """A question and the entry ids that count as right (empty: out of scope)."""

    question: str
    expected: tuple[str, ...]


@dataclass
class Report:
    """Counts and the questions that went wrong."""

    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    rejected: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, count: int, total: int) -> float:
        """Return ``count / total`` (0 when empty)."""
        return count / total if total else 0.0

    def summary(self) -> dict[str, Any]:
        """Return the figures as a dict (rates between 0 and 1)."""
        return {
            "questions": self.in_scope + self.out_of_scope,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            "top1": round(self.rate(self.top1, self.in_scope), 4),
            "top3": round(self.rate(self.top3, self.in_scope), 4),
            "answered_right": round(self.rate(self.answered_right, self.in_scope), 4),
            "answered_wrong": round(self.rate(self.answered_wrong, self.in_scope), 4),
            "oos_rejection": round(self.rate(self.rejected, self.out_of_scope), 4),
        }


def load_questions(path: Path) -> list[Labelled]:
    """Read a labelled question file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    found = []
    for item in raw:
        expected = item.get("erwartet")
        ids = () if expected is None else (expected,) if isinstance(expected, str) else expected
        found.append(Labelled(str(item["frage"]), tuple(ids)))
    return found


def evaluate(knowledge: Knowledge, questions: list[Labelled]) -> Report:
    """Ask every question and count."""
    report = Report()
    for item in questions:
        decision = knowledge.ask(item.question)
        ids = [c.entry_id for c in decision.candidates]
        if not item.expected:
            report.out_of_scope += 1
            if decision.status == "unknown":
                report.rejected += 1
            else:
                report.misses.append(f"nicht abgelehnt: {item.question!r} → {ids[:1]}")
            continue
        report.in_scope += 1
        right_top = bool(ids) and ids[0] in item.expected
        report.top1 += right_top
        report.top3 += any(i in item.expected for i in ids[:3])
        if decision.status == "answer":
            report.answered_right += right_top
            report.answered_wrong += not right_top
        if not right_top:
            report.misses.append(
                f"{decision.status}: {item.question!r} → {ids[:3]} (erwartet {item.expected})")
    return report
