"""A group that becomes a supergroup gets a new chat id; its abos and reminders follow."""

from __future__ import annotations

import datetime as dt

from bot.app import Storage
from bot.clock import BERLIN, FixedClock
from bot.reminders.engine import ReminderEngine
from bot.storage.records import Recipient, TargetKind
from bot.transports.telegram import TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import eventually
from tests.telegram.fakeapi import FakeBotApi

OLD, NEW = -4711, -1009876543
DUE = dt.datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def chat(chat_id: int) -> Recipient:
    return Recipient("telegram", str(chat_id))


async def test_the_migration_message_moves_the_abos(
    api: FakeBotApi, bot: TelegramTransport, storage: Storage
) -> None:
    storage.subscriptions.subscribe(chat(OLD), TargetKind.TOPIC, "Heimat")
    api.enqueue(updates.migrated(OLD, NEW))
    await eventually(lambda: storage.subscriptions.subscriber_id(chat(NEW)) is not None)
    assert [s.target for s in storage.subscriptions.list_subscriptions(chat(NEW))] == ["Heimat"]
    assert storage.subscriptions.subscriber_id(chat(OLD)) is None


async def test_a_reminder_to_a_moved_group_arrives_and_the_data_follows(
    api: FakeBotApi, bot: TelegramTransport, storage: Storage, clock: FixedClock
) -> None:
    # The migration message was missed (the bot was down): sending finds out.
    storage.subscriptions.add_personal_reminder(chat(OLD), DUE.date(), "Belege sammeln")
    api.moved[OLD] = NEW
    clock.set(DUE)
    result = await ReminderEngine(storage.outbox, bot.sender, clock).sweep()
    assert result.sent == 1
    assert len(api.texts(NEW)) == 1
    assert "Belege sammeln" in api.texts(NEW)[0]
    assert storage.subscriptions.subscriber_id(chat(OLD)) is None
    assert [r.text for r in storage.subscriptions.list_personal_reminders(chat(NEW))] == [
        "Belege sammeln"]
