"""Who a broadcast reaches, and which audiences a coordinator may choose.

Audiences are sets of subscriptions (pure functions of the knowledge; the README's
"Rundschreiben" section says the same for coordinators):

* **alle**: every chat with any subscription (the weekly digest counts).
* **a programme**: the chats that get its deadline reminders, i.e. with a subscription
  to it, to one of its topics, to a region it covers, or to "alle".
* **a topic**: the chats with a subscription to the topic, to a programme on it, or to
  "alle".
* **a Kreis** (any region): the chats with a subscription to it or to a region in it.

Only chats that are active are ever reached (see :mod:`bot.storage.broadcasts`).

A coordinator tied to Kreise may only address the chats subscribed to those Kreise: a
subscription to a programme or topic says nothing about where a chat is, so such an
audience would reach chats in other Kreise, which are not theirs to write to.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.handoff.routing import may_answer
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme
from bot.knowledge.normalize import fold
from bot.settings import Coordinator
from bot.storage.broadcasts import Audience
from bot.storage.records import TargetKind

EVERYONE = Audience(TargetKind.ALL, "", "alle Chats mit Abo")


def audience_for(kb: KnowledgeBase, kind: TargetKind, value: str, name: str) -> Audience:
    """Return the audience of the chats that subscribed to ``value`` of ``kind`` (see above).

    ``name`` is how the target is called ("Kreis Höxter", "Thema „Heimat“").

    Raises:
        ValueError: ``kind`` is the weekly digest, which is no audience.

    """
    if kind is TargetKind.ALL:
        return EVERYONE
    label = f"Chats mit Abo für {name}"
    if kind is TargetKind.PROGRAMME:
        programme = kb.get(value)
        topics = programme.topics if isinstance(programme, Programme) else []
        regions = ({r for r in kb.regions if kb.covers(programme, r)}
                   if isinstance(programme, Programme) else set())
        return Audience(kind, value, label, {
            TargetKind.PROGRAMME: frozenset({value}),
            TargetKind.TOPIC: _spellings(kb, topics),
            TargetKind.REGION: frozenset(regions),
            TargetKind.ALL: frozenset({""})})
    if kind is TargetKind.TOPIC:
        wanted = fold(value)
        on_topic = {p.id for p in kb.programmes() if wanted in {fold(t) for t in p.topics}}
        return Audience(kind, value, label, {
            TargetKind.TOPIC: _spellings(kb, [value]),
            TargetKind.PROGRAMME: frozenset(on_topic),
            TargetKind.ALL: frozenset({""})})
    if kind is TargetKind.REGION:
        within = {r for r in kb.regions if value in {c.id for c in kb.region_chain(r)}}
        return Audience(kind, value, label, {TargetKind.REGION: frozenset(within | {value})})
    raise ValueError(f"no audience for {kind}")


def may_address(mine: Sequence[Coordinator], kb: KnowledgeBase, audience: Audience) -> bool:
    """Tell whether the coordinator (their entries ``mine``) may send to ``audience``."""
    if any(not c.kreise for c in mine):
        return True
    return audience.kind is TargetKind.REGION and may_answer(mine, kb, audience.target)


def own_regions(mine: Sequence[Coordinator], kb: KnowledgeBase) -> list[Audience] | None:
    """Return the audiences of a tied coordinator's Kreise; None for one tied to none."""
    if any(not c.kreise for c in mine):
        return None
    ids = dict.fromkeys(k for c in mine for k in c.kreise)
    return [audience_for(kb, TargetKind.REGION, k, kb.regions[k].name if k in kb.regions else k)
            for k in ids]


def kreis_names(mine: Sequence[Coordinator], kb: KnowledgeBase) -> str:
    """Return the names of a tied coordinator's Kreise: "Kreis Höxter oder Kreis Lippe"."""
    ids = dict.fromkeys(k for c in mine for k in c.kreise)
    return " oder ".join(kb.regions[k].name if k in kb.regions else k for k in ids)


def _spellings(kb: KnowledgeBase, topics: Sequence[str]) -> frozenset[str]:
    """Return every spelling of ``topics`` in the knowledge (subscriptions store one)."""
    wanted = {fold(t) for t in topics}
    return frozenset({t for p in kb.programmes() for t in p.topics if fold(t) in wanted}
                     | set(topics))
