"""Read the Förderfinder's answers from everyday words: "wir sind ein Chor aus Brakel, 12.000 €".

Each reader returns None when the text does not say; the flow then asks.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from bot.dialogue.money_args import TOTAL, parse_amount, parse_figures
from bot.knowledge.base import KnowledgeBase, Place
from bot.knowledge.normalize import fold, words
from bot.knowledge.places import find_place

# Folded word prefixes; the first group with a hit wins, so the specific ones come first.
_APPLICANT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("schule", ("schule", "kita", "kindergarten", "kindertages", "grundschul", "gymnasium",
                "forderverein der schule")),
    ("kreis", ("kreisverwaltung", "kreis selbst", "als kreis", "wir sind der kreis")),
    ("kommune", ("kommune", "gemeinde", "stadtverwaltung", "stadt selbst", "als stadt",
                 "verwaltung", "burgermeister", "kulturamt", "rathaus")),
    ("kuenstler", ("kunstler", "musiker", "autor", "autorin", "schauspieler", "tanzer",
                   "freiberuf", "freischaffend", "solo", "artist")),
    ("privatperson", ("privat", "ich selbst", "einzelperson", "als person", "ich alleine",
                      "ich allein")),
    ("verein", ("verein", "initiative", "e v", "ev ", "gruppe", "ehrenamtlich", "heimatverein",
                "forderverein", "chor ", "club", "gemeinschaft", "nachbarschaft")),
)
_AREA_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bau_denkmal", ("denkmal", "sanier", "renovier", "gebaude", "umbau", "dach", "restaur",
                     "backhaus", "muhle", "kapelle")),
    ("kulturelle_bildung", ("kulturelle bildung", "kinder", "jugend", "schuler", "workshop",
                            "bildung", "ferienprogramm")),
    ("heimat", ("heimat", "brauchtum", "tradition", "dorf", "geschichte", "mundart", "platt",
                "ortschronik", "schutzen")),
    ("musik", ("musik", "chor", "konzert", "band", "orchester", "singen", "lied", "musical")),
    ("theater_tanz", ("theater", "tanz", "buhne", "auffuhrung", "ballett", "kabarett",
                      "figurentheater")),
    ("kunst", ("kunst", "ausstellung", "maler", "literatur", "lesung", "film", "foto",
               "galerie", "skulptur", "poesie")),
    ("soziokultur", ("soziokultur", "begegnung", "stadtteil", "inklusion", "teilhabe",
                     "integration", "nachbarschaft", "kulturzentrum")),
    ("engagement", ("ehrenamt", "engagement", "freiwillig", "burgerschaft")),
)
_MONTHS = {"januar": 1, "jan": 1, "februar": 2, "feb": 2, "marz": 3, "maerz": 3, "april": 4,
           "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
           "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
           "nov": 11, "dezember": 12, "dez": 12}
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b\.?\s*(\d{4})?")
_SKIP = {"egal", "weiss nicht", "weis nicht", "keine ahnung", "unbekannt", "uberall",
         "ueberall", "noch offen", "offen", "ka", "k a", "-"}


def _first(text: str, groups: tuple[tuple[str, tuple[str, ...]], ...],
           ignore: str = "") -> str | None:
    padded = f" {' '.join(w for w in words(text) if not (ignore and w.startswith(ignore)))} "
    for value, cues in groups:
        if any(f" {cue}" in padded for cue in cues):
            return value
    return None


def read_applicant(text: str) -> str | None:
    """Return the applicant type a text names ("wir sind ein Verein" → verein)."""
    return _first(text, _APPLICANT_WORDS)


def read_area(text: str) -> str | None:
    """Return the field of work a text names ("Chorkonzert" → musik)."""
    # "Künstlerin" names who applies, not the field: it does not make a project "Kunst".
    found = _first(text, _AREA_WORDS, ignore="kunstler")
    if found is None:
        # Compounds: "Chorkonzert", "Dorfgeschichte" – look inside the words as well.
        joined = " ".join(w for w in words(text) if not w.startswith("kunstler"))
        for value, cues in _AREA_WORDS:
            if any(len(cue) >= 4 and cue.strip() in joined for cue in cues):
                return value
    return found


def read_place(text: str, base: KnowledgeBase) -> Place | None:
    """Return the place a text names ("in Brakel", "Kreis Höxter")."""
    place, _rest = find_place(text, base.places, ambiguous=base.ambiguous_places,
                              exact=base.exact_places)
    return place


def read_cost(text: str, alone: bool) -> Decimal | None:
    """Return the project's total cost; a bare number counts only when it is asked for."""
    figures = parse_figures(text)
    if TOTAL in figures:
        return figures[TOTAL]
    if "€" in text or "euro" in fold(text) or alone:
        # "3.000 €, Mai 2027": the date's numbers are no amounts.
        return parse_amount(_MONTH_YEAR.sub(" ", fold(_DATE.sub(" ", text))))
    return None


def read_start(text: str, today: dt.date) -> dt.date | None:
    """Return when the project starts: "15.06.2027", "Mai 2027", "im Juni" (the next one)."""
    if (m := _DATE.search(text)) is not None:
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        try:
            return dt.date(year, int(m[2]), int(m[1]))
        except ValueError:
            return None
    if (m := _MONTH_YEAR.search(fold(text))) is not None:
        month = _MONTHS[m[1]]
        year = int(m[2]) if m[2] else today.year + (month < today.month)
        return dt.date(year, month, 1)
    return None


def is_skip(text: str) -> bool:
    """Tell whether the answer means "don't know / doesn't matter"."""
    return " ".join(words(text)) in _SKIP
