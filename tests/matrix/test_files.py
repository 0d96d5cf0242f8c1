"""A reply's file reaches a Matrix room as an ``m.file`` upload, plain or encrypted."""

from __future__ import annotations

import logging
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nio import UploadError
from nio.crypto.attachments import decrypt_attachment

from bot.clock import FixedClock
from bot.dialogue.commands import Command
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Attachment, IncomingMessage, Reply
from bot.transports.attachments import FILE_FAILED
from bot.transports.matrix.handlers import SyncHandler
from tests.matrix.helpers import Account, MatrixUser, running_bot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME = "Kosten- und Finanzierungsplan.xlsx"
# Not a real workbook, but every byte value, so nothing may be re-encoded on the way.
DATA = b"PK\x03\x04" + bytes(range(256)) * 40
PLAN_TEXT = "Ihr Kosten- und Finanzierungsplan ist fertig."


async def plan(message: IncomingMessage, args: str) -> Reply:
    """Stands in for the core's plan command: a reply with an .xlsx attached."""
    return Reply(PLAN_TEXT, attachment=Attachment(NAME, XLSX, DATA))


PLAN = Command("plan", "/plan", "Finanzierungsplan als Datei", plan)


async def downloaded(user: MatrixUser, mxc: str) -> bytes:
    response = await user.client.download(mxc=mxc)
    assert hasattr(response, "body"), response
    return bytes(response.body)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_the_file_arrives_after_the_text(register: Callable[[str], Account],
                                               alice: MatrixUser, tmp_path: Path,
                                               clock: FixedClock, encrypted: bool) -> None:
    bot_account = register("bot")
    bot = bot_account.user_id
    async with running_bot(bot_account, tmp_path / "bot", clock, commands=[PLAN]):
        room = await alice.create_room([bot], encrypted=encrypted)
        await alice.wait_for(room, bot, lambda b: b.startswith("Guten Tag!"))
        await alice.say(room, "!plan")
        text = await alice.wait_for(room, bot, lambda b: b == PLAN_TEXT)
        file = await alice.wait_for(room, bot, lambda b: b == NAME)
    replies = [m.event_id for m in alice.messages_from(room, bot)]
    assert replies.index(file.event_id) == replies.index(text.event_id) + 1
    content = file.content
    assert content["msgtype"] == "m.file"
    assert content["filename"] == NAME
    assert content["info"] == {"mimetype": XLSX, "size": len(DATA)}
    assert content["m.mentions"] == {}
    if encrypted:
        assert "url" not in content
        keys = content["file"]
        assert keys["mimetype"] == XLSX
        stored = await downloaded(alice, keys["url"])
        assert stored != DATA  # the homeserver holds ciphertext only
        plain = decrypt_attachment(stored, keys["key"]["k"], keys["hashes"]["sha256"],
                                   keys["iv"])
        assert plain == DATA
    else:
        assert "file" not in content
        assert await downloaded(alice, content["url"]) == DATA
    assert alice.undecryptable == 0


class RefusingClient:
    """A nio client whose homeserver refuses every upload."""

    def __init__(self) -> None:
        self.uploads = 0

    async def upload(self, *args: Any, **kwargs: Any) -> tuple[UploadError, None]:
        self.uploads += 1
        return UploadError.from_dict({"errcode": "M_TOO_LARGE", "error": "too big"}), None


class RecordingConnection:
    """A connection that records what is posted to rooms."""

    def __init__(self) -> None:
        self.config = types.SimpleNamespace()
        self.client = RefusingClient()
        self.posts: list[tuple[dict[str, Any], str]] = []

    async def post(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        self.posts.append((content, txn_id))
        return f"$event-{len(self.posts)}"


async def test_a_failed_upload_still_delivers_the_text_and_says_so(
        dialogue: Dialogue, caplog: pytest.LogCaptureFixture) -> None:
    dialogue.commands.add(PLAN)
    connection = RecordingConnection()
    handler = SyncHandler(connection, dialogue, None)  # type: ignore[arg-type]
    room = types.SimpleNamespace(room_id="!room:x", encrypted=False, member_count=2)
    event = types.SimpleNamespace(source={"content": {"body": "!plan"}}, body="!plan",
                                  sender="@alice:x", event_id="$asked")
    with caplog.at_level(logging.WARNING):
        await handler._message(room, event)
    assert connection.client.uploads == 1
    assert [content["body"] for content, _ in connection.posts] == [PLAN_TEXT, FILE_FAILED]
    assert connection.posts[1][0]["msgtype"] == "m.text"
    assert len({txn for _, txn in connection.posts}) == 2
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.levelno == logging.WARNING
    assert "M_TOO_LARGE" in warning.getMessage()
    assert PLAN_TEXT not in warning.getMessage()
    assert NAME not in warning.getMessage()
