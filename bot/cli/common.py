"""Helpers shared by the subcommands: options and building the core."""

from __future__ import annotations

import argparse

from bot.clock import Clock, SystemClock, berlin_today
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
    return Knowledge.load(settings.knowledge_dir, berlin_today(clock))


def build_dialogue(args: argparse.Namespace, clock: Clock | None = None) -> Dialogue:
    """Load knowledge and build a dialogue for one-shot commands."""
    clock = clock or SystemClock()
    knowledge = load_knowledge(settings_of(args), clock)
    return Dialogue(lambda: knowledge, clock)
