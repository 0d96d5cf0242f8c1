"""Helpers shared by the subcommands: options and building the core."""

from __future__ import annotations

import argparse

from bot import app
from bot.clock import Clock, SystemClock
from bot.dialogue.core import Dialogue
from bot.knowledge.service import Knowledge
from bot.settings import Settings


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR``."""
    parser.add_argument("--knowledge", metavar="ORDNER",
                        help="anderer Wissensordner (sonst FOERDERLOTSE_KNOWLEDGE_DIR "
                             "oder das mitgelieferte Wissen)")


def settings_of(args: argparse.Namespace) -> Settings:
    """Build settings from the environment and the command line."""
    return Settings.from_env(knowledge_dir=getattr(args, "knowledge", None))


def load_knowledge(settings: Settings, clock: Clock) -> Knowledge:
    """Load the configured knowledge or raise KnowledgeError."""
    return app.load_knowledge(settings, clock).get()


def build_dialogue(args: argparse.Namespace) -> Dialogue:
    """Build a dialogue without storage, for one-shot commands such as ``ask``."""
    clock = SystemClock()
    return app.build_dialogue(app.load_knowledge(settings_of(args), clock), clock, None)
