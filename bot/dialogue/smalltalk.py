"""Greetings, thanks, goodbyes and the answer to a pending "ja"/"nein", recognised politely."""

from __future__ import annotations

import re

from bot.knowledge.normalize import fold

_GREETING = {"hallo", "hi", "hey", "moin", "moinsen", "servus", "gruss", "gott", "guten",
             "tag", "morgen", "abend", "nabend", "hello", "tach", "mahlzeit", "gruezi"}
_THANKS = {"danke", "dankeschon", "vielen", "dank", "herzlichen", "merci", "thx", "thanks",
           "thank", "you", "super", "prima", "toll", "klasse", "top", "perfekt", "ok", "okay",
           "alles", "klar"}
_BYE = {"tschuss", "tschus", "ciao", "bye", "bis", "dann", "bald", "auf", "wiedersehen",
        "wiederhoren", "schonen", "tag", "noch", "machs", "gut", "adieu", "spater"}
_FILLER = {"und", "sehr", "ihnen", "dir", "euch", "nochmal", "schon", "erstmal", "also", "ja",
           "lieber", "liebe", "bot", "lotse", "forderlotse"}
_WORD = re.compile(r"[a-z]+")
_YES = {"ja", "jawohl", "jo", "jup", "yes", "klar", "genau", "bestatigt", "ok", "okay", "jep"}
_NO = {"nein", "ne", "nee", "no", "nicht", "abbrechen", "stopp", "lieber", "doch"}

GREETING_REPLY = ("Guten Tag! Fragen Sie mich gern nach Förderprogrammen, Fristen oder "
                  "Ansprechstellen, z. B. „Bis wann läuft der Heimat-Scheck?“")
THANKS_REPLY = "Gern geschehen! Wenn Sie noch eine Frage haben, schreiben Sie einfach."
BYE_REPLY = "Auf Wiedersehen und viel Erfolg mit Ihrem Projekt!"


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def smalltalk_reply(text: str) -> str | None:
    """Return a short kind reply when ``text`` is only a greeting, thanks or goodbye."""
    found = [w for w in _words(text) if w not in _FILLER]
    if not found or len(found) > 6:
        return None
    for vocabulary, reply in ((_THANKS, THANKS_REPLY), (_BYE, BYE_REPLY),
                              (_GREETING, GREETING_REPLY)):
        if all(w in vocabulary for w in found):
            return reply
    return None


def yes_or_no(text: str) -> bool | None:
    """Return True for a plain yes, False for a plain no, None for anything else."""
    found = _words(text)
    if not found or len(found) > 3:
        return None
    if found[0] in _NO or "nicht" in found:
        return False
    if all(w in _YES or w in _FILLER for w in found):
        return True
    return None
