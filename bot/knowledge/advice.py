"""Checks of single entries that the format cannot express, and advice for coordinators.

Errors (the entry cannot be loaded): a doubt without the note that explains it, a minimum
above the maximum. Advice (the entry loads, ``kb check`` shows a "Hinweis"): a file named
differently from its id, a source that is only a site's home page and so cannot be
re-checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath
from urllib.parse import urlsplit

from pydantic import BaseModel

from bot.knowledge.models import Contact, Figures, Funding, Programme, Term
from bot.knowledge.normalize import content_words
from bot.knowledge.problems import Problem
from bot.knowledge.yamlsource import SourceDocument

_UP_TO = re.compile(r"\bbis zu\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def entry_errors(model: BaseModel, file: str, source: SourceDocument) -> Iterator[Problem]:
    """Yield what makes a programme contradict itself."""
    if not isinstance(model, Programme):
        return
    funding = model.funding
    if funding.uncertain and not funding.note:
        yield Problem(file, source.line_of(("funding", "uncertain")),
                      "„uncertain: true“ braucht eine „note“, die sagt, was die Quellen "
                      "jeweils nennen")
    for message, field in funding_errors(funding):
        yield Problem(file, source.line_of(("funding", *field)), message)
    for i, rule in enumerate(model.deadlines):
        if getattr(rule, "uncertain", False) and not getattr(rule, "note", None):
            yield Problem(file, source.line_of(("deadlines", i, "uncertain")),
                          "„uncertain: true“ braucht eine „note“, die sagt, was die Quellen "
                          "jeweils nennen")


def funding_errors(funding: Funding) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Yield (message, field path) for financing fields the Förderrechner cannot use."""
    yield from _ranges(funding, ())
    if funding.alternative is not None:
        yield from _ranges(funding.alternative, ("alternative",))
        if not funding.uncertain:
            yield ("„alternative“ nennt abweichende Zahlen: bitte auch „uncertain: true“ "
                   "setzen", ("alternative",))
    kind = funding.type
    if kind == "festbetrag" and funding.amount_max is None:
        yield "Ein Festbetrag braucht „amount_max“ (den festen Betrag)", ("type",)
    if kind == "anteil" and funding.share_max is None:
        yield ("Eine Anteilfinanzierung braucht „share_max“ (die Förderquote); "
               "ist sie unbekannt, „type: unbekannt“ wählen", ("type",))
    if kind == "voll" and funding.share_max not in (None, 100):
        yield "Eine Vollfinanzierung hat keine Förderquote unter 100 %", ("share_max",)
    if funding.volunteer_rate is not None and funding.volunteer_work != "ja":
        yield ("„volunteer_rate“ gilt nur mit „volunteer_work: ja“", ("volunteer_rate",))


def _ranges(figures: Funding | Figures, at: tuple[str, ...]
            ) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Yield a minimum above its maximum, for the grant and for the project costs."""
    low, high = figures.amount_min, figures.amount_max
    if low is not None and high is not None and low > high:
        yield f"Mindestbetrag {low} € liegt über dem Höchstbetrag {high} €", (*at, "amount_min")
    low, high = figures.cost_min, figures.cost_max
    if low is not None and high is not None and low > high:
        yield f"Mindestkosten {low} € liegen über den Höchstkosten {high} €", (*at, "cost_min")


def entry_advice(model: BaseModel, file: str, source: SourceDocument,
                 entries_in_file: int) -> Iterator[Problem]:
    """Yield hints that do not stop the entry from loading."""
    if not isinstance(model, Programme | Contact | Term):
        return
    if entries_in_file == 1 and PurePath(file).stem != model.id:
        yield Problem(file, source.line_of(("id",)),
                      f"Hinweis: Die Datei sollte „{model.id}.yaml“ heißen, wie die Kennung")
    if isinstance(model, Programme) and model.funding.type == "festbetrag" and any(
            _UP_TO.search(text) for text in (model.summary, model.funding.note or "")):
        yield Problem(file, source.line_of(("funding", "type")),
                      "Hinweis: Festbetrag, aber der Text sagt „bis zu“ – ein Höchstbetrag ist "
                      "kein Festbetrag; nennt die Quelle keine Finanzierungsart: type: unbekannt")
    for i, alias in enumerate(model.aliases):
        kept = content_words(alias)
        if len(kept) == 1 and len(_WORD.findall(alias)) > 1:
            # "3. Orte" keeps only "orte": every question with "Ort" would name the entry.
            yield Problem(file, source.line_of(("aliases", i)),
                          f"Hinweis: Vom Alias „{alias}“ bleibt für den Abgleich nur „{kept[0]}“ "
                          "– jede Frage mit diesem Wort nennt dann den Eintrag; bitte ausschreiben")
    for i, url in enumerate(model.sources):
        if urlsplit(url).path.strip("/") == "" and not urlsplit(url).query:
            yield Problem(file, source.line_of(("sources", i)),
                          f"Hinweis: „{url}“ ist nur die Startseite – bitte die Seite angeben, "
                          "auf der die Angabe steht, damit man sie nachprüfen kann")


def finder_gaps(model: BaseModel, file: str, source: SourceDocument) -> Iterator[Problem]:
    """Yield the fields a programme leaves open that the Förderfinder or -rechner would use.

    The bot then says "bitte prüfen" instead of guessing; coordinators see the list with
    ``kb check --streng``.
    """
    if not isinstance(model, Programme):
        return
    funding = model.funding
    missing = [name for name, absent in (
        ("applicant_types", not model.applicant_types),
        ("areas", not model.areas),
        ("funding.type (unbekannt)", funding.type == "unbekannt"),
        ("funding.own_money_required", funding.own_money_required is None),
        ("funding.volunteer_work (unbekannt)", funding.volunteer_work == "unbekannt"),
    ) if absent]
    if missing:
        yield Problem(file, source.line_of(("id",)),
                      "Förderfinder/-rechner: offen – " + ", ".join(missing))


def bulk_stamp(dates: list[tuple[str, dt.date]], root: str) -> Iterator[Problem]:
    """Yield a hint when most entries share one ``verified_on``: a sign of a bulk stamp.

    ``verified_on`` is the day a person compared the entry with its source; the same day on
    more than half of all entries rarely means that.
    """
    if len(dates) < 6:
        return
    day, count = Counter(d for _, d in dates).most_common(1)[0]
    if count * 2 > len(dates):
        yield Problem(root, 1, f"Hinweis: {count} von {len(dates)} Einträgen tragen dasselbe "
                               f"Prüfdatum {day:%d.%m.%Y} – „verified_on“ ist der Tag, an dem "
                               "jemand den Eintrag mit der Quelle verglichen hat")
