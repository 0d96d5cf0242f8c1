"""Handing a question to the Kulturbüro on Telegram: PTB's real stack, ``serve`` and restarts."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from bot import runner
from bot.app import Storage, open_storage
from bot.clock import BERLIN, FixedClock
from bot.runner import serve
from bot.settings import Settings
from bot.storage import Recipient
from bot.transports.registry import configured_transports
from tests.telegram import updates
from tests.telegram.fakeapi import FakeBotApi

ASKER, COORDINATOR = 11, 77
QUESTION = "Wer bezahlt die Reparatur unserer Backhaus-Orgel in Brakel?"
# After the real date, so the scheduler's wall clock never runs ahead of the fixed one.
START = dt.datetime(2027, 3, 4, 10, 0, tzinfo=BERLIN)


def handoff_settings(env: dict[str, str]) -> Settings:
    return Settings.from_env({**env, "FOERDERLOTSE_COORDINATORS": "telegram:77=kreis-hoexter"})


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Storage]:
    """The storage each ``serve`` opens, for its doorbell."""
    found: list[Storage] = []

    def capture(settings: Settings, clock: FixedClock) -> Storage:
        found.append(open_storage(settings, clock))
        return found[-1]

    monkeypatch.setattr(runner, "open_storage", capture)
    return found


async def sweep_until(api: FakeBotApi, clock: FixedClock, served: list[Storage], run: int,
                      done: Callable[[], bool]) -> None:
    """Move the clock on and ring for a sweep of the ``run``-th start until ``done()``.

    The first sweep of a start may run before Telegram is connected; its retry is then
    due later on the fixed clock, which does not move by itself.
    """
    async with asyncio.timeout(20):
        while len(served) < run:  # noqa: ASYNC110  (serve opens it in a worker thread)
            await asyncio.sleep(0.01)
    for _ in range(40):
        clock.advance(dt.timedelta(minutes=1))
        served[run - 1].bell.ring()
        with contextlib.suppress(TimeoutError):
            await api.wait_for(done, seconds=0.5)
            return
    raise AssertionError("nothing was delivered")


@asynccontextmanager
async def bot_running(settings: Settings, clock: FixedClock) -> AsyncIterator[None]:
    """Run ``foerderlotse run`` until the block ends, then stop it as SIGTERM does."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, clock, configured_transports, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def texts(api: FakeBotApi, chat: int) -> list[str]:
    return [html.unescape(text) for text in api.texts(chat)]


async def test_a_question_goes_to_the_kulturbuero_and_the_answer_back_across_a_restart(
        api: FakeBotApi, env: dict[str, str], served: list[Storage]) -> None:
    settings, clock = handoff_settings(env), FixedClock(START)
    api.flooded.add(COORDINATOR)  # the coordinator's chat cannot take it before the restart
    async with bot_running(settings, clock):
        api.enqueue(updates.message(QUESTION, ASKER))
        await api.wait_for(lambda: len(api.sent(ASKER)) == 1, seconds=20)
        api.enqueue(updates.message("ja", ASKER))
        await api.wait_for(lambda: len(api.sent(ASKER)) == 2)
        await api.wait_for(lambda: any(int(c.params["chat_id"]) == COORDINATOR
                                       for c in api.called("sendMessage")))
    assert texts(api, COORDINATOR) == []
    api.flooded.clear()
    async with bot_running(settings, clock):
        await sweep_until(api, clock, served, 2, lambda: len(api.sent(COORDINATOR)) == 1)
        api.enqueue(updates.message("/antwort 1 Fragen Sie beim Heimatverein Brakel nach, er "
                                    "hat einen Orgelfonds.", COORDINATOR))
        await api.wait_for(lambda: len(api.sent(ASKER)) == 3 and len(api.sent(COORDINATOR)) == 2)
        await asyncio.sleep(0.3)  # nothing more arrives
    async with bot_running(settings, clock):  # and nothing is sent again after another start
        await asyncio.sleep(0.5)
    assert texts(api, ASKER) == [
        "Dazu weiß ich leider nichts Sicheres.\n"
        "Weiterhelfen kann Ihnen: Kulturbüro Kreis Höxter, Tel. 05271 965-3216 · https://www.netzschafftkultur.de\n"
        "Mit /programme sehen Sie alle Förderprogramme, die ich kenne.\n\n"
        "Soll ich Ihre Frage an das Kulturbüro weitergeben? Weitergegeben werden nur der "
        "Fragetext und eine Fallnummer – nicht Ihr Name. Antworten Sie mit „ja“.",
        "Ihre Frage ist beim Kulturbüro (Fall 1). Die Antwort schicke ich Ihnen hierher.",
        "Antwort des Kulturbüros zu Ihrer Frage (Fall 1): Fragen Sie beim Heimatverein Brakel "
        "nach, er hat einen Orgelfonds.",
    ]
    assert texts(api, COORDINATOR) == [
        f"Neue Frage (Fall 1, Kreis Höxter): {QUESTION}\n"
        "Antworten Sie mit /antwort 1 <Ihre Antwort>.",
        "Danke! Ihre Antwort zu Fall 1 geht jetzt an die fragende Person.",
    ]


async def test_after_daten_loeschen_the_coordinator_learns_the_answer_cannot_go_out(
        api: FakeBotApi, env: dict[str, str]) -> None:
    settings, clock = handoff_settings(env), FixedClock(START)
    async with bot_running(settings, clock):
        for text in (QUESTION, "ja", "/daten_loeschen", "ja"):  # Telegram's spelling
            api.enqueue(updates.message(text, ASKER))
        await api.wait_for(lambda: len(api.sent(ASKER)) == 4 and len(api.sent(COORDINATOR)) == 1,
                           seconds=20)
        api.enqueue(updates.message("/antwort 1 Beim Heimatverein.", COORDINATOR))
        await api.wait_for(lambda: len(api.sent(COORDINATOR)) == 2)
        await asyncio.sleep(0.3)
    assert texts(api, ASKER)[-1] == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    assert texts(api, ASKER)[-1] == texts(api, ASKER)[3]  # no answer came after it
    assert texts(api, COORDINATOR)[-1] == (
        "Danke! Fall 1 ist geschlossen. Die fragende Person hat ihre Daten gelöscht, deshalb "
        "kann ich die Antwort nicht zustellen. Für das Wissen bleibt sie erhalten "
        "(foerderlotse kb gaps).")


async def test_old_open_cases_are_reminded_on_monday_once(
        api: FakeBotApi, env: dict[str, str], served: list[Storage]) -> None:
    settings = handoff_settings(env)
    clock = FixedClock(dt.datetime(2027, 2, 24, 10, 0, tzinfo=BERLIN))  # a Wednesday
    storage = open_storage(settings, clock)
    number = storage.handoff.open_case(QUESTION, "kreis-hoexter", Recipient("telegram", "11"),
                                       lambda n: [])
    storage.close()
    clock.set(dt.datetime(2027, 3, 8, 9, 5, tzinfo=BERLIN))  # Monday, 12 days later
    for run in (1, 2):  # a restart in the same week reminds nobody again
        async with bot_running(settings, clock):
            await sweep_until(api, clock, served, run, lambda: len(api.sent(COORDINATOR)) >= 1)
            await asyncio.sleep(0.3)
    assert texts(api, COORDINATOR) == [
        f"Noch offen seit 12 Tagen (Fall {number}, Kreis Höxter): {QUESTION}\n"
        f"Antworten Sie mit /antwort {number} <Ihre Antwort>."]
