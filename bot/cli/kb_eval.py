"""``foerderlotse kb eval``: answer quality on the labelled question sets.

Without ``--questions`` it measures the shipped sets: the catalogue (a regression set), the
blind calibration sets (``knowledge/fragen/``: the decision was tuned on them and the question
memory learns from them, so their figures are training figures), and the blind held-out sets
(``tests/data/eval``), whose figures are the honest ones: each was written by writers who
never saw the knowledge, and measured once, at the end of the session that wrote it, before
anyone read its questions. The last set is broken down by style and aspect.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.cli.common import add_knowledge_option, build_dialogue
from bot.cli.table import table
from bot.dialogue.core import Dialogue
from bot.dialogue.evaluation import Report, evaluate, load_questions
from bot.dialogue.messages import ChatRef, Reply
from bot.knowledge.decision import Decision
from bot.settings import shipped_knowledge_dir

_PACKAGE = Path(__file__).resolve().parents[1]
_CHAT = ChatRef("cli", "eval")
# "fragen/…" is a calibration set: labelled questions inside the shipped knowledge, which the
# question memory learns from (its figures are training figures). The rest are test data.
_CALIBRATION = "fragen/"
SETS = (
    ("Katalog", "questions.yaml"),
    ("Blind, Kalibrierung", "fragen/blind-kalibrierung.yaml"),
    ("Blind, Kalibrierung 2", "fragen/blind-kalibrierung-2.yaml"),
    ("Blind, Kalibrierung 3", "fragen/blind-kalibrierung-3.yaml"),
    ("Blind, Kalibrierung 4", "fragen/blind-kalibrierung-4.yaml"),
    ("Blind, Kalibrierung 5", "fragen/blind-kalibrierung-5.yaml"),
    ("Blind, Kalibrierung 6", "fragen/blind-kalibrierung-6.yaml"),
    ("Blind, Kalibrierung 7", "fragen/blind-kalibrierung-7.yaml"),
    ("Blind, Kalibrierung Orte", "fragen/blind-kalibrierung-orte.yaml"),
    ("Blind, Kalibrierung Lang", "fragen/blind-kalibrierung-lang.yaml"),
    ("Blind, Winter", "fragen/blind-winter.yaml"),
    ("Blind, Kalibrierung 8", "fragen/blind-kalibrierung-8.yaml"),
    ("Blind, Schnee", "fragen/blind-schnee.yaml"),
    ("Blind, Frost", "fragen/blind-frost.yaml"),
    ("Blind, Eis", "fragen/blind-eis.yaml"),
    ("Blind, Reif", "fragen/blind-reif.yaml"),
    ("Blind, Prüfung", "eval/blind-pruefung.yaml"),
    ("Blind, Abschluss", "eval/blind-abschluss.yaml"),
    ("Blind, Neu", "eval/blind-neu.yaml"),
    ("Blind, Schluss", "eval/blind-schluss.yaml"),
    ("Blind, Ende", "eval/blind-ende.yaml"),
    ("Blind, Dezember", "eval/blind-dezember.yaml"),
    ("Blind, Advent", "eval/blind-advent.yaml"),
    ("Blind, Nikolaus", "eval/blind-nikolaus.yaml"),
    ("Blind, Barbara", "eval/blind-barbara.yaml"),
)
_COLUMNS = (
    ("top1", "Top-1"), ("answered_right", "richtig beantwortet"),
    ("shown_right", "richtig gezeigt"), ("oos_rejection", "Ablehnung außerhalb"),
    ("confident_wrong", "sicher falsch"), ("aspect_first", "Fakt zuerst"),
    ("aspect_first_of_right", "Fakt zuerst (richtig beantw.)"),
)


def data_dir() -> Path:
    """Return the question sets: inside the wheel, or the source checkout's tests/data."""
    packaged = _PACKAGE / "_questions"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "tests" / "data"


def set_path(file: str) -> Path:
    """Return where a shipped question set lives: the knowledge's ``fragen/`` or test data."""
    if file.startswith(_CALIBRATION):
        return shipped_knowledge_dir() / file
    return data_dir() / file


def register(sub: Any) -> None:
    """Add ``kb eval``."""
    parser = sub.add_parser("eval", help="Trefferquote auf den Fragenkatalogen messen")
    parser.add_argument("--questions", metavar="DATEI",
                        help="eigene Fragendatei statt der mitgelieferten Kataloge")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="Fehlgriffe auflisten")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def measure(dialogue: Dialogue, path: Path) -> Report:
    """Ask every question of ``path`` through ``dialogue``, as a user would."""
    def ask(question: str) -> tuple[Decision, Reply]:
        answer = dialogue.answer(_CHAT, question)
        return answer.decision, answer.reply

    return evaluate(dialogue.knowledge.base, ask, load_questions(path))


def run(args: argparse.Namespace) -> int:
    """Print the figures per question set, and the last set's figures per style and aspect."""
    dialogue = build_dialogue(args)
    sets = [("Datei", Path(args.questions))] if args.questions else [
        (name, set_path(file)) for name, file in SETS]
    reports = {name: measure(dialogue, path) for name, path in sets}
    if args.json:
        print(json.dumps({k: r.summary() for k, r in reports.items()}, ensure_ascii=False,
                         indent=2))
        return 0
    print(_table({k: r.summary() for k, r in reports.items()}, "Fragen"))
    last = reports[sets[-1][0]].summary()
    print(f"\n{sets[-1][0]} nach Stil:\n" + _table(last["by_style"], "Stil"))
    print(f"\n{sets[-1][0]} nach Aspekt:\n" + _table(last["by_aspect"], "Aspekt"))
    if args.misses:
        for name, report in reports.items():
            print(f"\n{name}:", *report.misses, sep="\n")
    return 0


def _table(rows: dict[str, dict[str, Any]], first: str) -> str:
    headers = [first, "n", *(label for _, label in _COLUMNS)]
    body = [[name, figures["questions"], *(_cell(figures, key) for key, _ in _COLUMNS)]
            for name, figures in rows.items()]
    return table(headers, body)


def _cell(figures: dict[str, Any], key: str) -> str:
    """Return a rate as "85.0 %", or "–" where the set has nothing to count it on."""
    if key.startswith("aspect") and not figures["aspect_questions"]:
        return "–"
    if key == "oos_rejection" and not figures["out_of_scope"]:
        return "–"
    return f"{figures[key] * 100:5.1f} %"
