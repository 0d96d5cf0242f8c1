"""Rendering replies as Telegram HTML: escaping, splitting, keyboards."""

from __future__ import annotations

import html

import pytest

from bot.dialogue.core import SUBSCRIBE_PREFIX
from bot.dialogue.messages import Choice, Reply
from bot.knowledge.service import Knowledge
from bot.transports.telegram.render import LIMIT, clean, render, size, split


def test_all_text_is_escaped() -> None:
    [message] = render(Reply("<b>fett</b> & „Zitat“ <script>"))
    assert message.html == "&lt;b&gt;fett&lt;/b&gt; &amp; „Zitat“ &lt;script&gt;"


def test_control_characters_and_lone_surrogates_are_dropped() -> None:
    assert clean("a\x00b\x07c\x1b[0m\ud800d\r\ne\tf") == "abc[0md\ne\tf"
    assert clean("‮مرحبا‬ 🙂") == "‮مرحبا‬ 🙂", "RTL marks and emoji stay"


def test_long_replies_split_at_paragraphs_below_the_limit() -> None:
    paragraphs = [f"Absatz {n}: " + "Förderung & Frist " * 40 for n in range(20)]
    text = "\n\n".join(paragraphs)
    parts = split(text)
    assert len(parts) > 1
    assert all(size(p) <= LIMIT < 4096 for p in parts)
    assert "\n\n".join(parts) == text, "nothing lost, cut only between paragraphs"


@pytest.mark.parametrize("text", ["x" * 9000, "&" * 2000, "🙂" * 3000, ("wort " * 3000).strip(),
                                  "zeile\n" * 2000])
def test_anything_oversized_still_fits(text: str) -> None:
    messages = render(Reply(text))
    assert all(len(html.unescape(m.html).encode("utf-16-le")) // 2 <= 4096 for m in messages)
    assert all(len(m.html.encode("utf-16-le")) // 2 <= 4096 for m in messages)
    assert "".join(html.unescape(m.html) for m in messages).replace("\n", "").replace(" ", "") \
        == text.replace("\n", "").replace(" ", "")


def test_keyboard_goes_under_the_last_part_only() -> None:
    reply = Reply("a\n\n" + "b" * 5000, choices=(Choice("Heimat-Scheck", "e:heimat-scheck"),),
                  actions=(Choice("Fristen abonnieren", "sub:heimat-scheck"),))
    first, *_, last = render(reply)
    assert first.keyboard is None
    assert last.keyboard is not None
    rows = last.keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["1. Heimat-Scheck"],
                                                       ["Fristen abonnieren"]]


def test_oversized_callback_data_is_left_out_not_sent() -> None:
    reply = Reply("x", choices=(Choice("ok", "e:ok"), Choice("zu lang", "e:" + "ä" * 40)))
    [message] = render(reply)
    assert message.keyboard is not None
    assert [row[0].callback_data for row in message.keyboard.inline_keyboard] == ["e:ok"]


def test_empty_text_still_makes_a_message() -> None:
    assert render(Reply(" \x00 "))[0].html == "…"


def test_every_shipped_button_fits_telegrams_64_bytes(shipped: Knowledge) -> None:
    for entry_id in shipped.base.entries:
        for data in ("e:" + entry_id, SUBSCRIBE_PREFIX + entry_id):
            assert len(data.encode()) <= 64, data
