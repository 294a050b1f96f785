"""Reading a sheet of a submission: headers found by their text, rows by item id, and every
cell's own state (a formula without a value, an error, text cut at the limit) as a finding.

:class:`SheetReader` holds what every sheet reader shares: the submission being filled in, its
findings, and the items whose cell already has a finding (never reported twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.assess.submission import Submission, ValueRead
from pmqa_cli.core.findings import make_finding
from pmqa_cli.io.layout import (
    Column,
    columns_by_name,
    header_key,
)
from pmqa_cli.io.values import (
    clean_text,
    code_text,
    is_blank,
    plain,
)
from pmqa_cli.io.xlsx import (
    HEADER_SEARCH_ROWS,
    Cell,
    Limits,
    Sheet,
    column_letter,
)
from pmqa_cli.rubric.model import Rubric

__all__ = ["SheetReader", "cell_ref", "display", "wanted_columns"]


@dataclass(frozen=True)
class _Header:
    """What a header row says: the column of each known header, and what is not clear."""

    row: int
    columns: dict[str, int]  # column key -> the one column with that header
    ambiguous: dict[str, list[int]]  # column key -> every column with that header (2 or more)
    unknown: list[int]  # columns whose header is no known column's


def _match_header(row: int, cells: dict[int, Cell], columns: tuple[Column, ...]) -> _Header | None:
    """The header if this row is the header row (it names every required column)."""
    matches: dict[str, list[int]] = {}
    unknown: list[int] = []
    by_name = columns_by_name(columns)
    for col in sorted(cells):
        key = header_key(cells[col].value)
        if not key:
            continue
        column = by_name.get(key)
        if column is None:
            unknown.append(col)
        else:
            matches.setdefault(column.key, []).append(col)
    if not all(c.key in matches for c in columns if c.required):
        return None
    return _Header(
        row,
        {key: cols[0] for key, cols in matches.items() if len(cols) == 1},
        {key: cols for key, cols in matches.items() if len(cols) > 1},
        unknown,
    )


def wanted_columns(columns: tuple[Column, ...]) -> Callable[[dict[int, Cell]], set[int] | None]:
    """For the reader: once the header row is seen, keep only the columns pmqa reads (never an
    ambiguous one)."""
    read = {c.key for c in columns if c.read}

    def check(cells: dict[int, Cell]) -> set[int] | None:
        found = _match_header(0, cells, columns)
        return None if found is None else {c for k, c in found.columns.items() if k in read}

    return check


def _find_header(sheet: Sheet, columns: tuple[Column, ...]) -> _Header | None:
    """The header row and column index of each known column, searching the top rows."""
    for row_number, cells in sheet.ordered_rows():
        if row_number > HEADER_SEARCH_ROWS:
            break
        found = _match_header(row_number, cells, columns)
        if found is not None:
            return found
    return None


def _best_header_guess(sheet: Sheet, columns: tuple[Column, ...]) -> set[str]:
    """The column keys of the top row that matches the most headers (to name what is missing)."""
    best: set[str] = set()
    for row_number, cells in sheet.ordered_rows():
        if row_number > HEADER_SEARCH_ROWS:
            break
        keys = {header_key(c.value) for c in cells.values()}
        found = {column.key for column in columns if keys & column.names()}
        if len(found) > len(best):
            best = found
    return best


def display(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    if isinstance(cell.value, datetime):
        return cell.value.isoformat(sep=" ")
    if isinstance(cell.value, Decimal):
        return plain(cell.value)
    return str(cell.value)


class SheetReader:
    """Reads the sheets of one workbook into a Submission, collecting findings as it goes."""

    def __init__(self, path: Path, rubric: Rubric, limits: Limits) -> None:
        self.path = path
        self.file = str(path)
        self.rubric = rubric
        self.limits = limits
        self.sub = Submission(path)
        self.bad_cells = self.sub.bad_items
        self.office_cells: dict[str, str | None] = {}

    def finding(self, code: str, **kwargs: Any) -> None:
        self.sub.findings.append(make_finding(code, file=self.file, **kwargs))

    def check_cell(self, sheet: str, cell: Cell | None, item_id: str | None) -> bool:
        """Findings for a cell's own state; False when its value cannot be used."""
        if cell is None:
            return True
        if cell.truncated_from:
            self.finding(
                "text-too-long",
                sheet=sheet,
                cell=cell.ref,
                item_id=item_id,
                length=cell.truncated_from,
                limit=self.limits.max_text_length,
            )
        if cell.kind == "f":
            self.finding("formula-no-value", sheet=sheet, cell=cell.ref, item_id=item_id)
        elif cell.kind == "e":
            self.finding(
                "cell-error", sheet=sheet, cell=cell.ref, item_id=item_id, value=cell.value
            )
        else:
            return True
        if item_id:
            self.bad_cells.add(item_id)
        return False

    def header(
        self, sheet: Sheet, columns: tuple[Column, ...]
    ) -> tuple[int, dict[str, int]] | None:
        """The header row and the column of each known header. Findings: header-missing when
        there is no header row, header-ambiguous for a header two or more columns share (none
        of them is read; None when it is a required column), header-unknown for the others."""
        header = _find_header(sheet, columns)
        if header is None:
            best = _best_header_guess(sheet, columns)
            for column in columns:
                if column.required and column.key not in best:
                    self.finding(
                        "header-missing",
                        sheet=sheet.name,
                        header=column.header.splitlines()[0],
                    )
            return None
        for column in columns:
            shared = header.ambiguous.get(column.key)
            if shared:
                self.finding(
                    "header-ambiguous",
                    sheet=sheet.name,
                    cell=f"{column_letter(shared[0])}{header.row}",
                    header=column.header.splitlines()[0],
                    columns=", ".join(column_letter(c) for c in shared),
                )
        for col in header.unknown:
            cell = sheet.cell(header.row, col)
            self.finding(
                "header-unknown",
                sheet=sheet.name,
                cell=f"{column_letter(col)}{header.row}",
                column=column_letter(col),
                header=display(cell).splitlines()[0] if cell else "",
            )
        if sheet.over_limit:
            self.finding(
                "sheet-too-large",
                sheet=sheet.name,
                limit=f"{self.limits.max_rows:,}/{self.limits.max_columns:,}",
            )
        if any(c.required and c.key in header.ambiguous for c in columns):
            return None  # the ids or the answers cannot be told apart: nothing is read
        return header.row, header.columns

    def item_rows(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        known: Iterable[str],
        required: set[str] | None = None,
    ) -> tuple[dict[str, int], dict[str, dict[int, Cell]]] | None:
        """Column map and the row of cells for each known item id found in the sheet.

        A known item with no row is an error when it is ``required`` (default: all of them).
        """
        header = self.header(sheet, columns)
        if header is None:
            return None
        header_row, cols = header
        known_ids = set(known)
        rows: dict[str, dict[int, Cell]] = {}
        first_seen: dict[str, str] = {}
        for row_number, cells in sheet.ordered_rows():
            if row_number <= header_row:
                continue
            id_cell = cells.get(cols["id"])
            item_id = code_text(id_cell.value) if id_cell else ""
            if not item_id or id_cell is None:
                continue
            if item_id in rows:
                self.finding(
                    "item-duplicate",
                    sheet=sheet.name,
                    cell=id_cell.ref,
                    item_id=item_id,
                    first=first_seen[item_id],
                )
                continue
            if item_id not in known_ids:
                self.finding("item-unknown", sheet=sheet.name, cell=id_cell.ref, item_id=item_id)
                continue
            rows[item_id] = cells
            first_seen[item_id] = id_cell.ref
        for item_id in known:
            if item_id not in rows and (required is None or item_id in required):
                self.finding("item-missing", sheet=sheet.name, item_id=item_id)
                self.bad_cells.add(item_id)
        return cols, rows

    def record(self, sheet: str, cell: Cell | None, item_id: str, name: str, value: Any) -> None:
        if cell is not None:
            self.sub.values.append(ValueRead(sheet, cell.ref, item_id, name, display(cell), value))

    def text(self, sheet: str, cell: Cell | None, item_id: str, name: str) -> str:
        """A free-text cell (evidence, note): "-" and ไม่มี mean nothing."""
        if cell is None or not self.check_cell(sheet, cell, None) or is_blank(cell.value):
            return ""
        value = clean_text(display(cell))
        self.record(sheet, cell, item_id, name, value)
        return value


def cell_ref(col: int, cells: dict[int, Cell]) -> str:
    row = next(iter(cells.values())).row
    return f"{column_letter(col)}{row}"
