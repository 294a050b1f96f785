"""Tables of rows from a CSV or XLSX file, every value with the sheet, row and cell it came from.

Review, central-data and correction files are all such tables: a header row (found among the
top rows, by header text in Thai or English) and one record a row. CSV cells are named as a
spreadsheet would show them (B7), so a finding points at the same place whichever way the file
is opened. XLSX files go through pmqa's own safe reader (docs/security.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pmqa_cli.core.hashing import sha256_bytes
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.xlsx import (
    HEADER_SEARCH_ROWS,
    Cell,
    Limits,
    WorkbookReadError,
    column_letter,
    open_workbook,
)

__all__ = ["RawSheet", "TableFile", "TableReadError", "cell_ref", "read_table_file"]


class TableReadError(Exception):
    """The file cannot be read at all; ``code`` is a finding code, ``detail`` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


@dataclass
class RawSheet:
    """One sheet (a CSV file is one sheet with no name): its cells by row and column."""

    name: str
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)

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


@dataclass
class TableFile:
    """A file read as tables: its path, SHA-256 and sheets."""

    path: Path
    sha256: str
    sheets: list[RawSheet]


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableReadError("verify-file-unreadable", "not UTF-8 or Thai Windows (cp874) text")


def _csv_sheet(data: bytes) -> RawSheet:
    text = _csv_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    sheet = RawSheet("")
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = {
            col: Cell(number, col, value, "s")
            for col, value in enumerate(row, start=1)
            if value.strip()
        }
        if cells:
            sheet.rows[number] = cells
    return sheet


def read_table_file(path: Path, limits: Limits | None = None) -> TableFile:
    """Read a CSV or XLSX file (recognised by its content, not its name) into sheets.

    Hidden sheets are skipped. Raises :class:`TableReadError` for a file that cannot be read.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableReadError("verify-file-unreadable", exc.strerror or str(exc)) from None
    sha = sha256_bytes(data)
    if data[:4] != b"PK\x03\x04":
        return TableFile(path, sha, [_csv_sheet(data)])
    sheets: list[RawSheet] = []
    try:
        with open_workbook(path, limits) as book:
            for name in book.sheet_names:
                sheet = book.sheet(name)
                if sheet is None or sheet.hidden:
                    continue
                sheets.append(RawSheet(name, sheet.rows))
    except WorkbookReadError as exc:
        raise TableReadError("verify-file-unreadable", exc.detail or exc.code) from None
    return TableFile(path, sha, sheets)


def cell_ref(cells: dict[int, Cell], col: int, row: int) -> str:
    """The A1 reference of a column in a row, whether or not the cell holds anything."""
    cell = cells.get(col)
    return cell.ref if cell is not None else f"{column_letter(col)}{row}"
