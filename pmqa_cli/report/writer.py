"""Writing workbooks safely: text stays text, Thai fonts, atomic and reproducible files.

Every workbook pmqa writes goes through :func:`put` for its cells and :func:`save_atomic` for the
file, so no text from a submission can become a formula, a crash never leaves a half-written
file, and with ``SOURCE_DATE_EPOCH`` set the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.io.mark import CREATOR, Kind, mark_properties
from pmqa_cli.report.outputs import (
    FONT_NAME,
    FONT_SIZE,
    MAX_CELL_TEXT,
    output_timestamp,
    safe_text,
    write_bytes_atomic,
)
from pmqa_cli.report.printing import (
    MARK_SIZE,
    SIDE_MARGIN,
    TOP_BOTTOM_MARGIN,
    PageMarks,
    excel_column_points,
    fitted_scale,
    mark_size,
    printable_area,
)
from pmqa_cli.report.text_width import (
    UNIT_POINTS,
    break_at_spaces,
    line_height,
    row_height,
    text_lines,
)

__all__ = [
    "FONT_NAME",
    "FONT_SIZE",
    "INPUT_FILL",
    "MAX_CELL_TEXT",
    "body_font",
    "break_at_spaces",
    "fit_one_page",
    "fit_row_height",
    "header_style",
    "keep_together",
    "mark",
    "mark_pages",
    "output_timestamp",
    "put",
    "safe_text",
    "save_atomic",
    "setup_page",
    "style_cell",
    "text_lines",
    "thin_border",
    "write_bytes_atomic",
]

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="E2EFDA")
_THIN = Side(style="thin", color="A6A6A6")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


@lru_cache
def body_font(*, bold: bool = False, size: int = FONT_SIZE, color: str | None = None) -> Font:
    """The document font (TH Sarabun New, 16 pt by default); one shared object per style
    (openpyxl's style objects cannot be changed in place)."""
    return Font(name=FONT_NAME, size=size, bold=bold, color=color)


@lru_cache
def thin_border() -> Border:
    """A light grid line around a cell (one shared object)."""
    return Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def put(ws: Worksheet, row: int, col: int, value: Any, **style: Any) -> Cell:
    """Write a value; strings are always stored as literal text, never as formulas.

    ``style`` sets cell attributes (font, fill, alignment, border, number_format, protection).
    """
    cell = ws.cell(row=row, column=col)
    assert isinstance(cell, Cell), "pmqa never writes into a merged cell's hidden part"
    if "font" not in style:
        style["font"] = body_font()
    style_cell(cell, **style)
    if isinstance(value, str):
        cell.value = safe_text(value)
        # openpyxl stores any str starting with "=" as a formula; force the string type.
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            # Keep it text in Excel even when someone edits the cell.
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def style_cell(cell: Cell, **style: Any) -> None:
    """Apply cell attributes, reusing what an equal set of style objects gave before.

    openpyxl files each font, border and alignment assigned into the workbook's style tables
    by hashing and comparing the objects, which was most of the time of writing a feedback
    workbook. The same style objects (``body_font()`` and ``thin_border()`` are shared) give
    the same style entry, so it is looked up once per workbook and copied after that.
    """
    workbook: Any = cell.parent.parent
    cache: dict[tuple[tuple[str, int], ...], tuple[Any, tuple[Any, ...]]] | None = getattr(
        workbook, "_pmqa_styles", None
    )
    if cache is None:
        cache = {}
        workbook._pmqa_styles = cache
    # Keyed by the objects' identities; the entry keeps the objects alive so that no other
    # object can take over an identity while the workbook is being written.
    key = tuple((name, id(setting)) for name, setting in style.items())
    hit = cache.get(key)
    if hit is not None:
        cell._style = copy(hit[0])  # type: ignore[attr-defined]
        return
    for name, setting in style.items():
        setattr(cell, name, setting)
    cache[key] = (copy(cell._style), tuple(style.values()))  # type: ignore[attr-defined]


LINE_HEIGHT = line_height(FONT_SIZE)  # points, one line of 16 pt Thai text


def fit_row_height(ws: Worksheet, row: int, widths: dict[int, float]) -> None:
    """Set a row's height to show all of its wrapped text, each cell at its own font size.

    ``widths``: the columns whose text decides the height, each with the width it wraps in
    (a merged range's whole width). openpyxl writes no row heights, and neither Excel nor
    LibreOffice grows a row to fit wrapped text when it opens such a file, so long text would
    be cut off.
    """
    # Even one line: the 15 pt default row is too short for 16 pt Thai with its marks.
    height = row_height(1, FONT_SIZE)
    for col, width in widths.items():
        cell = ws.cell(row=row, column=col)
        if isinstance(cell.value, str) and cell.value:
            size = float(cell.font.sz or FONT_SIZE) if cell.font else FONT_SIZE
            bold = bool(cell.font and cell.font.b)
            lines = text_lines(cell.value, width, size=size, bold=bold)
            height = max(height, row_height(lines, size))
    ws.row_dimensions[row].height = height


_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")


def header_style() -> dict[str, Any]:
    """Style of a table's header cells (the same objects every time: styled once per book)."""
    return {
        "font": body_font(bold=True),
        "fill": HEADER_FILL,
        "alignment": _HEADER_ALIGNMENT,
        "border": thin_border(),
    }


def _repack(data: bytes, stamp: datetime) -> bytes:
    """Rewrite the zip with one fixed timestamp per member, so equal content is equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second)  # fmt: skip
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the wall clock at save time, whatever was set.
                content = _MODIFIED.sub(
                    rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", content
                )
            target.writestr(member, content)
    return out.getvalue()


def mark(wb: Workbook, kind: Kind) -> None:
    """Put pmqa's mark (kind and version, :mod:`pmqa_cli.io.mark`) on a workbook."""
    wanted = mark_properties(kind)
    custom: Any = wb.custom_doc_props  # type: ignore[attr-defined]  # not in the stubs
    custom.props = [prop for prop in custom.props if prop.name not in wanted]
    for name, value in wanted.items():
        custom.append(StringProperty(name=name, value=value))
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR


def save_atomic(wb: Workbook, path: Path, *, kind: Kind, stamp: datetime | None = None) -> None:
    """Save ``wb`` to ``path`` through a temporary file renamed into place, marked as ``kind``.

    ``stamp`` fixes the document dates and the zip timestamps (reproducible output); without
    it they come from :func:`output_timestamp`. Raises :class:`OutputError` when the target
    cannot be written, leaving any existing file untouched.
    """
    when = stamp or output_timestamp()
    for ws in wb.worksheets:
        _size_marks(ws)
    mark(wb, kind)
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    wb.save(buffer)
    write_bytes_atomic(path, _repack(buffer.getvalue(), when))


def setup_page(
    ws: Worksheet, *, landscape: bool = True, freeze: str | None = None, header_row: int = 3
) -> None:
    """A4, one page wide; with ``freeze``, frozen panes and the header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    if freeze:
        ws.freeze_panes = freeze
        ws.print_title_rows = f"{header_row}:{header_row}"


@dataclass
class _Codes:
    """What openpyxl reads a header or footer from: its text, in Excel's codes."""

    text: str


def mark_pages(ws: Worksheet, marks: PageMarks) -> None:
    """Put the header and footer of :mod:`pmqa_cli.report.printing` on every printed page."""
    for name, codes in (("oddHeader", marks.header_codes), ("oddFooter", marks.footer_codes)):
        setattr(ws.HeaderFooter, name, HeaderFooterItem.from_tree(_Codes(codes)))
    # The header and footer need room of their own above and below the table.
    ws.page_margins.top = ws.page_margins.bottom = TOP_BOTTOM_MARGIN
    ws.page_margins.header = ws.page_margins.footer = 0.3


# The page's height in rows is estimated from the rows' own heights (set by fit_row_height) and
# the scale that fitting the columns to the page's width gives (report/printing.py).
_ROW_POINTS = 15.0


def _page_rows_height(ws: Worksheet, landscape: bool) -> float:
    columns = 0.0
    for n in range(1, (ws.max_column or 1) + 1):
        dim = ws.column_dimensions[get_column_letter(n)]
        if not dim.hidden:
            columns += excel_column_points(dim.width or 8.43)
    scale = fitted_scale(columns, 0.0, landscape=landscape)
    return printable_area(landscape=landscape)[1] / scale


def _printed_scale(ws: Worksheet) -> float:
    """The scale a sheet prints at: its own, or fitted to pages as LibreOffice lays out its
    columns (UNIT_POINTS) and rows."""
    setup = ws.sheet_properties.pageSetUpPr
    if setup is None or not setup.fitToPage:
        return (ws.page_setup.scale or 100) / 100
    widths: dict[int, float] = {}
    for letter, dim in ws.column_dimensions.items():
        # A <col> read from a file may cover several columns; one set in code covers its own.
        first = column_index_from_string(letter)
        for n in range(first, max(first, dim.max or first) + 1):
            widths[n] = 0.0 if dim.hidden else float(dim.width or 8.43)
    columns = sum(widths.get(n, 8.43) for n in range(1, ws.max_column + 1))
    rows = sum(ws.row_dimensions[r].height or _ROW_POINTS for r in range(1, ws.max_row + 1))
    margins = ws.page_margins
    return fitted_scale(
        columns * UNIT_POINTS["openpyxl"],
        rows,
        landscape=ws.page_setup.orientation == "landscape",
        wide=1 if ws.page_setup.fitToWidth is None else int(ws.page_setup.fitToWidth),
        tall=1 if ws.page_setup.fitToHeight is None else int(ws.page_setup.fitToHeight),
        side=(margins.left + margins.right) / 2,
        top_bottom=(margins.top + margins.bottom) / 2,
    )


def _size_marks(ws: Worksheet) -> None:
    """The header and footer set large enough to print at 9 pt at the scale the sheet prints
    at (clients scale them with the page)."""
    size = mark_size(_printed_scale(ws))
    for item in (ws.oddHeader, ws.oddFooter):
        if item is None:
            continue
        for part in (item.left, item.center, item.right):
            if part.text:
                part.size = max(float(part.size or MARK_SIZE), size)


def keep_together(
    ws: Worksheet, blocks: list[tuple[int, int]], *, landscape: bool, repeated: int = 0
) -> None:
    """Start a new page before a block of rows (first, last) that would run over a page's end
    but fits on a page of its own, so a table or an issue's criteria print in one piece.

    ``repeated`` is the header row printed at the top of every page, if any.
    """
    page = _page_rows_height(ws, landscape) * 0.92  # a margin for the estimate's error

    def height(row: int) -> float:
        return ws.row_dimensions[row].height or _ROW_POINTS

    title = height(repeated) if repeated else 0.0
    used = 0.0
    row = 1
    for first, last in sorted(blocks):
        while row < first:  # the rows between blocks run on to the next page as any do
            used += height(row)
            if used > page:
                used = title + height(row)
            row += 1
        size = sum(height(r) for r in range(first, last + 1))
        if used + size > page and title + size <= page and first > 1:
            ws.row_breaks.append(Break(id=first - 1))
            used = title
        for r in range(first, last + 1):
            used += height(r)
            if used > page:
                used = title + height(r)
        row = last + 1


def fit_one_page(ws: Worksheet, *, landscape: bool, least_scale: float = 0.6) -> None:
    """Print a table on one page when shrinking it to fit stays legible (to ``least_scale``),
    so a table that nearly fits is not split with a few rows on a second page."""
    page = _page_rows_height(ws, landscape)
    total = sum(ws.row_dimensions[r].height or _ROW_POINTS for r in range(1, ws.max_row + 1))
    if total * least_scale <= page * 0.92:
        ws.page_setup.fitToHeight = 1
