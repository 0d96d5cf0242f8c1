"""Read a pick of a numbered "Meinten Sie …?" list in the forms people type."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.knowledge.normalize import fold

# ASCII digits only: "²" or "③" are not picks (int() would take some of them).
_NUMBER = re.compile(r"^(?:(?:nr|nummer|die|der|das|den|option|auswahl|punkt)\.?\s*)?"
                     r"([0-9]{1,2})\s*[.)]?$")
_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "funft": 5, "letzt": -1}
_ORDINAL = re.compile(r"^(?:(?:die|der|das|den)\s+)?(erst|zweit|dritt|viert|funft|letzt)"
                      r"(?:e|er|es|en)?(?:\s+\w+)?$")
_TITLE_MATCH = 85


def parse_pick(text: str, titles: Sequence[str]) -> int | None:
    """Return the 1-based number ``text`` picks from ``titles``, or None if it is no pick.

    A number out of range is still returned, so the caller can say which range is valid.
    """
    folded = " ".join(fold(text).replace("!", " ").replace("?", " ").split())
    number = _NUMBER.match(folded)
    if number:
        return int(number[1])
    ordinal = _ORDINAL.match(folded)
    if ordinal:
        found = _ORDINALS[ordinal[1]]
        return len(titles) if found == -1 else found
    scores = [fuzz.ratio(folded, fold(t)) for t in titles]
    if scores and max(scores) >= _TITLE_MATCH:
        return scores.index(max(scores)) + 1
    return None
