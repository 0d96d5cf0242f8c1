"""The Förderfinder and Förderrechner through python-telegram-bot's real HTTP stack.

The finder's questions come with inline buttons (callback data ``f:<step>:<value>``);
presses arrive as callback queries, typed answers as plain messages. The calculator's
plan arrives as a real .xlsx document after its text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from bot.transports.telegram import TelegramTransport
from tests.plan_sheet import plan_totals
from tests.telegram import updates
from tests.telegram.fakeapi import FakeBotApi, Upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
APPLICANTS = [("1. Verein oder Initiative", "f:applicant:verein"),
              ("2. Kommune (Stadt, Gemeinde)", "f:applicant:kommune"),
              ("3. Kreis", "f:applicant:kreis"),
              ("4. Privatperson", "f:applicant:privatperson"),
              ("5. Künstlerin oder Künstler", "f:applicant:kuenstler"),
              ("6. Schule oder Kita", "f:applicant:schule")]
QUESTION_1 = ("Förderfinder (1/4): Wer stellt den Antrag?\n"
              "1. Verein oder Initiative\n2. Kommune (Stadt, Gemeinde)\n3. Kreis\n"
              "4. Privatperson\n5. Künstlerin oder Künstler\n6. Schule oder Kita\n"
              "Antworten Sie mit der Nummer oder in eigenen Worten; „zurück“ und "
              "„abbrechen“ gehen auch.")
QUESTION_2 = "Förderfinder (2/4): Worum geht es in Ihrem Projekt?\n1. Heimat und Brauchtum\n"
QUESTION_3 = ("Förderfinder (3/4): Wo findet das Projekt statt? Nennen Sie bitte Stadt, "
              "Gemeinde oder Kreis.\n„weiß nicht“ geht auch; „zurück“ und „abbrechen“ ebenso.")
QUESTION_4 = ("Förderfinder (4/4): Was kostet das Projekt insgesamt? Wenn Sie mögen, auch "
              "wann es beginnt, z. B. „12.000 €, Mai 2027“.\n")
LEFT = "(Die Abfrage habe ich beendet; mit /finder oder /rechner fangen Sie neu an.)"


async def exchange(api: FakeBotApi, update: dict[str, Any]) -> dict[str, Any]:
    """Send one update and return the one sendMessage it caused (its parameters)."""
    before = len(api.sent())
    api.enqueue(update)
    await api.wait_for(lambda: len(api.sent()) >= before + 1)
    [sent] = api.sent()[before:]
    return sent


def buttons(sent: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """The inline keyboard under a sent message as rows of (label, callback data)."""
    rows = sent.get("reply_markup", {}).get("inline_keyboard", [])
    return [[(b["text"], b["callback_data"]) for b in row] for row in rows]


def fitting(text: str) -> str:
    """The part of a finder result that lists the fitting programmes."""
    return text.split("Programme passen nicht")[0]


async def test_a_finder_run_by_buttons_and_typed_answers(api: FakeBotApi,
                                                         bot: TelegramTransport) -> None:
    first = await exchange(api, updates.message("/finder"))
    assert first["text"] == QUESTION_1
    assert first["parse_mode"] == "HTML"
    assert buttons(first) == [[button] for button in APPLICANTS]

    second = await exchange(api, updates.press("f:applicant:verein"))
    assert second["text"].startswith(QUESTION_2)
    areas = buttons(second)
    assert len(areas) == 8
    assert areas[0] == [("1. Heimat und Brauchtum", "f:area:heimat")]
    assert all(data.startswith("f:area:") for [(_, data)] in areas)
    assert api.called("answerCallbackQuery")[-1].params["callback_query_id"] == (
        "cq-f:applicant:verein")

    third = await exchange(api, updates.press("f:area:heimat"))
    assert third["text"] == QUESTION_3
    assert buttons(third) == []  # a place is typed, not chosen

    fourth = await exchange(api, updates.message("in Brakel"))
    assert fourth["text"].startswith(QUESTION_4)
    assert buttons(fourth) == []

    result = (await exchange(api, updates.message("3.000 €, Mai 2027")))["text"]
    assert result.split("\n\n")[0] == ("Passende Programme für: Verein oder Initiative, Heimat "
                                       "und Brauchtum, Brakel, 3.000 €")
    assert "Heimat-Scheck – nächste Frist: 23.10.2027 (unsicher)" in fitting(result)
    assert "bei 3.000 € Kosten etwa 2.000 € Zuschuss" in result
    assert "Heimat-Fonds" not in fitting(result)
    # The core's plain "<Programm>" reaches Telegram escaped, not as a broken tag.
    assert "Den Zuschuss rechnet /rechner &lt;Programm&gt; genau aus." in result
    assert len(api.called("answerCallbackQuery")) == 2
    assert not [c for c in api.calls if c.status != 200]


async def test_finder_and_rechner_are_in_the_command_menu(api: FakeBotApi,
                                                          bot: TelegramTransport) -> None:
    [call] = api.called("setMyCommands")
    menu = {c["command"]: c["description"] for c in call.params["commands"]}
    assert menu["finder"] == "Förderfinder: welche Programme zu Ihrem Projekt passen"
    assert menu["rechner"].startswith("Förderrechner: Zuschuss und Finanzierungsplan")


async def test_a_finder_answer_is_changed_midway(api: FakeBotApi,
                                                 bot: TelegramTransport) -> None:
    await exchange(api, updates.message("/finder"))
    assert (await exchange(api, updates.message("1")))["text"].startswith(QUESTION_2)
    assert (await exchange(api, updates.press("f:area:heimat")))["text"] == QUESTION_3
    changed = await exchange(api, updates.message("doch als Kommune"))
    assert changed["text"] == ("Geändert – Antragsteller: Kommune (Stadt, Gemeinde).\n"
                               + QUESTION_3)
    assert (await exchange(api, updates.message("in Brakel")))["text"].startswith(QUESTION_4)
    result = (await exchange(api, updates.message("3.000 €")))["text"]
    assert result.split("\n\n")[0] == ("Passende Programme für: Kommune (Stadt, Gemeinde), "
                                       "Heimat und Brauchtum, Brakel, 3.000 €")
    assert "1. Heimat-Preis – nächste Frist: 23.10.2027" in fitting(result)
    assert "Heimat-Scheck" not in fitting(result)


async def test_a_user_leaves_the_finder_with_another_question(api: FakeBotApi,
                                                              bot: TelegramTransport) -> None:
    await exchange(api, updates.message("/finder"))
    assert (await exchange(api, updates.message("Verein")))["text"].startswith(QUESTION_2)
    answer = (await exchange(api, updates.message(
        "Was ist eigentlich ein Verwendungsnachweis?")))["text"]
    assert answer.startswith("Verwendungsnachweis: Mit dem Verwendungsnachweis zeigen Sie nach "
                             "dem Projekt, wofür Sie das Fördergeld ausgegeben haben;")
    assert answer.endswith("\n\n" + LEFT)
    # The finder is over: a number is no answer to its second question any more.
    after = (await exchange(api, updates.message("2")))["text"]
    assert not after.startswith("Förderfinder")
    assert "Förderfinder (3/4)" not in after


async def test_the_rechner_sends_its_text_and_a_balanced_plan(api: FakeBotApi,
                                                              bot: TelegramTransport) -> None:
    before = len(api.calls)

    def sends() -> list[tuple[str, Any]]:
        return [(c.method, c.params) for c in api.calls[before:]
                if c.method in ("sendMessage", "sendDocument")]

    api.enqueue(updates.message("/rechner Heimat-Scheck 2.500 € Kosten"))
    await api.wait_for(lambda: len(sends()) >= 2)
    [(first, text), (second, document)] = sends()
    assert (first, second) == ("sendMessage", "sendDocument")
    assert text["text"].startswith("Zuschuss Heimat-Scheck: voraussichtlich 2.000 €.\n"
                                   "Rechnung:\nGesamtkosten: 2.500 €\n")
    assert "Finanzierungsplan (Ausgaben = Einnahmen = 2.500 €):" in text["text"]
    assert text["text"].endswith("Den Plan schicke ich Ihnen als Tabelle mit.")
    assert int(document["chat_id"]) == 11
    upload = document["document"]
    assert isinstance(upload, Upload)
    assert upload.filename == "Finanzierungsplan-Heimat-Scheck-2026-11-26.xlsx"
    assert upload.content_type == XLSX
    assert plan_totals(upload.data) == {"Ausgaben": Decimal(2500), "Einnahmen": Decimal(2500)}
    rows = list(load_workbook(io.BytesIO(upload.data)).active.iter_rows(max_col=2,
                                                                         values_only=True))
    assert ("Zuschuss Heimat-Scheck", 2000) in rows
    assert ("Noch ungedeckt", 500) in rows
