"""results.xlsx's audit trail (ข้อมูลนำเข้า): every value read, one row each, prepared in the
batch's workers.

The audit trail is most of results.xlsx (about 110 rows of 8 cells per office). Writing it cell
by cell through xlsxwriter cost the batch's parent more than anything else, while the workers
waited for it. So each worker renders its office's rows as the sheet's XML itself
(:class:`AuditRows`, the same bytes xlsxwriter writes in constant-memory mode), leaving three
marks the parent fills in: the row number, the row's attributes and the style of text that
starts like a formula. The parent (:class:`AuditTrail`) numbers the rows and appends them to
the sheet's row file. Where xlsxwriter does not keep its rows as this module expects (another
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
from pmqa_cli.report.outputs import MAX_CELL_TEXT
from pmqa_cli.report.result_tables import INPUT_COLUMNS, INPUTS_SHEET, InputRow
from pmqa_cli.report.tables import Formats, Table, table_sheet, write_row

__all__ = ["MAX_SHEET_ROWS", "AuditRows", "AuditTrail", "Rows"]

MAX_SHEET_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows; the audit trail splits before it

ROW = "\x00"  # the row number (control characters never reach the XML: they are escaped)
STYLE = "\x01"  # the style index of text that starts like a formula (quoted)
ATTRIBUTES = "\x02"  # the row's attributes (its height)
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


#: Text that needs more than wrapping: escapes, a kept space at either end, xlsxwriter's
#: rich-string form, a cut at its length cap.
_SPECIAL = re.compile(r'[\x00-\x08\x0b-\x1f\ufffe\uffff"&<>\n]|_x[0-9a-fA-F]{4}_|^\s|\s$|^<r>')


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
    if text.startswith("<r>") and text.endswith("</r>"):  # xlsxwriter's rich string, as is
        return f' t="inlineStr"><is>{text}</is></c>'
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


@dataclass(frozen=True)
class AuditRows:
    """Renders one file's audit-trail rows (in a batch worker; picklable, so sent there).

    Every column of the audit trail is text (no style), as :func:`.tables.write_row` writes
    it: text that starts like a formula is quoted, empty text and what is no number are left
    out, numbers are numbers."""

    def __call__(self, file: str, sha256: str, values: Sequence[ValueRead]) -> Rows:
        name = Path(file).name
        getters = [c.value for c in INPUT_COLUMNS]
        letters = [_LETTERS[n] + ROW for n in range(len(getters))]
        first, last, quoted = len(getters), -1, False
        rows: list[bytes] = []
        width = len(getters)
        for value in values:
            record = InputRow(name, sha256, value)
            cells = [f'<row r="{ROW}"{ATTRIBUTES}>']
            for col, get in enumerate(getters):
                cell = get(record)
                if isinstance(cell, Decimal):
                    cell = float(cell)  # as write_row: a value as read
                if isinstance(cell, str):
                    text = cell[:MAX_CELL_TEXT]
                    if text.startswith(FORMULA_START):
                        cells.append(f'<c r="{letters[col]}" s="{STYLE}"{_inline(text)}')
                        quoted = True
                    elif text:
                        cells.append(f'<c r="{letters[col]}"{_inline(text)}')
                    else:
                        continue
                elif isinstance(cell, bool):
                    cells.append(f'<c r="{letters[col]}" t="b"><v>{int(cell)}</v></c>')
                elif isinstance(cell, (int, float)) and math.isfinite(cell):
                    cells.append(f'<c r="{letters[col]}"><v>{cell:.16G}</v></c>')
                else:
                    continue
                first, last = min(first, col), max(last, col)
            if len(cells) == 1:
                rows.append(b"")
                continue
            cells.append("</row>")
            rows.append("".join(cells).encode("utf-8"))
        return Rows(rows, first if last >= 0 else width, last, quoted)


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
        for v in values:
            ws = self._sheet()
            self.rows += 1
            row = (self.rows - 1) % MAX_SHEET_ROWS + 1
            record = InputRow(name, sha256, v)
            write_row(ws, row, [get(record) for get in getters], self.styles)

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
            self._append(ws, first, rows[done : done + count], prepared)
            done += count
            self.rows += count

    def _append(self, ws: Any, first: int, rows: list[bytes], prepared: Rows) -> None:
        """Rows ``first``.. of a sheet, as xlsxwriter would have written them."""
        filled = [n for n, row in enumerate(rows) if row]
        if filled:
            # As xlsxwriter: the row before (the header) goes out when a later row has a cell;
            # the dimension grows to the last row with a cell.
            ws._write_single_row(first + filled[0])
            ws._check_dimensions(first + filled[-1], prepared.first_column)
            ws._check_dimensions(first + filled[-1], prepared.last_column)
        if not self._attributes:
            self._attributes = _row_attributes(ws)
        data = b"".join([row.replace(b"\x00", b"%d" % n) for n, row in
                         enumerate(rows, start=first + 1)])  # fmt: skip
        data = data.replace(ATTRIBUTES.encode(), self._attributes)
        if prepared.quoted:
            # Its style number is given at its first use, as xlsxwriter gives it.
            quoted = self.styles[0][1]._get_xf_index()
            data = data.replace(STYLE.encode(), b"%d" % quoted)
        ws.fh.flush()
        ws.fh.buffer.write(data)
        if filled:
            ws.previous_row = first + filled[-1]


def _row_attributes(ws: Any) -> bytes:
    """What xlsxwriter writes after a data row's number in its <row> tag (its height)."""
    saved, buffer = ws.fh, io.StringIO()
    ws.fh = buffer
    try:
        ws._write_row(1, None)
    finally:
        ws.fh = saved
    tag = buffer.getvalue()
    start = '<row r="2"'
    if not (tag.startswith(start) and tag.endswith(">")):  # pragma: no cover - checked above
        raise RuntimeError(f"unexpected xlsxwriter row tag: {tag!r}")
    return tag[len(start) : -1].encode("utf-8")
