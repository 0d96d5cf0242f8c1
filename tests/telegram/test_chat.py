"""Questions, commands and buttons through python-telegram-bot's real HTTP stack."""

from __future__ import annotations

from typing import Any

from bot.dialogue.smalltalk import THANKS_REPLY
from bot.storage.records import Recipient, TargetKind
from bot.transports.telegram import TelegramTransport
from tests.telegram import updates
from tests.telegram.fakeapi import FakeBotApi


async def exchange(api: FakeBotApi, update: dict[str, Any], replies: int = 1) -> list[str]:
    """Send one update and return the texts of the ``replies`` messages it caused."""
    before = len(api.sent())
    api.enqueue(update)
    await api.wait_for(lambda: len(api.sent()) >= before + replies)
    return [m["text"] for m in api.sent()[before:]]


async def test_a_question_is_answered_in_telegram_html(api: FakeBotApi,
                                                       bot: TelegramTransport) -> None:
    [text] = await exchange(api, updates.message("wie viel gibt's beim heimatscheck?"))
    assert text.startswith("Heimat-Scheck")
    sent = api.sent()[-1]
    assert sent["parse_mode"] == "HTML"
    assert int(sent["chat_id"]) == 11
    assert sent["link_preview_options"] == {"is_disabled": True}
    [[button]] = sent["reply_markup"]["inline_keyboard"]
    assert button == {"text": "Fristen abonnieren", "callback_data": "sub:heimat-scheck"}


async def test_a_typo_question_is_answered(api: FakeBotApi, bot: TelegramTransport) -> None:
    [text] = await exchange(api, updates.message("Heimatchek wieviel geld"))
    assert text.startswith("Heimat-Scheck")


async def test_meinten_sie_button_shows_the_chosen_entry(api: FakeBotApi,
                                                         bot: TelegramTransport) -> None:
    [text] = await exchange(api, updates.message("heimat"))
    assert text.startswith("Meinten Sie …?\n1. ")
    rows = api.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert all(len(r) == 1 for r in rows)
    assert rows[0][0]["text"].startswith("1. ")
    choice = rows[0][0]["callback_data"]
    assert choice.startswith("e:")
    assert len(choice.encode()) <= 64
    [shown] = await exchange(api, updates.press(choice))
    assert shown.startswith(rows[0][0]["text"][3:])
    assert api.called("answerCallbackQuery")[-1].params["callback_query_id"] == f"cq-{choice}"


async def test_subscribing_by_button_stores_the_subscription(
        api: FakeBotApi, bot: TelegramTransport, storage: Any) -> None:
    [text] = await exchange(api, updates.press("sub:heimat-scheck", chat_id=12))
    assert text.startswith("Abo gespeichert: Heimat-Scheck.")
    [sub] = storage.subscriptions.list_subscriptions(Recipient("telegram", "12"))
    assert (sub.kind, sub.target) == (TargetKind.PROGRAMME, "heimat-scheck")


async def test_stale_and_forged_buttons_get_a_polite_answer(api: FakeBotApi,
                                                            bot: TelegramTransport) -> None:
    stale = await exchange(api, updates.press("e:gibt-es-nicht"))
    forged = await exchange(api, updates.press("<script>" + "x" * 80))
    gone = await exchange(api, updates.press("sub:gibt-es-nicht"))
    assert "nicht mehr" in stale[0]
    assert "nicht mehr aktuell" in forged[0]
    assert "nicht mehr" in gone[0]
    assert len(api.called("answerCallbackQuery")) == 3


async def test_commands_are_registered_with_german_descriptions(
        api: FakeBotApi, bot: TelegramTransport) -> None:
    [call] = api.called("setMyCommands")
    menu = {c["command"]: c["description"] for c in call.params["commands"]}
    assert menu["hilfe"] == "Diese Hilfe"
    assert menu["daten_loeschen"] == "alles über diesen Chat löschen"
    assert {"start", "abo", "abos", "abbestellen", "frist", "erinnerung"} <= set(menu)
    assert all(name.replace("_", "").isalnum() and name.islower() for name in menu)


async def test_telegram_command_names_reach_the_core(api: FakeBotApi,
                                                     bot: TelegramTransport) -> None:
    [text] = await exchange(api, updates.message("/daten_loeschen"))
    assert "/daten-loeschen ja" in text
    [done] = await exchange(api, updates.message("/daten_loeschen@FoerderlotseBot ja"))
    assert done.startswith("Erledigt")


async def test_a_personal_reminder_and_an_abo_by_command(
        api: FakeBotApi, bot: TelegramTransport, storage: Any) -> None:
    [text] = await exchange(api, updates.message("/erinnerung 30.11.2026 Belege sammeln"))
    assert text == "Erinnerung gespeichert: am 30.11.2026 um 09:00 Uhr – Belege sammeln"
    [abo] = await exchange(api, updates.message("/abo LWL-Kulturstiftung"))
    assert abo.startswith("Abo gespeichert: LWL-Kulturstiftung.")
    [listed] = await exchange(api, updates.message("/abos"))
    assert "LWL-Kulturstiftung" in listed
    assert "Belege sammeln" in listed


async def test_awkward_input_is_escaped_and_never_crashes(api: FakeBotApi,
                                                          bot: TelegramTransport) -> None:
    questions = ["<b>Heimat</b> & <script>alert(1)</script>", "🙂🙂🙂", "\x00\x07\x1b[31mhallo",
                 "مرحبا كيف حالك", "/abo <i>boese</i> &amp;", "x" * 5000, "‮Heimat-Scheck‬"]
    for question in questions:
        [text] = await exchange(api, updates.message(question))
        assert text
    command = api.sent()[4]["text"]
    assert "„&lt;i&gt;boese&lt;/i&gt; &amp;amp;“" in command
    assert "<i>" not in command
    assert not [c for c in api.calls if c.status != 200]


async def test_other_messages_in_a_private_chat_get_a_hint(api: FakeBotApi,
                                                           bot: TelegramTransport) -> None:
    sticker = updates.message("")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "s", "file_unique_id": "s", "width": 1,
                                     "height": 1, "is_animated": False, "is_video": False,
                                     "type": "regular"}
    [text] = await exchange(api, sticker)
    assert text.startswith("Stellen Sie mir gern eine Frage")


async def test_a_conversation_remembers_its_topic(api: FakeBotApi, bot: TelegramTransport,
                                                  storage: Any) -> None:
    [first] = await exchange(api, updates.message("Was fördert die LWL-Kulturstiftung?"))
    [follow] = await exchange(api, updates.message("und bis wann?"))
    [place] = await exchange(api, updates.message("heimatscheck"))
    [narrowed] = await exchange(api, updates.message("und in Höxter?"))
    [offered] = await exchange(api, updates.message("förderung"))
    second = api.sent()[-1]["reply_markup"]["inline_keyboard"][1][0]["text"][3:]
    [picked] = await exchange(api, updates.message("Nr. 2"))
    [thanks] = await exchange(api, updates.message("danke!"))
    assert first.startswith("LWL-Kulturstiftung\n")
    assert follow.startswith("LWL-Kulturstiftung – Frist: 28.02.2027")
    assert place.startswith("Heimat-Scheck\n")
    assert narrowed.startswith("Heimat-Scheck – Ansprechstelle: Bezirksregierung Detmold")
    assert offered.startswith("Meinten Sie …?")
    assert picked.startswith(second)
    assert thanks == THANKS_REPLY


async def test_a_plain_ja_confirms_the_deletion(api: FakeBotApi, bot: TelegramTransport,
                                                storage: Any) -> None:
    await exchange(api, updates.message("/abo alle"))
    [asked] = await exchange(api, updates.message("/daten_loeschen"))
    [done] = await exchange(api, updates.message("ja"))
    assert "antworten Sie „ja“" in asked
    assert done == "Erledigt: Alle Daten dieses Chats sind gelöscht."
    assert storage.subscriptions.list_subscriptions(Recipient("telegram", "11")) == []
