"""Group etiquette: only commands, replies and mentions; the group's data only for admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.dialogue.roles import ADMINS_ONLY
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


async def test_only_admins_may_change_the_groups_data(api: FakeBotApi, bot: TelegramTransport,
                                                     storage: Any) -> None:
    """The core's rule (bot.dialogue.roles), with Telegram's answer to "is this an admin?"."""
    api.admins.add((GROUP, ADMIN))
    [ok] = await exchange(api, updates.press("sub:heimat-scheck", GROUP, ADMIN))
    assert ok.startswith("Abo gespeichert")
    before = storage.subscriptions.list_subscriptions(HERE)
    refused = []
    for text in ["/abo alle", "/erinnerung 30.11.2026 Sitzung", "/abbestellen alle",
                 "/daten_loeschen", "/daten_loeschen@FoerderlotseBot ja"]:
        refused += await exchange(api, updates.message(text, GROUP, MEMBER))
    refused += await exchange(api, updates.press("sub:kultur-und-schule", GROUP, MEMBER))
    assert refused == [ADMINS_ONLY] * 6
    [ja] = await exchange(api, updates.message("ja", GROUP, MEMBER, reply_to_bot=True))
    assert not ja.startswith("Erledigt")
    assert storage.subscriptions.list_subscriptions(HERE) == before
    assert storage.subscriptions.list_personal_reminders(HERE) == []
    [listed] = await exchange(api, updates.message("/abos", GROUP, MEMBER))
    assert "Heimat-Scheck" in listed, "reading the group's abos is open to everyone"
    asked = len(api.called("getChatMember"))
    await exchange(api, updates.message("@FoerderlotseBot heimatscheck?", GROUP, MEMBER))
    assert len(api.called("getChatMember")) == asked, "a question costs no admin lookup"


async def test_an_admin_may_delete_the_groups_data_and_so_may_an_anonymous_one(
        api: FakeBotApi, bot: TelegramTransport, storage: Any) -> None:
    api.admins.add((GROUP, ADMIN))
    await exchange(api, updates.message("/abo alle", GROUP, ADMIN))
    [asks] = await exchange(api, updates.message("/daten_loeschen", GROUP, ADMIN))
    assert "„ja“" in asks
    [done] = await exchange(api, updates.message("ja", GROUP, ADMIN, reply_to_bot=True))
    assert done.startswith("Erledigt")
    [ok] = await exchange(api, updates.anonymous("/abo Heimat-Scheck"))
    assert ok.startswith("Abo gespeichert")
    assert len(storage.subscriptions.list_subscriptions(HERE)) == 1


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
