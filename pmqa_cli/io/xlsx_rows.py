"""A worksheet part streamed row by row into a :class:`Sheet` (used by :mod:`pmqa_cli.io.xlsx`):
no tree is built, rows past the limit or past the last row wanted are not read, and once the
header row is known only its columns are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

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
    <pmqa_cli.io.xlsx.Workbook.sheet>` for ``header`` and ``last_row``).

    This is the hot loop of reading a submission: the handlers are closures over plain locals,
    and text is handed over by expat only while a value or an inline string's text is being
    captured (the long texts of the columns not kept, and formulas, are never decoded)."""
    rows = sheet.rows
    buffer: list[str] = []
    inline: list[str] = []
    # The cell being read: where, its type and style, cached value, formula and inline flags.
    row = col = 0
    kind: str = "n"
    style: str | None = None
    raw: str | None = None
    formula = is_inline = phonetic = False
    capture: str | None = None  # "v" or "t" while that element's text is being captured
    # Where the next row and cell are when the file does not say.
    at_row, at_col = 0, 1
    keep: set[int] | None = None
    watching = header is not None

    def capturing(what: str | None) -> None:
        nonlocal capture
        capture = what
        parser.CharacterDataHandler = None if what is None else buffer.append

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, kind, style, raw, formula, is_inline, phonetic, at_row, at_col
        if ":" in tag:
            tag = bare_name(tag)
        if tag == "c":
            ref = attrs.get("r")
            rc = ref_to_rc(ref) if ref else None
            row, col = rc if rc else (at_row, at_col)
            at_col = col + 1
            if keep is not None and col not in keep:
                col = 0  # not wanted: read past it
            kind, style = attrs.get("t", "n"), attrs.get("s")
            raw, formula, is_inline, phonetic = None, False, False, False
            if capture is not None:
                capturing(None)
        elif tag == "row":
            r = attrs.get("r")
            at_row = int(r) if r and r.isdecimal() else at_row + 1
            at_col = 1
            if last_row is not None and at_row > last_row:
                raise RowLimitError  # the rest is not wanted
            if at_row > limits.max_rows:
                sheet.over_limit = "rows"
                raise RowLimitError
        elif col == 0:
            return  # inside a cell that is not wanted
        elif tag == "v":
            buffer.clear()
            capturing("v")
        elif tag == "f":
            formula = True
        elif tag == "is":
            is_inline = True
            inline.clear()
        elif tag == "t" and is_inline and not phonetic:
            buffer.clear()
            capturing("t")
        elif tag == "rPh":
            phonetic = True

    def end(tag: str) -> None:
        nonlocal keep, watching, raw, phonetic
        if ":" in tag:
            tag = bare_name(tag)
        if tag == "row":
            if watching and header is not None:
                if at_row > HEADER_SEARCH_ROWS:
                    watching = False
                else:
                    keep = header(rows.get(at_row, {}))
                    watching = keep is None
            return
        if tag == "c":
            if col == 0:
                return
            if col > limits.max_columns:
                sheet.over_limit = "columns"
                return
            raw_inline = "".join(inline) if is_inline else None
            cell = decoder.make_cell(row, col, kind, style, raw, formula, raw_inline)
            if cell is not None:
                rows.setdefault(row, {})[col] = cell
        elif tag == "v":
            raw = "".join(buffer)
            capturing(None)
        elif tag == "t" and capture == "t":
            inline.append("".join(buffer))
            capturing(None)
        elif tag == "rPh":
            phonetic = False

    parser = expat_parser(start, end, None)
    archive.stream(part, parser)
