"""A fake Telegram Bot API server: just enough of it for python-telegram-bot's real HTTP stack.

It serves queued updates by long polling (honouring ``offset`` as Telegram does: an
acknowledged update is gone for good), records every call with the moment it was answered
(uploaded files as :class:`Upload`), and can be scripted to answer a method with an error
(429 with ``parameters.retry_after``, 403, 400, 502).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 4242, "is_bot": True, "first_name": "Förderlotse", "username": "FoerderlotseBot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}
# Parameters PTB sends JSON-encoded inside the form body.
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "link_preview_options",
                "reply_parameters", "scope", "entities"}
ERRORS = {
    429: "Too Many Requests: retry after {retry_after}",
    403: "Forbidden: bot was blocked by the user",
    400: "Bad Request: message is too long",
    502: "Bad Gateway",
}


@dataclass(frozen=True)
class Upload:
    """A file the bot posted as a multipart/form-data part."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass
class Call:
    """One request the bot made; ``at`` is when the server answered it (``time.monotonic``)."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = 0.0


@dataclass
class FakeBotApi:
    """The server; ``root`` is the value for FOERDERLOTSE_TELEGRAM_API_URL."""

    token: str
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    admins: set[tuple[int, int]] = field(default_factory=set)
    moved: dict[int, int] = field(default_factory=dict)  # group id -> its supergroup's id
    # Chats whose sendMessage gets "429, retry after 60 s" until they are removed again.
    flooded: set[int] = field(default_factory=set)
    send_delay: float = 0.0
    sending: int = 0  # sendMessage requests that arrived (with send_delay set)
    acknowledged: int = 0  # highest offset a getUpdates confirmed
    root: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._arrived = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.root = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        self._arrived.set()  # release long polls
        if self._runner is not None:
            await self._runner.cleanup()

    # -- scripting -------------------------------------------------------------------------

    def enqueue(self, update: dict[str, Any]) -> int:
        """Queue an update (the ``update_id`` is filled in) and wake a long poll."""
        update["update_id"] = next(self._ids)
        self.updates.append(update)
        self._arrived.set()
        return int(update["update_id"])

    def fail(self, method: str, status: int, retry_after: int = 0, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with an error."""
        self.failures.setdefault(method, []).extend([(status, retry_after)] * times)

    # -- inspection ------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Messages accepted by sendMessage (optionally to one chat)."""
        return [c.params for c in self.calls if c.method == "sendMessage" and c.status == 200
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.sent(chat_id)]

    def documents(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of accepted sendDocument calls; ``document`` is an :class:`Upload`."""
        return [c.params for c in self.calls if c.method == "sendDocument" and c.status == 200
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    async def wait_for(self, condition: Callable[[], bool], seconds: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), seconds)

    # -- the API ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        scripted = self.failures.get(method)
        if scripted:
            status, retry_after = scripted.pop(0)
            return await self._record(method, params, status, _error(
                status, ERRORS[status].format(retry_after=retry_after), retry_after))
        if method == "sendMessage" and int(params["chat_id"]) in self.flooded:
            return await self._record(method, params, 429, _error(
                429, ERRORS[429].format(retry_after=60), 60))
        if method == "sendMessage" and int(params["chat_id"]) in self.moved:
            new = self.moved[int(params["chat_id"])]
            return await self._record(method, params, 400, web.json_response({
                "ok": False, "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": new}}, status=400))
        if method == "sendMessage" and self.send_delay:
            async with self._changed:
                self.sending += 1
                self._changed.notify_all()
            await asyncio.sleep(self.send_delay)
        handler = getattr(self, f"_api_{method}", None)
        result = await handler(params) if handler is not None else True
        return await self._record(method, params, 200, web.json_response(
            {"ok": True, "result": result}))

    async def _record(self, method: str, params: dict[str, Any], status: int,
                      response: web.Response) -> web.Response:
        async with self._changed:
            self.calls.append(Call(method, params, status, time.monotonic()))
            self._changed.notify_all()
        return response

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.acknowledged = max(self.acknowledged, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), float(params.get("timeout") or 0))
            except TimeoutError:
                return []
        return list(self.updates[:100])

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {"message_id": next(self._message_ids), "date": 1_790_000_000,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT, "text": params["text"]}

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, upload = int(params["chat_id"]), params["document"]
        assert isinstance(upload, Upload), "the document must arrive as a file upload"
        return {"message_id": next(self._message_ids), "date": 1_790_000_000,
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT, "document": {"file_id": f"doc-{len(self.calls)}",
                                          "file_unique_id": f"u-{len(self.calls)}",
                                          "file_name": upload.filename,
                                          "mime_type": upload.content_type,
                                          "file_size": len(upload.data)}}

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": "Mitglied"}
        if (chat_id, user_id) in self.admins:
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": "member", "user": user}


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data: dict[str, Any] = await request.json()
        return data
    form = await request.post()  # form-encoded, or multipart/form-data when uploading files
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = Upload(value.filename, value.content_type, value.file.read())
            continue
        text = value if isinstance(value, str) else bytes(value).decode()
        params[key] = json.loads(text) if key in _JSON_FIELDS else text
    return params


def _error(status: int, description: str, retry_after: int = 0) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
