"""The loaded knowledge: entries by id, regions and the places in them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.knowledge.models import Contact, Entry, Programme, Region, Term
from bot.knowledge.normalize import words


@dataclass(frozen=True)
class Place:
    """A name a user may type (Gemeinde, Kreis, Stadt) and the region it belongs to."""

    name: str
    region_id: str


@dataclass
class KnowledgeBase:
    """Everything the bot knows, validated and cross-checked."""

    entries: dict[str, Entry] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    synonym_groups: list[list[str]] = field(default_factory=list)
    loaded_at: dt.datetime | None = None
    # Word → topic the bot does not cover ("Kindergeld" → "Familienleistungen").
    outside_words: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._places: dict[str, Place] = {}
        for region in self.regions.values():
            for name in (region.name, *region.aliases, *region.municipalities):
                # Keyed by folded words, so "Minden-Lübbecke" and "minden luebbecke" meet.
                key = words(name)
                self._places.setdefault(" ".join(key), Place(name, region.id))
                if len(key) > 1 and key[0] in ("kreis", "stadt"):  # "Kreis Paderborn" → paderborn
                    self._places.setdefault(" ".join(key[1:]), Place(name, region.id))

    def get(self, entry_id: str) -> Entry | None:
        """Return the entry with ``entry_id``, if any."""
        return self.entries.get(entry_id)

    def programmes(self) -> Iterator[Programme]:
        """Iterate over all programmes, sorted by title."""
        found = (e for e in self.entries.values() if isinstance(e, Programme))
        yield from sorted(found, key=lambda p: p.title.casefold())

    def contacts(self) -> Iterator[Contact]:
        """Iterate over all contacts."""
        yield from (e for e in self.entries.values() if isinstance(e, Contact))

    def terms(self) -> Iterator[Term]:
        """Iterate over all terms."""
        yield from (e for e in self.entries.values() if isinstance(e, Term))

    @property
    def places(self) -> dict[str, Place]:
        """Folded place name → place."""
        return self._places

    def region_chain(self, region_id: str) -> list[Region]:
        """Return the region and its ancestors, nearest first."""
        chain: list[Region] = []
        current = self.regions.get(region_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.regions.get(current.parent) if current.parent else None
        return chain

    def contacts_for(self, region_id: str) -> list[Contact]:
        """Return the offices responsible for a region, walking up to Land level."""
        contacts = list(self.contacts())
        for region in self.region_chain(region_id):
            found = [c for c in contacts if region.id in c.responsible_for]
            if found:
                return found
        return []

    def covers(self, programme: Programme, region_id: str) -> bool:
        """Return True when ``programme`` may be used in ``region_id``."""
        chain = {r.id for r in self.region_chain(region_id)}
        return bool(chain.intersection(programme.regions))
