"""report/xlsx_sheet.py: the feedback workbook's styled cells, their formats and row heights."""

from __future__ import annotations

import pickle

from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.text_width import row_height, text_lines
from pmqa_cli.report.xlsx_sheet import BODY, HEADER, Book, Style


def test_equal_styles_made_apart_hash_alike_and_share_one_format() -> None:
    made = Style(bold=True, border=True)
    changed = BODY.but(border=True).but(bold=True)
    assert made == changed and hash(made) == hash(changed)
    assert made != made.but(size=14) and hash(made) == hash(Style(bold=True, border=True))
    book = Book()
    assert book.format(made) is book.format(changed)
    assert book.format(made) is not book.format(made, quoted=True)
    assert book.format(made) is not book.format(HEADER)


def test_a_pickled_style_carries_no_hash_of_another_process() -> None:
    style = Style(wrap=True, color="595959")
    hash(style)  # worked out and kept
    state = pickle.loads(pickle.dumps(style)).__dict__
    assert "_hash" not in state
    back = pickle.loads(pickle.dumps(Style(wrap=True, color="595959")))
    assert back == style and hash(back) == hash(style)


def test_a_row_is_as_tall_as_its_most_wrapped_cell_and_one_line_at_least() -> None:
    sheet = Book().sheet("s")
    text = "ข้อความภาษาไทยที่ยาวพอจะขึ้นบรรทัดใหม่ในคอลัมน์แคบ " * 3
    sheet.put(1, 1, text, Style(wrap=True, size=14))
    sheet.put(1, 2, 12.5)
    sheet.put(1, 3, "")
    sheet.fit_row_height(1, {1: 10, 2: 10, 3: 10})
    lines = text_lines(text, 10, size=14)
    assert lines > 1
    expected = max(row_height(1, FONT_SIZE), row_height(lines, 14))
    assert sheet.heights[1] >= expected and sheet.heights[1] - expected < 0.75
    sheet.put(2, 1, 3.0)
    sheet.put(2, 2, "short", Style(bold=True))
    sheet.fit_row_height(2, {1: 10, 2: 40, 4: 10})  # column 4: nothing written there
    one = row_height(1, FONT_SIZE)
    assert sheet.heights[2] >= one and sheet.heights[2] - one < 0.75
    assert (sheet.max_row, sheet.max_col) == (2, 3)


def test_short_texts_are_kept_once_worked_out_and_an_offices_long_text_is_not() -> None:
    """A batch's headers are worked out once; an evidence text of thousands of characters is
    worked out each time, so thousands of offices' texts cannot fill a worker's memory."""
    from pmqa_cli.report import xlsx_sheet

    xlsx_sheet._kept_text.cache_clear()
    xlsx_sheet._kept_height.cache_clear()
    sheet = Book().sheet("s")
    short = "=ผลการดำเนินงาน"  # starts like a formula: quoted, from the kept answer too
    long = "หลักฐาน " * 400  # 3,200 characters
    for row in (1, 2):
        sheet.put(row, 1, short, Style(wrap=True))
        sheet.put(row, 2, long, Style(wrap=True))
        sheet.fit_row_height(row, {1: 10, 2: 10})
    assert xlsx_sheet._kept_text.cache_info().currsize == 1
    assert xlsx_sheet._kept_text.cache_info().hits == 1
    assert xlsx_sheet._kept_height.cache_info().currsize == 1
    assert sheet.book.format(Style(wrap=True), quoted=True) is not None
    tall = row_height(text_lines(long, 10, size=FONT_SIZE), FONT_SIZE)
    assert xlsx_sheet._text_height(long, 10, FONT_SIZE, False) == tall
    assert xlsx_sheet._text(short) == (short, True)
