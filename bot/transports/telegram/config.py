"""The Telegram section of the settings, parsed from ``FOERDERLOTSE_TELEGRAM_*`` variables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.dialogue.flood import DEFAULT_PER_MINUTE as DEFAULT_FLOOD_PER_MINUTE
from bot.errors import ConfigError

DEFAULT_API_URL = "https://api.telegram.org"
# Telegram allows 1–256 characters A-Z, a-z, 0-9, _ and - in the secret token.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TRUE = {"1", "true", "yes", "ja", "on"}
_FALSE = {"0", "false", "no", "nein", "off"}


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates, and where this process listens for them."""

    url: str
    listen: str
    port: int
    secret: str = field(repr=False)

    @property
    def url_path(self) -> str:
        """The path the local server answers on: the public URL's path."""
        return urlsplit(self.url).path.strip("/")


@dataclass(frozen=True)
class TelegramConfig:
    """Everything the Telegram transport needs to know."""

    token: str = field(repr=False)
    api_url: str = DEFAULT_API_URL
    webhook: Webhook | None = None
    group_admin_only: bool = True
    flood_per_minute: int = DEFAULT_FLOOD_PER_MINUTE

    @property
    def base_url(self) -> str:
        """PTB's ``base_url``: it appends the token and the method name."""
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url`` for downloads."""
        return f"{self.api_url}/file/bot"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelegramConfig:
        """Read the Telegram variables from a settings snapshot.

        Raises:
            ConfigError: a value is missing or invalid.

        """
        token = env.get("FOERDERLOTSE_TELEGRAM_TOKEN", "").strip()
        if not token:
            raise ConfigError("FOERDERLOTSE_TELEGRAM_TOKEN fehlt (Token von @BotFather).")
        api_url = env.get("FOERDERLOTSE_TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL
        if urlsplit(api_url).scheme not in ("http", "https"):
            raise ConfigError(f"FOERDERLOTSE_TELEGRAM_API_URL={api_url!r}: bitte eine "
                              "http(s)-Adresse, z. B. https://api.telegram.org")
        flood = _integer(env, "FOERDERLOTSE_TELEGRAM_FLOOD_PER_MINUTE", DEFAULT_FLOOD_PER_MINUTE,
                         0, 10_000)
        return cls(token, api_url.rstrip("/"), _webhook(env),
                   _boolean(env, "FOERDERLOTSE_TELEGRAM_GROUP_ADMIN_ONLY", True), flood)


def _webhook(env: Mapping[str, str]) -> Webhook | None:
    url = env.get("FOERDERLOTSE_TELEGRAM_WEBHOOK_URL", "").strip()
    if not url:
        return None
    if urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
        raise ConfigError(f"FOERDERLOTSE_TELEGRAM_WEBHOOK_URL={url!r}: Telegram verlangt eine "
                          "https-Adresse, z. B. https://bot.example.org/telegram")
    secret = env.get("FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET", "").strip()
    if not _SECRET.match(secret):
        raise ConfigError("FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET fehlt oder ist ungültig: "
                          "1 bis 256 Zeichen aus A-Z, a-z, 0-9, _ und -.")
    listen = env.get("FOERDERLOTSE_TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
    port = _integer(env, "FOERDERLOTSE_TELEGRAM_WEBHOOK_PORT", 8443, 1, 65535)
    return Webhook(url, listen, port, secret)


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name}={raw!r}: bitte eine ganze Zahl von {low} bis {high}.")
    return int(raw)


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().casefold()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: bitte true oder false.")
