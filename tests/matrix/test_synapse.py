"""The Matrix transport against a real Synapse (see conftest.py for the harness)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import signal
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import logs
from bot.clock import BERLIN, FixedClock
from bot.dialogue.roles import ADMINS_ONLY
from bot.dialogue.smalltalk import THANKS_REPLY
from bot.reminders.engine import ReminderEngine
from bot.storage.records import Recipient
from bot.transports.matrix.client import load_credentials
from tests.matrix.helpers import Account, MatrixUser, run_briefly, running_bot, settings_for

ROOT = Path(__file__).resolve().parents[2]
KILLED_SENDER = Path(__file__).with_name("killed_sender.py")
QUESTION = "Wie viel gibt es beim Heimat-Scheck?"


def is_welcome(body: str) -> bool:
    return body.startswith("Guten Tag!")


def answers_heimat(body: str) -> bool:
    return "Heimat-Scheck" in body and not is_welcome(body)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_answers_a_question(register: Callable[[str], Account], alice: MatrixUser,
                                  tmp_path: Path, clock: FixedClock, encrypted: bool) -> None:
    bot_account = register("bot")
    async with running_bot(bot_account, tmp_path / "bot", clock):
        room = await alice.create_room([bot_account.user_id], encrypted=encrypted)
        welcome = await alice.wait_for(room, bot_account.user_id, is_welcome)
        assert "!hilfe" in welcome.body
        assert "/hilfe" not in welcome.body
        await alice.say(room, QUESTION)
        answer = await alice.wait_for(room, bot_account.user_id, answers_heimat)
    assert "<" not in answer.body  # plain body; the HTML sits in formatted_body
    assert answer.content["format"] == "org.matrix.custom.html"
    assert alice.undecryptable == 0


async def test_invites_only_from_allowed_users(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    mallory = MatrixUser(register("mallory"), tmp_path / "mallory")
    await mallory.login()
    try:
        async with running_bot(bot_account, tmp_path / "bot", clock):
            theirs = await mallory.create_room([bot_account.user_id])
            ours = await alice.create_room([bot_account.user_id])
            await alice.wait_for(ours, bot_account.user_id, is_welcome)
            membership = await _membership(mallory, theirs, bot_account.user_id, "leave")
        assert membership == "leave"  # the invite was rejected
        assert mallory.messages_from(theirs, bot_account.user_id) == []
    finally:
        await mallory.close()


async def _membership(user: MatrixUser, room: str, who: str, wanted: str) -> str:
    membership = ""
    for _ in range(100):
        response = await user.client.room_get_state_event(room, "m.room.member", who)
        membership = getattr(response, "content", {}).get("membership", "")
        if membership == wanted:
            break
        await asyncio.sleep(0.2)
    return membership


async def test_reminder_reaches_a_subscribed_room_and_kick_ends_it(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    async with running_bot(bot_account, tmp_path / "bot", clock) as bot:
        room = await alice.create_room([bot_account.user_id], encrypted=True)
        await alice.wait_for(room, bot.user_id, is_welcome)
        await alice.say(room, "!abo Heimat-Scheck")
        await alice.wait_for(room, bot.user_id, lambda b: b.startswith("Abo gespeichert"))
        await alice.say(room, "!erinnerung morgen Belege sammeln")
        await alice.wait_for(room, bot.user_id, lambda b: b.startswith("Erinnerung gespeichert"))

        tomorrow = clock.now().astimezone(BERLIN).date() + dt.timedelta(days=1)
        clock.set(dt.datetime.combine(tomorrow, dt.time(9, 1), tzinfo=BERLIN))
        result = await ReminderEngine(bot.storage.outbox, bot.transport.sender, clock).sweep()
        assert result.sent == 1
        reminder = await alice.wait_for(room, bot.user_id,
                                        lambda b: b.startswith("Ihre Erinnerung:"))
        assert "Belege sammeln" in reminder.body

        assert bot.storage.subscriptions.active_subscriptions() != []
        await alice.client.room_kick(room, bot.user_id, reason="Test")
        for _ in range(100):
            if not await asyncio.to_thread(bot.storage.subscriptions.active_subscriptions):
                break
            await asyncio.sleep(0.2)
        assert bot.storage.subscriptions.active_subscriptions() == []


async def test_restart_answers_new_messages_only(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    data = tmp_path / "bot"
    async with running_bot(bot_account, data, clock) as bot:
        room = await alice.create_room([bot.user_id], encrypted=True)
        await alice.wait_for(room, bot.user_id, is_welcome)
        await alice.say(room, QUESTION)
        first = await alice.wait_for(room, bot.user_id, answers_heimat)
    device = load_credentials(data / "matrix")
    await alice.say(room, "!frist Heimat-Scheck")  # sent while the bot is down

    async with running_bot(bot_account, data, clock):
        assert load_credentials(data / "matrix") == device  # same device, same keys
        await alice.wait_for(room, bot_account.user_id,
                             lambda b: b != first.body and not is_welcome(b))
        await alice.say(room, "!hilfe")
        await alice.wait_for(room, bot_account.user_id, lambda b: b.startswith("Stellen Sie"))
        await asyncio.sleep(1)
        await alice.sync()
    replies = alice.messages_from(room, bot_account.user_id)
    assert [is_welcome(r.body) for r in replies].count(True) == 1
    assert [r.body for r in replies].count(first.body) == 1  # not answered again
    assert len(replies) == 4  # welcome, answer, the missed command, the new one
    assert alice.undecryptable == 0


async def test_kill_during_send_does_not_post_twice(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    data = tmp_path / "bot"
    async with running_bot(bot_account, data, clock) as bot:
        room = await alice.create_room([bot.user_id])
        await alice.wait_for(room, bot.user_id, is_welcome)
    txn, text = "foerderlotse-kill9-test", "Erinnerung an Fristen: Heimat-Scheck"
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(KILLED_SENDER), str(data), bot_account.homeserver,
        bot_account.user_id, bot_account.password, room, txn, text,
        stdout=asyncio.subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdout is not None
        line = (await asyncio.wait_for(child.stdout.readline(), 60)).decode()
        assert line.startswith("sent "), line
    finally:
        child.send_signal(signal.SIGKILL)
        await asyncio.wait_for(child.wait(), 30)
    assert child.returncode == -signal.SIGKILL

    async with running_bot(bot_account, data, clock) as bot:  # the engine's retry
        await bot.transport.sender.send(Recipient("matrix", room), text, dedupe_id=txn)
        await bot.transport.sender.send(Recipient("matrix", room), text, dedupe_id=txn)
    await alice.wait_for(room, bot_account.user_id, lambda b: b == text)
    await asyncio.sleep(1)
    await alice.sync()
    copies = [m for m in alice.messages_from(room, bot_account.user_id) if m.body == text]
    assert len(copies) == 1
    assert copies[0].event_id == line.split()[1]


async def test_group_room_answers_commands_and_mentions_only(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    bob = MatrixUser(register("alice-bob"), tmp_path / "bob")
    await bob.login()
    try:
        async with running_bot(bot_account, tmp_path / "bot", clock) as bot:
            room = await alice.create_room([bot.user_id, bob.account.user_id])
            await bob.client.join(room)
            await alice.wait_for(room, bot.user_id, is_welcome)
            await alice.say(room, QUESTION)  # people talking among themselves
            await alice.say(room, "!frist Heimat-Scheck")
            await alice.wait_for(room, bot.user_id, lambda b: not is_welcome(b))
            localpart = bot.user_id[1:].split(":")[0]
            await alice.say(room, f"{localpart}: {QUESTION}")
            await alice.wait_for(room, bot.user_id, answers_heimat)
            await asyncio.sleep(1)
            await alice.sync()
        assert len(alice.messages_from(room, bot_account.user_id)) == 3
    finally:
        await bob.close()


async def test_in_a_group_room_only_admins_change_its_data(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    """The core's rule on Matrix: power level 50 or more, or the creator (room version 12)."""
    bot_account = register("bot")
    bob = MatrixUser(register("alice-bob"), tmp_path / "bob")
    await bob.login()
    try:
        async with running_bot(bot_account, tmp_path / "bot", clock) as bot:
            room = await alice.create_room([bot.user_id, bob.account.user_id])
            await bob.client.join(room)
            await alice.wait_for(room, bot.user_id, is_welcome)
            here = Recipient("matrix", room)

            async def ask(who: MatrixUser, text: str) -> str:
                seen = len(alice.messages_from(room, bot.user_id))
                await who.say(room, text)
                return (await alice.next_from(room, bot.user_id, seen)).body

            assert (await ask(alice, "!abo Heimat-Scheck")).startswith("Abo gespeichert")
            assert await ask(bob, "!daten-loeschen ja") == ADMINS_ONLY
            assert await ask(bob, "!abo alle") == ADMINS_ONLY
            stored = bot.storage.subscriptions.list_subscriptions(here)
            assert [s.target for s in stored] == ["heimat-scheck"], "nothing changed"
            assert (await ask(bob, "!frist Heimat-Scheck")).startswith("Heimat-Scheck")
            await alice.set_power(room, bob.account.user_id, 50)
            assert (await ask(bob, "!daten-loeschen ja")).startswith("Erledigt")
            assert bot.storage.subscriptions.list_subscriptions(here) == []
    finally:
        await bob.close()


async def test_undecryptable_message_gets_a_notice(
    register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path, clock: FixedClock,
) -> None:
    bot_account = register("bot")
    async with running_bot(bot_account, tmp_path / "bot", clock) as bot:
        room = await alice.create_room([bot.user_id])
        await alice.wait_for(room, bot.user_id, is_welcome)
        # A Megolm message whose session the bot never received.
        broken = {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEhB", "session_id":
                  "unknown-session", "sender_key": "c2VuZGVy", "device_id": "NOPE"}
        await alice.client.room_send(room, "m.room.encrypted", broken)
        notice = await alice.wait_for(room, bot.user_id, lambda b: "entschlüsseln" in b)
    assert "noch einmal" in notice.body


async def test_a_conversation_remembers_its_topic(register: Callable[[str], Account],
                                                  alice: MatrixUser, tmp_path: Path,
                                                  clock: FixedClock) -> None:
    bot_account = register("bot")
    bot = bot_account.user_id
    async with running_bot(bot_account, tmp_path / "bot", clock):
        room = await alice.create_room([bot])
        await alice.wait_for(room, bot, is_welcome)
        await alice.say(room, "Was fördert die LWL-Kulturstiftung?")
        await alice.wait_for(room, bot, lambda b: b.startswith("LWL-Kulturstiftung\n"))
        await alice.say(room, "und bis wann?")
        await alice.wait_for(room, bot, lambda b: b.startswith("LWL-Kulturstiftung – Frist:"))
        await alice.say(room, "förderung")
        offered = await alice.wait_for(room, bot, lambda b: b.startswith("Meinten Sie"))
        second = offered.body.splitlines()[2].removeprefix("2. ")
        await alice.say(room, "die 2")
        await alice.wait_for(room, bot, lambda b: b.startswith(second + ":")
                             or b.startswith(second + "\n"))
        await alice.say(room, "Vielen Dank!")
        await alice.wait_for(room, bot, lambda b: b == THANKS_REPLY)
        await alice.say(room, "!abo alle")
        await alice.wait_for(room, bot, lambda b: b.startswith("Abo gespeichert"))
        await alice.say(room, "!daten-loeschen")
        await alice.wait_for(room, bot, lambda b: "antworten Sie „ja“" in b)
        await alice.say(room, "ja")
        await alice.wait_for(room, bot, lambda b: b.startswith("Erledigt: Alle Daten"))


async def test_debug_log_has_no_password_token_or_message_text(
        register: Callable[[str], Account], alice: MatrixUser, tmp_path: Path,
        clock: FixedClock, captured: io.StringIO) -> None:
    bot_account = register("bot")
    settings = settings_for(bot_account, tmp_path / "bot", "@alice-*:localhost")
    logs.configure("DEBUG", settings.secrets(), stream=captured)
    # An unreachable homeserver first: the bot retries and logs why.
    nowhere = Account("http://127.0.0.1:9", bot_account.user_id, bot_account.password)
    async with asyncio.timeout(20):
        await run_briefly(nowhere, tmp_path / "nowhere", clock, seconds=3)
    async with running_bot(bot_account, tmp_path / "bot", clock):
        room = await alice.create_room([bot_account.user_id])
        await alice.wait_for(room, bot_account.user_id, is_welcome)
        await alice.say(room, "Heimatscheck @room Kennwort Zwergpinscher")
        answer = await alice.wait_for(room, bot_account.user_id, answers_heimat)
    saved = load_credentials(tmp_path / "bot" / "matrix")
    assert saved is not None
    log = captured.getvalue()
    assert "not reachable" in log
    assert "DEBUG" in log
    assert bot_account.password not in log
    assert saved.access_token not in log
    assert "Zwergpinscher" not in log
    assert answer.content["m.mentions"] == {}
    store = tmp_path / "bot" / "matrix"
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in store.iterdir() if f.is_file()} == {0o600}
