"""Child process for the broadcast kill -9 test: the real engine sends queued rows, then hangs.

Usage: python killed_broadcaster.py DATA_DIR HOMESERVER USER_ID PASSWORD ISO_INSTANT DELIVERED

It logs in as the bot (the saved device, so the same transaction ids count), claims the
due outbox rows in the bot's SQLite database at ISO_INSTANT and posts them with the real
Matrix sender. Outcomes are never committed (a commit window of an hour): after DELIVERED
messages it prints "in-send" and hangs in the next send, where the parent kills it. The
rows it delivered are then, as after a real crash, still "sending" in the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.pacing import Pacer
from bot.storage import OutboxRepository, Recipient, create_db_engine, database_url
from bot.transports.matrix.client import call, log_in, new_client
from bot.transports.matrix.config import MatrixConfig
from bot.transports.matrix.connection import Connection
from bot.transports.matrix.render import Renderer
from bot.transports.matrix.sender import MatrixSender


class HangingAfter:
    """Sends ``delivered`` messages for real, then hangs in the next send."""

    def __init__(self, sender: MatrixSender, delivered: int) -> None:
        self.sender = sender
        self.delivered = delivered

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        if self.delivered <= 0:
            print("in-send", flush=True)
            await asyncio.sleep(3600)
        await self.sender.send(recipient, text, dedupe_id=dedupe_id)
        self.delivered -= 1
        print("sent", recipient.chat_id, dedupe_id, flush=True)


async def main() -> None:
    data, homeserver, user_id, password, at, delivered = sys.argv[1:7]
    config = MatrixConfig(homeserver, user_id, Path(data) / "matrix", password=password)
    client = new_client(config)
    await log_in(client, config)
    await call("sync", client.sync(timeout=0, full_state=True))
    connection = Connection(config)
    connection.attach(client)
    connection.ready.set()
    sender = HangingAfter(MatrixSender(connection, Renderer([])), int(delivered))
    engine = ReminderEngine(
        OutboxRepository(create_db_engine(database_url(Path(data)))), sender,
        FixedClock(dt.datetime.fromisoformat(at)), pacer=Pacer(limits={}),
        config=EngineConfig(worker_id="doomed", commit_window=3600, concurrency=1))
    await engine.sweep()


if __name__ == "__main__":
    asyncio.run(main())
