"""``kill -9`` in the middle of a broadcast to 300 Telegram chats, then a restart.

The bot runs as a subprocess (``python -m bot run``, the system clock) against the fake
Bot API served by this test. Once about a third of the chats have their message (plus a
random fraction of the commit window), the bot gets SIGKILL. The claims it left behind
would be taken over after the lease (5 minutes); the test moves
``reminder_claim.claimed_at`` back by more than that instead of waiting (as
tests/bench/bench_sigkill.py does). The restarted bot sends the rest.

What may happen (bot/reminders/engine.py, bot/reminders/commits.py): every chat gets the
broadcast; a chat gets it twice only when the dead bot had delivered it but not yet
committed that, i.e. within the last commit window before the kill or still in flight.
The database right after the kill says exactly which chats that is.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.reminders.engine import EngineConfig
from bot.settings import Settings
from bot.storage.database import create_db_engine, database_url
from bot.storage.records import ReminderKind, State
from bot.storage.tables import Reminder, ReminderClaim, Subscriber
from tests.conftest import ROOT_DIR
from tests.telegram.conftest import TOKEN
from tests.telegram.fakeapi import FakeBotApi
from tests.telegram.test_broadcast import COORDINATOR, HEADER, TEXT, say, subscribed_chats

CHATS = 300
R = Reminder.__table__  # type: ignore[attr-defined]
S = Subscriber.__table__  # type: ignore[attr-defined]
C = ReminderClaim.__table__  # type: ignore[attr-defined]
WINDOW = EngineConfig().commit_window
LEASE = EngineConfig().lease


async def start_bot(api: FakeBotApi, data: Path, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERLOTSE_")
           and k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}}
    env.update({"FOERDERLOTSE_DATA_DIR": str(data), "FOERDERLOTSE_TELEGRAM_TOKEN": TOKEN,
                "FOERDERLOTSE_TELEGRAM_API_URL": api.root + "/",
                "FOERDERLOTSE_COORDINATORS": f"telegram:{COORDINATOR}",
                "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "PTB_TIMEDELTA": "true",
                "PYTHONPATH": str(ROOT_DIR)})
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT_DIR, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink,
            start_new_session=True)


def claimed_chats(engine: Engine) -> set[int]:
    """Return the chats whose broadcast row a (dead) engine still holds."""
    query = (select(S.c.chat_id).join(R, R.c.subscriber_id == S.c.id)
             .join(C, C.c.reminder_id == R.c.id).where(R.c.kind == ReminderKind.BROADCAST))
    with engine.connect() as conn:
        return {int(chat) for chat in conn.execute(query).scalars()}


def expire_leases(engine: Engine) -> int:
    """Make every claim older than the lease, as five minutes of waiting would."""
    with engine.begin() as conn:
        claims = conn.execute(select(C.c.reminder_id, C.c.claimed_at)).all()
        for row_id, claimed_at in claims:
            conn.execute(update(C).where(C.c.reminder_id == row_id).values(
                claimed_at=claimed_at - LEASE - dt.timedelta(minutes=1)))
    return len(claims)


def settled(engine: Engine) -> bool:
    """Tell whether no broadcast row is pending or claimed any more."""
    with engine.connect() as conn:
        return conn.execute(select(R.c.id).where(
            R.c.kind == ReminderKind.BROADCAST, R.c.state == State.PENDING).limit(1)).first(
        ) is None


async def test_kill_9_midway_every_chat_gets_it_and_doubles_stay_within_the_window(
        api: FakeBotApi, tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = Settings.from_env({"FOERDERLOTSE_DATA_DIR": str(data)})
    chats = subscribed_chats(settings, SystemClock(), CHATS)
    engine = create_db_engine(database_url(data))
    measured = set(chats)

    def accepted(before: float = float("inf")) -> list[tuple[int, float]]:
        return [(int(c.params["chat_id"]), c.at) for c in api.calls
                if c.method == "sendMessage" and c.status == 200 and c.at < before
                and str(c.params["text"]).startswith(HEADER)]

    first = await start_bot(api, data, tmp_path / "bot-1.log")
    second: asyncio.subprocess.Process | None = None
    try:
        await say(api, f"/rundschreiben an alle: {TEXT}", "Vorschau:", seconds=60)
        await say(api, "ja", f"Das Rundschreiben geht an {CHATS} Chats.")
        await api.wait_for(lambda: len(accepted()) >= CHATS // 3, seconds=60)
        # Pacing and the commit timer both tick from the sweep's start: a kill at a fixed
        # count would always hit the same phase of the commit window.
        await asyncio.sleep(random.uniform(0, WINDOW))
        killed = time.monotonic()
        first.send_signal(signal.SIGKILL)
        await asyncio.wait_for(first.wait(), 30)
        await asyncio.sleep(0.5)  # requests the dead bot had sent are still answered
        restarted = time.monotonic()
        before = accepted(killed)
        in_flight = len(accepted(restarted)) - len(before)
        in_window = sum(1 for _, at in before if at >= killed - WINDOW)
        delivered = {chat for chat, _ in accepted(restarted)}
        predicted = claimed_chats(engine) & delivered  # sent, but not marked so
        assert expire_leases(engine) > 0

        second = await start_bot(api, data, tmp_path / "bot-2.log")
        await api.wait_for(lambda: {chat for chat, _ in accepted()} >= measured, seconds=60)
        async with asyncio.timeout(30):
            while not settled(engine):  # noqa: ASYNC110  (the database offers nothing to await)
                await asyncio.sleep(0.05)
        await asyncio.sleep(1)  # a repeat would arrive meanwhile
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 60) == 0
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        engine.dispose()
    per_chat = Counter(chat for chat, _ in accepted())
    doubles = {chat for chat, n in per_chat.items() if n > 1}
    print(f"\nkill -9 after {len(before)} of {CHATS}: {len(doubles)} double(s); accepted in "
          f"the last {WINDOW:g} s before the kill: {in_window}, in flight: {in_flight}")
    assert set(per_chat) == measured, "every chat got it, nobody else"
    assert max(per_chat.values()) <= 2, "at most one more per chat after one crash"
    assert doubles == predicted, "exactly the chats delivered but not yet marked sent"
    assert len(doubles) <= in_window + in_flight + 1
