"""A doorbell for the outbox: whoever queues a message due now rings, the scheduler sweeps.

The dialogue is built before the scheduler exists, so it cannot call the scheduler; it
rings this bell instead, and the runner makes the bell start a sweep. Without a listener
(a one-shot command) ringing does nothing: the rows wait for the next run of the bot.
"""

from __future__ import annotations

from collections.abc import Callable


class Doorbell:
    """Calls its listeners when rung, in the ringer's thread (the event loop's)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` on every ring from now on."""
        self._listeners.append(listener)

    def ring(self) -> None:
        """Tell the listeners that rows are due now."""
        for listener in list(self._listeners):
            listener()
