"""Recognise questions about neighbouring topics the bot deliberately does not cover.

Such questions share everyday words with the knowledge ("Antrag", "Frist", "Verein"), so a
ranking alone would hand them to some entry. ``knowledge/ausserhalb.yaml`` names the topics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.knowledge.normalize import content_words, stem

# Shorter words only count as whole words: "gema" must not match inside "gemacht".
_MIN_COMPOUND = 5


class Outside:
    """Word lists of out-of-scope topics, matched by stem and inside compounds."""

    def __init__(self, words: Mapping[str, str], strict: Iterable[str] = ()) -> None:
        # Topics that stay out even beside a named entry; the others are context then.
        self.strict = frozenset(strict)
        self._stems: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        self._phrases: dict[str, str] = {}
        for word, topic in words.items():
            found = content_words(word)
            if len(found) > 1:
                self._phrases[" ".join(found)] = topic
            elif found:
                self._stems[stem(found[0])] = topic
                if len(found[0]) >= _MIN_COMPOUND:
                    self._parts[found[0]] = topic

    def topic(self, question: str) -> str | None:
        """Return the out-of-scope topic ``question`` names, if any."""
        found = content_words(question)
        for word in found:
            topic = self._stems.get(stem(word)) or self._compound(word)
            if topic is not None:
                return topic
        text = f" {' '.join(found)} "
        return next((t for p, t in self._phrases.items() if f" {p} " in text), None)

    def _compound(self, word: str) -> str | None:
        """Find a listed word at either end of a compound ("Kindergeldantrag", "Girokonto")."""
        if len(word) <= _MIN_COMPOUND:
            return None
        return next((t for part, t in self._parts.items()
                     if word.startswith(part) or word.endswith(part)), None)
