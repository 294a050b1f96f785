"""The blank template: sheets, protection, validation, fonts, print setup, and no drift from the
committed templates/."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.load import default_rubric_path
from pmqa_cli.rubric.model import Rubric

from .builders import find_col, find_row, template_content

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SHEETS = ["คำชี้แจง", "ข้อมูลหน่วยงาน", "PMQA 4.0", "ตัวชี้วัด", "คะแนนเบื้องต้น", "_pmqa"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("t") / "template.xlsx"
    result = runner.invoke(app, ["template", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(path)


def sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


def test_sheets(template: openpyxl.Workbook) -> None:
    assert template.sheetnames == SHEETS
    assert sheet(template, "_pmqa").sheet_state == "hidden"
    assert template.active is not None and template.active.title == "ข้อมูลหน่วยงาน"


def test_one_row_per_criterion_and_indicator(template: openpyxl.Workbook, shipped: Rubric) -> None:
    pmqa = sheet(template, "PMQA 4.0")
    ids = {pmqa.cell(row=r, column=1).value for r in range(4, pmqa.max_row + 1)} - {None}
    assert ids == {c.id for _, _, c in shipped.criteria()}
    kpi = sheet(template, "ตัวชี้วัด")
    ids = {kpi.cell(row=r, column=1).value for r in range(4, kpi.max_row + 1)} - {None}
    assert ids == {i.id for i in shipped.indicators}
    row = find_row(kpi, "KPI-7.1.3")
    levels = [kpi.cell(row=row, column=find_col(kpi, f"ระดับ {n}")).value for n in range(1, 6)]
    assert levels == [1.0, 0.8, 0.6, 0.4, 0.2]


def test_hidden_sheet_ties_the_workbook_to_its_rubric(
    template: openpyxl.Workbook, shipped: Rubric
) -> None:
    meta = sheet(template, "_pmqa")
    values = {
        meta.cell(row=r, column=1).value: meta.cell(row=r, column=2).value for r in range(1, 8)
    }
    assert values["rubric_id"] == shipped.id
    assert values["rubric_version"] == shipped.version
    assert values["rubric_sha256"] == shipped.sha256


def test_input_cells_unlocked_and_shaded_everything_else_locked(
    template: openpyxl.Workbook,
) -> None:
    pmqa = sheet(template, "PMQA 4.0")
    assert pmqa.protection.sheet and not pmqa.protection.password
    row = find_row(pmqa, "PM1-B1")
    answer = pmqa.cell(row=row, column=find_col(pmqa, "ผลการประเมินตนเอง"))
    assert answer.protection.locked is False
    assert answer.fill.fgColor.rgb.endswith("FFF2CC")
    assert pmqa.cell(row=row, column=1).protection.locked is True
    for name in ("ข้อมูลหน่วยงาน", "ตัวชี้วัด", "คำชี้แจง"):
        assert sheet(template, name).protection.sheet


def _validations(ws: Worksheet) -> dict[str, Any]:
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[str(cell_range)] = dv
    return found


def test_data_validation_from_the_rubric(template: openpyxl.Workbook) -> None:
    pmqa = sheet(template, "PMQA 4.0")
    answer_col = find_col(pmqa, "ผลการประเมินตนเอง")
    dv = _validations(pmqa)[f"{chr(64 + answer_col)}{find_row(pmqa, 'PM1-B1')}"]
    assert dv.type == "list" and dv.formula1 == '"ผ่าน,ไม่ผ่าน"'
    kpi = sheet(template, "ตัวชี้วัด")
    value_col = chr(64 + find_col(kpi, "ผลการดำเนินงาน"))
    rules = {}
    for ref, rule in _validations(kpi).items():
        rules[ref] = rule
    steps = rules[f"{value_col}{find_row(kpi, 'KPI-7.3.1')}"]
    assert (steps.type, steps.formula1, steps.formula2) == ("whole", "0", "5")
    percent = rules[f"{value_col}{find_row(kpi, 'KPI-7.2.1')}"]
    assert (percent.type, percent.formula1, percent.formula2) == ("decimal", "0", "100")
    days = rules[f"{value_col}{find_row(kpi, 'KPI-7.6.2')}"]
    assert (days.formula1, days.formula2) == ("0", "365")
    na_col = chr(64 + find_col(kpi, "ไม่เกี่ยวข้อง"))
    na = rules[f"{na_col}{find_row(kpi, 'KPI-7.5.2')}"]
    assert na.formula1 == '"ไม่เกี่ยวข้อง"'
    # N/A is offered only where the rubric allows it.
    assert f"{na_col}{find_row(kpi, 'KPI-7.2.1')}" not in rules
    office = sheet(template, "ข้อมูลหน่วยงาน")
    assert any(dv.formula1 == '"สพป.,สพม."' for dv in office.data_validations.dataValidation)


def test_fonts_widths_panes_and_print_setup(template: openpyxl.Workbook) -> None:
    for name in SHEETS[:4]:
        ws = sheet(template, name)
        fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
        assert fonts == {"TH Sarabun New"}, name
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # "9": A4
    pmqa = sheet(template, "PMQA 4.0")
    assert pmqa.freeze_panes == "B4"
    assert pmqa.page_setup.orientation == "landscape"
    assert pmqa.column_dimensions["E"].width >= 40
    criterion = pmqa.cell(row=find_row(pmqa, "PM1-B1"), column=find_col(pmqa, "เกณฑ์"))
    assert criterion.alignment.wrap_text


def test_office_prefill(tmp_path: Path) -> None:
    path = tmp_path / "p001.xlsx"
    result = runner.invoke(app, ["template", "--office", "S002", "-o", str(path)])
    assert result.exit_code == 0, result.output
    ws = sheet(openpyxl.load_workbook(path), "ข้อมูลหน่วยงาน")
    assert ws.cell(row=find_row(ws, "office_code"), column=3).value == "S002"
    assert ws.cell(row=find_row(ws, "office_type"), column=3).value == "สพม."
    kpi = sheet(openpyxl.load_workbook(path), "ตัวชี้วัด")
    # A secondary office does not fill the primary-only indicator.
    value = kpi.cell(row=find_row(kpi, "KPI-7.1.1"), column=find_col(kpi, "ผลการดำเนินงาน"))
    assert value.value == "—" and value.protection.locked


def test_unknown_office_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "--office", "X9", "-o", str(tmp_path / "t.xlsx")])
    assert result.exit_code == 2, result.output
    assert "X9" in result.output and "not in the registry" in result.output


def test_output_must_be_xlsx(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "t.csv")])
    assert result.exit_code == 2, result.output


def test_output_folder_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "no" / "t.xlsx")])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_same_rubric_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        assert runner.invoke(app, ["template", "-o", str(path)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_committed_template_matches_what_pmqa_writes(tmp_path: Path) -> None:
    committed = ROOT / "templates" / f"{default_rubric_path().stem}.xlsx"
    assert committed.exists(), "run: pmqa template -o templates/obec-esao-2567.xlsx"
    fresh = tmp_path / "fresh.xlsx"
    assert runner.invoke(app, ["template", "-o", str(fresh)]).exit_code == 0
    assert template_content(committed) == template_content(fresh), (
        "templates/ has drifted from the rubric or the template code; regenerate it with "
        "pmqa template -o templates/obec-esao-2567.xlsx"
    )
    assert hashlib.sha256(committed.read_bytes()).hexdigest()
