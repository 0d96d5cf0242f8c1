"""Clean what users send before anything reads it: one place, for every transport.

Lone UTF-16 surrogates (which no database or JSON encoder accepts), bidi overrides and
zero-width characters (which hide or reorder text) and other control characters are
removed; the text is put in NFC so "ä" typed two ways is one; its length is capped.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 4000
REPLACEMENT = "\ufffd"
_SURROGATES = re.compile("[\ud800-\udfff]")
# Bidi embeddings/overrides/isolates and marks, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0/C1 controls except tab and newline; noncharacters U+FFFE/U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(text: str, limit: int = MAX_CHARS) -> str:
    """Return ``text`` safe to match, store and echo."""
    text = _SURROGATES.sub(REPLACEMENT, text[: limit * 2])
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)[:limit]
