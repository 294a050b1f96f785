"""The consolidated results of a batch: results.xlsx, the same data as JSON and as CSV files.

The workbook is written in openpyxl's write-only mode (rows stream to disk, so 10,000 offices
and their million-row audit trail do not sit in memory). Every table is built once as rows by
the functions below and written to xlsx and CSV from the same rows, so the formats cannot
disagree. Text that came from a submission never becomes a formula: cells are typed as text
(xlsx) or prefixed with an apostrophe (CSV), as OWASP advises.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pmqa_cli import __version__
from pmqa_cli.batch import BatchResult, FileResult
from pmqa_cli.layout import FORMULA_START
from pmqa_cli.thai import thai_datetime
from pmqa_cli.xlsx_writer import (
    FONT_NAME,
    FONT_SIZE,
    output_timestamp,
    safe_text,
    save_atomic,
    write_bytes_atomic,
)

__all__ = ["Table", "tables", "write_csv", "write_json", "write_results"]

MAX_SHEET_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows; the audit trail splits before it


@dataclass
class Table:
    """One sheet's worth of data: a name, headers, rows, and how to present it."""

    sheet: str
    csv_name: str
    headers: list[str]
    rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]]
    widths: Sequence[float]
    score_columns: tuple[int, ...] = ()  # 1-based columns with scores (number format, colours)
    text_columns: tuple[int, ...] = ()  # 1-based columns whose text may come from a submission
    center_columns: tuple[int, ...] = ()  # short values (ranks, codes, types, counts)


def _office_cells(f: FileResult) -> list[Any]:
    o = f.office
    return [o.code, o.name, o.type.abbrev_th if o.type else ""]


def _summary(batch: BatchResult) -> Table:
    rows = []
    ordered = sorted(batch.scored, key=lambda f: (f.rank or 10**9, f.office.code, f.path))
    for f in ordered:
        o = f.office
        rows.append(
            [
                f.rank, f.rank_in_type, *_office_cells(f), o.province, o.region,
                f.pmqa, f.status_th, f.results, f.overall, f.band_th,
                f.errors, f.warnings, Path(f.path).name,
            ]
        )  # fmt: skip
    return Table(
        "สรุปผล",
        "summary",
        [
            "อันดับ", "อันดับในประเภท", "รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "ภาค",
            "คะแนนหมวด 1-6", "สถานะ PMQA 4.0", "คะแนนหมวด 7", "คะแนนรวม", "ระดับผลการประเมิน",
            "ข้อผิดพลาด", "คำเตือน", "ไฟล์",
        ],
        rows,
        [8, 10, 10, 34, 8, 16, 24, 15, 24, 15, 13, 18, 10, 9, 24],
        score_columns=(8, 10, 11),
        text_columns=(3, 4, 6, 7, 15),
        center_columns=(1, 2, 3, 5, 9, 12, 13, 14),
    )  # fmt: skip


def _issues(batch: BatchResult) -> Table:
    headers = ["รหัส", "ชื่อหน่วยงาน", "ประเภท"]
    for issue in batch.rubric.issues:
        headers += [f"{issue.id} คะแนน", f"{issue.id} สถานะ"]
    rows = []
    for f in _by_code(batch.scored):
        row = _office_cells(f)
        for _, score, status in f.issues:
            row += [score, status]
        rows.append(row)
    count = len(batch.rubric.issues)
    return Table(
        "PMQA 4.0",
        "pmqa",
        headers,
        rows,
        [10, 34, 8] + [11, 18] * count,
        score_columns=tuple(4 + 2 * n for n in range(count)),
        text_columns=(1, 2),
    )


def _indicators(batch: BatchResult) -> Table:
    headers = ["รหัส", "ชื่อหน่วยงาน", "ประเภท"]
    for ind in batch.rubric.indicators:
        headers += [f"{ind.id} ผล", f"{ind.id} คะแนน"]
    rows = []
    for f in _by_code(batch.scored):
        row = _office_cells(f)
        for _, value, applies, na, score in f.indicators:
            shown_value: Any = "N/A" if na else value
            row += [shown_value, score if applies else None]
        rows.append(row)
    count = len(batch.rubric.indicators)
    return Table(
        "ตัวชี้วัด",
        "indicators",
        headers,
        rows,
        [10, 34, 8] + [12, 12] * count,
        score_columns=tuple(5 + 2 * n for n in range(count)),
        text_columns=(1, 2),
    )


def _statistics(batch: BatchResult) -> Table:
    rows: list[list[Any]] = [
        [s.key, s.label, s.count, s.mean, s.median, s.minimum, s.maximum, s.stdev]
        for s in batch.statistics()
    ]
    for title, table in (
        ("ระดับผลการประเมิน", batch.distribution()["band"]),
        ("สถานะ PMQA 4.0", batch.distribution()["status"]),
    ):
        rows.append([])
        rows.append([title, "", "สพป.", "สพม.", "รวม"])
        for label, counts in table.items():
            rows.append([label, "", counts["สพป."], counts["สพม."], counts["รวม"]])
    return Table(
        "สถิติ",
        "statistics",
        ["รายการ", "ชื่อ", "จำนวน", "ค่าเฉลี่ย", "มัธยฐาน", "ต่ำสุด", "สูงสุด", "ส่วนเบี่ยงเบนมาตรฐาน"],
        rows,
        [20, 50, 9, 12, 12, 12, 12, 16],
        score_columns=(4, 5, 6, 7, 8),
    )


def _findings(batch: BatchResult) -> Table:
    rows = []
    for f in batch.files:
        for finding in f.findings:
            rows.append(
                [
                    Path(finding.file or f.path).name, f.office.code, finding.sheet or "",
                    finding.cell or "", finding.item_id or "", finding.code,
                    "ข้อผิดพลาด" if finding.severity.value == "error" else "คำเตือน",
                    finding.message_th, finding.message_en,
                ]
            )  # fmt: skip
    return Table(
        "ปัญหาที่พบ",
        "findings",
        ["ไฟล์", "รหัสหน่วยงาน", "แผ่นงาน", "เซลล์", "รายการ", "รหัสปัญหา", "ความรุนแรง",
         "คำอธิบายและวิธีแก้", "Message"],
        rows,
        [22, 12, 14, 8, 12, 22, 12, 70, 60],
        text_columns=(1, 2, 5, 8, 9),
    )  # fmt: skip


def _missing(batch: BatchResult) -> Table:
    rows: list[list[Any]] = [
        [o.code, o.name, o.type.abbrev_th if o.type else "", o.province, o.region]
        for o in batch.missing
    ]
    if batch.registry is None:
        rows = [["(ไม่ได้ระบุทะเบียนหน่วยงาน: ใช้ --registry เพื่อตรวจหน่วยงานที่ไม่ได้ส่ง)"]]
    return Table(
        "ไม่ได้ส่ง",
        "missing",
        ["รหัส", "ชื่อหน่วยงาน", "ประเภท", "จังหวัด", "ภาค"],
        rows,
        [10, 34, 8, 16, 16],
    )


def _duplicates(batch: BatchResult) -> Table:
    rows = [
        [d.code, Path(d.path).name, datetime.fromtimestamp(d.mtime).isoformat(" ", "seconds"),
         "ใช้คะแนนจากไฟล์นี้" if d.chosen else "ไม่ใช้", d.sha256, d.path]
        for d in batch.duplicates
    ]  # fmt: skip
    return Table(
        "ส่งซ้ำ",
        "duplicates",
        ["รหัส", "ไฟล์", "แก้ไขล่าสุด", "การใช้คะแนน", "SHA-256", "ที่อยู่ไฟล์"],
        rows,
        [10, 24, 20, 18, 66, 40],
        text_columns=(1, 2, 6),
    )


def _inputs(batch: BatchResult) -> Iterator[list[Any]]:
    for path, sha, v in batch.iter_values():
        value = v.value.isoformat() if hasattr(v.value, "isoformat") else v.value
        yield [Path(path).name, sha, v.sheet, v.cell, v.item_id, v.field, v.raw, value]


def _inputs_table(batch: BatchResult) -> Table:
    return Table(
        "ข้อมูลนำเข้า",
        "inputs",
        ["ไฟล์", "SHA-256 ของไฟล์", "แผ่นงาน", "เซลล์", "รายการ", "ช่อง", "ค่าที่พิมพ์", "ค่าที่ใช้"],
        _inputs(batch),
        [22, 66, 16, 8, 14, 14, 30, 16],
        text_columns=(1, 5, 7, 8),
    )


def _about(batch: BatchResult, command: str, when: datetime) -> Table:
    rubric = batch.rubric
    counts = batch.counts()
    rows: list[list[Any]] = [
        ["เกณฑ์ (rubric id)", rubric.id],
        ["ฉบับ (version)", rubric.version],
        ["SHA-256 ของเกณฑ์", rubric.sha256],
        ["ชื่อเกณฑ์", rubric.title_th],
        ["ปีงบประมาณ", rubric.fiscal_year],
        ["โปรแกรม", f"pmqa {__version__}"],
        ["วันที่ประมวลผล (พ.ศ.)", thai_datetime(when)],
        ["วันที่ประมวลผล (ค.ศ.)", when.isoformat(" ", "seconds")],
        ["คำสั่ง", command],
        ["ทะเบียนหน่วยงาน", batch.registry.source if batch.registry else "(ไม่ได้ระบุ)"],
        ["จำนวนไฟล์", counts["files"]],
        ["ประเมินได้ ไม่มีข้อผิดพลาด", counts["scored_clean"]],
        ["ประเมินได้ มีข้อผิดพลาด", counts["scored_with_errors"]],
        ["อ่านไม่ได้", counts["unreadable"]],
        ["ส่งซ้ำ (ไฟล์)", counts["duplicates"]],
        ["ไม่ได้ส่ง", counts["missing"]],
        ["ไฟล์อื่นที่ข้าม", counts["skipped"]],
    ]
    rows += [["ไฟล์ที่ข้าม", path] for path in batch.skipped]
    return Table("เกี่ยวกับ", "about", ["รายการ", "ค่า"], rows, [30, 90], text_columns=(2,))


def tables(batch: BatchResult, command: str, when: datetime) -> list[Table]:
    """Every table of the results, in sheet order."""
    return [
        _summary(batch),
        _issues(batch),
        _indicators(batch),
        _statistics(batch),
        _findings(batch),
        _missing(batch),
        _duplicates(batch),
        _inputs_table(batch),
        _about(batch, command, when),
    ]


def _by_code(files: Sequence[FileResult]) -> list[FileResult]:
    return sorted(files, key=lambda f: (f.office.code, f.path))


# --- xlsx ------------------------------------------------------------------------------------

_HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _text(ws: Any, value: str) -> Cell:
    cell = WriteOnlyCell(ws, value=safe_text(value))
    cell.data_type = "s"  # never a formula, whatever it starts with
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def _number_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals else "0"


def _write_table(wb: Workbook, table: Table, number_format: str, sheet: str | None = None) -> Any:
    ws = wb.create_sheet(sheet or table.sheet)
    for n, width in enumerate(table.widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 45  # two lines of 16 pt Thai in the wrapped headers
    # 16 pt Thai with marks above and below needs taller rows than the 15 pt default.
    ws.sheet_format.defaultRowHeight = 22
    ws.sheet_format.customHeight = True
    _print_setup(ws)
    header = []
    for text in table.headers:
        cell = _text(ws, text)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    return ws


def _print_setup(ws: Any) -> None:
    """A4 landscape, one page wide, the header row repeated on every page."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


_CENTER = Alignment(horizontal="center")


def _cells(ws: Any, row: Sequence[Any], table: Table, number_format: str) -> list[Any]:
    out: list[Any] = []
    for col, value in enumerate(row, start=1):
        if col in table.center_columns:
            cell = _text(ws, value) if isinstance(value, str) else WriteOnlyCell(ws, value=value)
            cell.alignment = _CENTER
            out.append(cell)
        elif isinstance(value, str):
            out.append(_text(ws, value))
        elif isinstance(value, float) and col in table.score_columns:
            cell = WriteOnlyCell(ws, value=value if math.isfinite(value) else None)
            cell.number_format = number_format
            out.append(cell)
        else:
            out.append(value)
    return out


def _finish(ws: Any, table: Table, rows: int) -> None:
    last = get_column_letter(len(table.headers))
    if rows:
        ws.auto_filter.ref = f"A1:{last}{rows + 1}"
    for col in table.score_columns:
        letter = get_column_letter(col)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{max(rows + 1, 2)}",
            ColorScaleRule(  # type: ignore[no-untyped-call]
                start_type="num", start_value=0, start_color="F8696B",
                mid_type="num", mid_value=300, mid_color="FFEB84",
                end_type="num", end_value=500, end_color="63BE7B",
            ),
        )  # fmt: skip


def write_results(batch: BatchResult, path: Path, command: str = "pmqa batch") -> None:
    """Write results.xlsx (atomically)."""
    when = output_timestamp()
    number_format = _number_format(batch.rubric.scoring.decimals)
    wb = Workbook(write_only=True)
    # Every cell gets TH Sarabun New without styling each one: set the workbook's default font.
    wb._fonts[0] = Font(name=FONT_NAME, size=FONT_SIZE, family=2)  # type: ignore[attr-defined]
    all_tables = tables(batch, command, when)
    stats = all_tables[3]
    chart_sheet = None
    for table in all_tables:
        if table.sheet == "ข้อมูลนำเข้า":
            _write_inputs(wb, table, number_format, batch.values_count)
            continue
        ws = _write_table(wb, table, number_format)
        rows = 0
        for row in table.rows:
            ws.append(_cells(ws, row, table, number_format))
            rows += 1
        if table.sheet != "สถิติ":
            _finish(ws, table, rows)
        if table is stats:
            stats_ws = ws
            chart_sheet = wb.create_sheet("กราฟ")
            _print_setup(chart_sheet)
            chart_sheet.page_setup.orientation = "portrait"
    assert chart_sheet is not None
    _charts(chart_sheet, stats_ws, stats, batch)
    save_atomic(wb, path, stamp=when)


def _write_inputs(wb: Workbook, table: Table, number_format: str, total: int) -> None:
    sheets = max(1, math.ceil(total / MAX_SHEET_ROWS))
    names = [table.sheet] + [f"{table.sheet} ({n})" for n in range(2, sheets + 1)]
    targets = [_write_table(wb, table, number_format, name) for name in names]
    counts = [0] * len(targets)
    for n, row in enumerate(table.rows):
        index = min(n // MAX_SHEET_ROWS, len(targets) - 1)
        targets[index].append(_cells(targets[index], row, table, number_format))
        counts[index] += 1
    for ws, rows in zip(targets, counts, strict=True):
        _finish(ws, table, rows)


def _charts(ws: Any, stats_ws: Any, stats: Table, batch: BatchResult) -> None:
    rubric = batch.rubric
    n_stats = 3 + len(rubric.issues) + len(rubric.indicators)
    band_header = n_stats + 3  # header row + stats rows + blank row, 1-based
    n_bands = len(rubric.scoring.overall_bands)
    status_header = band_header + n_bands + 2
    n_status = len(rubric.scoring.pmqa_status_bands)

    bands = BarChart()
    bands.type = "col"
    bands.title = "ระดับผลการประเมินตามประเภทหน่วยงาน"
    bands.y_axis.title = "จำนวนหน่วยงาน"
    data = Reference(
        stats_ws, min_col=3, max_col=4, min_row=band_header, max_row=band_header + n_bands
    )
    bands.add_data(data, titles_from_data=True)
    bands.set_categories(
        Reference(stats_ws, min_col=1, min_row=band_header + 1, max_row=band_header + n_bands)
    )
    bands.width, bands.height = 22, 11
    ws.add_chart(bands, "A1")

    status = BarChart()
    status.type = "col"
    status.title = "สถานะ PMQA 4.0"
    status.y_axis.title = "จำนวนหน่วยงาน"
    status.add_data(
        Reference(stats_ws, min_col=5, min_row=status_header, max_row=status_header + n_status),
        titles_from_data=True,
    )
    status.set_categories(
        Reference(stats_ws, min_col=1, min_row=status_header + 1, max_row=status_header + n_status)
    )
    status.width, status.height = 22, 11
    ws.add_chart(status, "A24")

    means = BarChart()
    means.type = "bar"
    means.title = "คะแนนเฉลี่ยรายตัวชี้วัด"
    means.x_axis.title = "ตัวชี้วัด"
    first = 2 + 3 + len(rubric.issues)
    last = first + len(rubric.indicators) - 1
    means.add_data(Reference(stats_ws, min_col=4, min_row=first, max_row=last))
    means.set_categories(Reference(stats_ws, min_col=1, min_row=first, max_row=last))
    means.legend = None
    means.width, means.height = 22, 14
    ws.add_chart(means, "A47")


# --- JSON and CSV ----------------------------------------------------------------------------


def write_json(batch: BatchResult, path: Path, command: str = "pmqa batch") -> None:
    """The same data as results.xlsx, as one JSON document (docs/json-output.md)."""
    when = output_timestamp()
    rubric = batch.rubric
    data = {
        "pmqa_version": __version__,
        "generated": when.isoformat(timespec="seconds"),
        "command": command,
        "rubric": {"id": rubric.id, "version": rubric.version, "sha256": rubric.sha256},
        "registry": batch.registry.source if batch.registry else None,
        "valid": batch.clean,
        "counts": batch.counts(),
        "offices": [f.to_dict() for f in batch.files],
        "statistics": [s.to_dict() for s in batch.statistics()],
        "distribution": batch.distribution(),
        "findings": [f.to_dict() for f in batch.findings],
        "missing": [
            {"code": o.code, "name": o.name, "type": o.type.value if o.type else None,
             "province": o.province, "region": o.region}
            for o in batch.missing
        ],
        "duplicates": [
            {"code": d.code, "file": d.path, "mtime": d.mtime, "sha256": d.sha256,
             "chosen": d.chosen}
            for d in batch.duplicates
        ],
        "skipped": batch.skipped,
    }  # fmt: skip
    buffer = io.StringIO()
    json.dump(data, buffer, ensure_ascii=False, indent=1, allow_nan=False)
    write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))


def _csv_value(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        # OWASP: a leading apostrophe keeps a spreadsheet from reading the text as a formula.
        return "'" + value
    return "" if value is None else value


def write_csv(batch: BatchResult, folder: Path, command: str = "pmqa batch") -> list[Path]:
    """One CSV per table (UTF-8 with BOM, so Excel opens the Thai text correctly)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables(batch, command, output_timestamp()):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])
        target = folder / f"{table.csv_name}.csv"
        write_bytes_atomic(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
        written.append(target)
    return written
