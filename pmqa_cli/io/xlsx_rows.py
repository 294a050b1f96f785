"""A worksheet part streamed row by row into a :class:`Sheet` (used by :mod:`pmqa_cli.io.xlsx`):
no tree is built, rows past the limit or past the last row wanted are not read, and once the
header row is known only its columns are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pmqa_cli.core.limits import Limits
from pmqa_cli.io.cells import Cell, ref_to_rc
from pmqa_cli.io.xlsx_archive import Archive, RowLimitError, bare_name, expat_parser
from pmqa_cli.io.xlsx_styles import CellDecoder

__all__ = ["HEADER_SEARCH_ROWS", "HeaderWatch", "Sheet", "read_rows"]

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30

#: Shown each of a sheet's first rows; returns the columns to keep once it has found the header.
HeaderWatch = Callable[[dict[int, Cell]], set[int] | None]


@dataclass
class Sheet:
    """One worksheet's non-empty cells, by row then column."""

    name: str
    hidden: bool
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    over_limit: str = ""  # "rows" or "columns": the sheet was not read whole

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), or None when it is empty."""
        return self.rows.get(row, {}).get(col)

    def ordered_rows(self) -> Iterator[tuple[int, dict[int, Cell]]]:
        """Rows in sheet order."""
        for number in sorted(self.rows):
            yield number, self.rows[number]


def read_rows(
    archive: Archive,
    part: str,
    sheet: Sheet,
    decoder: CellDecoder,
    limits: Limits,
    header: HeaderWatch | None,
    last_row: int | None,
) -> None:
    """Stream the worksheet ``part`` into ``sheet``'s rows (see :meth:`Workbook.sheet
    <pmqa_cli.io.xlsx.Workbook.sheet>` for ``header`` and ``last_row``). The handlers are
    closures over plain locals: this is the hot loop of reading a submission."""
    rows = sheet.rows
    buffer: list[str] = []
    inline: list[str] = []
    # The cell being read: [row, col, type, style, value, formula, inline, capture, phonetic]
    cur: list[Any] = [0, 0, "n", None, None, False, False, None, False]
    position = {"row": 0, "col": 1}
    keep: set[int] | None = None
    watching = header is not None

    def start(tag: str, attrs: dict[str, str]) -> None:
        if ":" in tag:
            tag = bare_name(tag)
        if tag == "c":
            ref = attrs.get("r")
            rc = ref_to_rc(ref) if ref else None
            row, col = rc if rc else (position["row"], position["col"])
            position["col"] = col + 1
            if keep is not None and col not in keep:
                col = 0  # not wanted: read past it
            cur[0:9] = [row, col, attrs.get("t", "n"), attrs.get("s"), None, False, False,
                        None, False]  # fmt: skip
        elif tag == "row":
            r = attrs.get("r")
            position["row"] = int(r) if r and r.isdigit() else position["row"] + 1
            position["col"] = 1
            if last_row is not None and position["row"] > last_row:
                raise RowLimitError  # the rest is not wanted
            if position["row"] > limits.max_rows:
                sheet.over_limit = "rows"
                raise RowLimitError
        elif cur[1] == 0:
            return  # inside a cell that is not wanted
        elif tag == "v":
            cur[7] = "v"
            buffer.clear()
        elif tag == "f":
            cur[5] = True
        elif tag == "is":
            cur[6] = True
            inline.clear()
        elif tag == "t" and cur[6] and not cur[8]:
            cur[7] = "t"
            buffer.clear()
        elif tag == "rPh":
            cur[8] = True

    def end(tag: str) -> None:
        nonlocal keep, watching
        if ":" in tag:
            tag = bare_name(tag)
        if tag == "row":
            if watching and header is not None:
                if position["row"] > HEADER_SEARCH_ROWS:
                    watching = False
                else:
                    keep = header(rows.get(position["row"], {}))
                    watching = keep is None
            return
        if tag == "c":
            row, col = cur[0], cur[1]
            if col == 0:
                return
            if col > limits.max_columns:
                sheet.over_limit = "columns"
                return
            raw_inline = "".join(inline) if cur[6] else None
            cell = decoder.make_cell(row, col, cur[2], cur[3], cur[4], cur[5], raw_inline)
            if cell is not None:
                rows.setdefault(row, {})[col] = cell
        elif tag == "v":
            cur[4] = "".join(buffer)
            cur[7] = None
        elif tag == "t" and cur[7] == "t":
            inline.append("".join(buffer))
            cur[7] = None
        elif tag == "rPh":
            cur[8] = False

    def text(data: str) -> None:
        if cur[7] is not None:
            buffer.append(data)

    archive.stream(part, expat_parser(start, end, text))
