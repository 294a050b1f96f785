"""Builders the test modules share: submission workbooks filled through pmqa's own template, the
mini rubric's hand-computed case, and a template's visible content.

Test modules import these from here, never from each other or from conftest.py; conftest's
``make_submission`` fixture is :func:`submission_factory` on the test's tmp_path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office
from pmqa_cli.report.template import build_template
from pmqa_cli.report.writer import save_atomic
from pmqa_cli.rubric.model import OfficeType, Rubric

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_RUBRIC = FIXTURES / "mini-rubric.yaml"

Sheets = dict[str, Worksheet]


@dataclass
class Filled:
    """What a test wants typed into a template; None leaves a cell empty."""

    office: Office = field(
        default_factory=lambda: Office("P001", "สพป.ทดสอบ เขต 1", OfficeType.PRIMARY, "ทดสอบ")
    )
    answers: dict[str, Any] = field(default_factory=dict)  # criterion id -> answer cell
    values: dict[str, Any] = field(default_factory=dict)  # indicator id -> value cell
    na: dict[str, Any] = field(default_factory=dict)  # indicator id -> N/A cell
    evidence: dict[str, Any] = field(default_factory=dict)  # item id -> evidence cell
    office_cells: dict[str, Any] = field(default_factory=dict)  # office field key -> value


def find_row(ws: Worksheet, item_id: str) -> int:
    """The row holding an item id in column A, as a user would find it."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == item_id:
            return row
    raise KeyError(item_id)


def find_col(ws: Worksheet, header_start: str) -> int:
    """The column whose header (row 3) starts with the given text."""
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row=3, column=col).value
        if isinstance(value, str) and value.startswith(header_start):
            return col
    raise KeyError(header_start)


def complete(rubric: Rubric, filled: Filled | None = None) -> Filled:
    """A fully and cleanly answered submission (every criterion met, mid-level indicators)."""
    filled = filled or Filled()
    for _, _, criterion in rubric.criteria():
        filled.answers.setdefault(criterion.id, "ผ่าน")
        filled.evidence.setdefault(criterion.id, f"doc-{criterion.id}")
    for ind in rubric.indicators:
        if not ind.applies(filled.office.type):
            continue
        if ind.method.value == "steps":
            value: Any = 3
        elif ind.method.value == "pass_fail":
            value = "ผ่าน"
        else:
            value = (ind.thresholds or [Decimal(0)] * 3)[2]
        filled.values.setdefault(ind.id, value)
        filled.evidence.setdefault(ind.id, f"doc-{ind.id}")
    return filled


SubmissionFactory = Callable[..., Path]


def submission_factory(folder: Path) -> SubmissionFactory:
    """Build filled submissions in ``folder``; ``edit`` may change the sheets before saving."""
    counter = iter(range(1, 10_000))

    def make(
        rubric: Rubric,
        filled: Filled | None = None,
        *,
        edit: Callable[[Sheets], None] | None = None,
        name: str | None = None,
    ) -> Path:
        filled = filled or Filled()
        wb, _ = build_template(rubric, filled.office)
        sheets: Sheets = {ws.title: ws for ws in wb.worksheets if isinstance(ws, Worksheet)}
        pmqa, kpi, info = sheets["PMQA 4.0"], sheets["ตัวชี้วัด"], sheets["ข้อมูลหน่วยงาน"]
        answer, p_evidence = find_col(pmqa, "ผลการประเมินตนเอง"), find_col(pmqa, "หลักฐาน")
        value, na, k_evidence = (
            find_col(kpi, "ผลการดำเนินงาน"),
            find_col(kpi, "ไม่เกี่ยวข้อง"),
            find_col(kpi, "หลักฐาน"),
        )
        for item, cell in filled.answers.items():
            pmqa.cell(row=find_row(pmqa, item), column=answer).value = cell
        for item, cell in filled.values.items():
            kpi.cell(row=find_row(kpi, item), column=value).value = cell
        for item, cell in filled.na.items():
            kpi.cell(row=find_row(kpi, item), column=na).value = cell
        criteria = {c.id for _, _, c in rubric.criteria()}
        for item, cell in filled.evidence.items():
            sheet, column = (pmqa, p_evidence) if item in criteria else (kpi, k_evidence)
            sheet.cell(row=find_row(sheet, item), column=column).value = cell
        for key, cell in filled.office_cells.items():
            info.cell(row=find_row(info, key), column=3).value = cell
        if edit is not None:
            edit(sheets)
        path = folder / (name or f"submission-{next(counter)}.xlsx")
        save_atomic(wb, path, kind=Kind.TEMPLATE)
        return path

    return make


def hand_case_submission(mini: Rubric, make_submission: SubmissionFactory, **kw: object) -> Path:
    """Office P001's submission of the mini rubric's hand-computed case
    (tests/test_verification.py's docstring); keyword arguments replace fields of Filled."""
    filled = Filled(
        answers={f"C{n}": "ผ่าน" for n in range(1, 9)} | {"C9": "ไม่ผ่าน"},
        values={"K1": 35, "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5},
        evidence={f"C{n}": f"เอกสาร {n}" for n in range(1, 10)},
    )
    for key, value in kw.items():
        setattr(filled, key, value)
    return make_submission(mini, filled, name=f"{filled.office.code}.xlsx")


def write(path: Path, text: str) -> Path:
    """Write UTF-8 text (a verification CSV, say) and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def template_content(path: Path) -> list[Any]:
    """Everything a user sees in a template, for comparing two of them."""
    wb = openpyxl.load_workbook(path)
    content: list[Any] = [wb.sheetnames]
    for ws in wb.worksheets:
        assert isinstance(ws, Worksheet)
        content.append([ws.title, ws.sheet_state, ws.freeze_panes, ws.protection.sheet])
        content.append([[c.value for c in row] for row in ws.iter_rows()])
        content.append(sorted(str(r) for r in ws.merged_cells.ranges))
        content.append(
            sorted(
                (dv.type or "", dv.formula1 or "", dv.formula2 or "", str(dv.sqref))
                for dv in ws.data_validations.dataValidation
            )
        )
        content.append({k: d.width for k, d in ws.column_dimensions.items()})
    return content
