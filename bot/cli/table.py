"""Aligned plain-text tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return ``rows`` as a left-aligned table with a header rule."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("─" * w for w in widths))
    return "\n".join(lines)


def as_json(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Return ``rows`` as a JSON list of objects keyed by ``headers``."""
    return json.dumps([dict(zip(headers, row, strict=True)) for row in rows],
                      ensure_ascii=False, indent=2, default=str)


def show(headers: Sequence[str], rows: Sequence[Sequence[Any]], json_output: bool,
         empty: str) -> None:
    """Print ``rows`` as JSON, as a table, or ``empty`` when there are none."""
    if json_output:
        print(as_json(headers, rows))
    else:
        print(table(headers, rows) if rows else empty)
