"""PostgreSQL refusing or not answering: questions are still answered at once from memory."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.clock import BERLIN, FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.dialogue.recorder import QuestionRecorder
from bot.knowledge.service import Knowledge
from bot.reminders.engine import EngineConfig, ReminderEngine
from bot.reminders.sender import FakeSender
from bot.storage import OutboxRepository, Recipient, State, SubscriptionRepository
from bot.storage.database import create_db_engine
from bot.storage.question_log import QuestionLog
from bot.storage.testing import empty_tables
from tests.proxy import black_hole, line_proxy

CHAT = ChatRef("telegram", "1")


async def ask(dialogue: Dialogue, text: str) -> tuple[str, float]:
    started = time.monotonic()
    reply = await dialogue.handle(IncomingMessage(CHAT, text, "u1"))
    return reply.text, time.monotonic() - started


async def logged(log: QuestionLog, clock: FixedClock) -> int:
    return len(await asyncio.to_thread(log.since, clock.now().replace(year=2000)))


async def test_questions_are_answered_at_once_while_postgres_refuses_or_hangs(
        postgres_url: str, shipped: Knowledge, clock: FixedClock) -> None:
    url = make_url(postgres_url)
    async with line_proxy(f"http://{url.host}:{url.port}") as proxy:
        engine = create_db_engine(url.set(host="127.0.0.1", port=proxy.port)
                                  .render_as_string(hide_password=False))
        log = QuestionLog(engine)
        before = await logged(log, clock)
        dialogue = Dialogue(lambda: shipped, clock, log=log.record)
        recorder = dialogue.recorder = QuestionRecorder(log.record, timeout=0.5)
        await ask(dialogue, "heimatscheck")
        await recorder.drain()
        assert await logged(log, clock) == before + 1
        await proxy.cut()  # refused: nothing listens on the port any more
        refused, refused_took = await ask(dialogue, "wie viel gibt es beim heimatscheck")
        async with black_hole(proxy.port):  # accepted, never answered
            hung, hung_took = await ask(dialogue, "bis wann läuft der heimatscheck")
            await recorder.drain()
        assert refused.startswith("Heimat-Scheck – Förderung")
        assert hung.startswith("Heimat-Scheck – Frist")
        assert refused_took < 1.0
        assert hung_took < 1.0
        assert recorder.dropped >= 1
        await proxy.start()  # back: later questions are logged again
        for _ in range(40):
            await ask(dialogue, "heimatscheck")
            await asyncio.sleep(0.5)
            if await logged(log, clock) > before + 1:
                break
        assert await logged(log, clock) > before + 1
        recorder.close()
        engine.dispose()


async def test_reminders_due_during_an_outage_go_out_once_afterwards(
        postgres_url: str, clock: FixedClock) -> None:
    url = make_url(postgres_url)
    direct = create_db_engine(postgres_url)
    empty_tables(direct)
    subscriptions = SubscriptionRepository(direct, clock)
    chats = [Recipient("telegram", str(n)) for n in range(20)]
    for chat in chats:
        subscriptions.add_personal_reminder(chat, dt.date(2026, 11, 27), "Belege sammeln")
    clock.set(dt.datetime(2026, 11, 27, 9, 0, 5, tzinfo=BERLIN))
    sender = FakeSender()
    async with line_proxy(f"http://{url.host}:{url.port}") as proxy:
        engine = create_db_engine(url.set(host="127.0.0.1", port=proxy.port)
                                  .render_as_string(hide_password=False))
        reminders = ReminderEngine(OutboxRepository(engine), sender, clock,
                                   config=EngineConfig(worker_id="w1"))
        await proxy.cut()  # refused while the reminders fall due
        with pytest.raises(OperationalError):
            await reminders.sweep()
        async with black_hole(proxy.port):  # then not answering at all
            with pytest.raises(OperationalError):
                await reminders.sweep()
        await proxy.start()
        clock.advance(dt.timedelta(minutes=10))
        await reminders.sweep()
        await reminders.sweep()
        engine.dispose()
    assert sorted(d.recipient.chat_id for d in sender.deliveries) == sorted(
        c.chat_id for c in chats)
    assert OutboxRepository(direct).count_by_state() == {State.SENT: 20}
    direct.dispose()
