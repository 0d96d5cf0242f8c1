"""The Matrix section of the settings, read from ``FOERDERLOTSE_MATRIX_*`` variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path

from bot.dialogue.flood import DEFAULT_PER_MINUTE
from bot.errors import ConfigError

_USER_ID = re.compile(r"^@[^:\s]+:[^\s]+$")


class TrustPolicy(StrEnum):
    """Which devices the bot encrypts its messages for in encrypted rooms.

    ``allowed-tofu``: devices of allowed users are trusted the first time they are seen;
    other users' devices are blacklisted (they cannot read the bot's answers).
    ``tofu``: every device is trusted the first time it is seen.
    In both, nio refuses a device whose keys changed under a known device id.
    """

    ALLOWED_TOFU = "allowed-tofu"
    TOFU = "tofu"


@dataclass(frozen=True)
class MatrixConfig:
    """How to reach the homeserver, who the bot is, and whom it serves."""

    homeserver: str
    user_id: str
    store_dir: Path
    password: str | None = None
    access_token: str | None = None
    device_id: str | None = None
    allowed: tuple[str, ...] = ()
    trust: TrustPolicy = TrustPolicy.ALLOWED_TOFU
    device_name: str = "Förderlotse"
    sync_timeout_ms: int = 30_000
    # Messages per person and minute before one note and silence (0: no limit).
    flood_per_minute: int = DEFAULT_PER_MINUTE

    @classmethod
    def from_env(cls, env: Mapping[str, str], data_dir: Path) -> MatrixConfig:
        """Read the Matrix variables; the nio store lives in ``data_dir/matrix``.

        Raises:
            ConfigError: a variable is missing or malformed.

        """
        homeserver = env.get("FOERDERLOTSE_MATRIX_HOMESERVER", "").strip().rstrip("/")
        if not homeserver.startswith(("https://", "http://")):
            raise ConfigError("FOERDERLOTSE_MATRIX_HOMESERVER muss eine URL sein, "
                              "z. B. https://matrix.kreis-hoexter.de")
        user_id = env.get("FOERDERLOTSE_MATRIX_USER_ID", "").strip()
        if not _USER_ID.match(user_id):
            raise ConfigError("FOERDERLOTSE_MATRIX_USER_ID muss eine Matrix-ID sein, "
                              "z. B. @foerderlotse:kreis-hoexter.de")
        password = env.get("FOERDERLOTSE_MATRIX_PASSWORD") or None
        token = env.get("FOERDERLOTSE_MATRIX_ACCESS_TOKEN") or None
        device = env.get("FOERDERLOTSE_MATRIX_DEVICE_ID") or None
        if not password and not (token and device):
            raise ConfigError("Für Matrix bitte FOERDERLOTSE_MATRIX_PASSWORD setzen oder "
                              "FOERDERLOTSE_MATRIX_ACCESS_TOKEN zusammen mit "
                              "FOERDERLOTSE_MATRIX_DEVICE_ID.")
        return cls(homeserver, user_id, data_dir / "matrix", password, token, device,
                   _allowed(env.get("FOERDERLOTSE_MATRIX_ALLOWED", ""), user_id),
                   _trust(env.get("FOERDERLOTSE_MATRIX_TRUST", "")),
                   flood_per_minute=_flood(env.get("FOERDERLOTSE_MATRIX_FLOOD_PER_MINUTE", "")))

    @property
    def server_name(self) -> str:
        """The bot's own server name, e.g. ``kreis-hoexter.de``."""
        return self.user_id.split(":", 1)[1]

    def is_allowed(self, user_id: str) -> bool:
        """Return True when ``user_id`` matches one of the allowed globs."""
        wanted = user_id.casefold()
        return any(fnmatchcase(wanted, pattern.casefold()) for pattern in self.allowed)


def _allowed(text: str, user_id: str) -> tuple[str, ...]:
    patterns = tuple(p.strip() for p in text.split(",") if p.strip())
    for pattern in patterns:
        if not pattern.startswith("@") or ":" not in pattern:
            raise ConfigError(f"FOERDERLOTSE_MATRIX_ALLOWED: „{pattern}“ ist kein Muster wie "
                              "@*:kreis-hoexter.de oder @anna:example.org")
    # Unset: everyone on the bot's own homeserver may invite it.
    return patterns or (f"@*:{user_id.split(':', 1)[1]}",)


def _flood(text: str) -> int:
    raw = text.strip()
    if not raw:
        return DEFAULT_PER_MINUTE
    if not raw.isdigit() or int(raw) > 10_000:
        raise ConfigError(f"FOERDERLOTSE_MATRIX_FLOOD_PER_MINUTE={raw!r}: bitte eine ganze Zahl "
                          "von 0 (kein Limit) bis 10000.")
    return int(raw)


def _trust(text: str) -> TrustPolicy:
    try:
        return TrustPolicy(text.strip() or TrustPolicy.ALLOWED_TOFU)
    except ValueError:
        allowed = ", ".join(p.value for p in TrustPolicy)
        raise ConfigError(f"FOERDERLOTSE_MATRIX_TRUST={text!r}: erlaubt sind {allowed}") from None
