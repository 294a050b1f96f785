"""Small styled sheets written with xlsxwriter: the feedback workbook's.

A feedback workbook is a few sheets of styled cells; openpyxl's cells, styles and save were most
of the cost of a batch's feedback, so it is written with xlsxwriter, as results.xlsx is
(report/tables.py: the workbook, its mark), and reads back as it did: the Normal style stays
Calibri 11, so a column's width means what it meant in openpyxl's books
(report/text_width.py ``UNIT_POINTS["openpyxl"]``), and every cell names its font.

:class:`Sheet` keeps what xlsxwriter does not give back (each column's width, each row's height,
each cell's text and style), from which the rows are fitted to their wrapped text and the sheet's
printed scale is estimated (its header and footer sized for it, report/printing.py). Text is
always written as text (``write_string``), never as a formula or a link.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.io.mark import Kind
from pmqa_cli.report.outputs import FONT_NAME, FONT_SIZE, safe_text, write_bytes_atomic
from pmqa_cli.report.printing import (
    PageMarks,
    excel_column_points,
    fitted_scale,
    print_setup,
    printable_area,
)
from pmqa_cli.report.tables import mark_book, xlsx_book
from pmqa_cli.report.text_width import UNIT_POINTS, row_height, text_lines
from pmqa_cli.report.xlsx_fast import (
    KEPT_TEXT,
    FastPackager,
    FastWorksheet,
    add_format,
    fast_chart,
)
from pmqa_cli.report.xlsx_zip import zip_package

__all__ = ["BODY", "HEADER", "WRAP", "Book", "Sheet", "Style"]

_DIGIT = 7  # pixels of Calibri 11's digit: the width unit of a book whose Normal style it is
_DEFAULT_WIDTH = 8.43  # a column's width where none is set
_DEFAULT_HEIGHT = 15.0  # a row's height where none is set, points
_EMU = 9525  # English Metric Units to a pixel (96 to the inch)
# xlsxwriter anchors a drawing to the cells its corners fall in, by its own measure of the
# columns; the oneCellAnchor it cannot write gives the size itself, as openpyxl did.
_TWO_CELL = re.compile(
    r'<xdr:twoCellAnchor editAs="oneCell">(<xdr:from><xdr:col>(\d+)</xdr:col>.*?'
    r"<xdr:row>(\d+)</xdr:row>.*?</xdr:from>)<xdr:to>.*?</xdr:to>(.*?)</xdr:twoCellAnchor>",
    re.S,
)


@dataclass(frozen=True)
class Style:
    """How a cell looks: the font (TH Sarabun New), fill, border, alignment, number format."""

    bold: bool = False
    size: float = FONT_SIZE
    color: str | None = None  # RRGGBB
    fill: str | None = None  # RRGGBB, solid
    border: bool = False  # a light grid line around the cell
    wrap: bool = False
    valign: str | None = None  # "top", "vcenter"
    align: str | None = None  # "center"
    indent: int = 0
    num_format: str | None = None

    def __hash__(self) -> int:
        """Worked out once (a workbook looks its formats up by style for every cell)."""
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", found)
        return found

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_hash", None)  # a string's hash differs from one process to another
        return state

    def but(self, **changes: Any) -> Style:
        """This style with some of its settings changed (the same object for the same
        changes: a workbook's cells ask for a few styles many times)."""
        return _changed(self, tuple(sorted(changes.items())))

    def properties(self, quoted: bool) -> dict[str, Any]:
        """xlsxwriter's format properties; ``quoted``: text kept text when edited ('=1)."""
        props: dict[str, Any] = {"font_name": FONT_NAME, "font_size": self.size}
        settings = {
            "bold": self.bold or None,
            "font_color": f"#{self.color}" if self.color else None,
            "bg_color": f"#{self.fill}" if self.fill else None,
            "text_wrap": self.wrap or None,
            "valign": self.valign,
            "align": self.align,
            "indent": self.indent or None,
            "num_format": self.num_format,
            "quote_prefix": quoted or None,
        }
        props.update({k: v for k, v in settings.items() if v is not None})
        if self.border:
            props.update(border=1, border_color="#A6A6A6")
        return props


@lru_cache(maxsize=1024)
def _changed(style: Style, changes: tuple[tuple[str, Any], ...]) -> Style:
    return replace(style, **dict(changes))


BODY = Style()
_ONE_LINE = row_height(1, FONT_SIZE)  # a row's least height: one line of 16 pt Thai


def _text_height(text: str, width: float, size: float, bold: bool) -> float:
    """The height of a row for ``text`` wrapped in ``width``."""
    if len(text) > KEPT_TEXT:
        return _height_of(text, width, size, bold)
    return _kept_height(text, width, size, bold)


def _height_of(text: str, width: float, size: float, bold: bool) -> float:
    return row_height(text_lines(text, width, size=size, bold=bold), size)


_kept_height = lru_cache(maxsize=8192)(_height_of)


WRAP = Style(wrap=True, valign="top")
#: A table's header cells.
HEADER = Style(bold=True, fill="D9E1F2", wrap=True, valign="vcenter", align="center", border=True)


class Book:
    """An xlsxwriter workbook built in memory, each style's format made once."""

    #: Written through report/xlsx_fast.py; False: through stock xlsxwriter alone, which writes
    #: the same bytes, slower (tests/test_xlsx_fast.py holds them to it).
    fast = True

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.book = xlsx_book(self._buffer, thai_default=False, in_memory=True)
        self._formats: dict[tuple[Style, bool], Any] = {}
        # The same style objects come back cell after cell: found by identity first (a style
        # is hashed field by field), each kept here so that its id is not another's.
        self._by_id: dict[int, tuple[Style, Any]] = {}
        self.sheets: list[Sheet] = []

    def format(self, style: Style, quoted: bool = False) -> Any:
        """The workbook's format of ``style`` (one per equal style, made when first asked)."""
        if not quoted:
            known = self._by_id.get(id(style))
            if known is not None and known[0] is style:
                return known[1]
        key = (style, quoted)
        found = self._formats.get(key)
        if found is None:
            properties = style.properties(quoted)
            found = self._formats[key] = (
                add_format(self.book, properties) if self.fast else self.book.add_format(properties)
            )
        if not quoted:
            self._by_id[id(style)] = (style, found)
        return found

    def sheet(self, name: str) -> Sheet:
        """A new sheet, after the others."""
        sheet = Sheet(self, name)
        self.sheets.append(sheet)
        return sheet

    def chart(self, options: dict[str, Any]) -> Any:
        """A native chart (xlsxwriter's ``add_chart``), for a sheet to insert."""
        chart = self.book.add_chart(options)
        return fast_chart(chart) if self.fast else chart

    def save(self, path: Path, *, kind: Kind, title: str, when: datetime) -> None:
        """Mark the workbook as pmqa's ``kind`` and write it atomically; the same content and
        ``when`` give the same bytes (xlsxwriter stamps its zip members with one fixed date)."""
        mark_book(self.book, kind, title, when)
        # xlsxwriter numbers the drawings of the sheets that have any, in the sheets' order.
        drawn = [sheet.sizes for sheet in self.sheets if sheet.sizes]
        packager = _OneCellPackager(drawn, self.fast)
        # xlsxwriter's way to change how the package is written
        self.book._get_packager = lambda: packager
        self.book.close()
        # Fast, the packager kept the members (xlsxwriter zipped none): zipped here.
        package = zip_package(packager.members) if self.fast else self._buffer.getvalue()
        write_bytes_atomic(path, package)


Sizes = dict[tuple[int, int], tuple[int, int]]


class _OneCellPackager(FastPackager):
    """xlsxwriter's packager, with each drawing anchored at its top-left cell and sized in
    absolute units (a oneCellAnchor, as openpyxl wrote): Excel and LibreOffice measure columns
    differently (report/text_width.py UNIT_POINTS), so a drawing anchored by both corners, as
    xlsxwriter anchors it, is stretched in one of them. ``drawn``: each drawing's sizes (EMU)
    by the cell (column, row) it starts in, in xlsxwriter's order of drawings; ``fast``:
    report/xlsx_fast.py's parts, or stock xlsxwriter's."""

    def __init__(self, drawn: list[Sizes], fast: bool) -> None:
        super().__init__(fast)
        self._drawn = {f"xl/drawings/drawing{n}.xml": s for n, s in enumerate(drawn, start=1)}

    def _write_drawing_files(self) -> None:
        super()._write_drawing_files()
        for written, name, _ in self.filenames:
            sizes = self._drawn.get(name)
            if sizes is not None and isinstance(written, io.StringIO):  # in memory
                xml = _TWO_CELL.sub(_one_cell(sizes), written.getvalue())
                written.seek(0)
                written.truncate()
                written.write(xml)


def _one_cell(sizes: Sizes) -> Callable[[re.Match[str]], str]:
    def anchor(match: re.Match[str]) -> str:
        size = sizes.get((int(match[2]), int(match[3])))
        if size is None:  # not one of ours: left as xlsxwriter wrote it
            return match[0]
        extent = f'<xdr:ext cx="{size[0]}" cy="{size[1]}"/>'
        return f"<xdr:oneCellAnchor>{match[1]}{extent}{match[4]}</xdr:oneCellAnchor>"

    return anchor


def _text(value: str) -> tuple[str, bool]:
    """A text as a cell holds it (:func:`safe_text`), and whether it starts like a formula."""
    return _kept_text(value) if len(value) <= KEPT_TEXT else _text_of(value)


def _text_of(value: str) -> tuple[str, bool]:
    return safe_text(value), value.startswith(FORMULA_START)


_kept_text = lru_cache(maxsize=4096)(_text_of)


def _write(ws: Any, row: int, col: int, value: object, cell_format: Any) -> None:
    """A cell through xlsxwriter's own ``write_*`` (rows and columns from 0)."""
    if isinstance(value, str):
        ws.write_string(row, col, value, cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell_format)
    elif value is None:
        ws.write_blank(row, col, None, cell_format)
    else:
        ws.write_number(row, col, value, cell_format)


class Sheet:
    """One sheet, with the widths, heights and texts written to it (rows and columns count
    from 1, as people and openpyxl count them)."""

    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name
        self.fast = book.fast
        self.ws = book.book.add_worksheet(name, FastWorksheet if self.fast else None)
        self.widths: dict[int, float] = {}
        #: The size (EMU) of each chart and picture, by the cell (column, row) it starts in.
        self.sizes: Sizes = {}
        self.heights: dict[int, float] = {}
        self._cells: dict[tuple[int, int], tuple[object, Style]] = {}
        self.max_row = 1
        self.max_col = 1
        self.landscape = True
        self.pages_tall = 0  # 0: as many pages as it takes; 1: the whole sheet on one page

    def _extend(self, row: int, col: int) -> None:
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)

    def put(self, row: int, col: int, value: object, style: Style = BODY) -> None:
        """Write a value: text always as text (one that starts like a formula quoted, so it
        stays text when someone edits it), numbers as numbers, None as an empty styled cell."""
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col
        quoted = False
        written = value
        if isinstance(value, str):
            if value:
                written, quoted = _text(value)
            else:
                value = written = None  # an empty text: an empty cell, as openpyxl reads it back
        elif value is not None and not isinstance(value, (int, float)):
            raise TypeError(f"a cell holds text or a number, not {type(value).__name__}")
        found = self.book.format(style, quoted)
        if not (self.fast and self.ws.put_cell(row - 1, col - 1, written, found)):
            _write(self.ws, row - 1, col - 1, written, found)
        self._cells[(row, col)] = (value, style)

    def merge(self, row: int, col: int, last_row: int, last_col: int) -> None:
        """Merge a range whose first cell is written already (its value and style kept)."""
        value, style = self._cells[(row, col)]
        self.ws.merge_range(row - 1, col - 1, last_row - 1, last_col - 1, None,
                            self.book.format(style))  # fmt: skip
        self.put(row, col, value, style)  # merge_range blanked it
        self._extend(last_row, last_col)

    def width(self, col: int, width: float) -> None:
        """A column's width in Calibri 11 characters (openpyxl's ``column_dimensions`` width:
        xlsxwriter's ``set_column`` would add its cell padding)."""
        self.widths[col] = width
        self.ws.set_column_pixels(col - 1, col - 1, round(width * _DIGIT))

    def height(self, row: int, points: float) -> None:
        """A row's height: xlsxwriter keeps it in whole pixels (0.75 pt), so the pixel at or
        above ``points``, never shorter than the text needs."""
        pixels = math.ceil(points * 4 / 3 - 1e-9)
        self.heights[row] = pixels * 0.75
        (self.ws.row_pixels if self.fast else self.ws.set_row_pixels)(row - 1, pixels)

    def insert_chart(self, row: int, col: int, chart: Any, size: tuple[float, float]) -> None:
        """A chart of ``size`` (width, height in pixels, 96 to the inch) from a cell's corner."""
        chart.set_size({"width": size[0], "height": size[1]})
        self.ws.insert_chart(row - 1, col - 1, chart, {"object_position": 2})
        self._placed(row, col, size)

    def insert_png(
        self, row: int, col: int, png: bytes, size: tuple[float, float], x_offset: float = 0.0
    ) -> None:
        """A PNG picture of ``size`` (pixels, 96 to the inch), ``x_offset`` pixels right of a
        cell's corner, whatever the picture's own resolution."""
        from xlsxwriter.image import Image  # its size and resolution, as xlsxwriter reads them

        picture = Image(io.BytesIO(png))
        natural = (picture.width * 96 / picture.x_dpi, picture.height * 96 / picture.y_dpi)
        self.ws.insert_image(row - 1, col - 1, f"picture-{row}-{col}.png", {
            "image_data": io.BytesIO(png), "x_offset": x_offset,
            "x_scale": size[0] / natural[0], "y_scale": size[1] / natural[1],
            "object_position": 2,  # moves with its cells, keeps its size
        })  # fmt: skip
        self._placed(row, col, size)

    def _placed(self, row: int, col: int, size: tuple[float, float]) -> None:
        key = (col - 1, row - 1)
        emu = (round(size[0] * _EMU), round(size[1] * _EMU))
        if self.sizes.setdefault(key, emu) != emu:
            raise ValueError(f"two drawings of different sizes start in one cell {key}")

    def row_points(self, row: int) -> float:
        """A row's height as set, or the default."""
        return self.heights.get(row, _DEFAULT_HEIGHT)

    def fit_row_height(self, row: int, widths: dict[int, float]) -> None:
        """Make a row tall enough for its wrapped text, each cell at its own font size
        (``widths``: the columns whose text decides, each with the width it wraps in, a merged
        range's whole width); one line of 16 pt Thai at least. Neither Excel nor LibreOffice
        grows a row to fit wrapped text when it opens a file."""
        height = _ONE_LINE
        cells = self._cells
        for col, width in widths.items():
            found = cells.get((row, col))
            if found is None:
                continue
            value, style = found
            if isinstance(value, str) and value:
                height = max(height, _text_height(value, width, style.size, style.bold))
        self.height(row, height)

    def setup(self, *, landscape: bool = True, freeze: int | None = None) -> None:
        """Printed on A4 (landscape or portrait), one page wide; with ``freeze``, the rows above
        that row frozen and its header row (the row before it) on every printed page."""
        self.landscape = landscape
        if freeze is not None:
            self.ws.freeze_panes(freeze - 1, 0)
            self.ws.repeat_rows(freeze - 2)

    def _columns(self) -> list[float]:
        return [self.widths.get(n, _DEFAULT_WIDTH) for n in range(1, self.max_col + 1)]

    def _rows_points(self) -> float:
        return sum(self.row_points(r) for r in range(1, self.max_row + 1))

    def fit_one_page(self, least_scale: float = 0.6) -> None:
        """Print the sheet on one page when shrinking it to fit stays legible (to
        ``least_scale``), so a table that nearly fits is not split with a few rows on a second
        page (as report/writer.py's fit_one_page for openpyxl's sheets)."""
        columns = sum(excel_column_points(w) for w in self._columns())
        scale = fitted_scale(columns, 0.0, landscape=self.landscape)
        height = printable_area(landscape=self.landscape)[1]
        if self._rows_points() * least_scale <= height / scale * 0.92:
            self.pages_tall = 1

    def printed_scale(self) -> float:
        """The scale the sheet prints at, fitted to its pages as LibreOffice lays out its
        columns (UNIT_POINTS) and rows."""
        columns = sum(self._columns()) * UNIT_POINTS["openpyxl"]
        return fitted_scale(
            columns, self._rows_points(), landscape=self.landscape, tall=self.pages_tall
        )

    def finish(self, marks: PageMarks) -> None:
        """A4, centred, fitted to one page wide (and tall when set), with pmqa's header and
        footer (``marks``, sized for :meth:`printed_scale`) on every page."""
        print_setup(self.ws, marks, landscape=self.landscape)
        self.ws.fit_to_pages(1, self.pages_tall)
