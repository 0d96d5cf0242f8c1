"""German dates as people type them: 30.06.2027, 30.6., morgen, in 3 Wochen."""

from __future__ import annotations

import datetime as dt
import re

from bot.errors import UserError

EXAMPLE = "z. B. /erinnerung 30.06.2027 Verwendungsnachweis Heimat-Scheck"
# ASCII digits only: \d would also take "٢" and other scripts' digits.
_FULL = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2}|[0-9]{4})?$")
_RELATIVE = re.compile(r"^in ([0-9]{1,3}) (tag|tagen|woche|wochen|monat|monaten)\b", re.I)
_WORDS = {"heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2}
MAX_YEARS_AHEAD = 5


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise UserError("Dieses Datum kann ich nicht berechnen.")  # unreachable for valid dates


def _absolute(match: re.Match[str], today: dt.date) -> dt.date:
    day, month, year_text = int(match[1]), int(match[2]), match[3]
    century = 2000 if year_text is not None and len(year_text) == 2 else 0
    year = today.year if year_text is None else int(year_text) + century
    try:
        found = dt.date(year, month, day)
    except ValueError:
        message = f"Den {match[0]} gibt es nicht. Bitte ein gültiges Datum, {EXAMPLE}"
        raise UserError(message) from None
    if year_text is None and found < today:
        found = found.replace(year=year + 1)
    return found


def parse_when(text: str, today: dt.date) -> tuple[dt.date, str]:
    """Split ``text`` into a date (today or later) and the rest.

    Raises:
        UserError: when there is no date, an impossible one, or one in the past.

    """
    text = " ".join(text.split())
    first, _, rest = text.partition(" ")
    if (m := _FULL.match(first)) is not None:
        found = _absolute(m, today)
    elif first.casefold() in _WORDS:
        found = today + dt.timedelta(days=_WORDS[first.casefold()])
    elif (m := _RELATIVE.match(text)) is not None:
        count, unit = int(m[1]), m[2].casefold()
        rest = text[m.end():].strip()
        if unit.startswith("monat"):
            found = _add_months(today, count)
        else:
            found = today + dt.timedelta(days=count * (7 if unit.startswith("woche") else 1))
    else:
        raise UserError(f"Bitte beginnen Sie mit einem Datum, {EXAMPLE}")
    if found < today:
        raise UserError(f"Der {found:%d.%m.%Y} liegt in der Vergangenheit. {EXAMPLE}")
    if found > today + dt.timedelta(days=366 * MAX_YEARS_AHEAD):
        raise UserError(f"Bitte ein Datum in den nächsten {MAX_YEARS_AHEAD} Jahren, {EXAMPLE}")
    return found, rest
