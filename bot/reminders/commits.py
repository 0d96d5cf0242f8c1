"""Group commit of the engine's outcomes: many finished messages, one transaction.

Committing each delivered message on its own made the database commit the main cost of
a reminder (about ten times the cost of the UPDATE itself). Outcomes are therefore
collected and written together: when a batch is done, and at the latest ``window``
seconds after the first uncommitted outcome, so a slow sender does not keep them waiting.

The price is bounded: if the process dies, the messages of at most the last ``window``
seconds stay claimed and are sent again once their lease expires. That is the
at-least-once delivery the engine promises anyway (see :mod:`bot.reminders.engine`);
the window only widens it from one message to a fraction of a second of messages.
"""

from __future__ import annotations

import asyncio
import logging

from bot.storage.outbox import OutboxRepository
from bot.storage.records import Outcome

logger = logging.getLogger(__name__)


class GroupCommit:
    """Buffers :class:`Outcome` values and writes them with one ``OutboxRepository.finish``."""

    def __init__(self, outbox: OutboxRepository, worker: str, window: float) -> None:
        self._outbox = outbox
        self._worker = worker
        self._window = window
        self._pending: list[Outcome] = []
        self._lock = asyncio.Lock()  # one finish at a time, in the order of the outcomes
        self._timer: asyncio.TimerHandle | None = None
        self._background: set[asyncio.Task[None]] = set()

    @property
    def pending(self) -> bool:
        """Tell whether outcomes wait to be written (e.g. after the database went away)."""
        return bool(self._pending)

    def add(self, outcome: Outcome) -> None:
        """Queue an outcome; it is committed within the window or by :meth:`flush`."""
        self._pending.append(outcome)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._window, self._on_timer)

    async def flush(self) -> None:
        """Commit everything queued so far.

        Raises the database error if the write fails; the outcomes stay queued, so the
        next flush tries them again (their claims still protect the rows meanwhile).
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        async with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                await asyncio.to_thread(self._outbox.finish, batch, self._worker)
            except BaseException:
                self._pending[:0] = batch
                raise

    def _on_timer(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._flush_quietly())
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    async def _flush_quietly(self) -> None:
        try:
            await self.flush()
        except Exception:
            # The batch's own flush raises the error to the sweep; here it is only noted.
            logger.exception("Committing reminder outcomes failed; will try again")
