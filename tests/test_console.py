"""The console chat saves a reply's file into its folder and says where."""

from __future__ import annotations

import asyncio
import errno
import io
import os
from pathlib import Path

import pytest

from bot.dialogue.commands import Command
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Attachment, IncomingMessage, Reply
from bot.transports.attachments import safe_filename
from bot.transports.console import ConsoleTransport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA = b"PK\x03\x04" + bytes(range(256)) * 4
PLAN_TEXT = "Ihr Kosten- und Finanzierungsplan ist fertig."


async def plan(message: IncomingMessage, args: str) -> Reply:
    """Stands in for the core's plan command: ``/plan <file name>``."""
    return Reply(PLAN_TEXT, attachment=Attachment(args or "plan.xlsx", XLSX, DATA))


async def chat(dialogue: Dialogue, lines: list[str], out_dir: Path) -> list[str]:
    """Run the console on ``lines`` (piped, not a terminal); return its output lines."""
    dialogue.commands.add(Command("plan", "/plan", "Finanzierungsplan als Datei", plan))
    stdout = io.StringIO()
    console = ConsoleTransport(dialogue, io.StringIO("".join(f"{x}\n" for x in lines)), stdout,
                               out_dir=out_dir)
    await asyncio.wait_for(console.run(asyncio.Event()), 10)
    return [line for line in stdout.getvalue().splitlines() if line]


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


async def test_the_file_is_saved_after_the_text(dialogue: Dialogue, tmp_path: Path) -> None:
    output = await chat(dialogue, ["/plan"], tmp_path)
    assert output == [PLAN_TEXT, f"Datei gespeichert: {tmp_path / 'plan.xlsx'}"]
    assert (tmp_path / "plan.xlsx").read_bytes() == DATA


async def test_an_existing_file_is_never_overwritten(dialogue: Dialogue, tmp_path: Path) -> None:
    (tmp_path / "plan.xlsx").write_bytes(b"mein eigener Plan")
    output = await chat(dialogue, ["/plan", "/plan"], tmp_path)
    assert output[1::2] == [f"Datei gespeichert: {tmp_path / 'plan-2.xlsx'}",
                            f"Datei gespeichert: {tmp_path / 'plan-3.xlsx'}"]
    assert (tmp_path / "plan.xlsx").read_bytes() == b"mein eigener Plan"
    assert (tmp_path / "plan-3.xlsx").read_bytes() == DATA


async def test_a_path_in_the_file_name_stays_in_the_folder(dialogue: Dialogue,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    output = await chat(dialogue, ["/plan ../../x.xlsx", "/plan /etc/passwd", "/plan .."],
                        folder)
    assert output[1::2] == [f"Datei gespeichert: {folder / name}"
                            for name in ("x.xlsx", "passwd", "Datei")]
    assert files_under(tmp_path) == [folder / "Datei", folder / "passwd", folder / "x.xlsx"]


async def test_a_file_that_cannot_be_saved_is_reported_in_german(dialogue: Dialogue,
                                                                 tmp_path: Path) -> None:
    output = await chat(dialogue, ["/plan", "danke"], tmp_path / "fehlt")
    assert output[:2] == [PLAN_TEXT, "Die Datei „plan.xlsx“ konnte ich leider nicht speichern: "
                                     + os.strerror(errno.ENOENT)]
    assert "Traceback" not in "\n".join(output)
    assert len(output) == 3  # and the chat goes on


async def test_without_a_folder_the_working_directory_is_used(
        dialogue: Dialogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dialogue.commands.add(Command("plan", "/plan", "Finanzierungsplan als Datei", plan))
    console = ConsoleTransport(dialogue, io.StringIO("/plan\n"), io.StringIO())
    await asyncio.wait_for(console.run(asyncio.Event()), 10)
    assert (tmp_path / "plan.xlsx").read_bytes() == DATA


@pytest.mark.parametrize(("name", "safe"), [
    ("Kosten- und Finanzierungsplan.xlsx", "Kosten- und Finanzierungsplan.xlsx"),
    ("../x", "x"),
    ("..\\..\\x.xlsx", "x.xlsx"),
    ("C:\\temp\\plan.xlsx", "plan.xlsx"),
    (".bashrc", "bashrc"),
    ("a\x00b\nc.xlsx", "abc.xlsx"),
    ("", "Datei"),
    ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
])
def test_file_names_are_reduced_to_a_safe_base_name(name: str, safe: str) -> None:
    assert safe_filename(name) == safe
