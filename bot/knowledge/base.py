"""The loaded knowledge: entries by id, regions and the places in them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.knowledge.models import Contact, Entry, Programme, Region, Term
from bot.knowledge.normalize import exact_words, words


@dataclass(frozen=True)
class Place:
    """A name a user may type (Gemeinde, Kreis, Stadt) and the region it belongs to."""

    name: str
    region_id: str


def short_forms(name: str) -> list[str]:
    """Return the forms people use for an official name.

    "Gronau (Westf.)" → "Gronau", "Fröndenberg/Ruhr" → "Fröndenberg", "Haltern am See" →
    "Haltern", "Bad Driburg" → "Driburg", "Kreis Paderborn" / "Stadt Bochum" → the name.
    """
    found = []
    plain = re.sub(r"\s*\(.*?\)", "", name).split("/")[0].strip()
    plain = re.sub(r"\s+am See$", "", plain)
    if plain != name:
        found.append(plain)
    first, _, rest = plain.partition(" ")
    if rest and first.casefold() in ("bad", "kreis", "stadt"):
        found.append(rest)
    return found


@dataclass
class KnowledgeBase:
    """Everything the bot knows, validated and cross-checked."""

    entries: dict[str, Entry] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    synonym_groups: list[list[str]] = field(default_factory=list)
    loaded_at: dt.datetime | None = None
    # Place names that are ordinary words too ("Lage", "Löhne"): only a place after "in" etc.
    ambiguous_names: list[str] = field(default_factory=list)
    # Word → topic the bot does not cover ("Kindergeld" → "Familienleistungen").
    outside_words: dict[str, str] = field(default_factory=dict)
    # Topics that stay out even when the question names an entry ("Heimat-Scheck in Hessen").
    outside_strict: set[str] = field(default_factory=set)
    # Labelled questions people asked (question, expected labels; none: out of scope).
    questions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # The same questions with the aspect they ask about (question, "frist"/"betrag"/…).
    aspects: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._places: dict[str, Place] = {}
        self.exact_places: dict[str, Place] = {}
        for region in self.regions.values():
            for name in (region.name, *region.aliases, *region.municipalities):
                # Keyed by folded words, so "Minden-Lübbecke" and "minden luebbecke" meet;
                # the exact keys keep apart what that folding merges (Neu(e)nkirchen).
                for form in (name, *short_forms(name)):
                    place = Place(name, region.id)
                    self._places.setdefault(" ".join(words(form)), place)
                    self.exact_places.setdefault(" ".join(exact_words(form)), place)
        self.ambiguous_places = {" ".join(words(n)) for n in self.ambiguous_names}

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

    def contacts_above(self, region_id: str) -> list[Contact]:
        """Return every office responsible for a region or one above it, nearest first."""
        contacts = list(self.contacts())
        return [c for region in self.region_chain(region_id) for c in contacts
                if region.id in c.responsible_for]

    def advisor_for(self, region_id: str) -> Contact | None:
        """Return the nearest office that advises on culture funding in general.

        A Bezirksregierung's Heimat desk is right for the Heimat-Scheck, not for every
        question: for general help we name a culture office ("Kultur" or "Beratung").
        """
        general = [c for c in self.contacts() if {"Kultur", "Beratung"} & set(c.topics)]
        for region in self.region_chain(region_id):
            found = [c for c in general if region.id in c.responsible_for]
            if found:
                return found[0]
        return None

    def covers(self, programme: Programme, region_id: str) -> bool:
        """Return True when ``programme`` may be used in ``region_id``."""
        chain = {r.id for r in self.region_chain(region_id)}
        return bool(chain.intersection(programme.regions))

    def responsible(self, contact: Contact, region_id: str) -> bool:
        """Return True when ``contact`` is responsible for ``region_id`` or a region above it."""
        chain = {r.id for r in self.region_chain(region_id)}
        return bool(chain.intersection(contact.responsible_for))
