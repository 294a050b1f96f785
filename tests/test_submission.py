"""Reading, validating and scoring submission workbooks."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.styles import numbers
from typer.testing import CliRunner

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.cli.app import app
from pmqa_cli.core.findings import CATALOGUE
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.io.xlsx import Limits
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, Sheets, SubmissionFactory, complete, find_col, find_row

runner = CliRunner()
ONE = Decimal(1)

#: Codes that only a batch can produce; tests/test_batch.py triggers them.
BATCH_ONLY = {"office-duplicate", "office-copy"}
#: Codes about an earlier result compared with, triggered in tests/test_compare.py.
PREVIOUS_RESULT = {code for code in CATALOGUE if code.startswith("previous-")} | {
    "compare-order-reversed"
}
#: Codes about review, data and correction files, triggered in tests/test_verification.py
#: (review-claim-changed in tests/test_review_sheet.py).
VERIFICATION = {
    "verify-file-unreadable", "verify-header-missing", "verify-office-unknown",
    "verify-item-unknown", "verify-item-not-indicator", "verify-verdict-invalid",
    "verify-value-invalid", "verify-value-missing", "verify-reason-missing",
    "verify-person-missing", "verify-row-conflict", "verify-not-applicable", "data-differs",
    "review-incomplete", "review-claim-changed", "verify-rows-not-applied",
}  # fmt: skip
#: Codes about reading any input whole or refusing it, triggered in tests/test_tables.py.
TABLES = {
    "file-not-regular", "input-over-limit", "table-row-fields", "table-row-duplicate",
    "verify-office-absent", "table-column-unnamed", "table-header-repeated",
    "table-header-duplicate",
}  # fmt: skip
#: Codes triggered by whole-file cases in tests/test_files.py.
FILE_LEVEL = {
    "file-not-found",
    "file-empty",
    "file-legacy-xls",
    "file-encrypted",
    "file-csv",
    "file-not-workbook",
    "file-corrupt",
    "file-too-large",
    "file-zip-bomb",
    "file-unsafe-xml",
    "file-macro",
    "file-unreadable",
}


def codes(path: Path, rubric: Rubric, **kwargs: Any) -> list[tuple[str, str | None, str | None]]:
    report = score_office(path, rubric, **kwargs)
    return [(f.code, f.cell, f.item_id) for f in report.findings]


# --- the round trip --------------------------------------------------------------------------


def test_round_trip_json_equals_the_engine(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    filled = complete(shipped)
    filled.answers.update({"PM1-B2": "ไม่ผ่าน", "PM3-A1": "ไม่ผ่าน", "PM5-S1": "ไม่ผ่าน"})
    filled.values.update({"KPI-7.1.3": 0.7, "KPI-7.6.2": 11, "KPI-7.3.1": 4})
    filled.na["KPI-7.5.2"] = "ไม่เกี่ยวข้อง"
    del filled.values["KPI-7.5.2"]
    path = make_submission(shipped, filled)

    result = runner.invoke(app, ["score", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)

    criteria = {c.id: c.id not in ("PM1-B2", "PM3-A1", "PM5-S1") for _, _, c in shipped.criteria()}
    values = {
        i.id: IndicatorAnswer(Decimal(str(v)) if isinstance(v, (int, float, Decimal)) else ONE)
        for i in shipped.indicators
        if (v := filled.values.get(i.id)) is not None
    }
    values["KPI-7.5.2"] = IndicatorAnswer(not_applicable=True)
    expected = score_answers(shipped, Answers(OfficeType.PRIMARY, criteria, values)).to_dict()
    for key in ("issues", "parts", "overall"):
        assert _without_evidence(data[key]) == _without_evidence(expected[key]), key
    assert [i["score"] for i in data["indicators"]] == [i["score"] for i in expected["indicators"]]
    assert data["office"]["code"] == "P001"
    assert data["office"]["type"] == "primary"
    assert data["rubric"]["sha256"] == shipped.sha256
    assert data["valid"] is True
    # PM1, PM3 and PM5 claim tiers above an incomplete one: warnings, not errors.
    gated = [(f["code"], f["item_id"], f["severity"]) for f in data["findings"]]
    assert gated == [
        ("tier-gated", "PM1", "warning"),
        ("tier-gated", "PM1", "warning"),
        ("tier-gated", "PM3", "warning"),
    ]


# Keys the report adds to the engine's: evidence, and where each final value came from.
_ADDED = {"evidence", "claim", "final", "source", "reviewed", "verdict", "comment", "reviewer"}


def _without_evidence(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_evidence(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_evidence(v) for k, v in value.items() if k not in _ADDED}
    return value


def test_clean_submission_scores_with_no_findings(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    report = score_office(make_submission(shipped, complete(shipped)), shipped)
    assert report.findings == ()
    assert report.scores is not None
    assert report.scores.to_dict()["parts"]["pmqa"]["score"] == 500


def test_every_value_read_has_its_provenance(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    report = score_office(make_submission(shipped, complete(shipped)), shipped)
    reads = {(v.item_id, v.field): v for v in report.values}
    answer = reads[("PM1-B1", "answer")]
    assert (answer.sheet, answer.raw, answer.value) == ("PMQA 4.0", "ผ่าน", True)
    assert answer.cell.startswith("F")
    value = reads[("KPI-7.1.3", "value")]
    assert value.sheet == "ตัวชี้วัด" and value.value == Decimal("0.6")
    assert reads[("office_code", "office_code")].value == "P001"


# --- layout robustness -----------------------------------------------------------------------


def _move_answer_column(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    ws.insert_cols(2)  # an extra column before everything but the id


def _move_header_down(sheets: Sheets) -> None:
    for name in ("PMQA 4.0", "ตัวชี้วัด", "ข้อมูลหน่วยงาน"):
        sheets[name].insert_rows(1, amount=4)


def _reverse_indicator_rows(sheets: Sheets) -> None:
    ws = sheets["ตัวชี้วัด"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=15)]
    for offset, values in enumerate(reversed(rows)):
        for col, value in enumerate(values, start=1):
            ws.cell(row=4 + offset, column=col).value = value


def _extra_rows_and_columns(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    ws.insert_rows(6, amount=3)
    ws.cell(row=7, column=5).value = "บันทึกของผู้ตรวจ"
    ws.cell(row=3, column=12).value = "คอลัมน์เพิ่มเติม"


@pytest.mark.parametrize(
    "edit",
    [_move_answer_column, _move_header_down, _reverse_indicator_rows, _extra_rows_and_columns],
)
def test_layout_changes_read_the_same(
    shipped: Rubric, make_submission: SubmissionFactory, edit: Callable[[Sheets], None]
) -> None:
    filled = complete(shipped)
    filled.answers["PM2-A1"] = "ไม่ผ่าน"
    baseline = score_office(make_submission(shipped, filled), shipped)
    changed = score_office(make_submission(shipped, filled, edit=edit), shipped)
    assert changed.findings == () or all(f.code != "item-missing" for f in changed.findings)
    assert changed.scores is not None and baseline.scores is not None
    assert changed.scores.to_dict() == baseline.scores.to_dict()


def test_percent_formatted_cell(shipped: Rubric, make_submission: SubmissionFactory) -> None:
    def percent_cell(sheets: Sheets) -> None:
        ws = sheets["ตัวชี้วัด"]
        cell = ws.cell(row=find_row(ws, "KPI-7.2.1"), column=find_col(ws, "ผลการดำเนินงาน"))
        cell.value = 0.86
        cell.number_format = numbers.FORMAT_PERCENTAGE_00

    report = score_office(make_submission(shipped, complete(shipped), edit=percent_cell), shipped)
    assert report.findings == ()
    assert report.scores is not None
    assert report.scores.indicators[0].id == "KPI-7.1.1"
    assert next(i for i in report.scores.indicators if i.id == "KPI-7.2.1").value == 86


def test_secondary_office_leaves_primary_indicator_blank(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    office = Office("S001", "สพม.ทดสอบ", OfficeType.SECONDARY, "ทดสอบ")
    report = score_office(make_submission(shipped, complete(shipped, Filled(office))), shipped)
    assert report.findings == ()
    assert report.scores is not None
    applies = {i.id: i.applies for i in report.scores.indicators}
    assert applies["KPI-7.1.1"] is False and applies["KPI-7.1.2"] is True


# --- every finding, triggered ----------------------------------------------------------------


def _set(sheet: str, item: str, header: str, value: Any) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets[sheet]
        ws.cell(row=find_row(ws, item), column=find_col(ws, header)).value = value

    return edit


def _delete_sheet(name: str) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets[name]
        assert ws.parent is not None
        ws.parent.remove(ws)

    return edit


def _rename_header(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    ws.cell(row=3, column=find_col(ws, "ผลการประเมินตนเอง")).value = "คำตอบของฉัน"


def _meta(key: str, value: str) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets["_pmqa"]
        for row in range(1, ws.max_row + 1):
            if ws.cell(row=row, column=1).value == key:
                ws.cell(row=row, column=2).value = value

    return edit


def _duplicate_row(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    row = find_row(ws, "PM1-B1")
    ws.insert_rows(row + 1)
    for col in range(1, 9):
        ws.cell(row=row + 1, column=col).value = ws.cell(row=row, column=col).value


def _unknown_row(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    ws.cell(row=ws.max_row + 2, column=1).value = "PM9-B1"


def _missing_row(sheets: Sheets) -> None:
    ws = sheets["ตัวชี้วัด"]
    ws.cell(row=find_row(ws, "KPI-7.2.1"), column=1).value = None


def _formula(sheets: Sheets) -> None:
    ws = sheets["ตัวชี้วัด"]
    ws.cell(row=find_row(ws, "KPI-7.2.1"), column=find_col(ws, "ผลการดำเนินงาน")).value = "=1/0"


def _many_rows(sheets: Sheets) -> None:
    ws = sheets["PMQA 4.0"]
    for row in range(200, 260):
        ws.cell(row=row, column=9).value = "x"


def _header(text: str) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets["ตัวชี้วัด"]
        header_row = next(r for r in range(1, 30) if ws.cell(row=r, column=1).value == "รหัส")
        ws.cell(row=header_row, column=ws.max_column + 1).value = text

    return edit


def _value_for_other_type(sheets: Sheets) -> None:
    ws = sheets["ตัวชี้วัด"]  # KPI-7.1.2 is for secondary offices; the office is primary
    ws.cell(row=find_row(ws, "KPI-7.1.2"), column=find_col(ws, "ผลการดำเนินงาน")).value = 95


def _edited_score(sheets: Sheets) -> None:
    # The office typed over the template's overall-score formula (the sheet has no password).
    ws = sheets["คะแนนเบื้องต้น"]
    ws.cell(row=find_row(ws, "pmqa_overall"), column=3).value = 499.5


CASES: dict[
    str, tuple[Callable[[Filled], None] | None, Callable[[Sheets], None] | None, dict[str, Any]]
] = {
    # code: (change the answers, edit the sheets, extra keyword arguments to score_office)
    "sheet-missing": (None, _delete_sheet("PMQA 4.0"), {}),
    "header-missing": (None, _rename_header, {}),
    "sheet-too-large": (None, _many_rows, {"limits": Limits(max_rows=150)}),
    "rubric-mismatch": (None, _meta("rubric_id", "obec-esao-2566"), {}),
    "rubric-version-mismatch": (None, _meta("rubric_version", "2567.0"), {}),
    "rubric-unknown": (None, _delete_sheet("_pmqa"), {}),
    "item-unknown": (None, _unknown_row, {}),
    "item-duplicate": (None, _duplicate_row, {}),
    "item-missing": (None, _missing_row, {}),
    "answer-missing": (lambda f: f.answers.update({"PM1-B1": None}), None, {}),
    "answer-invalid": (lambda f: f.answers.update({"PM1-B1": "บางส่วน"}), None, {}),
    "value-not-number": (lambda f: f.values.update({"KPI-7.2.1": "ดีมาก"}), None, {}),
    "decimal-comma": (lambda f: f.values.update({"KPI-7.2.1": "85,5"}), None, {}),
    "header-ambiguous": (None, _header("ผลการดำเนินงาน (ปีก่อน)"), {}),
    "header-unknown": (None, _header("ผู้ตรวจสอบ"), {}),
    "value-not-for-type": (None, _value_for_other_type, {}),
    "value-out-of-range": (lambda f: f.values.update({"KPI-7.6.2": 400}), None, {}),
    "value-percent-over-100": (lambda f: f.values.update({"KPI-7.2.1": "105%"}), None, {}),
    "value-percent-fraction": (lambda f: f.values.update({"KPI-7.2.1": 0.86}), None, {}),
    "value-not-whole": (lambda f: f.values.update({"KPI-7.3.1": 2.5}), None, {}),
    "value-na-not-allowed": (lambda f: f.values.update({"KPI-7.2.1": "N/A"}), None, {}),
    "value-and-na": (lambda f: f.na.update({"KPI-7.5.2": "ไม่เกี่ยวข้อง"}), None, {}),
    "formula-no-value": (None, _formula, {}),
    "cell-error": (lambda f: f.values.update({"KPI-7.2.1": "#DIV/0!"}), None, {}),
    "text-too-long": (
        lambda f: f.evidence.update({"PM1-B1": "ก" * 500}),
        None,
        {"limits": Limits(max_text_length=100)},
    ),
    "office-code-missing": (lambda f: f.office_cells.update({"office_code": None}), None, {}),
    "office-code-unknown": (
        lambda f: f.office_cells.update({"office_code": "P999"}),
        None,
        {"registry": Registry("r", {"P001": Office("P001", "x", OfficeType.PRIMARY)})},
    ),
    "office-type-missing": (lambda f: f.office_cells.update({"office_type": None}), None, {}),
    "office-type-unknown": (lambda f: f.office_cells.update({"office_type": "สพฐ."}), None, {}),
    "office-type-mismatch": (
        lambda f: f.office_cells.update({"office_type": "สพม."}),
        None,
        {"registry": Registry("r", {"P001": Office("P001", "x", OfficeType.PRIMARY)})},
    ),
    "date-invalid": (lambda f: f.office_cells.update({"submitted_on": "เมื่อวาน"}), None, {}),
    "evidence-missing": (lambda f: f.evidence.update({"PM1-B1": None}), None, {}),
    "tier-gated": (lambda f: f.answers.update({"PM1-B1": "ไม่ผ่าน"}), None, {}),
    "provisional-differs": (None, _edited_score, {}),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_finding_is_triggered(
    shipped: Rubric, make_submission: SubmissionFactory, code: str
) -> None:
    change, edit, kwargs = CASES[code]
    filled = complete(shipped)
    if change is not None:
        change(filled)
    path = make_submission(shipped, filled, edit=edit)
    report = score_office(path, shipped, **kwargs)
    found = [f for f in report.findings if f.code == code]
    assert found, [f.code for f in report.findings]
    finding = found[0]
    assert finding.file == str(path)
    assert finding.severity == CATALOGUE[code].severity
    assert finding.message_th and finding.message_en
    assert "{" not in finding.message_en + finding.message_th, "an unfilled template field"
    if code not in ("rubric-unknown", "sheet-missing", "header-missing", "sheet-too-large"):
        assert finding.sheet is not None
    # A workbook with errors is still scored as far as it can be.
    assert report.scores is not None


#: Codes about the province maps, triggered in tests/test_geography.py.
MAPS = {"map-province-unknown"}


def test_every_catalogue_code_has_a_test() -> None:
    assert set(CATALOGUE) == (
        set(CASES) | FILE_LEVEL | BATCH_ONLY | PREVIOUS_RESULT | VERIFICATION | TABLES | MAPS
    )


def test_findings_point_at_the_cell(shipped: Rubric, make_submission: SubmissionFactory) -> None:
    filled = complete(shipped)
    filled.values["KPI-7.2.1"] = "ดีมาก"
    filled.answers["PM2-B3"] = None
    path = make_submission(shipped, filled)
    found = codes(path, shipped)
    assert ("value-not-number", "J8", "KPI-7.2.1") in found
    # Row 11 is the PM2 heading, so PM2-B1..B3 sit on rows 12-14.
    assert ("answer-missing", "F14", "PM2-B3") in found
    # The cell with text in it is reported once, not again as a missing answer.
    assert [c for c, _, item in found if item == "KPI-7.2.1"] == ["value-not-number"]
