"""Child process for the crash tests: claims due reminders, then hangs inside the sender.

Usage: python crashing_worker.py DATABASE_URL ISO_INSTANT [DELIVERED [COMMIT_WINDOW]]
The first DELIVERED messages (default 0) go through; the next send prints "in-send" and
hangs, and the parent kills the process with SIGKILL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from bot.clock import FixedClock
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.storage import OutboxRepository, Recipient, create_db_engine


class HangingSender:
    def __init__(self, delivered: int) -> None:
        self.delivered = delivered

    async def send(self, recipient: Recipient, text: str, *, dedupe_id: str) -> None:
        if self.delivered > 0:
            self.delivered -= 1
            return
        print("in-send", flush=True)
        await asyncio.sleep(3600)


def main() -> None:
    url, at, *rest = sys.argv[1:]
    delivered = int(rest[0]) if rest else 0
    window = float(rest[1]) if len(rest) > 1 else EngineConfig.commit_window
    engine = ReminderEngine(
        OutboxRepository(create_db_engine(url)), HangingSender(delivered),
        FixedClock(dt.datetime.fromisoformat(at)),
        config=EngineConfig(worker_id="doomed", commit_window=window, concurrency=1))
    asyncio.run(engine.sweep())


if __name__ == "__main__":
    main()
