"""OPDC's standard PMQA 4.0 (24 items) as a second shipped rubric, end to end: the rubric's facts,
its template (target column), reading targets, samples, validate/score/rubric commands, and a
rubric with no category 7."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.office import score_office
from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import Office
from pmqa_cli.report.template import build_template
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.load import (
    DEFAULT_RUBRIC_ID,
    default_rubric_path,
    load_rubric,
    shipped_rubrics,
)
from pmqa_cli.rubric.model import Aggregation, OfficeType, Rubric

from .builders import Filled, SubmissionFactory, find_col, find_row, template_content

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
OPDC_FILE = ROOT / "rubrics" / "opdc-pmqa4-24.yaml"

#: Checklist points per tier (Basic, Advance, Significance) of the 24 items: facts of the
#: standard as the public DDC self-assessment app encodes them (/work/shared/reference).
COUNTS = {
    "1.1": (3, 1, 1), "1.2": (3, 3, 3), "1.3": (3, 2, 1), "1.4": (4, 2, 2),
    "2.1": (4, 2, 1), "2.2": (2, 1, 2), "2.3": (3, 2, 3), "2.4": (1, 3, 3),
    "3.1": (1, 1, 1), "3.2": (1, 1, 1), "3.3": (3, 1, 2), "3.4": (3, 2, 2),
    "4.1": (3, 2, 2), "4.2": (2, 2, 2), "4.3": (2, 2, 2), "4.4": (2, 3, 1),
    "5.1": (2, 3, 3), "5.2": (4, 4, 2), "5.3": (2, 3, 3), "5.4": (3, 2, 2),
    "6.1": (2, 2, 2), "6.2": (3, 4, 2), "6.3": (2, 2, 2), "6.4": (2, 3, 2),
}  # fmt: skip
TITLES = {
    "1.2": "การป้องกันทุจริตและสร้างความโปร่งใส",
    "2.3": "แผนปฏิบัติการที่ขับเคลื่อนยุทธศาสตร์ของส่วนราชการลงไปทุกภาคส่วน โดยผ่านเครือข่ายทั้งภายในและภายนอก",
    "3.4": "กระบวนการแก้ไขข้อเรียกร้องที่รวดเร็ว และสร้างสรรค์เพื่อตอบสนองได้ทันความต้องการ",
    "5.2": "ระบบการทำงานที่มีประสิทธิภาพ คล่องตัว และมุ่งเน้นผลสัมฤทธิ์",
    "6.4": "การมุ่งเน้นประสิทธิผลทั่วทั้งองค์กร และผลกระทบต่อยุทธศาสตร์ชาติและผลลัพธ์",
}


@pytest.fixture(scope="module")
def opdc() -> Rubric:
    rubric, warnings = load_rubric(OPDC_FILE)
    assert warnings == []
    return rubric


def no_category_7() -> Rubric:
    data = yaml.safe_load(OPDC_FILE.read_text(encoding="utf-8"))
    del data["indicators"]
    del data["scoring"]["target_ratio_bands"]
    rubric, problems = check_rubric(data)
    assert rubric is not None and problems == [], problems
    return rubric


# --- the rubric ----------------------------------------------------------------------------


def test_both_rubrics_ship_and_the_default_is_unchanged() -> None:
    stems = {p.stem for p in shipped_rubrics()}
    assert {"obec-esao-2567", "opdc-pmqa4-24"} <= stems
    assert DEFAULT_RUBRIC_ID == "obec-esao-2567" == default_rubric_path().stem
    for path in shipped_rubrics():
        assert load_rubric(path)[1] == [], path


def test_24_items_with_their_official_titles_and_checkbox_counts(opdc: Rubric) -> None:
    assert [i.id for i in opdc.issues] == list(COUNTS)
    for issue in opdc.issues:
        assert issue.category == int(issue.id[0])
        tiers = tuple(len(t.criteria) for t in issue.tiers)
        assert tiers == COUNTS[issue.id], issue.id
        assert [t.id for t in issue.tiers] == ["basic", "advance", "significance"]
        assert opdc.issue_max(issue) == 500
    for item, title in TITLES.items():
        assert next(i.title_th for i in opdc.issues if i.id == item) == title
    assert sum(sum(c) for c in COUNTS.values()) == sum(1 for _ in opdc.criteria()) == 160


def test_its_header_states_the_source_and_what_was_checked() -> None:
    header = OPDC_FILE.read_text(encoding="utf-8").split("\nid:", 1)[0]
    for needed in ("berzebub/PMQA4.0", "สำนักงาน ก.พ.ร.", "checked", "handbook", "paraphrase",
                   "คู่มือ", "category 7 indicators, which are examples"):  # fmt: skip
        assert needed in header, needed


def test_it_scores_by_category_means_with_both_indicator_methods(opdc: Rubric) -> None:
    assert opdc.scoring.aggregation is Aggregation.CATEGORY_MEAN
    methods = {i.method.value for i in opdc.indicators}
    assert methods == {"interpolate", "target_ratio"}
    assert {i.dimension for i in opdc.indicators} == {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6"}
    assert any(i.target_from_workbook for i in opdc.indicators)
    assert any(i.rubric_target is not None for i in opdc.indicators)
    assert any(i.direction.value == "lower" and i.method.value == "target_ratio"
               for i in opdc.indicators)  # fmt: skip
    bands = opdc.scoring.target_ratio_bands or []
    assert [(b.up_to, b.score, b.multiply) for b in bands] == [
        (100, None, 3), (101, 300, None), (105, 400, None), (None, 500, None)
    ]  # fmt: skip


def test_rubric_show_and_check_describe_the_aggregation() -> None:
    shown = runner.invoke(app, ["rubric", "show", str(OPDC_FILE)])
    assert shown.exit_code == 0, shown.output
    # rich wraps long lines, continuing them behind the tree's guide lines
    text = " ".join(shown.output.replace("│", " ").split())
    assert "mean of 7 categories 1, 2, 3, 4, 5, 6, 7" in text
    assert "target ratio, target each office's own" in text
    assert "target ratio, target 85" in text
    assert "≤ 100 %: x 3; ≤ 101 %: 300; ≤ 105 %: 400; above: 500" in text
    checked = runner.invoke(app, ["rubric", "check", str(OPDC_FILE)])
    assert checked.exit_code == 0, checked.output
    summary = " ".join(checked.output.split())
    assert "160 criteria" in summary
    assert "3 interpolate, 4 target_ratio" in summary
    default = runner.invoke(app, ["rubric", "check"])
    assert "weighted parts: categories 1-6 55, category 7 45" in " ".join(default.output.split())


# --- the template ------------------------------------------------------------------------


def indicator_sheet(rubric: Rubric, office: Office | None = None) -> Worksheet:
    wb, _ = build_template(rubric, office)
    ws = wb["ตัวชี้วัด"]
    assert isinstance(ws, Worksheet)
    return ws


def test_template_has_a_target_column_for_target_ratio_indicators(opdc: Rubric) -> None:
    ws = indicator_sheet(opdc)
    target = find_col(ws, "ค่าเป้าหมาย")
    assert find_col(ws, "หน่วย") == target - 1
    rubric_target, own, linear = (find_row(ws, i) for i in ("7.2-K1", "7.5-K1", "7.1-K1"))
    assert ws.cell(row=rubric_target, column=target).value == 85
    assert ws.cell(row=rubric_target, column=target).protection.locked
    assert ws.cell(row=own, column=target).value is None
    assert not ws.cell(row=own, column=target).protection.locked
    assert ws.cell(row=linear, column=target).value == "—"
    levels = [ws.cell(row=rubric_target, column=find_col(ws, f"ระดับ {n}")).value
              for n in range(1, 6)]  # fmt: skip
    assert levels == ["≥33.33%", "≥66.67%", "≥100%", ">101%", ">105%"]
    assert [ws.cell(row=linear, column=find_col(ws, f"ระดับ {n}")).value
            for n in range(1, 6)] == [75, 80, 85, 90, 95]  # fmt: skip
    guide = build_template(opdc)[0]["คำชี้แจง"]
    text = "\n".join(str(c.value) for c in guide["A"] if c.value)
    assert "คะแนนรวม = ค่าเฉลี่ยของคะแนนหมวด 1, 2, 3, 4, 5, 6, 7" in text
    assert "200 − ผลการดำเนินงาน ÷ ค่าเป้าหมาย × 100" in text


def test_fy2567_template_has_no_target_column(shipped: Rubric) -> None:
    with pytest.raises(KeyError):
        find_col(indicator_sheet(shipped), "ค่าเป้าหมาย")


def test_a_rubric_without_category_7_has_no_indicator_sheet() -> None:
    wb, _ = build_template(no_category_7())
    assert wb.sheetnames == ["คำชี้แจง", "ข้อมูลหน่วยงาน", "PMQA 4.0", "คะแนนเบื้องต้น", "_pmqa"]


def test_committed_opdc_template_matches_what_pmqa_writes(tmp_path: Path) -> None:
    committed = ROOT / "templates" / "opdc-pmqa4-24.xlsx"
    assert committed.exists(), "run: pmqa template --rubric rubrics/opdc-pmqa4-24.yaml -o ..."
    fresh = tmp_path / "fresh.xlsx"
    result = runner.invoke(app, ["template", "--rubric", str(OPDC_FILE), "-o", str(fresh)])
    assert result.exit_code == 0, result.output
    assert template_content(committed) == template_content(fresh), (
        "templates/opdc-pmqa4-24.xlsx has drifted from the rubric or the template code; "
        "regenerate it with pmqa template --rubric rubrics/opdc-pmqa4-24.yaml "
        "-o templates/opdc-pmqa4-24.xlsx"
    )


# --- reading and scoring a workbook -------------------------------------------------------

# An office's workbook, by hand:
#   every criterion met -> every item 500 -> categories 1-6 all 500
#   7.1-K1 87.5 on 75..95 -> 350; 7.1-K2 86.7 / 85 = 102 % -> 400; 7.1 = 375
#   7.2-K1 84.15 / 85 = 99 % -> 297
#   7.3-K1 90 on 80..100 -> 300; 7.4-K1 ITA 70 on 20..100 -> 350
#   7.5-K1 the office's target 90, result 90.9 = 101 % -> 300
#   7.6-K1 lower is better, the office's target 10 days, 9.6 -> 200 - 96 = 104 % -> 400
#   category 7 = (375 + 297 + 300 + 350 + 300 + 400) / 6 = 2022 / 6 = 337
#   overall = (6 x 500 + 337) / 7 = 3337 / 7 = 476.714285... -> 476.71
VALUES = {"7.1-K1": 87.5, "7.1-K2": 86.7, "7.2-K1": 84.15, "7.3-K1": 90, "7.4-K1": 70,
          "7.5-K1": 90.9, "7.6-K1": 9.6}  # fmt: skip
TARGETS = {"7.5-K1": 90, "7.6-K1": "10"}


def opdc_filled(rubric: Rubric, **targets: Any) -> tuple[Filled, Any]:
    filled = Filled()
    for _, _, criterion in rubric.criteria():
        filled.answers[criterion.id] = "ผ่าน"
        filled.evidence[criterion.id] = f"หลักฐาน {criterion.id}"
    filled.values.update(VALUES)
    typed = {**TARGETS, **targets}

    def edit(sheets: dict[str, Worksheet]) -> None:
        kpi = sheets["ตัวชี้วัด"]
        col = find_col(kpi, "ค่าเป้าหมาย")
        for item, value in typed.items():
            kpi.cell(row=find_row(kpi, item), column=col).value = value

    return filled, edit


def test_a_workbook_scores_as_computed_by_hand(
    opdc: Rubric, make_submission: SubmissionFactory
) -> None:
    filled, edit = opdc_filled(opdc)
    report = score_office(make_submission(opdc, filled, edit=edit), opdc)
    assert report.findings == ()
    result = report.scores
    assert result is not None
    scores = {i.id: i.score for i in result.indicators}  # exact Fractions
    assert scores == {"7.1-K1": 350, "7.1-K2": 400, "7.2-K1": 297, "7.3-K1": 300,
                      "7.4-K1": 350, "7.5-K1": 300, "7.6-K1": 400}  # fmt: skip
    assert {i.id: i.target for i in result.indicators if i.target is not None} == {
        "7.1-K2": 85, "7.2-K1": 85, "7.5-K1": 90, "7.6-K1": 10
    }  # fmt: skip
    assert [c.score for c in result.categories] == [500] * 6 + [337]
    data = report.to_dict()
    assert data["overall"]["score"] == 476.71
    assert data["overall"]["band_th"] == "ระดับก้าวหน้า"
    assert data["categories"][-1] == {"id": "7", "score": 337.0}
    targets = [v for v in report.values if v.field == "target"]
    assert [(v.item_id, v.value) for v in targets] == [("7.5-K1", 90.0), ("7.6-K1", 10.0)]


@pytest.mark.parametrize(
    ("typed", "code"),
    [(None, "answer-missing"), ("ไม่ทราบ", "value-not-number"), (0, "value-out-of-range")],
)
def test_a_bad_office_target_is_reported_at_its_cell_once(
    opdc: Rubric, make_submission: SubmissionFactory, typed: Any, code: str
) -> None:
    filled, edit = opdc_filled(opdc, **{"7.5-K1": typed})
    path = make_submission(opdc, filled, edit=edit)
    report = score_office(path, opdc)
    ws = openpyxl.load_workbook(path)["ตัวชี้วัด"]
    assert isinstance(ws, Worksheet)
    cell = f"{ws.cell(row=find_row(ws, '7.5-K1'), column=find_col(ws, 'ค่าเป้าหมาย')).coordinate}"
    found = [(f.code, f.cell, f.item_id) for f in report.findings]
    assert found == [(code, cell, "7.5-K1")]
    assert report.scores is not None
    assert report.scores.indicators[5].score == 0


def test_an_office_of_a_type_the_indicator_skips_needs_no_target(
    make_submission: SubmissionFactory,
) -> None:
    data = yaml.safe_load(OPDC_FILE.read_text(encoding="utf-8"))
    data["indicators"][5]["applies_to"] = "secondary"
    rubric, _ = check_rubric(data)
    assert rubric is not None
    filled, _ = opdc_filled(rubric)
    del filled.values["7.5-K1"]
    report = score_office(make_submission(rubric, filled, edit=lambda s: None), rubric)
    assert [f.item_id for f in report.findings] == ["7.6-K1"]  # its target only
    assert report.scores is not None and not report.scores.indicators[5].applies


def test_a_workbook_of_a_rubric_without_category_7(tmp_path: Path) -> None:
    rubric = no_category_7()
    wb, _ = build_template(rubric, Office("S001", "สพม.ทดสอบ", OfficeType.SECONDARY, "ทดสอบ"))
    pmqa = wb["PMQA 4.0"]
    assert isinstance(pmqa, Worksheet)
    answer = find_col(pmqa, "ผลการประเมินตนเอง")
    for _, _, criterion in rubric.criteria():
        met = criterion.id.startswith("1.")
        pmqa.cell(row=find_row(pmqa, criterion.id), column=answer).value = "ผ่าน" if met else "ไม่ผ่าน"
    path = tmp_path / "s.xlsx"
    wb.save(path)
    report = score_office(path, rubric)
    assert {f.code for f in report.findings} == {"evidence-missing"}  # met, no evidence named
    result = report.scores
    assert result is not None
    # Category 1 all met (500); categories 2-6 nothing met (0): overall 500 / 6.
    assert [c.score for c in result.categories] == [500, 0, 0, 0, 0, 0]
    assert report.to_dict()["overall"]["score"] == 83.33


# --- samples and the commands ------------------------------------------------------------


def test_samples_validate_and_score_under_the_opdc_rubric(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    made = runner.invoke(
        app, ["sample", "--rubric", str(OPDC_FILE), "--count", "12", "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == 12
    checked = runner.invoke(app, ["validate", "--rubric", str(OPDC_FILE), *map(str, files)])
    assert checked.exit_code == 1  # the planted mistakes
    assert "rubric-mismatch" not in checked.output
    clean = next(f for f in files if f.name not in made.output)
    scored = runner.invoke(app, ["score", "--rubric", str(OPDC_FILE), str(clean)])
    assert scored.exit_code == 0, scored.output
    assert "Category 7" in scored.output and "Overall" in scored.output
    wrong = runner.invoke(app, ["validate", str(clean)])  # scored against FY 2567 instead
    assert wrong.exit_code == 1 and "rubric-mismatch" in wrong.output


# --- results workbook and feedback -------------------------------------------------------


def test_results_workbook_has_categories_and_adapts_without_category_7(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    assert (
        runner.invoke(
            app, ["sample", "--rubric", str(OPDC_FILE), "--count", "5", "--out", str(out)]
        ).exit_code
        == 0
    )
    results, data = tmp_path / "results.xlsx", tmp_path / "results.json"
    runner.invoke(app, ["batch", "--rubric", str(OPDC_FILE), str(out), "-o", str(results),
                        "--json", str(data)])  # fmt: skip
    wb = openpyxl.load_workbook(results)
    assert wb.sheetnames[2:7] == ["สรุปผล", "หมวด", "PMQA 4.0", "ตัวชี้วัด", "สถิติ"]
    categories = wb["หมวด"]
    header = [c.value for c in categories[1]]
    assert header == ["รหัส", "ชื่อหน่วยงาน", "ประเภท", *(f"หมวด {n}" for n in range(1, 8)),
                      "คะแนนรวม"]  # fmt: skip
    for row in categories.iter_rows(min_row=2, values_only=True):
        scores = [Decimal(str(v)) for v in row[3:10]]
        # The overall is the mean of the seven (each shown rounded: within rounding of it).
        assert abs(sum(scores, Decimal(0)) / 7 - Decimal(str(row[10]))) <= Decimal("0.01")
    stats = [r[0] for r in wb["สถิติ"].iter_rows(values_only=True)]
    assert "หมวด 7" in stats and "7.6-K1" in stats
    assert stats.count("หมวด 7") == 1  # category 7 is the results row, listed once
    offices = json.loads(data.read_text(encoding="utf-8"))["offices"]
    assert [c["id"] for c in offices[0]["categories"]] == ["1", "2", "3", "4", "5", "6", "7"]
    # A rubric of categories 1-6 only: no indicator sheet, no category 7 column anywhere.
    rubric_file = tmp_path / "no7.yaml"
    data_no7 = yaml.safe_load(OPDC_FILE.read_text(encoding="utf-8"))
    del data_no7["indicators"], data_no7["scoring"]["target_ratio_bands"]
    rubric_file.write_text(yaml.safe_dump(data_no7, allow_unicode=True), encoding="utf-8")
    out7 = tmp_path / "samples7"
    made = runner.invoke(
        app, ["sample", "--rubric", str(rubric_file), "--count", "5", "--out", str(out7)]
    )
    assert made.exit_code == 0, made.output
    results7 = tmp_path / "results7.xlsx"
    runner.invoke(app, ["batch", "--rubric", str(rubric_file), str(out7), "-o", str(results7)])
    wb7 = openpyxl.load_workbook(results7)
    assert "ตัวชี้วัด" not in wb7.sheetnames
    assert "คะแนนหมวด 7" not in [c.value for c in wb7["สรุปผล"][1]]
    assert [c.value for c in wb7["หมวด"][1]][-2:] == ["หมวด 6", "คะแนนรวม"]
    assert "results" not in [r[0] for r in wb7["สถิติ"].iter_rows(values_only=True)]


def test_feedback_shows_categories_and_what_a_target_needs(
    opdc: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    from pmqa_cli.report.feedback import write_feedback

    filled, edit = opdc_filled(opdc)
    report = score_office(make_submission(opdc, filled, edit=edit), opdc, steps=True)
    path = tmp_path / "feedback.xlsx"
    write_feedback(report, opdc, path)
    wb = openpyxl.load_workbook(path)
    summary = {r[0]: r[1] for r in wb["สรุปผล"].iter_rows(min_row=3, values_only=True)}
    assert summary["  คะแนนหมวด 1"] == 500 and summary["คะแนนหมวด 7 (ตัวชี้วัด)"] == 337
    rows = {r[0]: r for r in wb["ตัวชี้วัด"].iter_rows(min_row=2, values_only=True)}
    # 7.2-K1 scored 297 (level 2.97): level 3 needs 100 % of 85; 7.6-K1 (400, lower is better,
    # the office's target 10) needs more than 105 %: fewer than 9.5 days.
    assert rows["7.2-K1"][-2:] == (3, "≥ 85 (ร้อยละ 100 ของเป้าหมาย)")
    assert rows["7.6-K1"][-2:] == (5, "< 9.5 (ร้อยละ 105 ของเป้าหมาย)")
    wb7 = no_category_7()
    report7 = score_office(make_submission(opdc, filled, edit=edit), wb7, steps=True)
    write_feedback(report7, wb7, tmp_path / "f7.xlsx")
    assert "ตัวชี้วัด" not in openpyxl.load_workbook(tmp_path / "f7.xlsx").sheetnames


def test_a_shipped_rubric_is_named_by_its_id_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no rubrics/ folder here
    checked = runner.invoke(app, ["rubric", "check", "opdc-pmqa4-24"])
    assert checked.exit_code == 0, checked.output
    assert "opdc-pmqa4-24 version 2566.1" in checked.output
    made = runner.invoke(app, ["template", "--rubric", "opdc-pmqa4-24", "-o", "t.xlsx"])
    assert made.exit_code == 0, made.output
    assert openpyxl.load_workbook(tmp_path / "t.xlsx")["_pmqa"]["B2"].value == "opdc-pmqa4-24"
    # A name that is neither a file nor a shipped rubric is still an error.
    missing = runner.invoke(app, ["rubric", "check", "no-such-rubric"])
    assert missing.exit_code == 1 and "cannot read the file" in missing.output
    # On a command that uses a rubric, a missing one is a usage error (exit 2) naming the
    # shipped ids; so is a missing registry.
    used = runner.invoke(app, ["template", "--rubric", "no-such-rubric", "-o", "u.xlsx"])
    assert used.exit_code == 2 and "opdc-pmqa4-24" in used.output
    registry = runner.invoke(app, ["template", "--registry", "none.csv", "--office", "P001",
                                   "-o", "v.xlsx"])  # fmt: skip
    assert registry.exit_code == 2 and "none.csv: no such file" in registry.output
