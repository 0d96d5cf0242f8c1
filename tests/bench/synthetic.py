"""Synthetic Förderlotse knowledge of realistic shape, and perturbed queries with known answers.

Everything here is deterministic for a given seed. Entries are produced as one
stream, so the first 1.000 entries of a 10.000-entry knowledge base are exactly
the 1.000-entry knowledge base.

Titles are built from a vocabulary of German word stems: ~130 qualifiers
(Heimat, Kultur, Jugend, Denkmal, …) times ~45 heads (-fonds, -preis,
-förderung, -scheck, …) give ~5.800 compounds, combined with ~50 adjectives,
~170 place names of Westfalen-Lippe, ~60 place adjectives (Detmolder, …) and
~70 target groups ("für Jugendchöre"). Titles are unique after the matcher's own
normalisation (case, umlauts, hyphens, word order and light stemming), so every
query has one right answer; but many entries share a compound, a place or an
adjective, so the right answer is never trivially the only one that looks close.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.normalize import content_words, stem

TODAY = dt.date(2026, 12, 1)
"""The date passed to the loader; every ``verified_on`` lies before it."""

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> list[str]:
    return text.split()


QUALIFIERS = _words("""
Heimat Kultur Jugend Musik Denkmal Kunst Theater Literatur Sport Umwelt Natur Dorf Stadt Bürger
Ehrenamts Vereins Brauchtums Mundart Chor Orchester Museums Archiv Bibliotheks Film Tanz Medien
Bildungs Integrations Inklusions Senioren Familien Kinder Frauen Nachbarschafts Garten Wald
Landschafts Klima Energie Digital Innovations Gründungs Kreativ Projekt Struktur Investitions Bau
Sanierungs Instrumenten Orgel Glocken Kirchen Schützen Karnevals Feuerwehr Heimatpflege
Geschichts Erinnerungs Gedenk Migrations Begegnungs Austausch Partnerschafts Freiwilligen
Engagement Demokratie Toleranz Zukunfts Dorferneuerungs Ortskern Leerstands Mobilitäts Radwege
Spielplatz Sportstätten Schwimmbad Bücherei Lese Schreib Sprach Übersetzungs Gastspiel Tournee
Festival Konzert Ausstellungs Galerie Atelier Fotografie Design Architektur Baukultur Handwerks
Trachten Volkstanz Amateurtheater Laienmusik Blasmusik Posaunenchor Spielmannszug Jazz Rock Pop
Klassik Kammermusik Kinderchor Jugendkunst Kulturerbe Industriekultur Bergbau Zechen Hof Mühlen
Fachwerk Burgen Schloss Kloster Park Streuobst Imker Artenschutz Gewässer Moor Heide Quartiers
Stadtteil Innenstadt Marktplatz Übungsleiter Ferien Schul Kita Hochschul Studierenden Wander
Volkslied Puppentheater Zirkus Kabarett Poesie Comic Hörspiel Radio Zeitzeugen Chronik
""")

# (head, grammatical gender)
HEADS: list[tuple[str, str]] = [
    ("fonds", "m"), ("preis", "m"), ("scheck", "m"), ("zuschuss", "m"), ("wettbewerb", "m"),
    ("topf", "m"), ("bonus", "m"), ("pakt", "m"), ("etat", "m"), ("gutschein", "m"),
    ("förderpreis", "m"), ("impuls", "m"), ("sonderfonds", "m"), ("aufruf", "m"),
    ("förderung", "f"), ("pauschale", "f"), ("initiative", "f"), ("stiftung", "f"),
    ("partnerschaft", "f"), ("werkstatt", "f"), ("akademie", "f"), ("offensive", "f"),
    ("beihilfe", "f"), ("prämie", "f"), ("auszeichnung", "f"), ("zulage", "f"), ("hilfe", "f"),
    ("kasse", "f"), ("starthilfe", "f"), ("anschubfinanzierung", "f"), ("projektförderung", "f"),
    ("sonderförderung", "f"), ("ehrung", "f"), ("patenschaft", "f"), ("richtlinie", "f"),
    ("programm", "n"), ("stipendium", "n"), ("budget", "n"), ("netzwerk", "n"), ("labor", "n"),
    ("siegel", "n"), ("darlehen", "n"), ("startgeld", "n"), ("preisgeld", "n"),
    ("förderprogramm", "n"), ("sonderprogramm", "n"), ("kontingent", "n"),
]

ADJECTIVES = _words("""
Regional Kommunal Ländlich Westfälisch Lippisch Klein Neu Offen Digital Grün Sozial Kreativ
Inklusiv Interkulturell Europäisch Innovativ Nachhaltig Generationenübergreifend Ehrenamtlich
Bürgerschaftlich Musikalisch Künstlerisch Historisch Modern Zeitgenössisch Lokal Überregional
Gemeinsam Dörflich Städtisch Kirchlich Öffentlich Jung Unbürokratisch Sauerländisch
Münsterländisch Ostwestfälisch Siegerländisch Märkisch Schnell Lebendig Vielfältig
Partizipativ Barrierefrei Solidarisch Kulturell Literarisch Nachbarschaftlich Familienfreundlich
""")

PLACES = [
    "Münster", "Bielefeld", "Paderborn", "Höxter", "Gütersloh", "Minden", "Herford", "Detmold",
    "Lemgo", "Soest", "Arnsberg", "Olpe", "Siegen", "Hamm", "Unna", "Dortmund", "Bochum", "Hagen",
    "Coesfeld", "Borken", "Steinfurt", "Warendorf", "Lüdenscheid", "Iserlohn", "Brilon",
    "Meschede", "Lippstadt", "Beckum", "Ahlen", "Rheine", "Ibbenbüren", "Greven", "Emsdetten",
    "Dülmen", "Lüdinghausen", "Bocholt", "Gronau", "Ahaus", "Vreden", "Stadtlohn",
    "Recklinghausen", "Marl", "Dorsten", "Haltern", "Gelsenkirchen", "Herne", "Castrop-Rauxel",
    "Witten", "Schwelm", "Gevelsberg", "Hattingen", "Sprockhövel", "Schwerte", "Lünen", "Kamen",
    "Bergkamen", "Werne", "Selm", "Bönen", "Fröndenberg", "Menden", "Hemer", "Plettenberg",
    "Altena", "Werdohl", "Meinerzhagen", "Attendorn", "Lennestadt", "Finnentrop", "Kirchhundem",
    "Drolshagen", "Wenden", "Kreuztal", "Netphen", "Hilchenbach", "Bad Berleburg", "Bad Laasphe",
    "Erndtebrück", "Winterberg", "Medebach", "Hallenberg", "Schmallenberg", "Eslohe", "Sundern",
    "Warstein", "Rüthen", "Geseke", "Erwitte", "Anröchte", "Bad Sassendorf", "Werl", "Wickede",
    "Ense", "Möhnesee", "Delbrück", "Salzkotten", "Büren", "Bad Lippspringe", "Altenbeken",
    "Lichtenau", "Bad Wünnenberg", "Warburg", "Brakel", "Steinheim", "Nieheim", "Beverungen",
    "Bad Driburg", "Willebadessen", "Borgentreich", "Marienmünster", "Bad Oeynhausen", "Löhne",
    "Bünde", "Enger", "Spenge", "Vlotho", "Kirchlengern", "Rödinghausen", "Hiddenhausen",
    "Lübbecke", "Espelkamp", "Rahden", "Stemwede", "Porta Westfalica", "Petershagen",
    "Bad Salzuflen", "Blomberg", "Horn-Bad Meinberg", "Lage", "Oerlinghausen", "Barntrup",
    "Extertal", "Kalletal", "Dörentrup", "Augustdorf", "Schlangen", "Leopoldshöhe",
    "Rheda-Wiedenbrück", "Verl", "Harsewinkel", "Halle", "Werther", "Steinhagen", "Versmold",
    "Borgholzhausen", "Rietberg", "Langenberg", "Herzebrock-Clarholz", "Sauerland", "Siegerland",
    "Münsterland", "Ostwestfalen", "Lippe", "Hellweg", "Wittgenstein", "Ruhrgebiet", "Emscher",
    "Weserbergland", "Eggegebirge", "Senne", "Tecklenburger Land", "Westfalen", "Westmünsterland",
    "Hochsauerland", "Ennepe-Ruhr", "Märkischer Kreis",
]

PLACE_ADJECTIVES = _words("""
Münsteraner Bielefelder Paderborner Höxteraner Gütersloher Mindener Herforder Detmolder Lemgoer
Soester Arnsberger Olper Siegener Hammer Dortmunder Bochumer Hagener Coesfelder Borkener
Steinfurter Warendorfer Lüdenscheider Iserlohner Briloner Mescheder Lippstädter Beckumer
Ahlener Rheiner Ibbenbürener Grevener Dülmener Bocholter Gronauer Ahauser Recklinghäuser
Marler Dorstener Herner Wittener Schwelmer Hattinger Schwerter Lüner Kamener Mendener
Hemeraner Attendorner Kreuztaler Winterberger Schmallenberger Warsteiner Geseker Werler
Delbrücker Salzkottener Warburger Brakeler Bünder Lübbecker Espelkamper Verler Versmolder
Rietberger Sauerländer Siegerländer Münsterländer Wittgensteiner Senner
""")

TARGETS = [
    "Chöre", "Jugendchöre", "Heimatvereine", "Schützenvereine", "Musikvereine",
    "Laienbühnen", "Kulturinitiativen", "Dorfgemeinschaften", "Kirchengemeinden",
    "Bürgerstiftungen", "Künstlerinnen", "Autorinnen", "Ehrenamtliche", "Jugendgruppen",
    "Seniorengruppen", "Fördervereine", "Museumsvereine", "Geschichtsvereine", "Sportvereine",
    "Kindergärten", "Schulen", "Bibliotheken", "Archive", "Landfrauen", "Nachbarschaften",
    "Quartiere", "Spielmannszüge", "Blaskapellen", "Orchester", "Bands", "Theatergruppen",
    "Tanzgruppen", "Heimatbühnen", "Trachtengruppen", "Karnevalsvereine", "Feuerwehren",
    "Migrantenorganisationen", "Initiativen", "Kreative", "Kulturschaffende", "Musikschulen",
    "Jugendzentren", "Familienzentren", "Mehrgenerationenhäuser", "Dorfläden", "Bürgerbusvereine",
    "Imkervereine", "Naturschutzgruppen", "Wandervereine", "Gebirgsvereine", "Heimatpfleger",
    "Ortsheimatpfleger", "Chronisten", "Gästeführer", "Kunstvereine", "Galerien",
    "Literaturbüros", "Filmclubs", "Programmkinos", "Posaunenchöre", "Kammerchöre",
    "Kinderchöre", "Gospelchöre", "Volkstanzgruppen", "Puppenbühnen", "Kleinkunstbühnen",
    "Jugendkunstschulen", "Stadtteilinitiativen", "Soloselbstständige",
]

# Groups named in questions only, never in titles: "für X" in a question must not
# accidentally spell another entry's title.
ASKERS = ["Vereine", "kleine Vereine", "Rentner", "Studierende", "Geflüchtete", "Anfänger",
          "Ehrenamtler", "Neugründungen", "Privatleute", "Einzelkünstler", "Gemeinden",
          "Kinder und Jugendliche", "Vereine ohne Gemeinnützigkeit", "Ortsteile", "Nachbarn"]

TAILS = ["Plus", "kompakt", "Spezial", "International", "Extra", "Digital", "Regional", "Aktiv",
         "Lokal", "Mobil"]

THINGS = _words("""
Bühnentechnik Noten Instrumente Trachten Honorare Werbung Flyer Plakate Miete Catering
Fahrtkosten Personalkosten Sachkosten Renovierung Dachsanierung Heizung Ausstellung Festschrift
Chronik Website Beamer Lautsprecher Zelt Bänke Vereinsheim Probenraum Workshops Konzertreise
Jubiläum Dorffest Schützenfest Weihnachtsmarkt Lesung Kinderfest Sommerfest Podcast
Digitalisierung Archivierung Restaurierung Gedenkstein Wegekreuz Orgelreparatur Glocke Fahne
Uniformen Lichttechnik Tontechnik Kostüme Requisiten Busfahrt Übernachtung Verpflegung
Versicherung Druckkosten Notenständer Klavier Flügel Schaukasten Infotafel Wanderweg Bienenhotel
Streuobstwiese Backhaus Dorfbrunnen Trafostation Bücherschrank Filmprojektor Leinwand
Mikrofone Mischpult Laptop Software Gema Künstlersozialkasse
""")

CLUBS = _words("""
Heimatverein Chor Musikverein Schützenverein Förderverein Kulturverein Theaterverein
Karnevalsverein Sportverein Spielmannszug Posaunenchor Dorfverein Bürgerverein Museumsverein
Kunstverein Trachtenverein Geschichtsverein Imkerverein Wanderverein Gospelchor Jugendchor
""")

TOPICS = ["Heimat", "Kultur", "Musik", "Denkmal", "Jugend", "Ehrenamt", "Brauchtum", "Literatur",
          "Theater", "Natur", "Dorfentwicklung", "Inklusion", "Integration", "Digitalisierung",
          "Geschichte", "Kunst", "Film", "Tanz", "Soziokultur", "Bildung"]

GOALS = [
    "junge Menschen einbinden", "das Ehrenamt stärken", "Generationen zusammenbringen",
    "den ländlichen Raum beleben", "lokale Geschichte sichtbar machen",
    "neue Zielgruppen erreichen", "Barrieren abbauen", "Nachbarschaften vernetzen",
    "Traditionen zeitgemäß weiterführen", "Leerstand kreativ nutzen",
    "Menschen mit Einwanderungsgeschichte beteiligen", "digitale Angebote aufbauen",
]

FUNDERS = [
    "Land NRW (MHKBD)", "Land NRW (MKW)", "Landschaftsverband Westfalen-Lippe (LWL)",
    "Bezirksregierung Detmold", "Bezirksregierung Münster", "Bezirksregierung Arnsberg",
    "Stiftung der Sparkasse", "Bürgerstiftung", "Bund (BKM)", "Kreis",
    "NRW-Stiftung", "Kunststiftung NRW", "Heimatbund",
]

APPLICANTS = [
    "eingetragene Vereine", "gemeinnützige Organisationen", "Kommunen", "Kirchengemeinden",
    "Stiftungen", "Initiativen mit Trägerverein", "Einzelpersonen", "Schulen",
]

REGIONS = [
    # (id, name, type, parent)
    ("nrw", "Nordrhein-Westfalen", "land", None),
    ("westfalen-lippe", "Westfalen-Lippe", "landesteil", "nrw"),
    ("rb-detmold", "Regierungsbezirk Detmold", "regierungsbezirk", "westfalen-lippe"),
    ("rb-muenster", "Regierungsbezirk Münster", "regierungsbezirk", "westfalen-lippe"),
    ("rb-arnsberg", "Regierungsbezirk Arnsberg", "regierungsbezirk", "westfalen-lippe"),
    ("kreis-hoexter", "Kreis Höxter", "kreis", "rb-detmold"),
    ("kreis-lippe", "Kreis Lippe", "kreis", "rb-detmold"),
    ("kreis-paderborn", "Kreis Paderborn", "kreis", "rb-detmold"),
    ("kreis-guetersloh", "Kreis Gütersloh", "kreis", "rb-detmold"),
    ("kreis-soest", "Kreis Soest", "kreis", "rb-arnsberg"),
    ("kreis-olpe", "Kreis Olpe", "kreis", "rb-arnsberg"),
    ("hochsauerlandkreis", "Hochsauerlandkreis", "kreis", "rb-arnsberg"),
    ("kreis-borken", "Kreis Borken", "kreis", "rb-muenster"),
    ("kreis-coesfeld", "Kreis Coesfeld", "kreis", "rb-muenster"),
    ("muenster", "Münster", "kreisfreie_stadt", "rb-muenster"),
    ("bielefeld", "Bielefeld", "kreisfreie_stadt", "rb-detmold"),
]

SYNONYM_GROUPS = [["Verein", "Club"], ["Frist", "Stichtag", "Deadline"], ["Chor", "Gesangverein"],
                  ["Antrag", "Förderantrag"]]

# Articles and adjective endings: (strong, nominative, accusative, dative) per gender.
_ENDINGS = {"m": ("er", "e", "en", "en"), "f": ("e", "e", "e", "en"), "n": ("es", "e", "e", "en")}
_ARTICLES = {
    "nom": {"m": "der", "f": "die", "n": "das"},
    "acc": {"m": "den", "f": "die", "n": "das"},
    "dat": {"m": "dem", "f": "der", "n": "dem"},
    "beim": {"m": "beim", "f": "bei der", "n": "beim"},
    "zum": {"m": "zum", "f": "zur", "n": "zum"},
}
_CASE_INDEX = {"strong": 0, "der": 1, "den": 2, "dem": 3, "beim": 3, "zum": 3}

# --------------------------------------------------------------------------- questions

# {beim} = "beim Regionalen Kulturfonds", {den} = "den Regionalen Kulturfonds",
# {T} = bare title, {A} = an alias, {thing}/{club}/{target}: other content words.
EXAMPLE_TEMPLATES = [
    "Wie viel Geld gibt es {beim}?",
    "Bis wann muss man {den} beantragen?",
    "Wer darf {den} beantragen?",
    "{T} für Vereine?",
    "Gibt es {beim} auch Geld für {thing}?",
    "Wie hoch ist der Eigenanteil {beim}?",
    "Kann unser {club} {den} bekommen?",
    "Wo stelle ich den Antrag für {den}?",
    "Welche Unterlagen braucht man für {den}?",
    "Wann ist die Frist {beim}?",
    "{T}: werden auch {thing} gefördert?",
    "Wie lange dauert die Bewilligung {beim}?",
    "Muss man {den} vor Projektbeginn beantragen?",
    "Zählt Eigenleistung {beim}?",
    "Ist {den} auch was für {target}?",
]
ALIAS_TEMPLATES = [
    "Was ist {A} eigentlich?",
    "Ist {A} auch was für {target}?",
    "Wie viel gibt es bei {A}?",
    "{A} – wer darf das beantragen?",
    "Kriegt unser {club} Geld aus {A}?",
]
# Title-based questions that are not among the entry's examples (held out).
HELDOUT_TEMPLATES = [
    "Infos {zum} bitte",
    "{T} Antrag stellen – wie geht das?",
    "Gibt es {den} noch?",
    "Förderhöhe {beim}?",
    "Hat jemand Erfahrung mit {dem}?",
    "Ansprechpartner für {den} gesucht",
    "Lohnt sich {der} für {target}?",
    "Was deckt {der} alles ab?",
    "{T} Fristen und Höhe",
    "Wir sind ein kleiner {club}, passt {der} zu uns?",
]

_QWERTZ = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "rzg", "z": "tuh", "u": "zij", "i": "uok",
    "o": "ipl", "p": "oü", "a": "qsy", "s": "adw", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjz",
    "j": "hku", "k": "jli", "l": "kö", "y": "xa", "x": "yc", "c": "xv", "v": "cb", "b": "vn",
    "n": "bm", "m": "n", "ä": "ö", "ö": "lä", "ü": "p", "ß": "s",
}
_UMLAUTS = re.compile("[äöüÄÖÜß]")
_DIGRAPH = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
_PLAIN = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"}
_TOKEN = re.compile(r"[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)*")


# --------------------------------------------------------------------------- entries


@dataclass
class Title:
    """The parts of a title, so it can be inflected inside questions."""

    gender: str
    compound: str
    qualifier: str
    head: str
    adjective: str | None = None
    place_adjective: str | None = None
    place: str | None = None
    tail: str | None = None

    def render(self, case: str = "strong") -> str:
        """Return the title (``strong``) or its article phrase (``beim``, ``den``, …)."""
        ending = _ENDINGS[self.gender][_CASE_INDEX[case]]
        parts = []
        if self.adjective:
            parts.append(self.adjective + ending)
        if self.place_adjective:
            parts.append(self.place_adjective)
        parts.append(self.compound)
        if self.place:
            parts.append(self.place)
        if self.tail:
            parts.append(self.tail)
        text = " ".join(parts)
        if case == "strong":
            return text
        key = {"den": "acc", "der": "nom", "dem": "dat"}.get(case, case)
        return f"{_ARTICLES[key][self.gender]} {text}"

    def phrase(self, slot: str) -> str:
        """Return the text for a template slot: ``T`` (bare title), ``beim``, ``den``, …."""
        return self.render("strong" if slot == "T" else slot)


@dataclass
class Entry:
    """One synthetic programme."""

    number: int
    entry_id: str
    title: str
    parts: Title
    aliases: list[str]
    examples: list[str]
    summary: str
    topics: list[str]
    regions: list[str]
    funder: str
    applicants: list[str]
    verified_on: dt.date
    amount: int
    deadline: dict[str, Any]
    title_words: frozenset[str] = field(default_factory=frozenset)

    def to_yaml_data(self) -> dict[str, Any]:
        """Return the entry as the loader's ``programm`` document (all scalars text)."""
        return {
            "id": self.entry_id,
            "kind": "programm",
            "title": self.title,
            "aliases": self.aliases,
            "sources": [f"https://www.foerderung-westfalen.example.org/programme/{self.entry_id}"],
            "verified_on": self.verified_on.strftime("%d.%m.%Y"),
            "examples": self.examples,
            "summary": self.summary,
            "funder": self.funder,
            "applicants": self.applicants,
            "regions": self.regions,
            "topics": self.topics,
            "funding": {"type": "festbetrag", "amount_max": f"{self.amount:,}".replace(",", ".")},
            "deadlines": [self.deadline],
            "apply": "Formloser Antrag per E-Mail an die Geschäftsstelle, Formular online.",
        }


def title_key(text: str) -> str:
    """Return what the matcher cannot tell apart: stems, ignoring hyphens and word order."""
    return " ".join(sorted(stem(w) for w in content_words(text.replace("-", ""))))


def slugify(text: str) -> str:
    """Return a loader-valid id for ``text``."""
    folded = text.lower().translate(str.maketrans(_DIGRAPH | {"ß": "ss"}))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _title(rng: random.Random) -> Title:
    qualifier = rng.choice(QUALIFIERS)
    head, gender = rng.choice(HEADS)
    if rng.random() < 0.1 and not qualifier.endswith("s"):
        compound = f"{qualifier}-{head[0].upper()}{head[1:]}"
    else:
        compound = qualifier + head
    base = {"gender": gender, "compound": compound, "qualifier": qualifier, "head": head}
    pattern = rng.random()
    if pattern < 0.22:
        return Title(**base, adjective=rng.choice(ADJECTIVES))
    if pattern < 0.44:
        return Title(**base, place=rng.choice(PLACES))
    if pattern < 0.58:
        return Title(**base, place_adjective=rng.choice(PLACE_ADJECTIVES))
    if pattern < 0.74:
        return Title(**base, adjective=rng.choice(ADJECTIVES), place=rng.choice(PLACES))
    if pattern < 0.86:
        return Title(**base, tail="für " + rng.choice(TARGETS))
    if pattern < 0.93:
        return Title(**base, adjective=rng.choice(ADJECTIVES),
                     tail="für " + rng.choice(TARGETS))
    return Title(**base, place=rng.choice(PLACES), tail=rng.choice(TAILS))


def _aliases(parts: Title, rng: random.Random) -> list[str]:
    """Return candidate aliases in random order: acronym, place form, colloquial short forms."""
    flat = parts.compound.replace("-", "")
    head, qualifier = parts.head, parts.qualifier
    head_title = head[:1].upper() + head[1:]
    letters = []
    for word in re.split(r"[\s-]+", parts.render()):
        if word == parts.compound or word == flat:
            letters += [qualifier[0], head[0].upper()]
        elif word and word != "für":
            letters.append(word[0].upper())
    acronym = "".join(letters)
    fugen_s = qualifier.endswith("s") and not qualifier.endswith("ss")
    short = qualifier[:-1] if fugen_s else qualifier
    candidates = [acronym]
    if parts.place:
        candidates.append(f"{parts.place}-{head_title}")
    if parts.adjective:
        candidates.append(f"{head_title} für {parts.adjective.lower()}e {short}")
    elif parts.place_adjective:
        candidates.append(f"{parts.place_adjective} {head_title}")
    else:
        candidates.append(f"{head_title} für {short} {parts.place or parts.tail or ''}".strip())
    rng.shuffle(candidates)
    year = rng.choice((2025, 2026, 2027))
    return [*candidates, f"{acronym} {year}", f"{parts.render()} {year}"]  # fallbacks


def _fill(template: str, entry_phrase: Any, rng: random.Random, alias: str | None) -> str:
    values = {
        "T": entry_phrase("T"), "beim": entry_phrase("beim"), "den": entry_phrase("den"),
        "der": entry_phrase("der"), "dem": entry_phrase("dem"), "zum": entry_phrase("zum"),
        "thing": rng.choice(THINGS), "club": rng.choice(CLUBS), "target": rng.choice(ASKERS),
        "A": alias or entry_phrase("T"),
    }
    return _upper_first(template.format(**values))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _summary(rng: random.Random, entry_phrase: Any, place: str, amount: int) -> str:
    things = rng.sample(THINGS, 3)
    sentences = [
        f"{_upper_first(entry_phrase('der'))} unterstützt {rng.choice(TARGETS)} und "
        f"{rng.choice(TARGETS)} in {place} bei Projekten rund um {rng.choice(TOPICS)} "
        f"und {rng.choice(TOPICS)}.",
        f"Gefördert werden unter anderem {things[0]}, {things[1]} und {things[2]}, "
        "sofern das Vorhaben öffentlich zugänglich ist.",
        f"Die Förderung beträgt bis zu {amount:,} Euro; ".replace(",", ".")
        + f"der Eigenanteil liegt bei mindestens {rng.choice([0, 5, 10, 20])} Prozent.",
        f"Besonders erwünscht sind Projekte, die {rng.choice(GOALS)} und "
        f"{rng.choice(GOALS)}.",
        "Nicht gefördert werden laufende Betriebskosten und Vorhaben, die vor der Bewilligung "
        "begonnen haben.",
        f"Eine Beratung vor der Antragstellung bietet das Regionalbüro {rng.choice(PLACES)} an; "
        "Eigenleistungen können anerkannt werden.",
    ]
    return " ".join(sentences)


def _deadline(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    day = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
    if roll < 0.6:
        return {"type": "jaehrlich", "dates": [day]}
    if roll < 0.75:
        return {"type": "laufend"}
    if roll < 0.9:
        return {"type": "datum", "dates": [f"{day}{rng.choice([2026, 2027])}"]}
    return {"type": "zweistufig", "steps": [
        {"label": "Projektskizze", "dates": [f"{rng.randint(1, 28):02d}.0{rng.randint(1, 5)}."]},
        {"label": "Antrag", "dates": [f"{rng.randint(1, 28):02d}.{rng.randint(7, 11):02d}."]},
    ]}


def generate(count: int, seed: int = 1) -> list[Entry]:
    """Return ``count`` unique entries; a prefix of a larger run with the same seed."""
    rng = random.Random(seed)
    used: set[str] = set()
    ids: set[str] = set()
    entries: list[Entry] = []
    start = dt.date(2025, 1, 1).toordinal()
    span = TODAY.toordinal() - start - 5
    while len(entries) < count:
        parts = _title(rng)
        title = parts.render()
        key = title_key(title)
        if key in used or len(title.split()) > 4:
            continue
        used.add(key)
        aliases: list[str] = []
        wanted = rng.choice((1, 2))
        for candidate in _aliases(parts, rng):
            if len(aliases) == wanted:
                break
            alias_key = title_key(candidate)
            if alias_key and alias_key not in used and candidate != title:
                used.add(alias_key)
                aliases.append(candidate)
        entry_id = slugify(title)
        while entry_id in ids:
            entry_id += "-x"
        ids.add(entry_id)
        templates = rng.sample(EXAMPLE_TEMPLATES, 4 if aliases else 5)
        render = parts.phrase
        examples = [_fill(t, render, rng, None) for t in templates]
        if aliases:
            examples.insert(rng.randrange(5), _fill(rng.choice(ALIAS_TEMPLATES), render, rng,
                                                    rng.choice(aliases)))
        amount = rng.choice([500, 1000, 1500, 2000, 2500, 3000, 5000, 7500, 10000, 15000, 25000,
                             40000, 100000])
        where = parts.place or rng.choice(PLACES)
        words = frozenset(w.casefold() for form in ("strong", "der", "den", "dem", "beim", "zum")
                          for w in _TOKEN.findall(parts.render(form)))
        words |= frozenset(w.casefold() for a in aliases for w in _TOKEN.findall(a))
        entries.append(Entry(
            number=len(entries), entry_id=entry_id, title=title, parts=parts, aliases=aliases,
            examples=examples, summary=_summary(rng, render, where, amount),
            topics=rng.sample(TOPICS, rng.randint(1, 3)),
            regions=[rng.choice(REGIONS)[0]], funder=rng.choice(FUNDERS),
            applicants=rng.sample(APPLICANTS, rng.randint(1, 3)),
            verified_on=dt.date.fromordinal(start + rng.randrange(span)), amount=amount,
            deadline=_deadline(rng), title_words=words - {"für", "der", "die", "das", "den",
                                                         "dem", "beim", "bei", "zum", "zur"},
        ))
    return entries


def vocabulary_size() -> int:
    """Return how many distinct stems/compounds/names the title vocabulary offers."""
    return (len(QUALIFIERS) * len(HEADS) + len(ADJECTIVES) + len(PLACES) + len(PLACE_ADJECTIVES)
            + len(TARGETS) + len(TAILS))


# --------------------------------------------------------------------------- YAML


def regions_document() -> dict[str, Any]:
    """Return the regions file every programme's ``regions`` refer to."""
    regions = []
    for region_id, name, kind, parent in REGIONS:
        region: dict[str, Any] = {"id": region_id, "name": name, "type": kind}
        if parent:
            region["parent"] = parent
        regions.append(region)
    return {"kind": "regionen", "verified_on": "01.01.2025",
            "sources": ["https://www.it.nrw/kreise-und-gemeinden"], "regions": regions}


def write_yaml(entries: list[Entry], root: Path) -> int:
    """Write one YAML file per entry (plus regions and synonyms) under ``root``; return bytes."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    written = 0

    def dump(path: Path, data: dict[str, Any]) -> None:
        nonlocal written
        text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        written += len(text.encode())

    (root / "regionen").mkdir(parents=True, exist_ok=True)
    dump(root / "regionen" / "westfalen.yaml", regions_document())
    dump(root / "synonyme.yaml", {"kind": "synonyme", "groups": SYNONYM_GROUPS})
    for entry in entries:
        folder = root / "programme" / f"{entry.number // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        dump(folder / f"{entry.entry_id}.yaml", entry.to_yaml_data())
    return written


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    """A perturbed question and the entry that answers it."""

    text: str
    entry_number: int
    source: str  # "example" or "heldout"
    original: str
    perturbations: tuple[str, ...]


def _typo(word: str, rng: random.Random) -> str:
    for _ in range(10):
        i = rng.randrange(len(word))
        op = rng.choice(("swap", "drop", "duplicate", "replace"))
        if op == "swap" and i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == "drop":
            out = word[:i] + word[i + 1:]
        elif op == "duplicate":
            out = word[:i] + word[i] + word[i:]
        else:
            low = word[i].lower()
            pool = _QWERTZ.get(low, "aeiou")
            new = rng.choice(pool)
            out = word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1:]
        if out.lower() != word.lower():
            return out
    return word


def _fold_umlauts(text: str, rng: random.Random) -> str:
    table = _DIGRAPH if rng.random() < 0.5 else _PLAIN
    return _UMLAUTS.sub(lambda m: table[m[0]], text)


def perturb(
    question: str, protected: frozenset[str], rng: random.Random
) -> tuple[str, tuple[str, ...]]:
    """Apply typos, umlaut folding, word-order shuffle and dropped words (at least one)."""
    tokens = _TOKEN.findall(question)
    keep_punct = rng.random() < 0.3
    chosen = {
        "typo": rng.random() < 0.75,
        "umlaut": rng.random() < 0.5 and bool(_UMLAUTS.search(question)),
        "shuffle": rng.random() < 0.3 and len(tokens) > 2,
        "drop": rng.random() < 0.4,
    }
    droppable = [i for i, t in enumerate(tokens) if t.casefold() not in protected]
    if chosen["drop"] and not droppable:
        chosen["drop"] = False
    if not any(chosen.values()):
        chosen["typo"] = True
    if chosen["drop"]:
        count = 2 if len(tokens) >= 8 and len(droppable) >= 3 else 1
        gone = set(rng.sample(droppable, count))
        tokens = [t for i, t in enumerate(tokens) if i not in gone]
    if chosen["typo"]:
        long_enough = [i for i, t in enumerate(tokens) if len(t) >= 4]
        if long_enough:
            for i in rng.sample(long_enough, min(len(long_enough), rng.choice((1, 1, 2)))):
                tokens[i] = _typo(tokens[i], rng)
        else:
            chosen["typo"] = False
    if chosen["shuffle"]:
        before = list(tokens)
        while tokens == before:
            rng.shuffle(tokens)
    text = " ".join(tokens)
    if keep_punct and not chosen["shuffle"] and question.rstrip().endswith("?"):
        text += "?"
    if chosen["umlaut"]:
        text = _fold_umlauts(text, rng)
    if rng.random() < 0.5:
        text = text.lower()
    return text, tuple(name for name, on in chosen.items() if on)


def queries(entries: list[Entry], count: int, seed: int = 2) -> list[Query]:
    """Return ``count`` perturbed questions about random entries, half held out."""
    rng = random.Random(seed * 1_000_003 + len(entries))
    found: list[Query] = []
    for _ in range(count):
        entry = entries[rng.randrange(len(entries))]
        render = entry.parts.phrase
        if rng.random() < 0.5:
            original, source = rng.choice(entry.examples), "example"
        else:
            original = _fill(rng.choice(HELDOUT_TEMPLATES), render, rng, None)
            source = "heldout"
        text, applied = perturb(original, entry.title_words, rng)
        found.append(Query(text, entry.number, source, original, applied))
    return found


def iter_example_strings(entries: list[Entry]) -> Iterator[tuple[str, int]]:
    """Yield every example question with its entry number (the baseline's corpus)."""
    for entry in entries:
        for example in entry.examples:
            yield example, entry.number
