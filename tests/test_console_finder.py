"""The Förderfinder and Förderrechner in the console chat (piped, line by line)."""

from __future__ import annotations

import asyncio
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from bot.dialogue.core import Dialogue
from bot.transports.console import ConsoleTransport
from tests.plan_sheet import plan_totals

PLAN = "Finanzierungsplan-Heimat-Scheck-2026-11-26.xlsx"


class Replies(io.StringIO):
    """Standard output that keeps what was written between two flushes as one entry.

    The console flushes once per answered line (after the file line, if any), so each
    entry is one reply as the user sees it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.replies: list[str] = []
        self._flushed = 0

    def flush(self) -> None:
        super().flush()
        written = self.getvalue()
        if len(written) > self._flushed:
            self.replies.append(written[self._flushed:])
            self._flushed = len(written)


async def chat(dialogue: Dialogue, lines: list[str], out_dir: Path) -> list[str]:
    """Run the console on ``lines`` (piped, not a terminal); return its replies in order."""
    stdout = Replies()
    console = ConsoleTransport(dialogue, io.StringIO("".join(f"{x}\n" for x in lines)), stdout,
                               out_dir=out_dir)
    await asyncio.wait_for(console.run(asyncio.Event()), 10)
    assert len(stdout.replies) == len(lines)
    return stdout.replies


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_a_finder_run_answered_with_numbers(dialogue: Dialogue, tmp_path: Path) -> None:
    replies = await chat(dialogue, ["/finder", "1", "1", "in Brakel", "3.000 €",
                                    "Warum nicht Heimat-Fonds?"], tmp_path)
    first, second, third, fourth, result, why = replies
    assert first == ("Förderfinder (1/4): Wer stellt den Antrag?\n"
                     "1. Verein oder Initiative\n2. Kommune (Stadt, Gemeinde)\n3. Kreis\n"
                     "4. Privatperson\n5. Künstlerin oder Künstler\n6. Schule oder Kita\n"
                     "Antworten Sie mit der Nummer oder in eigenen Worten; „zurück“ und "
                     "„abbrechen“ gehen auch.\n\n")
    assert second.startswith("Förderfinder (2/4): Worum geht es in Ihrem Projekt?\n"
                             "1. Heimat und Brauchtum\n")
    assert third.startswith("Förderfinder (3/4): Wo findet das Projekt statt?")
    assert fourth.startswith("Förderfinder (4/4): Was kostet das Projekt insgesamt?")
    assert result.startswith("Passende Programme für: Verein oder Initiative, Heimat und "
                             "Brauchtum, Brakel, 3.000 €\n\n")
    assert "Heimat-Scheck – nächste Frist: 23.10.2027 (unsicher)" in result
    assert "Den Zuschuss rechnet /rechner <Programm> genau aus." in result
    assert why.startswith("Heimat-Fonds passt nicht: Verein oder Initiative kann hier keinen "
                          "Antrag stellen")
    assert names_in(tmp_path) == []  # the finder writes no files


async def test_the_rechner_saves_a_balanced_plan(dialogue: Dialogue, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    [reply] = await chat(dialogue, ["/rechner Heimat-Scheck 2.500 € Kosten"], out_dir)
    assert reply.startswith("Zuschuss Heimat-Scheck: voraussichtlich 2.000 €.\n"
                            "Rechnung:\nGesamtkosten: 2.500 €\n")
    assert reply.endswith("Den Plan schicke ich Ihnen als Tabelle mit.\n\n"
                          f"Datei gespeichert: {out_dir / PLAN}\n\n")
    assert names_in(out_dir) == [PLAN]
    data = (out_dir / PLAN).read_bytes()
    assert plan_totals(data) == {"Ausgaben": Decimal(2500), "Einnahmen": Decimal(2500)}
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(max_col=2, values_only=True))
    assert ("Zuschuss Heimat-Scheck", 2000) in rows
    assert ("Noch ungedeckt", 500) in rows
