"""Which office answers for a place: the responsible ones, the Kreis's own money, routing.

A question naming a place ("in Brakel", "Kreis Paderborn") is about that place's offices and
programmes, not about the office whose name merely shares a word with the question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.knowledge.base import KnowledgeBase, Place
from bot.knowledge.matcher import FULL_MENTION, Candidate, Matcher
from bot.knowledge.models import Contact, Entry, Programme
from bot.knowledge.normalize import fold, words


def routed(entries: Iterable[Entry]) -> list[Candidate]:
    """Return ``entries`` as candidates a rule chose (score 1.0: no ranking behind them)."""
    return [Candidate(e.id, e.kind, e.title, 1.0) for e in entries]


def responsible_first(kb: KnowledgeBase, candidates: list[Candidate],
                       place: Place) -> list[Candidate]:
    """Put offices not responsible for ``place`` behind every other candidate.

    "Welche Bezirksregierung bearbeitet Heimatanträge aus dem Kreis Paderborn?" fits all
    three Bezirksregierungen equally in words; only the one for Paderborn is an answer. An
    office the question names alone stays where it is: "Gehört Dortmund zur Kulturregion
    Hellweg?" Naming two ("Münster oder Arnsberg?") leaves the choice to the place.
    """
    named = _one_named(candidates)
    return sorted(candidates, key=lambda c: _elsewhere(kb, c, place, named))


def _one_named(candidates: list[Candidate]) -> str | None:
    """Return the office the question names, if it names exactly one."""
    named = [c.entry_id for c in candidates if c.kind == "kontakt" and c.mention >= FULL_MENTION]
    return named[0] if len(named) == 1 else None


def _elsewhere(kb: KnowledgeBase, candidate: Candidate, place: Place, named: str | None) -> bool:
    """Tell whether ``candidate`` is an office for another area than ``place`` (not ``named``)."""
    entry = kb.get(candidate.entry_id)
    if not isinstance(entry, Contact) or candidate.entry_id == named:
        return False
    return not kb.responsible(entry, place.region_id)


def serves_elsewhere(kb: KnowledgeBase, candidates: list[Candidate], place: Place,
                     question: str) -> bool:
    """Tell whether the first candidate belongs to another area than ``place``, unnamed.

    "Wo meldet sich ein Kulturverein aus Dülmen beim Kreis, wenn er Fragen zur Kulturarbeit
    hat?" shares "Kulturarbeit" with the Kreis Herford's office; asked from Dülmen (Kreis
    Coesfeld) neither that office nor Höxter's small-projects fund can be the answer. An
    entry the question names in full is meant, wherever it is.
    """
    if (not candidates or candidates[0].mention >= FULL_MENTION
            or _named_by_place(kb, candidates[0], question)):
        return False
    entry = kb.get(candidates[0].entry_id)
    if isinstance(entry, Programme):
        return not kb.covers(entry, place.region_id)
    return _elsewhere(kb, candidates[0], place, named=None)


def _named_by_place(kb: KnowledgeBase, candidate: Candidate, question: str) -> bool:
    """Tell whether the question names ``candidate`` by the place in its title.

    "In Detmold oder Münster? Warburg is ja OWL": "Münster" names the Bezirksregierung
    Münster, and which place the question is about is not clear enough to overrule it.
    """
    asked = set(words(question))
    return any(w in kb.places and w in asked for w in words(candidate.title))


def place_picked(kb: KnowledgeBase, candidates: list[Candidate], place: Place,
                 margin: float) -> bool:
    """Tell whether the place chose the first office among offices the words fit alike.

    The three Bezirksregierungen tie on "Heimatförderung"; the place names the one that
    answers, and no other office is routed in its stead. Offices of another level (a Kreis
    office tied with the LWL), or ones the words fit clearly better, are no such choice.
    """
    named = _one_named(candidates)
    first = next((i for i, c in enumerate(candidates)
                  if not _elsewhere(kb, c, place, named)), None)
    if first is None or candidates[first].kind != "kontakt":
        return False
    top = candidates[first]
    level = _levels(kb, top)

    def alike(other: Candidate) -> bool:
        return (abs(other.score - top.score) < margin
                and _levels(kb, other) == level and _elsewhere(kb, other, place, named))

    return all(map(alike, candidates[:first])) and any(
        alike(c) for c in candidates if c is not top)


# Topics every kind of office shares; an office "of the same kind" shares another one.
_GENERAL_TOPICS = {"Kultur", "Beratung", "Ehrenamt", "Fördermittel"}


def responsible_instead(kb: KnowledgeBase, candidate: Candidate,
                        place: Place) -> list[Candidate]:
    """Return the place's own offices of the kind of ``candidate``, which serves elsewhere.

    "Wir in Delbrück gehören doch zur Bezirksregierung Arnsberg, oder?" names the office the
    asker believes in; Delbrück lies in the Regierungsbezirk Detmold, whose Bezirksregierung
    answers. Only for offices of a programme family by area (the Heimat desks, the RKP's
    regional offices): a Kreis's culture office may be asked for from anywhere.
    """
    office = kb.get(candidate.entry_id)
    if not isinstance(office, Contact) or kb.responsible(office, place.region_id):
        return []
    kind = set(office.topics) - _GENERAL_TOPICS
    return routed(c for c in kb.contacts_above(place.region_id) if kind & set(c.topics))


def _levels(kb: KnowledgeBase, candidate: Candidate) -> set[str]:
    """Return the kinds of region an office is responsible for ("rb", "kreis")."""
    entry = kb.get(candidate.entry_id)
    if not isinstance(entry, Contact):
        return set()
    return {kb.regions[r].type for r in entry.responsible_for if r in kb.regions}


OWN_OFFICE_BONUS = 0.2
_REGIONAL = re.compile(r"\bregion\w*")
_KREIS_FUNDING = re.compile(r"\b(kreis|muhlenkreis|landkreis)\b.{0,60}\b(forder\w*|topf|topfe|"
                            r"geld\w*|mittel|richtlinie\w*|zuschuss\w*|fonds|kohle|knete)\b|"
                            r"\b(forder\w*|topf|topfe|geld\w*|richtlinie\w*|zuschuss\w*|fonds)"
                            r"\b.{0,60}\b(beim|vom|des) (kreis|muhlenkreis)\b|"
                            # "gibt der Kreis Minden-Lübbecke dafür was dazu?"
                            r"\b(gibt|gibts|gibbet|zahlt|fordert|bezuschusst|ubernimmt) "
                            r"(der|denn der|da der) (kreis|landkreis|muhlenkreis)\b")


# The Land's Heimat programmes by their family name ("Heimatförderung", "Heimatförderanträge",
# "Heimatmittel"): the Bezirksregierung's Heimat desk handles their applications.
_HEIMAT_FUNDING = re.compile(r"heimat\W?(forder|antrag|antrage|mittel|programm|geld|funding|grant)")


# "Welche Fördermöglichkeiten gibt es für einen Heimatverein in Gescher?", "Was gibt es in
# Billerbeck an Förderung für Kulturprojekte?": asked from a place what funding there is, no
# programme named. Only for culture: a Sportverein's floodlights are no question for an office.
_LISTING = re.compile(r"\b(welche\w*|was gibt|was gibts|gibt es|gibts|gibt.s|gibbet|was fur|"
                      r"in frage|infrage)\b.{0,80}\b(forder\w*|programm\w*|topf\w*|zuschuss\w*|"
                      r"geld\w*|unterstutzung|moglichkeit\w*)|"
                      r"\b(forder\w*|programm\w*|topf\w*|zuschuss\w*)\b.{0,40}\b(gibt es|"
                      r"gibts|in frage|infrage)\b")
_CULTURE = re.compile(r"kultur|heimat|kunst|musik|theater|chor|konzert|ausstell|museum|lesung|"
                      r"tanz|festival|brauchtum|chronik")
# Longer messages tell a project, which a programme may fit; the listing is a short question.
LISTING_WORDS = 16


def lists_funding(question: str) -> bool:
    """Tell whether a short question asks what culture funding there is (for a place)."""
    text = fold(question)
    return (len(words(question)) <= LISTING_WORDS and _LISTING.search(text) is not None
            and _CULTURE.search(text) is not None)


def heimat_desks(kb: KnowledgeBase, question: str, place: Place) -> list[Candidate]:
    """Return the place's Heimat desk when the question is about the Heimatförderung."""
    if _HEIMAT_FUNDING.search(fold(question)) is None:
        return []
    return routed(c for c in kb.contacts_above(place.region_id) if "Heimat" in c.topics)


def kreis_programmes(kb: KnowledgeBase, question: str, place: Place) -> list[Candidate]:
    """Return the place's own Kreis programmes when the question asks for the Kreis's money."""
    if _KREIS_FUNDING.search(fold(question)) is None:
        return []
    chain = kb.region_chain(place.region_id)
    kreis = next((r.id for r in chain if r.type in ("kreis", "kreisfreie_stadt")), None)
    return routed(p for p in kb.programmes() if kreis is not None and p.regions == [kreis])


def offices_for(kb: KnowledgeBase, matcher: Matcher, question: str,
                place: Place) -> list[Candidate]:
    """Return the offices for ``place``, the one the question fits best first."""
    scores = {c.entry_id: c.score for c in matcher.rank(question, limit=20)}
    # A Kreis's own office leads unless the question fits a wider one clearly better
    # ("Projektdatenblatt im Münsterland" → the RKP's regional office), or asks for a
    # regional one ("so'n regionales Kulturbüro"), which may sit above the nearest offices.
    regional = _REGIONAL.search(fold(question)) is not None
    bonus = 0.0 if regional else OWN_OFFICE_BONUS
    found = (_regional(kb, kb.contacts_above(place.region_id)) if regional
             else kb.contacts_for(place.region_id))
    offices = sorted(found, key=lambda c: -(
        scores.get(c.id, 0.0) + (bonus if len(c.responsible_for) == 1 else 0.0)))
    return routed(offices)


# Offices for all of Westfalen-Lippe or NRW: no regional office, whatever their words fit.
_WIDE = ("landesteil", "land", "bund")


def _regional(kb: KnowledgeBase, offices: list[Contact]) -> list[Contact]:
    """Drop the offices for all of Westfalen or NRW when a nearer one is left.

    "Gibt es in Hamm eine Stelle, die bei regionalen Kulturprojekten berät?" asks for the
    Kulturregion Hellweg; the LWL's culture office serves all of Westfalen-Lippe.
    """
    near = [c for c in offices if not all(
        kb.regions[r].type in _WIDE for r in c.responsible_for if r in kb.regions)]
    return near or offices


def programme_offices(kb: KnowledgeBase, candidate: Candidate, place: Place) -> list[Candidate]:
    """Return the named programme's offices responsible for ``place``.

    "Ein Verein aus Soest plant ein RKP-Vorhaben. Welches Regionalbüro ist zuständig?" asks
    for the Kulturregion Hellweg, not for the programme it names.
    """
    entry = kb.get(candidate.entry_id)
    if not isinstance(entry, Programme) or candidate.mention < FULL_MENTION:
        return []
    found = [kb.get(i) for i in entry.contacts]
    return routed(c for c in found
                  if isinstance(c, Contact) and kb.responsible(c, place.region_id))


# A region's name in an office's title ("Münsterland") names it in part.
PART_MENTION = 0.5


def sole_office(kb: KnowledgeBase, candidate: Candidate,
                candidates: Sequence[Candidate]) -> list[Candidate]:
    """Return the one office of a named programme, for a contact question without a place.

    "Wer ist beim LWL der Ansprechpartner für den Kulturfonds?" asks for the LWL's culture
    office. A programme with several offices (one per Bezirksregierung) needs the place,
    unless ``candidates`` name one of them by its region.
    """
    entry = kb.get(candidate.entry_id)
    if not isinstance(entry, Programme) or candidate.mention < FULL_MENTION:
        return []
    if len(entry.contacts) != 1:
        # "Welche Stelle ist im Münsterland für das Regionale Kulturprogramm zuständig?": of
        # the programme's offices, the question names one by its region.
        named = [kb.get(c.entry_id) for c in candidates
                 if c.entry_id in entry.contacts and c.mention >= PART_MENTION]
        return routed(e for e in named if e is not None) if len(named) == 1 else []
    return routed(c for c in (kb.get(entry.contacts[0]),) if isinstance(c, Contact))
