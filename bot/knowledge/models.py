"""The entries coordinators write: programmes, contacts, terms, regions and synonyms.

Keys are short English words (stable for tools), values are German. The JSON
Schema exported by ``foerderlotse kb schema`` is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bot.knowledge.deadlines import DeadlineRule
from bot.knowledge.fields import Euro, GermanDate, HourlyRate, Percent, Slug, Text, Url

_STRICT = ConfigDict(extra="forbid", frozen=True)

FundingType = Literal[
    "festbetrag", "anteil", "fehlbedarf", "voll", "preisgeld", "freibetrag", "unbekannt"
]
# What a labelled question asks about (knowledge/README.md, "Gestellte Fragen").
Aspect = Literal["frist", "betrag", "wer", "antrag", "kontakt", "begriff", "allgemein"]
# Who applies, as the Förderfinder asks it: a closed list, so that "Verein" in a
# question and "Vereine, Initiativen" in an entry meet on the same word.
ApplicantType = Literal["verein", "kommune", "kreis", "privatperson", "kuenstler", "schule"]
# The fields of work the Förderfinder offers; an entry lists every field it funds.
Area = Literal[
    "heimat", "musik", "theater_tanz", "kunst", "kulturelle_bildung", "soziokultur",
    "bau_denkmal", "engagement"
]
YesNoUnknown = Literal["ja", "nein", "unbekannt"]
RegionType = Literal[
    "bund", "land", "landesteil", "regierungsbezirk", "kreis", "kreisfreie_stadt", "kulturregion",
    "gemeinde"
]


class Figures(BaseModel):
    """The figures a second source gives, where sources disagree (``funding.alternative``)."""

    model_config = _STRICT
    amount_min: Euro | None = Field(None, description="Mindestbetrag laut dieser Quelle")
    amount_max: Euro | None = Field(None, description="Höchstbetrag laut dieser Quelle")
    share_max: Percent | None = Field(None, description="Förderquote laut dieser Quelle")
    cost_min: Euro | None = Field(None, description="Mindestkosten laut dieser Quelle")
    cost_max: Euro | None = Field(None, description="Höchstkosten laut dieser Quelle")
    source: Url | None = Field(None, description="Die Quelle dieser Zahlen")


class Funding(BaseModel):
    """How much money, and how it is computed (what the Förderrechner needs)."""

    model_config = _STRICT
    type: FundingType = Field(description="Finanzierungsart; „unbekannt“, wenn die Quelle nur "
                                          "„bis zu“ nennt")
    amount_min: Euro | None = Field(None, description="Mindestzuschuss in Euro")
    amount_max: Euro | None = Field(None, description="Höchstzuschuss in Euro")
    share_max: Percent | None = Field(None, description="Förderquote: höchster Anteil an den "
                                                        "förderfähigen Kosten in %")
    cost_min: Euro | None = Field(None, description="Mindestkosten des Projekts in Euro")
    cost_max: Euro | None = Field(None, description="Höchste Gesamtkosten des Projekts in Euro")
    own_share: str | None = Field(None, description="Eigenanteil, z. B. „keiner“ oder „10 %“")
    own_money_required: bool | None = Field(
        None, description="Müssen Eigenmittel eingebracht werden? Leer, wenn die Quelle es "
                          "nicht sagt")
    own_share_min: Percent | None = Field(None, description="Mindest-Eigenanteil in %")
    volunteer_work: YesNoUnknown = Field(
        "unbekannt", description="Zählt Eigenleistung (ehrenamtliche Stunden)?")
    volunteer_rate: HourlyRate | None = Field(
        None, description="Euro je Stunde Eigenleistung; leer: 15 € nach NRW-Regeln")
    uncertain: bool = Field(False, description="true, wenn Quellen verschiedene Beträge nennen")
    alternative: Figures | None = Field(
        None, description="Die abweichenden Zahlen der anderen Quelle (mit uncertain: true)")
    note: str | None = Field(None, description="Ergänzung in einem Satz")


class _Entry(BaseModel):
    """Fields every answerable entry shares."""

    model_config = _STRICT
    id: Slug = Field(description="Stabile Kennung, nie ändern: z. B. heimat-scheck")
    title: Text = Field(description="Name, wie er in Antworten erscheint")
    aliases: list[Text] = Field(default_factory=list, description="Andere Namen, Abkürzungen")
    sources: list[Url] = Field(min_length=1, description="Quellen (Internetadressen)")
    verified_on: GermanDate = Field(description="Wann die Angaben zuletzt geprüft wurden")
    examples: list[Text] = Field(default_factory=list, description="Beispielfragen")


class Programme(_Entry):
    """A funding programme (Förderprogramm)."""

    kind: Literal["programm"]
    summary: Text = Field(description="Worum es geht, zwei bis drei Sätze")
    funder: Text = Field(description="Fördergeber, z. B. Land NRW (MHKBD)")
    applicants: list[Text] = Field(min_length=1, description="Wer darf beantragen")
    applicant_types: list[ApplicantType] = Field(
        default_factory=list, description="Wer beantragen darf, für den Förderfinder")
    not_eligible: list[Text] = Field(default_factory=list, description="Wer nicht")
    regions: list[Slug] = Field(min_length=1, description="Fördergebiet: Regionskennungen")
    topics: list[Text] = Field(default_factory=list, description="Themen, z. B. Heimat")
    areas: list[Area] = Field(default_factory=list,
                              description="Sparten, die gefördert werden (Förderfinder)")
    conditions: list[Text] = Field(
        default_factory=list, description="Bedingungen, die der Förderfinder als „bitte "
                                          "prüfen“ nennt, z. B. „nur ländliche Räume“")
    funding: Funding
    deadlines: list[DeadlineRule] = Field(min_length=1, description="Fristen")
    apply: Text = Field(description="Wie und wo man beantragt")
    contacts: list[Slug] = Field(default_factory=list, description="Kennungen von Ansprechstellen")


class Contact(_Entry):
    """An office that helps (Ansprechstelle) — never a private person."""

    kind: Literal["kontakt"]
    organisation: Text = Field(description="Behörde oder Träger")
    responsible_for: list[Slug] = Field(min_length=1, description="Zuständig für diese Regionen")
    topics: list[Text] = Field(default_factory=list)
    summary: str | None = Field(None, description="Wobei die Stelle hilft")
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    web: Url | None = None


class Term(_Entry):
    """A term or frequently asked question (Begriff/FAQ)."""

    kind: Literal["begriff"]
    text: Text = Field(description="Erklärung in zwei bis vier Sätzen")
    # Asked who may use it ("Kann unser Verein bei der Westfalen-Initiative Geld beantragen?"),
    # the answer starts with this sentence instead of the explanation's first one.
    who: Text | None = Field(None, description="Wer ihn nutzen oder beantragen kann, ein Satz")
    see_also: list[Slug] = Field(default_factory=list, description="Verwandte Einträge")


class Region(BaseModel):
    """A Kreis, kreisfreie Stadt, Regierungsbezirk or larger area."""

    model_config = _STRICT
    id: Slug
    name: Text
    type: RegionType
    parent: Slug | None = Field(None, description="Übergeordnete Region")
    aliases: list[Text] = Field(default_factory=list)
    municipalities: list[Text] = Field(default_factory=list, description="Städte und Gemeinden")


class RegionsFile(BaseModel):
    """A list of regions."""

    model_config = _STRICT
    kind: Literal["regionen"]
    verified_on: GermanDate
    sources: list[Url] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    ambiguous_names: list[Text] = Field(
        default_factory=list,
        description="Ortsnamen, die auch gewöhnliche Wörter sind (Lage, Löhne): nur mit "
                    "„in“, „aus“, „bei“ … davor als Ort verstanden")


class SynonymsFile(BaseModel):
    """Groups of words that mean the same to a volunteer."""

    model_config = _STRICT
    kind: Literal["synonyme"]
    groups: list[Annotated[list[Text], Field(min_length=2)]] = Field(min_length=1)


class OutsideTopic(BaseModel):
    """A neighbouring topic the bot deliberately does not cover, and the words that name it."""

    model_config = _STRICT
    topic: Text
    words: list[Text] = Field(min_length=1)
    strict: bool = Field(False, description="true: gilt auch, wenn die Frage einen Eintrag "
                         "beim Namen nennt (andere Bundesländer, Öffnungszeiten); sonst nur, "
                         "wenn kein genannter Eintrag klar vorn liegt")


class OutsideFile(BaseModel):
    """Topics outside the bot's knowledge: a question about them is answered "weiß ich nicht"."""

    model_config = _STRICT
    kind: Literal["ausserhalb"]
    topics: list[OutsideTopic] = Field(min_length=1)


class LabelledQuestion(BaseModel):
    """A question people asked, and the entries that answer it (none: outside the knowledge)."""

    model_config = _STRICT
    frage: Text
    erwartet: list[Text] | Text | None = Field(
        None, description="Kennung(en) der richtigen Einträge, „ort:<Ort>“ für die zuständige "
                          "Stelle, oder leer, wenn die Frage außerhalb des Wissens liegt")
    # "stil" only groups the evaluation's figures (tests/data/eval/README.md); "aspekt" also
    # teaches the bot which fact such a question asks for. Both may stay empty.
    stil: str | None = None
    aspekt: Aspect | None = None
    autor: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Return the expected labels as a tuple (empty: out of scope)."""
        if self.erwartet is None:
            return ()
        return (self.erwartet,) if isinstance(self.erwartet, str) else tuple(self.erwartet)


class QuestionsFile(BaseModel):
    """Questions people asked, labelled: the bot trusts a match that similar questions share."""

    model_config = _STRICT
    kind: Literal["fragen"]
    fragen: list[LabelledQuestion] = Field(min_length=1)


Entry = Programme | Contact | Term
Document = Annotated[
    Programme | Contact | Term | RegionsFile | SynonymsFile | OutsideFile | QuestionsFile,
    Field(discriminator="kind"),
]
MODELS: dict[str, type[BaseModel]] = {
    "programm": Programme,
    "kontakt": Contact,
    "begriff": Term,
    "regionen": RegionsFile,
    "synonyme": SynonymsFile,
    "ausserhalb": OutsideFile,
    "fragen": QuestionsFile,
}


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of one knowledge document, for editors."""
    schema = TypeAdapter(Document).json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Förderlotse – Wissensdatei"
    return schema
