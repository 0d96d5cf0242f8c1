"""The Kosten- und Finanzierungsplan as an .xlsx file a Verein can open, edit and hand in."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.funding.plan import Line, Plan

EURO_FORMAT = '#,##0.00 "€"'
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(plan: Plan, today: dt.date) -> str:
    """Return a safe file name such as ``Finanzierungsplan-Heimat-Scheck-2026-12-02.xlsx``."""
    slug = re.sub(r"[^A-Za-z0-9ÄÖÜäöüß]+", "-", plan.programme).strip("-")[:40] or "Programm"
    return f"Finanzierungsplan-{slug}-{today.isoformat()}.xlsx"


def workbook_bytes(plan: Plan, today: dt.date) -> bytes:
    """Write ``plan`` as one sheet: Ausgaben, then Einnahmen, each with a SUM row.

    The totals are formulas, so the plan stays balanced-checkable when someone edits a line;
    a last row shows the difference, which is 0 for every plan we produce.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "Finanzierungsplan"
    sheet.append([f"Kosten- und Finanzierungsplan – {plan.programme}"])
    sheet.append([f"Erstellt am {today.strftime('%d.%m.%Y')} mit dem Förderlotsen – "
                  "eine Schätzung, verbindlich ist nur der Bescheid."])
    sheet.append([])
    spent = _section(sheet, "Ausgaben", plan.expenses)
    got = _section(sheet, "Einnahmen (Finanzierung)", plan.income)
    sheet.append(["Differenz (Einnahmen − Ausgaben)", f"={got}-{spent}"])
    sheet.cell(sheet.max_row, 2).number_format = EURO_FORMAT
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 16
    sheet["A1"].font = Font(bold=True, size=13)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _section(sheet: Any, title: str, lines: tuple[Line, ...]) -> str:
    """Append a titled block of lines and its SUM row; return the sum cell's address."""
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    first = sheet.max_row + 1
    for line in lines:
        sheet.append([line.label, float(line.amount)])
        sheet.cell(sheet.max_row, 2).number_format = EURO_FORMAT
    last = sheet.max_row
    sheet.append([f"Summe {title.split()[0]}", f"=SUM(B{first}:B{last})"])
    total = sheet.cell(sheet.max_row, 2)
    total.number_format = EURO_FORMAT
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    return str(total.coordinate)
