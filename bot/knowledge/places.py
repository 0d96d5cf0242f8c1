"""Find the place a question names ("in Brakel", "Kreis Herford", "Hoexter")."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping

from rapidfuzz import fuzz, process

from bot.knowledge.base import KnowledgeBase, Place
from bot.knowledge.normalize import STOPWORDS, exact_words, stem, words

# A label "ort:Brakel" in a question file: any office responsible for Brakel is right.
PLACE_LABEL = "ort:"
_MAX_WORDS = 3
_FUZZY_CUTOFF = 88
_GENERIC = {"kreis", "stadt", "gemeinde", "region", "bezirk", "land"}
# "Wir in Delbrück gehören doch zur Bezirksregierung Arnsberg, oder?": an office's name is
# the asker's guess; the town is where they are.
_OFFICE_WORDS = {"bezirksregierung", "bezreg", "rb", "regierungsbezirk"}
_PLACE_CUES = {"in", "aus", "bei", "nach", "von", "um", "stadt", "gemeinde", "raum", "richtung"}


def find_place(
    question: str, places: dict[str, Place], known_terms: Container[str] = frozenset(),
    ambiguous: Container[str] = frozenset(), exact: Mapping[str, Place] | None = None,
) -> tuple[Place | None, list[str]]:
    """Return the place named in ``question`` and the question's words without it.

    Longer names win ("bad driburg" before "driburg"); single words may carry a
    typo, but never when the word is a known knowledge term of its own. A name that is
    an ordinary word too ("werden löhne gefördert?") counts only after "in", "aus", "bei" …
    ``exact`` tells apart names the folding merges ("Neuenkirchen", "Neunkirchen").
    """
    exact = exact or {}
    tokens = words(question)
    exact_tokens = exact_words(question)
    aligned = len(exact_tokens) == len(tokens)
    office: tuple[Place, list[str]] | None = None
    in_office: set[int] = set()  # "Arnsberg" of "Bezirksregierung Arnsberg" is no town
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(tokens) - size + 1):
            key = " ".join(tokens[start : start + size])
            if key in places and key not in _GENERIC and start not in in_office and (
                    key not in ambiguous or _cued(tokens, start)):
                found = exact.get(" ".join(exact_tokens[start : start + size])) if aligned else None
                hit = found or places[key], _without(tokens, start, size)
                if tokens[start] not in _OFFICE_WORDS:
                    return hit
                office = office or hit
                in_office.update(range(start, start + size))
    return office or _fuzzy(tokens, places, known_terms, ambiguous)


def _cued(tokens: list[str], start: int) -> bool:
    """Tell whether the word at ``start`` follows a word that introduces a place."""
    return start > 0 and tokens[start - 1] in _PLACE_CUES


def _fuzzy(tokens: list[str], places: dict[str, Place], known_terms: Container[str],
           ambiguous: Container[str]) -> tuple[Place | None, list[str]]:
    """Find a place name with a typo ("porta westfallica", "brackel")."""
    # An ordinary word is no place even with a typo ("wetterr", "lager" near "Lage").
    names = [name for name in places if name not in ambiguous]
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(tokens) - size + 1):
            span = tokens[start : start + size]
            if size == 1 and (stem(span[0]) in known_terms or span[0] in STOPWORDS):
                continue
            key = " ".join(span)
            if len(key) < 5 or span[0] in _GENERIC:
                continue
            hit = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if hit:
                return places[hit[0]], _without(tokens, start, size)
    return None, tokens


def _without(tokens: list[str], start: int, size: int) -> list[str]:
    rest = tokens[:start] + tokens[start + size :]
    # "im Kreis Höxter": the generic word belongs to the place, not to the question.
    if start > 0 and tokens[start - 1] in _GENERIC:
        rest = tokens[: start - 1] + tokens[start + size :]
    return rest


def label_ids(kb: KnowledgeBase, labels: Iterable[str]) -> set[str]:
    """Turn question labels into entry ids; ``ort:Brakel`` means any office for Brakel."""
    ids: set[str] = set()
    for label in labels:
        if not label.startswith(PLACE_LABEL):
            ids.add(label)
            continue
        place, _ = find_place(label[len(PLACE_LABEL):], kb.places)
        if place is not None:
            ids.update(c.id for c in kb.contacts_for(place.region_id))
    return ids
