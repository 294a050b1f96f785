"""Print settings of every sheet kind pmqa writes: A4, one page wide, header and footer with the
title, fiscal year and office, page n of m, repeated header rows; the template's instructions
speak to offices only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment
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


# --- nothing cut, nothing shrunk: every workbook's cells against the room they have ----------

#: The smallest printed text (points): a fitted page prints at its scale of the font's size.
SMALLEST_PRINT = 9.0


def layout_flaws(book: openpyxl.Workbook) -> list[str]:
    """Every cell that would print cut or shrunk (report/text_width.py estimates the room):
    shrink-to-fit; wrapped text in a row too short for its lines; text wider than its column
    (or merged range) without wrap, where the cell to its right is not empty to run into;
    text printed below 9 pt at the sheet's fixed print scale."""
    from openpyxl.utils import get_column_letter

    from pmqa_cli.report.text_width import LINE_PITCH, UNIT_POINTS, column_points, wrapped_lines

    default = book._fonts[0]  # type: ignore[attr-defined]  # the Normal style's font
    unit = UNIT_POINTS["xlsxwriter" if default.name == "TH Sarabun New" else "openpyxl"]
    flaws: list[str] = []
    for ws in visible_sheets(book):
        merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in ws.merged_cells.ranges for row, col in r.cells
                   if (row, col) != (r.min_row, r.min_col)}  # fmt: skip
        last_row = ws.max_row
        if ws.print_area:  # "'sheet'!$A$1:$H$31": what prints
            last_row = min(last_row, int(str(ws.print_area).rsplit("$", 1)[-1]))

        def width(col: int, ws: Worksheet = ws) -> float:
            dim = ws.column_dimensions[get_column_letter(col)]
            return 0.0 if dim.hidden else float(dim.width or 8.43)

        scale = (ws.page_setup.scale or 100) / 100
        setup = ws.sheet_properties.pageSetUpPr
        fitted = setup is not None and setup.fitToPage
        for row in ws.iter_rows(min_row=1, max_row=last_row):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if cell.data_type == "f":  # a formula: its result is short (a score, a mark)
                    continue
                if (cell.row, cell.column) in covered or width(cell.column) == 0:
                    continue
                where = f"{ws.title}!{cell.coordinate}"
                align, font = cell.alignment, cell.font
                size = float(font.sz or default.sz or 11)
                if align.shrink_to_fit:
                    flaws.append(f"{where}: shrink to fit")
                if not fitted and size * scale < SMALLEST_PRINT:
                    flaws.append(f"{where}: prints at {size * scale:.1f} pt")
                span = merged.get((cell.row, cell.column))
                cols = range(cell.column, (span.max_col if span else cell.column) + 1)
                room = column_points(sum(width(c) for c in cols), unit) / (1.05 if font.b else 1)
                lines = wrapped_lines(cell.value, room, size)
                rows = range(cell.row, (span.max_row if span else cell.row) + 1)
                if align.wrap_text:
                    height = sum(ws.row_dimensions[r].height or 15.0 for r in rows)
                    if height + 0.5 < lines * LINE_PITCH * size:
                        flaws.append(f"{where}: {lines} lines in {height} pt ({cell.value[:40]!r})")
                elif lines > 1 or "\n" in cell.value:
                    right = ws.cell(row=cell.row, column=cols[-1] + 1).value
                    last = cols[-1] + 1 > ws.max_column
                    if right not in (None, "") or last or "\n" in cell.value:
                        flaws.append(f"{where}: {cell.value[:40]!r} is wider than its column")
    return flaws


def test_a_wrapped_cell_is_given_the_lines_it_takes() -> None:
    """The estimate behind every row height: Thai breaks between words (a line ends short),
    a bigger font takes more lines, and a row too short is found."""
    from pmqa_cli.report.text_width import column_points, wrapped_lines
    from pmqa_cli.report.writer import body_font, fit_row_height, put

    title = "ระดับความสำเร็จของการพัฒนาบุคลากรตามแผนพัฒนารายบุคคล (ID Plan) ของสำนักงานเขตพื้นที่การศึกษา"
    room = column_points(36)
    assert wrapped_lines("สั้น", room, 16) == 1
    assert wrapped_lines(title, room, 16) == 3  # KPI-7.3.1 on ขั้นต่อไป: three lines, not two
    assert wrapped_lines(title, room, 20) > wrapped_lines(title, room, 16)
    assert wrapped_lines("a\nb\nc", room, 16) == 3
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.column_dimensions["A"].width = 36
    put(ws, 1, 1, title, font=body_font(), alignment=Alignment(wrap_text=True))
    ws.row_dimensions[1].height = 60  # two lines' room: the third is cut
    assert any("3 lines" in flaw for flaw in layout_flaws(book))
    fit_row_height(ws, 1, {1: 36})
    assert layout_flaws(book) == []
    put(ws, 2, 1, title, font=body_font(), alignment=Alignment(shrink_to_fit=True))
    put(ws, 2, 2, "x")
    flaws = layout_flaws(book)
    assert any("A2: shrink to fit" in f for f in flaws)
    assert any("A2:" in f and "wider than its column" in f for f in flaws)


@pytest.mark.parametrize("rubric_id", ["obec-esao-2567", "opdc-pmqa4-24"])
def test_no_workbook_prints_text_cut_or_shrunk(tmp_path: Path, rubric_id: str) -> None:
    """Every kind of workbook pmqa writes (results, feedback, comparison, review, template),
    for both shipped rubrics: no shrink-to-fit, every wrapped cell's row tall enough for its
    lines, no text wider than its column without wrap, nothing printed below 9 pt."""
    from typer.testing import CliRunner

    from pmqa_cli.cli.app import app

    run = CliRunner().invoke
    rubric = ["--rubric", rubric_id]
    samples, feedback = tmp_path / "subs", tmp_path / "feedback"
    assert run(app, ["sample", *rubric, "-n", "8", "--out", str(samples)]).exit_code == 0
    registry = str(sample_registry_path())
    outputs = {name: tmp_path / f"{name}.xlsx"
               for name in ("results", "review", "template", "comparison")}  # fmt: skip
    batch = [*rubric, str(samples), "--registry", registry, "--feedback", str(feedback)]
    first = run(app, ["batch", *batch, "-o", str(outputs["results"]),
                      "--json", str(tmp_path / "r.json")])  # fmt: skip
    assert first.exit_code in (0, 1), first.output
    assert run(app, ["review-sheet", *rubric, str(samples), "-o", str(outputs["review"]),
                     "--registry", registry]).exit_code == 0  # fmt: skip
    made = run(app, ["template", *rubric, "--office", "P001", "-o", str(outputs["template"])])
    assert made.exit_code == 0
    # One result against itself: two labels of one round would be refused, so each is named.
    compared = run(app, ["compare", *rubric, str(tmp_path / "r.json"), str(tmp_path / "r.json"),
                         "-o", str(outputs["comparison"]), "--old-label", "2567 รอบ 6 เดือน",
                         "--new-label", "2567 รอบ 12 เดือน"])  # fmt: skip
    assert compared.exit_code == 0, compared.output
    books = [*outputs.values(), *sorted(feedback.glob("*.xlsx"))[:2]]
    flaws = {path.name: layout_flaws(openpyxl.load_workbook(path)) for path in books}
    assert {name: found[:5] for name, found in flaws.items() if found} == {}
