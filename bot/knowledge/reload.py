"""Hot reload: swap in valid knowledge changes, keep the last good one on invalid ones.

Polling every few seconds is enough for files edited by people and needs no extra
dependency or inotify support (network shares, containers).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.knowledge.loader import knowledge_files, load_directory
from bot.knowledge.problems import Problem
from bot.knowledge.service import Knowledge

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


class KnowledgeHolder:
    """The knowledge in force; the dialogue asks it on every message."""

    def __init__(self, knowledge: Knowledge, problems: Sequence[Problem] = ()) -> None:
        self._knowledge = knowledge
        # Files left out at start-up because of these problems (the rest is in force).
        self.problems = list(problems)

    def get(self) -> Knowledge:
        """Return the current knowledge."""
        return self._knowledge

    def swap(self, knowledge: Knowledge) -> None:
        """Put ``knowledge`` in force (one reference assignment: readers never see a mix)."""
        self._knowledge = knowledge


def fingerprint(root: Path) -> Fingerprint:
    """Return (path, mtime, size) of every knowledge file: changes when any file does."""
    found = []
    for path in knowledge_files(root):
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next poll sees it
            continue
        found.append((str(path.relative_to(root)), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class KnowledgeWatcher:
    """Polls the folder and reloads it when it changed."""

    def __init__(self, holder: KnowledgeHolder, root: Path, today: Callable[[], dt.date],
                 on_reloaded: Callable[[Knowledge], Awaitable[None]],
                 on_problems: Callable[[list[Problem]], Awaitable[None]],
                 interval: float = 2.0) -> None:
        self._holder = holder
        self._root = root
        self._today = today
        self._on_reloaded = on_reloaded
        self._on_problems = on_problems
        self._interval = interval
        self._seen = fingerprint(root)
        self._reported: tuple[Problem, ...] = ()

    async def check_once(self) -> str:
        """Reload if the folder changed; return "unchanged", "reloaded" or "rejected"."""
        current = await asyncio.to_thread(fingerprint, self._root)
        if current == self._seen:
            return "unchanged"
        self._seen = current
        result = await asyncio.to_thread(load_directory, self._root, self._today())
        if result.knowledge is None:
            logger.warning("Knowledge change rejected: %d problem(s)", len(result.problems))
            if tuple(result.problems) != self._reported:  # tell coordinators once per state
                self._reported = tuple(result.problems)
                await self._on_problems(list(result.problems))
            return "rejected"
        knowledge = await asyncio.to_thread(Knowledge.build, result.knowledge)
        self._holder.swap(knowledge)
        self._reported = ()
        logger.info("Knowledge reloaded: %d entries", len(result.knowledge.entries))
        await self._on_reloaded(knowledge)
        return "reloaded"

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; a failing check is logged, never fatal."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)
            if stop.is_set():
                return
            try:
                await self.check_once()
            except Exception:
                logger.exception("Knowledge reload failed; keeping the last good knowledge")


def problems_message(problems: list[Problem], limit: int = 10) -> str:
    """Return the German notice coordinators get for a rejected change."""
    lines = ["Die geänderten Wissensdateien enthalten Fehler. Der Bot arbeitet mit dem "
             "letzten gültigen Stand weiter. Bitte korrigieren:"]
    lines += [f"• {p}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"… und {len(problems) - limit} weitere (foerderlotse kb check)")
    return "\n".join(lines)
