"""xlsxwriter's sheet data written in one tight loop: the same bytes, faster.

A batch writes a feedback workbook per office (report/xlsx_sheet.py), each a few sheets of
styled cells; xlsxwriter writes a cell through several calls building lists of attributes, so
its sheet data was the largest part of saving one. :class:`FastWorksheet` writes the cells
pmqa writes (text through the shared strings, numbers, blanks, booleans) and their rows
(spans, heights) itself, exactly as xlsxwriter 3.3 writes them, and leaves anything else
(comments, row formats, hidden or outlined rows, formulas, constant memory) to xlsxwriter;
and it keeps those cells as xlsxwriter's ``write_*`` keep them, without their checks of
arguments (A1 references, types) that pmqa's :meth:`~pmqa_cli.report.xlsx_sheet.Sheet.put`
has made already.
A chart (:func:`fast_chart`) writes each of its data caches, the values and names it shows,
once a process, as the shared strings write each text once (:class:`FastPackager`).

Text is always text: xlsxwriter writes a text that starts with ``<r>`` and ends with ``</r>``
unescaped, as rich-text XML (its own ``write_rich_string`` form), so such a text typed in a
submission would make a workbook no reader can open. :class:`PlainTextWorksheet` and
:class:`PlainTextPackager`, used for every workbook pmqa writes with xlsxwriter
(report/tables.py ``xlsx_book``), write it as the plain text it is.

It rests on xlsxwriter's private ``Worksheet._write_rows`` and cell table:
tests/test_xlsx_fast.py writes workbooks with it and with stock xlsxwriter and asks for the
same bytes, so an xlsxwriter that writes differently fails a test instead of a batch writing
different files.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.styles import Styles
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellBooleanTuple,
    CellNumberTuple,
    CellStringTuple,
    RowInfo,
    Worksheet,
)
from xlsxwriter.xmlwriter import XMLwriter, xml_escapes

from pmqa_cli.core.memo import Memo

__all__ = [
    "KEPT_TEXT",
    "FastPackager",
    "FastWorksheet",
    "PlainTextBook",
    "PlainTextPackager",
    "PlainTextWorksheet",
    "add_format",
    "fast_chart",
]

_NAMES: dict[int, str] = {}  # column letters, by column (from 0)


def _name(col: int) -> str:
    found = _NAMES.get(col)
    if found is None:
        found = _NAMES[col] = xl_col_to_name(col)
    return found


class _MadeFormat(Format):  # type: ignore[misc]  # xlsxwriter is not typed
    """A format made by :func:`add_format`, its keys (xlsxwriter's, a few dozen properties made
    text, its font's, border's and fill's asked for again each time a workbook is written)
    worked out once: a format is not to be changed once made (``set_*``), as pmqa's never are."""

    _keys: tuple[str, str, str]

    def _get_font_key(self) -> str:
        return self._keys[0]

    def _get_border_key(self) -> str:
        return self._keys[1]

    def _get_fill_key(self) -> str:
        return self._keys[2]


#: A format of each set of properties, made once a process and never added to a workbook, its
#: keys worked out: a batch's workbooks ask for the same twenty-odd formats each.
_MADE: dict[tuple[tuple[str, Any], ...], _MadeFormat] = {}


def add_format(workbook: Any, properties: dict[str, Any]) -> Any:
    """xlsxwriter's ``workbook.add_format(properties)``: a copy of the format made before with
    the same properties, which a new one would equal (xlsxwriter sets a format's workbook
    state, its indices, only when the workbook is written, on the copy)."""
    merged = {**workbook.default_format_properties, **properties}
    key = tuple(sorted(merged.items()))
    made = _MADE.get(key)
    if made is None:
        made = _MADE[key] = _MadeFormat(merged, {}, {})
        made._keys = (Format._get_font_key(made), Format._get_border_key(made),
                      Format._get_fill_key(made))  # fmt: skip
        made._get_format_key()
    copy = _MadeFormat.__new__(_MadeFormat)
    copy.__dict__.update(made.__dict__)
    copy.xf_format_indices = workbook.xf_format_indices
    copy.dxf_format_indices = workbook.dxf_format_indices
    workbook.formats.append(copy)
    return copy


class _Escaping(XMLwriter):  # type: ignore[misc]  # xlsxwriter is not typed
    """xlsxwriter's XML writing, with a number written into an attribute as it is without
    first raising and catching a TypeError (xlsxwriter's way: 1.3 us a number, a hundred
    thousand numbers a batch), and a tag's attributes written in one loop (a batch's
    workbooks write a few hundred thousand tags)."""

    def _escape_attributes(self, attribute: Any) -> Any:
        if not isinstance(attribute, str):
            return attribute
        return super()._escape_attributes(attribute)

    def _attributes(self, attributes: Any) -> str:
        """The text of a tag's attributes, each escaped by :meth:`_escape_attributes`."""
        text = ""
        for key, value in attributes:
            if isinstance(value, str) and xml_escapes.search(value):
                value = self._escape_attributes(value)
            text += f' {key}="{value}"'
        return text

    def _xml_start_tag(self, tag: str, attributes: Any = ()) -> None:
        self.fh.write(f"<{tag}{self._attributes(attributes)}>")

    def _xml_empty_tag(self, tag: str, attributes: Any = ()) -> None:
        self.fh.write(f"<{tag}{self._attributes(attributes)}/>")


class PlainTextWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter is not typed
    """A worksheet whose text is written as text, never as rich-text XML (see the module)."""

    def _xml_rich_inline_string(self, string: str, attributes: Any = ()) -> None:
        self._xml_inline_string(string, _preserve_whitespace(string), list(attributes))


class _PlainSharedStrings(SharedStrings):  # type: ignore[misc]  # xlsxwriter is not typed
    """Shared strings written as text, never as rich-text XML (see the module)."""

    def _xml_rich_si_element(self, string: str) -> None:
        preserve = [("xml:space", "preserve")] if _preserve_whitespace(string) else []
        self._xml_si_element(string, preserve)


class PlainTextPackager(Packager):  # type: ignore[misc]  # xlsxwriter is not typed
    """xlsxwriter's packager, its shared strings written by :class:`_PlainSharedStrings`."""

    def _write_shared_strings_file(self) -> None:
        self._write_strings(_PlainSharedStrings())

    def _write_strings(self, strings: Any) -> None:
        table = self.workbook.str_table
        if not table.count:
            return
        strings.string_table = table
        strings._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        strings._assemble_xml_file()


class PlainTextBook(Workbook):  # type: ignore[misc]  # xlsxwriter is not typed
    """An xlsxwriter workbook whose text is always text (see the module)."""

    worksheet_class = PlainTextWorksheet

    def _get_packager(self) -> Packager:
        return PlainTextPackager()


class FastWorksheet(_Escaping, PlainTextWorksheet):
    """An xlsxwriter worksheet whose rows and cells are written in one loop (see the module)."""

    # xlsxwriter's bounds of the cells written (rows and columns from 0), None before any.
    dim_rowmin: Any
    dim_rowmax: Any
    dim_colmin: Any
    dim_colmax: Any

    def put_cell(self, row: int, col: int, value: object, cell_format: Any) -> bool:
        """Keep a cell as xlsxwriter's ``write_string``, ``write_number``, ``write_boolean``
        or ``write_blank`` keeps it (text already safe; ``cell_format`` given), without their
        checks of arguments pmqa never passes; False, nothing kept, where one of them would
        do more (a cell outside the sheet, text that may pass Excel's limit, a number that is
        not finite or beyond a float's range): the caller writes it through them."""
        if not (0 <= row < self.xls_rowmax and 0 <= col < self.xls_colmax) or self.constant_memory:
            return False
        kind = type(value)
        cell: Any
        if kind is str:
            if len(value) > self.xls_strmax // 2:  # type: ignore[arg-type]  # a str
                return False
            cell = CellStringTuple(self.str_table._get_shared_string_index(value), cell_format)
        elif kind is float or kind is int:
            if not -1e300 < value < 1e300:  # type: ignore[operator]  # a number
                return False
            cell = CellNumberTuple(value, cell_format)
        elif kind is bool:
            cell = CellBooleanTuple(1 if value else 0, cell_format)
        elif value is None:
            cell = CellBlankTuple(cell_format)
        else:
            return False
        if self.dim_rowmin is None:  # the first cell
            self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax = row, row, col, col
        else:
            if row < self.dim_rowmin:
                self.dim_rowmin = row
            elif row > self.dim_rowmax:
                self.dim_rowmax = row
            if col < self.dim_colmin:
                self.dim_colmin = col
            elif col > self.dim_colmax:
                self.dim_colmax = col
        self.table[row][col] = cell
        return True

    def row_pixels(self, row: int, pixels: int) -> None:
        """xlsxwriter's ``set_row_pixels(row, pixels)``: a row's height, nothing else."""
        if pixels <= 0 or not 0 <= row < self.xls_rowmax or self.constant_memory:
            self.set_row_pixels(row, pixels)
            return
        if self._check_dimensions(row, 0 if self.dim_colmin is None else self.dim_colmin):
            return
        self.row_info[row] = RowInfo(height=pixels)
        self.row_sizes[row] = [pixels, False]

    def _write_rows(self) -> None:
        if (
            self.comments
            or self.constant_memory
            or self.excel_version != 2007
            or any(_unusual(info) for info in self.row_info.values())
        ):
            super()._write_rows()
            return
        written = self._rows()
        if written is None:  # a cell of another kind: xlsxwriter writes them all
            super()._write_rows()
            return
        self.fh.write(written)

    def _rows(self) -> str | None:
        """The rows' XML, or None where a cell is not one written here."""
        table: dict[int, dict[int, Any]] = self.table
        rows = {r for r, cells in table.items() if cells}
        low, high = self.dim_rowmin, self.dim_rowmax
        spans: dict[int, tuple[int, int]] = {}
        for r in rows:
            if low <= r <= high:
                cells = table[r]
                block = r // 16
                least, most = min(cells), max(cells)
                if least < self.dim_colmin or most > self.dim_colmax:
                    return None
                found = spans.get(block)
                if found is not None:
                    least, most = min(least, found[0]), max(most, found[1])
                spans[block] = (least, most)
        self.row_spans = {b: f"{s[0] + 1}:{s[1] + 1}" for b, s in spans.items()}
        out: list[str] = []
        put = out.append
        row_info = self.row_info
        names = {col: _name(col) for col in range(self.dim_colmin, self.dim_colmax + 1)}
        styles: dict[Any, str] = {}  # each format's attribute (formats are equal by identity)
        for r in sorted(rows | set(row_info)):
            if not low <= r <= high:
                continue
            attributes = f' r="{r + 1}"'
            span = self.row_spans.get(r // 16)
            if span is not None:
                attributes += f' spans="{span}"'
            info = row_info.get(r)
            height = self.default_row_height if info is None or info.height is None else info.height
            if height != self.original_row_height or height != self.default_row_height:
                attributes += f' ht="{height * 0.75:.16g}" customHeight="1"'
            if not table.get(r):
                put(f"<row{attributes}/>")
                continue
            put(f"<row{attributes}>")
            row_name = str(r + 1)
            for col, cell in sorted(table[r].items()):
                cell_format = cell.format
                style = styles.get(cell_format)
                if style is None:
                    if cell_format is None:
                        return None
                    style = styles[cell_format] = f' s="{cell_format._get_xf_index()}"'
                name = names[col]
                kind = type(cell)
                if kind is CellStringTuple:  # its index in the shared strings
                    put(f'<c r="{name}{row_name}"{style} t="s"><v>{cell.string}</v></c>')
                elif kind is CellNumberTuple:
                    put(f'<c r="{name}{row_name}"{style}><v>{cell.number:.16G}</v></c>')
                elif kind is CellBlankTuple:
                    put(f'<c r="{name}{row_name}"{style}/>')
                elif kind is CellBooleanTuple:
                    put(f'<c r="{name}{row_name}"{style} t="b"><v>{cell.boolean}</v></c>')
                else:
                    return None
            put("</row>")
        return "".join(out)


#: Each data cache's XML, by its kind and its values (a chart's caches, :class:`_FastChart`).
_CACHES: Memo[tuple[str, ...], str] = Memo(most=2_000)
_FAST_CHARTS: dict[type, type] = {}  # the fast class of each of xlsxwriter's chart classes


class _FastChart(_Escaping):
    """A chart written as xlsxwriter writes it, each of its data caches (the values and the
    names it shows, copied from the cells it refers to) written once a process: a batch's
    charts show mostly the same issues, bands and means."""

    fh: Any  # where xlsxwriter writes the part

    def _write_str_cache(self, data: list[Any]) -> None:
        self._write_cache("str", data, super()._write_str_cache)

    def _write_num_cache(self, data: list[Any]) -> None:
        self._write_cache("num", data, super()._write_num_cache)

    def _write_cache(self, kind: str, data: list[Any], write: Callable[[list[Any]], None]) -> None:
        # Keyed by each value's repr: 1, 1.0 and "1" are equal keys, not equally written.
        key = (kind, *map(repr, data or ()))
        element = _CACHES.get(key)
        if element is None:
            element = _CACHES.keep(key, _written(self, write, data))
        self.fh.write(element)


def fast_chart(chart: Any) -> Any:
    """``chart`` (made by xlsxwriter's ``add_chart``) made one whose data caches are written
    once a process (:class:`_FastChart`): the same XML, sooner."""
    kind = type(chart)
    fast = _FAST_CHARTS.get(kind)
    if fast is None:
        fast = _FAST_CHARTS[kind] = type(f"Fast{kind.__name__}", (_FastChart, kind), {})
    chart.__class__ = fast  # add_chart picks the chart's class itself: given a subclass of it
    return chart


def _written(writer: Any, write: Callable[[Any], None], *args: Any) -> str:
    """What ``write(*args)``, a method of ``writer``, writes (to the writer's file)."""
    written, writer.fh = writer.fh, io.StringIO()
    try:
        write(*args)
        element: str = writer.fh.getvalue()
    finally:
        writer.fh = written
    return element


def _unusual(info: Any) -> bool:
    """A row xlsxwriter writes with more than a height: left to it."""
    return bool(info.row_format or info.hidden or info.level or info.collapsed)


#: Each text's ``<si>`` element as xlsxwriter writes it: a batch's workbooks share most of their
#: texts (245 offices: 40,481 texts, 1,832 of them different), so each is escaped once.
_ELEMENTS: Memo[str, str] = Memo(most=20_000)
#: The longest text whose worked-out forms are kept (its element here, its cell text and row
#: height in report/xlsx_sheet.py): the texts workbooks repeat (headers, titles, criteria) are
#: short; an office's own longer text (evidence, up to 32,767 characters a cell) is worked out
#: each time, so what is kept stays small whatever the offices wrote.
KEPT_TEXT = 1_000


class FastPackager(PlainTextPackager):
    """xlsxwriter's packager, with the shared strings written from elements written before
    (``fast`` False: xlsxwriter's own); ``fast``, it keeps the package's members for
    report/xlsx_zip.py to zip (:attr:`members`) and hands xlsxwriter none to zip."""

    def __init__(self, fast: bool = True) -> None:
        super().__init__()
        self.fast = fast
        #: Each member's name in the package and its bytes, in xlsxwriter's order.
        self.members: list[tuple[str, bytes]] = []

    def _create_package(self) -> list[Any]:
        written: list[Any] = super()._create_package()
        if not self.fast or not self.in_memory:
            return written
        # As xlsxwriter's _store_workbook reads the parts it writes in memory.
        self.members = [(name, part.getvalue() if binary else part.getvalue().encode("utf-8"))
                        for part, name, binary in written]  # fmt: skip
        return []

    def _write_shared_strings_file(self) -> None:
        self._write_strings(_SharedStrings() if self.fast else _PlainSharedStrings())

    def _write_styles_file(self) -> None:
        """xlsxwriter's own, with its number attributes written directly (:class:`_Escaping`)."""
        if not self.fast:
            super()._write_styles_file()
            return
        book = self.workbook
        styles = _Styles()
        styles._set_style_properties([
            book.xf_formats, book.palette, book.font_count, book.num_formats,
            book.border_count, book.fill_count, book.custom_colors, book.dxf_formats,
            book.has_comments,
        ])  # fmt: skip
        styles._set_xml_writer(self._filename("xl/styles.xml"))
        styles._assemble_xml_file()


class _Styles(_Escaping, Styles):  # type: ignore[misc]  # xlsxwriter is not typed
    pass


class _SharedStrings(_PlainSharedStrings):
    fh: Any  # where xlsxwriter writes the part
    string_table: Any

    def _write_sst_strings(self) -> None:
        out = []
        for string in self.string_table.string_array:
            element = _ELEMENTS.get(string)
            if element is None:
                element = self._element(string)
            out.append(element)
        self.fh.write("".join(out))

    def _element(self, string: str) -> str:
        """A text's element, written by xlsxwriter (``_write_si``) and kept."""
        element = _written(self, self._write_si, string)
        return element if len(string) > KEPT_TEXT else _ELEMENTS.keep(string, element)
