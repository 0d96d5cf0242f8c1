"""What a question asks decides what the answer leads with (issue #10, part 3)."""

from __future__ import annotations

import pytest

from bot.knowledge.intent import Intent, also_asked, asked_sentences, intent_of


@pytest.mark.parametrize(("question", "intent"), [
    # The amount cue "euro" must not hide a question about who may apply.
    ("wir sind kein verein, nur ne lose truppe. kriegen wir die 2.500 euro ohne verein?",
     Intent.ELIGIBILITY),
    ("NRW-Stiftung: dürfen Privatpersonen einen Antrag stellen?", Intent.ELIGIBILITY),
    ("Können Kommunen dort Anträge stellen?", Intent.ELIGIBILITY),
    ("Aktion Mensch Viel vor: für welche Zielgruppen ist das?", Intent.ELIGIBILITY),
    ("kann ich als einzelne künstlerin bei der kunststiftung was beantragen?",
     Intent.ELIGIBILITY),
    # An explicit amount question stays one, whoever asks it.
    ("Wie viel bekommen wir als Verein beim Heimat-Scheck?", Intent.AMOUNT),
    ("Welches Preisgeld gibt es für eine kreisangehörige Kommune?", Intent.AMOUNT),
    ("Müssen wir etwas zurückzahlen, wenn wir weniger ausgeben?", Intent.AMOUNT),
    # Deadlines, with the typos phones make, and asked in English before "can we apply".
    ("bis wan muss der antrag für den heimatscheck weg sein", Intent.DEADLINE),
    ("bis wnan muss die projektskizze beim kulturamt sein", Intent.DEADLINE),
    ("wann entschiedet der vorstand über die anträge?", Intent.DEADLINE),
    ("Bis zu welchem Datum können Anträge gestellt werden?", Intent.DEADLINE),
    ("sparda stiftung – any fixed deadlines or can we apply anytime?", Intent.DEADLINE),
    # Context first, question last: the last asked sentence decides.
    ("Wir haben 8.000 Euro Budget und viele Ideen. Wer kann uns beraten?", Intent.CONTACT),
    ("Wer ist die Contact Person für Kulturförderung bei uns im Kreis?", Intent.CONTACT),
    ("Gibt es beim Kreis eine Stelle, die mir sagen kann, welche Töpfe passen?", Intent.CONTACT),
    # "als Verein", "wer kann" ask who may apply, but not beside "zuständig" or "helfen".
    ("Wer ist für Gescher zuständig, wenn wir als Verein Kulturförderung suchen?",
     Intent.CONTACT),
    ("Wer kann uns in Schwerte helfen? Wir wollen ein Stadtteilfest machen.", Intent.CONTACT),
    ("Heimatverein Schöppingen hier – wer kann uns bei Förderanträgen unter die Arme greifen?",
     Intent.CONTACT),
    # Where to get help, an office asked for in other words than "Ansprechpartner".
    ("Wir wollen ein Dorffest mit Kunst machen. Wer kann uns da weiterhelfen?", Intent.CONTACT),
    ("Musikverein hier – wo kriegen wir Hilfe beim Förderantrag?", Intent.CONTACT),
    ("gibts in der stadt ne stelle für kulturförderung?", Intent.CONTACT),
    ("Ein Verein will beim Regionalen Kulturprogramm mitmachen, wer ist da die Anlaufstelle?",
     Intent.CONTACT),
    ("Gibt es in Hamm ein Büro für das RKP, wo ich mal vorbeischauen kann?", Intent.CONTACT),
    ("Wo ist für einen Verein aus Arnsberg die Stelle vom Land für Heimatförderung?",
     Intent.CONTACT),
    ("wir wollen nen graffiti workshop in verl machen, wo frag ich da wegen funding?",
     Intent.CONTACT),
    ("Wo finde ich Infos zur Frist beim Heimat-Scheck?", Intent.DEADLINE),
    # Who gets it, which day, from which size, asked in the words people use.
    ("Wer kricht denn den Heimat-Fonds, nur die Gemeinde oder auch wir?", Intent.ELIGIBILITY),
    ("Funding for Dritte Orte – who is allowed to apply?", Intent.ELIGIBILITY),
    ("Bis zu welchem Tag nimmt die DSEE noch Anträge an?", Intent.DEADLINE),
    ("Hömma, wie lang hamm wer noch Zeit für die tausend Euro?", Intent.DEADLINE),
    ("Ab welchem Projektvolumen kommt das Heimat-Zeugnis in Frage?", Intent.AMOUNT),
    ("We want to apply at the LWL-Kulturstiftung – is there a minimum amount?", Intent.AMOUNT),
    ("Gibbet da wat vom Land, wo man nix selber zubuttern muss?", Intent.AMOUNT),
    # How soon, and which share, asked beside "als Verein" or in Low German.
    ("Dat Ding mit den tausend Euro – muss man sich da beeilen, bevor dat Geld wech is?",
     Intent.DEADLINE),
    ("Wie lang hamm wir Zeit für den Antrag bei de DSEE?", Intent.DEADLINE),
    ("Kann man bei Dritte Orte jederzeit einen Antrag stellen?", Intent.DEADLINE),
    ("Mit welchem Förderanteil können wir als Verein beim Heimat-Zeugnis rechnen?",
     Intent.AMOUNT),
    ("Dat Leader-Geld för lütte Projekte, wo väl givt dat dor eegentlich?", Intent.AMOUNT),
    # Whether we qualify, in other words than "dürfen wir".
    ("lwl kulturfons kann da ein heimatverein beantragen", Intent.ELIGIBILITY),
    ("Bitte informieren Sie uns über die Antragsberechtigung beim Kleinprojektefonds.",
     Intent.ELIGIBILITY),
    ("Kommen wir als Stadtteilverein in einer Großstadt bei Dritte Orte überhaupt in Frage?",
     Intent.ELIGIBILITY),
    ("dsee mikroförderung geht das für nen verein in netphen? zählt das als ländl raum",
     Intent.ELIGIBILITY),
    ("kultur macht stark brauchen wir da echt 3 partner oder reicht einer", Intent.ELIGIBILITY),
    ("kulturrucksak nrw wie kommen wir da rein, unsere kinder sind aber erst 8-10",
     Intent.ELIGIBILITY),
    ("Dat Geld vom Land fürs Ehrenamt – muss man da schnell sein?", Intent.DEADLINE),
    ("Kreis Herford culture funding, what is the max per project?", Intent.AMOUNT),
    ("Wat givt dat bi'n Heimatscheck, un mött wi wat dortoleggen?", Intent.AMOUNT),
    ("Ey, die Westfalen-Initiative – geben die nu Geld für unsern Verein oder nich?",
     Intent.ELIGIBILITY),
    ("Fördert diese Stiftung überhaupt Projekte von Vereinen?", Intent.ELIGIBILITY),
    # A condition with a figure asks who may take part ...
    ("Wie viele Partner braucht ein Bündnis bei Kultur macht stark mindestens?",
     Intent.ELIGIBILITY),
    ("Ab welcher Zahl an Kindern kann eine Gemeinde allein beim Kulturrucksack mitmachen?",
     Intent.ELIGIBILITY),
    ("Ab welcher Größe darf eine Stadt eigenständig am Kulturrucksack teilnehmen?",
     Intent.ELIGIBILITY),
    ("Welche Voraussetzungen muss unser Verein für die NRW-Stiftung erfüllen?",
     Intent.ELIGIBILITY),
    ("Wer muss beim Kulturrucksack den Antrag stellen, die Stadt oder wir?", Intent.ELIGIBILITY),
    ("Is Kultur und Schule the right programme for us and who applies?", Intent.ELIGIBILITY),
    ("Kann ein Chor aus Espelkamp beim Kreis Geld bekommen?", Intent.ELIGIBILITY),
    # ... but from which size it qualifies asks for an amount.
    ("Ab welcher Projektgröße kommt das Heimat-Zeugnis in Frage?", Intent.AMOUNT),
    ("Ab welcher Größenordnung nimmt die LWL-Kulturstiftung Anträge an?", Intent.AMOUNT),
    ("Welches Büro ist das für den Kreis Soest, und wo sitzt es?", Intent.CONTACT),
    ("Gibt es beim LWL eine zentrale Stelle für Kulturförderung, bei der ich vorher anrufen "
     "kann?", Intent.CONTACT),
    ("Bei welcher Stelle im Kreis Herford fragt man nach Zuschüssen?", Intent.CONTACT),
    # Wanting money ("Euro", "kricht") is no amount question when the sentence asks who.
    ("Dat mit dem Euro-für-Euro vom Land – kann unser Verein dat direkt kriegen?",
     Intent.ELIGIBILITY),
    ("Kricht man den Heimat-Scheck auch als Privatmensch, oder muss dat 'n Verein sein?",
     Intent.ELIGIBILITY),
    ("wir sind nich gemeinnützig, nur so ne lose truppe. kriegen wa trotzdem die 2.500 euro?",
     Intent.ELIGIBILITY),
    ("Wat kricht man beim Heimatscheck?", Intent.AMOUNT),
    # Who may apply, asked without "wer": the applicant named, an age limit, Low German.
    ("Können Gemeinden Mittel aus dem Mikroförderprogramm der DSEE beantragen?",
     Intent.ELIGIBILITY),
    ("aktion mensch viel vor jugendliche bis wie alt dürfen die sein", Intent.ELIGIBILITY),
    ("Kricht wi dat lütte Geld, oder is dat blots för de Stadtlüe?", Intent.ELIGIBILITY),
    ("Gibbet dat noch, son Mikro-Dings bis 2500 Euro? Gellt dat för us hier överhaupt?",
     Intent.ELIGIBILITY),
    # "beantrag" is two letters longer than "betrag": no typo of it, and asking which
    # Bezirksregierung is asking for an office.
    ("bei welcher bezirksregierung beantrag ich den heimatscheck wir sind kreis steinfurt",
     Intent.CONTACT),
    ("Which Bezirksregierung handles Heimatförderung applications?", Intent.CONTACT),
    ("Gibt es in Olsberg jemanden, an den ich mich wenden kann?", Intent.CONTACT),
    ("Moin, ik bün neu as Ortsheimatpfleger. Wer helpt mi hier?", Intent.CONTACT),
    ("Wo schick ik denn den Antrag för de Heimatförderung hin?", Intent.APPLY),
    ("Watt is'n Zuwendungsbescheid?", Intent.DEFINITION),
    ("Fördert die NRW-Stiftung auch Städte und Gemeinden direkt?", Intent.ELIGIBILITY),
    ("Sehr geehrte Damen und Herren, können gemeinnützige Vereine aus dem Märkischen Kreis "
     "Anträge bei der Stiftung der Sparda-Bank West stellen?", Intent.ELIGIBILITY),
    ("Kann man beim LWL-Kulturfonds noch für ein Projekt im Herbst beantragen?",
     Intent.DEADLINE),
    ("kultur macht stark wir als musikverein plus jugendzentrum reicht das als bündnis",
     Intent.ELIGIBILITY),
    ("lwl kulturfonds was is da min und max??", Intent.AMOUNT),
    ("For Kultur und Schule, what percentage does the Land pay?", Intent.AMOUNT),
    ("kultur macht stark kann unsre schule da selbst nen antrag stellen", Intent.ELIGIBILITY),
    ("Für welches Alter ist der Kulturrucksack gedacht?", Intent.ELIGIBILITY),
    ("Ab welchen Gesamtkosten kommt das Heimat-Zeugnis überhaupt infrage?", Intent.AMOUNT),
    ("We're looking at LEADER. What's the funding rate?", Intent.AMOUNT),
    ("Beim Soziokultur-Fonds is im Mai Schicht. Gibbet da später noch ne zweite Runde?",
     Intent.DEADLINE),
    ("Die Gemeinde will sich am Heimat-Preis beteiligen. Bis zu welchem Datum ist die "
     "Teilnahme anzumelden?", Intent.DEADLINE),
    ("Gibt's ein regionales Kulturbüro, das bei Förderanträgen hilft?", Intent.CONTACT),
    ("Kulturförderung in Bad Berleburg – wo fange ich am besten an?", Intent.CONTACT),
    # How much, in English and Low German; a term asked about in dialect.
    ("Ehrenamtspauschale – what's the limit now, still 840 or more?", Intent.AMOUNT),
    ("Wovill is dat nu, 840 oder is dat nu mehr wurn?", Intent.AMOUNT),
    ("Beim Engagement gilt dat Windhundprinzip. Wat soll dat denn heißen?",
     Intent.DEFINITION),
    # Is the pot still open, must we add money, may a Kommune apply: each its own aspect.
    ("is die 1000 euro engagement sache schon weg für kreis steinfurt", Intent.DEADLINE),
    ("lwl kulturfonds 2026 schon offen??", Intent.DEADLINE),
    ("Gibbet bei Aktion Mensch wat, ohne dat wir selbst wat zuschießen müssen?", Intent.AMOUNT),
    ("gibts beim kreis so nen kleinen topf für kulturprojekte bis 500€?", Intent.AMOUNT),
    ("Steht das Mikroförderprogramm auch Kommunen offen?", Intent.ELIGIBILITY),
    ("Ist es zulässig, dass die Gemeinde selbst einen Heimat-Scheck beantragt?",
     Intent.ELIGIBILITY),
    ("Wir als Verein planen ein Dorffest. Wat kricht man beim Heimatscheck?", Intent.AMOUNT),
    ("Müssen wir da als Verein selber auch noch Geld dazu tun?", Intent.AMOUNT),
    ("Was zahlt der Kreis Herford pro Projekt?", Intent.AMOUNT),
    ("In welcher Spanne fördert der LWL-Kulturfonds?", Intent.AMOUNT),
    # A phrase starts at a word: "dennoch möglich" is not "noch möglich".
    ("Wir haben weniger als 3.500 Kinder. Ist eine Teilnahme dennoch möglich?",
     Intent.ELIGIBILITY),
    ("Ist ein Antrag für 2027 noch möglich?", Intent.DEADLINE),
    # A cue word inside a compound still counts.
    ("Wann ist die Antragsfrist?", Intent.DEADLINE),
    ("Wie ist die Fördersumme?", Intent.AMOUNT),
    ("hallo zusammen", Intent.GENERAL),
    ("Wat heißt dat denn, is dat Geld dann schon sicher?", Intent.DEFINITION),
])
def test_the_asked_aspect_is_recognised(question: str, intent: Intent) -> None:
    assert intent_of(question) is intent


@pytest.mark.parametrize(("question", "first", "also"), [
    ("Wann ist die nächste Ausschreibung, und wie hoch ist die Förderung?", Intent.AMOUNT,
     Intent.DEADLINE),
    ("Heimat-Scheck: wie viel gibt es und bis wann muss der Antrag da sein?", Intent.DEADLINE,
     Intent.AMOUNT),
    ("Darf ich als Privatperson einen Antrag stellen und wie viel gibt es?", Intent.AMOUNT,
     Intent.ELIGIBILITY),
    ("Gibt es bei der NRW-Stiftung Fristen, und könnte die Gemeinde als Antragstellerin "
     "auftreten?", Intent.DEADLINE, Intent.ELIGIBILITY),
    # One fact asked; a broad cue ("können wir") is no second question.
    ("Wie viel können wir beim Heimat-Scheck bekommen?", Intent.AMOUNT, None),
    # A second cue only in the told context is no second question.
    ("Die Frist haben wir verpasst. Wie viel gibt es beim Heimat-Scheck?", Intent.AMOUNT, None),
    # Who advises is no fact for the first line: the card names the office.
    ("Wer berät uns zum Heimat-Scheck, und wie viel gibt es?", Intent.AMOUNT, None),
])
def test_a_second_fact_asked_outright_is_found(question: str, first: Intent,
                                               also: Intent | None) -> None:
    assert intent_of(question) is first
    assert also_asked(question, first) is also


def test_the_asked_sentences_of_a_message_are_found() -> None:
    assert asked_sentences("Wir sind ein Verein. Wie viel gibt es? Und bis wann? Danke.") == (
        "Wie viel gibt es? Und bis wann?")
    assert asked_sentences("wie viel gibt es beim heimatscheck") == (
        "wie viel gibt es beim heimatscheck")
