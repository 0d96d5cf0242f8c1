"""What a question asks about an entry: the answer leads with that fact.

Cues are matched on folded text (ä→a, ß→ss). A cue of one word may sit inside a compound
("Antragsfrist", "Fördersumme"), so it is found anywhere; a phrase starts at a word start, so
"noch möglich" does not fire inside "dennoch möglich".
"""

from __future__ import annotations

import re
from enum import StrEnum

from rapidfuzz import fuzz

from bot.knowledge.normalize import fold, words


class Intent(StrEnum):
    """What the question asks about an entry; the answer leads with that fact."""

    AMOUNT = "amount"
    DEADLINE = "deadline"
    ELIGIBILITY = "eligibility"
    CONTACT = "contact"
    APPLY = "apply"
    DEFINITION = "definition"
    GENERAL = "general"


Cues = tuple[tuple[Intent, tuple[str, ...]], ...]

# Matched on folded text (ä→a, ß→ss), first intent wins. Users mix German, dialect and
# English: "wat kricht man", "deadline", "can we apply".
_INTENT_CUES: Cues = (
    (Intent.DEADLINE, ("bis wann", "frist", "wann muss", "deadline", "stichtag", "abgabe",
                       "bis zum wievielten", "wann kann man", "wann konnen wir", "termin",
                       "spatestens", "wann endet", "noch moglich", "noch beantragen",
                       "antragsschluss", "due date", "when ", "wann ist", "wann lauft",
                       "zu spat", "wann entscheid", "aufruf", "ausschreibung", "antragstag",
                       "zeitraum", "gerade", "grad ", "noch einreichen", "noch was einreichen",
                       "wann is", "open call", "schon weg", "noch offen", "schon offen",
                       "still open", "open for applications", "schon leer", "noch geld da",
                       "zweite runde", "nachste runde", "neue runde", "antragsrunde")),
    (Intent.AMOUNT, ("wie viel", "wieviel", "wie hoch", "betrag", "summe", "hohe",
                     "prozent", "%", "how much", "maximal", "hochstens", "mindestens",
                     "fordersatz", "forderquote", "quote", "anteil", "finanzierungsart",
                     "steuerfrei", "freibetrag", "dazugeben",
                     "dazulegen", "dazuzahlen", "eigenanteil", "selbst zahlen", "tax free",
                     "tax-free", "max budget", "maximum", "projektgrosse",
                     "ab welcher", "bis 10k", "wie gross", "was zahlt", "spanne",
                     "obergrenze", "untergrenze", "hochstbetrag", "zuschiess", "verdoppel",
                     "minimum fee", "mindesthonorar", "limit", "too small", "wovill", "ab welchen",
                     "funding rate", "forderrate", "percentage", "max amount", "min und max")),
    (Intent.ELIGIBILITY, ("wer darf", "wer kann", "berechtigt", "durfen wir", "konnen wir",
                          "darf ich", "darf man", "als privatperson", "als verein",
                          "als kommune", "als gemeinde", "als schule", "can we", "can i",
                          "eligible", "antragsteller", "durfen auch", "konnen auch",
                          "darf eine", "darf ein", "gilt das auch", "fur wen", "auch fur",
                          "auch als", "kann unser", "konnen auch", "durfen da", "nur fur",
                          "oder nur", "auch von", "do they fund", "individual", "einzelperson",
                          "privatleut", "zahlen wir", "geht das auch", "nimmt", "fordern die",
                          "can a", "only for", "vorbehalten", "auch vereine", "auch eine ",
                          "auch ein ", "selbst einen antrag", "selbst beantragen", "mitmachen",
                          "teilnehmen", "teilnahme", "wie viele partner", "how many partners",
                          "kann die ", "kann eine ", "darf bei", "darf unser", "gilt das",
                          "zusammen bekommen", "gleichzeitig", "nur was fur", "nur wat fur",
                          "verein sein", "privatmensch", "zulassig", "offen fur", "mit drin",
                          "gehoren wir", "wer muss das", "beantragen oder", "auch kommunen",
                          "wie alt", "gilt dat", "gellt dat", "blots for", "verein grunden")),
    (Intent.CONTACT, ("ansprech", "kontakt", "beratung", "hilft", "helpt", "zustandig",
                      "an wen", "wen kann", "who can", "berat", "jemand", "mich wenden",
                      "wende ich mich", "wenden kann", "wo fange", "who helps", "advise",
                      "unterstutzt uns", "wer kummert", "vor ort", "wie erreiche",
                      "erreiche ich", "erreichbar", "welche stelle",
                      "welches amt", "welche behorde", "kummert sich", "fur uns da",
                      "welches regionale", "welches kulturburo", "welche bezirksregierung",
                      "welcher bezirksregierung", "which bezirksregierung", "welches buro",
                      "zentrale stelle", "bei welcher stelle", "wo sitzt", "an die ran")),
    (Intent.APPLY, ("wie beantrag", "wo beantrag", "antrag stellen", "wie bewerb", "wo bewerb",
                    "einreichen", "wo muss ich", "wie geht", "apply", "wie lauft",
                    "wo melde", "wie komme ich", "antragsverfahren", "wo reich", "wie stelle",
                    "wo stelle", "formular", "wo gibt es den antrag", "einzureichen", "wo schick",
                    "wohin")),
    (Intent.DEFINITION, ("was ist", "was bedeutet", "was heisst", "erklar", "what is",
                         "what does", "was versteht", "was sind", "bedeutung", "wat is", "watt is",
                         "soll das heissen", "soll dat heissen", "das denn heissen",
                         "dat denn heissen", "wat heisst", "wat heet", "wat bedeutet")),
)


# Cues that name the asked aspect outright. They are looked for before the list above,
# whose broad cues ("als verein") and the weak ones below ("euro", "kricht") also occur in
# questions about something else: "Kriegen wir als lose Truppe ohne Verein trotzdem die
# 2.500 Euro?" asks who may apply.
_EXPLICIT_CUES: Cues = (
    # A condition with a figure asks who may take part, not an amount: "Kultur macht stark –
    # wie viele Partner brauchen wir mindestens?", "ab welcher Zahl an Kindern …?"
    (Intent.ELIGIBILITY, ("wie viele partner", "how many partners", "ab welcher zahl",
                          "ab welcher grosse ", "ab wie vielen")),
    (Intent.DEADLINE, ("bis wann", "frist", "deadline", "stichtag", "antragsschluss",
                       "due date", "welchem datum", "welchen tag", "welchem tag", "noch zeit",
                       "wie lang", "zeit fur den antrag", "beeilen", "wie fix", "schon durch",
                       "jederzeit", "schnell sein")),
    (Intent.AMOUNT, ("wie viel", "wieviel", "wie hoch", "how much", "preisgeld",
                     "welche summe", "welcher betrag", "zuruckzahlen", "fixed amount",
                     "geld dazu", "eigenes geld", "selbst aufbringen", "selber aufbringen",
                     "dazu tun", "dazutun", "dazu geben", "zubuttern", "minimum amount", "how big",
                     "ab welchem", "ab welchen", "ab welcher", "forderanteil", "fordersatz",
                     "finanzierungsart", "welchem verhaltnis", "wo vael", "wo val", "woveel",
                     "the max", "toleggen")),
    (Intent.CONTACT, ("beraten", "beratung", "ansprechpartner", "ansprechperson", "wer hilft",
                      "who can advise", "contact person", "telefonnummer",
                      "wer kann mir", "mir sagen kann", "uns sagen kann", "eine stelle, die",
                      "eine stelle die", "zustandig", "uns helfen", "mir helfen",
                      "unter die arme", "anlaufstelle", "ansprechstelle", "ein buro",
                      "vorbeischau", "vorbeikomm", "die stelle", "wo frag")),
    (Intent.ELIGIBILITY, ("wer darf", "wer stellt", "berechtigt", "darf ich",
                          "durfen privat", "durfen kommun", "durfen verein", "konnen kommun",
                          "konnen verein", "konnen privat", "konnen gemeind", "durfen gemeind",
                          "konnen stadt", "durfen stadt", "privatperson", "einzelperson",
                          "als einzelne", "zielgruppe", "fur wen", "eligible", "apply directly",
                          "gemeinnutzig sind", "nicht gemeinnutzig", "nich gemeinnutzig",
                          "kein gemeinnutzig", "keine gemeinnutzig", "kein verein",
                          "keinen verein", "ohne verein", "kein e.v", "ohne e.v",
                          "can schools", "can we apply", "can i apply", "auch wat",
                          "auch was ab", "kann ich mit", "kann ich als", "konnen wir als",
                          "konnen wir mit", "selbst nen antrag", "selber nen antrag",
                          "selber einen antrag", "selbst antrage", "selber antrage",
                          "welches alter", "geben die auch", "reicht das als", "reicht dat als",
                          "allowed to apply", "who can apply", "who may apply", "wer kricht",
                          "wer kriegt", "wer bekommt", "berechtigung", "in frage", "infrage",
                          "zahlt das als", "count as", "kann da ein",
                          "geht das fur", "oder reicht", "da rein", "who applies",
                          "who has to apply", "voraussetzung", "wer muss", "grants to",
                          "als antragsteller")),
)
# "bis wan", "bis wnan": the deadline question with a typo in its short word.
_BIS_WANN = re.compile(r"\bbis (wan|wnan|wamm|wabn|wsnn)\b|\bwann\b|\bdatum\b")
# "Kann man beim LWL-Kulturfonds noch für den Herbst beantragen?" asks whether it is too late;
# "Können gemeinnützige Vereine Anträge bei der Stiftung stellen?" whether they may.
_STILL = re.compile(r"\bnoch\b.{0,50}\b(beantragen|einreichen|antrag\w* stellen)\b")
_MAY_WE = re.compile(r"(^|,)\W*(kann|konnen|darf|durfen|fordert|fordern)\b.{0,90}\b("
                     r"beantragen|antrag\w*\b.{0,40}\b(stellen|einreichen)|bewerben|teilnehmen|"
                     r"mitmachen|geld (bekommen|kriegen)|auch|uberhaupt)\b")
# "Geben die nu Geld für unsern Verein oder nich?" asks whether they fund the likes of us.
_FUND_US = re.compile(r"\bgeben die\b.{0,40}\b(geld|knete|zuschuss\w*)\b")

# "Wer kann uns in Schwerte helfen?" asks for an office, though "wer kann" asks who may apply;
# so do "wo kriegen wir Hilfe beim Förderantrag?" and "gibts da ne Stelle für Kulturförderung?".
_WHO_HELPS = re.compile(r"\bwer\b.{0,100}\b(weiter)?(helfen|unterstutzen|unterstutzt|beraten)\b|"
                        r"\bwo\b.{0,40}\b(hilfe|unterstutzung|infos?|informationen)\b|"
                        r"\b(ne|eine|so ne|so eine)\s+(anlauf)?stelle\b")

# Words that say someone wants money, not which fact they want: "kriegen wir die 2.500 Euro
# ohne Verein?" asks who may apply, "Euro-für-Euro vom Land – kann unser Verein das direkt
# kriegen?" too. They decide only when no other cue does (see :func:`intent_of`).
_WEAK_CUES: Cues = (
    (Intent.AMOUNT, ("euro", "€", "kricht", "kriegt man", "was bekommt", "was gibt es", "was gibts",
                     "wat gibt", "zuschuss gibt", "kostet")),
)
_SENTENCES = re.compile(r"(?<=[.!?\n])\s+")
# The same, on the unfolded text: the asked sentences as the user wrote them.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_CUE_TYPO = 85  # "beratnug" still asks for advice


def _compile(cues: Cues) -> tuple[tuple[Intent, re.Pattern[str]], ...]:
    def pattern(cue: str) -> str:
        return (r"(?<![a-z0-9])" if " " in cue and cue[0].isalnum() else "") + re.escape(cue)

    return tuple((intent, re.compile("|".join(pattern(c) for c in found)))
                 for intent, found in cues)


_EXPLICIT = _compile(_EXPLICIT_CUES)
_DEFINITION = _compile(tuple(c for c in _INTENT_CUES if c[0] is Intent.DEFINITION))
_BROAD = _compile(_INTENT_CUES)
_WEAK = _compile(_WEAK_CUES)
# Single cue words long enough to be recognised with a typo ("beratnug").
_TYPED = tuple((intent, tuple(c for c in cues if " " not in c and len(c) >= 6))
               for intent, cues in _INTENT_CUES)


def intent_of(question: str) -> Intent:
    """Return what the question asks, read from its last sentence backwards.

    Long messages give context first ("Budget 8.000 Euro …") and ask at the end ("Bis
    wann?"), so the last asked sentence with a cue decides. An explicit cue in the context
    ("wir sind nicht gemeinnützig") still beats a weak one in the question ("kriegen wir die
    2.500 Euro?"). Single cue words may carry a typo.
    """
    sentences = _sentences(question)
    asked = _asked(sentences)[::-1]
    told = [s for s in reversed(sentences) if s not in asked]
    steps = ((asked, _strong), (asked + told, _explicit), (asked, _weak),
             (told, _strong), (told, _weak))
    for group, find in steps:
        for sentence in group:
            found = find(sentence)
            if found is not None:
                return found
    return Intent.GENERAL


# The facts a programme's first line states: the asked one, and a second one asked outright.
FACT_ASPECTS = (Intent.DEADLINE, Intent.AMOUNT, Intent.ELIGIBILITY)

# The aspects of labelled questions (``knowledge/fragen/``, field "aspekt") as intents.
ASPECT_INTENTS = {
    "frist": Intent.DEADLINE, "betrag": Intent.AMOUNT, "wer": Intent.ELIGIBILITY,
    "antrag": Intent.APPLY, "kontakt": Intent.CONTACT, "begriff": Intent.DEFINITION,
    "allgemein": Intent.GENERAL,
}


def also_asked(question: str, first: Intent) -> Intent | None:
    """Return a second fact the question asks for outright, beside ``first``.

    "Wann ist die nächste Ausschreibung, und wie hoch ist die Förderung?" asks two things;
    the answer's first line states both. Only explicit cues in asked sentences count: a
    broad one ("können wir") is too often part of the first question.
    """
    if first not in FACT_ASPECTS:
        return None
    sentences = _sentences(question)
    for sentence in _asked(sentences) or sentences[-1:]:
        for intent, pattern in _EXPLICIT:
            if intent is not first and intent in FACT_ASPECTS and pattern.search(sentence):
                return intent
        if first is not Intent.DEADLINE and _BIS_WANN.search(sentence):
            return Intent.DEADLINE
        if first is not Intent.ELIGIBILITY and _MAY_WE.search(sentence):
            return Intent.ELIGIBILITY
    return None


def asks_definition(question: str) -> bool:
    """Tell whether the question asks what something means, whatever else it asks first."""
    return _first(_DEFINITION, fold(question)) is not None


def asked_sentences(question: str) -> str:
    """Return the question's asked sentences (ending in "?"), or the question when none is."""
    found = _asked(split_sentences(question))
    return " ".join(found) if found else question


def split_sentences(question: str) -> list[str]:
    """Split the question as the user wrote it into sentences; a line break ends one too."""
    return [s for s in _SENTENCE_SPLIT.split(question) if s.strip()]


def definition_sentence(question: str) -> str | None:
    """Return the (folded) sentence that asks what something means, if one does.

    Only an asked sentence counts when there is one: "… wären für uns von Bedeutung." asks
    nothing.
    """
    sentences = _sentences(question)
    return next((s for s in _asked(sentences) or sentences
                 if _first(_DEFINITION, s) is not None), None)


def _sentences(question: str) -> list[str]:
    """Split the folded question into sentences; a question mark always ends one."""
    return [s for s in _SENTENCES.split(fold(question).replace("?", "?\n")) if s.strip()]


def _asked(sentences: list[str]) -> list[str]:
    """Return the sentences that ask (end with a question mark), in order."""
    return [s for s in sentences if s.rstrip().endswith("?")]


def _explicit(sentence: str) -> Intent | None:
    found = _first(_EXPLICIT, sentence)
    if found is None and _WHO_HELPS.search(sentence):
        return Intent.CONTACT
    return found


def _strong(sentence: str) -> Intent | None:
    found = _explicit(sentence) or _first(_BROAD, sentence) or _typed(sentence)
    if found is None and (_BIS_WANN.search(sentence) or _STILL.search(sentence)):
        return Intent.DEADLINE
    if found is None and (_MAY_WE.search(sentence) or _FUND_US.search(sentence)):
        return Intent.ELIGIBILITY
    return found


def _weak(sentence: str) -> Intent | None:
    return _first(_WEAK, sentence)


def _first(cues: tuple[tuple[Intent, re.Pattern[str]], ...], sentence: str) -> Intent | None:
    return next((intent for intent, pattern in cues if pattern.search(sentence)), None)


def _typed(sentence: str) -> Intent | None:
    typed = [w for w in words(sentence) if len(w) >= 6]
    for intent, singles in _TYPED:
        # A typo changes the length by one letter at most: "beantrag" is no "betrag".
        if any(abs(len(w) - len(c)) <= 1 and fuzz.ratio(w, c) >= _CUE_TYPO
               for w in typed for c in singles):
            return intent
    return None
