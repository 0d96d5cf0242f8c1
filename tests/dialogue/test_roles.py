"""Group rules and the flood limit in the core: the same for every transport."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.dialogue import roles
from bot.dialogue.core import Dialogue
from bot.dialogue.flood import FloodGuard, Verdict
from bot.dialogue.messages import AdminCheck, ChatRef, IncomingMessage
from bot.dialogue.roles import ADMINS_ONLY
from bot.dialogue.subscriptions import SubscriptionCommands
from bot.knowledge.service import Knowledge
from bot.storage.database import create_db_engine
from bot.storage.records import Recipient
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.testing import sqlite_copy, sqlite_template

GROUP = ChatRef("test", "group-1")
HERE = Recipient(GROUP.transport, GROUP.chat_id)
DELETED = "Erledigt: Alle Daten dieses Chats sind gelöscht."


class Member:
    """Someone in the group chat; ``admin`` is what the transport would find out."""

    def __init__(self, dialogue: Dialogue, user_id: str, admin: bool, *,
                 chat: ChatRef = GROUP, group: bool = True) -> None:
        self.dialogue, self.user_id, self.admin = dialogue, user_id, admin
        self.chat, self.group = chat, group
        self.asked = 0

    async def _is_admin(self) -> bool:
        self.asked += 1
        return self.admin

    async def say(self, text: str = "", callback: str | None = None,
                  is_admin: AdminCheck | None = None) -> str:
        reply = await self.dialogue.handle(IncomingMessage(
            self.chat, text, self.user_id, is_group=self.group, callback=callback,
            is_admin=is_admin or self._is_admin))
        assert reply is not None
        return reply.text


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sqlite_template(tmp_path_factory.mktemp("roles"))


@pytest.fixture
def repo(template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[SubscriptionRepository]:
    engine = create_db_engine(sqlite_copy(template, tmp_path))
    yield SubscriptionRepository(engine, clock)
    engine.dispose()


@pytest.fixture
def wired(shipped: Knowledge, clock: FixedClock, repo: SubscriptionRepository) -> Dialogue:
    dialogue = Dialogue(lambda: shipped, clock)
    for command in SubscriptionCommands(dialogue, repo, lambda _r: None).commands():
        dialogue.commands.add(command)
    return dialogue


@pytest.fixture
def admin(wired: Dialogue) -> Member:
    return Member(wired, "admin-1", admin=True)


@pytest.fixture
def member(wired: Dialogue) -> Member:
    return Member(wired, "member-1", admin=False)


@pytest.fixture
async def subscribed(admin: Member, repo: SubscriptionRepository) -> list[str]:
    """The group follows the Heimat-Scheck and has one reminder, set up by its admin."""
    assert (await admin.say("/abo Heimat-Scheck")).startswith("Abo gespeichert")
    assert (await admin.say("/erinnerung 30.11.2026 Sitzung")).startswith(
        "Erinnerung gespeichert")
    return _stored(repo)


def _stored(repo: SubscriptionRepository) -> list[str]:
    return [f"{s.kind}:{s.target}" for s in repo.list_subscriptions(HERE)] + [
        r.text for r in repo.list_personal_reminders(HERE)]


@pytest.mark.parametrize("text", [
    "/abo alle", "!abo Heimat-Scheck", "/abo@FoerderlotseBot Kreis Höxter",
    "/abbestellen alle", "/abbestellen 1", "/erinnerung 01.12.2026 Vorstand",
    "/daten-loeschen", "/daten-loeschen ja", "!DATEN-LOESCHEN ja",
])
async def test_a_member_may_not_change_the_groups_data(
        member: Member, subscribed: list[str], repo: SubscriptionRepository, text: str) -> None:
    assert await member.say(text) == ADMINS_ONLY
    assert _stored(repo) == subscribed
    assert member.asked == 1


async def test_a_member_may_not_press_fristen_abonnieren(
        member: Member, repo: SubscriptionRepository) -> None:
    answer = await member.say("heimatscheck")
    assert answer.startswith("Heimat-Scheck")
    assert await member.say(callback="sub:heimat-scheck") == ADMINS_ONLY
    assert repo.list_subscriptions(HERE) == []


async def test_a_members_ja_after_a_refused_deletion_deletes_nothing(
        member: Member, subscribed: list[str], repo: SubscriptionRepository) -> None:
    assert await member.say("/daten-loeschen") == ADMINS_ONLY
    assert await member.say("ja") != DELETED
    assert _stored(repo) == subscribed


async def test_an_admin_who_lost_the_role_before_saying_ja_is_refused(
        admin: Member, subscribed: list[str], repo: SubscriptionRepository) -> None:
    assert "antworten Sie „ja“" in await admin.say("/daten-loeschen")
    admin.admin = False
    assert await admin.say("ja") == ADMINS_ONLY
    assert _stored(repo) == subscribed


async def test_an_admin_may_change_everything(
        admin: Member, subscribed: list[str], repo: SubscriptionRepository) -> None:
    await admin.say("Kultur und Schule")
    assert (await admin.say(callback="sub:kultur-und-schule")).startswith("Abo gespeichert")
    assert (await admin.say("/abbestellen Heimat-Scheck")).startswith("Abo beendet")
    assert "antworten Sie „ja“" in await admin.say("/daten-loeschen")
    assert await admin.say("ja") == DELETED
    assert _stored(repo) == []


async def test_everyone_may_ask_and_read_and_nobody_is_checked_for_it(
        member: Member, subscribed: list[str]) -> None:
    assert (await member.say("Bis wann läuft der Heimat-Scheck?")).startswith("Heimat-Scheck")
    assert "Heimat-Scheck" in await member.say("/abos")
    assert "/abo" in await member.say("/hilfe")
    assert (await member.say("/frist Heimat-Scheck")).startswith("Heimat-Scheck")
    assert member.asked == 0, "plain questions never cost an admin lookup"


async def test_private_chats_are_not_affected(wired: Dialogue,
                                              repo: SubscriptionRepository) -> None:
    me = Member(wired, "user-1", admin=False, chat=ChatRef("test", "private-1"), group=False)
    assert (await me.say("/abo alle")).startswith("Abo gespeichert")
    assert "antworten Sie „ja“" in await me.say("/daten-loeschen")
    assert await me.say("ja") == DELETED
    assert me.asked == 0


async def test_a_group_nobody_can_vouch_for_is_refused(wired: Dialogue,
                                                       repo: SubscriptionRepository) -> None:
    reply = await wired.handle(IncomingMessage(GROUP, "/abo alle", "someone", is_group=True))
    assert reply is not None
    assert reply.text == ADMINS_ONLY
    assert repo.list_subscriptions(HERE) == []


async def test_a_transport_may_switch_the_rule_off(member: Member,
                                                   repo: SubscriptionRepository) -> None:
    assert (await member.say("/abo alle", is_admin=roles.everyone)).startswith("Abo gespeichert")
    assert len(repo.list_subscriptions(HERE)) == 1


def _message(user: str, transport: str = "telegram") -> IncomingMessage:
    return IncomingMessage(ChatRef(transport, "chat-9"), "heimatscheck", user)


def test_the_flood_window_slides_with_the_injected_clock(clock: FixedClock) -> None:
    guard = FloodGuard(clock)
    guard.limit("telegram", 2)
    a, b = _message("a"), _message("b")
    assert [guard.check(a) for _ in range(4)] == [
        Verdict.ANSWER, Verdict.ANSWER, Verdict.NOTE, Verdict.SILENT]
    assert guard.check(b) is Verdict.ANSWER
    assert guard.check(_message("a", "matrix")) is Verdict.ANSWER, "no limit set for matrix"
    clock.advance(dt.timedelta(seconds=59.9))
    assert guard.check(a) is Verdict.SILENT
    clock.advance(dt.timedelta(seconds=0.1))
    assert guard.check(a) is Verdict.ANSWER
    assert [guard.check(a) for _ in range(2)] == [Verdict.ANSWER, Verdict.NOTE]
    guard.limit("telegram", 0)
    assert guard.check(a) is Verdict.ANSWER


async def test_a_flooding_person_gets_one_note_then_silence(dialogue: Dialogue,
                                                            clock: FixedClock) -> None:
    dialogue.flood.limit("telegram", 3)
    texts = [None if r is None else r.text
             for r in [await dialogue.handle(_message("u1")) for _ in range(6)]]
    assert all(t is not None and t.startswith("Heimat-Scheck") for t in texts[:3])
    assert texts[3] == ("Sie schreiben mir gerade sehr schnell. Ich beantworte bis zu 3 "
                        "Nachrichten pro Minute – bitte warten Sie einen Moment, dann bin ich "
                        "wieder für Sie da.")
    assert texts[4:] == [None, None]
    other = await dialogue.handle(_message("u2"))
    assert other is not None, "another person is answered"
    clock.advance(dt.timedelta(minutes=1))
    again = await dialogue.handle(_message("u1"))
    assert again is not None
    assert again.text.startswith("Heimat-Scheck")


async def test_without_a_limit_every_message_is_answered(dialogue: Dialogue) -> None:
    replies = [await dialogue.handle(_message("u1", "console")) for _ in range(40)]
    assert all(r is not None and r.text.startswith("Heimat-Scheck") for r in replies)
