"""The nio client: log in once, keep the device, and raise instead of returning errors.

matrix-nio answers failed requests with error *response objects*; :func:`call` turns
them into exceptions here, once, so no other module looks at nio's error classes.
The access token and device id are kept in ``data_dir/matrix/credentials.json`` (mode
0600) so a restart reuses the device and with it the encryption keys in the store.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from nio import AsyncClient, AsyncClientConfig, ErrorResponse
from nio.crypto import ENCRYPTION_ENABLED

from bot.errors import ConfigError, TransportError
from bot.reminders.sender import PermanentFailure, RetryLater
from bot.storage.private import FILE_MODE, private_dir, private_tree
from bot.transports.matrix.config import MatrixConfig

logger = logging.getLogger(__name__)

CREDENTIALS = "credentials.json"
_AUTH_ERRORS = {"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_DEACTIVATED"}
_GONE = {"M_FORBIDDEN", "M_NOT_FOUND"}


class LoginRejected(TransportError):
    """The homeserver refused our credentials; retrying will not help."""


class SyncClient(AsyncClient):  # type: ignore[misc]  # nio ships no type hints
    """An AsyncClient that tells whether it is busy handling a response.

    nio saves the sync token *before* it handles a sync response. Cancelling it in
    between at shutdown would lose those events, so the transport waits while
    ``receiving`` is set and only cancels a sync that is still waiting for the server.
    """

    receiving = False

    async def receive_response(self, response: Any) -> None:
        """Handle ``response`` as nio does, flagging the time it takes."""
        self.receiving = True
        try:
            await super().receive_response(response)
        finally:
            self.receiving = False


def error_for(response: Any, action: str) -> TransportError:
    """Return the exception that stands for nio's error ``response``."""
    code = getattr(response, "status_code", None) or ""
    text = f"{action}: {code or 'error'} {getattr(response, 'message', '')}".strip()
    if code == "M_LIMIT_EXCEEDED":
        retry_after_ms = getattr(response, "retry_after_ms", None) or 5000
        return RetryLater(text, retry_after_ms / 1000)
    if code in _AUTH_ERRORS:
        return LoginRejected(text)
    if code in _GONE:
        return PermanentFailure(text)
    status = getattr(getattr(response, "transport_response", None), "status", None)
    if not code or (isinstance(status, int) and status >= 500):
        return RetryLater(text)  # the server hiccupped or answered garbage
    return TransportError(text)


async def call(action: str, request: Awaitable[Any]) -> Any:
    """Await a nio request and return its response, raising on any failure.

    Raises:
        RetryLater: rate limited, unreachable, or a server error.
        PermanentFailure: forbidden or not found (e.g. no longer in the room).
        LoginRejected: the access token is no longer valid.
        TransportError: any other refusal.

    """
    try:
        response = await request
    except (ClientError, TimeoutError) as error:
        raise RetryLater(f"{action}: {type(error).__name__}") from error
    if isinstance(response, ErrorResponse):
        raise error_for(response, action)
    return response


def new_client(config: MatrixConfig) -> SyncClient:
    """Build the nio client with its store under ``config.store_dir``.

    Raises:
        ConfigError: matrix-nio was installed without its encryption support.

    """
    if not ENCRYPTION_ENABLED:
        raise ConfigError("Matrix braucht Verschlüsselung: bitte `pip install 'matrix-nio[e2e]'` "
                          "(kommt mit `pip install foerderlotse` automatisch mit).")
    # nio cannot create its store folder itself, and it must exist before login.
    private_dir(config.store_dir)
    options = AsyncClientConfig(store_sync_tokens=True, encryption_enabled=True,
                                max_limit_exceeded=0, max_timeouts=2, request_timeout=30)
    return SyncClient(config.homeserver, config.user_id, store_path=str(config.store_dir),
                      config=options)


@dataclass(frozen=True)
class Credentials:
    """A login to reuse: the device keeps its encryption keys across restarts."""

    homeserver: str
    user_id: str
    device_id: str
    access_token: str


async def log_in(client: SyncClient, config: MatrixConfig) -> None:
    """Restore the saved login (or the configured token), or log in with the password.

    Afterwards every file of the store (nio's key database included) is 0600.

    Raises:
        LoginRejected: the homeserver refused the token or password.
        RetryLater: the homeserver cannot be reached.

    """
    await _log_in(client, config)
    private_tree(config.store_dir)


async def _log_in(client: SyncClient, config: MatrixConfig) -> None:
    if config.access_token and config.device_id:
        client.restore_login(config.user_id, config.device_id, config.access_token)
        await call("whoami", client.whoami())
        return
    saved = load_credentials(config.store_dir)
    if saved and (saved.homeserver, saved.user_id) == (config.homeserver, config.user_id):
        client.restore_login(saved.user_id, saved.device_id, saved.access_token)
        try:
            await call("whoami", client.whoami())
            return
        except LoginRejected:
            logger.warning("The saved Matrix login was revoked; logging in again as a new device")
            client.access_token = ""
    response = await call("login", client.login(config.password or "",
                                                device_name=config.device_name))
    save_credentials(config.store_dir, Credentials(config.homeserver, config.user_id,
                                                   response.device_id, response.access_token))
    logger.info("Logged in to Matrix as %s, device %s", config.user_id, response.device_id)


def load_credentials(folder: Path) -> Credentials | None:
    """Return the saved login, or None when there is none (or it is unreadable)."""
    path = folder / CREDENTIALS
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(str(data["homeserver"]), str(data["user_id"]), str(data["device_id"]),
                           str(data["access_token"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        logger.warning("Ignoring the unreadable %s", path)
        return None


def save_credentials(folder: Path, credentials: Credentials) -> None:
    """Write the login atomically, readable by the bot's user only."""
    path = folder / CREDENTIALS
    temporary = path.with_suffix(".tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(credentials.__dict__, file)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)
