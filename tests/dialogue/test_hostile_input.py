"""Property: no input makes the core fail, and no rendered reply carries markup or a mention.

Hypothesis draws the categories a red-team run used (random Unicode, controls, bidi and
zero-width characters, lone surrogates, markup, mentions, forged buttons, absurd command
arguments); ``tests/bench/redteam.py`` runs 10,000 of them as a benchmark.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import BERLIN, FixedClock
from bot.dialogue.core import APOLOGY, Dialogue
from bot.dialogue.messages import ChatRef, IncomingMessage, Reply
from bot.knowledge.service import Knowledge
from bot.storage.question_log import LoggedQuestion
from bot.transports.matrix.render import Renderer
from bot.transports.telegram.render import render as telegram_render
from tests.bench.redteam import (
    COMMANDS,
    INVISIBLE,
    MARKUP,
    MENTIONS,
    ODD_DIGITS,
    WORDS,
    markup_problem,
)

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
PIECES = st.one_of(
    st.text(max_size=40),  # any Unicode, surrogates excluded
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),
    st.text(alphabet=st.sampled_from(INVISIBLE), min_size=1, max_size=5),
    st.lists(SURROGATES, min_size=1, max_size=3).map("".join),
    st.sampled_from(MARKUP + MENTIONS + ODD_DIGITS),
    st.integers(min_value=0, max_value=10**200).map(str),
)
MESSAGES = st.builds(lambda head, piece, tail: f"{head} {piece}{tail}",
                     st.sampled_from(COMMANDS + WORDS + ("", "Nr.")), PIECES,
                     st.sampled_from(("", " bitte", "?", " 14,3")))
CALLBACKS = st.builds(lambda prefix, rest: prefix + rest,
                      st.sampled_from(("e:", "sub:", "", "x")), st.text(max_size=80))


def check(dialogue: Dialogue, logged: list[LoggedQuestion], text: str,
          callback: str | None = None) -> None:
    async def send() -> Reply:
        answered = await dialogue.handle(
            IncomingMessage(ChatRef("fuzz", "1"), text, "u1", callback=callback))
        if dialogue.recorder is not None:
            await dialogue.recorder.drain()
            dialogue.recorder.close()
        return answered

    reply = asyncio.run(send())
    assert reply.text != APOLOGY
    assert not markup_problem("".join(m.html for m in telegram_render(reply)))
    content = Renderer(dialogue.commands.names()).reply(reply)
    assert not markup_problem(content["formatted_body"])
    assert content["m.mentions"] == {}
    for question in logged:
        question.text.encode("utf-8")  # raises on a lone surrogate


def _clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 26, 10, 0, tzinfo=BERLIN))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MESSAGES)
def test_no_message_breaks_the_core_or_a_renderer(shipped: Knowledge, text: str) -> None:
    logged: list[LoggedQuestion] = []
    check(Dialogue(lambda: shipped, _clock(), log=logged.append), logged, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=CALLBACKS)
def test_no_forged_button_breaks_the_core(shipped: Knowledge, data: str) -> None:
    check(Dialogue(lambda: shipped, _clock()), [], "", callback=data)


def test_a_thousand_red_team_inputs_without_an_apology() -> None:
    from tests.bench import redteam

    lines: list[str] = []
    redteam.main(["--count", "1000"], echo=lines.append)
    total = next(line for line in lines[0].splitlines() if line.startswith("total")).split()
    assert total[1:] == ["1000", "0", "0", "0"], lines[0]
    assert lines[0].endswith("not valid UTF-8: 0"), lines[0]
