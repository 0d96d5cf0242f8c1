"""``foerderlotse ask``: one question (or a file of them), for people and scripts.

The JSON shape is a stable machine interface:
``{"status": …, "matches": [{"id", "kind", "title", "score"}, …], "text": …}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli.common import add_knowledge_option, build_dialogue
from bot.dialogue.core import Answer, Dialogue
from bot.dialogue.messages import ChatRef

_CHAT = ChatRef("cli", "ask")


def register(commands: Any) -> None:
    """Add the ``ask`` subcommand."""
    parser = commands.add_parser("ask", help="eine Frage stellen")
    parser.add_argument("question", nargs="?", metavar="FRAGE")
    parser.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    parser.add_argument("--batch", metavar="DATEI",
                        help="eine Frage pro Zeile; Ausgabe: ein JSON-Objekt pro Zeile")
    add_knowledge_option(parser)
    parser.set_defaults(run=run)


def as_json(answer: Answer) -> dict[str, Any]:
    """Return the stable JSON object for one answer."""
    return {
        "status": answer.decision.status,
        "matches": [
            {"id": c.entry_id, "kind": c.kind, "title": c.title, "score": round(c.score, 3)}
            for c in answer.decision.candidates
        ],
        "text": answer.reply.text,
    }


def _batch(dialogue: Dialogue, path: str) -> int:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            question = line.strip()
            if question:
                answer = dialogue.answer(_CHAT, question)
                print(json.dumps(as_json(answer), ensure_ascii=False), flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    """Answer the question(s)."""
    if not args.batch and not args.question:
        print("Bitte eine Frage angeben, z. B.: foerderlotse ask \"Heimat-Scheck Frist?\"",
              file=sys.stderr)
        return 2
    dialogue = build_dialogue(args)
    if args.batch:
        return _batch(dialogue, args.batch)
    answer = dialogue.answer(_CHAT, args.question)
    if args.json:
        print(json.dumps(as_json(answer), ensure_ascii=False))
    else:
        print(answer.reply.text)
    return 0
