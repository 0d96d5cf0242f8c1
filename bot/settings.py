"""One typed, immutable settings object read from ``FOERDERLOTSE_*`` variables.

It is built once in the entry point and passed in; nothing imports it as a global.
Transports parse their own typed section from :attr:`Settings.environ` (a frozen
snapshot), so each keeps its settings next to its code. Every variable name is
written out in full, so a test can check that the sample file lists them all.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

from bot.errors import ConfigError

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_SHIPPED = Path(__file__).resolve().parent / "_shipped_knowledge"
_CHECKOUT = Path(__file__).resolve().parent.parent / "knowledge"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_SECRET_VARIABLES = ("FOERDERLOTSE_TELEGRAM_TOKEN", "FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET",
                     "FOERDERLOTSE_MATRIX_PASSWORD", "FOERDERLOTSE_MATRIX_ACCESS_TOKEN")


def shipped_knowledge_dir() -> Path:
    """Return the knowledge shipped with the bot: inside the wheel, or the source checkout's."""
    return _SHIPPED if _SHIPPED.is_dir() else _CHECKOUT


def default_knowledge_dir(cwd: Path | None = None) -> Path:
    """Return ``./knowledge`` when the current folder has one, else the shipped knowledge.

    After ``pip install .`` the shipped copy lives inside the virtual environment; a
    coordinator who edits the repository's ``knowledge/`` expects the bot to read that.
    """
    local = (cwd or Path.cwd()) / "knowledge"
    return local if local.is_dir() else shipped_knowledge_dir()


def is_packaged(folder: Path) -> bool:
    """Tell whether ``folder`` is the copy inside the installed package (edits get lost)."""
    return _SHIPPED.is_dir() and folder.resolve() == _SHIPPED.resolve()


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "foerderlotse"


@dataclass(frozen=True)
class Coordinator:
    """A person in a Kreis culture office: curates knowledge, answers handed-off questions.

    ``kreise`` empty means responsible everywhere. ``chat`` is where the bot writes to
    them: a Telegram user id (their private chat) or a Matrix user id (a direct room).
    """

    transport: str
    chat: str
    kreise: tuple[str, ...] = ()

    def covers(self, region_ids: set[str]) -> bool:
        """Tell whether this coordinator is responsible for a place in ``region_ids``."""
        return not self.kreise or bool(region_ids.intersection(self.kreise))


@dataclass(frozen=True)
class Settings:
    """Everything configurable; deploy/foerderlotse.env.example lists every variable."""

    knowledge_dir: Path
    data_dir: Path
    database_url: str | None  # None: an SQLite file in data_dir
    log_level: str = "INFO"
    environ: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # People who get knowledge problems and handed-off questions, optionally per Kreis.
    coordinators: tuple[Coordinator, ...] = ()
    reload_seconds: float = 2.0
    question_retention_days: int = 180
    # Open handed-off questions older than this are reminded to their coordinators weekly.
    handoff_remind_days: int = 7

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 knowledge_dir: str | None = None) -> Settings:
        """Read settings from ``env`` (default: the process environment).

        Args:
            env: the variables to read.
            knowledge_dir: a ``--knowledge`` command-line value, which wins over the variable.

        Raises:
            ConfigError: a value is invalid.

        """
        env = dict(os.environ if env is None else env)
        knowledge = knowledge_dir or env.get("FOERDERLOTSE_KNOWLEDGE_DIR")
        data_dir = Path(env.get("FOERDERLOTSE_DATA_DIR") or _default_data_dir(env))
        url = env.get("FOERDERLOTSE_DATABASE_URL") or None
        level = env.get("FOERDERLOTSE_LOG_LEVEL", "INFO").upper()
        if level not in _LEVELS:
            allowed = ", ".join(_LEVELS)
            raise ConfigError(f"FOERDERLOTSE_LOG_LEVEL={level!r}: erlaubt sind {allowed}")
        snapshot = MappingProxyType(
            {k: v for k, v in env.items() if k.startswith("FOERDERLOTSE_")})
        coordinators = _coordinators(env.get("FOERDERLOTSE_COORDINATORS", ""))
        reload_seconds = _number(env, "FOERDERLOTSE_RELOAD_SECONDS", 2.0)
        retention = int(_number(env, "FOERDERLOTSE_QUESTION_RETENTION_DAYS", 180, most=36_500))
        remind = int(_number(env, "FOERDERLOTSE_HANDOFF_REMIND_DAYS", 7, most=365))
        return cls(Path(knowledge) if knowledge else default_knowledge_dir(), data_dir, url, level,
                   snapshot, coordinators, reload_seconds, retention, remind)

    def secrets(self) -> list[str]:
        """Return every configured value that must never appear in a log."""
        found = [self.environ.get(name, "") for name in _SECRET_VARIABLES]
        if self.database_url:
            found.append(urlsplit(self.database_url).password or "")
        return [s for s in found if s]


def _coordinators(text: str) -> tuple[Coordinator, ...]:
    """Parse ``matrix:@anna:kreis-hoexter.de=kreis-hoexter+kreis-lippe,telegram:12345``."""
    found = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        who, _, kreise = item.partition("=")
        transport, _, chat = who.strip().partition(":")
        regions = tuple(k.strip() for k in kreise.split("+") if k.strip())
        if (not transport.isalpha() or not transport.islower() or not chat
                or any(not _SLUG.fullmatch(r) for r in regions)):
            raise ConfigError(f"FOERDERLOTSE_COORDINATORS: „{item}“ – erwartet z. B. "
                              "matrix:@anna:kreis-hoexter.de=kreis-hoexter oder telegram:12345")
        found.append(Coordinator(transport, chat.strip(), regions))
    return tuple(found)


def _number(env: Mapping[str, str], name: str, default: float,
            most: float = 1_000_000) -> float:
    try:
        value = float(env.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} muss eine Zahl sein") from None
    # "inf" and "nan" parse as floats; as days or seconds they crashed the start.
    if not math.isfinite(value) or not 0 < value <= most:
        raise ConfigError(f"{name} muss eine Zahl größer als 0 und höchstens "
                          f"{most:,.0f} sein".replace(",", "."))
    return value
