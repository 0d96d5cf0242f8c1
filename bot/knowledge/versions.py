"""Content hashes of programmes: tell a real change from a re-check or a new example."""

from __future__ import annotations

import hashlib
import json

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.models import Programme

# Fields whose change is no news for users: when the entry was last checked, and the
# words the matcher uses to find it.
_NOT_CONTENT = frozenset({"verified_on", "examples", "aliases"})


def content_hash(programme: Programme) -> str:
    """Return a stable hash of what users read about ``programme``."""
    data = programme.model_dump(mode="json", exclude=set(_NOT_CONTENT))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def content_hashes(base: KnowledgeBase) -> dict[str, str]:
    """Return the content hash of every programme, by id."""
    return {programme.id: content_hash(programme) for programme in base.programmes()}
