"""Logging set up once, at start-up: every line passes a redactor, chatty libraries are capped.

The redactor works on the finished line, so a secret inside an exception message or a
traceback is caught as well as one in a message argument. It knows the configured secrets
by value and, by shape, the ones it was not told about: Telegram bot tokens, Matrix access
tokens, passwords in URLs and in JSON-like text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

HIDDEN = "<geheim>"
_SHAPES = (
    (re.compile(r"(?<![0-9])[0-9]{5,12}:[A-Za-z0-9_-]{30,}"), HIDDEN),  # Telegram bot token
    (re.compile(r"\bsy[tu]_[A-Za-z0-9_=-]{10,}"), HIDDEN),  # Synapse access token
    (re.compile(r"(?<=://)([^:/@\s]+):[^@\s/]+@"), rf"\1:{HIDDEN}@"),  # user:password@host
    (re.compile(r"(access_token|password|passwd|token)([\"']?\s*[=:]\s*[\"']?)[^\s\"'&,}]+",
                re.I), rf"\1\2{HIDDEN}"),
)
# Libraries that log URLs or internals at DEBUG: at most INFO for them.
_CHATTY = ("aiohttp", "httpx", "httpcore", "telegram", "apscheduler", "alembic")
# Libraries that log message bodies or SQL parameters (question texts): at most WARNING.
_TALKATIVE = ("nio", "peewee", "sqlalchemy.engine", "sqlalchemy.pool")
_SHORTEST_SECRET = 4


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then hides every secret in the whole line, traceback included."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        # Longest first, so a secret containing another is hidden whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= _SHORTEST_SECRET},
                              key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """Return the redacted line."""
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Hide ``secrets`` and anything shaped like a token or password in ``text``."""
    for secret in secrets:
        text = text.replace(secret, HIDDEN)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def fingerprint(text: str) -> str:
    """Describe a user's message for a DEBUG line without its content: length and hash."""
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]
    return f"{len(text)} Zeichen, sha256 {digest}"


def configure(level: str | int = logging.WARNING, secrets: Iterable[str] = (),
              stream: TextIO | None = None) -> logging.Handler:
    """Send all logging through one redacting handler; return it.

    Our own loggers follow ``level``; libraries that would log URLs stay at INFO, those that
    would log message bodies or SQL parameters at WARNING, even when ``level`` is DEBUG.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                            secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    numeric = root.getEffectiveLevel()
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
    for name in _TALKATIVE:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    return handler
