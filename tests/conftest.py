"""Shared fixtures: rubrics located via __file__, and a pinned terminal width for rich output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pmqa_cli.core import portable
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office
from pmqa_cli.report.template import build_template
from pmqa_cli.report.writer import save_atomic
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import OfficeType, Rubric

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_RUBRIC = FIXTURES / "mini-rubric.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--simulate-windows",
        action="store_true",
        help="Run as on Windows: no os.fork, SIGALRM, resource or os.fchmod in any process, "
        "workers started with spawn (PMQA_SIMULATE_WINDOWS=1, pmqa_cli/core/portable.py).",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--simulate-windows") or portable.simulating_windows():
        portable.simulate_windows()


def pytest_report_header(config: pytest.Config) -> str | None:
    return (
        "pmqa: simulating Windows (spawn, no fork/SIGALRM/resource/fchmod)"
        if (portable.simulating_windows())
        else None
    )


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich reads the width from COLUMNS: pin it so rendered tables are stable across machines.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PMQA_DEBUG", raising=False)
    # Terminal labels follow the locale; tests read the English ones unless they pick Thai.
    monkeypatch.setenv("PMQA_LANG", "en")


@pytest.fixture(scope="session")
def mini() -> Rubric:
    """The small hand-computable rubric."""
    return load_rubric(MINI_RUBRIC)[0]


@pytest.fixture(scope="session")
def shipped() -> Rubric:
    """The shipped FY2567 rubric."""
    return load_rubric()[0]


# --- a factory for submission workbooks ---------------------------------------------------


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


@pytest.fixture
def make_submission(tmp_path: Path) -> SubmissionFactory:
    """Build a filled submission in tmp_path; ``edit`` may change the sheets before saving."""
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
        path = tmp_path / (name or f"submission-{next(counter)}.xlsx")
        save_atomic(wb, path, kind=Kind.TEMPLATE)
        return path

    return make
