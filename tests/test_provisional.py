"""The template checks and scores itself: the score sheet, live checks, defined names, portable
formulas, and pmqa reading around them. (LibreOffice's recalculation of all of this is proven
against pmqa in tests/test_libreoffice.py.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.io.layout import SHEET_SCORE
from pmqa_cli.report.formulas import FUNCTIONS
from pmqa_cli.report.provisional import HEADLINE_NAMES
from pmqa_cli.report.template import build_template
from pmqa_cli.rubric.model import Rubric

from .builders import Sheets, SubmissionFactory, complete, find_col, find_row

SCORE = "คะแนนเบื้องต้น"
#: Functions Excel 2010 lacks (or LibreOffice 7.x): never in a generated formula.
MODERN = {"LET", "IFS", "XLOOKUP", "XMATCH", "FILTER", "SORT", "UNIQUE", "SEQUENCE", "SWITCH",
          "MAXIFS", "MINIFS", "CONCAT", "TEXTJOIN", "LAMBDA", "IFNA", "FORMULATEXT"}  # fmt: skip


def sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


@pytest.fixture(scope="module")
def template(shipped: Rubric) -> openpyxl.Workbook:
    return build_template(shipped)[0]


def formulas(wb: openpyxl.Workbook) -> list[str]:
    found = []
    for ws in wb.worksheets:
        assert isinstance(ws, Worksheet)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(str(cell.value))
        for rules in ws.conditional_formatting:
            for rule in rules.rules:
                found += list(rule.formula or [])
    return found


def test_only_functions_excel_2010_and_libreoffice_share(template: openpyxl.Workbook) -> None:
    every = formulas(template)
    assert len(every) > 300
    used = {name for f in every for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", f)}
    assert used <= FUNCTIONS, used - FUNCTIONS
    assert not used & MODERN
    assert not any("_xlfn" in f or "_xlws" in f for f in every)
    # Excel's limits: 8,192 characters and 64 nesting levels per formula.
    assert max(len(f) for f in every) < 8192
    assert max(f.count("(") for f in every) < 200


def test_score_sheet_is_visible_locked_and_says_whose_score_is_official(
    template: openpyxl.Workbook,
) -> None:
    ws = sheet(template, SCORE)
    assert ws.sheet_state == "visible"
    assert ws.protection.sheet and not ws.protection.password
    assert all(c.protection.locked for row in ws.iter_rows() for c in row)
    notice = str(ws["A2"].value)
    assert "คะแนนทางการคือคะแนนที่ สพฐ. คำนวณ" in notice
    assert "official score is the one OBEC computes" in notice
    # Nothing hidden: every formula cell shows its formula.
    assert not any(c.protection.hidden for row in ws.iter_rows() for c in row)
    assert template.sheetnames.index(SCORE) == template.sheetnames.index("ตัวชี้วัด") + 1


def test_defined_names_point_at_the_labelled_headline_cells(template: openpyxl.Workbook) -> None:
    ws = sheet(template, SCORE)
    for name in ("pmqa_overall", "pmqa_part_pmqa", "pmqa_part_results", "pmqa_completeness"):
        assert name in HEADLINE_NAMES
    for name in HEADLINE_NAMES:
        defined = template.defined_names[name]
        ((title, ref),) = list(defined.destinations)
        assert title == SCORE
        cell = ws[ref.replace("$", "")]
        assert ws.cell(row=cell.row, column=1).value == name  # the key beside it
        assert isinstance(ws.cell(row=cell.row, column=2).value, str)  # a label
        assert cell.data_type == "f"


def test_rubric_numbers_are_cells_the_formulas_use(
    template: openpyxl.Workbook, shipped: Rubric
) -> None:
    ws = sheet(template, SCORE)
    row = find_row(ws, "KPI-7.1.3")
    thresholds = [ws.cell(row=row, column=c).value for c in range(5, 10)]
    assert thresholds == [Decimal(t) for t in ("1", "0.8", "0.6", "0.4", "0.2")]
    assert ws.cell(row=row, column=10).value == 10  # weight
    level = str(ws.cell(row=row, column=17).value)
    assert "$E" in level and "$I" in level and "0.8" not in level
    levels = find_row(ws, "level_scores")
    assert [ws.cell(row=levels, column=c).value for c in range(4, 9)] == [100, 200, 300, 400, 500]
    issue = find_row(ws, "PM1")
    assert ws.cell(row=issue, column=4).value == 1  # category
    assert ws.cell(row=issue, column=5).value == 15  # weight
    crit = find_row(ws, "PM1-B1")
    assert ws.cell(row=crit, column=4).value == 300  # the tier's points


def test_every_answer_has_a_check_and_turns_red(template: openpyxl.Workbook) -> None:
    for name, target, ids in (
        ("PMQA 4.0", "ผลการประเมินตนเอง", ("PM1-B1", "PM8-S1")),
        ("ตัวชี้วัด", "ผลการดำเนินงาน", ("KPI-7.1.1", "KPI-7.6.2")),
    ):
        ws = sheet(template, name)
        check_col = find_col(ws, "ตรวจสอบ")
        answer = find_col(ws, target)
        for item in ids:
            row = find_row(ws, item)
            formula = str(ws.cell(row=row, column=check_col).value)
            # Looked up by the row's own id: a sorted sheet still checks the right item.
            assert f"MATCH($A{row}," in formula and SCORE in formula
            assert ws.cell(row=row, column=check_col).protection.locked
        ranges = {str(r.sqref): r.rules for r in ws.conditional_formatting}
        letter = openpyxl.utils.get_column_letter(answer)
        red = [k for k in ranges if k.startswith(letter)]
        assert red, ranges
        (rule,) = ranges[red[0]]
        assert rule.dxf.fill is not None and "✗" in rule.formula[0]
        assert "ตอบแล้ว" in str(ws.cell(row=1, column=answer).value)


def test_validation_messages_in_thai_and_english(template: openpyxl.Workbook) -> None:
    for name in ("PMQA 4.0", "ตัวชี้วัด", "ข้อมูลหน่วยงาน"):
        for dv in sheet(template, name).data_validations.dataValidation:
            assert dv.showErrorMessage and dv.showInputMessage
            assert re.search("[\u0e00-\u0e7f]", dv.prompt or "") and re.search(
                "[A-Za-z]{4}", dv.prompt or ""
            ), dv.prompt
            assert "Invalid" in (dv.errorTitle or "")
            assert len(dv.prompt or "") <= 255  # Excel's limit for an input message
            # Excel "repairs" a file whose message titles are longer than 32 characters.
            assert len(dv.errorTitle or "") <= 32 and len(dv.promptTitle or "") <= 32


def test_instructions_explain_colours_and_provisional_score(template: openpyxl.Workbook) -> None:
    text = "\n".join(str(c.value) for c in sheet(template, "คำชี้แจง")["A"] if c.value)
    assert "สีแดง" in text and "สีเหลือง" in text and "ตอบแล้ว" in text
    assert "คะแนนเบื้องต้น" in text and "คะแนนทางการคือคะแนนที่ สพฐ." in text


def test_mini_rubric_template_has_its_own_rows(mini: Rubric) -> None:
    wb = build_template(mini)[0]
    ws = sheet(wb, SCORE)
    ids = {ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)}
    assert {"C1", "C9", "I1", "I2", "K1", "K6"} <= ids
    assert ws.cell(row=find_row(ws, "K6"), column=11).value == "สพม."


# --- pmqa reads around the formulas ------------------------------------------------------


def test_check_cells_with_cached_text_are_never_answers(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    def cached_checks(sheets: Sheets) -> None:
        # As if a spreadsheet had calculated them: the check column holds text.
        for name in ("PMQA 4.0", "ตัวชี้วัด"):
            ws = sheets[name]
            col = find_col(ws, "ตรวจสอบ")
            for row in range(4, ws.max_row + 1):
                if ws.cell(row=row, column=col).data_type == "f":
                    ws.cell(row=row, column=col).value = "✗ ยังไม่ตอบ / missing"

    filled = complete(shipped)
    plain_path = make_submission(shipped, filled, name="a.xlsx")
    checked_path = make_submission(shipped, filled, name="b.xlsx", edit=cached_checks)
    plain, checked = score_office(plain_path, shipped), score_office(checked_path, shipped)
    assert checked.findings == plain.findings == ()
    assert (
        read_submission(checked_path, shipped).criteria
        == read_submission(plain_path, shipped).criteria
    )
    assert checked.scores is not None and plain.scores is not None
    assert checked.scores.to_dict() == plain.scores.to_dict()


def _overwrite(key: str, value: float) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets[SCORE]
        ws.cell(row=find_row(ws, key), column=3).value = value

    return edit


@pytest.mark.parametrize(
    ("delta", "noted"), [(0, False), (0.00004, False), (-0.00004, False), (0.0002, True)]
)
def test_cached_provisional_score_compared_to_the_last_decimal(
    shipped: Rubric,
    make_submission: SubmissionFactory,
    tmp_path: Path,
    delta: float,
    noted: bool,
) -> None:
    filled = complete(shipped)
    expected = score_office(make_submission(shipped, filled, name="x.xlsx"), shipped).scores
    assert expected is not None and expected.overall is not None
    edit = _overwrite("pmqa_overall", float(expected.overall) + delta)
    report = score_office(
        make_submission(shipped, filled, name="y.xlsx", edit=edit),
        shipped,
    )
    notes = [f for f in report.findings if f.code == "provisional-differs"]
    assert bool(notes) is noted
    assert report.valid  # a note, never an error
    if noted:
        (note,) = notes
        assert note.sheet == SCORE and note.cell is not None and note.cell.startswith("C")
        assert note.severity == "note" and report.warnings == 0 and report.notes == 1
        assert f"{float(expected.overall) + delta:.4f}" in note.message_en
        assert report.scores is not None and report.scores.overall == expected.overall


def test_uncalculated_or_other_rubric_templates_get_no_note(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    # openpyxl writes formulas with no cached value: nothing to compare.
    path = make_submission(shipped, complete(shipped))
    assert read_submission(path, shipped).provisional == []
    assert score_office(path, shipped).findings == ()


def test_an_empty_results_part_cached_as_empty_agrees(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    filled = complete(shipped)
    edit = _overwrite("pmqa_part_results", 123.0)
    report = score_office(
        make_submission(shipped, filled, edit=edit),
        shipped,
    )
    (note,) = [f for f in report.findings if f.code == "provisional-differs"]
    assert "123.0000" in note.message_th


def test_reordered_sample_rows_keep_their_own_checks(shipped: Rubric, tmp_path: Path) -> None:
    from pmqa_cli.io.registry import load_registry, sample_registry_path
    from pmqa_cli.report.sample import generate_samples

    planted = generate_samples(shipped, load_registry(sample_registry_path()), 30, tmp_path)
    reordered = [p for p in planted if p.kind == "reordered-rows"]
    assert reordered
    wb = openpyxl.load_workbook(tmp_path / reordered[0].file)
    ws = sheet(wb, "PMQA 4.0")
    col = find_col(ws, "ตรวจสอบ")
    for row in range(4, ws.max_row + 1):
        cell = ws.cell(row=row, column=col)
        if cell.data_type == "f":
            assert f"MATCH($A{row}," in str(cell.value)


@pytest.mark.parametrize("template", ["obec-esao-2567.xlsx", "opdc-pmqa4-24.xlsx"])
def test_the_headline_cells_are_in_the_rows_pmqa_reads(template: str) -> None:
    """pmqa reads only the score sheet's first SUMMARY_ROWS rows: the keys must be there."""
    from pmqa_cli.assess.provisional_check import PROVISIONAL_KEYS, SUMMARY_ROWS

    path = Path(__file__).parent.parent / "templates" / template
    ws = openpyxl.load_workbook(path)[SHEET_SCORE]
    rows = {c.value: c.row for c in ws["A"] if c.value in PROVISIONAL_KEYS}
    assert set(rows) == set(PROVISIONAL_KEYS)
    assert max(rows.values()) <= SUMMARY_ROWS


# --- what staff see and print --------------------------------------------------------------


def test_keys_are_there_for_pmqa_but_never_shown_or_printed(template: openpyxl.Workbook) -> None:
    """Column A's keys (defined names, rubric codes) show and print nothing (number format
    ;;;); item ids, which staff know from the answer sheets, show as they are."""
    ws = sheet(template, SCORE)
    keys = {c.value: c for c in ws["A"] if isinstance(c.value, str) and c.row > 2}
    for name in (*HEADLINE_NAMES, "office_type", "level_scores", "decimals", "category_1"):
        assert keys[name].number_format == ";;;", name
    for item in ("PM1-B1", "PM1", "KPI-7.1.1"):
        assert keys[item].number_format != ";;;", item
    shown = [c.value for c in keys.values() if c.number_format != ";;;"]
    assert not [v for v in shown if "_" in str(v)], shown  # no programmer text on show
    # A header over hidden keys says nothing ("รหัส" only over item ids).
    for cell in ws["A"]:
        if cell.value == "รหัส":
            below = ws.cell(row=cell.row + 1, column=1)
            assert below.number_format != ";;;", cell.coordinate


@pytest.mark.parametrize("rubric_id", ["obec-esao-2567", "opdc-pmqa4-24"])
def test_each_part_prints_from_its_own_page_at_57_percent(rubric_id: str) -> None:
    """Too wide for one page at 9 pt, the sheet prints at 57% across pages with its labels
    (id, check, title) and its title on every page; each part is a print range of its own,
    as wide as its columns, so every block starts a page under its own header and no page
    holds only repeated labels; a page a part continues on starts with its headings again."""
    from pmqa_cli.rubric.load import load_rubric

    rubric = load_rubric(Path(__file__).parent.parent / "rubrics" / f"{rubric_id}.yaml")[0]
    ws = sheet(build_template(rubric)[0], SCORE)
    assert ws.page_setup.scale == 57 and ws.page_setup.pageOrder == "overThenDown"
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert ws.print_title_cols == "$A:$C" and ws.print_title_rows == "$1:$1"
    ranges = [r.split("!")[-1].replace("$", "") for r in str(ws.print_area).split(",")]
    assert len(ranges) == 5  # summary and rubric numbers, criteria, issues, indicators, means
    starts = [int(re.sub(r"[A-Z]", "", r.split(":")[0])) for r in ranges]
    assert starts[0] == 1
    titles = [str(ws.cell(row=row, column=1).value) for row in starts[1:]]
    assert [t.split(":")[0].split(" / ")[0] for t in titles] == [
        "PMQA 4.0 หมวด 1-6", "PMQA 4.0 หมวด 1-6", "หมวด 7", "คะแนนรายหมวดและรายมิติ"]  # fmt: skip
    # Each range as wide as its own columns: the criteria's ends at G, the indicators' at R
    # (T with the office's own targets).
    ends = [re.sub(r"\d", "", r.split(":")[1]) for r in ranges]
    assert ends[1] == "G" and ends[3] == ("T" if rubric.has_workbook_targets else "R")
    # Tables are kept whole where they fit on a page: a page starts with the rubric's numbers
    # (under the summary) and otherwise only with a table's header or an issue's criteria.
    # A page a part continues on starts with its title and header repeated (two rows), and
    # never inside an issue's criteria.
    from pmqa_cli.report.score_sheet import CONTINUED

    breaks = [b.id + 1 for b in ws.row_breaks.brk]
    assert str(ws.cell(row=breaks[0], column=1).value).startswith("ค่าจากเกณฑ์")
    for row in breaks[1:]:
        if str(ws.cell(row=row, column=1).value).endswith(CONTINUED):
            above = ws.cell(row=row - 1, column=3).value  # the criteria's "issue · tier"
            here = ws.cell(row=row + 2, column=3).value
            assert str(above).split(" · ")[0] != str(here).split(" · ")[0], row
            continue
        header = ws.cell(row=row, column=2).value
        assert header in ("ระดับ / Tier", "ระดับผลการประเมิน (คะแนนรวม) / Bands",
                          "สถานะ PMQA 4.0 (หมวด 1-6) / Status"), row  # fmt: skip
    if rubric_id == "opdc-pmqa4-24":
        assert len(breaks) > 5  # 160 criteria: several pages, each from an issue's start


def _score_pages(ws: Worksheet) -> list[tuple[int, int]]:
    """The score sheet's printed pages as (first, last) rows: each print range (a part) cut at
    the manual row breaks (the sheet's title, row 1, is printed atop each)."""
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    pages = []
    for area in str(ws.print_area).split(","):
        first, last = (int(re.sub(r"[^0-9]", "", c)) for c in area.split("!")[-1].split(":"))
        cuts = [b for b in breaks if first <= b < last]
        for lo, hi in zip([first, *(b + 1 for b in cuts)], [*cuts, last], strict=True):
            pages.append((max(lo, 2), hi))
    return pages


@pytest.mark.parametrize("rubric_id", ["obec-esao-2567", "opdc-pmqa4-24", "mean-rubric"])
def test_every_page_of_a_part_prints_under_the_parts_headings(rubric_id: str) -> None:
    """Criteria, issues, indicators and the means: every page that prints a part's rows starts
    with the part's title (marked continued after its first page) and its column header, the
    same as on its first page; pmqa places every break (each page's rows fit the page at 57%
    as estimated, less than LibreOffice and Excel fit), so no client breaks a page first."""
    from pmqa_cli.report.score_pages import PAGE_ROWS
    from pmqa_cli.report.score_sheet import CONTINUED, LAST_COL
    from pmqa_cli.rubric.load import load_rubric

    root = Path(__file__).parent
    path = root / "fixtures" if rubric_id == "mean-rubric" else root.parent / "rubrics"
    rubric = load_rubric(path / f"{rubric_id}.yaml")[0]
    book = build_template(rubric)[0]
    ws = sheet(book, SCORE)

    def height(row: int) -> float:
        return float(ws.row_dimensions[row].height or 15)

    def header(row: int) -> list[object]:
        return [ws.cell(row=row, column=c).value for c in range(1, LAST_COL + 1)]

    pages = _score_pages(ws)
    parts: dict[str, list[object]] = {}  # a part's title -> its column header
    continued = 0
    for first, last in pages:
        assert height(1) + sum(height(r) for r in range(first, last + 1)) <= PAGE_ROWS, first
        title = str(ws.cell(row=first, column=1).value)
        if title.endswith(CONTINUED):  # a part's later page: its title and header repeated
            continued += 1
            assert header(first + 1) == parts[title.removesuffix(CONTINUED)], first
        elif first > 2 and ws.cell(row=first + 1, column=1).value in ("รหัส", ""):
            parts[title] = header(first + 1)  # a part's first page
        else:  # the summary and the rubric's numbers: small tables, each kept whole
            assert not parts, first
    assert len(parts) == 4, list(parts)  # criteria, issues, indicators, the means
    assert continued >= {"obec-esao-2567": 3, "opdc-pmqa4-24": 10}.get(rubric_id, 0)
    # The repeated headings hold text: no formula adds up, counts or looks up a range that
    # holds one (each sums the runs of rows between them).
    repeated = {
        row for row in range(1, ws.max_row + 1)
        if str(ws.cell(row=row, column=1).value).endswith(CONTINUED)
    }  # fmt: skip
    repeated |= {row + 1 for row in repeated}
    ranges = re.compile(r"\$?[A-Z]+\$?(\d+):\$?[A-Z]+\$?(\d+)")
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                for lo, hi in ranges.findall(str(cell.value)):
                    inside = [r for r in repeated if int(lo) <= r <= int(hi)]
                    assert not inside, (cell.coordinate, lo, hi)
    names = ["PMQA 4.0", "ตัวชี้วัด"] if rubric.indicators else ["PMQA 4.0"]
    for name in names:  # "ตอบแล้ว x จาก y ข้อ" atop each answer sheet
        (count,) = [c for c in next(sheet(book, name).iter_rows(max_row=1))
                    if c.data_type == "f" and "ตอบแล้ว" in str(c.value)]  # fmt: skip
        spans = ranges.findall(str(count.value))
        assert spans, name
        for lo, hi in spans:
            assert not [r for r in repeated if int(lo) <= r <= int(hi)], (name, lo, hi)


def test_completeness_prints_inside_its_border(template: openpyxl.Workbook) -> None:
    """ "ตอบแล้ว 999 จาก 999 ข้อ" at its longest fits the merged cells D-F on one line (in
    column D alone it ran past the border), at the body's 16 pt."""
    from pmqa_cli.report.score_sheet import WIDTHS
    from pmqa_cli.report.writer import text_lines

    ws = sheet(template, SCORE)
    row = find_row(ws, "pmqa_completeness")
    assert f"D{row}:F{row}" in {str(r) for r in ws.merged_cells.ranges}
    cell = ws.cell(row=row, column=4)
    assert "ตอบแล้ว" in str(cell.value) and cell.alignment.wrap_text
    assert (cell.font.sz or 16) >= 16
    assert text_lines("ตอบแล้ว 999 จาก 999 ข้อ", sum(WIDTHS[c] for c in (4, 5, 6))) == 1
    assert not any(ws.cell(row=row, column=c).value for c in (5, 6))


def test_headline_says_incomplete_until_every_answer_is_usable(
    template: openpyxl.Workbook,
) -> None:
    """A blank template shows no failing score: each headline score, band and status says
    ยังกรอกไม่ครบ with the count until every item to answer has a usable answer; then the
    score's own formula, as before."""
    ws = sheet(template, SCORE)
    rows = {c.value: c.row for c in ws["A"] if c.value in HEADLINE_NAMES}
    answered, required = f"$C${rows['pmqa_answered']}", f"$C${rows['pmqa_required']}"
    for key in ("pmqa_overall", "pmqa_band", "pmqa_part_pmqa", "pmqa_status", "pmqa_part_results"):
        formula = str(ws.cell(row=rows[key], column=3).value)
        notice = f'"ยังกรอกไม่ครบ (ตอบแล้ว "&{answered}&" จาก "&{required}&" ข้อ)"'
        assert formula.startswith(f"=IF({answered}<{required},{notice},"), (key, formula)
    band = str(ws.cell(row=rows["pmqa_band"], column=3).value)
    assert f"LOOKUP(ROUND($C${rows['pmqa_overall']}," in band
    for key in ("pmqa_completeness", "pmqa_answered", "pmqa_required"):
        assert "ยังกรอกไม่ครบ" not in str(ws.cell(row=rows[key], column=3).value), key


@pytest.mark.parametrize("complete_answers", [True, False])
def test_a_headline_cached_as_text_is_not_compared(
    shipped: Rubric, make_submission: SubmissionFactory, complete_answers: bool
) -> None:
    """Text cached in a headline cell (ยังกรอกไม่ครบ while incomplete, or anything typed over
    it) is not a score: pmqa reads no value from it and gives no provisional-differs note;
    a number in the same cell is compared."""
    filled = complete(shipped) if complete_answers else None
    notice = "ยังกรอกไม่ครบ (ตอบแล้ว 12 จาก 61 ข้อ)"

    def texts(sheets: Sheets) -> None:
        ws = sheets[SCORE]
        for key in ("pmqa_overall", "pmqa_part_pmqa", "pmqa_part_results"):
            ws.cell(row=find_row(ws, key), column=3).value = notice

    path = make_submission(shipped, filled, edit=texts)
    assert read_submission(path, shipped).provisional == []
    report = score_office(path, shipped)
    assert not [f for f in report.findings if f.code == "provisional-differs"]
    number = make_submission(shipped, filled, edit=_overwrite("pmqa_overall", 123.0))
    noted = [f for f in score_office(number, shipped).findings if f.code == "provisional-differs"]
    assert len(noted) == 1


# --- templates already sent out ------------------------------------------------------------

#: The template of obec-esao-2567 as pmqa wrote it before the score sheet's keys were hidden
#: and its headline said ยังกรอกไม่ครบ (keys shown in grey in column A, values in column C):
#: offices fill and send copies of it, which pmqa reads and checks exactly as before.
OLD_LAYOUT = Path(__file__).parent / "fixtures" / "template-2567.1-old-layout.xlsx"
#: The template as pmqa wrote it before each part's headings were repeated on every page it
#: prints on (a part's column headings on its first page only): sent out too.
ONE_HEADER_LAYOUT = Path(__file__).parent / "fixtures" / "template-2567.2-part-headers-once.xlsx"


def _old_layout_submission(
    shipped: Rubric, folder: Path, overall: float | None, layout: Path = OLD_LAYOUT
) -> Path:
    from pmqa_cli.io.mark import Kind
    from pmqa_cli.report.writer import save_atomic

    filled = complete(shipped)
    wb = openpyxl.load_workbook(layout)
    pmqa, kpi = sheet(wb, "PMQA 4.0"), sheet(wb, "ตัวชี้วัด")
    for ws, values in ((pmqa, filled.answers), (kpi, filled.values)):
        col = find_col(ws, "ผลการ")  # ผลการประเมินตนเอง, ผลการดำเนินงาน
        for item, cell in values.items():
            ws.cell(row=find_row(ws, item), column=col).value = cell
    for item, cell in filled.evidence.items():
        ws = pmqa if item in filled.answers else kpi
        ws.cell(row=find_row(ws, item), column=find_col(ws, "หลักฐาน")).value = cell
    # The office's details as the current template pre-fills them.
    info = sheet(wb, "ข้อมูลหน่วยงาน")
    now = sheet(build_template(shipped, filled.office)[0], "ข้อมูลหน่วยงาน")
    for row in range(4, now.max_row + 1):
        key = now.cell(row=row, column=1).value
        if isinstance(key, str) and now.cell(row=row, column=3).value is not None:
            info.cell(row=find_row(info, key), column=3).value = now.cell(row=row, column=3).value
    if overall is not None:  # as if a spreadsheet had cached it
        score = sheet(wb, SCORE)
        score.cell(row=find_row(score, "pmqa_overall"), column=3).value = overall
    path = folder / f"old-{layout.stem}-{overall}.xlsx"
    save_atomic(wb, path, kind=Kind.TEMPLATE)
    return path


@pytest.mark.parametrize("layout", [OLD_LAYOUT, ONE_HEADER_LAYOUT], ids=["2567.1", "2567.2"])
def test_a_template_sent_out_before_reads_and_checks_as_before(
    shipped: Rubric, make_submission: SubmissionFactory, tmp_path: Path, layout: Path
) -> None:
    old = openpyxl.load_workbook(layout)
    ws = sheet(old, SCORE)
    row = find_row(ws, "pmqa_overall")
    if layout == OLD_LAYOUT:
        assert ws.cell(row=row, column=1).number_format != ";;;"  # the old layout: keys shown
        assert "ยังกรอกไม่ครบ" not in str(ws.cell(row=row, column=3).value)
    else:  # each part's column headings once, on its first page
        assert sum(c.value == "ผ่าน (1/0)" for c in ws["G"]) == 1
    expected = score_office(make_submission(shipped, complete(shipped)), shipped)
    assert expected.scores is not None and expected.scores.overall is not None
    overall = float(expected.scores.overall)
    for cached, noted in ((None, False), (overall, False), (overall + 0.0002, True)):
        path = _old_layout_submission(shipped, tmp_path, cached, layout)
        report = score_office(path, shipped)
        assert report.valid and report.scores is not None
        assert report.scores.to_dict() == expected.scores.to_dict()
        notes = [f for f in report.findings if f.code == "provisional-differs"]
        assert bool(notes) is noted, cached
        if noted:
            assert notes[0].cell == f"C{row}" and f"{overall + 0.0002:.4f}" in notes[0].message_en


def test_live_checks_print_at_body_size_in_rows_tall_enough(template: openpyxl.Workbook) -> None:
    """The check column is 16 pt like the rest (at 14 pt it printed at 8-8.5 pt), and every
    item row is tall enough for the longest reason its check can give (its text is a
    formula's, which layout_flaws cannot measure)."""
    from pmqa_cli.report.score_indicators import DECIMAL_COMMA
    from pmqa_cli.report.text_width import row_height
    from pmqa_cli.report.writer import text_lines

    for name, longest in (("PMQA 4.0", "ไม่ใช่ตัวเลือก / not a choice"), ("ตัวชี้วัด", DECIMAL_COMMA)):
        ws = sheet(template, name)
        col = find_col(ws, "ตรวจสอบ")
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
        needed = row_height(text_lines(f"✗ {longest}", width), 16)
        column = next(ws.iter_cols(min_col=col, max_col=col))
        checks = [c for c in column if c.data_type == "f"]
        assert checks, name
        for cell in checks:
            assert cell.font.sz == 16, cell.coordinate
            row = int(cell.row or 0)
            assert (ws.row_dimensions[row].height or 0) >= needed, (name, row)
