"""Child process for the crash test: claims due reminders, then hangs inside the sender.

Usage: python crashing_worker.py DATABASE_URL ISO_INSTANT
Prints "in-send" once the sender was entered; the parent then kills it with SIGKILL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.storage import OutboxRepository, Recipient, create_db_engine


class HangingSender:
    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        print("in-send", flush=True)
        await asyncio.sleep(3600)


def main() -> None:
    url, at = sys.argv[1:3]
    engine = ReminderEngine(
        OutboxRepository(create_db_engine(url)), HangingSender(),
        FixedClock(dt.datetime.fromisoformat(at)), config=EngineConfig(worker_id="doomed"))
    asyncio.run(engine.sweep())


if __name__ == "__main__":
    main()
