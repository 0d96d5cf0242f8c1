"""A broadcast to five rooms on a real Synapse, killed with SIGKILL midway: no room sees it twice.

The coordinator writes ``!rundschreiben`` to the bot (transport and dialogue only, so the
rows wait in the outbox). Then ``killed_broadcaster.py`` runs the real engine and Matrix
sender on the bot's database and device: it posts to three rooms without recording
that, and is killed in the fourth send, as a crash between "posted" and "marked sent"
would leave it. ``foerderlotse run`` then starts (after the lease), takes the five rows
over and posts all of them again with the same transaction ids: Synapse answers the
three repeats with the events it has, so every room shows the broadcast exactly once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bot.clock import BERLIN, FixedClock
from bot.reminders.engine import EngineConfig
from bot.settings import Coordinator, Settings
from bot.storage.database import create_db_engine, database_url
from bot.storage.records import Recipient, ReminderKind, State, TargetKind
from bot.storage.tables import Reminder
from tests.matrix.helpers import Account, MatrixUser, running_bot
from tests.matrix.test_matrix_handoff import bot_running

ROOT = Path(__file__).resolve().parents[2]
KILLED = Path(__file__).with_name("killed_broadcaster.py")
# After the real date (see test_matrix_handoff), on a Wednesday: no weekly digest is due.
START = dt.datetime(2030, 3, 6, 10, 0, tzinfo=BERLIN)
ROOMS = 5
DELIVERED = 3  # rooms the killed process posted to
TEXT = "Infoabend Heimatförderung am 12.03. im Kreishaus Höxter"
HEADER = "Rundschreiben des Kulturbüros:"
R = Reminder.__table__  # type: ignore[attr-defined]


def said(text: str) -> Callable[[str], bool]:
    return lambda body: body.startswith(text)


async def kill_in_send(account: Account, data: Path) -> list[str]:
    """Run the broadcaster until it hangs in a send, SIGKILL it; return the rooms it posted to."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(KILLED), str(data), account.homeserver, account.user_id,
        account.password, START.isoformat(), str(DELIVERED), stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    posted: list[str] = []
    try:
        assert child.stdout is not None
        while True:
            line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode().split()
            assert line, "the broadcaster ended before it hung"
            if line[0] == "in-send":
                break
            posted.append(line[1])
    finally:
        child.send_signal(signal.SIGKILL)
        await asyncio.wait_for(child.wait(), 30)
    assert child.returncode == -signal.SIGKILL
    return posted


async def test_a_broadcast_killed_midway_reaches_every_room_exactly_once(
        register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path) -> None:
    bot = register("bot")
    data = tmp_path / "bot"
    clock = FixedClock(START)
    anna = [Coordinator("matrix", alice.account.user_id)]
    async with running_bot(bot, data, clock, coordinators=anna) as running:
        rooms = []
        for _ in range(ROOMS):
            room = await alice.create_room([bot.user_id])
            await alice.wait_for(room, bot.user_id, said("Guten Tag!"))
            running.storage.subscriptions.subscribe(Recipient("matrix", room),
                                                    TargetKind.REGION, "kreis-hoexter")
            rooms.append(room)
        direct = await alice.create_room([bot.user_id])  # the coordinator's, no abo
        await alice.wait_for(direct, bot.user_id, said("Guten Tag!"))
        await alice.say(direct, f"!rundschreiben an Kreis Höxter: {TEXT}")
        preview = await alice.wait_for(direct, bot.user_id, said("Vorschau"))
        await alice.say(direct, "ja")
        await alice.wait_for(direct, bot.user_id, said("Das Rundschreiben geht an 5 Chats."))
    assert preview.body.endswith(f"{HEADER}\n{TEXT}\n\nAn: Chats mit Abo für Kreis Höxter "
                                 "– 5 Chats.\nSenden? Antworten Sie mit „ja“.")

    posted = await kill_in_send(bot, data)
    assert len(posted) == DELIVERED
    assert set(posted) <= set(rooms)

    settings = Settings.from_env({
        "FOERDERLOTSE_DATA_DIR": str(data), "FOERDERLOTSE_MATRIX_HOMESERVER": bot.homeserver,
        "FOERDERLOTSE_MATRIX_USER_ID": bot.user_id, "FOERDERLOTSE_MATRIX_PASSWORD": bot.password,
        "FOERDERLOTSE_MATRIX_ALLOWED": "@alice-*:localhost",
        "FOERDERLOTSE_COORDINATORS": f"matrix:{alice.account.user_id}"})
    clock.set(START + EngineConfig().lease + dt.timedelta(minutes=1))  # the lease is over
    async with bot_running(settings, clock):
        for room in rooms:
            await alice.wait_for(room, bot.user_id, said(HEADER), timeout=60)
        await asyncio.sleep(2)  # a second copy would arrive meanwhile
        await alice.sync(0)
    copies = {room: [m.body for m in alice.messages_from(room, bot.user_id)
                     if m.body.startswith(HEADER)] for room in [*rooms, direct]}
    assert copies == {**{room: [f"{HEADER}\n{TEXT}"] for room in rooms}, direct: []}
    assert _broadcast_states(data) == [State.SENT] * ROOMS


def _broadcast_states(data: Path) -> list[str]:
    engine = create_db_engine(database_url(data))
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(R.c.state).where(
                R.c.kind == ReminderKind.BROADCAST)).scalars())
    finally:
        engine.dispose()
