"""A reply's file arrives as a Telegram document, through PTB's real multipart upload."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.dialogue.commands import Command
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Attachment, IncomingMessage, Reply
from bot.transports.attachments import FILE_FAILED
from bot.transports.telegram import TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import running
from tests.telegram.fakeapi import FakeBotApi, Upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Not a real workbook, but every byte value, so nothing may be re-encoded on the way.
DATA = b"PK\x03\x04" + bytes(range(256)) * 40
PLAN_TEXT = "Ihr Kosten- und Finanzierungsplan ist fertig."


async def plan(message: IncomingMessage, args: str) -> Reply:
    """Stands in for the core's plan command: a reply with an .xlsx attached."""
    name = args or "Kosten- und Finanzierungsplan.xlsx"
    return Reply(PLAN_TEXT, attachment=Attachment(name, XLSX, DATA))


@pytest.fixture
async def planner(wired: Dialogue, make_transport: Callable[..., TelegramTransport]
                  ) -> AsyncIterator[TelegramTransport]:
    """The transport, running, on a dialogue that also knows ``/plan``."""
    wired.commands.add(Command("plan", "/plan", "Finanzierungsplan als Datei", plan))
    transport = make_transport()
    async with running(transport):
        yield transport


async def ask(api: FakeBotApi, update: dict[str, Any], calls: int) -> list[tuple[str, Any]]:
    """Send one update; return the next ``calls`` sendMessage/sendDocument calls in order."""
    before = len(api.calls)

    def sends() -> list[tuple[str, Any]]:
        return [(c.method, c.params) for c in api.calls[before:]
                if c.method in ("sendMessage", "sendDocument")]

    api.enqueue(update)
    await api.wait_for(lambda: len(sends()) >= calls)
    return sends()


async def test_the_file_follows_the_text_as_a_document(api: FakeBotApi,
                                                       planner: TelegramTransport) -> None:
    [(first, text), (second, document)] = await ask(api, updates.message("/plan"), 2)
    assert (first, text["text"], int(text["chat_id"])) == ("sendMessage", PLAN_TEXT, 11)
    assert (second, int(document["chat_id"])) == ("sendDocument", 11)
    upload = document["document"]
    assert isinstance(upload, Upload)
    assert upload.filename == "Kosten- und Finanzierungsplan.xlsx"
    assert upload.data == DATA
    assert "message_thread_id" not in document


async def test_in_a_forum_topic_the_file_stays_in_the_topic(api: FakeBotApi,
                                                            planner: TelegramTransport) -> None:
    update = updates.message("/plan@FoerderlotseBot", chat_id=updates.GROUP, user_id=7)
    update["message"].update(message_thread_id=77, is_topic_message=True)
    [(_, text), (_, document)] = await ask(api, update, 2)
    assert int(text["message_thread_id"]) == 77
    assert int(document["message_thread_id"]) == 77
    assert int(document["chat_id"]) == updates.GROUP
    assert document["document"].data == DATA


async def test_a_path_in_the_file_name_is_dropped(api: FakeBotApi,
                                                  planner: TelegramTransport) -> None:
    [_, (_, document)] = await ask(api, updates.message("/plan ../../etc/plan.xlsx"), 2)
    assert document["document"].filename == "plan.xlsx"


async def test_a_failed_upload_still_delivers_the_text_and_says_so(
        api: FakeBotApi, planner: TelegramTransport, caplog: pytest.LogCaptureFixture) -> None:
    api.fail("sendDocument", 400)
    with caplog.at_level(logging.WARNING):
        [(_, text), (refused, _), (_, notice)] = await ask(api, updates.message("/plan"), 3)
    assert text["text"] == PLAN_TEXT
    assert refused == "sendDocument"
    assert notice["text"] == FILE_FAILED
    assert api.documents() == []
    [warning] = [r for r in caplog.records if "file" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert PLAN_TEXT not in warning.getMessage()
    assert "Kosten" not in warning.getMessage()
