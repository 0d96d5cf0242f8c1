"""Render knowledge entries as short German answers that fit a phone screen."""

from __future__ import annotations

import datetime as dt

from bot.dialogue import formats
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import FixedRule, is_call_based, is_rolling, next_occurrences
from bot.knowledge.decision import Intent
from bot.knowledge.models import Contact, Entry, Funding, Programme, Term

_FUNDING_TYPES = {
    "festbetrag": "Festbetrag",
    "anteil": "Anteilfinanzierung",
    "fehlbedarf": "Fehlbedarfsfinanzierung",
    "voll": "Vollfinanzierung",
    "preisgeld": "Preisgeld",
    "freibetrag": "Steuerfreibetrag",
}


def source_line(entry: Entry) -> str:
    """Return "Quelle: <url> (Stand: 26.11.2026)"."""
    return f"Quelle: {entry.sources[0]} (Stand: {formats.date(entry.verified_on)})"


def funding_line(funding: Funding) -> str:
    """Describe amount and financing type in one line."""
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
    text = "Förderung: " + ", ".join(p.strip() for p in parts if p.strip())
    if funding.uncertain:
        text += " – Angaben unsicher"
    return text + (f" ({formats.shorten(funding.note, 140)})" if funding.note else "")


def deadline_lines(programme: Programme, today: dt.date, count: int = 2) -> list[str]:
    """Describe the next deadline(s) relative to ``today``; a doubt is said once, at the end."""
    upcoming = next_occurrences(programme.deadlines, today, count)
    if upcoming:
        horizon = upcoming[0].date + dt.timedelta(days=365)
        lines = []
        for occ in (o for o in upcoming if o.date < horizon):
            what = f" – {occ.label}" if occ.label else ""
            lines.append(f"Frist: {formats.date(occ.date)} ({formats.days_until(occ.date, today)})"
                         f"{what}")
        doubt = next((o for o in upcoming if o.uncertain), None)
        if doubt is not None:
            lines.append("Achtung, unsicher: " + formats.shorten(doubt.note or "Quellen "
                         "widersprechen sich – bitte beim Fördergeber nachfragen.", 160))
        return lines
    if is_rolling(programme.deadlines):
        return ["Frist: keine – Anträge sind laufend möglich."]
    if is_call_based(programme.deadlines):
        return ["Frist: nach Aufruf – ein neuer Termin ist noch nicht bekannt."]
    past = [d for r in programme.deadlines if isinstance(r, FixedRule) for d in r.dates]
    last = f" ({formats.date(max(past))})" if past else ""
    return [f"Frist: Die letzte bekannte Frist{last} ist vorbei; "
            "eine neue Runde ist noch nicht bekannt."]


def _who_line(programme: Programme) -> str:
    text = "Wer: " + ", ".join(programme.applicants)
    if programme.not_eligible:
        text += " (nicht: " + ", ".join(programme.not_eligible) + ")"
    return text


def _contact_names(kb: KnowledgeBase, ids: list[str], region_id: str | None) -> str:
    if region_id is not None:
        # "Heimat-Scheck in Brakel": name the Bezirksregierung for Brakel, not all three.
        chain = {r.id for r in kb.region_chain(region_id)}
        local = [c.id for c in kb.contacts() if c.id in ids and chain & set(c.responsible_for)]
        ids = local or ids
    names = [kb.entries[i].title for i in ids if i in kb.entries]
    return ", ".join(names[:2]) + (" u. a." if len(names) > 2 else "")


def programme_text(kb: KnowledgeBase, programme: Programme, today: dt.date,
                   intent: Intent = Intent.GENERAL, region_id: str | None = None) -> str:
    """Answer about a programme; the asked-for line comes right after the title."""
    lines = {
        Intent.AMOUNT: [funding_line(programme.funding)],
        Intent.DEADLINE: deadline_lines(programme, today),
        Intent.ELIGIBILITY: [_who_line(programme)],
        Intent.APPLY: [f"Antrag: {formats.shorten(programme.apply, 160)}"],
    }
    first = lines.pop(intent, [formats.shorten(programme.summary, 160)])
    body = [programme.title, *first]
    for group in lines.values():
        body.extend(group)
    if programme.contacts:
        body.append("Kontakt: " + _contact_names(kb, programme.contacts, region_id))
    body.append(source_line(programme))
    return "\n".join(body)


def contact_text(contact: Contact) -> str:
    """Answer with an office's details."""
    body = [contact.title]
    if contact.summary:
        body.append(formats.shorten(contact.summary, 160))
    body.extend(f"{label}: {value}" for label, value in (
        ("Adresse", contact.address), ("Telefon", contact.phone),
        ("E-Mail", contact.email), ("Web", contact.web)) if value)
    body.append(source_line(contact))
    return "\n".join(body)


def term_text(term: Term) -> str:
    """Explain a term."""
    return "\n".join([term.title, formats.shorten(term.text, 400), source_line(term)])


def entry_text(kb: KnowledgeBase, entry: Entry, today: dt.date,
               intent: Intent = Intent.GENERAL, region_id: str | None = None) -> str:
    """Render any entry; ``region_id`` narrows a programme's contacts to the asker's place."""
    if isinstance(entry, Programme):
        return programme_text(kb, entry, today, intent, region_id)
    if isinstance(entry, Contact):
        return contact_text(entry)
    return term_text(entry)
