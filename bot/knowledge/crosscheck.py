"""Checks across files: unique ids, references that resolve, plausible dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Contact, Programme, QuestionsFile, RegionsFile, Term
from bot.knowledge.places import PLACE_LABEL, find_place
from bot.knowledge.problems import Problem
from bot.knowledge.yamlsource import SourceDocument

Origin = tuple[BaseModel, str, SourceDocument]


def cross_check(kb: KnowledgeBase, origins: list[Origin], today: dt.date) -> list[Problem]:
    """Return every problem that only shows when all files are read together."""
    problems = list(_duplicates(origins))
    known = _Known({c.id for c in kb.contacts()}, set(kb.regions), set(kb.entries))
    for model, file, source in origins:
        problems.extend(_references(known, model, file, source))
        problems.extend(_dates(model, file, source, today))
        if isinstance(model, QuestionsFile):
            problems.extend(_question_labels(kb, model, file, source))
    return problems


def _question_labels(kb: KnowledgeBase, model: QuestionsFile, file: str,
                     source: SourceDocument) -> Iterator[Problem]:
    """Every label of a labelled question names an entry, or a place the knowledge knows."""
    for i, question in enumerate(model.fragen):
        for label in question.labels:
            if label.startswith(PLACE_LABEL):
                place, _ = find_place(label[len(PLACE_LABEL):], kb.places)
                if place is None:
                    yield Problem(file, source.line_of(("fragen", i, "erwartet")),
                                  f"Unbekannter Ort „{label[len(PLACE_LABEL):]}“ bei „erwartet“")
            elif label not in kb.entries:
                yield Problem(file, source.line_of(("fragen", i, "erwartet")),
                              f"Unbekannter Eintrag „{label}“ bei „erwartet“")


def _duplicates(origins: list[Origin]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for model, file, source in origins:
        ids: list[tuple[str, tuple[str | int, ...]]]
        if isinstance(model, RegionsFile):
            ids = [(r.id, ("regions", i, "id")) for i, r in enumerate(model.regions)]
        elif isinstance(model, Programme | Contact | Term):
            ids = [(model.id, ("id",))]
        else:
            continue
        for entry_id, path in ids:
            line = source.line_of(path)
            if entry_id in seen:
                yield Problem(file, line, f"Kennung „{entry_id}“ gibt es schon ({seen[entry_id]})")
            else:
                seen[entry_id] = f"{file}:{line}"


@dataclass(frozen=True)
class _Known:
    """The ids references may point to, collected once (not per document)."""

    contacts: set[str]
    regions: set[str]
    entries: set[str]


def _references(known: _Known, model: BaseModel, file: str,
                source: SourceDocument) -> Iterator[Problem]:
    checks: list[tuple[str, list[str], set[str], str]] = []
    if isinstance(model, Programme):
        checks += [("contacts", model.contacts, known.contacts, "Ansprechstelle"),
                   ("regions", model.regions, known.regions, "Region")]
    elif isinstance(model, Contact):
        checks.append(("responsible_for", model.responsible_for, known.regions, "Region"))
    elif isinstance(model, Term):
        checks.append(("see_also", model.see_also, known.entries, "Eintrag"))
    elif isinstance(model, RegionsFile):
        for i, region in enumerate(model.regions):
            if region.parent and region.parent not in known.regions:
                yield Problem(file, source.line_of(("regions", i, "parent")),
                              f"Unbekannte Region „{region.parent}“ bei „parent“")
    for field, ids, valid, label in checks:
        for i, ref in enumerate(ids):
            if ref not in valid:
                yield Problem(file, source.line_of((field, i)),
                              f"Unbekannte {label} „{ref}“ bei „{field}“")


def _dates(model: BaseModel, file: str, source: SourceDocument,
           today: dt.date) -> Iterator[Problem]:
    verified = getattr(model, "verified_on", None)
    if isinstance(verified, dt.date) and verified > today:
        yield Problem(file, source.line_of(("verified_on",)),
                      f"„verified_on“ liegt in der Zukunft ({verified:%d.%m.%Y})")
