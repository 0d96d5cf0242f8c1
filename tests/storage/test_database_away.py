"""PostgreSQL refusing or not answering: questions are still answered at once from memory."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.engine import make_url

from bot.clock import FixedClock
from bot.dialogue.core import Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage
from bot.dialogue.recorder import QuestionRecorder
from bot.knowledge.service import Knowledge
from bot.storage.database import create_db_engine
from bot.storage.question_log import QuestionLog
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
