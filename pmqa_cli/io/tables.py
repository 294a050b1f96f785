"""The one table reader: every CSV or XLSX input (registry, previous results, review, central
data, corrections) is read here, whole or refused.

A table is a header row (found among the top rows, by header text in Thai or English) and one
record a row. CSV text is UTF-8 (with or without BOM) or Thai Windows (cp874); its dialect
(comma, semicolon, tab) is sniffed. CSV cells are named as a spreadsheet would show them (B7),
so a finding points at the same place whichever way the file is opened. XLSX files go through
pmqa's own safe reader (docs/security.md).

Nothing is cut: a file over its kind's limits (:mod:`pmqa_cli.core.limits`: size, rows,
columns) is refused whole with ``input-over-limit``; anything but a regular file is refused by
``stat`` before it is opened. A CSV row with more or fewer fields than its header is a finding
(``table-row-fields``) and is never read by position; a row repeating an earlier one cell for
cell is noted once (``table-row-duplicate``) and counted once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.hashing import sha256_bytes
from pmqa_cli.core.limits import (
    InputKind,
    InputRefusedError,
    Limits,
    limits_for,
    over_limit,
    read_input,
)
from pmqa_cli.io.cells import Cell, column_letter
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.xlsx import HEADER_SEARCH_ROWS, WorkbookReadError, open_workbook

__all__ = [
    "Body",
    "RawSheet",
    "TableFile",
    "TableReadError",
    "cell_ref",
    "parse_table",
    "read_table_file",
]


class TableReadError(Exception):
    """The file cannot be read at all, or is refused whole.

    ``code`` is a finding code (``input-over-limit``, ``file-not-regular``), or empty when the
    file is simply unreadable: each caller then reports it with its own code (a review file's
    ``verify-file-unreadable``, a previous result's ``previous-unreadable``). ``detail`` says
    why in English and ``detail_th`` in Thai (empty: the English, quoted); ``params`` are the
    finding's parameters.
    """

    def __init__(self, code: str, detail: str = "", *, detail_th: str = "", **params: Any) -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.detail_th = detail_th or (f"'{detail}'" if detail else "")
        self.params = params

    def finding(self, own_code: str, file: str) -> Finding:
        """The finding for this refusal; ``own_code`` when the file is simply unreadable."""
        if self.code:
            return make_finding(self.code, file=file, **{"path": file, **self.params})
        return make_finding(own_code, file=file, detail=self.detail, detail_th=self.detail_th)


@dataclass(frozen=True)
class Body:
    """The rows below a header row that can be used, and findings about the others."""

    rows: list[tuple[int, dict[int, Cell]]]
    findings: list[Finding]


@dataclass
class RawSheet:
    """One sheet (a CSV file is one sheet with no name): its cells by row and column, and for
    CSV the number of fields each row has."""

    name: str
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)

    def ordered_rows(self) -> Iterator[tuple[int, dict[int, Cell]]]:
        """Rows in sheet order."""
        for number in sorted(self.rows):
            yield number, self.rows[number]

    def header(self, wanted: dict[str, set[str]]) -> tuple[int, dict[str, int], list[str]] | None:
        """The first top row with a known header: (row, key -> column, every header's text).

        ``wanted`` maps a column key to its normalised names; a row is a header row when at
        least two of its cells are known names.
        """
        for number, cells in self.ordered_rows():
            if number > HEADER_SEARCH_ROWS:
                break
            found: dict[str, int] = {}
            for col, cell in sorted(cells.items()):
                key = header_key(cell.value)
                for name, names in wanted.items():
                    if name not in found and key in names:
                        found[name] = col
                        break
            if len(found) >= 2:
                width = max(cells) if cells else 0
                texts = [
                    str(cells[c].value) if c in cells and cells[c].value is not None else ""
                    for c in range(1, width + 1)
                ]
                return number, found, texts
        return None

    def body(self, header_row: int, file: str, *, duplicates: bool = True) -> Body:
        """The rows below ``header_row`` that can be used, and a finding for every value that
        cannot, so nothing a person typed is dropped without a word:

        - a row with more or fewer fields than the header (CSV), or with a value right of the
          header's last column (a workbook), is left out with ``table-row-fields``;
        - a row that repeats the header row is left out with the note ``table-header-repeated``;
        - with ``duplicates``, a row that repeats an earlier one exactly is left out with the
          note ``table-row-duplicate``;
        - where two columns have the same header (the readers use the first), a row in which
          they differ is left out: one ``table-header-duplicate`` per pair of columns;
        - a column with values but no header is ``table-column-unnamed``, once.
        """
        shape = _Shape(self, header_row)
        where = _Where(file, self.name or None, header_row)
        rows: list[tuple[int, dict[int, Cell]]] = []
        findings: list[Finding] = []
        seen: dict[tuple[tuple[int, object], ...], int] = {}
        for number, cells in self.ordered_rows():
            if number <= header_row:
                continue
            extra = shape.extra_field(number, cells)
            if extra is not None:
                findings.append(where.finding("table-row-fields", number, **extra))
                continue
            if shape.is_header(cells):
                findings.append(where.finding("table-header-repeated", number))
                continue
            if duplicates:
                key = tuple((col, cell.value) for col, cell in sorted(cells.items()))
                if key in seen:
                    findings.append(where.finding("table-row-duplicate", number, first=seen[key]))
                    continue
                seen[key] = number
            if shape.twins_differ(number, cells):
                continue
            shape.note_unnamed(cells)
            rows.append((number, cells))
        return Body(rows, findings + shape.findings(where))


def _blank(cell: Cell | None) -> bool:
    return (
        cell is None
        or cell.value is None
        or (isinstance(cell.value, str) and not cell.value.strip())
    )


@dataclass(frozen=True)
class _Where:
    """Where a table's findings point: the file, the sheet, the header row."""

    file: str
    sheet: str | None
    header_row: int

    def finding(self, code: str, row: int, cell: str | None = None, **params: Any) -> Finding:
        return make_finding(
            code,
            file=self.file,
            sheet=self.sheet,
            cell=cell or f"A{row}",
            row=row,
            header_row=self.header_row,
            **params,
        )


class _Shape:
    """A table's header row as the rows below it are checked against it: its width, its
    texts, the columns that share a header and the columns that have none."""

    def __init__(self, sheet: RawSheet, header_row: int) -> None:
        self.widths = sheet.widths
        header = {c: cell for c, cell in sheet.rows.get(header_row, {}).items() if not _blank(cell)}
        self.expected = sheet.widths.get(header_row)
        self.last = max(header, default=0)  # a workbook's: the header's last named column
        self.keys = {c: header_key(cell.value) or str(cell.value) for c, cell in header.items()}
        first: dict[str, int] = {}
        self.twins: list[tuple[int, int]] = []
        for col, key in sorted(self.keys.items()):
            if key in first:
                self.twins.append((first[key], col))
            else:
                first[key] = col
        self.headers = {c: str(cell.value) for c, cell in header.items()}
        self.differ: dict[tuple[int, int], list[int]] = {}
        self.unnamed: dict[int, str] = {}

    def extra_field(self, number: int, cells: dict[int, Cell]) -> dict[str, Any] | None:
        """The ``table-row-fields`` parameters when the row does not fit the header row."""
        if self.widths:  # CSV: every row's field count
            width = self.widths.get(number)
            if self.expected is None or width is None or width == self.expected:
                return None
            return {
                "count": width,
                "expected": self.expected,
                "last": f"{column_letter(width)}{number}",
            }
        beyond = sorted(c for c, cell in cells.items() if c > self.last and not _blank(cell))
        if not beyond or not self.last:
            return None
        return {
            "cell": f"{column_letter(beyond[0])}{number}",
            "count": beyond[-1],
            "expected": self.last,
            "last": f"{column_letter(beyond[-1])}{number}",
        }

    def is_header(self, cells: dict[int, Cell]) -> bool:
        """Whether the row repeats the header row's texts, column for column."""
        texts = {
            c: header_key(cell.value) or str(cell.value)
            for c, cell in cells.items()
            if not _blank(cell)
        }
        return len(self.keys) >= 2 and texts == self.keys

    def twins_differ(self, number: int, cells: dict[int, Cell]) -> bool:
        """Whether two columns with one header hold different values in this row."""
        found = False
        for pair in self.twins:
            one, other = (cells.get(c) for c in pair)
            if not _blank(other) and (_blank(one) or one.value != other.value):  # type: ignore[union-attr]
                self.differ.setdefault(pair, []).append(number)
                found = True
        return found

    def note_unnamed(self, cells: dict[int, Cell]) -> None:
        """Remember the first value of each column without a header."""
        for col, cell in cells.items():
            if col not in self.keys and col not in self.unnamed and not _blank(cell):
                if not self.widths and col > self.last:
                    continue  # a workbook's: table-row-fields already
                self.unnamed[col] = cell.ref

    def findings(self, where: _Where) -> list[Finding]:
        """One finding per pair of same-named columns that differ, per unnamed column."""
        found = []
        for (one, other), rows in sorted(self.differ.items()):
            found.append(
                where.finding(
                    "table-header-duplicate",
                    rows[0],
                    f"{column_letter(other)}{rows[0]}",
                    first_column=column_letter(one),
                    column=column_letter(other),
                    header=self.headers[other],
                    count=len(rows),
                )
            )
        for col, first in sorted(self.unnamed.items()):
            row = int("".join(ch for ch in first if ch.isdigit()))
            found.append(
                where.finding(
                    "table-column-unnamed", row, first, column=column_letter(col), first=first
                )
            )
        return found


@dataclass
class TableFile:
    """A file read as tables: its path, SHA-256 and sheets."""

    path: Path
    sha256: str
    sheets: list[RawSheet]


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise TableReadError(
        "",
        "not a CSV table in UTF-8 or Thai Windows (cp874) text",
        detail_th="ไม่ใช่ตาราง CSV ที่เป็นข้อความ UTF-8 หรือภาษาไทยแบบ Windows (cp874)",
    )


def _csv_sheet(path: Path, data: bytes, kind: InputKind, limits: Limits) -> RawSheet:
    text = _csv_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    sheet = RawSheet("")
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > limits.max_rows:
                raise _refused(path, kind, "max_rows", "> " + f"{limits.max_rows:,}", limits)
            if len(row) > limits.max_columns:
                raise _refused(path, kind, "max_columns", f"{len(row):,}", limits)
            if row:
                sheet.widths[number] = len(row)
            cells = {
                col: Cell(number, col, value, "s")
                for col, value in enumerate(row, start=1)
                if value.strip()
            }
            if cells:
                sheet.rows[number] = cells
    except csv.Error as exc:
        raise TableReadError(
            "", f"not a CSV table: {exc}", detail_th=f"ไม่ใช่ตาราง CSV ('{exc}')"
        ) from None
    return sheet


def _refused(path: Path, kind: InputKind, setting: str, found: str, limits: Limits) -> Exception:
    limit = f"{getattr(limits, setting):,}"
    refusal = over_limit(path, kind, setting, found, limit)
    return TableReadError(refusal.code, refusal.detail, **refusal.params)


def _xlsx_sheets(path: Path, kind: InputKind, limits: Limits) -> list[RawSheet]:
    sheets: list[RawSheet] = []
    try:
        with open_workbook(path, limits, kind) as book:
            for name in book.sheet_names:
                sheet = book.sheet(name)
                if sheet is None or sheet.hidden:
                    continue
                if sheet.over_limit:
                    setting = "max_" + sheet.over_limit
                    found = f"> {getattr(limits, setting):,}"
                    raise _refused(path, kind, setting, found, limits)
                sheets.append(RawSheet(name, sheet.rows))
    except WorkbookReadError as exc:
        if exc.code == "file-not-regular":
            raise TableReadError(exc.code, exc.detail, **exc.params) from None
        raise TableReadError("", exc.detail or exc.code) from None
    return sheets


def read_table_file(
    path: Path, kind: InputKind = InputKind.REVIEW, limits: Limits | None = None
) -> TableFile:
    """Read a CSV or XLSX file (recognised by its content: a workbook by any name is read as
    one, but a file named .xlsx that is not one is refused, never read as text) whole into sheets,
    within ``limits`` (by default the kind's, :func:`~pmqa_cli.core.limits.limits_for`).

    Hidden sheets are skipped. Raises :class:`TableReadError` for a file that cannot be read
    or is refused.
    """
    limits = limits or limits_for(kind)
    try:
        data = read_input(path, kind, limits)
    except InputRefusedError as exc:
        raise TableReadError(exc.code, exc.detail, **exc.params) from None
    except OSError as exc:
        raise TableReadError("", exc.strerror or str(exc)) from None
    return parse_table(path, data, kind, limits)


#: Names that promise a workbook: a file so named must be one (never read as CSV text).
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def parse_table(path: Path, data: bytes, kind: InputKind, limits: Limits) -> TableFile:
    """A file's bytes, already read whole (:func:`~.files.read_input`), as tables: a zip is
    opened as a workbook, anything else is CSV text."""
    sha = sha256_bytes(data)
    if data[:4] != b"PK\x03\x04":
        if path.suffix.casefold() in _WORKBOOK_SUFFIXES:
            # Named a workbook but not one (a renamed CSV, a web page saved as .xlsx, a broken
            # download): read as text it could only be guessed at.
            raise TableReadError(
                "",
                f"named {path.suffix} but it is not an Excel workbook: open it and save it "
                "again as Excel Workbook (.xlsx), or name it .csv if it is CSV",
                detail_th=f"ชื่อไฟล์เป็น {path.suffix} แต่ไม่ใช่ไฟล์ Excel เปิดแล้วบันทึกใหม่เป็น "
                "Excel Workbook (.xlsx) หรือเปลี่ยนชื่อเป็น .csv ถ้าเป็นไฟล์ CSV",
            )
        return TableFile(path, sha, [_csv_sheet(path, data, kind, limits)])
    return TableFile(path, sha, _xlsx_sheets(path, kind, limits))


def cell_ref(cells: dict[int, Cell], col: int, row: int) -> str:
    """The A1 reference of a column in a row, whether or not the cell holds anything."""
    cell = cells.get(col)
    return cell.ref if cell is not None else f"{column_letter(col)}{row}"
