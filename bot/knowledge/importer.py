"""Import a spreadsheet of programmes (CSV, or XLSX with the ``xlsx`` extra) into files.

Each row becomes one programme file if it is valid; every other row is reported with
its row number and the reason, and nothing is half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.errors import UserError
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme

COLUMNS = ("id", "titel", "aliase", "zusammenfassung", "foerdergeber", "antragsberechtigt",
           "nicht_antragsberechtigt", "regionen", "themen", "art", "betrag_min", "betrag_max",
           "anteil_max", "eigenanteil", "fristen", "antrag", "kontakte", "quellen",
           "geprueft_am", "beispiele")
REQUIRED = ("id", "titel", "zusammenfassung", "foerdergeber", "antragsberechtigt", "regionen",
            "art", "fristen", "antrag", "quellen", "geprueft_am")
_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")


@dataclass(frozen=True)
class Update:
    """A row for a programme that exists: its file, and the text it had and would get."""

    path: Path
    old: str
    new: str


@dataclass
class ImportReport:
    """Files written, updates proposed, rows refused (row number as in the sheet, header = 1)."""

    written: list[Path] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)


def _split(value: str) -> list[str]:
    # Every list column uses ";" (examples used to need "|", which still works).
    return [part.strip() for part in re.split(r"[;|]", value) if part.strip()]


def deadline_rules(text: str) -> list[dict[str, Any]]:
    """Turn "31.03.; 30.09." / "01.11.2025" / "laufend" / "nach Aufruf" into rules."""
    lowered = text.strip().casefold()
    if lowered == "laufend":
        return [{"type": "laufend"}]
    if lowered in ("nach aufruf", "nach_aufruf"):
        return [{"type": "nach_aufruf"}]
    parts = _split(text)
    fixed = [p for p in parts if _DATE.match(p)]
    yearly = [p for p in parts if p not in fixed]
    rules: list[dict[str, Any]] = []
    if yearly:
        rules.append({"type": "jaehrlich", "dates": yearly})
    if fixed:
        rules.append({"type": "datum", "dates": fixed})
    return rules


def _funding(row: dict[str, str]) -> dict[str, Any]:
    funding: dict[str, Any] = {"type": row["art"].strip().casefold()}
    for column, key in (("betrag_min", "amount_min"), ("betrag_max", "amount_max"),
                        ("anteil_max", "share_max"), ("eigenanteil", "own_share")):
        if row.get(column, "").strip():
            funding[key] = row[column].strip()
    return funding


def programme_data(row: dict[str, str]) -> dict[str, Any]:
    """Map one spreadsheet row to a programme document."""
    data: dict[str, Any] = {
        "kind": "programm", "id": row["id"].strip(), "title": row["titel"].strip(),
        "aliases": _split(row.get("aliase", "")), "summary": row["zusammenfassung"].strip(),
        "funder": row["foerdergeber"].strip(), "applicants": _split(row["antragsberechtigt"]),
        "not_eligible": _split(row.get("nicht_antragsberechtigt", "")),
        "regions": _split(row["regionen"]), "topics": _split(row.get("themen", "")),
        "funding": _funding(row), "deadlines": deadline_rules(row["fristen"]),
        "apply": row["antrag"].strip(), "contacts": _split(row.get("kontakte", "")),
        "sources": _split(row["quellen"]), "verified_on": row["geprueft_am"].strip(),
        "examples": _split(row.get("beispiele", "")),
    }
    return {k: v for k, v in data.items() if v not in ([], "")}


_COLUMN_OF = {"id": "id", "title": "titel", "aliases": "aliase", "summary": "zusammenfassung",
              "funder": "foerdergeber", "applicants": "antragsberechtigt", "regions": "regionen",
              "topics": "themen", "funding": "art/betrag/anteil", "deadlines": "fristen",
              "apply": "antrag", "contacts": "kontakte", "sources": "quellen",
              "verified_on": "geprueft_am", "examples": "beispiele"}


def _reason(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    column = _COLUMN_OF.get(str(first["loc"][0]), str(first["loc"][0])) if first["loc"] else "?"
    return f"Spalte {column}: {str(first['msg']).removeprefix('Value error, ')}"


def _check(data: dict[str, Any], kb: KnowledgeBase, today: dt.date,
           update: bool = False) -> str | None:
    try:
        programme = Programme.model_validate(data)
    except ValidationError as exc:
        return _reason(exc)
    if programme.id in kb.entries and not update:
        return (f"Kennung „{programme.id}“ gibt es schon (zum Ändern: kb import … "
                "--aktualisieren)")
    if update and programme.id in kb.entries and not isinstance(kb.entries[programme.id],
                                                               Programme):
        return f"Kennung „{programme.id}“ gehört zu keinem Programm"
    unknown = [r for r in programme.regions if r not in kb.regions]
    unknown += [c for c in programme.contacts if c not in kb.entries]
    if unknown:
        return f"unbekannte Region oder Ansprechstelle: {', '.join(unknown)}"
    if programme.verified_on > today:
        return "geprueft_am liegt in der Zukunft"
    return None


def import_rows(rows: Iterable[dict[str, str]], kb: KnowledgeBase, target: Path,
                today: dt.date, update: bool = False) -> ImportReport:
    """Validate every row; write new programmes as ``target/<id>.yaml``.

    With ``update``, a row for an existing programme becomes an :class:`Update` (nothing is
    written: the caller shows the difference and writes it on confirmation).
    """
    report = ImportReport()
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
        if missing:
            report.refused.append((number, "leer: " + ", ".join(missing)))
            continue
        data = programme_data(row)
        reason = _check(data, kb, today, update) or (
            f"Kennung „{data['id']}“ steht mehrfach in der Tabelle" if data["id"] in seen else None)
        if reason is None and data["id"] in kb.entries:
            reason = _propose(data, target, report)
        if reason:
            report.refused.append((number, reason))
            continue
        seen.add(data["id"])
        if data["id"] not in kb.entries:
            report.written.append(_write(data, target))
    return report


def _propose(data: dict[str, Any], target: Path, report: ImportReport) -> str | None:
    """Add the update of an existing programme's file to ``report``, or say why not."""
    path = target / f"{data['id']}.yaml"
    if not path.is_file():
        return f"Kennung „{data['id']}“ gibt es, aber nicht als Datei {path}"
    new = render(data)
    old = path.read_text(encoding="utf-8")
    if new != old:
        report.updates.append(Update(path, old, new))
    return None


def render(data: dict[str, Any]) -> str:
    """Return the file text for one programme."""
    header = (f"# Förderlotse – Programm „{data['title']}“, aus einer Tabelle importiert.\n"
              "# Bitte prüfen und ergänzen (Beispielfragen!), dann: foerderlotse kb check\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _write(data: dict[str, Any], target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{data['id']}.yaml"
    path.write_text(render(data), encoding="utf-8")
    return path


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Read a CSV (comma or semicolon, UTF-8) or XLSX file as dicts keyed by column.

    Raises:
        UserError: unknown file type, missing columns, or the xlsx extra is not installed.

    """
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
        rows: list[dict[str, str]] = list(csv.DictReader(text.splitlines(), dialect=dialect))
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        raise UserError("Bitte eine .csv- oder .xlsx-Datei angeben.")
    if rows:
        absent = [c for c in REQUIRED if c not in rows[0]]
        if absent:
            raise UserError("Spalten fehlen: " + ", ".join(absent))
    yield from ({k.strip(): (v or "").strip() for k, v in r.items() if k} for r in rows)


def _xlsx_rows(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:  # a read-only workbook keeps its file open until closed
        values = [["" if v is None else _cell(v) for v in row] for row in book.active.iter_rows(
            values_only=True)]
    finally:
        book.close()
    if not values:
        return []
    header = [str(h).strip() for h in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]


def _cell(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
