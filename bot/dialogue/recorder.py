"""Write the anonymous question log after the reply, never in its way.

The answer comes from knowledge in memory; the log is for the coordinators' statistics. So a
database that refuses or does not answer must not hold up a reply: writes run on their own
thread, after the reply, each bounded by a timeout; while the database is away they are
dropped, counted, and warned about once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bot.storage.question_log import LoggedQuestion

logger = logging.getLogger(__name__)

TIMEOUT = 5.0
# Writes waiting for a slow database: beyond this, new questions are not logged.
MAX_PENDING = 100


class QuestionRecorder:
    """Hands questions to ``write`` in the background; counts the ones it had to drop."""

    def __init__(self, write: Callable[[LoggedQuestion], None], timeout: float = TIMEOUT,
                 max_pending: int = MAX_PENDING) -> None:
        self._write = write
        self._timeout = timeout
        self._max_pending = max_pending
        # One thread of its own: a database that does not answer blocks it, not the
        # default executor that subscriptions and reminders use.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="question-log")
        self._tasks: set[asyncio.Task[None]] = set()
        self.dropped = 0
        self._failing = False

    def record(self, question: LoggedQuestion) -> None:
        """Log ``question`` soon; returns at once."""
        if len(self._tasks) >= self._max_pending:
            self._drop("too many questions waiting for the database")
            return
        task = asyncio.get_running_loop().create_task(self._store(question))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _store(self, question: LoggedQuestion) -> None:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(loop.run_in_executor(self._executor, self._write, question),
                                   self._timeout)
        except Exception as error:
            self._drop(f"{type(error).__name__}: {error}".splitlines()[0])
            return
        if self._failing:
            logger.info("The question log works again (%d question(s) were not logged)",
                        self.dropped)
            self._failing = False

    def _drop(self, reason: str) -> None:
        self.dropped += 1
        if not self._failing:
            logger.warning("Questions are answered but not logged while the database is "
                           "away: %s", reason)
            self._failing = True

    async def drain(self) -> None:
        """Wait for the writes under way (at most their timeout)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def close(self) -> None:
        """Stop the writer thread without waiting for a hanging write."""
        self._executor.shutdown(wait=False, cancel_futures=True)
