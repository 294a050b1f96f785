"""Print settings of every sheet kind pmqa writes: A4, one page wide, header and footer with the
title, fiscal year and office, page n of m, repeated header rows; the template's instructions
speak to offices only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.registry import load_registry, sample_registry_path
from pmqa_cli.report.printing import PAGE_OF, page_marks
from pmqa_cli.report.template import build_template
from pmqa_cli.rubric.model import Rubric


def visible_sheets(path_or_book: object) -> list[Worksheet]:
    book = (
        path_or_book if not isinstance(path_or_book, Path) else openpyxl.load_workbook(path_or_book)
    )
    return [ws for ws in book.worksheets if ws.sheet_state == "visible"]  # type: ignore[attr-defined]


def assert_printable(ws: Worksheet, *, fiscal_year: int, office: str = "") -> None:
    """A4, fitted to one page wide, with pmqa's header and footer."""
    assert int(ws.page_setup.paperSize or 0) == 9, ws.title  # A4
    fit = ws.sheet_properties.pageSetUpPr
    assert ws.page_setup.fitToWidth == 1 and fit is not None and fit.fitToPage, ws.title
    head, foot = ws.oddHeader, ws.oddFooter
    assert head is not None and foot is not None, ws.title
    header = " ".join(p.text or "" for p in (head.left, head.center, head.right))
    footer = " ".join(p.text or "" for p in (foot.left, foot.right))
    assert f"ปีงบประมาณ พ.ศ. {fiscal_year}" in header, (ws.title, header)
    assert office in header, (ws.title, header)
    assert PAGE_OF in footer, (ws.title, footer)


def test_page_marks_escape_ampersands_and_date_in_buddhist_era() -> None:
    from datetime import date

    marks = page_marks("R&D", 2567, office="สพป.A & B", when=date(2024, 9, 30))
    assert "R&&D" in marks.header_codes and "สพป.A && B" in marks.header_codes
    assert "30 กันยายน 2567" in marks.footer_codes
    assert marks.footer_codes.endswith("หน้า &P จาก &N")


def test_every_template_sheet_prints_with_header_footer_and_office(shipped: Rubric) -> None:
    office = load_registry(sample_registry_path()).get("P001")
    assert office is not None
    wb, _ = build_template(shipped, office)
    sheets = visible_sheets(wb)
    assert [ws.title for ws in sheets] == [
        "คำชี้แจง", "ข้อมูลหน่วยงาน", "PMQA 4.0", "ตัวชี้วัด", "คะแนนเบื้องต้น"]  # fmt: skip
    for ws in sheets:
        assert_printable(ws, fiscal_year=shipped.fiscal_year, office=f"{office.code} {office.name}")
    for name in ("ข้อมูลหน่วยงาน", "PMQA 4.0", "ตัวชี้วัด"):
        assert wb[name].print_title_rows, name  # the header row repeats on every page
    # Internal keys neither show nor print on the office-details sheet.
    assert wb["ข้อมูลหน่วยงาน"].column_dimensions["A"].hidden


def test_instructions_speak_to_offices_only(shipped: Rubric) -> None:
    assert shipped.source_note, "the shipped rubric carries a note for analysts"
    wb, _ = build_template(shipped)
    text = "\n".join(str(c.value) for row in wb["คำชี้แจง"].iter_rows() for c in row if c.value)
    assert "pmqa validate" not in text and "pmqa " not in text, "offices do not have pmqa"
    assert shipped.source_note not in text
    assert "ตรวจสอบก่อนส่ง (ไม่ต้องติดตั้งโปรแกรมใด ๆ)" in text
    assert "ส่งไฟล์ให้ผู้รับผิดชอบการประเมิน" in text


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_draft_note_goes_to_analysts(lang: str, shipped: Rubric) -> None:
    from typer.testing import CliRunner

    from pmqa_cli.cli.app import app

    output = CliRunner().invoke(app, ["--lang", lang, "rubric", "show"]).output
    assert " ".join(shipped.source_note.split()[:4]) in " ".join(output.split())
