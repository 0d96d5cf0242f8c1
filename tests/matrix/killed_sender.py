"""Child process for the kill -9 test: posts one message with a fixed transaction id, then hangs.

Usage: python killed_sender.py DATA_DIR HOMESERVER USER_ID PASSWORD ROOM_ID TXN_ID TEXT
Prints "sent EVENT_ID" once the homeserver accepted the message (the moment the engine
would mark the row sent); the parent kills it with SIGKILL before that can happen.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.transports.matrix.client import call, log_in, new_client
from bot.transports.matrix.config import MatrixConfig
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.render import Renderer


async def main() -> None:
    data, homeserver, user_id, password, room_id, txn_id, text = sys.argv[1:8]
    config = MatrixConfig(homeserver, user_id, Path(data) / "matrix", password=password)
    client = new_client(config)
    await log_in(client, config)
    await call("sync", client.sync(timeout=0, full_state=True))
    connection = Connection(config)
    connection.attach(client)
    event_id = await connection.post(room_id, Renderer([]).text(text), txn_id)
    print("sent", event_id, flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main())
