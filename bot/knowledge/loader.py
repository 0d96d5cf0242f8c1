"""Load a knowledge folder: every file validated, every problem reported with file:line.

The same function serves ``foerderlotse kb check`` and the bot's start-up, so what
the check accepts is exactly what the bot loads. It never raises on bad input.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.gcpause import building
from bot.knowledge.advice import bulk_stamp, entry_advice, entry_errors, finder_gaps
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.crosscheck import cross_check
from bot.knowledge.models import (
    MODELS,
    Contact,
    Entry,
    OutsideFile,
    Programme,
    QuestionsFile,
    Region,
    RegionsFile,
    SynonymsFile,
    Term,
)
from bot.knowledge.problems import Problem, display_path, from_validation_error
from bot.knowledge.yamlsource import SourceDocument, SourceProblem, parse_documents

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 256 * 1024
SUFFIXES = (".yaml", ".yml")


@dataclass
class _Parsed:
    """A validated document and where it came from."""

    model: BaseModel
    file: str
    source: SourceDocument


@dataclass
class LoadResult:
    """The knowledge (when there were no problems) and every problem found."""

    knowledge: KnowledgeBase | None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    # Advice that does not stop loading ("Hinweis: …"), shown by ``kb check``.
    hints: list[Problem] = field(default_factory=list)
    # Fields the Förderfinder and Förderrechner miss; ``kb check --streng`` shows them.
    gaps: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the folder loaded without a single problem."""
        return self.knowledge is not None and not self.problems


def knowledge_files(root: Path, odd: list[Path] | None = None) -> list[Path]:
    """Return the YAML files under ``root``, sorted, skipping hidden files and folders.

    A name that looks like a knowledge file but is no regular file (a link into nowhere or
    in a loop, a pipe) is not read: reading a pipe would hang.
    Such paths are added to ``odd`` so they can be reported instead of skipped silently.
    """
    found: list[Path] = []
    # os.walk reads each folder once, where rglob plus is_file asked for every file.
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                continue
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                found.append(Path(path))
            elif odd is not None:
                odd.append(Path(path))
    return sorted(found)


def _odd_problem(path: Path, root: Path) -> Problem:
    """Explain why a knowledge-file name was not read."""
    name = display_path(path, root)
    try:
        mode = path.stat().st_mode
    except OSError as exc:  # a link into nowhere, or a loop of links
        return Problem(name, 1, f"Verknüpfung führt ins Leere oder im Kreis ({exc.strerror}) "
                                "– Datei wurde nicht gelesen")
    what = "eine Pipe" if stat.S_ISFIFO(mode) else "keine normale Datei"
    return Problem(name, 1, f"Das ist {what} – erwartet wird eine YAML-Textdatei")


def _read_text(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(name, 1, f"Datei ist größer als {MAX_FILE_BYTES // 1024} KiB – "
                                  "bitte auf mehrere Dateien verteilen")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"Datei kann nicht gelesen werden ({exc.strerror})")]
    if b"\0" in data:
        return None, [Problem(name, 1, "Binärdatei – erwartet wird eine YAML-Textdatei")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "Zeichen ist kein UTF-8 – bitte als UTF-8 speichern")]


def _validate(source: SourceDocument, name: str) -> tuple[BaseModel | None, list[Problem]]:
    data: Any = source.data
    if not isinstance(data, dict):
        return None, [Problem(name, source.start_line,
                              "Ein Eintrag muss aus Feldern bestehen (name: wert)")]
    kind = data.get("kind")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        allowed = ", ".join(MODELS)
        message = (f"Unbekannte Art „{kind}“ – erlaubt: {allowed}" if kind is not None
                   else f"Feld „kind“ fehlt – erlaubt: {allowed}")
        return None, [Problem(name, source.line_of(("kind",)), message)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, from_validation_error(exc, model, source, name)


def _parse_file(path: Path, root: Path) -> tuple[list[_Parsed], list[Problem]]:
    name = display_path(path, root)
    text, problems = _read_text(path, name)
    if text is None:
        return [], problems
    try:
        sources = parse_documents(text)
    except SourceProblem as exc:
        return [], [Problem(name, exc.line, exc.message)]
    except Exception as exc:
        logger.exception("Unexpected failure parsing %s", name)
        return [], [Problem(name, 1, f"Datei konnte nicht gelesen werden ({type(exc).__name__})")]
    parsed = []
    for source in sources:
        model, found = _validate(source, name)
        problems.extend(found)
        if model is not None:
            parsed.append(_Parsed(model, name, source))
    return parsed, problems


@building
def load_directory(root: Path, today: dt.date,
                   skip: Collection[str] = frozenset()) -> LoadResult:
    """Load and check every knowledge file under ``root`` as of ``today``.

    Files whose display name is in ``skip`` are left out (see :func:`load_usable`).
    """
    if not root.is_dir():
        return LoadResult(None, [Problem(str(root), 1, "Wissensordner nicht gefunden")])
    odd: list[Path] = []
    files = [f for f in knowledge_files(root, odd) if display_path(f, root) not in skip]
    parsed: list[_Parsed] = []
    problems: list[Problem] = [_odd_problem(path, root) for path in odd]
    for path in files:
        found, file_problems = _parse_file(path, root)
        parsed.extend(found)
        problems.extend(file_problems)
    if not files:
        problems.append(Problem(str(root), 1, "Keine Wissensdateien (*.yaml) gefunden"))
    knowledge = _assemble(parsed)
    problems.extend(cross_check(knowledge, _origins(parsed), today))
    per_file = Counter(p.file for p in parsed)
    hints: list[Problem] = []
    gaps: list[Problem] = []
    for item in parsed:
        problems.extend(entry_errors(item.model, item.file, item.source))
        hints.extend(entry_advice(item.model, item.file, item.source, per_file[item.file]))
        gaps.extend(finder_gaps(item.model, item.file, item.source))
    stamped = [(i.file, i.model.verified_on) for i in parsed
               if isinstance(i.model, Programme | Contact | Term)]
    hints.extend(bulk_stamp(stamped, f"{root.name}/"))
    problems.sort()
    return LoadResult(None if problems else knowledge, problems, len(files), sorted(hints),
                      sorted(gaps))


def load_usable(root: Path, today: dt.date) -> LoadResult:
    """Load what can be loaded: files with problems are left out, the rest is used.

    One unfilled template must not keep the bot from starting. The result's ``problems``
    are those of the whole folder; its ``knowledge`` is None only when nothing is usable.
    Leaving a file out may break a reference elsewhere; that file is then left out too.
    """
    full = load_directory(root, today)
    result, skip = full, set[str]()
    while result.knowledge is None and result.problems:
        newly = {p.file for p in result.problems} - skip
        if not newly or str(root) in newly:
            break
        skip |= newly
        result = load_directory(root, today, skip)
    return LoadResult(result.knowledge, full.problems, full.files, full.hints)


def _origins(parsed: list[_Parsed]) -> list[tuple[BaseModel, str, SourceDocument]]:
    return [(p.model, p.file, p.source) for p in parsed]


def _assemble(parsed: list[_Parsed]) -> KnowledgeBase:
    entries: dict[str, Entry] = {}
    regions: dict[str, Region] = {}
    groups: list[list[str]] = []
    outside: dict[str, str] = {}
    strict: set[str] = set()
    ambiguous: list[str] = []
    questions: list[tuple[str, tuple[str, ...]]] = []
    aspects: list[tuple[str, str]] = []
    for item in parsed:
        model = item.model
        if isinstance(model, Programme | Contact | Term):
            entries.setdefault(model.id, model)
        elif isinstance(model, RegionsFile):
            for region in model.regions:
                regions.setdefault(region.id, region)
            ambiguous.extend(model.ambiguous_names)
        elif isinstance(model, SynonymsFile):
            groups.extend(model.groups)
        elif isinstance(model, OutsideFile):
            for topic in model.topics:
                outside.update(dict.fromkeys(topic.words, topic.topic))
                if topic.strict:
                    strict.add(topic.topic)
        elif isinstance(model, QuestionsFile):
            questions.extend((q.frage, q.labels) for q in model.fragen)
            aspects.extend((q.frage, q.aspekt) for q in model.fragen if q.aspekt)
    return KnowledgeBase(entries, regions, groups, outside_words=outside,
                         outside_strict=strict, ambiguous_names=ambiguous, questions=questions,
                         aspects=aspects)
