"""report/xlsx_fast.py: the feedback workbooks written fast are stock xlsxwriter's bytes.

The fast parts rest on xlsxwriter's private API; each workbook here is written twice, through
them and through stock xlsxwriter alone (``Book.fast = False``), and must come out the same, so
an xlsxwriter that changes what it writes fails here instead of silently changing the files.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner
from xlsxwriter.worksheet import Worksheet

from pmqa_cli.cli.app import app
from pmqa_cli.io.mark import Kind
from pmqa_cli.report.printing import page_marks
from pmqa_cli.report.xlsx_sheet import BODY, HEADER, Book, Style
from pmqa_cli.report.xlsx_zip import zip_package

runner = CliRunner()


def _png(width: int, height: int) -> bytes:
    """A small RGB PNG (xlsxwriter reads its size and resolution)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes((x * 7 + y) % 256 for x in range(3 * width))
                    for y in range(height))  # fmt: skip
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"pHYs", struct.pack(">IIB", 5906, 5906, 1))  # 150 dpi
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))  # fmt: skip


#: Text as submissions may hold it: markup characters, quotes, spaces at the ends, line breaks,
#: Excel's own escapes, a formula's start, control characters, Thai, a long run.
TEXTS = [
    "ข้อความ", "a & b < c > d \"q\" 'p'", " leading", "trailing ", "two\nlines", "_x0041_",
    "=1+1", "+66", "-", "@sum", "\ttab", "bell\x07 and \x1f", "ข้อความภาษาไทยที่ยาว " * 40,
    "<r><t>x</t></r>", "x" * 20000, "\ufffe\uffff", "ค่า 1,250.00 (ร้อยละ 85)",
]  # fmt: skip
NUMBERS = [0, 1, -3, 12.5, 0.1 + 0.2, 1e-7, 123456789012345678, 1 / 3, -0.0, 2**53 + 1, 85.57]
STYLES = [
    BODY, HEADER, Style(wrap=True, valign="top"), Style(bold=True, size=20, color="C00000"),
    Style(fill="FCE4D6", border=True, indent=2), Style(num_format="0.00", align="center"),
    Style(num_format='"ผ่าน";"ผ่าน";"ไม่ผ่าน"', size=14), Style(valign="vcenter", border=True),
]  # fmt: skip


def _every_kind(book: Book, folder: Path) -> Path:
    """A workbook of every kind of cell, style, merge, width, height, freeze, chart and picture
    the feedback writes, and some it does not (a formula, a comment: left to xlsxwriter)."""
    sheet = book.sheet("cells")
    values: list[object] = [*TEXTS, *NUMBERS, True, False, None, ""]
    for n, value in enumerate(values):
        row, col = 1 + n % 23, 1 + (n * 7) % 31  # rows past 16 (a second span), columns past Z
        sheet.put(row, col, value, STYLES[n % len(STYLES)])
    sheet.put(2, 3, "written over", HEADER)
    sheet.put(2, 3, 4.25, STYLES[5])
    sheet.put(40, 2, "after a gap")  # rows 24 to 39: none
    sheet.height(30, 40)  # a row of height alone, no cells
    sheet.height(60, 22)  # beyond the last cell
    sheet.put(25, 1, "merged", HEADER)
    sheet.merge(25, 1, 26, 4)
    for col in range(1, 12):
        sheet.width(col, 6 + col * 1.5)
    sheet.fit_row_height(1, {1: 10, 2: 12, 3: 30})
    sheet.fit_row_height(13, dict.fromkeys(range(1, 32), 8))
    sheet.setup(freeze=2)
    table = book.sheet("table")
    for col, head in enumerate(("ช่วง", "อื่น", "นี้"), start=1):
        table.put(1, col, head, HEADER)
    for row in range(2, 22):
        table.put(row, 1, f"{row * 25}-{row * 25 + 25}", STYLES[7])
        table.put(row, 2, row % 5, STYLES[7])
        table.put(row, 3, int(row == 7), STYLES[7])
        table.height(row, 21.5)
    chart = book.chart({"type": "column", "subtype": "stacked"})
    for col in (1, 2):
        chart.add_series({"name": ["table", 0, col], "categories": ["table", 1, 0, 20, 0],
                          "values": ["table", 1, col, 20, col],
                          "fill": {"color": "#7030A0"}})  # fmt: skip
    chart.set_title({"name": "การกระจาย & <คะแนน>"})
    table.insert_chart(23, 1, chart, (640, 340))
    table.insert_png(2, 5, _png(40, 30), (300, 220), x_offset=11.3)
    table.setup(landscape=False)
    table.fit_one_page()
    for ws in book.sheets:
        ws.finish(page_marks(f"ผลการประเมิน: {ws.name}", 2567, office="P001 & <ทดสอบ>",
                             when=datetime(2024, 1, 2), scale=ws.printed_scale()))  # fmt: skip
    out = folder / "book.xlsx"
    book.save(out, kind=Kind.FEEDBACK, title="ทดสอบ", when=datetime(2024, 1, 2, 3, 4, 5))
    return out


def _both(folder: Path, monkeypatch: pytest.MonkeyPatch, extra: bool = False) -> tuple[bytes, ...]:
    written = []
    for fast in (True, False):
        monkeypatch.setattr(Book, "fast", fast)
        book = Book()
        if extra:  # what pmqa never writes: xlsxwriter writes it, the rest stays fast
            sheet = book.sheet("others")
            sheet.put(1, 1, "before")
            sheet.ws.write_formula(1, 1, "=1+1", book.format(BODY), 2)  # after a cell written
            sheet.put(3, 2, "after", HEADER)
            noted = book.sheet("noted")
            noted.put(1, 1, "noted")
            noted.ws.write_comment(0, 0, "a comment")
            noted.ws.set_row(4, 30, None, {"hidden": True})
        (folder / str(fast)).mkdir(parents=True)
        written.append(_every_kind(book, folder / str(fast)).read_bytes())
    return tuple(written)


def test_every_kind_of_cell_is_written_as_stock_xlsxwriter_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stock_rows = Worksheet._write_rows
    calls: list[str] = []

    def counted(self: Worksheet) -> None:
        calls.append(self.name)
        stock_rows(self)

    monkeypatch.setattr(Worksheet, "_write_rows", counted)
    fast, stock = _both(tmp_path / "plain", monkeypatch)
    assert fast == stock
    assert calls == ["cells", "table"]  # once, by stock xlsxwriter: the fast rows wrote theirs
    calls.clear()
    fast, stock = _both(tmp_path / "extra", monkeypatch, extra=True)
    assert fast == stock
    # A formula, a comment, a hidden row: stock's sheets, the others still fast.
    assert calls == ["others", "noted", "others", "noted", "cells", "table"]


def test_a_batchs_and_a_single_offices_feedback_are_stock_xlsxwriters_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    samples = tmp_path / "in"
    made = runner.invoke(app, ["sample", "-n", "4", "--jobs", "1", "--out", str(samples)])
    assert made.exit_code == 0, made.output
    one = sorted(samples.glob("*.xlsx"))[0]
    for fast in (True, False):
        monkeypatch.setattr(Book, "fast", fast)
        out = tmp_path / str(fast)
        out.mkdir()
        batch = ["batch", str(samples), "-o", str(out / "r.xlsx"), "--feedback", str(out / "fb"),
                 "--jobs", "1"]  # fmt: skip
        score = ["score", str(one), "-o", str(out / "one.xlsx")]
        assert {runner.invoke(app, batch).exit_code, runner.invoke(app, score).exit_code} <= {0, 1}
    fast_files = sorted(p.relative_to(tmp_path / "True") for p in (tmp_path / "True").rglob("*"))
    # the folder, its feedbacks, the results, one office's, and the two folders' records of
    # what pmqa wrote (with the same SHA-256s: the same bytes)
    assert len(fast_files) == 1 + 4 + 2 + 2
    for name in fast_files:
        here, there = tmp_path / "True" / name, tmp_path / "False" / name
        assert here.is_dir() or here.read_bytes() == there.read_bytes(), name


def _zipfiles(members: list[tuple[str, bytes]]) -> bytes:
    """``members`` zipped as xlsxwriter's ``_store_workbook`` zips a package made in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=False) as made:
        for name, data in members:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = made.compression
            made.writestr(info, data)
    return out.getvalue()


def test_a_package_is_zipped_as_zipfile_zips_it_for_xlsxwriter() -> None:
    texts = [t.encode("utf-8") for t in TEXTS]
    members = [(f"xl/part{n}.xml", data) for n, data in enumerate(texts)]
    members += [("[Content_Types].xml", b""), ("xl/media/image1.png", _png(60, 40)),
                ("xl/ชื่อ.xml", texts[0]), ("again.xml", texts[1]),  # a member met before
                ("big.bin", bytes(range(256)) * 3000)]  # fmt: skip
    assert zip_package(members) == _zipfiles(members)
    assert zip_package(members[::-1]) == _zipfiles(members[::-1])  # its deflated bytes kept
    assert zip_package([]) == _zipfiles([])


def test_only_small_members_are_kept_deflated() -> None:
    """The parts workbooks share are kept; an office's own sheet of long evidence texts is
    deflated each time, so a batch's kept bytes stay small whatever its offices wrote."""
    from pmqa_cli.report import xlsx_zip

    small, large = b"<theme/>" * 100, ("หลักฐาน " * 20_000).encode("utf-8")
    assert len(large) > xlsx_zip._LARGEST_KEPT
    members = [("xl/theme/theme1.xml", small), ("xl/sharedStrings.xml", large)]
    xlsx_zip._DEFLATED.clear()
    assert zip_package(members) == _zipfiles(members)
    assert small in xlsx_zip._DEFLATED and large not in xlsx_zip._DEFLATED
    assert zip_package(members) == _zipfiles(members)


def test_only_short_texts_keep_their_shared_string_element(tmp_path: Path) -> None:
    """A header's element is kept for the next workbook; an office's long evidence is escaped
    each time and read back whole."""
    import openpyxl

    from pmqa_cli.report import xlsx_fast

    short, long = "เกณฑ์ & <ข้อ>", "หลักฐาน & <แนบ> " * 300
    assert len(long) > xlsx_fast.KEPT_TEXT
    xlsx_fast._ELEMENTS.clear()
    book = Book()
    sheet = book.sheet("s")
    sheet.put(1, 1, short)
    sheet.put(2, 1, long)
    out = tmp_path / "b.xlsx"
    book.save(out, kind=Kind.FEEDBACK, title="t", when=datetime(2024, 1, 2, 3, 4, 5))
    assert short in xlsx_fast._ELEMENTS and long not in xlsx_fast._ELEMENTS
    ws = openpyxl.load_workbook(out)["s"]
    assert (ws["A1"].value, ws["A2"].value) == (short, long)


def test_what_a_batch_keeps_is_bounded_and_begun_again_when_full() -> None:
    from pmqa_cli.core.memo import Memo

    memo: Memo[str, int] = Memo(most=3)
    assert [memo.keep(k, n) for n, k in enumerate("abc")] == [0, 1, 2]
    assert dict(memo) == {"a": 0, "b": 1, "c": 2}
    assert memo.keep("d", 3) == 3 and dict(memo) == {"d": 3}  # full: forgotten, begun again
