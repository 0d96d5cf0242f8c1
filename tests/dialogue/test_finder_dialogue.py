"""The Förderfinder and Förderrechner as dialogues in the core (every transport's view)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from tests.conftest import Transcript
from tests.plan_sheet import plan_totals


async def test_a_question_with_costs_is_computed_and_says_the_minimum_is_missed(
        chat: Transcript) -> None:
    text = await chat.say("Wir haben 6000 Euro Kosten, wie viel bekommen wir beim "
                          "Fonds Soziokultur?")
    # The no and its reason lead; the reason is not repeated among the notes.
    assert text.startswith("Zuschuss Fonds Soziokultur: voraussichtlich keiner – der Zuschuss "
                           "erreicht den Mindestbetrag von 5.000 € nicht. Erst ab 6.250 € "
                           "förderfähigen Kosten wäre er erreicht.")
    assert text.count("Mindestbetrag") == 1
    assert "× 80 % Förderquote: 4.800 €" in text
    assert chat.last.attachment is not None


async def test_rechner_step_by_step_ends_with_a_balanced_plan_file(chat: Transcript) -> None:
    assert "(1/6): Wie hoch sind die Gesamtkosten" in await chat.say("/rechner Heimat-Scheck")
    assert "(2/6)" in await chat.say("2.500 €")
    assert "(3/6)" in await chat.say("0")
    assert "(4/6)" in await chat.say("Eigenmittel 300")
    text = await chat.say("rechnen")
    assert text.startswith("Zuschuss Heimat-Scheck: voraussichtlich 2.000 €.")
    assert "– Eigenmittel: 300 €" in text
    assert "– Noch ungedeckt: 200 €" in text
    attachment = chat.last.attachment
    assert attachment is not None
    assert attachment.filename.endswith(".xlsx")
    assert plan_totals(attachment.data) == {"Ausgaben": Decimal(2500),
                                            "Einnahmen": Decimal(2500)}
    rows = load_workbook(io.BytesIO(attachment.data)).active.iter_rows(values_only=True)
    assert ("Zuschuss Heimat-Scheck", 2000) in [tuple(r[:2]) for r in rows]


async def test_rechner_in_one_line_with_volunteer_hours_says_they_are_not_counted(
        chat: Transcript) -> None:
    text = await chat.say("/rechner Fonds Soziokultur Kosten 20.000, Eigenmittel 2.000, "
                          "100 Stunden, Eintritt 1.000")
    assert text.startswith("Zuschuss Fonds Soziokultur: voraussichtlich 16.000 €.")
    assert "Ob Eigenleistung zählt, sagen meine Quellen nicht" in text


async def test_rechner_for_an_unknown_financing_type_does_not_guess(chat: Transcript) -> None:
    text = await chat.say("/rechner Aktion Mensch Viel vor 8.000 € Kosten")
    assert "nennt meine Quelle nicht – deshalb rechne ich hier nicht" in text
    # What the source does say leads: the asked amount is in the first sentence.
    assert text.split(". ")[0].endswith("bis 10.000 €, Eigenanteil: keiner")
    assert chat.last.attachment is None


async def test_rechner_with_a_disputed_figure_gives_both(chat: Transcript) -> None:
    text = await chat.say("/rechner Heimat-Fonds Kosten 100.000, Eigenmittel 10.000")
    assert text.startswith(
        "Zuschuss Heimat-Fonds: voraussichtlich 50.000 €. Schätzung: 0 € bis 50.000 €, denn die "
        "Quellen nennen verschiedene Zahlen. Nach den Zahlen der anderen Quelle wäre das Projekt "
        "so nicht förderfähig.")
    assert "Unsichere Angaben:" in text


async def test_rechner_without_a_programme_explains_itself(chat: Transcript) -> None:
    assert (await chat.say("/rechner")).startswith("Für welches Programm soll ich rechnen?")
    assert "kenne ich nicht" in await chat.say("/rechner Quatschprogramm 500")


async def test_finder_asks_four_questions_and_answers_with_fitting_programmes(
        chat: Transcript) -> None:
    assert (await chat.say("/finder")).startswith("Förderfinder (1/4): Wer stellt den Antrag?")
    assert [c.data for c in chat.last.choices][:2] == ["f:applicant:verein", "f:applicant:kommune"]
    assert (await chat.say("1")).startswith("Förderfinder (2/4)")
    assert (await chat.say(callback="f:area:heimat")).startswith("Förderfinder (3/4)")
    assert (await chat.say("in Brakel")).startswith("Förderfinder (4/4)")
    text = await chat.say("3.000 €, Mai 2027")
    assert text.startswith("Passende Programme für: Verein oder Initiative, Heimat und "
                           "Brauchtum, Brakel, 3.000 €")
    assert "Heimat-Scheck – nächste Frist: 23.10.2027 (unsicher)" in text
    assert "bei 3.000 € Kosten etwa 2.000 € Zuschuss" in text
    assert "Heimat-Fonds" not in text.split("passen nicht")[0]
    why = await chat.say("Warum nicht Heimat-Fonds?")
    assert why.startswith("Heimat-Fonds passt nicht: Verein oder Initiative kann hier keinen "
                          "Antrag stellen")


async def test_finder_starts_from_a_question_and_takes_what_it_says(chat: Transcript) -> None:
    text = await chat.say("Welche Förderung passt zu unserem Chorkonzert für 12.000 €? "
                          "Wir sind ein Verein aus Höxter.")
    assert text.startswith("Passende Programme für: Verein oder Initiative, Musik, "
                           "Kreis Höxter, 12.000 €")
    assert "Kleinprojektefonds Kreis Höxter" in text


async def test_finder_user_changes_an_answer_midway_and_after_the_results(
        chat: Transcript) -> None:
    await chat.say("/finder")
    await chat.say("Verein")
    await chat.say("Heimat")
    text = await chat.say("doch als Kommune")
    assert text.startswith("Geändert – Antragsteller: Kommune (Stadt, Gemeinde).\n"
                           "Förderfinder (3/4)")
    await chat.say("Kreis Höxter")
    text = await chat.say("50.000 €")
    assert "Heimat-Fonds" in text.split("passen nicht")[0]
    text = await chat.say("und als Verein?")
    assert text.startswith("Geändert – Antragsteller: Verein oder Initiative.")
    assert "Heimat-Fonds" not in text.split("passen nicht")[0]


async def test_finder_user_stops_and_asks_something_else(chat: Transcript) -> None:
    await chat.say("/finder")
    await chat.say("Verein")
    text = await chat.say("Was ist eigentlich ein Verwendungsnachweis?")
    assert text.startswith("Verwendungsnachweis")
    assert text.endswith("(Die Abfrage habe ich beendet; mit /finder oder /rechner fangen "
                         "Sie neu an.)")
    # The finder is over: a number is a number again, not an answer to it.
    assert not (await chat.say("2")).startswith("Förderfinder")


async def test_finder_back_and_cancel(chat: Transcript) -> None:
    await chat.say("/finder")
    await chat.say("Verein")
    assert (await chat.say("zurück")).startswith("Förderfinder (1/4)")
    assert await chat.say("abbrechen") == ("Gut, der Förderfinder ist beendet. Mit /finder "
                                           "fangen Sie neu an.")


async def test_an_old_finder_button_starts_afresh(chat: Transcript) -> None:
    assert (await chat.say(callback="f:applicant:kommune")).startswith("Förderfinder (2/4)")
    assert "nicht mehr aktuell" in await chat.say(callback="f:applicant:raumschiff")


async def test_a_finder_question_about_a_topic_we_do_not_cover_gets_the_honest_unknown(
        chat: Transcript) -> None:
    text = await chat.say("Welche Förderprogramme für unseren Kunstrasenplatz kommen in Frage?")
    assert text.startswith("Dazu weiß ich leider nichts Sicheres.")


async def test_the_calculation_names_the_programmes_conditions(chat: Transcript) -> None:
    text = await chat.say("/rechner Heimat-Zeugnis Kosten 400.000")
    assert text.startswith("Zuschuss Heimat-Zeugnis: voraussichtlich 320.000 €.")
    assert "Bitte prüfen:\n• Nur große Projekte mit Kosten ab 100.000 €" in text


async def test_results_stay_for_why_not_while_other_questions_are_answered(
        chat: Transcript) -> None:
    await chat.say("Welche Förderung passt zu uns? Heimatverein in Nieheim, Ortschronik, 4.500 €")
    assert (await chat.say("bis wann läuft der heimatscheck?")).startswith("Heimat-Scheck – Frist")
    assert (await chat.say("warum nicht Heimat-Fonds?")).startswith("Heimat-Fonds passt nicht:")


async def test_a_festbetrag_set_per_project_is_only_a_maximum(chat: Transcript) -> None:
    text = await chat.say("/rechner LWL-Kulturfonds Kosten 8.000")
    assert text.startswith("Zuschuss LWL-Kulturfonds: höchstens 8.000 € – den festen Betrag "
                           "legt der Fördergeber je Projekt fest (zwischen 500 € und 10.000 €).")
