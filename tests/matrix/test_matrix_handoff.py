"""Handing a question to the Kulturbüro on a real Synapse, through ``serve`` and a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from bot.clock import BERLIN, FixedClock
from bot.runner import serve
from bot.settings import Settings
from bot.transports.registry import configured_transports
from tests.matrix.helpers import WAIT, Account, MatrixUser

QUESTION = "Wer bezahlt die Reparatur unserer Backhaus-Orgel in Brakel?"
# After the real date, so the scheduler's wall clock never runs ahead of the fixed one.
START = dt.datetime(2027, 3, 4, 10, 0, tzinfo=BERLIN)


@asynccontextmanager
async def bot_running(settings: Settings, clock: FixedClock) -> AsyncIterator[None]:
    """Run ``foerderlotse run`` with Matrix until the block ends, then stop it as SIGTERM does."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, clock, configured_transports, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


def said(text: str) -> Callable[[str], bool]:
    return lambda body: body.startswith(text)


async def test_a_question_goes_to_the_coordinator_and_back_across_a_restart(
        register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path) -> None:
    bot = register("bot")
    anna = MatrixUser(register("anna"), tmp_path / "anna")
    await anna.login()
    settings = Settings.from_env({
        "FOERDERLOTSE_DATA_DIR": str(tmp_path / "bot"),
        "FOERDERLOTSE_MATRIX_HOMESERVER": bot.homeserver,
        "FOERDERLOTSE_MATRIX_USER_ID": bot.user_id,
        "FOERDERLOTSE_MATRIX_PASSWORD": bot.password,
        "FOERDERLOTSE_MATRIX_ALLOWED": "@alice-*:localhost,@anna-*:localhost",
        "FOERDERLOTSE_COORDINATORS": f"matrix:{anna.account.user_id}=kreis-hoexter"})
    clock = FixedClock(START)
    try:
        async with bot_running(settings, clock):
            room = await alice.create_room([bot.user_id], encrypted=True)
            await alice.wait_for(room, bot.user_id, said("Guten Tag!"))
            await alice.say(room, QUESTION)
            await alice.wait_for(room, bot.user_id, lambda body: "Kulturbüro weitergeben?" in body)
            await alice.say(room, "ja")
            await alice.wait_for(room, bot.user_id, said("Ihre Frage ist beim Kulturbüro"))
            # Anna has no direct room with the bot yet: her question waits in the outbox.
            direct = await anna.create_room([bot.user_id])
            await anna.wait_for(direct, bot.user_id, said("Guten Tag!"))
        clock.advance(dt.timedelta(hours=2))  # past the hour the question waited for a room
        async with bot_running(settings, clock):
            new = await anna.wait_for(direct, bot.user_id, said("Neue Frage"))
            await anna.say(direct, "!antwort 1 Fragen Sie beim Heimatverein Brakel nach, er hat "
                                   "einen Orgelfonds.")
            thanks = await anna.wait_for(direct, bot.user_id, said("Danke!"))
            answer = await alice.wait_for(room, bot.user_id, said("Antwort des Kulturbüros"))
            await asyncio.sleep(1)  # nothing more arrives
            await anna.sync(0)
            await alice.sync(0)
    finally:
        await anna.close()
    assert new.body == (f"Neue Frage (Fall 1, Kreis Höxter): {QUESTION}\n"
                        "Antworten Sie mit !antwort 1 <Ihre Antwort>.")
    assert thanks.body == "Danke! Ihre Antwort zu Fall 1 geht jetzt an die fragende Person."
    assert answer.body == ("Antwort des Kulturbüros zu Ihrer Frage (Fall 1): Fragen Sie beim "
                           "Heimatverein Brakel nach, er hat einen Orgelfonds.")
    to_anna = [m.body for m in anna.messages_from(direct, bot.user_id)]
    assert [b for b in to_anna if b.startswith("Neue Frage")] == [new.body]  # exactly once
    to_alice = [m.body for m in alice.messages_from(room, bot.user_id)]
    assert to_alice[1:] == [
        to_alice[1],  # the unknown answer with the offer
        "Ihre Frage ist beim Kulturbüro (Fall 1). Die Antwort schicke ich Ihnen hierher.",
        answer.body,
    ]
    assert "Weitergegeben werden nur der Fragetext und eine Fallnummer – nicht Ihr Name." in (
        to_alice[1])
    assert alice.undecryptable == 0
