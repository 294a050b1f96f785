"""results.xlsx's audit trail (ข้อมูลนำเข้า): every value read, one row each, prepared in the
batch's workers.

The audit trail is most of results.xlsx (about 110 rows of 8 cells per office). Writing it cell
by cell through xlsxwriter cost the batch's parent more than anything else, while the workers
waited for it. So each worker renders its office's rows as the sheet's XML itself
(:class:`AuditRows`, the same bytes xlsxwriter writes in constant-memory mode), leaving three
marks the parent fills in: the row number, the row's attributes and the style of text that
starts like a formula. The parent (:class:`AuditTrail`) numbers the rows and appends them to
the sheet's row file.

Text wider than its column wraps in it (a fourth mark: the wrapped style), so it never runs
over its neighbours; rows keep the sheet's height, showing the text's first line, except the
rows printed by default (the first ``AUDIT_PRINT_ROWS``), which are as tall as their lines.
Whether text is wider is a count of its characters for nearly every cell, so the batch does
not slow down. Where xlsxwriter does not keep its rows as this module expects (another
version), :attr:`AuditTrail.prepare` is None and the rows are written through xlsxwriter as
before; tests/test_audit_rows.py holds the two ways to the same bytes.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from pmqa_cli.assess.submission import ValueRead
from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.report.outputs import FONT_SIZE, MAX_CELL_TEXT
from pmqa_cli.report.result_tables import AUDIT_PRINT_ROWS, INPUT_COLUMNS, INPUTS_SHEET, InputRow
from pmqa_cli.report.tables import Formats, Table, table_sheet, write_row
from pmqa_cli.report.text_width import (
    UNIT_POINTS,
    WIDEST_CHARACTER,
    column_points,
    row_height,
    text_points,
    wrapped_lines,
)

__all__ = ["MAX_SHEET_ROWS", "AuditRows", "AuditTrail", "Rows"]

MAX_SHEET_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows; the audit trail splits before it

ROW = "\x00"  # the row number (control characters never reach the XML: they are escaped)
STYLE = "\x01"  # the style index of text that starts like a formula (quoted)
ATTRIBUTES = "\x02"  # the row's attributes (its height)
WRAP = "\x03"  # the style index of text wider than its column (wrapped)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STRING_MAX = 32_767  # xlsxwriter's cap, in UTF-16 units

# xlsxwriter's escapes, as xmlwriter.py and worksheet.py write them.
_ESCAPE_NEEDED = re.compile('["&<>\n]')
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING_SPACE = re.compile(r"^\s")
_TRAILING_SPACE = re.compile(r"\s$")


class Rows(NamedTuple):
    """One file's audit-trail rows, rendered: each row's XML with its marks, encoded."""

    rows: list[bytes]  # empty for a row without cells (xlsxwriter writes no row then)
    first_column: int  # the columns written, for the sheet's dimension
    last_column: int
    quoted: bool  # some text starts like a formula (its cells carry the STYLE mark)
    wrapped: bool = False  # some text is wider than its column (its cells carry WRAP)
    #: How many lines each of the first AUDIT_PRINT_ROWS rows takes (where printed, its height)
    lines: tuple[int, ...] = ()


#: Each column's room for text, in points, and how many characters always fit in it.
_ROOMS = [column_points(c.width, UNIT_POINTS["xlsxwriter"]) for c in INPUT_COLUMNS]
_ALWAYS_FIT = [int(room / (WIDEST_CHARACTER * FONT_SIZE)) for room in _ROOMS]


@functools.lru_cache(maxsize=4096)  # file names and hashes repeat on every row of a file
def _wider(col: int, text: str) -> bool:
    return "\n" in text or text_points(text, FONT_SIZE) > _ROOMS[col]


def wraps(col: int, text: str) -> bool:
    """Whether text in column ``col`` of the audit trail is wider than the column (it wraps):
    for short text, as nearly all is, a count of its characters says it is not."""
    return (len(text) > _ALWAYS_FIT[col] or "\n" in text) and _wider(col, text)


@functools.lru_cache(maxsize=4096)  # labels and answers repeat from office to office
def _lines(col: int, text: str) -> int:
    """The lines wrapped text takes in column ``col``."""
    return wrapped_lines(text, _ROOMS[col], FONT_SIZE)


def _row_pixels(lines: int) -> int:
    """A printed row's height for ``lines`` lines, in pixels as xlsxwriter's set_row keeps it."""
    return int(row_height(lines, FONT_SIZE) * 4 / 3 + 0.5)


#: Text that needs more than wrapping: escapes (a "<r>...</r>" among them: written as text,
#: not as xlsxwriter's rich string, report/xlsx_fast.py), a kept space at either end, a cut at
#: its length cap.
_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f\ufffe\uffff"&<>\n]|_x[0-9a-fA-F]{4}_|^\s|\s$')


@functools.lru_cache(maxsize=4096)  # file names, hashes, sheets and labels repeat on every row
def _inline(text: str) -> str:
    """A text cell's XML after its reference and style, as xlsxwriter writes an inline string
    in constant-memory mode (worksheet._write_cell, xmlwriter._xml_inline_string)."""
    if len(text) <= _STRING_MAX // 2 and not _SPECIAL.search(text):
        return f' t="inlineStr"><is><t>{text}</t></is></c>'
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 > _STRING_MAX:
        text = _utf16_truncate(text)
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    keep = _LEADING_SPACE.search(text) or _TRAILING_SPACE.search(text)
    space = ' xml:space="preserve"' if keep else ""
    if _ESCAPE_NEEDED.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _utf16_truncate(text: str) -> str:
    """Cut to the cap in UTF-16 units without splitting a character above U+FFFF."""
    units = 0
    for n, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > _STRING_MAX:
            return text[:n]
    return text  # pragma: no cover - only called for text over the cap


_QUOTED, _WRAPPED = 1, 2  # what a text cell needs: its quoted style, its wrapped style
_CACHED_TEXT = 200  # text up to this long has its cell kept (it repeats: sheets, labels, names)


def _text_cell(col: int, text: str) -> tuple[str, int]:
    """A text cell of column ``col`` as XML, its row number left as the ROW mark, and whether
    it is quoted (starts like a formula) or wrapped (wider than its column)."""
    ref = _LETTERS[col] + ROW
    if text.startswith(FORMULA_START):
        return f'<c r="{ref}" s="{STYLE}"{_inline(text)}', _QUOTED
    if wraps(col, text):
        return f'<c r="{ref}" s="{WRAP}"{_inline(text)}', _WRAPPED
    return f'<c r="{ref}"{_inline(text)}', 0


_known_text_cell = functools.lru_cache(maxsize=16384)(_text_cell)


@dataclass(frozen=True)
class AuditRows:
    """Renders one file's audit-trail rows (in a batch worker; picklable, so sent there).

    Every column of the audit trail is text (no style), as :func:`.tables.write_row` writes
    it: text that starts like a formula is quoted, empty text and what is no number are left
    out, numbers are numbers."""

    def __call__(self, file: str, sha256: str, values: Sequence[ValueRead]) -> Rows:
        name = Path(file).name
        getters = list(enumerate(c.value for c in INPUT_COLUMNS))
        letters = [_LETTERS[n] + ROW for n in range(len(getters))]
        start = f'<row r="{ROW}"{ATTRIBUTES}>'
        used = needs = 0  # the columns written, and _QUOTED | _WRAPPED as any cell needs them
        rows: list[bytes] = []
        printed: list[int] = []
        for value in values:
            record = InputRow(name, sha256, value)
            cells = [start]
            lines = 1
            for col, get in getters:
                cell = get(record)
                if isinstance(cell, str):
                    if not cell:
                        continue
                    text = cell[:MAX_CELL_TEXT]
                    known = len(text) <= _CACHED_TEXT
                    xml, need = (_known_text_cell if known else _text_cell)(col, text)
                    cells.append(xml)
                    if need:
                        needs |= need
                        if need == _WRAPPED and len(printed) < AUDIT_PRINT_ROWS:
                            lines = max(lines, _lines(col, text))
                else:
                    if isinstance(cell, Decimal):
                        cell = float(cell)  # as write_row: a value as read
                    if isinstance(cell, bool):
                        cells.append(f'<c r="{letters[col]}" t="b"><v>{int(cell)}</v></c>')
                    elif isinstance(cell, (int, float)) and math.isfinite(cell):
                        cells.append(f'<c r="{letters[col]}"><v>{cell:.16G}</v></c>')
                    else:
                        continue
                used |= 1 << col
            if len(printed) < AUDIT_PRINT_ROWS:
                printed.append(lines)
            if len(cells) == 1:
                rows.append(b"")
                continue
            cells.append("</row>")
            rows.append("".join(cells).encode("utf-8"))
        first = (used & -used).bit_length() - 1 if used else len(getters)
        return Rows(rows, first, used.bit_length() - 1, bool(needs & _QUOTED),
                    bool(needs & _WRAPPED), tuple(printed))  # fmt: skip


def _fast_rows_possible(ws: Any) -> bool:
    """Whether this xlsxwriter keeps a constant-memory sheet's rows as :class:`AuditTrail`
    appends to them (feature detection: another version falls back to write_row)."""
    fh = getattr(ws, "row_data_fh", None)
    return (
        bool(getattr(ws, "constant_memory", False))
        and isinstance(getattr(ws, "previous_row", None), int)
        and isinstance(fh, io.TextIOWrapper)
        and getattr(ws, "fh", None) is fh
        and all(hasattr(ws, n) for n in ("_write_single_row", "_write_row", "_check_dimensions"))
    )


class AuditTrail:
    """The audit-trail sheets of one results.xlsx, filled in file order as the batch runs.

    Called with a file's values, it writes them through xlsxwriter; as a batch's ``on_values``
    its :attr:`prepare` runs in the workers and :meth:`add_prepared` appends their rows."""

    def __init__(self, book: Any, formats: Formats) -> None:
        self.book = book
        self.formats = formats
        self.table = Table(INPUTS_SHEET, "inputs", INPUT_COLUMNS, [])
        self.styles = formats.of(self.table)
        # Text wider than its column: wrapped, from the top (a row of the sheet's height shows
        # its first line).
        self._wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.sheets: list[Any] = []
        self.rows = 0
        # The first sheet now (the next every MAX_SHEET_ROWS rows): it shows whether rows can
        # be prepared in the workers.
        self._sheet()
        self._fast = _fast_rows_possible(self.sheets[0])
        self._attributes = b""

    @property
    def prepare(self) -> AuditRows | None:
        """The work a batch worker does for this trail, or None (xlsxwriter's own way)."""
        return AuditRows() if self._fast else None

    def __call__(self, file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        """Append one file's values to the audit trail (ข้อมูลนำเข้า), through xlsxwriter."""
        name = Path(file).name
        getters = [c.value for c in INPUT_COLUMNS]
        for n, v in enumerate(values):
            ws = self._sheet()
            self.rows += 1
            row = (self.rows - 1) % MAX_SHEET_ROWS + 1
            record = InputRow(name, sha256, v)
            cells = [get(record) for get in getters]
            styles, lines = list(self.styles), 1
            for col, cell in enumerate(cells):
                text = cell[:MAX_CELL_TEXT] if isinstance(cell, str) else ""
                if text and not text.startswith(FORMULA_START) and wraps(col, text):
                    styles[col] = (self._wrap, *styles[col][1:])
                    if n < AUDIT_PRINT_ROWS:
                        lines = max(lines, _lines(col, text))
            if lines > 1 and row <= AUDIT_PRINT_ROWS:
                ws.set_row_pixels(row, _row_pixels(lines))
            write_row(ws, row, cells, styles)

    def _sheet(self) -> Any:
        """The sheet the next row goes to (a new one every MAX_SHEET_ROWS rows)."""
        if self.rows % MAX_SHEET_ROWS == 0 and len(self.sheets) * MAX_SHEET_ROWS <= self.rows:
            n = len(self.sheets) + 1
            title = INPUTS_SHEET if n == 1 else f"{INPUTS_SHEET} ({n})"
            self.sheets.append(table_sheet(self.book, self.table, self.formats, title))
        return self.sheets[-1]

    def add_prepared(self, file: str, sha256: str, prepared: Rows) -> None:
        """Append one file's rows, rendered by :class:`AuditRows` in a worker."""
        rows = prepared.rows
        done = 0
        while done < len(rows):
            ws = self._sheet()
            first = self.rows % MAX_SHEET_ROWS + 1  # the sheet's row (0 is the header)
            count = min(len(rows) - done, MAX_SHEET_ROWS - first + 1)
            self._append(ws, first, rows[done : done + count], prepared, done)
            done += count
            self.rows += count

    def _append(
        self, ws: Any, first: int, rows: list[bytes], prepared: Rows, done: int = 0
    ) -> None:
        """Rows ``first``.. of a sheet, as xlsxwriter would have written them (the file's
        rows from its ``done``-th)."""
        filled = [n for n, row in enumerate(rows) if row]
        if filled:
            # As xlsxwriter: the row before (the header) goes out when a later row has a cell;
            # the dimension grows to the last row with a cell.
            ws._write_single_row(first + filled[0])
            ws._check_dimensions(first + filled[-1], prepared.first_column)
            ws._check_dimensions(first + filled[-1], prepared.last_column)
        if not self._attributes:
            self._attributes = _row_attributes(ws)
        attributes = ATTRIBUTES.encode()
        numbered = []
        for n, row in enumerate(rows, start=first + 1):
            row = row.replace(b"\x00", b"%d" % n)
            # A printed row (the first AUDIT_PRINT_ROWS of the sheet) as tall as its lines.
            index = done + n - first - 1  # the row's place among the file's rows
            lines = prepared.lines[index] if index < len(prepared.lines) else 1
            if lines > 1 and n - 1 <= AUDIT_PRINT_ROWS and row:
                row = row.replace(attributes, _row_attributes(ws, _row_pixels(lines)), 1)
            numbered.append(row)
        data = b"".join(numbered).replace(attributes, self._attributes)
        if prepared.wrapped:
            data = data.replace(WRAP.encode(), b"%d" % self._wrap._get_xf_index())
        if prepared.quoted:
            # Its style number is given at its first use, as xlsxwriter gives it.
            quoted = self.styles[0][1]._get_xf_index()
            data = data.replace(STYLE.encode(), b"%d" % quoted)
        ws.fh.flush()
        ws.fh.buffer.write(data)
        if filled:
            ws.previous_row = first + filled[-1]


@dataclass(frozen=True)
class _Height:
    """A row's height as xlsxwriter's set_row keeps it (its RowInfo)."""

    height: int
    row_format: Any = None
    hidden: bool = False
    level: int = 0
    collapsed: bool = False


def _row_attributes(ws: Any, pixels: int | None = None) -> bytes:
    """What xlsxwriter writes after a data row's number in its <row> tag (its height: the
    sheet's, or ``pixels`` as set_row_pixels gives it)."""
    saved, buffer = ws.fh, io.StringIO()
    ws.fh = buffer
    try:
        ws._write_row(1, None, None if pixels is None else _Height(pixels))
    finally:
        ws.fh = saved
    tag = buffer.getvalue()
    start = '<row r="2"'
    if not (tag.startswith(start) and tag.endswith(">")):  # pragma: no cover - checked above
        raise RuntimeError(f"unexpected xlsxwriter row tag: {tag!r}")
    return tag[len(start) : -1].encode("utf-8")
