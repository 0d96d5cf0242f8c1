"""Problems found in knowledge files, and German wording for pydantic's errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import process

from bot.knowledge.yamlsource import SourceDocument

_RULE_TAGS = {"jaehrlich", "datum", "zweistufig", "laufend", "nach_aufruf"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line; ``message`` is German."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def display_path(path: Path, root: Path) -> str:
    """Return ``path`` relative to the knowledge root's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _field_name(loc: tuple[Any, ...]) -> str:
    names = [str(part) for part in loc if isinstance(part, str) and part not in _RULE_TAGS]
    return names[-1] if names else "Eintrag"


def _allowed_keys(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """Find the allowed keys at ``loc`` by walking the model's fields."""
    current = model
    for part in loc[:-1]:
        fields = getattr(current, "model_fields", None)
        if fields is None or not isinstance(part, str) or part not in fields:
            return []
        annotation = fields[part].annotation
        current = getattr(annotation, "__args__", (annotation,))[0]
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _message(error: Any, model: Any) -> str:
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    name = _field_name(loc)
    if kind == "missing":
        return f"Pflichtfeld „{name}“ fehlt"
    if kind == "extra_forbidden":
        hint = process.extractOne(name, _allowed_keys(model, loc), score_cutoff=70)
        return f"Unbekanntes Feld „{name}“" + (f" – meinten Sie „{hint[0]}“?" if hint else "")
    if error.get("input", ...) is None:
        return f"„{name}“ ist leer – bitte ausfüllen"
    if kind == "string_type":
        return f"„{name}“ muss Text sein, keine Liste und keine Unterfelder"
    if kind == "list_type":
        return f"„{name}“ muss eine Liste sein (jede Zeile mit „- “ beginnen)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"„{name}“ muss aus Unterfeldern bestehen (name: wert)"
    if kind == "literal_error":
        # pydantic lists the values in English ("'a', 'b' or 'c'"): say it in German.
        values = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        allowed = ", ".join(values[:-1]) + f" oder {values[-1]}" if len(values) > 1 else (
            "".join(values))
        return f"„{name}“: „{error.get('input')}“ ist nicht erlaubt – erlaubt: {allowed}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "Frist braucht „type“: jaehrlich, datum, zweistufig, laufend oder nach_aufruf"
    if kind == "too_short":
        if ctx.get("min_length") == 1 and isinstance(error.get("input"), str):
            return f"„{name}“ darf nicht leer sein"
        return f"„{name}“ braucht mindestens {ctx.get('min_length')} Einträge"
    if kind == "too_long":
        return f"„{name}“ hat zu viele Einträge (höchstens {ctx.get('max_length')})"
    if kind == "value_error":
        return f"„{name}“: {str(error['msg']).removeprefix('Value error, ')}"
    if kind in ("bool_parsing", "bool_type"):
        return f"„{name}“ muss true oder false sein"
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return f"„{name}“ muss eine Zahl sein"
    return f"„{name}“ ist ungültig ({error['msg']})"


def from_validation_error(
    exc: ValidationError, model: Any, document: SourceDocument, file: str
) -> list[Problem]:
    """Translate every error in ``exc`` into a problem at the right line."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if part not in _RULE_TAGS)
        problems.append(Problem(file, document.line_of(loc), _message(error, model)))
    return problems
