"""The consolidated results of a batch: results.xlsx, the same data as JSON and as CSV files.

The workbook is written by xlsxwriter in constant-memory mode (rows stream to disk, so 10,000
offices and their million-row audit trail do not sit in memory). Every table is built once as rows by
the functions below and written to xlsx and CSV from the same rows, so the formats cannot
disagree. Text that came from a submission never becomes a formula: cells are typed as text
(xlsx) or prefixed with an apostrophe (CSV), as OWASP advises.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pmqa_cli import __version__
from pmqa_cli.assess.batch import BatchResult, FileResult
from pmqa_cli.assess.submission import ValueRead
from pmqa_cli.errors import OutputError
from pmqa_cli.report.outputs import (
    FONT_NAME,
    FONT_SIZE,
    MAX_CELL_TEXT,
    output_timestamp,
    write_bytes_atomic,
)
from pmqa_cli.rubric.model import Rubric
from pmqa_cli.thai import thai_datetime
from pmqa_cli.workbook.layout import FORMULA_START

__all__ = ["ResultsWorkbook", "Table", "tables", "write_csv", "write_json", "write_results"]

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
    table = _inputs_table_header()
    table.rows = _inputs(batch)
    return table


def _inputs_table_header() -> Table:
    return Table(
        "ข้อมูลนำเข้า",
        "inputs",
        ["ไฟล์", "SHA-256 ของไฟล์", "แผ่นงาน", "เซลล์", "รายการ", "ช่อง", "ค่าที่พิมพ์", "ค่าที่ใช้"],
        [],
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


def tables(
    batch: BatchResult, command: str, when: datetime, *, with_inputs: bool = True
) -> list[Table]:
    """Every table of the results, in sheet order; the bulky audit trail last."""
    found = [
        _summary(batch),
        _issues(batch),
        _indicators(batch),
        _statistics(batch),
        _findings(batch),
        _missing(batch),
        _duplicates(batch),
        _about(batch, command, when),
    ]
    if with_inputs:
        found.append(_inputs_table(batch))
    return found


def _by_code(files: Sequence[FileResult]) -> list[FileResult]:
    return sorted(files, key=lambda f: (f.office.code, f.path))


# --- xlsx ------------------------------------------------------------------------------------
#
# Written with xlsxwriter in constant-memory mode: rows stream to disk as they are written, and
# it is about three times faster than openpyxl for the audit trail's hundreds of thousands of
# cells (benchmarks/RESULTS.md). write_string() always stores text, never a formula.

_SCORE_SCALE = {
    "type": "3_color_scale",
    "min_type": "num", "min_value": 0, "min_color": "#F8696B",
    "mid_type": "num", "mid_value": 300, "mid_color": "#FFEB84",
    "max_type": "num", "max_value": 500, "max_color": "#63BE7B",
}  # fmt: skip


class _Formats:
    """The few cell formats results.xlsx uses, created once per workbook."""

    def __init__(self, book: Any, decimals: int) -> None:
        number = "0." + "0" * decimals if decimals else "0"
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "text_wrap": True, "align": "center",
             "valign": "vcenter", "border": 1, "border_color": "#A6A6A6"}
        )  # fmt: skip
        self.score = book.add_format({"num_format": number})
        self.center = book.add_format({"align": "center"})
        self.score_center = book.add_format({"num_format": number, "align": "center"})
        self.quoted = book.add_format({"quote_prefix": True})
        self.quoted_center = book.add_format({"quote_prefix": True, "align": "center"})


def _sheet(
    book: Any, table: Table, formats: _Formats, name: str | None = None, existing: Any = None
) -> Any:
    ws = existing if existing is not None else book.add_worksheet(name or table.sheet)
    for n, width in enumerate(table.widths):
        ws.set_column(n, n, width)
    ws.set_default_row(22)  # 16 pt Thai with marks above and below needs taller rows
    ws.set_row(0, 45)  # two lines of wrapped headers
    ws.freeze_panes(1, 0)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    for col, text in enumerate(table.headers):
        ws.write_string(0, col, text, formats.header)
    return ws


def _write_row(ws: Any, r: int, row: Sequence[Any], table: Table, formats: _Formats) -> None:
    for c, value in enumerate(row):
        centered = (c + 1) in table.center_columns
        if isinstance(value, str):
            # xlsxwriter escapes control characters itself; only the length needs a cap.
            text = value[:MAX_CELL_TEXT]
            if text.startswith(FORMULA_START):
                ws.write_string(r, c, text, formats.quoted_center if centered else formats.quoted)
            elif centered:
                ws.write_string(r, c, text, formats.center)
            elif text:
                ws.write_string(r, c, text)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)):
            if not math.isfinite(value):
                continue
            if (c + 1) in table.score_columns:
                ws.write_number(r, c, value, formats.score_center if centered else formats.score)
            elif centered:
                ws.write_number(r, c, value, formats.center)
            else:
                ws.write_number(r, c, value)


def _finish(ws: Any, table: Table, rows: int) -> None:
    if rows:
        ws.autofilter(0, 0, rows, len(table.headers) - 1)
    for col in table.score_columns:
        ws.conditional_format(1, col - 1, max(rows, 1), col - 1, _SCORE_SCALE)


class ResultsWorkbook:
    """results.xlsx, written while the batch runs.

    The audit trail (every value read, the bulk of the workbook) streams in through
    :meth:`add_values` as each file is scored, so writing overlaps scoring; the summary sheets
    are written by :meth:`finish` once everything is known. The file is built in a temporary
    folder and renamed into place, so an interrupted run leaves nothing behind.
    """

    MAIN_SHEETS = ("สรุปผล", "PMQA 4.0", "ตัวชี้วัด", "สถิติ", "กราฟ", "ปัญหาที่พบ", "ไม่ได้ส่ง",
                   "ส่งซ้ำ", "เกี่ยวกับ")  # fmt: skip

    def __init__(self, path: Path, rubric: Rubric) -> None:
        import xlsxwriter

        self.path = Path(path)
        directory = self.path.parent if str(self.path.parent) else Path()
        if not directory.is_dir():
            raise OutputError(f"Cannot write {self.path}: the folder {directory} does not exist.")
        self.rubric = rubric
        self._scratch = tempfile.TemporaryDirectory(prefix="pmqa-results-")
        self._draft = Path(self._scratch.name) / "results.xlsx"
        self.book = xlsxwriter.Workbook(
            str(self._draft),
            {
                "constant_memory": True,
                "tmpdir": self._scratch.name,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
            },
        )
        self.formats = _Formats(self.book, rubric.scoring.decimals)
        # Sheets appear in the order they are added: the summary sheets first (written last),
        # then the audit trail, split into further sheets as it grows.
        self.sheets = {name: self.book.add_worksheet(name) for name in self.MAIN_SHEETS}
        self._inputs = _inputs_table_header()
        self._input_sheets: list[Any] = []
        self._input_rows = 0

    def add_values(self, file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        """Append one file's values to the audit trail (ข้อมูลนำเข้า)."""
        name = Path(file).name
        for v in values:
            if self._input_rows % MAX_SHEET_ROWS == 0:
                n = len(self._input_sheets) + 1
                title = self._inputs.sheet if n == 1 else f"{self._inputs.sheet} ({n})"
                self._input_sheets.append(_sheet(self.book, self._inputs, self.formats, title))
            self._input_rows += 1
            row = (self._input_rows - 1) % MAX_SHEET_ROWS + 1
            value = v.value.isoformat() if hasattr(v.value, "isoformat") else v.value
            _write_row(
                self._input_sheets[-1],
                row,
                (name, sha256, v.sheet, v.cell, v.item_id, v.field, v.raw, value),
                self._inputs,
                self.formats,
            )

    def finish(self, batch: BatchResult, command: str = "pmqa batch") -> None:
        """Write the summary sheets and the charts, then move the file into place."""
        when = output_timestamp()
        self.book.set_properties(
            {"title": "ผลการประเมิน " + self.rubric.title_th, "author": "pmqa", "created": when}
        )
        if not self._input_sheets:
            self._input_sheets.append(
                _sheet(self.book, self._inputs, self.formats, self._inputs.sheet)
            )
        for index, ws in enumerate(self._input_sheets):
            _finish(
                ws, self._inputs, min(MAX_SHEET_ROWS, self._input_rows - index * MAX_SHEET_ROWS)
            )
        for table in tables(batch, command, when, with_inputs=False):
            ws = _sheet(self.book, table, self.formats, existing=self.sheets[table.sheet])
            rows = 0
            for rows, row in enumerate(table.rows, start=1):
                _write_row(ws, rows, row, table, self.formats)
            if table.sheet == "สถิติ":
                _charts(self.book, self.sheets["กราฟ"], table, batch)
            else:
                _finish(ws, table, rows)
        self.book.close()
        write_bytes_atomic(self.path, self._draft.read_bytes())

    def close(self) -> None:
        """Remove the temporary files (the target is untouched unless finish() completed)."""
        self._scratch.cleanup()

    def __enter__(self) -> ResultsWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_results(batch: BatchResult, path: Path, command: str = "pmqa batch") -> None:
    """Write results.xlsx in one go from a finished batch (the audit trail from its values)."""
    with ResultsWorkbook(path, batch.rubric) as workbook:
        current: tuple[str, str] | None = None
        chunk: list[ValueRead] = []
        for file, sha, value in batch.iter_values():
            if (file, sha) != current:
                if current is not None:
                    workbook.add_values(current[0], current[1], chunk)
                current, chunk = (file, sha), []
            chunk.append(value)
        if current is not None:
            workbook.add_values(current[0], current[1], chunk)
        workbook.finish(batch, command)


def _charts(book: Any, ws: Any, stats: Table, batch: BatchResult) -> None:
    """Native Excel charts on the กราฟ sheet, drawn from the สถิติ sheet's tables."""
    rubric = batch.rubric
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    sheet = stats.sheet
    n_stats = 3 + len(rubric.issues) + len(rubric.indicators)
    band_header = n_stats + 2  # 0-based: header row, the statistics, a blank row
    n_bands = len(rubric.scoring.overall_bands)
    status_header = band_header + n_bands + 2
    n_status = len(rubric.scoring.pmqa_status_bands)

    def column_chart(title: str) -> Any:
        chart = book.add_chart({"type": "column"})
        chart.set_title({"name": title})
        chart.set_y_axis({"name": "จำนวนหน่วยงาน", "major_gridlines": {"visible": True}})
        chart.set_size({"width": 760, "height": 360})
        return chart

    bands = column_chart("ระดับผลการประเมินตามประเภทหน่วยงาน")
    for col, colour in ((2, "#4472C4"), (3, "#C0504D")):
        bands.add_series(
            {
                "name": [sheet, band_header, col],
                "categories": [sheet, band_header + 1, 0, band_header + n_bands, 0],
                "values": [sheet, band_header + 1, col, band_header + n_bands, col],
                "fill": {"color": colour},
            }
        )
    ws.insert_chart("A1", bands)

    status = column_chart("สถานะ PMQA 4.0")
    status.add_series(
        {
            "name": [sheet, status_header, 4],
            "categories": [sheet, status_header + 1, 0, status_header + n_status, 0],
            "values": [sheet, status_header + 1, 4, status_header + n_status, 4],
        }
    )
    status.set_legend({"none": True})
    ws.insert_chart("A20", status)

    first = 1 + 3 + len(rubric.issues)
    last = first + len(rubric.indicators) - 1
    means = book.add_chart({"type": "bar"})
    means.set_title({"name": "คะแนนเฉลี่ยรายตัวชี้วัด"})
    means.add_series(
        {
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, 3, last, 3],
            "data_labels": {"value": True, "num_format": "0.0"},
        }
    )
    means.set_x_axis({"min": 0, "max": 500, "name": "คะแนน (0-500)"})
    means.set_y_axis({"reverse": True})
    means.set_legend({"none": True})
    means.set_size({"width": 760, "height": 480})
    ws.insert_chart("A39", means)


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
