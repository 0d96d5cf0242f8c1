"""Offline tests of the Matrix transport's pure parts: settings, rendering, mentions, errors."""

from __future__ import annotations

import asyncio
import types
from pathlib import Path

import pytest
from nio import MatrixRoom, RoomCreateEvent, RoomSendError

from bot.dialogue.core import Dialogue
from bot.dialogue.messages import Choice, Reply
from bot.errors import ConfigError, TransportError
from bot.reminders.sender import PermanentFailure, RetryLater
from bot.transports.matrix.client import LoginRejected, error_for
from bot.transports.matrix.config import MatrixConfig, TrustPolicy
from bot.transports.matrix.handlers import SyncHandler
from bot.transports.matrix.mentions import addressed, names_of
from bot.transports.matrix.power import RoomAdmins
from bot.transports.matrix.render import Renderer

BASE = {"FOERDERLOTSE_MATRIX_HOMESERVER": "https://matrix.example.org/",
        "FOERDERLOTSE_MATRIX_USER_ID": "@foerderlotse:kreis-hoexter.de",
        "FOERDERLOTSE_MATRIX_PASSWORD": "geheim"}


def test_config_defaults_to_the_bots_own_server() -> None:
    config = MatrixConfig.from_env(BASE, Path("/data"))
    assert config.homeserver == "https://matrix.example.org"
    assert config.store_dir == Path("/data/matrix")
    assert config.trust is TrustPolicy.ALLOWED_TOFU
    assert config.is_allowed("@anna:kreis-hoexter.de")
    assert not config.is_allowed("@anna:example.org")


def test_config_globs_and_policy() -> None:
    env = {**BASE, "FOERDERLOTSE_MATRIX_ALLOWED": "@*:kreis-hoexter.de, @anna:example.org",
           "FOERDERLOTSE_MATRIX_TRUST": "tofu"}
    config = MatrixConfig.from_env(env, Path("/data"))
    assert config.is_allowed("@Bernd:Kreis-Hoexter.de")
    assert config.is_allowed("@anna:example.org")
    assert not config.is_allowed("@annabel:example.org")
    assert config.trust is TrustPolicy.TOFU


def test_the_flood_limit_is_a_setting() -> None:
    assert MatrixConfig.from_env(BASE, Path("/data")).flood_per_minute == 20
    env = {**BASE, "FOERDERLOTSE_MATRIX_FLOOD_PER_MINUTE": "0"}
    assert MatrixConfig.from_env(env, Path("/data")).flood_per_minute == 0


@pytest.mark.parametrize(("change", "needle"), [
    ({"FOERDERLOTSE_MATRIX_HOMESERVER": "matrix.example.org"}, "HOMESERVER"),
    ({"FOERDERLOTSE_MATRIX_USER_ID": "foerderlotse"}, "USER_ID"),
    ({"FOERDERLOTSE_MATRIX_PASSWORD": ""}, "ACCESS_TOKEN"),
    ({"FOERDERLOTSE_MATRIX_ALLOWED": "kreis-hoexter.de"}, "ALLOWED"),
    ({"FOERDERLOTSE_MATRIX_TRUST": "blind"}, "TRUST"),
    ({"FOERDERLOTSE_MATRIX_FLOOD_PER_MINUTE": "viele"}, "FLOOD_PER_MINUTE"),
    ({"FOERDERLOTSE_MATRIX_FLOOD_PER_MINUTE": "-5"}, "FLOOD_PER_MINUTE"),
])
def test_config_errors_name_the_variable(change: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        MatrixConfig.from_env({**BASE, **change}, Path("/data"))


def test_token_login_needs_the_device() -> None:
    env = {**BASE, "FOERDERLOTSE_MATRIX_PASSWORD": "",
           "FOERDERLOTSE_MATRIX_ACCESS_TOKEN": "syt_x", "FOERDERLOTSE_MATRIX_DEVICE_ID": "ABC"}
    config = MatrixConfig.from_env(env, Path("/data"))
    assert (config.access_token, config.device_id, config.password) == ("syt_x", "ABC", None)


RENDER = Renderer(["hilfe", "abo", "frist", "programme"])


def test_choices_become_an_ordered_list_and_user_text_is_escaped() -> None:
    reply = Reply("Meinten Sie …?\n1. Kultur & <Schule>\n2. Heimat-Scheck\n"
                  "Antworten Sie mit der Nummer.",
                  choices=(Choice("Kultur & <Schule>", "e:ks"), Choice("Heimat-Scheck", "e:hs")))
    content = RENDER.reply(reply)
    assert content["body"] == ("Meinten Sie …?\n1. Kultur & <Schule>\n2. Heimat-Scheck\n"
                               "Antworten Sie mit der Nummer.")
    assert content["formatted_body"] == (
        "Meinten Sie …?<br><ol><li>Kultur &amp; &lt;Schule&gt;</li><li>Heimat-Scheck</li></ol>"
        "Antworten Sie mit der Nummer.")


def test_actions_become_a_command_hint_and_commands_use_the_bang() -> None:
    reply = Reply("Mit /hilfe sehen Sie alles: https://example.org/hilfe und/oder /frist.",
                  actions=(Choice("Fristen abonnieren", "sub:heimat-scheck"),))
    content = RENDER.reply(reply)
    assert content["body"] == ("Mit !hilfe sehen Sie alles: https://example.org/hilfe und/oder "
                               "!frist.\n\nFristen abonnieren: !abo heimat-scheck")
    assert "<code>!abo</code> heimat-scheck" in content["formatted_body"]
    assert content["msgtype"] == "m.text"


NAMES = names_of("@foerderlotse:localhost", "Förderlotse")


@pytest.mark.parametrize(("text", "content", "expected"), [
    ("!hilfe", {}, "!hilfe"),
    ("/frist Heimat-Scheck", {}, "/frist Heimat-Scheck"),
    ("Förderlotse: Wann ist die Frist?", {}, "Wann ist die Frist?"),
    ("@foerderlotse:localhost wer hilft in Brakel", {}, "wer hilft in Brakel"),
    ("foerderlotse, 2", {}, "2"),
    ("Wann ist die Frist?", {}, None),
    ("Förderlotse-Fans unter uns?", {}, None),
    ("Frag mal Förderlotse nach dem Heimat-Scheck",
     {"m.mentions": {"user_ids": ["@foerderlotse:localhost"]}},
     "Frag mal nach dem Heimat-Scheck"),
])
def test_group_messages_need_a_command_or_mention(text: str, content: dict[str, object],
                                                  expected: str | None) -> None:
    assert addressed(text, content, "@foerderlotse:localhost", NAMES) == expected


@pytest.mark.parametrize(("source", "error", "retry_after"), [
    ({"errcode": "M_LIMIT_EXCEEDED", "error": "Too many", "retry_after_ms": 2500}, RetryLater, 2.5),
    ({"errcode": "M_FORBIDDEN", "error": "not in room"}, PermanentFailure, None),
    ({"errcode": "M_UNKNOWN_TOKEN", "error": "revoked"}, LoginRejected, None),
    ({"errcode": "M_BAD_JSON", "error": "bad"}, TransportError, None),
])
def test_nio_error_responses_become_exceptions(source: dict[str, object], error: type,
                                               retry_after: float | None) -> None:
    exception = error_for(RoomSendError.from_dict(source, "!r:x"), "room_send")
    assert type(exception) is error
    if retry_after is not None:
        assert isinstance(exception, RetryLater)
        assert exception.retry_after == retry_after


class FlakyConnection:
    """A connection whose first posts fail as if the homeserver were unreachable."""

    def __init__(self, failures: int) -> None:
        self.config = types.SimpleNamespace()
        self.failures = failures
        self.posts: list[str] = []

    async def post(self, room_id: str, content: dict[str, object], txn_id: str) -> None:
        if self.failures:
            self.failures -= 1
            raise RetryLater("sync: ClientConnectorError")
        self.posts.append(txn_id)


async def test_a_reply_survives_a_short_outage(dialogue: Dialogue,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    connection = FlakyConnection(failures=5)
    handler = SyncHandler(connection, dialogue, None)  # type: ignore[arg-type]
    await handler._send("!room:x", {"body": "Antwort"}, "txn-1")
    assert connection.posts == ["txn-1"]  # one post, same transaction id throughout
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0]  # growing backoff, not three tries


def _room(version: str) -> MatrixRoom:
    room = MatrixRoom("!r:x", "@bot:x")
    room.room_version = version
    room.power_levels.users.update({"@mod:x": 50, "@admin:x": 100})
    return room


def _created_by(creator: str, *more: str) -> RoomCreateEvent:
    return RoomCreateEvent.from_dict({
        "type": "m.room.create", "state_key": "", "sender": creator, "event_id": "$c",
        "origin_server_ts": 1, "content": {"room_version": "12",
                                           "additional_creators": list(more)}})


async def test_room_admins_are_power_50_and_the_creators_where_creators_rule() -> None:
    admins = RoomAdmins()
    admins.learn("!r:x", [_created_by("@anna:x", "@ben:x")])
    v12, v10 = _room("12"), _room("10")
    assert [admins.is_admin(v12, u) for u in ("@anna:x", "@ben:x", "@mod:x", "@admin:x")] == [
        True, True, True, True]
    assert not admins.is_admin(v12, "@member:x")
    assert not admins.is_admin(v10, "@anna:x"), "before v12 a creator has only their level"
    assert not RoomAdmins().is_admin(v12, "@anna:x"), "creators not seen yet: levels only"
    v10.power_levels.defaults.users_default = 50
    assert await admins.check(v10, "@member:x")()
