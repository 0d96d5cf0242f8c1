"""The Kosten- und Finanzierungsplan as a spreadsheet program would read it, for tests."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import load_workbook


def plan_totals(data: bytes) -> dict[str, Decimal]:
    """Open the plan with openpyxl and evaluate its "Summe …" formulas as a spreadsheet would.

    Each ``=SUM(Bx:By)`` must cover exactly the numbers listed above it in its section.
    """
    sheet = load_workbook(io.BytesIO(data)).active
    totals: dict[str, Decimal] = {}
    for row in range(1, sheet.max_row + 1):
        label, formula = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        if not (isinstance(label, str) and label.startswith("Summe ")):
            continue
        match = re.fullmatch(r"=SUM\(B(\d+):B(\d+)\)", str(formula))
        assert match is not None, formula
        first, last = int(match[1]), int(match[2])
        assert last == row - 1, "the sum must end right above its own row"
        assert sheet.cell(first - 1, 2).value is None, "the sum must start at its section"
        values = [sheet.cell(r, 2).value for r in range(first, last + 1)]
        assert all(isinstance(v, int | float) for v in values), values
        totals[label.removeprefix("Summe ")] = sum((Decimal(str(v)) for v in values),
                                                   Decimal(0))
    return totals
