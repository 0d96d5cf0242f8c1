"""German-aware text normalisation for matching.

``fold`` makes spellings equal that volunteers use interchangeably: Höxter,
Hoexter and Hoxter all become ``hoxter``. ``terms`` turns a text into the stems
the matcher indexes: stopwords dropped, Snowball stemming, and adjacent
words joined so that "Heimat Scheck", "Heimat-Scheck" and "Heimatscheck" meet.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import Stemmer

_REPLACEMENTS = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"), ("é", "e"), ("è", "e"),
                 ("à", "a"), ("ae", "a"), ("oe", "o"), ("ue", "u"))
_NON_WORD = re.compile(r"[^a-z0-9]+")
_THOUSANDS = re.compile(r"(?<=[0-9])[.,](?=[0-9]{3}(?![0-9]))")

# German function words, then the English and Low German ones of mixed and dialect messages
# ("Do ticket sales count as Eigenmittel?", "Gifft dat wat för us?"): left in, each counted as
# a rare unknown word and drowned the one word that mattered.
STOPWORDS = frozenset(
    """
    a ab aber al alle allem allen aller alles als also am an andere anderen auch auf aus bei beim
    bin bis bitte bzw da dafur damit dann das dass dein deine dem den denn der des dessen die dies
    diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
    etwa euch euer fur gab gibt gibts gilt hab habe haben hat hatte hier ich ihr ihre im in ins
    ist ja je jetzt kann konnen konnte man mehr mein meine meinem meinen meiner mich mir mit muss
    mussen nach noch nur ob oder ohne sehr sein seine sich sie sind so soll sollen uber um und uns
    unser unsere unserem unseren unserer vom von vor war waren was welche welchem welchen welcher
    welches wenn wer werden wie wieviel wir wird wo wohl zu zum zur zwar hallo danke moin guten
    tag frage eigentlich mal gerne brauche brauchen wollen mochte mochten wurde wurden viel viele
    fur furs furn wann warum weshalb wieso nachste nachsten geht gehts sowas etwas denn halt
    kriege kriegen bekomme bekommen gerade bald schon immer nie einfach genau bitte
    mach mache machen macht machst lohnt lohnen passt passen
    dat wat getz isch nich nix homma hoerma sach ma gibbet is dit det watt kannse kannste
    wech jo joa nee ne haste biste isses weisste
    the and or of to for is are do does can could we our my you your it its this that there
    any how what when where who which as on at by with from be been has have get only also
    much some just about if than then would should us they them their but all one now
    want wants need needs like know got gets did done really actually usually exactly still
    even again yes not dont very too more most hey hi thanks please pls okay lol stuff thing
    things quick question
    wi un de dor gifft mutt hett sund ook ok mien mi di vun op up bi ut wo wovill wullt
    wuellt kricht kriegt
    vonne ham nu inne son use na ick allet nen sowat woll ik habbt ey ausm wolln mitm auffe
    anne wa nit boah nomma kannze unsre keen ock heet seggt krich gekricht
    irgendwie nochmal egal ehrlich bloss stimmt dingens ding spater
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Snowball's German stemmer (PyStemmer, in C) unifies more inflections than the hand-written
# suffix list it replaced: Verein/Vereine, Region/Regionen, Zuschuss/Zuschüsse, Theater/
# Theatern and Aktion/Aktionen each share one stem now. Measured on the blind question sets
# (see tests/data/eval/README.md).
_GERMAN = Stemmer.Stemmer("german")


def fold(text: str) -> str:
    """Casefold and fold umlauts, ß and ae/oe/ue digraphs; keep spaces and punctuation.

    Thousands separators go: "8.000 Euro" is the number 8000, not the words "8" and "000"
    (which made every amount look like the title "2.000 x 1.000 Euro").
    """
    folded = text.casefold()
    if "." in folded or "," in folded:
        folded = _THOUSANDS.sub("", folded)
    # Chained replace is several times faster than translate() or a regex here.
    for old, new in _REPLACEMENTS:
        if old in folded:
            folded = folded.replace(old, new)
    return folded


def exact_words(text: str) -> list[str]:
    """Return the words of ``text`` folded without the ae/oe/ue step, which merges names.

    "Neuenkirchen" and "Neunkirchen" are two places that :func:`words` makes one.
    """
    folded = text.casefold()
    for old, new in _REPLACEMENTS[:7]:  # ä, ö, ü, ß and accents; not the digraphs
        folded = folded.replace(old, new)
    return [w for w in _NON_WORD.split(_THOUSANDS.sub("", folded)) if w]


def words(text: str) -> list[str]:
    """Return the folded words of ``text`` (no punctuation, stopwords kept)."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Snowball stem of a folded word (numbers stay as they are)."""
    if word.isdigit():
        return word
    return str(_GERMAN.stemWord(word))


def content_words(text: str) -> list[str]:
    """Return the folded words of ``text`` without stopwords and single letters."""
    # One pass over the split text (not via words()): the index calls this for every
    # title, example and description of a large knowledge base.
    return [w for w in _NON_WORD.split(fold(text)) if len(w) > 1 and w not in STOPWORDS]


def content_stems(text: str, synonyms: Mapping[str, str] | None = None) -> list[str]:
    """Return the stems of the non-stopwords of ``text``, mapped to synonym canonicals."""
    stems = [stem(w) for w in content_words(text)]
    if synonyms:
        stems = [synonyms.get(s, s) for s in stems]
    return stems


def joined(found: Sequence[str]) -> list[str]:
    """Return the stems of neighbouring words written together ("heimat scheck" → heimatscheck)."""
    return [stem(a + b) for a, b in itertools.pairwise(found)]


def joined_stems(text: str) -> list[str]:
    """Return :func:`joined` for the content words of ``text``."""
    return joined(content_words(text))


def synonym_map(groups: Iterable[Iterable[str]]) -> dict[str, str]:
    """Map each single-word synonym's stem to its group's first word's stem."""
    mapping: dict[str, str] = {}
    for group in groups:
        stems = [" ".join(content_stems(word)) for word in group]
        stems = [s for s in stems if s and " " not in s]
        for other in stems[1:]:
            if other != stems[0]:
                mapping.setdefault(other, stems[0])
    return mapping
