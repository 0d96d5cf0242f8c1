"""The dialogue core through a fake transport that records a transcript."""

from __future__ import annotations

import pytest

from bot.dialogue.core import APOLOGY, Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from tests.conftest import Transcript


async def test_amount_question_answers_with_amount_source_and_date(chat: Transcript) -> None:
    text = await chat.say("wie viel gibt's beim heimatscheck?")
    assert text.startswith("Heimat-Scheck – Förderung: 2.000 € als Festbetrag")
    assert "Quelle: https://" in text
    assert "(Stand: 02.12.2026)" in text


async def test_a_deadline_question_about_an_office_leads_with_its_dated_sentence(
        chat: Transcript) -> None:
    text = await chat.say("Bis wann muss der Projektbogen bei der Kulturregion Hellweg sein?")
    first = text.splitlines()[0]
    assert first.startswith("Kulturregion Hellweg – ")
    assert "30.09." in first
    plain = await chat.say("Kulturregion Hellweg")
    assert plain.splitlines()[0] == "Kulturregion Hellweg"


async def test_deadline_question_puts_the_next_deadline_first(chat: Transcript) -> None:
    text = await chat.say("Bis wann muss die Projektskizze für Kultur und Schule rein?")
    assert text.splitlines()[0] == (
        "Kultur und Schule – Frist: 31.03.2027 (in 125 Tagen) – Projektskizze an das Kulturamt")


async def test_disputed_deadline_is_flagged(chat: Transcript) -> None:
    text = await chat.say("heimat scheck frist")
    first, second = text.splitlines()[:2]
    assert first.startswith("Heimat-Scheck – Frist: 23.10.2027 (in 331 Tagen, unsicher)")
    assert second.startswith("Achtung, Frist unsicher:")
    assert "31.10." in second


async def test_a_place_routes_to_the_responsible_office(chat: Transcript) -> None:
    text = await chat.say("wer hilft mir in Brakel?")
    assert text.startswith("Für Brakel ist zuständig:\n\nKulturbüro Kreis Höxter")


async def test_place_spelled_with_ae_and_typos(chat: Transcript) -> None:
    assert "Kulturbüro Kreis Höxter" in await chat.say("Ansprechpartner in Hoexter")
    assert "Kreis Herford" in await chat.say("wer hilft in bünde")


async def test_out_of_scope_is_admitted_and_points_to_a_contact(chat: Transcript) -> None:
    text = await chat.say("Wann wird der Müll abgeholt?")
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")
    assert "LWL" in text


async def test_ambiguous_question_offers_numbered_choices_that_can_be_picked(
    chat: Transcript,
) -> None:
    text = await chat.say("förderung")
    assert text.startswith("Meinten Sie …?\n1. ")
    first = chat.last.choices[0]
    picked = await chat.say("1")
    assert picked.startswith(first.label)
    assert await chat.say("9") == "Bitte antworten Sie mit einer Zahl von 1 bis 3."


async def test_choice_buttons_are_validated(chat: Transcript) -> None:
    assert (await chat.say(callback="e:heimat-scheck")).startswith("Heimat-Scheck")
    assert "nicht mehr" in await chat.say(callback="e:gibt-es-nicht")
    assert "nicht mehr aktuell" in await chat.say(callback="x" * 300)


async def test_term_question(chat: Transcript) -> None:
    text = await chat.say("was ist ein verwendungsnachweis")
    assert text.startswith("Verwendungsnachweis: ")


async def test_asked_who_may_use_a_term_its_who_sentence_leads(chat: Transcript) -> None:
    text = await chat.say("Kann unser Heimatverein bei der Westfalen-Initiative einen Zuschuss "
                          "beantragen?")
    assert text.startswith("Westfalen-Initiative – Antrag stellen können dort weder Vereine "
                           "noch Kommunen")
    # The explanation follows whole; asked what it is, the explanation leads as before.
    assert "Die Stiftung Westfalen-Initiative ist eine operative Stiftung" in text
    what = await chat.say("Was ist die Westfalen-Initiative?")
    assert what.startswith("Westfalen-Initiative: Die Stiftung Westfalen-Initiative ist")


@pytest.mark.parametrize(("command", "start"), [
    ("/start", "Guten Tag! Ich bin der Förderlotse"),
    ("/hilfe", "Stellen Sie Ihre Frage einfach in eigenen Worten. Befehle:"),
    ("!help", "Stellen Sie Ihre Frage einfach in eigenen Worten. Befehle:"),
    ("/programme", "Förderprogramme:\n• "),
    ("/programme heimat", "Förderprogramme zum Thema „heimat“:\n• Heimat-"),
    ("/frist LWL Kulturstiftung", "LWL-Kulturstiftung\nFrist: 28.02.2027 (in 94 Tagen)"),
    ("/frist@FoerderlotseBot heimatscheck", "Heimat-Scheck\nFrist: 23.10.2027"),
    ("/kontakt Espelkamp", "Für Espelkamp ist zuständig:"),
    ("/kontakt", "Nennen Sie Ihren Ort"),
])
async def test_commands(chat: Transcript, command: str, start: str) -> None:
    assert (await chat.say(command)).startswith(start)


@pytest.mark.parametrize(("command", "reply"), [
    ("/frist", "Bitte nennen Sie das Programm, z. B. /frist Heimat-Scheck"),
    ("/frist Mondlandung", "Ein Programm „Mondlandung“ kenne ich nicht. Mit /programme sehen "
                           "Sie alle, z. B. /frist Heimat-Scheck"),
    ("/kontakt Atlantis", "Den Ort „Atlantis“ kenne ich nicht. Bitte nennen Sie Stadt, Gemeinde "
                          "oder Kreis, z. B. /kontakt Brakel"),
    ("/tanzen", "Den Befehl „/tanzen“ kenne ich nicht. Mit /hilfe sehen Sie alle Befehle."),
    ("   ", "Stellen Sie mir gern eine Frage, z. B. „Bis wann läuft der Heimat-Scheck?“"),
])
async def test_malformed_commands_get_a_short_german_explanation(
    chat: Transcript, command: str, reply: str
) -> None:
    assert await chat.say(command) == reply


async def test_rolling_and_past_rounds_are_said_plainly(chat: Transcript) -> None:
    assert "Anträge sind laufend möglich" in await chat.say("/frist heimat-werkstatt")
    # The past date says which round it belonged to.
    assert "Die letzte bekannte Frist (01.11.2025, Antragsschluss Runde 2025" in await chat.say(
        "/frist 2000 x 1000 euro")


@pytest.mark.parametrize("text", [
    "<b>Heimatscheck</b>", "🎉🎉🎉", "\u202eKcehcstamieh", "\x00\x07", "x" * 5000,
    "DROP TABLE;", "{{7*7}}",
])
async def test_odd_input_never_breaks(chat: Transcript, text: str) -> None:
    reply = await chat.say(text)
    assert reply
    assert reply != APOLOGY


async def test_internal_errors_become_an_apology(dialogue: Dialogue,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> None:
        raise RuntimeError("secret detail")

    failing = Dialogue(broken, dialogue._clock)  # type: ignore[arg-type]
    reply = await failing.handle(IncomingMessage(ChatRef("t", "1"), "Heimatscheck?"))
    assert reply.text == APOLOGY
    assert "secret detail" in caplog.text


async def test_a_place_narrows_a_programmes_contacts(chat: Transcript) -> None:
    text = await chat.say("Heimatscheck in Brakel wie viel?")
    assert "Kontakt: Bezirksregierung Detmold – Heimatförderung\n" in text


async def test_an_answer_card_shows_every_deadline_of_the_coming_year(chat: Transcript) -> None:
    text = await chat.say("Kleinprojektefonds Kreis Höxter: bis wann?")
    dates = [line for line in text.splitlines() if "Frist: " in line]
    assert len(dates) == 3, text  # 01.03., 01.06. and 01.10. (only two were shown before)
    assert all("…" not in line for line in text.splitlines())


async def test_a_named_programmes_aspect_beats_the_term_for_that_aspect(chat: Transcript) -> None:
    # "Frist … laufend" also explains the term "Antragsfrist"; the question asks the programme's.
    text = await chat.say("Sehr geehrte Damen und Herren, ist die Antragstellung bei der "
                          "Heimat-Werkstatt an eine Frist gebunden oder laufend möglich?")
    assert text.startswith("Heimat-Werkstatt – Frist: keine feste Frist")
    term = await chat.say("Was bedeutet Antragsfrist oder laufend?")
    assert term.startswith("Antragsfrist")


async def test_the_place_picks_the_office_among_offices_the_words_fit_alike(
        chat: Transcript) -> None:
    # "Bezirksregierung … Heimatförderung" fits all three alike; Paderborn lies in RB Detmold.
    text = await chat.say("Welche Bezirksregierung bearbeitet Heimatförderanträge aus dem "
                          "Kreis Paderborn?")
    assert text.startswith("Bezirksregierung Detmold")
    assert "Meinten Sie" not in text
    # Named, an office for another area stays first: the question asks whether it is.
    hellweg = await chat.say("Gehört Dortmund zur Kulturregion Hellweg?")
    assert hellweg.startswith("Kulturregion Hellweg")


async def test_a_question_how_two_named_terms_differ_explains_both(chat: Transcript) -> None:
    text = await chat.say("Sehr geehrte Damen und Herren, worin besteht der Unterschied "
                          "zwischen einer Anteilfinanzierung und einer Festbetragsfinanzierung?")
    assert text.startswith("Anteilfinanzierung:")
    assert "\n\nFestbetragsfinanzierung:" in text
    assert "Meinten Sie" not in text
    # One named term alone is explained alone.
    single = await chat.say("Was ist eine Anteilfinanzierung?")
    assert "Festbetragsfinanzierung:" not in single


async def test_a_named_entry_leading_clearly_is_answered_despite_dialect(
        chat: Transcript) -> None:
    # The dialect words fit stray entries a little; the named RKP scores twice the runner-up.
    text = await chat.say("Sach ma, dat RKP – muss man da zweima wat einreichen oder reicht "
                          "dat einmal?")
    assert text.startswith("Regionales Kultur Programm NRW")
    assert "Meinten Sie" not in text


async def test_a_name_made_of_stopwords_is_a_name(chat: Transcript) -> None:
    # "Viel vor" is two stopwords; as a name it still names Aktion Mensch's programme.
    text = await chat.say("viel vor förderung jugendlihe bis 27")
    assert text.startswith("Aktion Mensch „Viel vor“")
    # ... and "viel" alone stays a stopword.
    text = await chat.say("wie viel gibt es beim Heimat-Scheck?")
    assert text.startswith("Heimat-Scheck")


async def test_a_typo_of_a_name_is_still_a_name(chat: Transcript) -> None:
    # "Zuwendungsbescheid" is indexed as its synonym group's first word (Bewilligung), and
    # "Verwendungsnachweiß" is itself a word of an example question: both still name the term.
    text = await chat.say("zuwendungsbeschied auflagen")
    assert text.startswith("Zuwendungsbescheid:")
    text = await chat.say("verwendungsnachweiß was muss da rein")
    assert text.startswith("Verwendungsnachweis:")


@pytest.mark.parametrize(("question", "start"), [
    ("Was bedeutet Antragsfrist?", "Antragsfrist:"),
    ("Was ist der Eigenanteil?", "Eigenanteil:"),
    ("Was ist ein Zuschuss?", "Zuwendung"),
    ("Dat mit dem Eigenanteil versteh ich nich. Wat is dat genau, zählt unser Kuchenverkauf "
     "da auch mit?", "Eigenanteil:"),
])
async def test_asked_what_a_plain_term_means_the_term_answers(chat: Transcript, question: str,
                                                             start: str) -> None:
    # "Frist", "Eigenanteil" and "Zuschuss" are in every programme and name nothing alone.
    text = await chat.say(question)
    assert text.startswith(start)
    assert "Meinten Sie" not in text


async def test_asked_what_a_named_term_means_the_term_answers_whatever_the_story(
        chat: Transcript) -> None:
    # The message tells a situation the vorzeitige Maßnahmebeginn explains; the question asks
    # what the Zuwendungsbescheid is.
    text = await chat.say("Watt is'n Zuwendungsbescheid? Hab so'n Brief gekricht und weiß nich, "
                          "ob wir getz anfangen dürfen.")
    assert text.startswith("Zuwendungsbescheid:")


async def test_a_programme_named_with_a_term_is_still_the_programme(chat: Transcript) -> None:
    text = await chat.say("Was ist die Frist beim Heimat-Scheck?")
    assert text.startswith("Heimat-Scheck – Frist:")
    # Without a programme, "Eigenanteil" is no programme's: no programme is answered.
    general = await chat.say("Wie hoch ist der Eigenanteil?")
    assert not general.startswith("Fonds Soziokultur")


async def test_a_typo_the_stemmer_cuts_differently_is_still_a_name(chat: Transcript) -> None:
    # "Verwendungsnachwies" stems to "verwendungsnachwi", two edits from the title's stem;
    # the word itself is one swap away.
    text = await chat.say("Nu is dat Projekt vörbi. Wat mutt denn all in düssen "
                          "Verwendungsnachwies rin?")
    assert text.startswith("Verwendungsnachweis")


async def test_a_named_programmes_office_for_the_place_answers_who_is_responsible(
        chat: Transcript) -> None:
    text = await chat.say("Ein Verein aus Soest plant ein Vorhaben im Regionalen "
                          "Kulturprogramm. Welches Regionalbüro ist für ihn zuständig?")
    assert "\n\nKulturregion Hellweg" in text


async def test_asked_where_to_go_for_a_named_programme_its_regional_office_answers(
        chat: Transcript) -> None:
    # "Anlaufstelle" and "ein Büro … vorbeischauen" ask for an office, though "mitmachen"
    # reads as asking who may take part.
    for question in ("Ein Verein in Hamm will beim Regionalen Kulturprogramm mitmachen, wer "
                     "ist da die Anlaufstelle?",
                     "Gibt es in Hamm ein Büro für das Regionale Kulturprogramm, wo ich mal "
                     "vorbeischauen kann?"):
        assert (await chat.say(question)).startswith("Für Hamm ist zuständig:\n\nKulturregion "
                                                     "Hellweg")


async def test_asked_who_helps_with_a_term_from_a_place_its_office_answers(
        chat: Transcript) -> None:
    # "Drittmittel" names the term Kofinanzierung; who helps with it is the place's office.
    text = await chat.say("Wer hilft mir in Rheine bei Drittmitteln für ein Kulturprojekt?")
    assert text.startswith("Für Rheine ist zuständig:\n\nKulturbüro Kreis Steinfurt")
    # Asked whom to contact about a funder a term describes, the term still answers.
    local = await chat.say("Die Sparkasse hat doch so eine Kulturstiftung. Wie finde ich raus, "
                           "welche bei uns im Kreis Warendorf zuständig ist?")
    assert local.startswith("Sparkassen-Stiftungen")


async def test_an_office_of_another_kreis_is_no_answer_for_the_place(chat: Transcript) -> None:
    # "Kulturarbeit" is in the Kreis Herford office's name; Dülmen lies in Kreis Coesfeld.
    text = await chat.say("Wo meldet sich ein Kulturverein aus Dülmen beim Kreis, wenn er "
                          "Fragen zur Kulturarbeit hat?")
    assert text.startswith("Für Dülmen ist zuständig:\n\nKreis Coesfeld")
    assert "Herford" not in text
    # Asked from Vlotho, the same words find Herford's office, asked as "wie erreiche ich".
    vlotho = await chat.say("Ich wohne in Vlotho und suche beim Kreis die Stelle, die sich um "
                            "Kulturarbeit kümmert. Wie erreiche ich die?")
    assert vlotho.startswith("Für Vlotho ist zuständig:\n\nKreis Herford")
    # A place the question names an office by is no reason to route elsewhere.
    named = await chat.say("Bei wem reicht man dat mit der Heimatförderung getz ein, in "
                           "Detmold oder Münster? Warburg is ja OWL, nä.")
    assert "Kreis Lippe" not in named
    # ... and a question the knowledge does not fit stays unknown, place or not.
    market = await chat.say("Wat kostet denn 'n Stand auffem Weihnachtsmarkt in Soest?")
    assert "Kulturregion Hellweg" not in market


async def test_asked_for_a_regional_office_the_region_leads_the_kreis(chat: Transcript) -> None:
    # From Detmold both the Kreis Lippe's office and the OWL culture region's answer; the
    # Kreis's own office leads, unless the question asks for a regional one.
    text = await chat.say("Wir sind'n Kulturverein aus Detmold un wollen wat Größeres mit den "
                          "Nachbarorten machen. Gibbet hier in Ostwestfalen so'n regionales "
                          "Kulturbüro, wo man sich melden kann?")
    assert text.startswith("Für Detmold ist zuständig:\n\nOWL")
    kreis = await chat.say("Wer hilft uns in Detmold bei der Kulturförderung?")
    assert kreis.startswith("Für Detmold ist zuständig:\n\nKreis Lippe")
    # The LWL serves all of Westfalen-Lippe: no regional office, whatever its words fit.
    hamm = await chat.say("Gibt es in Hamm eine Stelle, die bei regionalen Kulturprojekten "
                          "berät?")
    assert hamm.startswith("Für Hamm ist zuständig:\n\nKulturregion Hellweg")


async def test_two_named_offices_leave_the_choice_to_the_place(chat: Transcript) -> None:
    text = await chat.say("Wer ist für uns in Gelsenkirchen bei der Heimatförderung zuständig, "
                          "Bezirksregierung Münster oder Arnsberg?")
    assert text.startswith("Bezirksregierung Münster")


async def test_an_offices_own_programme_answers_its_amount(chat: Transcript) -> None:
    text = await chat.say("Kreis Minden-Lübbecke: Wie hoch ist das Jahresbudget der Richtlinie "
                          "Jugendkultur?")
    assert text.startswith("Kulturförderung Kreis Minden-Lübbecke – Förderung:")
    # Asked for money in general words, the office's fund is meant too.
    fund = await chat.say("Gibbet vom LWL so'n Fonds für Kultur, wo auch so'n lütter "
                          "Heimatverein wie wir wat von kriegt?")
    assert fund.startswith("LWL-Kulturfonds")
    rules = await chat.say("Wer entscheidet im Kreis Minden-Lübbecke über die "
                           "Kulturfördermittel?")
    assert rules.startswith("Kulturförderung Kreis Minden-Lübbecke")


@pytest.mark.parametrize(("question", "start"), [
    # "Topf" and "Kultur" also fit the LWL-Kulturfonds, which the model was sure of.
    ("Wir sind ein Kunstverein aus Spenge – hat der Kreis Herford einen eigenen Topf für "
     "Kulturprojekte?", "Kulturförderung Kreis Herford"),
    # "der Kreis Minden-Lübbecke" names the Kreis's office as well; the money is the programme.
    ("In Petershagen planen wir ein Mühlenfest mit Ausstellung, gibt der Kreis "
     "Minden-Lübbecke dafür was dazu?", "Kulturförderung Kreis Minden-Lübbecke"),
    ("Kleinprojekte in Nieheim: wie viel gibt der Kreis Höxter da pro Vorhaben?",
     "Kleinprojektefonds Kreis Höxter"),
    ("Im Mühlenkreis, wie viel Kohle ham die da im Jahr für Jugendkultur übrig?",
     "Kulturförderung Kreis Minden-Lübbecke"),
])
async def test_asked_for_the_kreiss_money_the_kreiss_programme_answers(
        chat: Transcript, question: str, start: str) -> None:
    text = await chat.say(question)
    assert text.startswith(start)


async def test_the_kreiss_office_still_answers_who_to_call(chat: Transcript) -> None:
    text = await chat.say("Wen kann ich beim Kreis Herford wegen Kulturförderung anrufen?")
    assert "Kreis Herford – Kulturarbeit" in text.split("\n\n")[1]


@pytest.mark.parametrize(("question", "desk"), [
    ("Welche Behörde bearbeitet Heimatförderanträge aus Warstein?", "Arnsberg"),
    ("Wo ist ein Antrag auf Heimatförderung für eine Gemeinde im Kreis Lippe einzureichen?",
     "Detmold"),
])
async def test_the_heimatfoerderung_from_a_place_goes_to_its_bezirksregierung(
        chat: Transcript, question: str, desk: str) -> None:
    # Warstein's culture region (Hellweg) is no Heimat desk; the Bezirksregierung is.
    text = await chat.say(question)
    assert text.split("\n\n")[1].startswith(f"Bezirksregierung {desk} – Heimatförderung")


@pytest.mark.parametrize(("question", "office"), [
    ("Kulturförderung in Bad Berleburg – wo fange ich am besten an?", "Bezirksregierung Arnsberg"),
    ("Gibt's für Gütersloh und Umgebung ein regionales Kulturbüro, das bei Förderanträgen "
     "hilft?", "OWL Kulturbüro"),
    ("Gibt es hier in Olsberg eine Stelle, an die ich mich wenden kann?",
     "Bezirksregierung Arnsberg"),
])
async def test_asking_where_to_turn_from_a_place_names_its_office(
        chat: Transcript, question: str, office: str) -> None:
    text = await chat.say(question)
    assert text.split("\n\n")[1].startswith(office)


@pytest.mark.parametrize(("question", "start"), [
    ("Was gibt es an Förderung für Theaterprojekte in Nottuln?",
     "Für Nottuln ist zuständig:\n\nKreis Coesfeld – Kultur"),
    ("Welche Fördertöpfe gibt es in Lemgo für Musikvereine?",
     "Für Lemgo ist zuständig:\n\nKreis Lippe – Fördermittelmanagement"),
    # A programme for all of NRW that merely shares a word ("Kulturprogramm") is no answer
    # for Gladbeck.
    ("Was gibt es in Gladbeck an Fördermöglichkeiten für ein Straßenfest mit Kulturprogramm?",
     "Für Gladbeck ist zuständig:\n\nBezirksregierung Münster"),
    # The Kreis's own fund is an answer for the place.
    ("Was gibt es in Brakel an Kulturförderung für kleine Vereine?",
     "Kleinprojektefonds Kreis Höxter"),
])
async def test_asked_what_culture_funding_a_place_has_its_office_or_own_fund_answers(
        chat: Transcript, question: str, start: str) -> None:
    # No programme named and none sure, or only one for all of NRW: the office knows what
    # fits there.
    text = await chat.say(question)
    assert text.startswith(start)


@pytest.mark.parametrize("question", [
    "Welche Förderung gibt es für einen Kunstrasenplatz in Nottuln?",
    "Gibt es in Bad Laasphe Zuschüsse zu den Kita-Gebühren?",
])
async def test_asked_what_other_funding_a_place_has_the_bot_says_it_does_not_know(
        chat: Transcript, question: str) -> None:
    text = await chat.say(question)
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")


@pytest.mark.parametrize(("question", "start"), [
    ("How much money can an artist get for a project in a Kita? I heard the Land has a "
     "programme that sends artists into Kindergartens.", "Künstlerinnen und Künstler in die Kitas"),
    ("When are the deadlines for the Kreis Herford culture project grants?",
     "Kulturförderung Kreis Herford – Frist"),
])
async def test_english_words_of_a_mixed_message_count_as_their_german_ones(
        chat: Transcript, question: str, start: str) -> None:
    text = await chat.say(question)
    assert text.startswith(start)


async def test_ruhr_and_low_german_fillers_do_not_drown_the_question(chat: Transcript) -> None:
    # "vonne", "ham", "inne", "son", "allet" are function words, not words the bot lacks.
    text = await chat.say("Ham wa vonne Stadt son Scheck vom Land über 2000 Euro gekricht – "
                          "muss man da allet selber abrechnen oder wat?")
    assert text.startswith("Heimat-Scheck")


async def test_a_conductors_allowance_is_the_uebungsleiterpauschale(chat: Transcript) -> None:
    # Conducting is artistic work under § 3 Nr. 26 EStG, not the Ehrenamtspauschale's.
    text = await chat.say("Unser Dirigent kricht ne kleine Aufwandsentschädigung vonne "
                          "Kapelle. Wie viel darf dat im Jahr sein, ohne dat dat Finanzamt wat "
                          "abhaben will?")
    assert text.startswith("Übungsleiterpauschale: Steuerfrei sind")


async def test_another_land_in_english_is_still_outside(chat: Transcript) -> None:
    text = await chat.say("We're moving our choir to Regensburg – are there culture grants in "
                          "Bavaria we could apply for?")
    assert text.startswith("Dazu weiß ich leider nichts Sicheres")


@pytest.mark.parametrize(("question", "start"), [
    ("Wir in Delbrück gehören doch zur Bezirksregierung Arnsberg, oder? Geht um "
     "Heimatförderung für unser Dorfarchiv",
     "Für Delbrück ist zuständig (nicht Bezirksregierung Arnsberg – Heimatförderung):\n\n"
     "Bezirksregierung Detmold"),
    ("Heimatverein Nottuln hier. Unser Kassierer meint, den Heimat-Scheck schickt man an die "
     "Bezirksregierung Detmold. Stimmt das für uns?",
     "Für Nottuln ist zuständig (nicht Bezirksregierung Detmold – Heimatförderung):\n\n"
     "Bezirksregierung Münster"),
    ("Wir in Lüdinghausen gehören doch zur Kulturregion Hellweg, oder? Wo reichen wir unser "
     "Projektblatt fürs Kulturprogramm ein?",
     "Für Lüdinghausen ist zuständig (nicht Kulturregion Hellweg):\n\nKulturbüro Münsterland"),
])
async def test_the_office_the_asker_wrongly_believes_in_is_corrected(
        chat: Transcript, question: str, start: str) -> None:
    text = await chat.say(question)
    assert text.startswith(start)


async def test_where_to_send_the_heimat_application_names_the_places_desk(
        chat: Transcript) -> None:
    text = await chat.say("Ortsheimatpfleger ut Beelen. Wo schick ik denn den Antrag för de "
                          "Heimatförderung hin? Wi liegt ja im Kreis Warendorf – is dat nu "
                          "Detmold oder Münster?")
    assert text.startswith("Für Kreis Warendorf ist zuständig:\n\nBezirksregierung Münster")


async def test_calling_an_office_is_no_typo_of_calling_off_funds(chat: Transcript) -> None:
    # "anrufen" is one letter from "abrufen" (Mittelabruf); it asks for a contact.
    text = await chat.say("Hat der Kreis Herford eine Abteilung für Kultur, wo man anrufen kann?")
    assert "Kreis Herford – Kulturarbeit" in text.split("\n\n")[1]


async def test_a_neighbouring_topic_beside_a_clearly_named_entry_is_context(
        chat: Transcript) -> None:
    text = await chat.say("Heimat-Scheck für einen interkulturellen Verein – zählt Musik aus "
                          "Anatolien auch als Heimat, oder nur Schützenfest und Chronik?")
    assert "Heimat-Scheck" in text.split("\n")[0]
    # A strict topic stays out even beside a named entry: another Land is not ours.
    text = await chat.say("gibbet in hessen auch sowat wie den heimat-scheck?")
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")


async def test_a_message_naming_one_entry_is_answered_about_it(chat: Transcript) -> None:
    # Words the knowledge never saw ("Backhaus", "medebach") dilute the score; the name,
    # typed with a typo, still settles it.
    text = await chat.say("wir sind n heimatverien in medebach und wollen das alte backhaus "
                          "herichten kann mann dafür den heimatscheck nehmen")
    assert text.startswith("Heimat-Scheck")
    assert "Meinten Sie" not in text


async def test_a_term_named_as_a_point_in_time_gives_way_to_the_situation(
        chat: Transcript) -> None:
    # "Förderbescheid" names the Zuwendungsbescheid, but only as the moment to wait for.
    text = await chat.say("Wir müssen die Vitrinen schon jetzt bestellen, sonst kommen sie "
                          "nicht rechtzeitig. Der Förderbescheid ist aber noch nicht da. Dürfen "
                          "wir trotzdem bestellen, bevor die Bewilligung da ist?")
    assert text.startswith("Vorzeitiger Maßnahmebeginn")
    # Asked about itself, the named term answers.
    text = await chat.say("Was steht in einem Förderbescheid?")
    assert text.startswith("Zuwendungsbescheid")


async def test_a_named_term_that_explains_less_than_another_is_not_answered_alone(
        chat: Transcript) -> None:
    # "Bescheid" names the Zuwendungsbescheid; the situation is the vorzeitige Maßnahmebeginn.
    text = await chat.say("Die Druckerei will den Auftrag jetzt, der Bescheid ist aber noch "
                          "nicht da. Dürfen wir den Vertrag trotzdem schon unterschreiben?")
    assert not text.startswith("Zuwendungsbescheid")


async def test_two_facts_asked_at_once_both_lead_the_answer(chat: Transcript) -> None:
    text = await chat.say("Wir sind ein Heimatverein in einem Dorf. Wie viel gibt es beim "
                          "Heimat-Scheck, und bis wann muss der Antrag da sein?")
    first, second, third = text.splitlines()[:3]
    assert first == ("Heimat-Scheck – Frist: 23.10.2027 (in 331 Tagen, unsicher) – "
                     "Antragsschluss für das laufende Jahr; Förderung: 2.000 € als Festbetrag, "
                     "Eigenanteil: keiner")
    # The notes on both facts follow whole, the doubt about the deadline first.
    assert second.startswith("Achtung, Frist unsicher:")
    assert third.startswith("Zur Förderung: Die förderfähigen Kosten müssen mindestens 2.000 €")
    assert text.count("Frist: 23.10.2027") == 1
    text = await chat.say("Darf eine Gemeinde beim Heimat-Scheck einen Antrag stellen, und wie "
                          "viel gibt es?")
    assert text.splitlines()[0].startswith(
        "Heimat-Scheck – Förderung: 2.000 € als Festbetrag, Eigenanteil: keiner; Nein – nicht "
        "antragsberechtigt: Kommunen.")


async def test_a_term_asked_about_beats_the_programme_it_was_read_in(chat: Transcript) -> None:
    text = await chat.say("Beim LWL-Kulturfonds steht, dass nur als Festbetrag gefördert wird. "
                          "Was bedeutet Festbetragsfinanzierung praktisch?")
    assert text.startswith("Festbetragsfinanzierung: ")
    # Asked what the programme is, the programme stays first.
    text = await chat.say("Was ist die Heimat-Werkstatt, und gibt es da eine Anteilfinanzierung?")
    assert text.startswith("Heimat-Werkstatt")
    # "von Bedeutung" in a told sentence asks nothing about a term.
    text = await chat.say("Fördert die LWL-Kulturstiftung als Fehlbedarfs- oder als "
                          "Anteilfinanzierung? Mehreinnahmen wären für uns von Bedeutung.")
    assert text.startswith("LWL-Kulturstiftung – Förderung: Fehlbedarfsfinanzierung")


async def test_asked_whom_to_contact_a_programmes_one_office_answers(chat: Transcript) -> None:
    text = await chat.say("Wer ist beim LWL eigentlich der Ansprechpartner für den Kulturfonds?")
    assert text.startswith("LWL-Kulturabteilung\n")
    # Several offices (one per Bezirksregierung): without a place the programme names them all.
    text = await chat.say("Wer ist Ansprechpartner für den Heimat-Scheck?")
    assert text.startswith("Heimat-Scheck – Ansprechstelle: Bezirksregierung Münster")
    # ... unless the question names one of them by its region.
    text = await chat.say("Unsere Jugendgruppe plant etwas mit Partnern im Münsterland. Welche "
                          "Stelle ist dort für das Regionale Kulturprogramm zuständig?")
    assert text.startswith("Kulturbüro Münsterland\n")


async def test_a_funding_told_only_in_its_note_keeps_the_note_beside_a_second_fact(
        chat: Transcript) -> None:
    # The Kulturrucksack's amount is only in its note: the first sentence must still say it.
    text = await chat.say("Wie viel gibt das Land beim Kulturrucksack pro Kind, und für welches "
                          "Alter genau?")
    first = text.splitlines()[0]
    assert first.startswith("Kulturrucksack NRW – Förderung: Finanzierungsart laut Quelle offen "
                            "(Das Land zahlt den ausgewählten Kommunen einen Festbetrag von 6 € je "
                            "Kind")
    assert first.endswith("; Antrag stellen können: Kommunen mit mehr als 3.500 Kindern von 10 "
                          "bis 14 Jahren (allein), kleinere Kommunen im Verbund, z. B. über den "
                          "Kreis")


@pytest.mark.parametrize(("question", "start"), [
    # "zuständig" asks for an office, also beside "als Verein" (who may apply).
    ("Wer ist für Gescher zuständig, wenn wir als Verein Kulturförderung suchen?",
     "Für Gescher ist zuständig:\n\nKulturbüro Münsterland"),
    # Asked which office, the place gets its office, not the programme the message names.
    ("Unser Heimatverein aus Lippstadt will ein Projekt im Rahmen des Regionalen "
     "Kulturprogramms einreichen. Wir haben gehört, dass man vorher mit einem regionalen Büro "
     "sprechen sollte. Welches Büro ist das für den Kreis Soest, und wo sitzt es?",
     "Für Kreis Soest ist zuständig:\n\nKulturregion Hellweg"),
    # Asked what a named term means, it beats a term that only fits the words.
    ("Was ist ein Zuwendungsbescheid, und ab wann gilt eine Förderung eigentlich als "
     "bewilligt?", "Zuwendungsbescheid: "),
])
async def test_the_asked_entry_answers(chat: Transcript, question: str, start: str) -> None:
    assert (await chat.say(question)).startswith(start)
