"""Render knowledge entries as German answers that lead with what was asked.

The first sentence carries the asked fact (deadline, amount, who may apply, how to apply),
with its doubt where sources disagree; the rest of the card follows. Nothing is cut with
"…": a transport that must split a long text splits it at paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dialogue import formats
from bot.funding.calculator import COMPUTABLE
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import FixedRule, is_call_based, is_rolling, next_occurrences
from bot.knowledge.intent import FACT_ASPECTS, Intent, also_asked
from bot.knowledge.models import Contact, Entry, Funding, Programme, Term
from bot.knowledge.normalize import fold

_FUNDING_TYPES = {
    "festbetrag": "Festbetrag",
    "anteil": "Anteilfinanzierung",
    "fehlbedarf": "Fehlbedarfsfinanzierung",
    "voll": "Vollfinanzierung",
    "preisgeld": "Preisgeld",
    "freibetrag": "Steuerfreibetrag",
    "unbekannt": "Finanzierungsart laut Quelle offen",
}
# Who a question says it is ("als Privatperson", "unser Verein"), folded, with the words an
# entry's applicant list uses for them.
_ASKERS = (
    ("privat", ("privat",)), ("verein", ("verein", "initiative", "gemeinnutzig")),
    ("kommune", ("kommun", "gemeinde", "stadt", "stadte")), ("gemeinde", ("kommun", "gemeinde")),
    ("kreis", ("kreis",)), ("schule", ("schul",)), ("kita", ("kita",)),
    ("kunstler", ("kunstler",)),
)


def source_line(entry: Entry) -> str:
    """Return "Quelle: <url> (Stand: 26.11.2026)"."""
    return f"Quelle: {entry.sources[0]} (Stand: {formats.date(entry.verified_on)})"


def funding_text(funding: Funding) -> str:
    """Describe amount and financing type, with the note and any doubt, never cut."""
    return _funding_phrase(funding) + (f" ({funding.note})" if funding.note else "")


def _funding_phrase(funding: Funding) -> str:
    """Describe amount and financing type, and say when the sources disagree on them."""
    unsure = " – Angaben unsicher, die Quellen widersprechen sich" if funding.uncertain else ""
    return funding_amount(funding) + unsure


def funding_amount(funding: Funding) -> str:
    """Describe financing type, amount, rate and own share in one short phrase."""
    parts = [_FUNDING_TYPES[funding.type]]
    low, high = funding.amount_min, funding.amount_max
    if funding.type == "festbetrag" and high is not None and low in (None, high):
        parts = [f"{formats.euro(high)} als Festbetrag"]
    elif low is not None and high is not None and low != high:
        parts.append(f"{formats.euro(low)} bis {formats.euro(high)}")
    elif high is not None:
        parts.append(f"bis {formats.euro(high)}")
    elif low is not None:
        parts.append(f"ab {formats.euro(low)}")
    if funding.share_max is not None:
        parts.append(f"höchstens {formats.percent(funding.share_max)} der Kosten")
    if funding.own_share:
        parts.append(f"Eigenanteil: {funding.own_share}")
    return ", ".join(p.strip() for p in parts if p.strip())


def _without_figures(funding: Funding) -> bool:
    """Tell whether the funding states no amount and no rate of its own (only its note may)."""
    return (funding.amount_min is None and funding.amount_max is None
            and funding.share_max is None)


def funding_line(funding: Funding) -> str:
    """Return the card line "Förderung: …"."""
    return "Förderung: " + funding_text(funding)


def deadline_lines(programme: Programme, today: dt.date, count: int = 6) -> list[str]:
    """Describe every deadline of the coming year; a doubt is said in full, at the end."""
    upcoming = next_occurrences(programme.deadlines, today, count)
    if upcoming:
        horizon = upcoming[0].date + dt.timedelta(days=365)
        lines = []
        for occ in (o for o in upcoming if o.date < horizon):
            what = f" – {occ.label}" if occ.label else ""
            unsure = ", unsicher" if occ.uncertain else ""
            lines.append(f"Frist: {formats.date(occ.date)} "
                         f"({formats.days_until(occ.date, today)}{unsure}){what}")
        doubt = next((o for o in upcoming if o.uncertain), None)
        if doubt is not None:
            lines.append("Achtung, Frist unsicher: " + (doubt.note or "Die Quellen "
                         "widersprechen sich – bitte beim Fördergeber nachfragen."))
        return lines
    return [_no_date_line(programme)]


def _no_date_line(programme: Programme) -> str:
    if is_rolling(programme.deadlines):
        return "Frist: keine feste Frist – Anträge sind laufend möglich."
    if is_call_based(programme.deadlines):
        return "Frist: nach Aufruf – ein neuer Termin ist noch nicht bekannt."
    past = [(d, r.label) for r in programme.deadlines if isinstance(r, FixedRule)
            for d in r.dates]
    last = ""
    if past:
        # The round's label says which round the date belonged to ("Runde 2025").
        date, label = max(past, key=lambda dated: dated[0])
        last = f" ({formats.date(date)}{', ' + label if label else ''})"
    return (f"Frist: Die letzte bekannte Frist{last} ist vorbei; "
            "eine neue Runde ist noch nicht bekannt.")


def _who_line(programme: Programme) -> str:
    text = "Antrag stellen können: " + ", ".join(programme.applicants)
    if programme.not_eligible:
        text += " (nicht: " + ", ".join(programme.not_eligible) + ")"
    return text


def eligibility_answer(programme: Programme, question: str, titled: bool = True) -> str | None:
    """Say yes or no when the question names who asks and the entry lists that group.

    ``titled=False`` leaves the programme's name out, for a fact beside another one.
    """
    folded = fold(question)
    name = f": {programme.title} –" if titled else " –"
    for asker, stems in _ASKERS:
        if asker not in folded:
            continue
        applicants = ", ".join(programme.applicants)
        if any(s in fold(n) for n in programme.not_eligible for s in stems):
            return (f"Nein{name} nicht antragsberechtigt: "
                    f"{', '.join(programme.not_eligible)}. Antrag stellen können: {applicants}")
        if any(s in fold(a) for a in programme.applicants for s in stems):
            return f"Ja{name} Antrag stellen können: {applicants}"
    return None


def _lead(programme: Programme, today: dt.date, intent: Intent, question: str,
          also: Intent | None) -> list[str]:
    """Return the first line(s): the asked fact in one sentence, with its doubt.

    A second fact asked outright (``also``: "Wann …, und wie hoch …?") joins the first
    sentence; the notes on both follow on their own lines.
    """
    title = programme.title
    if intent is Intent.APPLY:
        return [f"{title} – so beantragen Sie: {programme.apply}"]
    if intent not in FACT_ASPECTS:
        return [title, programme.summary]
    if also is None and intent is Intent.DEADLINE:
        first, *rest = deadline_lines(programme, today)
        return [f"{title} – {first}", *rest]
    if also is None and intent is Intent.AMOUNT:
        return [f"{title} – Förderung: {funding_text(programme.funding)}"]
    verdict = eligibility_answer(programme, question) if intent is Intent.ELIGIBILITY else None
    if also is None:
        return [verdict or f"{title} – {_who_line(programme)}"]
    first, notes = _fact(programme, today, intent, question)
    second, more = _fact(programme, today, also, question)
    head = verdict or f"{title} – {first}"
    return [f"{head}; {second}", *notes, *more]


def _fact(programme: Programme, today: dt.date, intent: Intent,
          question: str) -> tuple[str, list[str]]:
    """Return one fact as a short phrase, and the lines that explain it further."""
    if intent is Intent.DEADLINE:
        first, *rest = deadline_lines(programme, today)
        return first.rstrip("."), rest
    if intent is Intent.AMOUNT:
        funding = programme.funding
        if not funding.note:
            return f"Förderung: {_funding_phrase(funding)}", []
        if _without_figures(funding):
            # "Finanzierungsart laut Quelle offen (… 6 € je Kind …)": the note is the fact.
            return f"Förderung: {funding_text(funding)}", []
        return f"Förderung: {_funding_phrase(funding)}", [f"Zur Förderung: {funding.note}"]
    return eligibility_answer(programme, question, titled=False) or _who_line(programme), []


def _fact_card(programme: Programme, today: dt.date) -> dict[Intent, list[str]]:
    """Return the card's lines per fact, in the card's order."""
    return {
        Intent.AMOUNT: [funding_line(programme.funding)],
        Intent.DEADLINE: deadline_lines(programme, today),
        Intent.ELIGIBILITY: [_who_line(programme)],
        Intent.APPLY: [f"Antrag: {programme.apply}"],
    }


def _contact_lead(kb: KnowledgeBase, programme: Programme, region_id: str | None) -> list[str]:
    """Lead with the office for a programme ("Heimat-Scheck in Höxter?")."""
    if not programme.contacts:
        return [programme.title, programme.summary]
    return [f"{programme.title} – Ansprechstelle: "
            f"{_contact_names(kb, programme.contacts, region_id)}"]


def programme_text(kb: KnowledgeBase, programme: Programme, today: dt.date,
                   intent: Intent = Intent.GENERAL, region_id: str | None = None,
                   question: str = "") -> str:
    """Answer about a programme: the asked fact first, then the rest of the card."""
    also = also_asked(question, intent)
    lead = (_contact_lead(kb, programme, region_id) if intent is Intent.CONTACT
            else _lead(programme, today, intent, question, also))
    card = _fact_card(programme, today)
    card.pop(intent, None)
    if also is not None:
        card.pop(also, None)
    body = list(lead)
    if lead[-1] != programme.summary:
        body.append(programme.summary)
    for group in card.values():
        body.extend(group)
    if programme.contacts and intent is not Intent.CONTACT:
        body.append("Kontakt: " + _contact_names(kb, programme.contacts, region_id))
    if intent is Intent.AMOUNT and programme.funding.type in COMPUTABLE:
        body.append(f"Für Ihr Projekt rechnet es /rechner {programme.title} aus, mit "
                    "Finanzierungsplan.")
    body.append(source_line(programme))
    return "\n".join(body)


def _contact_names(kb: KnowledgeBase, ids: list[str], region_id: str | None) -> str:
    if region_id is not None:
        # "Heimat-Scheck in Brakel": name the Bezirksregierung for Brakel, not all three.
        chain = {r.id for r in kb.region_chain(region_id)}
        local = [c.id for c in kb.contacts() if c.id in ids and chain & set(c.responsible_for)]
        nearest = kb.contacts_for(region_id)
        if not local and nearest:
            # "RKP in Recklinghausen": none of the programme's offices covers the Ruhr region;
            # listing the other regions' offices would send the asker to the wrong one.
            return (f"für Ihre Region kenne ich keine eigene Stelle – wenden Sie sich bitte an: "
                    f"{nearest[0].title}")
        ids = local or ids
    return ", ".join(kb.entries[i].title for i in ids if i in kb.entries)


def contact_text(contact: Contact, intent: Intent = Intent.GENERAL) -> str:
    """Answer with an office's details; a deadline or amount question gets its sentence first."""
    body = [contact.title]
    if contact.summary:
        told = formats.sentences(contact.summary)
        ordered = _asked_first(told, intent)
        if ordered != told:
            # The asked fact goes into the first line, next to the office's name.
            body = [f"{contact.title} – {ordered.pop(0)}"]
        body.append(" ".join(ordered))
    body.extend(f"{label}: {value}" for label, value in (
        ("Adresse", contact.address), ("Telefon", contact.phone),
        ("E-Mail", contact.email), ("Web", contact.web)) if value)
    body.append(source_line(contact))
    return "\n".join(body)


def reach(contact: Contact) -> str:
    """Return how to reach an office in one line: e-mail and phone first, then the web page."""
    ways = [f"{label} {value}" for label, value in (
        ("E-Mail", contact.email), ("Tel.", contact.phone), ("", contact.web)) if value]
    return " · ".join(w.strip() for w in ways)


def referral(office: Contact, ways: str) -> str:
    """Name the office that can help, and how to reach it.

    Titles carry no article ("Kulturbüro Münsterland"): "bei {title}" would read wrong.
    """
    return f"Weiterhelfen kann Ihnen: {office.title}" + (f", {ways}" if ways else "")


def term_text(term: Term, intent: Intent = Intent.GENERAL) -> str:
    """Explain a term; for an amount question the sentence with the figure comes first.

    Asked who may use it, the term's ``who`` sentence leads, beside its name.
    """
    sentences = _asked_first(formats.sentences(term.text), intent)
    if intent is Intent.ELIGIBILITY and term.who:
        return "\n".join([f"{term.title} – {term.who}", " ".join(sentences), source_line(term)])
    return "\n".join([f"{term.title}: {' '.join(sentences)}", source_line(term)])


_DATED = re.compile(r"\b\d{1,2}\.\d{1,2}\.")


def _asked_first(sentences: list[str], intent: Intent) -> list[str]:
    """Move the sentences that carry the asked kind of fact (a date, a figure) to the front."""
    if intent is Intent.AMOUNT:
        asked = [s for s in sentences if "€" in s or "%" in s]
    elif intent is Intent.DEADLINE:
        asked = [s for s in sentences if _DATED.search(s)]
    else:
        return sentences
    return asked + [s for s in sentences if s not in asked]


def entry_text(kb: KnowledgeBase, entry: Entry, today: dt.date,
               intent: Intent = Intent.GENERAL, region_id: str | None = None,
               question: str = "") -> str:
    """Render any entry; ``region_id`` narrows a programme's contacts to the asker's place."""
    if isinstance(entry, Programme):
        return programme_text(kb, entry, today, intent, region_id, question)
    if isinstance(entry, Contact):
        return contact_text(entry, intent)
    return term_text(entry, intent)
