"""Submission workbooks written the way offices' own tools write them, not by pmqa's template.

:func:`xlsxwriter_submission` writes a workbook with xlsxwriter (shared strings, its own
styles, real percent formats); the caller says which cells hold text typed by a person, which
are percent-formatted numbers and which extra columns the office added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pmqa_cli.io.layout import (
    INDICATOR_COLUMNS,
    OFFICE_COLUMNS,
    OFFICE_FIELDS,
    PMQA_COLUMNS,
    SHEET_INDICATORS,
    SHEET_META,
    SHEET_OFFICE,
    SHEET_PMQA,
)
from pmqa_cli.rubric.model import Method, OfficeType, Rubric


@dataclass
class OfficeBook:
    """What an office typed. Values are written as given: str as text, numbers as numbers."""

    office_type: OfficeType = OfficeType.PRIMARY
    values: dict[str, Any] = field(default_factory=dict)  # indicator id -> value cell
    percent: set[str] = field(default_factory=set)  # indicator ids whose cell is 0.00%
    answers: dict[str, Any] = field(default_factory=dict)  # criterion id -> answer cell
    # Extra indicator columns: (header, position among the columns, value per indicator id).
    extra_columns: Sequence[tuple[str, int, Mapping[str, Any]]] = ()


def default_value(rubric: Rubric, indicator_id: str) -> Any:
    """A clean mid-level value for an indicator."""
    ind = rubric.indicator(indicator_id)
    if ind.method is Method.STEPS:
        return 3
    if ind.method is Method.PASS_FAIL:
        return "ผ่าน"
    return float((ind.thresholds or [Decimal(0)] * 3)[2])


def xlsxwriter_submission(path: Path, rubric: Rubric, book: OfficeBook) -> Path:
    """Write a complete submission with xlsxwriter; every applicable indicator has a value."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    percent = workbook.add_format({"num_format": "0.00%"})
    info = workbook.add_worksheet(SHEET_OFFICE)
    info.write_row(0, 0, [c.header for c in OFFICE_COLUMNS])
    kind = "สพป." if book.office_type is OfficeType.PRIMARY else "สพม."
    office = {"office_code": "P001", "office_name": f"{kind}ทดสอบ", "office_type": kind}
    for n, f in enumerate(OFFICE_FIELDS, start=1):
        info.write_row(n, 0, [f.key, f.label_th, office.get(f.key, "")])
    pmqa = workbook.add_worksheet(SHEET_PMQA)
    pmqa.write_row(0, 0, [c.header for c in PMQA_COLUMNS])
    for n, (_, _, c) in enumerate(rubric.criteria(), start=1):
        answer = book.answers.get(c.id, "ผ่าน")
        by_key = {"id": c.id, "criterion": c.text_th, "answer": answer, "evidence": f"doc-{c.id}"}
        pmqa.write_row(n, 0, [by_key.get(column.key, "") for column in PMQA_COLUMNS])
    kpi = workbook.add_worksheet(SHEET_INDICATORS)
    headers: list[str] = [c.header for c in INDICATOR_COLUMNS]
    keys: list[str] = [c.key for c in INDICATOR_COLUMNS]
    for header, position, _ in book.extra_columns:
        headers.insert(position, header)
        keys.insert(position, f"extra:{header}")
    kpi.write_row(0, 0, headers)
    for n, ind in enumerate(rubric.indicators, start=1):
        row: dict[str, Any] = {"id": ind.id, "indicator": ind.title_th, "evidence": f"doc-{ind.id}"}
        if ind.id in book.values or ind.applies(book.office_type):
            row["value"] = book.values.get(ind.id, default_value(rubric, ind.id))
        for header, _, cells in book.extra_columns:
            row[f"extra:{header}"] = cells.get(ind.id, "")
        for col, key in enumerate(keys):
            if key not in row or row[key] is None:
                continue
            cell = row[key]
            if key == "value" and ind.id in book.percent:
                kpi.write_number(n, col, float(cell), percent)
            elif isinstance(cell, str):
                kpi.write_string(n, col, cell)
            else:
                kpi.write(n, col, cell)
    meta = workbook.add_worksheet(SHEET_META)
    for n, (key, val) in enumerate(
        [
            ("rubric_id", rubric.id),
            ("rubric_version", rubric.version),
            ("rubric_sha256", rubric.sha256),
        ]
    ):
        meta.write_row(n, 0, [key, val])
    meta.hide()
    workbook.close()
    return path


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

#: For tests that need LibreOffice: skipped without it, unless PMQA_REQUIRE_LIBREOFFICE is set
#: (CI), where a missing LibreOffice fails instead (the pattern of tests/test_libreoffice.py).
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("PMQA_REQUIRE_LIBREOFFICE"),
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


def libreoffice_resave(path: Path, outdir: Path) -> Path:
    """Open a workbook in LibreOffice (headless, fresh profile) and save it as .xlsx again, as
    an office using LibreOffice Calc does."""
    assert SOFFICE is not None, "PMQA_REQUIRE_LIBREOFFICE is set but soffice is missing"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"
    result = subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    target = outdir / f"{path.stem}.xlsx"
    assert result.returncode == 0 and target.exists(), result.stdout + result.stderr
    return target
