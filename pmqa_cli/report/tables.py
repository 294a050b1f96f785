"""Tables that declare their columns once, and the one way each is written: xlsx and CSV.

A :class:`Table` is one sheet's worth of rows; each :class:`Column` says its header, width, kind
and how a record gives its cell, so results.xlsx, comparison.xlsx and their CSV files are
written from the same rows and cannot disagree. Text from a submission never becomes a formula:
cells are typed as text (xlsx) or prefixed with an apostrophe (CSV), as OWASP advises. Findings
become rows in one place (:func:`finding_rows`), for every workbook that lists them.

The xlsx side is xlsxwriter: in constant-memory mode rows stream to disk as they are written,
and it is about three times faster than openpyxl for the audit trail's hundreds of thousands of
cells (benchmarks/RESULTS.md). write_string() always stores text, never a formula.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

from pmqa_cli.core.findings import SEVERITY_TH, Finding
from pmqa_cli.core.numbers import Shown, csv_number, excel_format
from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.io.mark import CREATOR, mark_properties
from pmqa_cli.io.mark import Kind as MarkKind
from pmqa_cli.io.values import plain
from pmqa_cli.report.outputs import FONT_NAME, FONT_SIZE, MAX_CELL_TEXT, write_bytes_atomic
from pmqa_cli.report.printing import SMALLEST_PRINT, printable_width
from pmqa_cli.report.text_width import (
    BOLD_WIDER,
    PADDING,
    UNIT_POINTS,
    column_points,
    row_height,
    text_points,
    wrapped_lines,
)
from pmqa_cli.report.xlsx_fast import PlainTextBook

__all__ = [
    "FINDINGS_SHEET",
    "FINDING_COLUMNS",
    "OFFICE_FINDING_COLUMNS",
    "WHOLE",
    "Block",
    "Column",
    "Fit",
    "Formats",
    "Kind",
    "Located",
    "Table",
    "Whole",
    "csv_digits",
    "finding_rows",
    "finish_sheet",
    "fits_one_page_wide",
    "mark_book",
    "print_scale",
    "severity_th",
    "table_sheet",
    "write_row",
    "write_table_csv",
    "xlsx_book",
]

R = TypeVar("R")

#: The scale a table too wide for one page prints at, across pages: 16 pt prints at 9.1 pt.
WIDE_PRINT_SCALE = 57
#: What xlsxwriter adds to a column's width (its cell padding, 5 of Calibri's 7-pixel digits).
_COLUMN_PADDING = 5 / 7
WHOLE = excel_format(Shown.COUNT, 0)  # counts and ranks: #,##0
FINDINGS_SHEET = "ปัญหาที่พบ"


class Kind(Enum):
    """How a column's cells are presented."""

    TEXT = "text"  # left-aligned text or plain numbers
    CENTER = "center"  # short values: ranks, codes, office types, counts
    SCORE = "score"  # a score: the rubric's decimals and a red-to-green colour scale
    CHANGE = "change"  # a change of score: signed, the rubric's decimals, no colour scale
    PERCENT = "percent"  # a percentage of offices: one decimal and %


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table, declared once: its header, width, kind, and where its cells
    come from (``value`` maps one record of the table to this column's cell)."""

    header: str
    width: float
    kind: Kind = Kind.TEXT
    value: Callable[[R], Any] = field(default=lambda _: None, repr=False)
    #: The Excel number format of its numbers where the kind's own does not fit: whole counts
    #: and ranks, an indicator's value in its unit (report/formats.py decides which).
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Whole:
    """A count in a table whose column holds scores (the band and status counts of the
    statistics sheet): shown as a whole number, not with the scores' decimals."""

    value: int


@dataclass(frozen=True)
class Block:
    """Where a block of rows sits in a table's sheet (0-based rows, the header row is 0), so
    charts read its cells without re-deriving the layout."""

    header: int  # the block's own header row (for a block under the table's header: 0)
    first: int  # its first data row
    count: int  # how many data rows

    @property
    def last(self) -> int:
        """Its last data row."""
        return self.first + self.count - 1


@dataclass
class Table:
    """One sheet's worth of data: a name, its columns, its rows, and where its blocks sit."""

    sheet: str
    csv_name: str
    columns: Sequence[Column[Any]]
    rows: Iterable[Sequence[Any]]
    blocks: dict[str, Block] = field(default_factory=dict)
    #: How many leading columns name the row (code, name, type): repeated on every printed page
    #: of a table too wide for one (24 issues x score and status).
    key_columns: int = 0
    #: Columns kept in view when scrolling right (the office's code and name), after the header
    freeze_columns: int = 0

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [c.header for c in self.columns]

    @classmethod
    def of(
        cls, sheet: str, csv_name: str, columns: Sequence[Column[R]], records: Iterable[R]
    ) -> Table:
        """A table with one row per record, each cell from its column's ``value``."""
        getters = [c.value for c in columns]
        return cls(sheet, csv_name, columns, ([get(r) for get in getters] for r in records))


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with the file and office it belongs to."""

    path: str
    office_code: str
    finding: Finding


def severity_th(finding: Finding) -> str:
    """The Thai word for a finding's severity."""
    return SEVERITY_TH[finding.severity]


#: What a findings table can show of a finding: header and cell, declared once.
_FINDING_FIELDS: dict[str, tuple[str, Callable[[Located], Any]]] = {
    "file": ("ไฟล์", lambda r: Path(r.finding.file or r.path).name),
    "office": ("รหัสหน่วยงาน", lambda r: r.office_code),
    "sheet": ("แผ่นงาน", lambda r: r.finding.sheet or ""),
    "cell": ("เซลล์", lambda r: r.finding.cell or ""),
    "item": ("รายการ", lambda r: r.finding.item_id or ""),
    "code": ("รหัสปัญหา", lambda r: r.finding.code),
    "severity": ("ความรุนแรง", lambda r: severity_th(r.finding)),
    "message_th": ("คำอธิบายและวิธีแก้", lambda r: r.finding.message_th),
    "message_en": ("คำอธิบายภาษาอังกฤษ (English)", lambda r: r.finding.message_en),
}


def _finding_columns(*fields: tuple[str, float]) -> list[Column[Located]]:
    return [Column(_FINDING_FIELDS[key][0], width, Kind.TEXT, _FINDING_FIELDS[key][1])
            for key, width in fields]  # fmt: skip


#: Every finding of a run (results, comparison): the file and office first. Narrow enough to
#: print one landscape page wide at 9 pt or more; the messages and long codes wrap.
FINDING_COLUMNS = _finding_columns(
    ("file", 13), ("office", 9), ("sheet", 13), ("cell", 6), ("item", 10), ("code", 16),
    ("severity", 10), ("message_th", 38), ("message_en", 33),
)  # fmt: skip
#: One office's findings (its feedback workbook): the severity first, no file or office.
OFFICE_FINDING_COLUMNS = _finding_columns(
    ("severity", 10), ("code", 16), ("sheet", 13), ("cell", 7), ("item", 10),
    ("message_th", 75), ("message_en", 55),
)  # fmt: skip


def finding_rows(
    located: Iterable[Located], columns: Sequence[Column[Located]] = FINDING_COLUMNS
) -> Iterator[list[Any]]:
    """The one place a finding becomes a row of a findings table (every workbook, and CSV)."""
    getters = [c.value for c in columns]
    for record in located:
        yield [get(record) for get in getters]


_SCORE_SCALE = {
    "type": "3_color_scale",
    "min_type": "num", "min_value": 0, "min_color": "#F8696B",
    "mid_type": "num", "mid_value": 300, "mid_color": "#FFEB84",
    "max_type": "num", "max_value": 500, "max_color": "#63BE7B",
}  # fmt: skip


@dataclass(frozen=True)
class Fit:
    """How a table's text fits its columns: each column's room for text in points and its
    formats that wrap (text, text that starts like a formula). Text wider than its column
    wraps, and the row is made tall enough for its lines (neither Excel nor LibreOffice grows
    a row when it opens a file)."""

    rooms: list[float]
    wrapped: list[tuple[Any, Any]]

    def lines(self, col: int, row: Sequence[Any]) -> int:
        """How many lines cell ``col`` of ``row`` takes (1: it fits unwrapped, or runs on into
        the empty cells right of it, as a block's title does)."""
        text = row[col]
        if not isinstance(text, str):
            return 1
        room = self.rooms[col]
        for right in range(col + 1, len(self.rooms)):
            if right < len(row) and row[right] not in (None, ""):
                break
            room += self.rooms[right] + PADDING
        if text_points(text, FONT_SIZE) <= room and "\n" not in text:
            return 1
        return wrapped_lines(text, self.rooms[col], FONT_SIZE)


class Formats:
    """The few cell formats results.xlsx uses, created once per workbook."""

    def __init__(self, book: Any, decimals: int) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "align": "center",
             "valign": "vcenter", "border": 1, "border_color": "#A6A6A6"}
        )  # fmt: skip
        score = book.add_format({"num_format": excel_format(Shown.SCORE, decimals)})
        change = book.add_format({"num_format": excel_format(Shown.CHANGE, decimals)})
        percent = book.add_format({"num_format": excel_format(Shown.PERCENT, decimals),
                                   "align": "center"})  # fmt: skip
        center = book.add_format({"align": "center"})
        quoted = book.add_format({"quote_prefix": True})
        quoted_center = book.add_format({"quote_prefix": True, "align": "center"})
        # Per kind of column: (text, text that starts like a formula, number) formats.
        self.by_kind: dict[Kind, tuple[Any, Any, Any]] = {
            Kind.TEXT: (None, quoted, None),
            Kind.CENTER: (center, quoted_center, center),
            Kind.SCORE: (None, quoted, score),
            Kind.CHANGE: (None, quoted, change),
            Kind.PERCENT: (center, quoted_center, percent),
        }

        # Text longer than its column wraps in it (a row tall enough is set as it is written).
        wrap = {"text_wrap": True}
        self.wrapped: dict[Kind, tuple[Any, Any]] = {
            kind: (book.add_format({**wrap, **align}),
                   book.add_format({**wrap, **align, "quote_prefix": True}))
            for kind, align in ((Kind.TEXT, {}), (Kind.CENTER, {"align": "center"}))
        }  # fmt: skip

        self._book = book
        self._numbers: dict[tuple[Kind, str], Any] = {}
        self.whole = book.add_format({"num_format": WHOLE, "align": "center"})

    def block_header(self, row: Sequence[Any]) -> list[tuple[Any, Any, Any]]:
        """The formats of the header row of a further table on a sheet (the status counts
        under the band counts): as the table's own header row."""
        return [(self.header, self.header, self.header)] * len(row)

    def fit(self, table: Table) -> Fit:
        """How the text of each of a table's columns wraps (for :func:`write_row`)."""
        rooms = [column_points(c.width, UNIT_POINTS["xlsxwriter"]) for c in table.columns]
        wrapped = [self.wrapped.get(c.kind, self.wrapped[Kind.TEXT]) for c in table.columns]
        return Fit(rooms, wrapped)

    def of(self, table: Table) -> list[tuple[Any, Any, Any]]:
        """The formats of each of a table's columns."""
        return [self._column(c) for c in table.columns]

    def _column(self, column: Column[Any]) -> tuple[Any, Any, Any]:
        text, quoted, number = self.by_kind[column.kind]
        if column.number_format is None:
            return text, quoted, number
        key = (column.kind, column.number_format)
        if key not in self._numbers:
            properties: dict[str, Any] = {"num_format": column.number_format}
            if column.kind is Kind.CENTER:
                properties["align"] = "center"
            self._numbers[key] = self._book.add_format(properties)
        return text, quoted, self._numbers[key]


def _fitted_scale(columns: Sequence[Column[Any]]) -> float:
    """The scale a table fitted to a landscape A4's width prints at."""
    width = sum(c.width + _COLUMN_PADDING for c in columns) * UNIT_POINTS["xlsxwriter"]
    return min(1.0, printable_width() / width)


def fits_one_page_wide(columns: Sequence[Column[Any]]) -> bool:
    """Whether a table fitted to a landscape A4's width prints its text at no less than
    ``SMALLEST_PRINT`` (columns of about 160 width units in all, at most)."""
    return FONT_SIZE * _fitted_scale(columns) >= SMALLEST_PRINT


def print_scale(columns: Sequence[Column[Any]]) -> float:
    """The scale a table's sheet prints at (:func:`table_sheet`): fitted to the page's width,
    or ``WIDE_PRINT_SCALE`` across pages (for page_marks' scale)."""
    return _fitted_scale(columns) if fits_one_page_wide(columns) else WIDE_PRINT_SCALE / 100


def table_sheet(
    book: Any,
    table: Table,
    formats: Formats,
    name: str | None = None,
    existing: Any = None,
) -> Any:
    """A sheet for ``table``: its columns, frozen header, print setup (its header row repeated
    on every printed page; where it is too wide for one page at 9 pt, across pages)."""
    ws = existing if existing is not None else book.add_worksheet(name or table.sheet)
    for n, column in enumerate(table.columns):
        ws.set_column(n, n, column.width)
    ws.set_default_row(22)  # 16 pt Thai with marks above and below needs taller rows
    # The header row as tall as its longest wrapped header (bold), two lines at least.
    rooms = [column_points(c.width, UNIT_POINTS["xlsxwriter"]) / BOLD_WIDER
             for c in table.columns]  # fmt: skip
    lines = max((wrapped_lines(c.header, room, FONT_SIZE)
                 for c, room in zip(table.columns, rooms, strict=True)), default=1)  # fmt: skip
    ws.set_row(0, row_height(max(2, lines), FONT_SIZE))
    ws.freeze_panes(1, table.freeze_columns)
    if fits_one_page_wide(table.columns):
        ws.fit_to_pages(1, 0)
    else:
        # Shrunk onto one page the text would be too small to read: print legibly across
        # pages, left to right before top to bottom (an office's row continues on the next
        # page), each starting with the columns that say whose row it is.
        ws.set_print_scale(WIDE_PRINT_SCALE)
        ws.print_across()
        if table.key_columns:
            ws.repeat_columns(0, table.key_columns - 1)
    ws.repeat_rows(0)
    for col, column in enumerate(table.columns):
        ws.write_string(0, col, column.header, formats.header)
    return ws


def write_row(
    ws: Any,
    r: int,
    row: Sequence[Any],
    styles: list[tuple[Any, Any, Any]],
    whole: Any = None,
    fit: Fit | None = None,
) -> None:
    """One row; ``styles`` from :meth:`Formats.of` for the row's table; with ``fit`` (from
    :meth:`Formats.fit`), text longer than its column wraps and the row is as tall as it needs."""
    if fit is not None:
        lines = [fit.lines(c, row) for c in range(len(row))]
        if max(lines, default=1) > 1:
            ws.set_row(r, row_height(max(lines), FONT_SIZE))
            styles = list(styles)  # a row may be shorter than its table's columns
            for c, n in enumerate(lines):
                if n > 1:
                    styles[c] = fit.wrapped[c] + styles[c][2:]
    for c, value in enumerate(row):
        text_format, quoted_format, number_format = styles[c]
        if isinstance(value, Decimal):
            value = float(value)  # a value as read (scores arrive already rounded)
        if isinstance(value, Whole):
            ws.write_number(r, c, value.value, whole)
        elif isinstance(value, str):
            # xlsxwriter escapes control characters itself; only the length needs a cap.
            text = value[:MAX_CELL_TEXT]
            if text.startswith(FORMULA_START):
                ws.write_string(r, c, text, quoted_format)
            elif text or text_format is not None:
                ws.write_string(r, c, text, text_format)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)) and math.isfinite(value):
            ws.write_number(r, c, value, number_format)


def finish_sheet(ws: Any, table: Table, rows: int) -> None:
    if rows:
        ws.autofilter(0, 0, rows, len(table.columns) - 1)
    for col, column in enumerate(table.columns):
        if column.kind is Kind.SCORE:
            ws.conditional_format(1, col, max(rows, 1), col, _SCORE_SCALE)


#: The kind of number in a column of each kind, for its CSV digits (a column's own number format
#: says the rest: whole counts and ranks, an indicator's value in its unit).
_SHOWN = {Kind.SCORE: Shown.SCORE, Kind.CHANGE: Shown.CHANGE, Kind.PERCENT: Shown.PERCENT}


def _format_places(number_format: str) -> int | None:
    """The decimal places an Excel number format shows ("#,##0.00": 2), None for one that
    shows words (pass/fail)."""
    first = number_format.split(";")[0]
    if "0" not in first.split('"')[0]:
        return None
    _, _, fraction = first.partition(".")
    return len(fraction) - len(fraction.lstrip("0"))


def csv_digits(table: Table, decimals: int) -> list[Callable[[Any], Any]]:
    """How each of a table's columns writes a number to CSV: the same digits as its cells'
    number format in the workbook (a score at the rubric's ``decimals``: 100.00, never 100.0),
    without separators or signs."""

    def fixed(kind: Shown, count: int) -> Callable[[Any], Any]:
        def write(value: Any) -> Any:
            if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
                if isinstance(value, float) and not math.isfinite(value):
                    return value
                return csv_number(value, kind, count)
            return _csv_value(value)

        return write

    writers: list[Callable[[Any], Any]] = []
    for column in table.columns:
        count = None if column.number_format is None else _format_places(column.number_format)
        if count is not None:
            writers.append(fixed(Shown.SCORE, count))
        elif column.kind in _SHOWN and column.number_format is None:
            writers.append(fixed(_SHOWN[column.kind], decimals))
        else:
            writers.append(_csv_value)
    return writers


def _csv_value(value: Any) -> Any:
    if type(value) is str:  # most cells: text, asked about first
        # OWASP: a leading apostrophe keeps a spreadsheet from reading the text as a formula.
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, Whole):
        return value.value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def xlsx_book(target: str | io.BytesIO, *, thai_default: bool = True, **options: Any) -> Any:
    """An xlsxwriter workbook as pmqa writes them: text never read as a formula or a link, TH
    Sarabun New throughout; ``options`` add xlsxwriter's own (constant memory, in memory).
    ``thai_default`` False keeps Calibri 11 as the Normal style (the column width unit of
    openpyxl's books: report/text_width.py UNIT_POINTS), each cell's format naming its font."""
    default = {"font_name": FONT_NAME, "font_size": FONT_SIZE} if thai_default else {}
    return PlainTextBook(
        target,
        {
            **options,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": default,
        },
    )


def mark_book(book: Any, kind: MarkKind, title: str, when: datetime) -> None:
    """The document properties of an xlsxwriter workbook: its title, pmqa as its author, the
    time of the run, and pmqa's mark (io/mark.py: never read as a submission, replaced only
    by pmqa)."""
    book.set_properties({"title": title, "author": CREATOR, "created": when})
    for name, value in mark_properties(kind).items():
        book.set_custom_property(name, value)


def write_table_csv(table: Table, folder: Path, decimals: int) -> Path:
    """One table as ``folder/<csv_name>.csv`` (UTF-8 with BOM, so Excel opens Thai text); its
    numbers with the digits the workbook shows (:func:`csv_digits`; ``decimals`` the rubric's)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    digits = csv_digits(table, decimals)
    for row in table.rows:
        if len(row) > len(digits):  # a row wider than the header: its extra cells as they are
            digits += [_csv_value] * (len(row) - len(digits))
        # strict=False: a row shorter than the header writes the cells it has
        writer.writerow([write(v) for write, v in zip(digits, row, strict=False)])
    target = folder / f"{table.csv_name}.csv"
    write_bytes_atomic(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return target
