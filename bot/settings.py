"""One typed, immutable settings object read from ``FOERDERLOTSE_*`` variables.

It is built once in the entry point and passed in; nothing imports it as a global.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

PREFIX = "FOERDERLOTSE_"
_SHIPPED = Path(__file__).resolve().parent / "_shipped_knowledge"
_CHECKOUT = Path(__file__).resolve().parent.parent / "knowledge"


def shipped_knowledge_dir() -> Path:
    """Return the knowledge shipped with the bot: inside the wheel, or the source checkout's."""
    return _SHIPPED if _SHIPPED.is_dir() else _CHECKOUT


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "foerderlotse"


@dataclass(frozen=True)
class Settings:
    """Everything configurable; see deploy/foerderlotse.env.example for the full list."""

    knowledge_dir: Path
    data_dir: Path
    database_url: str
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 knowledge_dir: str | None = None) -> Settings:
        """Read settings from ``env`` (default: the process environment).

        Args:
            env: the variables to read.
            knowledge_dir: a ``--knowledge`` command-line value, which wins over the variable.

        """
        env = os.environ if env is None else env
        knowledge = knowledge_dir or env.get(PREFIX + "KNOWLEDGE_DIR")
        data_dir = Path(env.get(PREFIX + "DATA_DIR") or _default_data_dir(env))
        url = env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{data_dir / 'foerderlotse.db'}"
        level = env.get(PREFIX + "LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(
                f"{PREFIX}LOG_LEVEL={level!r}: erlaubt sind DEBUG, INFO, WARNING, ERROR")
        return cls(Path(knowledge) if knowledge else shipped_knowledge_dir(), data_dir, url, level)
