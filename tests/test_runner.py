"""The runner: transports, the reminder engine and hot reload in one process."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import Storage, open_storage
from bot.clock import BERLIN, FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.reminders.sender import FakeSender
from bot.runner import serve
from bot.settings import Settings
from bot.storage.records import Recipient, TargetKind
from bot.transports.base import Transport
from tests.conftest import DATA, ROOT_DIR

CHAT = ChatRef("fake", "42")


class FakeTransport:
    """Feeds scripted messages into the dialogue and records replies and reminders."""

    name = "fake"

    def __init__(self, dialogue: Dialogue, script: list[str]) -> None:
        self.dialogue = dialogue
        self.script = script
        self.replies: list[str] = []
        self.sender = FakeSender()
        self.ready = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        for text in self.script:
            reply = await self.dialogue.handle(IncomingMessage(CHAT, text, "u1"))
            self.replies.append(reply.text)
        self.ready.set()
        await stop.wait()


def settings_for(tmp_path: Path, **extra: str) -> Settings:
    knowledge = tmp_path / "wissen"
    if not knowledge.exists():
        shutil.copytree(DATA / "mini", knowledge)
    env = {"FOERDERLOTSE_KNOWLEDGE_DIR": str(knowledge), "FOERDERLOTSE_DATA_DIR": str(tmp_path),
           "FOERDERLOTSE_RELOAD_SECONDS": "0.05", **extra}
    return Settings.from_env(env)


async def run_with(settings: Settings, clock: FixedClock, script: list[str],
                   until: object) -> FakeTransport:
    stop = asyncio.Event()
    made: list[FakeTransport] = []

    def factory(_s: Settings, dialogue: Dialogue, _st: Storage) -> list[Transport]:
        made.append(FakeTransport(dialogue, script))
        return [made[0]]

    async def driver() -> None:
        while not made:  # noqa: ASYNC110 - the transport is made inside serve()
            await asyncio.sleep(0.01)
        await made[0].ready.wait()
        await until(made[0])  # type: ignore[operator]
        stop.set()

    await asyncio.wait_for(asyncio.gather(serve(settings, clock, factory, stop), driver()), 30)
    return made[0]


async def test_questions_answered_and_personal_reminder_delivered(tmp_path: Path) -> None:
    clock = FixedClock(dt.datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN))
    settings = settings_for(tmp_path)
    await run_with(settings, clock, ["/erinnerung morgen Belege sammeln"], _done)
    clock.set(dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=BERLIN))

    async def delivered(t: FakeTransport) -> None:
        while not t.sender.deliveries:  # noqa: ASYNC110 - polling a fake's record
            await asyncio.sleep(0.02)

    fake = await run_with(settings, clock, ["testscheck"], delivered)
    assert fake.replies[0].startswith("Test-Scheck\n")
    [delivery] = fake.sender.deliveries
    assert "Belege sammeln" in delivery.text


async def _done(_t: FakeTransport) -> None:
    return None


async def test_hot_reload_live_and_bad_change_reported(tmp_path: Path, clock: FixedClock) -> None:
    settings = settings_for(tmp_path, FOERDERLOTSE_COORDINATORS="fake:koordination")
    programme = tmp_path / "wissen" / "programm.yaml"

    async def edit(t: FakeTransport) -> None:
        text = programme.read_text(encoding="utf-8")
        programme.write_text(text.replace("title: Test-Scheck", "title: Probe-Scheck"),
                             encoding="utf-8")
        async def answer() -> str:
            return (await t.dialogue.handle(IncomingMessage(CHAT, "testscheck"))).text

        while "Probe-Scheck" not in await answer():  # noqa: ASYNC110 - reload polls
            await asyncio.sleep(0.05)
        programme.write_text("kind: programm\nid: [kaputt\n", encoding="utf-8")
        while not t.sender.deliveries:  # noqa: ASYNC110 - polling a fake's record
            await asyncio.sleep(0.05)
        still = await t.dialogue.handle(IncomingMessage(CHAT, "testscheck"))
        assert still.text.startswith("Probe-Scheck")

    fake = await run_with(settings, clock, [], edit)
    [notice] = fake.sender.deliveries
    assert notice.recipient.chat_id == "koordination"
    assert "wissen/programm.yaml:2: YAML-Syntaxfehler" in notice.text


def test_sigterm_stops_the_console_chat_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR), "FOERDERLOTSE_DATA_DIR": str(tmp_path)}
    with subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          text=True) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write("Heimatscheck?\n")
        process.stdin.flush()
        assert process.stdout.readline().startswith("Heimat-Scheck")
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "Traceback" not in err


def test_run_without_a_messenger_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["run"]) == 2
    assert "FOERDERLOTSE_TELEGRAM_TOKEN" in capsys.readouterr().err


async def test_start_warns_about_subscribed_chats_of_a_messenger_not_configured(
        tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    settings = settings_for(tmp_path)
    storage = open_storage(settings, clock)
    storage.subscriptions.subscribe(Recipient("matrix", "!raum:kreis.de"), TargetKind.ALL)
    storage.close()
    with caplog.at_level(logging.WARNING, logger="bot.runner"):
        await run_with(settings, clock, [], _done)
    [warning] = [r.getMessage() for r in caplog.records if r.name == "bot.runner"]
    assert warning.startswith("1 chat(s) with subscriptions use matrix, which is not configured")


async def test_a_change_seen_before_a_restart_is_in_mondays_digest(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    programme = tmp_path / "wissen" / "programm.yaml"
    clock = FixedClock(dt.datetime(2027, 3, 5, 12, 0, tzinfo=BERLIN))  # Friday

    async def edit(t: FakeTransport) -> None:
        text = programme.read_text(encoding="utf-8")
        programme.write_text(text.replace("title: Test-Scheck", "title: Probe-Scheck"),
                             encoding="utf-8")
        while "Probe-Scheck" not in (  # noqa: ASYNC110 - reload polls
                await t.dialogue.handle(IncomingMessage(CHAT, "testscheck"))).text:
            await asyncio.sleep(0.05)

    first = await run_with(settings, clock, ["/abo wochenbrief"], edit)
    assert first.replies[0].startswith("Abo gespeichert: Wochenbrief.")
    assert first.sender.deliveries == []
    clock.set(dt.datetime(2027, 3, 8, 9, 0, 5, tzinfo=BERLIN))  # Monday, after a restart

    async def delivered(t: FakeTransport) -> None:
        while not t.sender.deliveries:  # noqa: ASYNC110 - polling a fake's record
            await asyncio.sleep(0.02)

    second = await run_with(settings, clock, [], delivered)
    assert [d.text for d in second.sender.deliveries] == [
        "Ihr Wochenbrief für die Woche ab 08.03.2027\n\n"
        "Fristen der nächsten 4 Wochen:\n• 31.03.2027 Probe-Scheck\n\n"
        "Geändert: Probe-Scheck\n\nAbbestellen: /abbestellen wochenbrief"]
