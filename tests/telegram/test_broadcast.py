"""A broadcast to 500 chats through ``foerderlotse run``'s wiring and PTB's real HTTP stack.

The coordinator writes ``/rundschreiben`` in their private chat; the outbox engine then
sends one message per subscribed chat, paced by the real :class:`~bot.reminders.pacing.Pacer`
(Telegram: 25 messages/s overall, 1/s per chat). The fake Bot API notes when it answered
each message; the test checks Telegram's limits on those instants.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Sequence

from bot.app import open_storage
from bot.clock import FixedClock
from bot.runner import serve
from bot.settings import Settings
from bot.storage.records import Recipient, TargetKind
from bot.transports.registry import configured_transports
from tests.telegram import updates
from tests.telegram.fakeapi import FakeBotApi

COORDINATOR = 4711
FIRST_CHAT = 100_000
CHATS = 500
TEXT = "Infoabend Heimatförderung am 10.12. um 18 Uhr im Kreishaus Höxter"
HEADER = "Rundschreiben des Kulturbüros:"
# Telegram's documented limits: about 30 messages per second overall, 1 per second per chat.
PER_SECOND = 30


def busiest_second(instants: Sequence[float]) -> int:
    """Return the most messages answered within any window of one second."""
    ordered, start, most = sorted(instants), 0, 0
    for end, instant in enumerate(ordered):
        while instant - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def say(api: FakeBotApi, text: str, expected: str, seconds: float = 20) -> str:
    """Send ``text`` from the coordinator's private chat; return the reply starting so."""
    seen = len(api.sent(COORDINATOR))
    api.enqueue(updates.message(text, COORDINATOR))
    await api.wait_for(lambda: len(api.sent(COORDINATOR)) > seen, seconds)
    reply = str(api.sent(COORDINATOR)[seen]["text"])
    assert reply.startswith(expected), reply
    return reply


def subscribed_chats(settings: Settings, clock: FixedClock, count: int) -> list[int]:
    """Subscribe ``count`` private chats to everything; add two that must get nothing."""
    storage = open_storage(settings, clock)
    try:
        chats = [FIRST_CHAT + n for n in range(count)]
        for number in chats:
            storage.subscriptions.subscribe(Recipient("telegram", str(number)), TargetKind.ALL)
        storage.subscriptions.add_personal_reminder(  # known, but subscribed to nothing
            Recipient("telegram", "42"), dt.date(2027, 6, 1), "Belege")
        storage.subscriptions.subscribe(Recipient("telegram", "43"), TargetKind.ALL)
        owner = storage.subscriptions.subscriber_id(Recipient("telegram", "43"))
        assert owner is not None
        storage.subscriptions.deactivate_subscriber(owner, "blockiert")  # paused
    finally:
        storage.close()
    return chats


async def test_a_broadcast_to_500_chats_stays_within_telegrams_limits(
        api: FakeBotApi, env: dict[str, str], clock: FixedClock) -> None:
    settings = Settings.from_env({**env, "FOERDERLOTSE_COORDINATORS": f"telegram:{COORDINATOR}"})
    chats = subscribed_chats(settings, clock, CHATS)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, clock, configured_transports, stop))
    try:
        await say(api, f"/rundschreiben an alle: {TEXT}", "Vorschau:")
        await say(api, "ja", f"Das Rundschreiben geht an {CHATS} Chats.")

        def broadcasts() -> list[tuple[int, float]]:
            return [(int(c.params["chat_id"]), c.at) for c in api.calls
                    if c.method == "sendMessage" and c.status == 200
                    and str(c.params["text"]).startswith(HEADER)]

        await api.wait_for(lambda: len(broadcasts()) >= CHATS, seconds=60)
        await asyncio.sleep(0.5)  # nothing more arrives
    finally:
        stop.set()
        await asyncio.wait_for(task, 40)
    sent = broadcasts()
    per_chat = Counter(chat for chat, _ in sent)
    assert per_chat == dict.fromkeys(chats, 1), "every chat exactly once, nobody else"
    every_message = [c.at for c in api.calls if c.method == "sendMessage" and c.status == 200]
    most = busiest_second(every_message)
    instants = [at for _, at in sent]
    duration = max(instants) - min(instants)
    print(f"\n{CHATS} chats: at most {most} messages in one second, at most "
          f"{max(per_chat.values())} per chat, {duration:.1f} s in all")
    assert most <= PER_SECOND
    assert duration >= (CHATS - PER_SECOND) / PER_SECOND, "paced, not sent in one burst"
    assert api.texts(FIRST_CHAT) == [f"{HEADER}\n{TEXT}"]
