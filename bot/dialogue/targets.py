"""What a name in a command means: everything, the digest, a topic, a Kreis or a programme.

``/abo`` subscribes to it and ``/rundschreiben`` addresses the chats that subscribed to
it; both read a name the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold
from bot.knowledge.places import find_place
from bot.knowledge.service import Knowledge
from bot.storage.records import TargetKind

ALL_WORDS = {"alle", "alles", "all"}
DIGEST_WORDS = {"wochenbrief", "wochenbriefe", "wochen-brief"}
_PLACE_FILLERS = ("kreis", "im", "in")


@dataclass(frozen=True)
class Target:
    """What a subscription follows, and how to name it to the user."""

    kind: TargetKind
    value: str
    label: str


def find_target(knowledge: Knowledge, text: str) -> Target | None:
    """Find what ``text`` names, in this order: all, the digest, a topic, a Kreis, a programme."""
    if fold(text) in ALL_WORDS:
        return Target(TargetKind.ALL, "", "alle Programme")
    if fold(text) in DIGEST_WORDS:
        return Target(TargetKind.DIGEST, "", "Wochenbrief")
    exact = knowledge.base.get(text)  # a button sends the programme's id
    if isinstance(exact, Programme):
        return Target(TargetKind.PROGRAMME, exact.id, exact.title)
    return (find_topic(knowledge, text) or find_region(knowledge, text)
            or find_programme(knowledge, text))


def find_topic(knowledge: Knowledge, text: str) -> Target | None:
    """Return the topic ``text`` names ("heimat" → Thema „Heimat“), if any."""
    topics = {fold(t): t for p in knowledge.base.programmes() for t in p.topics}
    topic = topics.get(fold(text))
    return None if topic is None else Target(TargetKind.TOPIC, topic, f"Thema „{topic}“")


def find_region(knowledge: Knowledge, text: str) -> Target | None:
    """Return the region ``text`` names ("Kreis Höxter", "Höxter", "Brakel"), if any."""
    base = knowledge.base
    place, rest = find_place(text, base.places)
    if place is None or [w for w in rest if w not in _PLACE_FILLERS]:
        return None
    region = base.regions[place.region_id]
    return Target(TargetKind.REGION, region.id, region.name)


def find_programme(knowledge: Knowledge, text: str) -> Target | None:
    """Return the programme ``text`` names (by id, or as the matcher finds it), if any."""
    programme = knowledge.base.get(text)
    if not isinstance(programme, Programme):
        programme = knowledge.find(text, kind="programm")
    if not isinstance(programme, Programme):
        return None
    return Target(TargetKind.PROGRAMME, programme.id, programme.title)
