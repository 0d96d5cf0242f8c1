"""The Förderfinder and Förderrechner in a Matrix room, against a real Synapse.

Matrix has no buttons: the finder's options arrive as a numbered list (an ``<ol>`` in
the HTML) and the user answers with numbers or words. Commands read ``!finder``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import FixedClock
from tests.matrix.helpers import WAIT, Account, MatrixUser, Seen, running_bot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
# The core's "/finder" and "/rechner", as Matrix users type them.
LEFT = "(Die Abfrage habe ich beendet; mit !finder oder !rechner fangen Sie neu an.)"


async def exchange(user: MatrixUser, room: str, bot: str, text: str,
                   replies: int = 1) -> list[Seen]:
    """Say ``text`` and return the next ``replies`` messages the bot posts in the room."""
    before = len(user.messages_from(room, bot))
    await user.say(room, text)
    deadline = time.monotonic() + WAIT
    while len(user.messages_from(room, bot)) < before + replies:
        if time.monotonic() > deadline:
            got = [m.body[:60] for m in user.messages_from(room, bot)[before:]]
            raise AssertionError(f"no reply to {text!r} in {WAIT} s: {got}")
        await user.sync()
    return user.messages_from(room, bot)[before:]


async def ask(user: MatrixUser, room: str, bot: str, text: str) -> Seen:
    """Say ``text`` and return the bot's one reply."""
    [reply] = await exchange(user, room, bot, text)
    return reply


def fitting(text: str) -> str:
    """The part of a finder result that lists the fitting programmes."""
    return text.split("Programme passen nicht")[0]


async def test_a_finder_run_by_numbers_with_a_change_midway(
        register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path,
        clock: FixedClock) -> None:
    bot_account = register("bot")
    bot = bot_account.user_id
    async with running_bot(bot_account, tmp_path / "bot", clock):
        room = await alice.create_room([bot], encrypted=True)
        await alice.wait_for(room, bot, lambda b: b.startswith("Guten Tag!"))
        first = await ask(alice, room, bot, "!finder")
        second = await ask(alice, room, bot, "1")
        third = await ask(alice, room, bot, "1")
        changed = await ask(alice, room, bot, "doch als Kommune")
        fourth = await ask(alice, room, bot, "in Brakel")
        result = await ask(alice, room, bot, "3.000 €")
    assert first.body == QUESTION_1
    assert first.content["formatted_body"].startswith(
        "Förderfinder (1/4): Wer stellt den Antrag?<br><ol><li>Verein oder Initiative</li>"
        "<li>Kommune (Stadt, Gemeinde)</li>")
    assert second.body.startswith(QUESTION_2)
    assert third.body == QUESTION_3
    assert changed.body == "Geändert – Antragsteller: Kommune (Stadt, Gemeinde).\n" + QUESTION_3
    assert fourth.body.startswith(QUESTION_4)
    assert result.body.split("\n\n")[0] == ("Passende Programme für: Kommune (Stadt, Gemeinde), "
                                            "Heimat und Brauchtum, Brakel, 3.000 €")
    assert "1. Heimat-Preis – nächste Frist: 23.10.2027" in fitting(result.body)
    assert "Heimat-Scheck" not in fitting(result.body)
    assert "Den Zuschuss rechnet !rechner <Programm> genau aus." in result.body
    assert alice.undecryptable == 0


async def test_leaving_the_finder_with_a_question_then_a_rechner_file(
        register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path,
        clock: FixedClock) -> None:
    bot_account = register("bot")
    bot = bot_account.user_id
    async with running_bot(bot_account, tmp_path / "bot", clock):
        room = await alice.create_room([bot])
        await alice.wait_for(room, bot, lambda b: b.startswith("Guten Tag!"))
        first = await ask(alice, room, bot, "Welche Förderung passt zu uns?")
        second = await ask(alice, room, bot, "Verein")
        answer = await ask(alice, room, bot, "Was ist eigentlich ein Verwendungsnachweis?")
        after = await ask(alice, room, bot, "2")
        text, file = await exchange(alice, room, bot, "!rechner Heimat-Scheck 2.500 € Kosten",
                                    replies=2)
        response = await alice.client.download(mxc=file.content["url"])
    assert first.body == QUESTION_1  # a question asking for the finder starts it
    assert second.body.startswith(QUESTION_2)
    assert answer.body.startswith("Verwendungsnachweis: Mit dem Verwendungsnachweis zeigen Sie "
                                  "nach dem Projekt, wofür Sie das Fördergeld ausgegeben haben;")
    assert answer.body.endswith("\n\n" + LEFT)
    assert not after.body.startswith("Förderfinder")
    assert text.body.startswith("Zuschuss Heimat-Scheck: voraussichtlich 2.000 €.\n"
                                "Rechnung:\nGesamtkosten: 2.500 €\n")
    assert file.content["msgtype"] == "m.file"
    assert file.content["filename"] == "Finanzierungsplan-Heimat-Scheck-2026-11-26.xlsx"
    assert file.content["info"]["mimetype"] == XLSX
    rows = list(load_workbook(io.BytesIO(bytes(response.body))).active.iter_rows(
        max_col=2, values_only=True))
    assert ("Förderfähige Ausgaben", 2500) in rows
    assert ("Zuschuss Heimat-Scheck", 2000) in rows
    assert ("Noch ungedeckt", 500) in rows
