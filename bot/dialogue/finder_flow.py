"""The Förderfinder as a short guided dialogue: four questions at most, then what fits.

The fitting programmes come best first. Answers may be numbers, buttons or own words, in
any order; an answer to an earlier question changes it ("doch als Kommune"). Nothing is
stored: the state lives in the chat's short-lived memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from bot.dialogue import formats
from bot.dialogue.finder_words import (
    is_skip,
    read_applicant,
    read_area,
    read_cost,
    read_place,
    read_start,
)
from bot.dialogue.messages import Choice, Reply
from bot.dialogue.picks import parse_pick
from bot.errors import UserError
from bot.funding.finder import APPLICANTS, AREAS, Fit, Profile, find
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.normalize import fold, words

PREFIX = "f:"
STEPS = ("applicant", "area", "place", "cost")
SHOWN = 5
_QUESTIONS = {
    "applicant": "Wer stellt den Antrag?",
    "area": "Worum geht es in Ihrem Projekt?",
    "place": "Wo findet das Projekt statt? Nennen Sie bitte Stadt, Gemeinde oder Kreis.",
    "cost": "Was kostet das Projekt insgesamt? Wenn Sie mögen, auch wann es beginnt, "
            "z. B. „12.000 €, Mai 2027“.",
}
_OPTIONS = {"applicant": APPLICANTS, "area": AREAS}
_LABELS = {"applicant": "Antragsteller", "area": "Sparte", "place": "Ort", "cost": "Kosten"}
HINT = "Antworten Sie mit der Nummer oder in eigenen Worten; „zurück“ und „abbrechen“ gehen auch."
ENDED = "Gut, der Förderfinder ist beendet. Mit /finder fangen Sie neu an."
LEFT = "(Die Abfrage habe ich beendet; mit /finder oder /rechner fangen Sie neu an.)"
_BACK = {"zuruck", "zurueck", "back"}
_STOP = {"abbrechen", "abbruch", "stopp", "stop", "ende", "beenden", "cancel"}
_WHY_NOT = ("warum nicht", "wieso nicht", "weshalb nicht", "warum kein", "wieso kein",
            "why not")
_CHANGE_CUES = ("doch", "lieber", "andern", "aendern", "statt", "und als", "und fur",
                "und bei", "was ware", "und wenn", "korrektur")
_MAX_CHANGE_WORDS = 7


@dataclass
class FinderState:
    """One chat's finder: the answers so far, the open question, the last results."""

    answers: dict[str, object] = field(default_factory=dict)  # step → value (None = skipped)
    place_name: str | None = None
    asking: str | None = "applicant"
    misfits: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    fits: list[str] = field(default_factory=list)  # titles, best first
    done: bool = False  # the user ended it

    def profile(self) -> Profile:
        """Return the answers as the finder's profile."""
        cost, start = self.answers.get("cost"), self.answers.get("start")
        return Profile(applicant=_str(self.answers.get("applicant")),
                       area=_str(self.answers.get("area")),
                       region_id=_str(self.answers.get("place")),
                       cost=cost if isinstance(cost, Decimal) else None,
                       start=start if isinstance(start, dt.date) else None)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


class Finder:
    """Runs the finder dialogue over a knowledge base and a date."""

    def __init__(self, base: KnowledgeBase, today: dt.date) -> None:
        self._base = base
        self._today = today

    def start(self, text: str) -> tuple[FinderState, Reply]:
        """Start afresh; whatever ``text`` already says is taken as answered."""
        state = FinderState()
        self._read_all(state, text, only_missing=True)
        return state, self._next(state, [])

    def step(self, state: FinderState, text: str) -> Reply | None:
        """Take one message; None when it is no answer, so the core treats it as a question."""
        said = " ".join(words(text))
        if said in _STOP or fold(text).strip() in ("/abbrechen",):
            state.done = True
            return Reply(ENDED)
        if state.asking is None:
            return self._after_results(state, text)
        if said in _BACK:
            return self._back(state)
        if self._answer_current(state, text):
            changed = self._read_all(state, text, only_missing=True, skip=state.asking)
            return self._next(state, changed)
        if len(said.split()) <= _MAX_CHANGE_WORDS:
            changed = self._read_all(state, text, only_missing=False, skip=state.asking)
            if changed:
                return self._next(state, changed)
        return None

    def choose(self, state: FinderState, data: str) -> Reply:
        """Take a button press ``f:<step>:<value>``."""
        _, step, value = (data + "::").split(":")[:3]
        if step not in _OPTIONS or value not in _OPTIONS[step]:
            raise UserError("Diese Auswahl ist nicht mehr aktuell. Mit /finder fangen Sie neu an.")
        changed = [] if state.asking == step else [step]
        state.answers[step] = value
        if state.asking is None:
            return self._results(state, changed)
        return self._next(state, changed)

    # -- answering ---------------------------------------------------------------------

    def _answer_current(self, state: FinderState, text: str) -> bool:
        step = state.asking or ""
        if is_skip(text):
            state.answers[step] = None
            return True
        if step in _OPTIONS:
            number = parse_pick(text, list(_OPTIONS[step].values()))
            keys = list(_OPTIONS[step])
            value = (keys[number - 1] if number is not None and 1 <= number <= len(keys)
                     else self._read(step, text))
        else:
            value = self._read(step, text, alone=True)
        if value is None:
            return False
        state.answers[step] = value
        if step == "cost":
            state.answers["start"] = read_start(text, self._today)
        if step == "place":
            place = read_place(text, self._base)
            state.place_name = place.name if place else None
        return True

    def _read(self, step: str, text: str, alone: bool = False) -> object:
        if step == "applicant":
            return read_applicant(text)
        if step == "area":
            return read_area(text)
        if step == "place":
            place = read_place(text, self._base)
            return None if place is None else place.region_id
        return read_cost(text, alone)

    def _read_all(self, state: FinderState, text: str, only_missing: bool,
                  skip: str | None = None) -> list[str]:
        """Take every answer ``text`` gives besides ``skip``; return the steps it changed."""
        changed = []
        for step in STEPS:
            if step == skip or (only_missing and step in state.answers):
                continue
            value = self._read(step, text)
            if value is not None and state.answers.get(step) != value:
                if step in state.answers:
                    changed.append(step)
                state.answers[step] = value
                if step == "place":
                    place = read_place(text, self._base)
                    state.place_name = place.name if place else None
        if "cost" in state.answers and "start" not in state.answers:
            state.answers["start"] = read_start(text, self._today)
        return changed

    def _back(self, state: FinderState) -> Reply:
        index = STEPS.index(state.asking or STEPS[0])
        if index > 0:
            state.answers.pop(STEPS[index - 1], None)
        return self._next(state, [])

    # -- replies -------------------------------------------------------------------------

    def _next(self, state: FinderState, changed: list[str]) -> Reply:
        missing = [s for s in STEPS if s not in state.answers]
        if not missing:
            return self._results(state, changed)
        state.asking = missing[0]
        lines = [_changed_line(state, changed)] if changed else []
        number = STEPS.index(state.asking) + 1
        lines.append(f"Förderfinder ({number}/{len(STEPS)}): {_QUESTIONS[state.asking]}")
        options = _OPTIONS.get(state.asking, {})
        lines += [f"{i}. {label}" for i, label in enumerate(options.values(), start=1)]
        lines.append(HINT if options else "„weiß nicht“ geht auch; „zurück“ und „abbrechen“ "
                     "ebenso.")
        choices = tuple(Choice(label, f"{PREFIX}{state.asking}:{key}")
                        for key, label in options.items())
        return Reply("\n".join(line for line in lines if line), choices=choices)

    def _results(self, state: FinderState, changed: list[str]) -> Reply:
        state.asking = None
        fits, misfits = find(self._base, state.profile(), self._today)
        state.misfits = {m.programme.id: (m.programme.title, m.reasons) for m in misfits}
        state.fits = [f.programme.title for f in fits]
        lines = [_changed_line(state, changed)] if changed else []
        lines.append(_summary(state))
        if not fits:
            lines.append("Dazu passt keines der Programme, die ich kenne. Fragen Sie gern bei "
                         "Ihrem Kulturbüro nach (/kontakt).")
        for number, fit in enumerate(fits[:SHOWN], start=1):
            lines.append(_fit_text(number, fit))
        if len(fits) > SHOWN:
            more = ", ".join(f.programme.title for f in fits[SHOWN:])
            lines.append(f"Außerdem möglich: {more}.")
        if misfits:
            nearest = min(misfits, key=lambda m: len(m.reasons)).programme.title
            lines.append(f"{len(misfits)} Programme passen nicht; fragen Sie z. B. „Warum nicht "
                         f"{nearest}?“ Den Zuschuss rechnet /rechner <Programm> genau aus.")
        return Reply("\n\n".join(lines))

    def _after_results(self, state: FinderState, text: str) -> Reply | None:
        folded = " ".join(words(text))
        if any(cue in folded for cue in _WHY_NOT):
            return Reply(self._why_not(state, text))
        short = len(folded.split()) <= _MAX_CHANGE_WORDS
        if short and any(f" {cue} " in f" {folded} " for cue in _CHANGE_CUES):
            changed = self._read_all(state, text, only_missing=False)
            if changed:
                return self._results(state, changed)
        return None

    def _why_not(self, state: FinderState, text: str) -> str:
        from rapidfuzz import fuzz, process

        names = {pid: title for pid, (title, _) in state.misfits.items()}
        asked = fold(text)
        for cue in _WHY_NOT:
            asked = asked.replace(cue, " ")
        best = process.extractOne(asked, names, scorer=fuzz.partial_ratio, processor=fold,
                                  score_cutoff=75)
        if best is None:
            shown = process.extractOne(asked, state.fits, scorer=fuzz.partial_ratio,
                                       processor=fold, score_cutoff=75)
            if shown is not None:
                return f"{shown[0]} passt – es steht als Nr. {shown[2] + 1} in der Liste."
            return ("Dieses Programm kenne ich nicht. Nicht passend sind: "
                    + ", ".join(names.values()) + ".")
        title, reasons = state.misfits[best[2]]
        return f"{title} passt nicht: " + "; ".join(reasons) + "."


def _fit_text(number: int, fit: Fit) -> str:
    lines = [f"{number}. {fit.programme.title} – nächste Frist: {fit.deadline}",
             "Passt: " + "; ".join(fit.reasons) if fit.reasons else ""]
    if fit.checks:
        lines.append("Bitte prüfen: " + "; ".join(fit.checks))
    if fit.office is not None:
        lines.append(f"Ansprechstelle: {fit.office.title}")
    return "\n".join(line for line in lines if line)


def _summary(state: FinderState) -> str:
    profile = state.profile()
    parts = [APPLICANTS.get(profile.applicant or "", ""), AREAS.get(profile.area or "", ""),
             state.place_name or "", formats.money(profile.cost) if profile.cost else ""]
    said = ", ".join(p for p in parts if p)
    return f"Passende Programme für: {said or 'Ihr Projekt'}"


def _changed_line(state: FinderState, changed: list[str]) -> str:
    shown = []
    for step in changed:
        value = state.answers.get(step)
        label = _OPTIONS.get(step, {}).get(str(value), "")
        if step == "place":
            label = state.place_name or ""
        elif step == "cost" and value is not None:
            label = formats.money(value) if isinstance(value, Decimal) else ""
        shown.append(f"{_LABELS[step]}: {label or 'offen'}")
    return "Geändert – " + ", ".join(shown) + "."


def resume(state: object) -> FinderState | None:
    """Return ``state`` if it is a finder's (the chat memory holds one flow at a time)."""
    return state if isinstance(state, FinderState) else None

