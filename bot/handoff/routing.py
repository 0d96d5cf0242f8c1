"""Who answers a handed-off question: the coordinators responsible for the asker's place.

Pure functions of the configured coordinators and the knowledge's regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.knowledge.base import KnowledgeBase
from bot.settings import Coordinator
from bot.storage.records import Recipient


def region_ids(kb: KnowledgeBase, region_id: str | None) -> set[str]:
    """Return the region and the regions above it ("kreis-hoexter", "rb-detmold", …)."""
    return {r.id for r in kb.region_chain(region_id)} if region_id else set()


def responsible(coordinators: Sequence[Coordinator], kb: KnowledgeBase,
                region_id: str | None) -> list[Coordinator]:
    """Return the coordinators a question about ``region_id`` goes to.

    Those tied to a Kreis that covers the place, if there are any; otherwise (no place,
    or nobody tied to it) the ones responsible everywhere.
    """
    place = region_ids(kb, region_id)
    tied = [c for c in coordinators if c.kreise and c.covers(place)]
    return tied or [c for c in coordinators if not c.kreise]


def wants_place(coordinators: Sequence[Coordinator]) -> bool:
    """Tell whether the place decides who answers (some coordinators are tied to Kreise)."""
    return any(c.kreise for c in coordinators)


def identities(coordinators: Sequence[Coordinator], transport: str,
               user_id: str) -> list[Coordinator]:
    """Return the entries of the person writing (a coordinator may be listed per Kreis)."""
    return [c for c in coordinators if c.transport == transport and c.chat == user_id]


def may_answer(mine: Iterable[Coordinator], kb: KnowledgeBase, region_id: str | None) -> bool:
    """Tell whether one of ``mine`` is responsible for a case about ``region_id``."""
    place = region_ids(kb, region_id)
    return any(c.covers(place) for c in mine)


def chats(coordinators: Iterable[Coordinator]) -> list[Recipient]:
    """Return the coordinators' chats, each once, in the configured order."""
    return list(dict.fromkeys(Recipient(c.transport, c.chat) for c in coordinators))


def place_label(kb: KnowledgeBase, region_id: str | None) -> str | None:
    """Return the region's name for a message ("Kreis Höxter"), or None without a place."""
    region = kb.regions.get(region_id) if region_id else None
    return region.name if region is not None else region_id
