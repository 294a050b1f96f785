"""Reading around the template's own provisional score (sheet คะแนนเบื้องต้น).

The template computes a provisional score with formulas (pmqa_cli/report/provisional.py).
pmqa never takes those cells as answers and never uses their values: it only compares the
values a spreadsheet cached for the headline scores with its own, and when they differ beyond
the last decimal shown, says so in a ``provisional-differs`` note (never an error).
A file whose formulas were never calculated has no cached values and gets no note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.layout import SHEET_SCORE
from pmqa_cli.io.values import code_text, plain
from pmqa_cli.io.xlsx import Cell, Sheet

__all__ = [
    "PROVISIONAL_KEYS",
    "SUMMARY_ROWS",
    "ProvisionalValue",
    "compare_provisional",
    "read_provisional",
]

#: Keys in column A of the score sheet whose column-C value pmqa compares, with their labels.
PROVISIONAL_KEYS = {
    "pmqa_overall": ("คะแนนรวม", "overall"),
    "pmqa_part_pmqa": ("คะแนนหมวด 1-6", "categories 1-6"),
    "pmqa_part_results": ("คะแนนหมวด 7", "category 7"),
}
_KEY_COLUMN, _VALUE_COLUMN = 1, 3


@dataclass(frozen=True)
class ProvisionalValue:
    """A headline value the spreadsheet cached: the number, or None for an empty part."""

    key: str
    cell: str
    value: Decimal | None


def _cached(cell: Cell | None) -> Decimal | Literal[False] | None:
    """The cell's cached number; None for an empty result; False when nothing usable is cached
    (no formula result at all, an error, text). Text is never a score: the template's headline
    says "ยังกรอกไม่ครบ (ตอบแล้ว n จาก N ข้อ)" until the answers are complete, and pmqa
    compares nothing then (docs/template.md)."""
    if cell is None or cell.kind in ("f", "e"):
        return False
    if isinstance(cell.value, bool):
        return False
    if isinstance(cell.value, Decimal):
        return cell.value if cell.value.is_finite() else False
    if isinstance(cell.value, str) and not cell.value.strip():
        return None
    return False


#: The headline cells sit in the score sheet's summary block at its top (rows 6-10 of the
#: templates pmqa writes; a test keeps them there): only these rows are read, the rest of the
#: sheet (two thirds of a submission's XML, formulas pmqa never uses) is not parsed at all.
SUMMARY_ROWS = 40


def read_provisional(sheet: Sheet | None) -> list[ProvisionalValue]:
    """The cached headline values of the score sheet (none when absent or uncalculated)."""
    if sheet is None:
        return []
    found: list[ProvisionalValue] = []
    for row, cells in sheet.ordered_rows():
        key_cell = cells.get(_KEY_COLUMN)
        key = code_text(key_cell.value) if key_cell is not None else ""
        if key not in PROVISIONAL_KEYS or any(v.key == key for v in found):
            continue
        cached = _cached(cells.get(_VALUE_COLUMN))
        if cached is False:
            continue
        found.append(ProvisionalValue(key, f"C{row}", cached))
    return found


def _exact(value: Fraction | Decimal | None) -> Fraction | None:
    """A score or a cached value as an exact fraction (pmqa's scores are exact fractions)."""
    return None if value is None else Fraction(value)


def _text(number: Fraction | None, decimals: int) -> str:
    return "-" if number is None else plain(round_half_up(number, decimals))


def compare_provisional(
    values: list[ProvisionalValue],
    expected: Mapping[str, Fraction | Decimal | None],
    decimals: int,
    file: str | None = None,
) -> list[Finding]:
    """One ``provisional-differs`` note when a cached headline value and pmqa's own score
    (``expected``: key -> full-precision score or None) differ by more than half a unit of
    the last decimal shown."""
    tolerance = Fraction(1, 10**decimals) / 2
    differing: list[tuple[ProvisionalValue, str, str]] = []
    for value in values:
        if value.key not in expected:
            continue
        ours = _exact(expected[value.key])
        theirs = _exact(value.value)
        if ours is None and theirs is None:
            continue
        if ours is not None and theirs is not None and abs(ours - theirs) <= tolerance:
            continue
        label = "{} ({})".format(*PROVISIONAL_KEYS[value.key])
        differing.append(
            (value, f"{label} {_text(theirs, decimals)}", f"{label} {_text(ours, decimals)}")
        )
    if not differing:
        return []
    first = differing[0][0]
    found = ", ".join(d[1] for d in differing)
    ours_text = ", ".join(d[2] for d in differing)
    return [
        make_finding(
            "provisional-differs",
            file=file,
            sheet=SHEET_SCORE,
            cell=first.cell,
            found=found,
            expected=ours_text,
        )
    ]
