"""Read what follows /abo as people write it: several targets and the lead days.

"/abo LWL-Kulturstiftung 14 Tage", "… 2 Wochen", "… 14,3", "… 14 und 3 Tage" and
"/abo Heimat-Scheck, Fonds Soziokultur" all mean what they say.
"""

from __future__ import annotations

import re

from bot.errors import UserError
from bot.storage.records import MAX_LEAD_DAYS

_NUMBER = re.compile(r"[-+]?[0-9]+")
# The numbers at the end, of any size (checked below, never int() beyond a few digits).
_LEADS = re.compile(
    r"(?:^|\s)(?P<numbers>[-+]?[0-9]+(?:\s*(?:,|;|und|u\.|&)\s*[-+]?[0-9]+){0,4})"
    r"\s*(?P<unit>tagen|tage|tag|t|wochen|woche|w)?\.?(?:\s+vorher)?\s*$", re.I)
_MAX_DIGITS = 3
EXAMPLE = "z. B. /abo Heimat-Scheck 14,3 oder /abo Heimat-Scheck 2 Wochen"
LEAD_ERROR = (f"Vorlauf bitte als 1 bis 5 Zahlen von 1 bis {MAX_LEAD_DAYS} Tagen, "
              "z. B. /abo Heimat-Scheck 14,3 oder /abo Heimat-Scheck 2 Wochen")


def split_leads(args: str) -> tuple[str, tuple[int, ...] | None, str | None]:
    """Return the targets' text, the lead days at its end, and a number left in the text.

    Numbers that cannot be lead days may belong to a name ("2000 x 1000"): they stay in the
    text and come back as the third value, so the caller can check the name has them.

    Raises:
        UserError: a unit or a sign makes clear lead days were meant, but they are invalid.

    """
    match = _LEADS.search(args)
    if match is None or not args[: match.start()].strip():
        return args, None, None
    numbers = _NUMBER.findall(match["numbers"])
    signed = any(n[0] in "+-" for n in numbers)
    huge = any(len(n.lstrip("+-")) > _MAX_DIGITS for n in numbers)
    factor = 7 if (match["unit"] or "").casefold().startswith("w") else 1
    days = () if huge else tuple(sorted({int(n) * factor for n in numbers}, reverse=True))
    valid = bool(days) and not signed and min(days) >= 1 and max(days) <= MAX_LEAD_DAYS
    if valid and len(days) <= 5:
        return args[: match.start()].strip(), days, None
    if signed or match["unit"] or len(numbers) > 1:
        raise UserError(LEAD_ERROR)
    return args, None, numbers[-1]


def split_targets(text: str) -> list[str]:
    """Split "Heimat-Scheck, Fonds Soziokultur" into names ("und" may be part of a name)."""
    return [name.strip() for name in text.split(",") if name.strip()]
