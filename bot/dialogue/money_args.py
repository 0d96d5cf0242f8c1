"""Read a project's figures from a chat line: "6.000 € Kosten, Eigenmittel 500, 40 Stunden".

Numbers are German (6.000 / 6.000,50 / 6 Tsd / 12k); each is tied to the nearest label
word after it ("6000 Euro Kosten", "40 Stunden") or, failing that, before it
("Kosten: 6000"). Only ASCII digits count, as everywhere in the core.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.knowledge.normalize import fold

# Field names as in bot.funding.calculator.Costs.
TOTAL, INELIGIBLE, OWN, HOURS, THIRD, INCOME = (
    "total", "ineligible", "own_money", "volunteer_hours", "third_party", "income")
# Folded word stems that name a field; the first matching stem decides.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (INELIGIBLE, ("nichtforderfahig", "nicht forderfahig", "nicht zuwendungsfahig",
                  "nichtzuwendungsfahig")),
    (HOURS, ("stunde", "std", "h ", "ehrenamtlich", "eigenleistung", "arbeitsstunde")),
    (OWN, ("eigenmittel", "eigenanteil", "eigenes geld", "eigene mittel", "spende",
           "rucklage", "vereinskasse", "kasse")),
    (THIRD, ("drittmittel", "sponsor", "zuschuss", "zuschusse", "forderung", "stiftung",
             "gemeinde gibt", "stadt gibt", "kofinanzierung")),
    (INCOME, ("einnahme", "eintritt", "ticket", "karten", "verkauf", "teilnahmebeitr",
              "beitrag", "beitrage")),
    (TOTAL, ("kosten", "gesamtkosten", "kostet", "ausgaben", "budget", "projektkosten",
             "teuer", "summe", "cost")),
)
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.\s]\d{3})+|\d+)(?:,(\d{1,2}))?(?:\s*(tsd\.?|tausend|k)\b)?",
    re.IGNORECASE | re.ASCII)
MAX_AMOUNT = Decimal(100_000_000)


def parse_amount(text: str) -> Decimal | None:
    """Return the one amount in ``text`` ("6.000 €", "6 Tsd", "0"), or None."""
    found = [_value(m) for m in _NUMBER.finditer(text)]
    found = [v for v in found if v is not None]
    return found[0] if len(found) == 1 else None


def parse_figures(text: str) -> dict[str, Decimal]:
    """Return the labelled figures in ``text``; a number without a label is left out.

    A label just before a number wins ("Eigenmittel 500 Eintritt 300"), except for units
    that follow ("40 Stunden"); with none before, the label after counts ("6000 € Kosten").
    A clause break (comma, "und") ends the search, and each label is used once.
    """
    folded = fold(text)
    labels = _label_spans(folded)
    found: dict[str, Decimal] = {}
    used: set[int] = set()
    for match in _NUMBER.finditer(folded):
        value = _value(match)
        if value is None:
            continue
        after = _near(labels, used, folded, match.end(), forward=True)
        before = _near(labels, used, folded, match.start(), forward=False)
        pick = after if after and after[1] == HOURS else before or after
        if pick is not None and pick[1] not in found:
            used.add(pick[0])
            found[pick[1]] = value
    return found


def _label_spans(folded: str) -> list[tuple[int, int, str]]:
    """Return (start, end, field) of every label word, longest stems first per place."""
    spans: list[tuple[int, int, str]] = []
    for field, stems in _LABELS:
        for stem_text in stems:
            for m in re.finditer(rf"(?<![a-z]){re.escape(stem_text.strip())}[a-z]*", folded):
                if stem_text == "h " and not re.search(r"\d\s*$", folded[:m.start()]):
                    continue
                if not any(a <= m.start() < b for a, b, _ in spans):
                    spans.append((m.start(), m.end(), field))
    return sorted(spans)


def _near(labels: list[tuple[int, int, str]], used: set[int], folded: str, at: int,
          forward: bool) -> tuple[int, str] | None:
    """Return the nearest unused label within a few words of ``at``, in one direction."""
    for start, end, field in (labels if forward else reversed(labels)):
        gap = folded[at:start] if forward else folded[end:at]
        if (forward and start < at) or (not forward and end > at) or start in used:
            continue
        if _GAP_BREAK.search(gap) or len(gap.split()) > (2 if forward else 3):
            return None
        return start, field
    return None


_GAP_BREAK = re.compile(r"[,;.!?]\s|\bund\b|\boder\b|\d")


def _value(match: re.Match[str]) -> Decimal | None:
    digits = re.sub(r"[.\s]", "", match[1])
    try:
        value = Decimal(f"{digits}.{match[2]}" if match[2] else digits)
    except InvalidOperation:
        return None
    if match[3]:
        value *= 1000
    return value if value <= MAX_AMOUNT else None
