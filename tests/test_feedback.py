"""The one-office feedback workbook (`pmqa score -o`): scores and what to do next."""

from __future__ import annotations

import json
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.cli.app import app
from pmqa_cli.io.mark import read_mark
from pmqa_cli.io.registry import Office
from pmqa_cli.report.feedback import indicator_next_level, issue_next_step
from pmqa_cli.report.text_width import BOLD_WIDER, column_points, row_height, text_points
from pmqa_cli.report.writer import break_at_spaces
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete

runner = CliRunner()


def test_next_step_is_the_lowest_incomplete_tier(mini: Rubric) -> None:
    met = {f"C{i}": True for i in range(1, 10)} | {"C2": False, "C5": False}
    result = score_answers(mini, Answers(OfficeType.PRIMARY, met))
    step = issue_next_step(mini, result.issues[0])
    assert step.tier_id == "basic"
    assert [c.id for c in step.unmet] == ["C2"]
    done = score_answers(mini, Answers(OfficeType.PRIMARY, {f"C{i}": True for i in range(1, 10)}))
    assert issue_next_step(mini, done.issues[0]).tier_id is None


@pytest.mark.parametrize(
    ("indicator", "value", "level", "target"),
    [
        ("K1", 15, 2, "≥ 20"),  # between levels 1 and 2: the next whole level
        ("K1", 5, 1, "≥ 10"),  # below the floor
        ("K1", 50, None, ""),  # at the top
        ("K2", 4.5, 2, "≤ 4"),  # lower is better
        ("K3", 3, 4, "4 ขั้นตอน"),
        ("K4", 0, 5, "ผ่าน"),
    ],
)
def test_value_needed_for_the_next_level(
    mini: Rubric, indicator: str, value: float, level: int | None, target: str
) -> None:
    result = score_answers(
        mini, Answers(OfficeType.PRIMARY, {}, {indicator: IndicatorAnswer(Decimal(repr(value)))})
    )
    ind = next(i for i in result.indicators if i.id == indicator)
    nxt = indicator_next_level(mini.indicator(indicator), ind)
    assert (nxt.level, nxt.target) == (level, target)


def test_feedback_workbook(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    filled = complete(shipped)
    filled.answers["PM2-B2"] = "ไม่ผ่าน"
    filled.values["KPI-7.2.1"] = 84
    path = make_submission(shipped, filled)
    out = tmp_path / "feedback.xlsx"
    result = runner.invoke(app, ["score", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["สรุปผล", "ขั้นต่อไป", "PMQA 4.0", "ตัวชี้วัด", "กราฟ", "ปัญหาที่พบ"]
    issues = wb["PMQA 4.0"]
    assert isinstance(issues, Worksheet)
    rows = {r[0]: r for r in issues.iter_rows(min_row=2, values_only=True)}
    assert rows["PM2"][3] == 200  # two of three Basic criteria
    assert "PM2-B2" in str(rows["PM2"][6])
    assert rows["PM1"][6] == "ผ่านครบทุกระดับแล้ว"
    kpis = wb["ตัวชี้วัด"]
    assert isinstance(kpis, Worksheet)
    krows = {r[0]: r for r in kpis.iter_rows(min_row=2, values_only=True)}
    assert krows["KPI-7.2.1"][8] == "≥ 86"
    assert krows["KPI-7.1.2"][6] == "ไม่ประเมิน"  # secondary only
    summary = wb["สรุปผล"]
    assert isinstance(summary, Worksheet)
    labels = {r[0]: r[1] for r in summary.iter_rows(min_row=3, values_only=True)}
    assert labels["หน่วยงาน"] == "P001 สพป.ทดสอบ เขต 1"
    assert isinstance(labels["คะแนนรวม (0-500)"], (int, float))


def test_feedback_output_may_not_overwrite_the_input(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    path = make_submission(shipped, complete(shipped))
    before = path.read_bytes()
    result = runner.invoke(app, ["score", str(path), "-o", str(path)])
    assert result.exit_code == 2, result.output
    assert "is one of the inputs" in " ".join(result.output.split())
    assert path.read_bytes() == before


def test_score_tables_render(shipped: Rubric, make_submission: SubmissionFactory) -> None:
    filled = complete(shipped)
    filled.values["KPI-7.2.1"] = "ดีมาก"
    result = runner.invoke(app, ["score", str(make_submission(shipped, filled))])
    assert result.exit_code == 1, result.output
    for text in ("PMQA 4.0", "KPI-7.6.2", "Overall", "value-not-number", "1 error(s)"):
        assert text in result.output
    # A score from a workbook with errors is provisional, as a batch marks it.
    assert "Provisional: the workbook has errors" in " ".join(result.output.split())
    clean = runner.invoke(app, ["score", str(make_submission(shipped, complete(shipped)))])
    assert clean.exit_code == 0 and "Provisional" not in clean.output


def _rows(ws: Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_batch_feedback_shows_standing_means_gains_and_a_chart(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    strong = complete(shipped)
    weak = complete(shipped, Filled(office=Office("P002", "สพป.ทดสอบ เขต 2", OfficeType.PRIMARY)))
    weak.answers.update({"PM1-B1": "ไม่ผ่าน", "PM2-B2": "ไม่ผ่าน"})
    make_submission(shipped, strong, name="A.xlsx")
    make_submission(shipped, weak, name="B.xlsx")
    folder = tmp_path / "fb"
    result = runner.invoke(
        app, ["batch", str(tmp_path), "-o", str(tmp_path / "r.xlsx"), "--feedback", str(folder)]
    )
    assert result.exit_code in (0, 1), result.output
    book = openpyxl.load_workbook(folder / "P002.xlsx")
    assert book.sheetnames[:2] == ["สรุปผล", "ขั้นต่อไป"] and "กราฟ" in book.sheetnames
    summary = _rows(book["สรุปผล"])
    labels = {r[0]: r for r in summary if r and r[0]}
    assert labels["อันดับ (ทั้งประเทศ)"][1] == "2 จาก 2"
    assert labels["อันดับในประเภท (สพป.)"][1] == "2 จาก 2"
    overall = labels["คะแนนรวม (0-500)"]
    assert isinstance(overall[2], float) and isinstance(overall[3], float)  # national, type mean
    issues = _rows(book["PMQA 4.0"])
    assert issues[0][4] == "เฉลี่ยทั้งประเทศ"
    # Next steps: sorted by the points each adds to the overall score, largest first.
    steps = [r for r in _rows(book["ขั้นต่อไป"])[1:] if r[0]]
    gains = [float(str(r[5])) for r in steps]
    assert gains and gains == sorted(gains, reverse=True) and gains[0] > 0
    now = float(str(overall[1]))
    after = [float(str(r[6])) for r in steps]
    assert all(abs(a - g - now) < 1e-6 for a, g in zip(after, gains, strict=True))  # now + gain
    chart_sheet = book["กราฟ"]
    assert isinstance(chart_sheet, Worksheet)
    assert len(chart_sheet._charts) == 1  # type: ignore[attr-defined]  # a native chart
    # Where it stands: the national distribution of the overall score, its own band marked.
    standing = book["ตำแหน่ง"]
    assert isinstance(standing, Worksheet)
    rows = [[str(v) if v is not None else "" for v in r] for r in _rows(standing)]
    assert rows[0][0].startswith("คะแนนรวมของหน่วยงาน") and "อันดับ 2 จาก 2" in rows[0][0]
    table = [r for r in rows if "-" in r[0] and r[1].isdigit()]
    assert len(table) == 20 and table[0][0] == "0-25" and table[-1][0] == "475-500"
    assert sum(int(r[1]) + int(r[2]) for r in table) == 2  # every office counted once
    (own,) = [r for r in table if r[2] == "1"]
    low, high = (int(x) for x in own[0].split("-"))
    assert low <= now < high or now == high == 500
    assert len(standing._charts) == 1  # type: ignore[attr-defined]
    # Its count axis steps by whole offices from 0 (2 offices: not 0.2, 0.4, ...).
    (distribution,) = standing._charts  # type: ignore[attr-defined]
    assert (distribution.y_axis.scaling.min, distribution.y_axis.majorUnit) == (0, 1)


def test_single_score_feedback_leaves_out_what_needs_other_offices(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    submission = make_submission(shipped, complete(shipped), name="A.xlsx")
    out = tmp_path / "fb.xlsx"
    assert runner.invoke(app, ["score", str(submission), "-o", str(out)]).exit_code in (0, 1)
    book = openpyxl.load_workbook(out)
    text = " ".join(str(v) for r in _rows(book["สรุปผล"]) for v in r if v)
    assert "ไม่แสดงในไฟล์นี้" in text and "อันดับ (ทั้งประเทศ)" not in text
    assert "เฉลี่ยทั้งประเทศ" not in [v for r in _rows(book["PMQA 4.0"]) for v in r]
    # The indicator values carry their kind's format: percentages at the value decimals,
    # steps whole, pass/fail as words.
    kpi = book["ตัวชี้วัด"]
    formats = {
        kpi.cell(r, 1).value: kpi.cell(r, 5).number_format for r in range(2, kpi.max_row + 1)
    }
    assert formats["KPI-7.1.1"] == "0.00"
    assert formats["KPI-7.3.1"] == "#,##0"
    assert formats["KPI-7.6.1"] == '"ผ่าน";"ผ่าน";"ไม่ผ่าน"'


def test_batch_feedback_agrees_with_the_results_under_a_tightened_limit(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The issue's case: with a row limit the workers report sheet-too-large and score what they
    # read; the feedback workbook must say the same, not re-read the file with default limits.
    make_submission(shipped, complete(shipped), name="A.xlsx")
    monkeypatch.setenv("PMQA_MAX_ROWS", "12")
    folder, out = tmp_path / "fb", tmp_path / "out"
    out.mkdir()
    result = runner.invoke(
        app,
        ["batch", str(tmp_path / "A.xlsx"), "-o", str(out / "r.xlsx"), "--json",
         str(out / "r.json"), "--feedback", str(folder)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    office = data["offices"][0]
    too_large = [f for f in data["findings"] if f["code"] == "sheet-too-large"]
    assert too_large
    book = openpyxl.load_workbook(folder / "P001.xlsx")
    labels = {r[0]: r for r in _rows(book["สรุปผล"]) if r and r[0]}
    assert float(str(labels["คะแนนรวม (0-500)"][1])) == office["overall"]["score"]
    problems = [str(c) for r in _rows(book["ปัญหาที่พบ"]) for c in r if c]
    assert any(too_large[0]["message_th"] in c for c in problems)


def test_long_thai_titles_break_at_their_spaces_never_inside_a_word() -> None:
    title = (
        "ผลการประเมิน เกณฑ์การประเมิน PMQA 4.0 "
        "และตัวชี้วัดผลลัพธ์ของสำนักงานเขตพื้นที่การศึกษา ปีงบประมาณ พ.ศ. 2567"
    )
    lines = break_at_spaces(title, 44).split("\n")
    assert " ".join(lines) == title  # nothing lost, every break at a space
    assert "และตัวชี้วัดผลลัพธ์ของสำนักงานเขตพื้นที่การศึกษา" in lines  # the long word whole
    assert lines[0] == "ผลการประเมิน เกณฑ์การประเมิน PMQA 4.0"
    assert break_at_spaces("short", 44) == "short"


def _text(ws: Worksheet) -> str:
    return " ".join(str(v) for r in _rows(ws) for v in r if v is not None)


def test_a_provisional_result_says_so_on_page_one_and_its_steps_fix_the_value_first(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    """P116 typed "ประมาณ 84.82": the terminal and results.xlsx mark it provisional, and so
    does page 1 of its feedback, with why and what to fix; its next step is to fix that cell
    (worth what 84.82 gives), never to reach 70 on an indicator it may already pass."""
    make_submission(shipped, complete(shipped), name="A.xlsx")
    typed = complete(shipped, Filled(office=Office("P002", "สพป.ทดสอบ เขต 2", OfficeType.PRIMARY)))
    typed.values["KPI-7.1.1"] = "ประมาณ 84.82"
    make_submission(shipped, typed, name="B.xlsx")
    folder, report = tmp_path / "fb", tmp_path / "r.json"
    result = runner.invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path / "r.xlsx"),
                                 "--json", str(report), "--feedback", str(folder)])  # fmt: skip
    assert result.exit_code == 1, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    provisional = {r["file"].split("/")[-1]: r["provisional"] for r in data["ranking"]}
    assert provisional == {"A.xlsx": False, "B.xlsx": True}
    (finding,) = [f for o in data["offices"] for f in o["findings"] if f["severity"] == "error"]
    cell = finding["cell"]

    book = openpyxl.load_workbook(folder / "P002.xlsx")
    summary = _rows(book["สรุปผล"])
    assert str(summary[2][0]).startswith("สถานะผล: ผลเบื้องต้น")
    assert "แบบฟอร์มมีข้อผิดพลาด" in str(summary[2][0])
    fix = str(summary[3][0])
    assert f"เซลล์ {cell}" in fix and "ประมาณ 84.82" in fix and "ตัวเลขเท่านั้น" in fix
    labels = {r[0]: r for r in summary if r and r[0]}
    assert str(labels["อันดับ (ทั้งประเทศ)"][1]).endswith("(ผลเบื้องต้น)")
    assert "(ผลเบื้องต้น)" in _text(book["ตำแหน่ง"])
    clean = openpyxl.load_workbook(folder / "P001.xlsx")
    assert _rows(clean["สรุปผล"])[2][0] == "สถานะผล: ผลสมบูรณ์"
    assert "เบื้องต้น" not in _text(clean["สรุปผล"]) + _text(clean["ตำแหน่ง"])

    steps = [r for r in _rows(book["ขั้นต่อไป"])[1:] if r[0]]
    first = steps[0]
    assert first[1] == "KPI-7.1.1" and f"เซลล์ {cell}" in str(first[4])
    assert isinstance(first[5], float) and first[5] > 0
    overall = float(str(labels["คะแนนรวม (0-500)"][1]))
    assert abs(overall + first[5] - float(str(first[6]))) < 1e-6
    # The same office with 84.82 typed as a number scores what the step says it would.
    assert first[6] == _overall_typed(shipped, make_submission, typed, 84.82)
    assert [r[1] for r in steps].count("KPI-7.1.1") == 1
    assert "ไม่น้อยกว่า 70" not in _text(book["ขั้นต่อไป"])
    kpis = {r[0]: r for r in _rows(book["ตัวชี้วัด"])}
    assert kpis["KPI-7.1.1"][-2:] == ["-", f"แก้ค่าในเซลล์ {cell} ก่อน (ดูขั้นต่อไป)"]


def _overall_typed(
    shipped: Rubric, make_submission: SubmissionFactory, filled: Filled, value: float
) -> object:
    """The overall score of the office with KPI-7.1.1 typed as a number."""
    filled.values["KPI-7.1.1"] = value
    path = make_submission(shipped, filled, name="fixed.xlsx")
    result = runner.invoke(app, ["score", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["overall"]["score"]


def test_a_single_score_with_errors_is_provisional_on_page_one(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    filled = complete(shipped)
    filled.values["KPI-7.2.1"] = "80-85"  # two numbers: what it should be is not known
    out = tmp_path / "fb.xlsx"
    result = runner.invoke(app, ["score", str(make_submission(shipped, filled)), "-o", str(out)])
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out)
    assert str(_rows(book["สรุปผล"])[2][0]).startswith("สถานะผล: ผลเบื้องต้น")
    first = _rows(book["ขั้นต่อไป"])[1]
    assert first[1] == "KPI-7.2.1" and first[5:] == ["ทราบเมื่อแก้ค่าแล้ว"] * 2


def test_every_row_of_the_feedback_is_tall_enough_for_its_font_and_columns_never_run_together(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    """Sheet ตำแหน่ง's 16 pt lines sat in 15 pt rows (the title lines overlapped, Thai marks
    were cut, the histogram's digits ran over the borders); ตัวชี้วัด printed "44 ขั้นตอน"."""
    make_submission(shipped, complete(shipped), name="A.xlsx")
    other = complete(shipped, Filled(office=Office("P002", "สพป.ทดสอบ เขต 2", OfficeType.PRIMARY)))
    other.values["KPI-7.1.1"] = 30
    make_submission(shipped, other, name="B.xlsx")
    folder = tmp_path / "fb"
    result = runner.invoke(
        app, ["batch", str(tmp_path), "-o", str(tmp_path / "r.xlsx"), "--feedback", str(folder)]
    )
    assert result.exit_code in (0, 1), result.output
    book = openpyxl.load_workbook(folder / "P002.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                size = float(cell.font.sz or 11)
                height = ws.row_dimensions[cell.row].height
                assert height is not None and height >= row_height(1, size), (ws.title, cell)
    standing = book["ตำแหน่ง"]
    assert isinstance(standing, Worksheet)
    for row in standing.iter_rows(min_row=4):
        for cell in row:
            if cell.value is None or cell.column > 3:
                continue
            room = column_points(standing.column_dimensions[cell.column_letter].width)
            size = float(cell.font.sz or 11)
            assert text_points(str(cell.value), size) * BOLD_WIDER <= room, cell.value
    # Two columns side by side never run together: the whole next level centred, its target
    # set in from the left, "-" centred, every level in one format.
    kpis = book["ตัวชี้วัด"]
    assert isinstance(kpis, Worksheet)
    head = [c.value for c in kpis[1]]
    nxt, target, level = (head.index(h) + 1 for h in ("ระดับถัดไป", "ค่าที่ต้องทำได้", "ระดับ"))
    assert target == nxt + 1
    formats = set()
    for r in range(2, kpis.max_row + 1):
        assert kpis.cell(r, nxt).alignment.horizontal == "center"
        if kpis.cell(r, target).value != "-":
            assert (kpis.cell(r, target).alignment.indent or 0) >= 1
        for c in range(1, kpis.max_column + 1):
            if kpis.cell(r, c).value == "-":
                assert kpis.cell(r, c).alignment.horizontal == "center", (r, c)
        if isinstance(kpis.cell(r, level).value, (int, float)):
            formats.add(kpis.cell(r, level).number_format)
    assert formats == {"0.00"}  # 3.30 and a steps level 3.00 alike
    steps = book["ขั้นต่อไป"]
    assert isinstance(steps, Worksheet)
    assert steps.cell(2, 1).alignment.horizontal == "center"  # never "1KPI-7.1.1"


def test_the_terminal_shows_every_level_in_one_format(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    result = runner.invoke(app, ["score", str(make_submission(shipped, complete(shipped)))])
    assert result.exit_code == 0, result.output
    steps = next(line for line in result.output.splitlines() if "KPI-7.3.1" in line)
    assert " 3.00 " in steps  # a steps indicator's level 3, as an interpolated 3.30 is shown


@pytest.mark.parametrize("province", ["=1+2", "+66 2 123 4567", "-5", "@SUM(A1)",
                                      "http://example.com/x"])  # fmt: skip
def test_text_from_a_submission_stays_text_in_the_feedback(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, province: str
) -> None:
    # The office's province and file name are the submitter's text, shown on page 1.
    office = Office("P001", "สพป.ทดสอบ เขต 1", OfficeType.PRIMARY, province)
    submission = make_submission(shipped, complete(shipped, Filled(office)), name="=x().xlsx")
    out = tmp_path / "fb.xlsx"
    assert runner.invoke(app, ["score", str(submission), "-o", str(out)]).exit_code in (0, 1)
    summary = openpyxl.load_workbook(out)["สรุปผล"]
    cells = {r[0].value: r[1] for r in summary.iter_rows(min_row=3, max_col=2) if r[0].value}
    for label, text in (("จังหวัด", province), ("ไฟล์ที่ประเมิน", "=x().xlsx")):
        cell = cells[label]
        assert (cell.value, cell.data_type) == (text, "s"), label
        # A text that starts like a formula stays text when someone edits the cell.
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@")), label
    with zipfile.ZipFile(out) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in book.read(n) or b"hyperlink" in book.read(n) for n in sheets)


def test_the_feedback_is_the_same_bytes_from_run_to_run_and_marked_as_pmqas(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    submission = make_submission(shipped, complete(shipped), name="A.xlsx")
    outs = [tmp_path / "one.xlsx", tmp_path / "two.xlsx"]
    for out in outs:
        assert runner.invoke(app, ["score", str(submission), "-o", str(out)]).exit_code == 0
        time.sleep(1.1)  # a clock read anywhere would show in the second file
    assert outs[0].read_bytes() == outs[1].read_bytes()
    mark = read_mark(outs[0])
    assert mark is not None and mark.kind == "feedback" and mark.pristine
    # pmqa replaces its own untouched feedback, and a second run does so.
    assert runner.invoke(app, ["score", str(submission), "-o", str(outs[0])]).exit_code == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_a_feedback_worker_collects_what_each_workbook_leaves_with_its_collector_off(
    monkeypatch: pytest.MonkeyPatch, mini: Rubric
) -> None:
    """The worker's collector is off (its automatic passes cost a ninth of its CPU); each
    workbook's garbage, cycles included, is collected once the workbook is written."""
    import gc
    import weakref

    from pmqa_cli.core import portable
    from pmqa_cli.report import feedbacks

    class Cycle:
        me: object

    made: list[weakref.ref[Cycle]] = []

    def write(tasks: object, rubric: Rubric, maps: object) -> None:
        assert all(ref() is None for ref in made), "an earlier workbook's cycle is still there"
        cycle = Cycle()
        cycle.me = cycle  # freed only by the collector
        made.append(weakref.ref(cycle))

    monkeypatch.setattr(portable, "exit_with_parent", lambda: None)
    monkeypatch.setattr(feedbacks, "_write", write)
    try:
        feedbacks._start_worker(mini, feedbacks.Pictures(None))  # type: ignore[arg-type]
        assert not gc.isenabled()
        feedbacks._write_in_worker([object(), object(), object()])  # type: ignore[list-item]
    finally:
        gc.unfreeze()
        gc.enable()
    assert len(made) == 3 and all(ref() is None for ref in made)
