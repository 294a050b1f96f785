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
    """A4, fitted to one page wide (or, too wide for that at 9 pt, across pages at the wide
    tables' scale with its label columns on every page), with pmqa's header and footer."""
    from pmqa_cli.report.tables import WIDE_PRINT_SCALE

    assert int(ws.page_setup.paperSize or 0) == 9, ws.title  # A4
    fit = ws.sheet_properties.pageSetUpPr
    if fit is not None and fit.fitToPage:
        assert ws.page_setup.fitToWidth == 1, ws.title
    else:
        assert ws.page_setup.scale == WIDE_PRINT_SCALE and ws.print_title_cols, ws.title
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


@pytest.mark.parametrize("rubric_id", ["obec-esao-2567", "opdc-pmqa4-24"])
def test_instructions_never_end_a_page_with_a_heading(rubric_id: str) -> None:
    """The guide (คำชี้แจง) places every page break itself, each page's lines fitting A4
    portrait (842 pt less the 0.75" margins, at 100%: LibreOffice and Excel fit at least as
    much), so no client breaks first; a heading (bold) always starts a page with its first
    paragraph (คะแนนเบื้องต้น ended page 2 with its paragraphs on page 3)."""
    from pmqa_cli.rubric.load import load_rubric

    rubric = load_rubric(Path(__file__).parent.parent / "rubrics" / f"{rubric_id}.yaml")[0]
    ws = build_template(rubric)[0]["คำชี้แจง"]
    assert isinstance(ws, Worksheet)
    last = ws.max_row
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    assert breaks, "a guide of several pages breaks where pmqa says"
    pages = list(zip([1, *(b + 1 for b in breaks)], [*breaks, last], strict=True))
    for first, end in pages:
        height = sum(ws.row_dimensions[r].height or 15 for r in range(first, end + 1))
        assert height <= A4[1] - 2 * 0.75 * 72, (first, end, height)
        bottom = [r for r in range(first, end + 1) if str(ws.cell(row=r, column=1).value or "")]
        assert not ws.cell(row=bottom[-1], column=1).font.b or end == last, (first, end)
    headings = [c.row for c in ws["A"] if c.font.b and c.value]
    assert "คะแนนเบื้องต้น" in [ws.cell(row=r, column=1).value for r in headings]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_draft_note_goes_to_analysts(lang: str, shipped: Rubric) -> None:
    from typer.testing import CliRunner

    from pmqa_cli.cli.app import app

    output = CliRunner().invoke(app, ["--lang", lang, "rubric", "show"]).output
    assert " ".join(shipped.source_note.split()[:4]) in " ".join(output.split())


# --- nothing cut, nothing shrunk: every workbook's cells against the room they have ----------

#: The smallest printed text (points): a fitted page prints at its scale of the font's size.
SMALLEST_PRINT = 9.0


#: A4 in points, short side and long side.
A4 = (595.3, 841.9)


def column_widths(ws: Worksheet) -> dict[int, float]:
    """Each column's width (0 hidden) by its number: a file's <col> may cover several columns
    (openpyxl keeps it under the first one's letter; a letter it does not hold reads 13)."""
    from openpyxl.utils import column_index_from_string

    widths: dict[int, float] = {}
    for letter, dim in ws.column_dimensions.items():
        first = column_index_from_string(letter)
        for n in range(first, max(first, dim.max or first) + 1):
            widths[n] = 0.0 if dim.hidden else float(dim.width or 8.43)
    return widths


def fitted_scale(ws: Worksheet, unit: float, last_row: int) -> float | None:
    """The scale a client prints a sheet fitted to the page at (None: not fitted): the
    printable width (A4 by orientation, less the margins) over its columns' total width, and
    where it is fitted to a number of pages tall too, their height over its rows'."""

    setup = ws.sheet_properties.pageSetUpPr
    if setup is None or not setup.fitToPage:
        return None
    landscape = ws.page_setup.orientation == "landscape"
    page_width, page_height = (A4[1], A4[0]) if landscape else A4
    margins = ws.page_margins
    room_width = page_width - 72 * (margins.left + margins.right)
    room_height = page_height - 72 * (margins.top + margins.bottom)
    widths = column_widths(ws)
    columns = sum(widths.get(n, 8.43) for n in range(1, ws.max_column + 1))
    default_row = float(ws.sheet_format.defaultRowHeight or 15)
    rows = sum(ws.row_dimensions[r].height or default_row for r in range(1, last_row + 1))
    scale = 1.0
    wide, tall = ws.page_setup.fitToWidth, ws.page_setup.fitToHeight
    wide = 1 if wide is None else int(wide)  # absent: one page (the file format's default)
    tall = 1 if tall is None else int(tall)
    if wide and columns:
        scale = min(scale, wide * room_width / (columns * unit))
    if tall and rows:
        scale = min(scale, tall * room_height / rows)
    return scale


def layout_flaws(book: openpyxl.Workbook) -> list[str]:
    """Every cell that would print cut or shrunk (report/text_width.py estimates the room):
    shrink-to-fit; wrapped text in a row too short for its lines; text wider than its column
    (or merged range) without wrap, where the cell to its right is not empty to run into;
    text printed below 9 pt at the sheet's print scale: its fixed scale, or for a sheet fitted
    to the page, the scale fitting gives (:func:`fitted_scale`)."""

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

        widths = column_widths(ws)

        def width(col: int, widths: dict[int, float] = widths) -> float:
            return widths.get(col, 8.43)

        scale = fitted_scale(ws, unit, last_row) or (ws.page_setup.scale or 100) / 100
        small: set[float] = set()  # the sizes found too small on this sheet: one flaw each
        # Clients scale the header and footer with the page.
        marks = [float(part.size or 11) for item in (ws.oddHeader, ws.oddFooter) if item
                 for part in (item.left, item.center, item.right) if part.text]  # fmt: skip
        if marks and min(marks) * scale < SMALLEST_PRINT:
            flaws.append(f"{ws.title}: header or footer {min(marks):g} pt prints at "
                         f"{min(marks) * scale:.1f} pt")  # fmt: skip
        for row in ws.iter_rows(min_row=1, max_row=last_row):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if (cell.row, cell.column) in covered or width(cell.column) == 0:
                    continue
                if cell.number_format == ";;;":  # shows and prints nothing (a key pmqa reads)
                    continue
                where = f"{ws.title}!{cell.coordinate}"
                align, font = cell.alignment, cell.font
                size = float(font.sz or default.sz or 11)
                if size * scale < SMALLEST_PRINT and size not in small:
                    small.add(size)
                    flaws.append(f"{where}: {size:g} pt prints at {size * scale:.1f} pt "
                                 f"(scale {scale:.0%})")  # fmt: skip
                if cell.data_type == "f":  # a formula: its result is short (a score, a mark)
                    continue
                if align.shrink_to_fit:
                    flaws.append(f"{where}: shrink to fit")
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


def test_a_sheet_fitted_to_the_page_is_flawed_where_its_text_prints_below_9_pt(
    tmp_path: Path,
) -> None:
    """Fitting a sheet to one page wide shrinks it by its width: a table of 250 width units
    prints 16 pt text at 7 pt (a flaw), one of 140 at 12.8 pt; the header and footer shrink
    with it, so they are set larger where the sheet prints smaller."""
    from pmqa_cli.report.printing import page_marks
    from pmqa_cli.report.writer import body_font, mark_pages, put, save_atomic, setup_page

    def book(width: float) -> openpyxl.Workbook:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        setup_page(ws, landscape=True)
        mark_pages(ws, page_marks("ตาราง", 2567))
        for col in range(1, 11):
            ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
            put(ws, 1, col, "สั้น", font=body_font())
        return wb

    wide, narrow = book(25), book(14)
    assert any("16 pt prints at 7." in flaw for flaw in layout_flaws(wide))
    assert any("header or footer 12 pt" in flaw for flaw in layout_flaws(wide))
    assert layout_flaws(narrow) == []
    # Saved, the header and footer are sized for the scale the sheet prints at.
    from pmqa_cli.io.mark import Kind as MarkKind

    save_atomic(wide, tmp_path / "wide.xlsx", kind=MarkKind.FEEDBACK)
    saved = openpyxl.load_workbook(tmp_path / "wide.xlsx")
    header = saved.active.oddHeader if saved.active is not None else None
    assert header is not None and header.left.size == 21
    assert not any("header" in flaw for flaw in layout_flaws(saved))


def test_a_block_kept_together_counts_the_pages_the_rows_before_it_ran_onto() -> None:
    """keep_together breaks before a block that would run over a page's end. Rows outside any
    block run on to the next page as any rows do: 40 rows of 15 pt fill a landscape page and a
    third of the next, so a block of 10 rows after them fits where it is (no break), and a
    block of 20 rows then does not (a break before it)."""
    from pmqa_cli.report.writer import keep_together

    def breaks(block: tuple[int, int]) -> list[int]:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        for row in range(1, block[1] + 1):
            ws.cell(row=row, column=1, value=f"แถว {row}")
            ws.row_dimensions[row].height = 15
        keep_together(ws, [block], landscape=True)
        return [b.id for b in ws.row_breaks.brk]

    assert breaks((41, 50)) == []
    assert breaks((41, 60)) == [40]
