"""comparison.xlsx (``pmqa compare OLD NEW``): two results compared without re-scoring.

The same comparison tables as the comparison sheets of results.xlsx, then the problems found in
either file and where the numbers came from; the same data as JSON and CSV.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pmqa_cli import __version__
from pmqa_cli.compare.comparison import Comparison
from pmqa_cli.core.thai import thai_datetime
from pmqa_cli.io.mark import Kind
from pmqa_cli.report.compare_tables import comparison_tables
from pmqa_cli.report.guard import record_written
from pmqa_cli.report.outputs import output_timestamp, write_bytes_atomic
from pmqa_cli.report.printing import page_marks, print_setup
from pmqa_cli.report.tables import (
    FINDING_COLUMNS,
    FINDINGS_SHEET,
    Column,
    Formats,
    Located,
    Table,
    finding_rows,
    finish_sheet,
    mark_book,
    print_scale,
    table_sheet,
    write_row,
    write_table_csv,
    xlsx_book,
)
from pmqa_cli.rubric.model import Rubric

__all__ = ["comparison_book_tables", "write_comparison", "write_comparison_csv",
           "write_comparison_json"]  # fmt: skip


def _about(comparison: Comparison, rubric: Rubric, command: str, when: datetime) -> Table:
    rows: list[list[Any]] = [
        ["ผลล่าสุด", comparison.current.label],
        ["ไฟล์ผลล่าสุด", comparison.current.source],
    ]
    for r in comparison.rounds:
        rows += [["ผลครั้งก่อน", r.label], ["ไฟล์ผลครั้งก่อน", r.previous.source]]
    rows += [
        ["เกณฑ์ที่ใช้จับคู่รายการ (rubric id)", rubric.id],
        ["ฉบับ (version)", rubric.version],
        ["โปรแกรม", f"pmqa {__version__}"],
        ["วันที่ประมวลผล (พ.ศ.)", thai_datetime(when)],
        ["คำสั่ง", command],
    ]
    columns: list[Column[Any]] = [Column("รายการ", 30), Column("ค่า", 90)]
    return Table("เกี่ยวกับ", "about", columns, rows)


def _findings(comparison: Comparison) -> Table:
    located = [
        Located(s.source, "", f)
        for s in (*(r.previous for r in comparison.rounds), comparison.current)
        for f in s.findings
    ]
    return Table(FINDINGS_SHEET, "findings", FINDING_COLUMNS, finding_rows(located))


def comparison_book_tables(
    comparison: Comparison, rubric: Rubric, command: str, when: datetime
) -> list[Table]:
    """Every table of comparison.xlsx, in sheet order."""
    return [
        *comparison_tables(comparison),
        _findings(comparison),
        _about(comparison, rubric, command, when),
    ]


def write_comparison(comparison: Comparison, rubric: Rubric, path: Path, command: str) -> None:
    """Write comparison.xlsx (built in memory: two results are small)."""
    buffer = io.BytesIO()
    book = xlsx_book(buffer, in_memory=True)
    when = output_timestamp()
    mark_book(book, Kind.COMPARISON, "เปรียบเทียบผลการประเมิน", when)
    formats = Formats(book, rubric.scoring.decimals)
    for table in comparison_book_tables(comparison, rubric, command, when):
        ws = table_sheet(book, table, formats)
        title = f"เปรียบเทียบผลการประเมิน: {table.sheet}"
        scale = print_scale(table.columns)
        print_setup(ws, page_marks(title, rubric.fiscal_year, when=when, scale=scale))
        styles, fit = formats.of(table), formats.fit(table)
        rows = 0
        for rows, row in enumerate(table.rows, start=1):
            write_row(ws, rows, row, styles, fit=fit)
        finish_sheet(ws, table, rows)
    book.close()
    write_bytes_atomic(path, buffer.getvalue())


def write_comparison_json(comparison: Comparison, path: Path, command: str) -> None:
    """The comparison as JSON (docs/json-output.md)."""
    data = {
        "pmqa_version": __version__,
        "generated": output_timestamp().isoformat(timespec="seconds"),
        "command": command,
        "comparison": comparison.to_dict(),
        "findings": [f.to_dict() for f in comparison.findings],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    write_bytes_atomic(path, text.encode("utf-8"))


def write_comparison_csv(
    comparison: Comparison, rubric: Rubric, folder: Path, command: str
) -> list[Path]:
    """One CSV per table of comparison.xlsx (UTF-8 with BOM)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in comparison_book_tables(comparison, rubric, command, output_timestamp()):
        written.append(write_table_csv(table, folder, rubric.scoring.decimals))
    record_written(folder, written)  # so the next run may replace them (report/guard.py)
    return written
