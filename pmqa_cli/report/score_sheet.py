"""The provisional score sheet's frame: its fixed columns and the writer every block uses.

The sheet (คะแนนเบื้องต้น) is written top to bottom in blocks, each a run of rows under a section
title and a header. :class:`ScoreSheet` keeps the row cursor and the row of every key (a block's
first and last rows, a headline cell, a rubric number), so that formulas can refer to them.

A block that runs over pages repeats its section title and header at the top of each page it
continues on (``plan``: the item rows, by their number in writing order, that start a page).
Those repeated rows hold text, so a formula over a block's rows takes its :meth:`pieces`: the
runs of item rows between them (SUM(a,b), SUMPRODUCT(a)+SUMPRODUCT(b), ROWS(a)+ROWS(b)).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.formulas import number_format
from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.text_width import row_height
from pmqa_cli.report.writer import (
    GROUP_FILL,
    body_font,
    fit_row_height,
    header_style,
    put,
    style_cell,
    thin_border,
)
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "CENTER",
    "CHECK",
    "HEADLINES",
    "HEADLINE_NAMES",
    "HIDDEN",
    "KEY",
    "LABEL",
    "LAST_COL",
    "NOTE_FILL",
    "WIDTHS",
    "WRAP",
    "Pieces",
    "ScoreSheet",
    "over",
]

#: Runs of item rows (first, last) that a formula adds up: a block's rows less the headings
#: repeated where it continues on a new page.
Pieces = list[tuple[int, int]]

#: What a section's title says where it is repeated atop a page its block continues on.
CONTINUED = " (ต่อ / continued)"


def over(pieces: Pieces, make: Callable[[int, int], str], join: str = "+") -> str:
    """``make(first, last)`` for each piece, joined by ``join`` (in brackets when more than
    one is added up)."""
    parts = [make(lo, hi) for lo, hi in pieces]
    if len(parts) > 1 and join == "+":
        return "(" + join.join(parts) + ")"
    return join.join(parts)


# Score-sheet columns (fixed, so the answer sheets can look a check up by item id, and pmqa
# reads a headline's key in column A and its value in column C, as in every template sent out).
KEY, CHECK, LABEL = 1, 2, 3
# Column A holds the item ids ("KPI-7.1.1"); numbers are shown with up to 4 decimals:
# "500.0000" needs a width of about 12.
WIDTHS = {1: 13, 2: 24, 3: 34, **dict.fromkeys(range(4, 21), 12)}
LAST_COL = 20
#: The number format of a key only pmqa reads (a defined name, a rubric code): it shows and
#: prints nothing, so staff see Thai labels, never programmer text.
HIDDEN = ";;;"

NOTE_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")

#: The headline cells, in the summary's order: the key in column A (not shown: HIDDEN; the
#: workbook-level name of its column-C cell too) -> its label.
HEADLINES = {
    "pmqa_overall": "คะแนนรวม / Overall score",
    "pmqa_band": "ระดับผลการประเมิน / Band",
    "pmqa_part_pmqa": "คะแนนหมวด 1-6 (PMQA 4.0) / Categories 1-6",
    "pmqa_status": "สถานะ PMQA 4.0 / PMQA 4.0 status",
    "pmqa_part_results": "คะแนนหมวด 7 (ตัวชี้วัด) / Category 7",
    "pmqa_completeness": "ความครบถ้วนของคำตอบ / Completeness",
    "pmqa_answered": "ตอบแล้ว (ข้อ) / Answered items",
    "pmqa_required": "ต้องตอบ (ข้อ) / Items to answer",
}
#: Defined name -> the key in column A of the score sheet whose column-C cell it names.
HEADLINE_NAMES = tuple(HEADLINES)

T = TypeVar("T")


class ScoreSheet:
    """The คะแนนเบื้องต้น sheet being written: the row cursor, where each key is, the cell
    writers."""

    def __init__(
        self,
        ws: Worksheet,
        rubric: Rubric,
        pmqa_cols: dict[str, int],
        kpi_cols: dict[str, int],
        plan: frozenset[int] = frozenset(),
    ) -> None:
        self.ws = ws
        self.rubric = rubric
        self.row = 1
        self.key_rows: dict[str, int] = {}
        self.pmqa_cols = pmqa_cols
        self.kpi_cols = kpi_cols
        self.fmt = number_format(rubric.scoring.decimals)
        #: The item rows (their number in writing order) that start a page of their own,
        #: under their block's title and header repeated.
        self.plan = plan
        #: Each item row's number in writing order -> its row.
        self.item_rows: dict[int, int] = {}
        #: The rows that repeat a block's title and header atop a page, and the rows after
        #: which those pages start.
        self.repeated: set[int] = set()
        self.breaks: list[int] = []
        self._title = ""
        self._labels: dict[int, str] = {}

    # --- cells -----------------------------------------------------------------------------

    def text(self, row: int, col: int, value: object, **style: object) -> None:
        style.setdefault("border", thin_border())
        style.setdefault("alignment", WRAP)
        put(self.ws, row, col, value, **style)

    def formula(self, row: int, col: int, formula: str, number_format: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col)
        assert isinstance(cell, Cell)
        cell.value = "=" + formula
        style = {"number_format": number_format} if number_format else {}
        style_cell(cell, font=body_font(), border=thin_border(), alignment=CENTER, **style)

    def key(self, row: int, key: str) -> None:
        """A key in column A (a defined name, a code) that pmqa reads and nobody sees: its
        number format shows and prints nothing (the cell still holds it)."""
        cell = put(self.ws, row, KEY, key, border=thin_border())
        cell.number_format = HIDDEN

    def item(self, row: int, item_id: str) -> None:
        """An item's id in column A, which the answer sheets' checks look up."""
        put(self.ws, row, KEY, item_id, border=thin_border())

    def ref(self, key: str, col: int = LABEL, absolute: bool = True) -> str:
        d = "$" if absolute else ""
        return f"{d}{column_letter(col)}{d}{self.key_rows[key]}"

    # --- rows ------------------------------------------------------------------------------

    def section(self, title: str, blank_above: bool = True) -> None:
        self._title = title
        self.row += blank_above
        for col in range(1, LAST_COL + 1):
            put(self.ws, self.row, col, None, fill=GROUP_FILL)
        put(self.ws, self.row, 1, title, font=body_font(bold=True), fill=GROUP_FILL)
        # As tall as its 16 pt line: under the title repeated atop a page, a shorter row's
        # text would run into it.
        self.ws.row_dimensions[self.row].height = row_height(1, FONT_SIZE)
        self.row += 1

    def header(self, labels: dict[int, str]) -> None:
        self._labels = labels
        for col, label in labels.items():
            put(self.ws, self.row, col, label, **header_style())
        # Headers are bold and centred: allow them more lines than body text.
        fit_row_height(self.ws, self.row, {c: WIDTHS[c] * 0.7 for c in labels})
        self.row += 1

    def keyed(self, key: str, label: str) -> int:
        """A row of its own for ``key``, labelled; returns the row."""
        row = self.row
        self.key(row, key)
        self.text(row, CHECK, label)
        self.key_rows[key] = row
        self.fit(row, CHECK)
        self.row += 1
        return row

    def fit(self, row: int, *cols: int, generous: bool = False) -> None:
        """A row tall enough for the text in columns ``cols`` (B and C by default);
        ``generous`` for long Thai titles, which wrap sooner than their characters count."""
        scale = 0.75 if generous else 1
        fit_row_height(self.ws, row, {c: WIDTHS[c] * scale for c in cols or (CHECK, LABEL)})

    @contextmanager
    def block(
        self, name: str, title: str | None = None, labels: dict[int, str] | None = None
    ) -> Iterator[None]:
        """A block of rows under a section ``title`` and a header of ``labels`` (each when
        given); the keys ``name`` and ``name:last`` are its first and last rows."""
        if title is not None:
            self.section(title)
        if labels is not None:
            self.header(labels)
        first = self.row
        yield
        self.key_rows[name] = first
        self.key_rows[f"{name}:last"] = self.row - 1

    def rows(self, items: Iterable[T]) -> Iterator[tuple[int, T]]:
        """Each item with the row it is written on, one row after another; an item the plan
        starts a page with comes under its block's title and header, repeated."""
        for item in items:
            number = len(self.item_rows)
            if number in self.plan:
                self._repeat_heading()
            self.item_rows[number] = self.row
            yield self.row, item
            self.row += 1

    def _repeat_heading(self) -> None:
        """A new page (after the row above) that starts with the block's title, marked as
        continued, and its header."""
        self.breaks.append(self.row - 1)
        first = self.row
        title, labels = self._title, self._labels
        self.section(title + CONTINUED, blank_above=False)
        self.header(labels)
        self._title = title
        self.repeated.update(range(first, self.row))

    def pieces(self, first: int, last: int) -> Pieces:
        """The rows ``first`` to ``last`` less the repeated headings, as runs of rows."""
        runs: Pieces = []
        for row in range(first, last + 1):
            if row in self.repeated:
                continue
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        return runs

    def block_pieces(self, name: str) -> Pieces:
        """The pieces of block ``name``'s rows."""
        return self.pieces(self.key_rows[name], self.key_rows[f"{name}:last"])
