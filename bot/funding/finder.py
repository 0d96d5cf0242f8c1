"""The Förderfinder: which programmes fit a project, why, and why the others do not.

Pure: the knowledge, a :class:`Profile` of what the asker said, and today in; fitting
programmes (best first) and the left-out ones with their reasons out. It uses only what the
knowledge files say: a field an entry leaves empty becomes a "bitte prüfen", never a guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bot.dialogue import formats
from bot.funding.calculator import (
    COMPUTABLE,
    Costs,
    Finding,
    Result,
    calculate,
    set_per_project,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.deadlines import Occurrence, is_rolling, next_occurrences
from bot.knowledge.models import Contact, Programme

APPLICANTS = {
    "verein": "Verein oder Initiative", "kommune": "Kommune (Stadt, Gemeinde)",
    "kreis": "Kreis", "privatperson": "Privatperson", "kuenstler": "Künstlerin oder Künstler",
    "schule": "Schule oder Kita",
}
AREAS = {
    "heimat": "Heimat und Brauchtum", "musik": "Musik", "theater_tanz": "Theater und Tanz",
    "kunst": "Kunst, Literatur, Film", "kulturelle_bildung": "Kulturelle Bildung",
    "soziokultur": "Soziokultur und Begegnung", "bau_denkmal": "Bau und Denkmal",
    "engagement": "Ehrenamt und Engagement",
}
# The nearer the programme's region, the more it is "for us": a Kreis fund first.
_REGION_RANK = {"gemeinde": 6, "kreis": 5, "kreisfreie_stadt": 5, "kulturregion": 4,
                "regierungsbezirk": 4, "landesteil": 3, "land": 2, "bund": 1}


@dataclass(frozen=True)
class Profile:
    """What the asker told the finder; None where they did not say."""

    applicant: str | None = None
    area: str | None = None
    region_id: str | None = None
    cost: Decimal | None = None
    start: dt.date | None = None


@dataclass(frozen=True)
class Fit:
    """A programme that fits, with its reasons and what to check."""

    programme: Programme
    reasons: tuple[str, ...]
    checks: tuple[str, ...]
    deadline: str
    office: Contact | None
    estimate: Result | None
    rank: tuple[int, ...] = field(compare=False, default=())


@dataclass(frozen=True)
class Misfit:
    """A programme left out, and why."""

    programme: Programme
    reasons: tuple[str, ...]


def find(base: KnowledgeBase, profile: Profile, today: dt.date) -> tuple[list[Fit], list[Misfit]]:
    """Sort every programme into fitting (best first) and left out."""
    fits: list[Fit] = []
    misfits: list[Misfit] = []
    for programme in base.programmes():
        judged = judge(base, programme, profile, today)
        if isinstance(judged, Fit):
            fits.append(judged)
        else:
            misfits.append(judged)
    fits.sort(key=lambda f: f.rank, reverse=True)
    return fits, misfits


def judge(base: KnowledgeBase, programme: Programme, profile: Profile,
          today: dt.date) -> Fit | Misfit:
    """Judge one programme against the profile."""
    reasons: list[str] = []
    checks: list[str] = []
    against: list[str] = []
    _applicant(programme, profile, reasons, checks, against)
    _area(programme, profile, reasons, checks, against)
    _region(base, programme, profile, reasons, against)
    estimate = _amount(programme, profile, reasons, checks, against)
    if against:
        return Misfit(programme, tuple(against))
    upcoming = next_occurrences(programme.deadlines, today, 1)
    _timing(programme, profile, upcoming, checks)
    checks.extend(programme.conditions)
    rank = (_region_rank(base, programme), -len(checks), int((estimate and estimate.grant) or 0))
    return Fit(programme, tuple(reasons), tuple(checks), _deadline_text(programme, upcoming),
               _office(base, programme, profile), estimate, rank)


def _applicant(programme: Programme, profile: Profile, reasons: list[str], checks: list[str],
               against: list[str]) -> None:
    if profile.applicant is None:
        return
    if not programme.applicant_types:
        checks.append("Wer antragsberechtigt ist, steht nicht genau in meinen Daten: "
                      + ", ".join(programme.applicants))
    elif profile.applicant in programme.applicant_types:
        reasons.append(f"antragsberechtigt: {APPLICANTS[profile.applicant]}")
    else:
        against.append(f"{APPLICANTS[profile.applicant]} kann hier keinen Antrag stellen; "
                       "antragsberechtigt: " + ", ".join(programme.applicants))


def _area(programme: Programme, profile: Profile, reasons: list[str], checks: list[str],
          against: list[str]) -> None:
    if profile.area is None:
        return
    label = AREAS[profile.area]
    if not programme.areas:
        checks.append("Ob Ihre Sparte gefördert wird, steht nicht in meinen Daten")
    elif profile.area in programme.areas:
        reasons.append(f"Sparte: {label}")
    else:
        funded = ", ".join(AREAS[a] for a in programme.areas)
        against.append(f"fördert nicht {label}, sondern: {funded}")


def _region(base: KnowledgeBase, programme: Programme, profile: Profile, reasons: list[str],
            against: list[str]) -> None:
    if profile.region_id is None:
        return
    names = ", ".join(base.regions[r].name for r in programme.regions if r in base.regions)
    if base.covers(programme, profile.region_id):
        reasons.append(f"Fördergebiet: {names}")
    else:
        against.append(f"gilt nur in: {names}")


def _amount(programme: Programme, profile: Profile, reasons: list[str], checks: list[str],
            against: list[str]) -> Result | None:
    """Estimate the grant for the total cost alone; rule out what cannot work at that size."""
    funding = programme.funding
    if profile.cost is None:
        return None
    cost = formats.money(profile.cost)
    if funding.type not in COMPUTABLE:
        _range_only(programme, profile.cost, reasons, checks, against)
        return None
    result = calculate(funding, Costs(total=profile.cost))
    other = result.alternative
    if result.blocked and (other is None or other.blocked):
        against.append(f"bei {cost} Kosten: " + _blocking_reason(programme, result))
    elif result.blocked:
        checks.append(f"Bei {cost} Kosten nur nach einer der Quellen förderfähig")
    elif set_per_project(funding):
        reasons.append(f"bei {cost} Kosten höchstens {formats.money(result.grant or Decimal(0))}"
                       " (Festbetrag, je Projekt festgelegt)")
    elif funding.type == "fehlbedarf":
        reasons.append(f"deckt, was nach Eigen- und Drittmitteln fehlt: bei {cost} Kosten "
                       f"höchstens {formats.money(result.grant or Decimal(0))}")
    else:
        reasons.append(f"bei {cost} Kosten etwa {formats.money(result.grant or Decimal(0))} "
                       "Zuschuss")
    return result


def _range_only(programme: Programme, cost: Decimal, reasons: list[str], checks: list[str],
                against: list[str]) -> None:
    """Check costs against a programme whose financing type the source leaves open."""
    funding = programme.funding
    if funding.cost_max is not None and cost > funding.cost_max:
        against.append(f"Gesamtkosten höchstens {formats.euro(funding.cost_max)}")
    elif funding.cost_min is not None and cost < funding.cost_min:
        against.append(f"Mindestkosten {formats.euro(funding.cost_min)}")
    elif funding.amount_max is not None and funding.type == "preisgeld":
        reasons.append(f"Preisgeld bis {formats.euro(funding.amount_max)}")
    elif funding.amount_max is not None:
        reasons.append(f"Zuschuss bis {formats.euro(funding.amount_max)}")
        checks.append("Wie der Zuschuss berechnet wird, nennt meine Quelle nicht")
    else:
        checks.append("Zur Höhe der Förderung habe ich keine Zahlen")


def _blocking_reason(programme: Programme, result: Result) -> str:
    funding = programme.funding
    if Finding.BELOW_COST_MIN in result.findings:
        return f"Mindestkosten {formats.euro(funding.cost_min or 0)}"
    if Finding.ABOVE_COST_MAX in result.findings:
        return f"Gesamtkosten höchstens {formats.euro(funding.cost_max or 0)}"
    return f"Der Zuschuss läge unter dem Mindestbetrag von {formats.euro(funding.amount_min or 0)}"


def _timing(programme: Programme, profile: Profile, upcoming: list[Occurrence],
            checks: list[str]) -> None:
    if is_rolling(programme.deadlines):
        return
    if upcoming and profile.start is not None and upcoming[0].date > profile.start:
        checks.append(f"Die nächste Frist ({formats.date(upcoming[0].date)}) liegt nach Ihrem "
                      "Projektbeginn – meist muss der Antrag vorher gestellt sein")


def _deadline_text(programme: Programme, upcoming: list[Occurrence]) -> str:
    if is_rolling(programme.deadlines):
        return "laufend, jederzeit"
    if not upcoming:
        return "derzeit keine bekannt"
    doubt = " (unsicher)" if upcoming[0].uncertain else ""
    return formats.date(upcoming[0].date) + doubt


def _office(base: KnowledgeBase, programme: Programme, profile: Profile) -> Contact | None:
    """Return the programme's office for the asker's region, else its first, else the local one."""
    own = [c for c in (base.get(i) for i in programme.contacts) if isinstance(c, Contact)]
    if profile.region_id is not None:
        chain = {r.id for r in base.region_chain(profile.region_id)}
        local = [c for c in own if chain & set(c.responsible_for)]
        if local or own:
            return (local or own)[0]
        return base.advisor_for(profile.region_id)
    return own[0] if own else None


def _region_rank(base: KnowledgeBase, programme: Programme) -> int:
    types = [base.regions[r].type for r in programme.regions if r in base.regions]
    return max((_REGION_RANK.get(t, 0) for t in types), default=0)
