"""Field types of the knowledge files, written the way German coordinators write them.

Every parser raises ``ValueError`` with a German message; the loader turns it into a
file:line problem.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.?\s*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EURO = re.compile(r"^\s*(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?\s*(?:€|EUR|Euro)?\s*$", re.I)
_RATE = re.compile(r"^(\d{1,4})(?:[.,](\d{1,2}))?$")
_PERCENT = re.compile(r"^\s*(\d{1,3})(?:,(\d+))?\s*(?:%|Prozent)?\s*$", re.I)


def _date_or_error(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"„{text.strip()}“ ist kein gültiges Datum") from None


FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_german_date(value: object) -> dt.date:
    """Parse ``31.03.2027`` (or ISO ``2027-03-31``) into a date."""
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if m := _GERMAN_DATE.match(text):
        return _in_window(_date_or_error(int(m[3]), int(m[2]), int(m[1]), text), text)
    if m := _ISO_DATE.match(text):
        return _in_window(_date_or_error(int(m[1]), int(m[2]), int(m[3]), text), text)
    raise ValueError(f"„{text}“ ist kein Datum – bitte TT.MM.JJJJ schreiben, z. B. 31.03.2027")


def _in_window(day: dt.date, text: str) -> dt.date:
    """Refuse dates no funding round has (31.12.9999 broke answers and the calendar)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"„{text}“ liegt außerhalb von {FIRST_YEAR} bis {LAST_YEAR} – "
                         "bitte das Jahr prüfen")
    return day


def parse_day_month(value: object) -> tuple[int, int]:
    """Parse a yearly date ``31.03.`` into ``(month, day)``."""
    if isinstance(value, tuple):
        return (int(value[0]), int(value[1]))
    text = str(value)
    m = _DAY_MONTH.match(text)
    if not m:
        raise ValueError(f"„{text}“ ist kein Jahrestermin – bitte TT.MM. schreiben, z. B. 31.03.")
    day, month = int(m[1]), int(m[2])
    if (month, day) == (2, 29):
        raise ValueError("29.02. gibt es nicht in jedem Jahr – bitte 28.02. oder 01.03. verwenden")
    _date_or_error(2023, month, day, text)
    return (month, day)


def parse_euro(value: object) -> int:
    """Parse ``2.000``, ``2000 €`` or ``2.000,00 EUR`` into whole euros."""
    if isinstance(value, bool):
        raise ValueError("erwartet einen Eurobetrag, z. B. 2.000")
    if isinstance(value, int):
        return value
    text = str(value)
    m = _EURO.match(text)
    if not m or (m[2] and int(m[2]) != 0):
        raise ValueError(f"„{text}“ ist kein Eurobetrag in ganzen Euro – z. B. 2.000 oder 2000")
    return int(m[1].replace(".", ""))


def parse_hourly_rate(value: object) -> Decimal:
    """Parse an hourly rate with cents: ``15``, ``12,50``, ``12.50 €``."""
    text = str(value).strip().removesuffix("€").strip()
    m = _RATE.match(text)
    if isinstance(value, bool) or not m:
        raise ValueError(f"„{value}“ ist kein Stundensatz – z. B. 15 oder 12,50")
    return Decimal(f"{m[1]}.{m[2] or 0}")


def parse_percent(value: object) -> float:
    """Parse ``80``, ``80 %`` or ``12,5 %`` into a number between 0 and 100."""
    text = str(value)
    m = _PERCENT.match(text)
    if not m:
        raise ValueError(f"„{text}“ ist keine Prozentangabe – z. B. 80 oder 80 %")
    number = float(f"{m[1]}.{m[2] or 0}")
    if not 0 <= number <= 100:
        raise ValueError(f"{text} liegt nicht zwischen 0 und 100 %")
    return number


def parse_url(value: object) -> str:
    """Accept an absolute http(s) address with a host name."""
    text = str(value).strip()
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in text:
        raise ValueError(f"„{text}“ ist keine gültige Internetadresse (https://…)")
    return text


def parse_slug(value: object) -> str:
    """Accept a stable id: lower-case letters, digits and hyphens."""
    text = str(value)
    if not _SLUG.fullmatch(text):  # match() let "x\n" through: $ matches before a newline
        raise ValueError(
            f"„{text}“ ist keine gültige Kennung – nur a–z, 0–9 und Bindestriche, "
            "z. B. heimat-scheck"
        )
    return text


def _day_month_text(value: tuple[int, int]) -> str:
    return f"{value[1]:02d}.{value[0]:02d}."


GermanDate = Annotated[
    dt.date,
    BeforeValidator(parse_german_date),
    PlainSerializer(lambda d: d.strftime("%d.%m.%Y"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}\.\d{1,2}\.\d{4}$",
                    "examples": ["31.03.2027"]}),
]
DayMonth = Annotated[
    tuple[int, int],
    BeforeValidator(parse_day_month),
    PlainSerializer(_day_month_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}\.\d{1,2}\.?$", "examples": ["31.03."]}),
]
Euro = Annotated[
    int,
    BeforeValidator(parse_euro),
    WithJsonSchema({"type": ["string", "integer"], "examples": ["2.000"]}),
]
HourlyRate = Annotated[
    Decimal,
    BeforeValidator(parse_hourly_rate),
    PlainSerializer(lambda d: f"{d:.2f}".replace(".", ","), return_type=str),
    WithJsonSchema({"type": ["string", "number"], "examples": ["15", "12,50"]}),
]
Percent = Annotated[
    float,
    BeforeValidator(parse_percent),
    WithJsonSchema({"type": ["string", "number"], "examples": ["80 %"]}),
]
Url = Annotated[
    str,
    BeforeValidator(parse_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"}),
]
Slug = Annotated[
    str,
    BeforeValidator(parse_slug),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}),
]
Text = Annotated[str, Field(min_length=1)]
