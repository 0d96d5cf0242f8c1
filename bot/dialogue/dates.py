"""German dates as people type them: 30.06.2027, 15. März 2027, 2027-03-15, in 3 Wochen.

Also 30.6. and morgen. A time of day ("14:30") is not kept: reminders come at 09:00, and
the reply says so.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.errors import UserError

EXAMPLE = "z. B. /erinnerung 30.06.2027 Verwendungsnachweis Heimat-Scheck"
# ASCII digits only: \d would also take "٢" and other scripts' digits.
_FULL = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2}|[0-9]{4})?$")
_RELATIVE = re.compile(r"^in ([0-9]{1,3}) (tag|tagen|woche|wochen|monat|monaten)\b", re.I)
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_NAMED = re.compile(r"^([0-9]{1,2})\.? ?([A-Za-zäÄ]{3,9})\.?(?: ([0-9]{4}))?(?= |$)")
# "14:30", "um 9:15", "9.15 Uhr"; a bare "12.05" is more likely a date than a time.
_TIME = re.compile(r"(?:^| )(?:um )?([0-9]{1,2})(?::([0-9]{2})(?: ?uhr)?|\.([0-9]{2}) ?uhr)"
                   r"(?= |$)", re.I)
_MONTHS = {name: number for number, names in enumerate((
    ("januar", "jan", "jänner"), ("februar", "feb"), ("märz", "maerz", "mär", "mrz"),
    ("april", "apr"), ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("oktober", "okt"), ("november", "nov"),
    ("dezember", "dez")), start=1) for name in names}
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


def _dated(text: str, year: int | None, month: int, day: int, today: dt.date) -> dt.date:
    """Return the date, this year or next when the year is left out."""
    try:
        found = dt.date(year or today.year, month, day)
    except ValueError:
        raise UserError(f"Den {text} gibt es nicht. Bitte ein gültiges Datum, {EXAMPLE}") from None
    if year is None and found < today:
        found = found.replace(year=found.year + 1)
    return found


def split_time(text: str) -> tuple[str, str | None]:
    """Take a time of day ("14:30", "um 9.15 Uhr") out of ``text``; return the rest and it."""
    match = _TIME.search(text)
    minutes = match and (match[2] or match[3])
    if match is None or not minutes or int(match[1]) > 23 or int(minutes) > 59:
        return text, None
    rest = (text[:match.start()] + text[match.end():]).strip()
    return " ".join(rest.split()), f"{int(match[1]):02d}:{minutes}"


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
    if (m := _NAMED.match(text)) is not None and m[2].casefold() in _MONTHS:
        found = _dated(m[0], int(m[3]) if m[3] else None, _MONTHS[m[2].casefold()],
                       int(m[1]), today)
        rest = text[m.end():].strip()
    elif (m := _ISO.match(first)) is not None:
        found = _dated(first, int(m[1]), int(m[2]), int(m[3]), today)
    elif (m := _FULL.match(first)) is not None:
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
