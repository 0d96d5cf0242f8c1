"""Hostile input through the real core and both renderers; counts internal errors per category.

Each input goes through ``Dialogue.handle`` with subscriptions and the SQLite question log
(as ``foerderlotse run`` wires it), then through the Telegram and the Matrix renderer. Per
category it counts:

- apologies: the generic "Entschuldigung …" reply, i.e. an internal error;
- markup: a rendered reply with an HTML tag the renderer did not write itself;
- mentions: a Matrix reply without an empty ``m.mentions``;
- and, at the end, question-log texts that are not valid UTF-8.

Run from the repository root (``--repo`` measures another checkout, e.g. the code before a
change, with the same inputs)::

    PYTHONPATH=. python tests/bench/redteam.py --count 10000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MappingProxyType

CATEGORIES = ("unicode", "control", "bidi_zero_width", "surrogate", "long", "markup",
              "mention", "callback", "number_args", "pick")
WORDS = ("Heimatscheck", "Frist", "förderung", "Kreis Höxter", "wie viel", "Brakel",
         "Verwendungsnachweis", "Projekt", "LWL", "bis wann")
COMMANDS = ("/abo", "/abbestellen", "/fristen", "/erinnerung", "/frist", "/kontakt",
            "/programme", "!abo", "/daten-loeschen", "/abos")
INVISIBLE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff"
MARKUP = ("<b>fett</b>", "<script>alert(1)</script>", "&amp;", "&lt;i&gt;", "*fett*",
          "[Link](https://example.org)", "<a href='javascript:alert(1)'>x</a>", "</code>",
          "<img src=x onerror=alert(1)>", "`code`", "<br>", "<mx-reply>")
MENTIONS = ("@room", "@everyone", "@FoerderlotseBot", "@alice:localhost",
            "<a href='https://matrix.to/#/@alice:localhost'>Alice</a>", "@channel")
ODD_DIGITS = ("²", "③", "٣", "٢٠.٠٣.٢٠٢٧", "𝟐", "Ⅻ", "½", "-1", "0", "00000000001")
ALLOWED_TAGS = re.compile(r"</?(?:br|ol|li|code)>")
TAG = re.compile(r"<[^>]*>")


def _text(rng: random.Random, low: int = 1, high: int = 40) -> str:
    chars = []
    for _ in range(rng.randint(low, high)):
        plane = rng.random()
        if plane < 0.5:
            code = rng.randint(0x20, 0x2FF)
        elif plane < 0.9:
            code = rng.randint(0x300, 0xFFFD)
        else:
            code = rng.randint(0x10000, 0x10FFFF)
        if 0xD800 <= code <= 0xDFFF:
            code = 0x41
        chars.append(chr(code))
    return "".join(chars)


def _around(rng: random.Random, piece: str) -> str:
    """Put ``piece`` in a question or after a command."""
    if rng.random() < 0.5:
        return f"{rng.choice(WORDS)} {piece} {rng.choice(WORDS)}"
    return f"{rng.choice(COMMANDS)} {piece}"


def _insert(rng: random.Random, word: str, alphabet: str, times: int = 2) -> str:
    for _ in range(times):
        at = rng.randint(0, len(word))
        word = word[:at] + rng.choice(alphabet) + word[at:]
    return word


def make(category: str, rng: random.Random) -> tuple[str, str | None]:
    """Return one input of ``category`` as (text, callback)."""
    if category == "unicode":
        return _around(rng, _text(rng)), None
    if category == "control":
        return _around(rng, _insert(rng, _text(rng, 1, 10), "".join(map(chr, range(32))), 3)), None
    if category == "bidi_zero_width":
        return _around(rng, _insert(rng, rng.choice(WORDS), INVISIBLE, 3)), None
    if category == "surrogate":
        surrogate = chr(rng.randint(0xD800, 0xDFFF))
        return _around(rng, _insert(rng, rng.choice(WORDS), surrogate, 1)), None
    if category == "long":
        return rng.choice(WORDS) * rng.randint(2_000, 9_000), None
    if category == "markup":
        return _around(rng, rng.choice(MARKUP)), None
    if category == "mention":
        return _around(rng, rng.choice(MENTIONS)), None
    if category == "callback":
        prefix = rng.choice(("e:", "sub:", "", "x:", "e:" * 3))
        return "", prefix + _text(rng, 0, 120)
    if category == "number_args":
        digits = "9" * rng.choice((3, 20, 115, 5000))
        command = rng.choice(("/fristen", "/abo kreis-hoexter", "/abo Heimat-Scheck",
                              "/erinnerung", "/abbestellen", "/fristen -"))
        return f"{command} {rng.choice((digits, rng.choice(ODD_DIGITS)))}", None
    return rng.choice((*ODD_DIGITS, "2.", "die 2", "Nr. 2", "Nr. ²", "zweites")), None


def inputs(count: int, seed: int) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``count`` inputs, the categories in turn, as (category, text, callback)."""
    rng = random.Random(seed)
    for number in range(count):
        category = CATEGORIES[number % len(CATEGORIES)]
        yield (category, *make(category, rng))


def markup_problem(rendered: str) -> bool:
    return any(not ALLOWED_TAGS.fullmatch(tag) for tag in TAG.findall(rendered))


async def run(count: int, seed: int, data_dir: Path) -> dict[str, Counter[str]]:
    """Send every input through core and renderers; return counts per category."""
    from bot.app import build_dialogue, load_knowledge, open_storage
    from bot.clock import SystemClock
    from bot.dialogue.core import APOLOGY
    from bot.dialogue.messages import ChatRef, IncomingMessage
    from bot.settings import Settings, shipped_knowledge_dir
    from bot.transports.matrix.render import Renderer
    from bot.transports.telegram.render import render as telegram_render

    clock = SystemClock()
    settings = Settings(shipped_knowledge_dir(), data_dir, None, environ=MappingProxyType({}))
    storage = open_storage(settings, clock)
    dialogue = build_dialogue(load_knowledge(settings, clock), clock, storage)
    matrix = Renderer(dialogue.commands.names())
    counts: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    started = clock.now()
    for number, (category, text, callback) in enumerate(inputs(count, seed)):
        chat = ChatRef("redteam", str(number % 50))
        if category == "pick":  # a "Meinten Sie …?" list first
            await dialogue.handle(IncomingMessage(chat, "förderung", "u1"))
        reply = await dialogue.handle(IncomingMessage(chat, text, "u1", callback=callback))
        found = counts[category]
        found["inputs"] += 1
        found["apologies"] += reply.text == APOLOGY
        telegram = "".join(m.html for m in telegram_render(reply))
        content = matrix.reply(reply)
        found["markup"] += markup_problem(telegram) or markup_problem(
            content.get("formatted_body", ""))
        found["mentions"] += content.get("m.mentions") != {}
    # The log is written after each reply on its own thread: wait for those writes, or the
    # count misses some and a late write races the removal of the data folder.
    if dialogue.recorder is not None:
        await dialogue.recorder.drain()
        dialogue.recorder.close()
    logged = storage.questions.since(started - dt.timedelta(minutes=1))
    counts["unicode"]["log_not_utf8"] = sum(not _utf8(q.text) for q in logged)
    storage.close()
    return counts


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _table(counts: dict[str, Counter[str]]) -> str:
    keys = ("inputs", "apologies", "markup", "mentions")
    lines = [f"{'category':18}" + "".join(f"{k:>11}" for k in keys)]
    total: Counter[str] = Counter()
    for category, found in counts.items():
        total.update(found)
        lines.append(f"{category:18}" + "".join(f"{found[k]:>11}" for k in keys))
    lines.append(f"{'total':18}" + "".join(f"{total[k]:>11}" for k in keys))
    lines.append(f"question-log texts that are not valid UTF-8: {total['log_not_utf8']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    """Run the red team and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--repo", type=Path, help="measure the code of this checkout instead")
    args = parser.parse_args(argv)
    if args.repo is not None:
        sys.path.insert(0, str(args.repo.resolve()))
    import logging

    logging.disable(logging.CRITICAL)  # tracebacks of the errors being counted
    try:
        with tempfile.TemporaryDirectory() as folder:
            counts = asyncio.run(run(args.count, args.seed, Path(folder)))
    finally:
        logging.disable(logging.NOTSET)
    echo(_table(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
