"""German formats for what users read: 2.000 €, 31.03.2027, "in 125 Tagen"."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„])")


def euro(amount: int) -> str:
    """Format whole euros with German thousands separators: ``2.000 €``."""
    return f"{amount:,} €".replace(",", ".")


def money(amount: Decimal) -> str:
    """Format euros with cents only where there are any: ``4.800 €``, ``4.800,40 €``."""
    if amount == amount.to_integral_value():
        return euro(int(amount))
    whole = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{whole} €"


def number(value: Decimal) -> str:
    """Write 40 or 12,5: a German decimal comma and no trailing zeros."""
    return f"{value.normalize():f}".replace(".", ",")


def percent(value: float) -> str:
    """Format a percentage the German way: ``80 %``, ``12,5 %``."""
    text = f"{value:g}".replace(".", ",")
    return f"{text} %"


def date(day: dt.date) -> str:
    """Format a date day-first: ``31.03.2027``."""
    return day.strftime("%d.%m.%Y")


def days_until(day: dt.date, today: dt.date) -> str:
    """Say how far away ``day`` is: ``heute``, ``morgen``, ``in 125 Tagen``."""
    delta = (day - today).days
    if delta == 0:
        return "heute"
    if delta == 1:
        return "morgen"
    if delta > 1:
        return f"in {delta} Tagen"
    if delta == -1:
        return "gestern"
    return f"vor {-delta} Tagen"


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; "z. B." and "Nr." do not end one."""
    found: list[str] = []
    for part in _SENTENCE_GAP.split(" ".join(text.split())):
        last = found[-1].rsplit(" ", 1)[-1] if found else ""
        if found and len(last) <= 4 and last.endswith("."):
            found[-1] += " " + part
        else:
            found.append(part)
    return found
