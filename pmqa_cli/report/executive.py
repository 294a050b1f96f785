"""The executive summary sheet (สรุปสำหรับผู้บริหาร): the first sheet of results.xlsx, one A4 page.

Drawn with xlsxwriter from an :class:`~pmqa_cli.compare.summary.ExecutiveSummary`, the same
object the JSON's ``executive`` holds. Rows are written top to bottom (the results workbook is
written in xlsxwriter's constant-memory mode); the band chart is a native Excel chart over the
percentages table on the sheet, and the small map of the overall score by province
(report/map_small.py, drawn with the แผนที่ sheet's maps) sits right of the top ten.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pmqa_cli.compare.comparison import PARTS
from pmqa_cli.compare.snapshot import number
from pmqa_cli.compare.summary import ExecutiveSummary
from pmqa_cli.core.numbers import Shown, excel_format
from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.report.map_small import SUMMARY_MAP_CM, SUMMARY_MAP_DPI
from pmqa_cli.report.text_width import (
    BOLD_WIDER,
    UNIT_POINTS,
    column_points,
    row_height,
    wrapped_lines,
)
from pmqa_cli.rubric.model import OfficeType

__all__ = ["PRINT_SCALE", "SHEET", "BandPercentages", "write_executive"]

SHEET = "สรุปสำหรับผู้บริหาร"
#: A..I: narrow enough that the page, fitted to A4 portrait's width, prints 14 pt at 9 pt or
#: more (at about 66%).
_WIDTHS = (5, 25, 6, 8, 8, 8, 8, 8, 8)
_LAST = len(_WIDTHS) - 1
#: The least scale the page prints at, fitted to one A4 page (its header and footer are sized
#: for it): 14 pt prints at 9 pt.
PRINT_SCALE = 9 / 14
_SIZE = 14  # the page's body text, points
_ROW = 21  # the default row's height, points (set_default_row in _page)
_PART_TH = {"overall": "คะแนนรวม", "pmqa": "หมวด 1-6", "results": "หมวด 7"}
_COLOURS = {"สพป.": "#4472C4", "สพม.": "#C0504D", "รวม": "#A5A5A5"}


@dataclass(frozen=True)
class BandPercentages:
    """Where the sheet's table of band percentages sits (0-based rows and columns), so other
    charts (the กราฟ sheet's) draw percentages from the same cells."""

    sheet: str
    header: int  # the row naming each office type
    first: int  # the first band's row; band labels in column 0
    last: int
    columns: dict[str, int]  # office type (สพป., สพม., รวม) -> its column


class _Styles:
    def __init__(self, book: Any, decimals: int) -> None:
        score = excel_format(Shown.SCORE, decimals)
        percent = excel_format(Shown.PERCENT, decimals)
        count = excel_format(Shown.COUNT, decimals)
        base = {"valign": "vcenter", "font_size": _SIZE}

        self._book = book
        self._props: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int, Any] = {}

        def fmt(**extra: Any) -> Any:
            made = book.add_format({**base, **extra})
            self._props[id(made)] = {**base, **extra}
            return made

        self.title = fmt(bold=True, font_size=20, align="center")
        self.subtitle = fmt(font_size=14, align="center", font_color="#404040")
        self.section = fmt(bold=True, font_size=16, bottom=2, bottom_color="#1F4E79",
                           font_color="#1F4E79")  # fmt: skip
        self.header = fmt(bold=True, bg_color="#D9E1F2", align="center", border=1,
                          border_color="#A6A6A6", text_wrap=True)  # fmt: skip
        self.text = fmt(border=1, border_color="#D0D0D0")
        # Long titles wrap (never shrink: nothing on the page below 9 pt); _table sets the
        # row's height for their lines.
        self.wrap = fmt(border=1, border_color="#D0D0D0", text_wrap=True)
        self.center = fmt(border=1, border_color="#D0D0D0", align="center")
        self.score = fmt(border=1, border_color="#D0D0D0", num_format=score, align="center")
        self.change = fmt(border=1, border_color="#D0D0D0", align="center",
                          num_format=excel_format(Shown.CHANGE, decimals))  # fmt: skip
        self.percent = fmt(border=1, border_color="#D0D0D0", num_format=percent,
                           align="center")  # fmt: skip
        self.count_label = fmt(bold=True, bg_color="#F2F2F2", align="center", border=1,
                               border_color="#A6A6A6", text_wrap=True)  # fmt: skip
        self.count = fmt(bold=True, font_size=20, align="center", border=1,
                         border_color="#A6A6A6", num_format=count)  # fmt: skip
        self.note = fmt(italic=True, font_color="#595959")  # the body's size: 9 pt printed
        self.note_wrap = fmt(italic=True, font_color="#595959", text_wrap=True, valign="top")

    def quoted(self, style: Any) -> Any:
        """``style`` with Excel's quote prefix: text starting with = + - @ shown as typed."""
        if id(style) not in self._quoted:
            props = {**self._props.get(id(style), {}), "quote_prefix": True}
            self._quoted[id(style)] = self._book.add_format(props)
        return self._quoted[id(style)]


class _Rows:
    """Writes rows strictly top to bottom (constant-memory mode) and remembers where it is."""

    def __init__(self, ws: Any, styles: _Styles | None = None) -> None:
        self.ws = ws
        self.styles = styles
        self.row = 0
        self._empty = True  # nothing written on this row yet
        self.heights: list[float] = []  # each written row's height, points

    def merge(self, first: int, last: int, value: Any, style: Any) -> None:
        if first == last:
            self.cell(first, value, style)
        else:
            text = "" if value is None else value
            if isinstance(text, str) and text.startswith(FORMULA_START) and self.styles:
                style = self.styles.quoted(style)  # an office's name never reads as a formula
            self.ws.merge_range(self.row, first, self.row, last, text, style)
            self._empty = False

    def cell(self, col: int, value: Any, style: Any) -> None:
        self._empty = False
        if value is None:
            self.ws.write_blank(self.row, col, None, style)
        elif isinstance(value, str):
            if value.startswith(FORMULA_START) and self.styles is not None:
                style = self.styles.quoted(style)  # an office's name never reads as a formula
            self.ws.write_string(self.row, col, value, style)
        else:
            self.ws.write_number(self.row, col, value, style)

    def next(self, height: float | None = None) -> None:
        if height is not None:
            self.ws.set_row(self.row, height)
            if self._empty and self.styles is not None:
                # A row without cells is not written in constant-memory mode, and would
                # print at the sheet's height: a blank cell keeps a spacer's own.
                self.ws.write_blank(self.row, 0, None, self.styles.note)
        self.heights.append(_ROW if height is None else height)
        self.row += 1
        self._empty = True

    def header(self, cells: Sequence[tuple[int, int, str]], style: Any) -> None:
        """A header row: each text across its columns, the row as tall as the longest's
        lines (bold), 24 pt at least."""
        most = 1
        for first, last, text in cells:
            self.merge(first, last, text, style)
            room = column_points(sum(_WIDTHS[first : last + 1]), UNIT_POINTS["xlsxwriter"])
            most = max(most, wrapped_lines(text, room / BOLD_WIDER, _SIZE))
        self.next(max(24.0, row_height(most, _SIZE)))


#: Under the top ten when one of them is provisional (batch.PROVISIONAL: errors in its
#: workbook, several different files, or not in the registry).
PROVISIONAL_NOTE = "* ผลเบื้องต้น ยังไม่ใช่ผลสมบูรณ์ (แบบฟอร์มมีข้อผิดพลาดหรือส่งหลายไฟล์) ดูเหตุผลในแผ่นงานสรุปผล"


def _office_name(name: str, code: str) -> str:
    return name or code


def write_executive(
    book: Any, ws: Any, summary: ExecutiveSummary, decimals: int, map_png: bytes | None = None
) -> BandPercentages:
    """Fill the executive summary sheet ``ws`` of the xlsxwriter workbook ``book``; returns
    where its band percentages sit. ``map_png`` is the small map of the overall score by
    province (report/map_small.py), put right of the top ten; None leaves it out (no office
    was placed on the map)."""
    s = _Styles(book, decimals)
    _page(ws)
    r = _Rows(ws, s)
    _heading(r, s, summary)
    _counts(r, s, summary)
    _means(r, s, summary)
    bands = _bands(book, r, s, summary)
    _rankings(r, s, summary, map_png)
    r.merge(0, _LAST, "แผนที่ขนาดเต็มและตารางค่าเฉลี่ยรายภาคอยู่ในแผ่นงานถัดไป "
            "ตัวเลขชุดเดียวกับแผ่นงานสถิติและตารางรายหน่วยงาน", s.note)  # fmt: skip
    r.next()
    ws.print_area(0, 0, r.row - 1, _LAST)
    return bands


def _page(ws: Any) -> None:
    """Column widths and one A4 portrait page."""
    for col, width in enumerate(_WIDTHS):
        ws.set_column(col, col, width)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    # Room for the header and footer, sized for the scale the page prints at (15 pt): with
    # less, LibreOffice lets them take the body's space and the page's last rows are cut.
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.center_horizontally()
    ws.hide_gridlines(2)
    ws.set_default_row(21)  # 14 pt Thai with marks above and below


def _section(r: _Rows, s: _Styles, title: str) -> None:
    """A section's title across the page."""
    r.merge(0, _LAST, title, s.section)
    r.next(26)


def _heading(r: _Rows, s: _Styles, summary: ExecutiveSummary) -> None:
    """The title, and when the results were made and what they are compared with."""
    r.merge(0, _LAST, summary.title, s.title)
    r.next(34)
    subtitle = f"ประมวลผลเมื่อ {summary.run_date_th}"
    if summary.previous_label:
        subtitle += f"   เทียบกับผลการประเมิน {summary.previous_label}"
    r.merge(0, _LAST, subtitle, s.subtitle)
    r.next(24)
    r.next(8)


def _counts(r: _Rows, s: _Styles, summary: ExecutiveSummary) -> None:
    """Offices expected, scored, provisional, missing."""
    counts = (
        ("หน่วยงานที่ต้องประเมิน", summary.expected),
        ("ประเมินแล้ว", summary.scored),
        ("คะแนนเบื้องต้น (ยังมีข้อผิดพลาด)", summary.provisional),
        ("ยังไม่ได้ส่ง", summary.missing),
    )
    spans = ((0, 1), (2, 4), (5, 6), (7, 8))
    r.header([(first, last, label) for (first, last), (label, _) in
              zip(spans, counts, strict=True)], s.count_label)  # fmt: skip
    for (first, last), (_, value) in zip(spans, counts, strict=True):
        r.merge(first, last, "-" if value is None else value, s.count)
    r.next(32)
    if summary.expected is None:
        r.merge(0, _LAST, "ไม่ได้ระบุทะเบียนหน่วยงาน (--registry) จึงไม่ทราบจำนวนที่ต้องประเมินและที่ยังไม่ได้ส่ง",
                s.note)  # fmt: skip
        r.next()
    r.next(8)


def _means(r: _Rows, s: _Styles, summary: ExecutiveSummary) -> None:
    """Means, with the change from the previous result when there is one."""
    compared = summary.previous_label is not None
    # A change is over the offices scored in both rounds (compare/comparison.py), and says so.
    both = summary.means[0].both if summary.means else 0
    _section(r, s, "คะแนนเฉลี่ย" + (f" และการเปลี่ยนแปลงจาก {summary.previous_label} "
                                   f"(เทียบเฉพาะ {both:,} หน่วยงานที่มีผลทั้งสองครั้ง)"
                                   if compared else ""))  # fmt: skip
    headers: list[tuple[int, int, str]] = [(0, 1, "กลุ่ม"), (2, 2, "จำนวน")]
    col = 3
    for key, _ in PARTS:
        if compared:
            headers += [(col, col, _PART_TH[key]), (col + 1, col + 1, "เปลี่ยนแปลง")]
        else:
            headers.append((col, col + 1, _PART_TH[key]))
        col += 2
    r.header(headers, s.header)
    for row in summary.means:
        r.merge(0, 1, row.scope, s.text)
        r.cell(2, row.count, s.center)
        col = 3
        for key, _ in PARTS:
            if compared:
                r.cell(col, number(row.means[key]), s.score)
                r.cell(col + 1, number(row.changes.get(key)), s.change)
            else:
                r.merge(col, col + 1, number(row.means[key]), s.score)
            col += 2
        r.next()
    r.next(8)


def _bands(book: Any, r: _Rows, s: _Styles, summary: ExecutiveSummary) -> BandPercentages:
    """Band distribution: percentages by type, with a native chart beside the table."""
    _section(r, s, "ระดับผลการประเมิน (ร้อยละของหน่วยงานในแต่ละประเภท)")
    scopes = [t.abbrev_th for t in OfficeType if t.abbrev_th in summary.bands]
    scopes += [k for k in summary.bands if k not in scopes]
    r.merge(0, 1, "ระดับ", s.header)
    for n, scope in enumerate(scopes):
        r.cell(2 + n, scope, s.header)
    header_row = r.row
    r.next(24)
    first_band = r.row
    for label in summary.band_labels:
        r.merge(0, 1, label, s.text)
        for n, scope in enumerate(scopes):
            _, percent = summary.bands[scope][label]
            r.cell(2 + n, number(percent), s.percent)
        r.next(26)
    last_band = r.row - 1
    r.merge(0, 1, "จำนวนหน่วยงาน", s.text)
    for n, scope in enumerate(scopes):
        r.cell(2 + n, sum(c for c, _ in summary.bands[scope].values()), s.center)
    r.next(26)
    columns = {scope: 2 + n for n, scope in enumerate(scopes)}
    table = BandPercentages(r.ws.name, header_row, first_band, last_band, columns)
    if scopes:
        _band_chart(book, r.ws, table, len(summary.band_labels))
    r.next(8)
    return table


def _band_chart(book: Any, ws: Any, table: BandPercentages, bands: int) -> None:
    """A column chart of the band percentages, right of their table."""
    chart = book.add_chart({"type": "column"})
    for scope, col in table.columns.items():
        chart.add_series(
            {
                "name": [ws.name, table.header, col],
                "categories": [ws.name, table.first, 0, table.last, 0],
                "values": [ws.name, table.first, col, table.last, col],
                "fill": {"color": _COLOURS.get(scope, "#70AD47")},
                "gap": 80,
            }
        )
    chart.set_title({"none": True})
    chart.set_y_axis(
        {"min": 0, "max": 100, "name": "ร้อยละ", "major_gridlines": {"visible": True},
         "num_font": {"size": _SIZE}}
    )  # fmt: skip
    # Slanted, so a band's name (ต้องปรับปรุง) stays whole: upright, the narrow chart broke
    # it inside its words.
    chart.set_x_axis({"num_font": {"size": _SIZE, "rotation": -45}})
    chart.set_legend({"position": "bottom", "font": {"size": _SIZE}})
    first_col = 2 + len(table.columns)
    # The chart fills the columns right of the table: xlsxwriter's pixel width of a column
    # is 7 per character unit plus 5.
    width = sum(int(w * 7 + 5) for w in _WIDTHS[first_col:]) - 16
    height = (24 + 26 * (bands + 1)) * 4 // 3 - 4
    chart.set_size({"width": width, "height": height})
    ws.insert_chart(table.header, first_col, chart, {"x_offset": 12, "y_offset": 2})


def _rankings(r: _Rows, s: _Styles, summary: ExecutiveSummary, map_png: bytes | None) -> None:
    """The top ten (with the map right of it), the most improved, and the weakest issues and
    indicators nationally."""
    wide = [(0, 0), (1, 4), (5, 6), (7, 8)]
    header = r.row + 1  # under the section's title
    _table(
        r, s, "10 อันดับแรก (คะแนนรวม)",
        [("อันดับ", s.center), ("หน่วยงาน", s.text), ("ประเภท", s.center),
         ("คะแนนรวม", s.score)],
        wide if map_png is None else [(0, 0), (1, 1), (2, 2), (3, 3)],  # the map in E-I
        [[o.rank, _office_name(o.name, o.code) + (" *" if o.provisional else ""), o.type_th,
          number(o.overall)] for o in summary.top],
        note=PROVISIONAL_NOTE if any(o.provisional for o in summary.top) else None,
        note_last=3 if map_png is not None else _LAST,
    )  # fmt: skip
    if map_png is not None:
        _map(r, map_png, header)
    if summary.previous_label is not None:
        _table(
            r, s, f"พัฒนาขึ้นมากที่สุด 10 อันดับ (เทียบกับ {summary.previous_label})",
            [("ลำดับ", s.center), ("หน่วยงาน", s.text), ("ประเภท", s.center),
             (f"คะแนน {summary.previous_label}", s.score), ("คะแนนรวม", s.score),
             ("เพิ่มขึ้น", s.change)],
            [(0, 0), (1, 1), (2, 2), (3, 4), (5, 6), (7, 8)],
            [[n, _office_name(o.office.name, o.code), o.office.type_th,
              number(o.score("overall", True)), number(o.score("overall")), number(o.change())]
             for n, o in enumerate(summary.improved, start=1)],
            empty="ไม่มีหน่วยงานที่คะแนนรวมเพิ่มขึ้น",
        )  # fmt: skip
    for title, items in (
        ("ประเด็น PMQA 4.0 ที่คะแนนเฉลี่ยต่ำสุด 3 อันดับ", summary.lowest_issues),
        ("ตัวชี้วัดที่คะแนนเฉลี่ยต่ำสุด 3 อันดับ", summary.lowest_indicators),
    ):
        _table(
            r, s, title,
            [("ลำดับ", s.center), ("รายการ", s.text), ("รหัส", s.center),
             ("คะแนนเฉลี่ย", s.score)],
            [(0, 0), (1, 5), (6, 6), (7, 8)],  # long titles: fewer lines, the page stays 9 pt
            [[n, i.title_th, i.id, number(i.mean)] for n, i in enumerate(items, start=1)],
        )  # fmt: skip


def _table(
    r: _Rows,
    s: _Styles,
    title: str,
    columns: Sequence[tuple[str, Any]],
    spans: Sequence[tuple[int, int]],
    rows: Sequence[Sequence[Any]],
    empty: str = "ไม่มีข้อมูล",
    note: str | None = None,
    note_last: int = _LAST,
) -> None:
    """A titled table: each column a header, a style and the sheet columns it spans; a note
    under it when given (across the columns up to ``note_last``)."""
    _section(r, s, title)
    r.header([(first, last, header) for (first, last), (header, _) in
              zip(spans, columns, strict=True)], s.header)  # fmt: skip
    if not rows:
        r.merge(0, spans[-1][1], empty, s.note)
        r.next()
    for row in rows:
        most = 1
        for (first, last), (_, style), value in zip(spans, columns, row, strict=True):
            lines = 1
            if isinstance(value, str):
                room = column_points(sum(_WIDTHS[first : last + 1]), UNIT_POINTS["xlsxwriter"])
                lines = wrapped_lines(value, room, _SIZE)
            r.merge(first, last, value, s.wrap if lines > 1 else style)
            most = max(most, lines)
        r.next(row_height(most, _SIZE) if most > 1 else None)
    if note is not None:
        lines = wrapped_lines(note, column_points(sum(_WIDTHS[: note_last + 1]),
                                                  UNIT_POINTS["xlsxwriter"]), _SIZE)  # fmt: skip
        r.merge(0, note_last, note, s.note_wrap if lines > 1 else s.note)
        r.next(row_height(lines, _SIZE) if lines > 1 else None)
    r.next(8)


def _map(r: _Rows, png: bytes, header: int) -> None:
    """The small map over columns E-I from the top ten's header row down; a row is added under
    the table when it is shorter than the map (few offices), so nothing below runs under it.

    Excel and LibreOffice place a picture by the cells its corners are in, measuring columns by
    the default font's digit (TH Sarabun New 16), xlsxwriter by Calibri 11's: the picture is
    made to end exactly at column I's right edge, so it fills columns E-I in every client, and
    is drawn for their width there (report/map_small.py SUMMARY_MAP_CM)."""
    first = _LAST - 4
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
    pixels = SUMMARY_MAP_DPI / 96  # the picture's pixels to xlsxwriter's
    columns = sum(int(w * 7 + 0.5) + 5 for w in _WIDTHS[first:])  # xlsxwriter's pixels
    tall = SUMMARY_MAP_CM[1] / 2.54 * 96
    r.ws.insert_image(header, first, "map-summary.png", {
        "image_data": io.BytesIO(png), "y_offset": 2, "object_position": 3,
        "x_scale": (columns + 0.01) / (width / pixels), "y_scale": tall / (height / pixels),
    })  # fmt: skip
    short = SUMMARY_MAP_CM[1] / 2.54 * 72 + 6 - sum(r.heights[header:])  # points, with a gap
    if short > 0:
        r.next(short)
