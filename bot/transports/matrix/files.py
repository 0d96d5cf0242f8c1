"""Files to Matrix rooms: upload to the media repository, then an ``m.file`` message.

In an encrypted room the file is encrypted before it leaves the bot; the message then
carries the key in its ``file`` object instead of a plain ``url``, so the homeserver
only ever stores ciphertext (and is not told the file's name either).
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.dialogue.messages import Attachment
from bot.transports.attachments import safe_filename
from bot.transports.matrix.client import SyncClient, call

# nio uploads without a timeout of its own; a stalled upload must not hold up the chat.
UPLOAD_TIMEOUT = 120.0


async def upload(client: SyncClient, attachment: Attachment, *, encrypt: bool) -> dict[str, Any]:
    """Upload ``attachment`` and return the ``m.room.message`` content that shows it.

    Raises:
        RetryLater: rate limited, unreachable, timed out, or a server error.
        TransportError: the homeserver refused the file (e.g. too large).

    """
    name = safe_filename(attachment.filename)
    keys: dict[str, Any] = {}

    async def request() -> Any:
        # nio answers (response, decryption keys); only the response says whether it worked.
        response, decryption = await client.upload(
            lambda _limited, _timeouts: attachment.data, content_type=attachment.media_type,
            filename=None if encrypt else name, encrypt=encrypt, filesize=len(attachment.data))
        keys.update(decryption or {})
        return response

    response = await call("upload", asyncio.wait_for(request(), UPLOAD_TIMEOUT))
    return file_content(attachment, name, str(response.content_uri), keys if encrypt else None)


def file_content(attachment: Attachment, name: str, uri: str,
                 keys: dict[str, Any] | None) -> dict[str, Any]:
    """Return the ``m.file`` content; ``keys`` (from an encrypted upload) go into ``file``."""
    mimetype = attachment.media_type
    content: dict[str, Any] = {
        "msgtype": "m.file", "body": name, "filename": name,
        "info": {"mimetype": mimetype, "size": len(attachment.data)},
        # As in text replies: the message pings nobody.
        "m.mentions": {},
    }
    if keys is None:
        content["url"] = uri
    else:
        content["file"] = {**keys, "url": uri, "mimetype": mimetype}
    return content
