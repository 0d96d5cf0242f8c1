"""The Telegram settings and the command names Telegram allows."""

from __future__ import annotations

import pytest

from bot.dialogue.core import Dialogue
from bot.errors import ConfigError
from bot.transports.telegram.commands import aliases, menu, telegram_name, translate
from bot.transports.telegram.config import TelegramConfig

TOKEN = {"FOERDERLOTSE_TELEGRAM_TOKEN": "123:abc"}
HOOK = {**TOKEN, "FOERDERLOTSE_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
        "FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET": "geheim_1"}


def test_defaults() -> None:
    config = TelegramConfig.from_env(TOKEN)
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert config.webhook is None
    assert config.group_admin_only
    assert config.flood_per_minute == 20
    assert "123:abc" not in repr(config)


def test_webhook_settings() -> None:
    config = TelegramConfig.from_env({**HOOK, "FOERDERLOTSE_TELEGRAM_API_URL": "http://x:8081/",
                                      "FOERDERLOTSE_TELEGRAM_WEBHOOK_PORT": "8080",
                                      "FOERDERLOTSE_TELEGRAM_GROUP_ADMIN_ONLY": "nein"})
    assert config.base_url == "http://x:8081/bot"
    assert config.webhook is not None
    assert (config.webhook.listen, config.webhook.port, config.webhook.url_path) == (
        "127.0.0.1", 8080, "tg")
    assert "geheim_1" not in repr(config)
    assert not config.group_admin_only


@pytest.mark.parametrize(("changes", "named"), [
    ({"FOERDERLOTSE_TELEGRAM_TOKEN": ""}, "FOERDERLOTSE_TELEGRAM_TOKEN"),
    ({"FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET": ""}, "FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET"),
    ({"FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET": "mit leerzeichen"},
     "FOERDERLOTSE_TELEGRAM_WEBHOOK_SECRET"),
    ({"FOERDERLOTSE_TELEGRAM_WEBHOOK_URL": "http://bot.example.org"},
     "FOERDERLOTSE_TELEGRAM_WEBHOOK_URL"),
    ({"FOERDERLOTSE_TELEGRAM_WEBHOOK_PORT": "99999"}, "FOERDERLOTSE_TELEGRAM_WEBHOOK_PORT"),
    ({"FOERDERLOTSE_TELEGRAM_FLOOD_PER_MINUTE": "viel"}, "FOERDERLOTSE_TELEGRAM_FLOOD_PER_MINUTE"),
    ({"FOERDERLOTSE_TELEGRAM_GROUP_ADMIN_ONLY": "vielleicht"},
     "FOERDERLOTSE_TELEGRAM_GROUP_ADMIN_ONLY"),
    ({"FOERDERLOTSE_TELEGRAM_API_URL": "api.telegram.org"}, "FOERDERLOTSE_TELEGRAM_API_URL"),
])
def test_bad_values_name_their_variable(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        TelegramConfig.from_env({**HOOK, **changes})


def test_command_names_fit_telegram(dialogue: Dialogue) -> None:
    assert telegram_name("daten-löschen") == "daten_loeschen"
    assert telegram_name("Hilfe") == "hilfe"
    names = [c.command for c in menu(dialogue.commands)]
    assert names
    assert len(names) == len(set(names))
    assert translate("/daten_loeschen@FoerderlotseBot ja", {"daten_loeschen": "daten-loeschen"}
                     ) == "/daten-loeschen@FoerderlotseBot ja"
    assert translate("/daten_loeschenx", {"daten_loeschen": "daten-loeschen"}) == \
        "/daten_loeschenx"
    assert aliases(dialogue.commands) == {}

