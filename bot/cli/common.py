"""Helpers shared by the subcommands: options and building the core."""

from __future__ import annotations

import argparse
import sys

from bot import app
from bot.clock import Clock, SystemClock
from bot.dialogue.core import Dialogue
from bot.knowledge.reload import KnowledgeHolder
from bot.knowledge.service import Knowledge
from bot.settings import Settings, is_packaged


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR``."""
    parser.add_argument("--knowledge", metavar="ORDNER",
                        help="anderer Wissensordner (sonst FOERDERLOTSE_KNOWLEDGE_DIR "
                             "oder das mitgelieferte Wissen)")


def settings_of(args: argparse.Namespace) -> Settings:
    """Build settings from the environment and the command line."""
    return Settings.from_env(knowledge_dir=getattr(args, "knowledge", None))


def load_holder(settings: Settings, clock: Clock) -> KnowledgeHolder:
    """Load the configured knowledge; say on stderr which folder and what was left out.

    Raises:
        KnowledgeError: nothing in the knowledge folder is usable.

    """
    tell_folder(settings)
    holder = app.load_knowledge(settings, clock)
    if holder.problems:
        files = sorted({p.file for p in holder.problems})
        print(f"Achtung: {len(files)} Wissensdatei(en) mit Fehlern übersprungen, der Rest gilt:",
              file=sys.stderr)
        for problem in holder.problems:
            print(f"  {problem}", file=sys.stderr)
    return holder


def tell_folder(settings: Settings) -> None:
    """Say when the knowledge comes from inside the installed package, where edits get lost."""
    if is_packaged(settings.knowledge_dir):
        print(f"Hinweis: Ich nutze das mitgelieferte Wissen im installierten Paket "
              f"({settings.knowledge_dir}). Für eigenes Wissen: --knowledge ORDNER, "
              "FOERDERLOTSE_KNOWLEDGE_DIR oder ein Ordner „knowledge“ im aktuellen Verzeichnis.",
              file=sys.stderr)


def load_knowledge(settings: Settings, clock: Clock) -> Knowledge:
    """Load the configured knowledge or raise KnowledgeError."""
    return load_holder(settings, clock).get()


def build_dialogue(args: argparse.Namespace) -> Dialogue:
    """Build a dialogue without storage, for one-shot commands such as ``ask``."""
    clock = SystemClock()
    return app.build_dialogue(load_holder(settings_of(args), clock), clock, None)
