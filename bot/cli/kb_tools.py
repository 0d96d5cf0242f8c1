"""``kb stale`` and ``kb new``: the coordinators' upkeep tools."""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot import app
from bot.cli.common import add_knowledge_option, load_knowledge, settings_of
from bot.cli.table import show, table
from bot.clock import SystemClock, berlin_today
from bot.dialogue import formats
from bot.errors import UserError
from bot.knowledge.curation import stale_entries
from bot.knowledge.fields import parse_slug
from bot.knowledge.importer import Update, import_rows, read_rows
from bot.knowledge.templates import ALIASES, FOLDERS, template, term_from_case
from bot.settings import Settings, is_packaged


def register(sub: Any) -> None:
    """Add ``kb stale`` and ``kb new`` to the ``kb`` subcommands."""
    stale = sub.add_parser("stale", help="veraltete Einträge und abgelaufene Runden")
    stale.add_argument("--monate", type=int, default=6, metavar="N",
                       help="älter als N Monate gilt als veraltet (Standard: 6)")
    stale.add_argument("--json", action="store_true")
    add_knowledge_option(stale)
    stale.set_defaults(run=run_stale)
    new = sub.add_parser("new", help="Vorlage für einen neuen Eintrag anlegen")
    new.add_argument("kind", choices=[*FOLDERS, *ALIASES], metavar="ART",
                     help="programm, kontakt oder begriff")
    new.add_argument("id", metavar="KENNUNG", help="z. B. heimat-scheck")
    new.add_argument("--aus-fall", type=int, metavar="NR", dest="case",
                     help="nur begriff: Entwurf aus einem beantworteten Fall (Frage als "
                          "Beispiel, Antwort als Text; die Quelle tragen Sie nach)")
    add_knowledge_option(new)
    new.set_defaults(run=run_new)
    importing = sub.add_parser("import", help="Programme aus einer Tabelle (CSV/XLSX) übernehmen")
    importing.add_argument("file", metavar="DATEI")
    importing.add_argument("--ziel", metavar="ORDNER",
                           help="Zielordner (Standard: programme/ im Wissensordner)")
    importing.add_argument("--aktualisieren", action="store_true",
                           help="vorhandene Programme ändern: zeigt erst die Unterschiede")
    importing.add_argument("--ja", action="store_true",
                           help="mit --aktualisieren: Änderungen ohne Rückfrage schreiben")
    importing.add_argument("--json", action="store_true")
    add_knowledge_option(importing)
    importing.set_defaults(run=run_import)


def run_stale(args: argparse.Namespace) -> int:
    """List entries to re-check; exit 1 when there are any (for cron mails)."""
    clock = SystemClock()
    knowledge = load_knowledge(settings_of(args), clock)
    items = stale_entries(knowledge.base, berlin_today(clock), args.monate)
    headers = ["id", "art", "titel", "geprüft", "grund"]
    rows = [[i.entry_id, i.kind, i.title, formats.date(i.verified_on), i.reason] for i in items]
    show(headers, rows, args.json,
         f"Alles aktuell: kein Eintrag älter als {args.monate} Monate, keine Runde vorbei.")
    return 1 if rows else 0


def run_new(args: argparse.Namespace) -> int:
    """Write a commented template (or a term drafted from a case) into the knowledge folder."""
    kind = ALIASES.get(args.kind, args.kind)
    try:
        entry_id = parse_slug(args.id)
    except ValueError as exc:
        print(f"Fehler: {exc}")
        return 2
    settings = settings_of(args)
    root = Path(settings.knowledge_dir)
    if is_packaged(root):
        print("Fehler: Das mitgelieferte Wissen im installierten Paket ist kein Ort für eigene "
              "Einträge (es wird beim nächsten Update überschrieben). Bitte den Ordner nennen: "
              "--knowledge ORDNER oder FOERDERLOTSE_KNOWLEDGE_DIR, oder im Ordner arbeiten, "
              "der „knowledge“ enthält.")
        return 2
    try:
        content = _draft(settings, kind, entry_id, args.case)
    except UserError as exc:
        print(f"Fehler: {exc}")
        return 2
    folder = root / FOLDERS[kind]
    path = folder / f"{entry_id}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.resolve().is_relative_to(root.resolve()):
        print(f"Fehler: {folder} zeigt aus dem Wissensordner hinaus – nichts geschrieben.")
        return 2
    try:
        # O_EXCL also refuses a link planted at that name, wherever it points.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    except FileExistsError:
        print(f"Fehler: {path} gibt es schon.")
        return 2
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(content)
    what = "Entwurf" if args.case is not None else "Vorlage"
    print(f"{what} angelegt: {path}\nBitte ausfüllen und mit „foerderlotse kb check“ prüfen.")
    return 0


def _draft(settings: Settings, kind: str, entry_id: str, case_id: int | None) -> str:
    """Return the new file's text: the template, or a term drafted from an answered case.

    Raises:
        UserError: the case is unknown, still open, or the kind is not "begriff".

    """
    clock = SystemClock()
    if case_id is None:
        return template(kind, entry_id, berlin_today(clock))
    if kind != "begriff":
        raise UserError("--aus-fall geht nur mit „begriff“: foerderlotse kb new begriff "
                        f"{entry_id} --aus-fall {case_id}")
    storage = app.open_storage(settings, clock)
    try:
        case = storage.handoff.get(case_id)
    finally:
        storage.close()
    if case is None:
        raise UserError(f"Einen Fall {case_id} gibt es nicht (mehr).")
    if case.answer is None:
        raise UserError(f"Fall {case_id} ist noch nicht beantwortet.")
    return term_from_case(entry_id, berlin_today(clock), case.id, case.text, case.answer)


def _confirm_updates(updates: list[Update], yes: bool) -> bool:
    """Show each update as a diff; write them when confirmed (or ``yes``)."""
    for update in updates:
        sys.stdout.writelines(difflib.unified_diff(
            update.old.splitlines(keepends=True), update.new.splitlines(keepends=True),
            fromfile=f"{update.path} (bisher)", tofile=f"{update.path} (neu)"))
    print(f"{len(updates)} Programm(e) würden geändert.")
    if not yes:
        if not sys.stdin.isatty():
            return False
        yes = input("Übernehmen? [j/N] ").strip().casefold() in ("j", "ja", "y", "yes")
    if yes:
        for update in updates:
            update.path.write_text(update.new, encoding="utf-8")
        print(f"{len(updates)} Programm(e) geändert.")
    return yes


def run_import(args: argparse.Namespace) -> int:
    """Import programmes from a spreadsheet; report every refused row."""
    clock = SystemClock()
    settings = settings_of(args)
    knowledge = load_knowledge(settings, clock)
    target = Path(args.ziel) if args.ziel else Path(settings.knowledge_dir) / "programme"
    try:
        rows = list(read_rows(Path(args.file)))
    except (UserError, OSError, csv.Error) as exc:
        print(f"Fehler: {exc}")
        return 2
    report = import_rows(rows, knowledge.base, target, berlin_today(clock), args.aktualisieren)
    if report.updates and not _confirm_updates(report.updates, args.ja):
        print("Nichts geändert. Zum Übernehmen: dasselbe mit --ja.")
        return 1
    headers = ["zeile", "grund"]
    refused = [[number, reason] for number, reason in report.refused]
    if args.json:
        print(json.dumps({"written": [str(p) for p in report.written],
                          "refused": [dict(zip(headers, r, strict=True)) for r in refused]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"{len(report.written)} Programm(e) angelegt in {target}.")
        if refused:
            print("Nicht übernommen:\n" + table(headers, refused))
    return 1 if refused else 0
