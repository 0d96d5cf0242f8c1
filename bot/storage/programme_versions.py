"""Which programmes are new or changed, and since when: the weekly digest's news.

Every load of the knowledge (start-up, hot reload, the digest run itself) records the
programmes' content hashes with :meth:`ProgrammeVersions.record`. A programme not seen
before gets ``added_at``, one with a different hash ``changed_at``, both set to the time
of the recording. A change made while the bot was down is therefore dated at the next
start; it is never lost, as the comparison is with the hashes stored in the database,
not with a copy in memory.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, or_, select, update
from sqlalchemy.engine import Engine

from bot.storage.database import insert_ignoring
from bot.storage.tables import ProgrammeVersion

logger = logging.getLogger(__name__)

V: Table = ProgrammeVersion.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Changes:
    """Programme ids that were added or changed in a period (an added one is not "changed")."""

    added: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()


class ProgrammeVersions:
    """Reads and writes the ``programme_version`` table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record(self, hashes: Mapping[str, str], now: dt.datetime) -> Changes:
        """Store the content hash of each programme; return what is new or changed now.

        The first recording into an empty table is the baseline: nothing in it is news.
        Programmes missing from ``hashes`` keep their row.
        """
        with self._engine.begin() as conn:
            known = dict(conn.execute(select(V.c.programme_id, V.c.content_hash)).all())
            added = {pid: h for pid, h in hashes.items() if pid not in known}
            changed = {pid: h for pid, h in hashes.items()
                       if pid in known and known[pid] != h}
            when = now if known else None
            if added:
                # Another process may record the same programme at the same moment.
                rows = [{"programme_id": pid, "content_hash": h, "added_at": when,
                         "changed_at": None} for pid, h in sorted(added.items())]
                conn.execute(insert_ignoring(conn, V, "programme_id"), rows)
            if changed:
                statement = (update(V).where(V.c.programme_id == bindparam("pid"))
                             .values(content_hash=bindparam("hash"), changed_at=now))
                conn.execute(statement, [{"pid": pid, "hash": h}
                                         for pid, h in sorted(changed.items())])
        if when is not None and (added or changed):
            logger.info("Knowledge: %d new and %d changed programme(s)", len(added),
                        len(changed))
        return Changes(frozenset(added) if when else frozenset(), frozenset(changed))

    def changes(self, since: dt.datetime, until: dt.datetime) -> Changes:
        """Return the programmes added or changed at ``since`` or later, before ``until``."""
        def within(column: ColumnElement[Any]) -> ColumnElement[bool]:
            return and_(column >= since, column < until)

        query = select(V.c.programme_id, V.c.added_at, V.c.changed_at).where(
            or_(within(V.c.added_at), within(V.c.changed_at)))
        added: set[str] = set()
        changed: set[str] = set()
        with self._engine.connect() as conn:
            for pid, added_at, changed_at in conn.execute(query):
                if added_at is not None and since <= added_at < until:
                    added.add(pid)
                elif changed_at is not None and since <= changed_at < until:
                    changed.add(pid)
        return Changes(frozenset(added), frozenset(changed))
