"""Group etiquette: only commands, replies and mentions; abos only for admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.storage.records import Recipient, TargetKind
from bot.transports.telegram import TelegramTransport
from tests.telegram import updates
from tests.telegram.conftest import eventually, running
from tests.telegram.fakeapi import FakeBotApi
from tests.telegram.test_chat import exchange
from tests.telegram.updates import GROUP

ADMIN, MEMBER = 501, 502
HERE = Recipient("telegram", str(GROUP))


async def test_chatter_is_ignored_but_mentions_replies_and_commands_answered(
        api: FakeBotApi, bot: TelegramTransport) -> None:
    api.enqueue(updates.message("Heimatscheck ist super", GROUP, MEMBER))
    api.enqueue(updates.message("/start@AndererBot", GROUP, MEMBER))
    [mention] = await exchange(api, updates.message("@FoerderlotseBot heimatscheck?", GROUP,
                                                    MEMBER, message_id=7))
    [reply] = await exchange(api, updates.message("heimatscheck", GROUP, MEMBER,
                                                  reply_to_bot=True))
    [command] = await exchange(api, updates.message("/hilfe@FoerderlotseBot", GROUP, MEMBER))
    assert mention.startswith("Heimat-Scheck")
    assert reply.startswith("Heimat-Scheck")
    assert "/abo" in command
    assert len(api.sent()) == 3, "chatter and other bots' commands stay unanswered"
    first = api.sent()[0]
    assert first["reply_parameters"]["message_id"] == 7


async def test_only_admins_may_subscribe_in_groups(api: FakeBotApi, bot: TelegramTransport,
                                                   storage: Any) -> None:
    api.admins.add((GROUP, ADMIN))
    refused = await exchange(api, updates.message("/abo alle", GROUP, MEMBER))
    refused += await exchange(api, updates.press("sub:heimat-scheck", GROUP, MEMBER))
    refused += await exchange(api, updates.message("/erinnerung 30.11.2026 Sitzung", GROUP,
                                                   MEMBER))
    assert all(t.startswith("In Gruppen können nur Admins") for t in refused)
    assert storage.subscriptions.list_subscriptions(HERE) == []
    [ok] = await exchange(api, updates.press("sub:heimat-scheck", GROUP, ADMIN))
    assert ok.startswith("Abo gespeichert")
    [listed] = await exchange(api, updates.message("/abos", GROUP, MEMBER))
    assert "Heimat-Scheck" in listed, "reading the group's abos is open to everyone"


async def test_admin_rule_can_be_switched_off(
        api: FakeBotApi, make_transport: Callable[..., TelegramTransport], storage: Any) -> None:
    transport = make_transport(FOERDERLOTSE_TELEGRAM_GROUP_ADMIN_ONLY="false")
    async with running(transport):
        [ok] = await exchange(api, updates.message("/abo alle", GROUP, MEMBER))
    assert ok.startswith("Abo gespeichert")
    assert not api.called("getChatMember")


async def test_removing_the_bot_deactivates_the_groups_abos(
        api: FakeBotApi, bot: TelegramTransport, storage: Any) -> None:
    storage.subscriptions.subscribe(HERE, TargetKind.ALL)
    storage.subscriptions.subscribe(Recipient("telegram", "11"), TargetKind.ALL)
    api.enqueue(updates.removed(GROUP, "kicked"))
    api.enqueue(updates.removed(11, "kicked"))  # a private chat that blocked the bot
    await eventually(lambda: storage.subscriptions.active_subscriptions() == [])
    assert not api.sent()


async def test_leaving_a_group_deactivates_too(api: FakeBotApi, bot: TelegramTransport,
                                               storage: Any) -> None:
    storage.subscriptions.subscribe(HERE, TargetKind.ALL)
    api.enqueue(updates.removed(GROUP, "left"))
    await eventually(lambda: storage.subscriptions.active_subscriptions() == [])
