"""The consolidated results of a batch: results.xlsx, the same data as JSON and as CSV files.

The workbook is written by xlsxwriter in constant-memory mode (rows stream to disk, so 10,000
offices and their million-row audit trail do not sit in memory). Every table declares its
columns once (:class:`Column`: header, width, kind, and how a record gives the cell) and is
written to xlsx and CSV from the same rows, so the formats cannot disagree. Text that came from a submission never becomes a formula: cells are typed as text
(xlsx) or prefixed with an apostrophe (CSV), as OWASP advises.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from pmqa_cli import __version__
from pmqa_cli.assess.batch import BatchResult
from pmqa_cli.compare.analysis import Analysis, analyse
from pmqa_cli.compare.geography import Geography
from pmqa_cli.compare.snapshot import Snapshot
from pmqa_cli.core.errors import OutputError
from pmqa_cli.core.numbers import json_number
from pmqa_cli.io.mark import Kind as MarkKind
from pmqa_cli.report.audit_rows import MAX_SHEET_ROWS, AuditTrail
from pmqa_cli.report.executive import PRINT_SCALE as EXECUTIVE_SCALE
from pmqa_cli.report.executive import SHEET as EXECUTIVE_SHEET
from pmqa_cli.report.executive import BandPercentages, write_executive
from pmqa_cli.report.guard import record_written
from pmqa_cli.report.map_drawer import MapDrawer
from pmqa_cli.report.map_sheet import MAP_SHEET, Drawn, draw_later, write_map_sheet
from pmqa_cli.report.names import feedback_file_names
from pmqa_cli.report.outputs import (
    FONT_SIZE,
    output_timestamp,
    write_bytes_atomic,
)
from pmqa_cli.report.printing import page_marks, print_setup
from pmqa_cli.report.result_tables import (
    AUDIT_PRINT_ROWS,
    CHARTS_SHEET,
    COUNTS_SHEET,
    DISTRIBUTION_COLUMNS,
    DISTRIBUTION_FIRST_COLUMN,
    INPUT_COLUMNS,
    PROVISIONAL_TH,
    STATISTICS_SHEET,
    STATUS_HEADER,
    SUMMARY_SHEET,
    sheet_names,
    tables,
)
from pmqa_cli.report.tables import (
    Block,
    Formats,
    Table,
    finish_sheet,
    mark_book,
    print_scale,
    table_sheet,
    write_row,
    write_table_csv,
    xlsx_book,
)
from pmqa_cli.report.text_width import row_height
from pmqa_cli.rubric.model import Rubric

__all__ = [
    "ResultsWorkbook",
    "write_csv",
    "write_json",
]

# --- xlsx ------------------------------------------------------------------------------------
#
# Written with xlsxwriter in constant-memory mode: rows stream to disk as they are written, and
# it is about three times faster than openpyxl for the audit trail's hundreds of thousands of
# cells (benchmarks/RESULTS.md). write_string() always stores text, never a formula.


def _print_setup(
    ws: Any,
    rubric: Rubric,
    sheet: str,
    when: datetime,
    *,
    landscape: bool = True,
    scale: float = 1.0,
    title: str = "",
) -> None:
    """A4 with pmqa's header and footer on every page, sized for the ``scale`` the sheet
    prints at; ``title`` replaces the header's usual one."""
    title = title or f"ผลการประเมิน PMQA 4.0: {sheet}"
    marks = page_marks(title, rubric.fiscal_year, when=when, scale=scale)
    # Not centred: the sheets of pictures (LibreOffice shifts them off the page's left edge).
    print_setup(ws, marks, landscape=landscape, center=sheet not in (MAP_SHEET, CHARTS_SHEET))


_PROVISIONAL_FILL = {"bg_color": "#FCE4D6"}  # the summary row of a provisional result


def _highlight_provisional(book: Any, ws: Any, table: Table, rows: int) -> None:
    """Shade the summary rows of provisional results (the status column says ผลเบื้องต้น)."""
    letter = xl_col_to_name(table.headers.index(STATUS_HEADER))
    ws.conditional_format(
        1, 0, rows, len(table.columns) - 1,
        {"type": "formula", "criteria": f'=${letter}2="{PROVISIONAL_TH}"',
         "format": book.add_format(_PROVISIONAL_FILL)},
    )  # fmt: skip


class ResultsWorkbook:
    """results.xlsx, written while the batch runs.

    The audit trail (every value read, the bulk of the workbook) streams in through
    :meth:`add_values` as each file is scored, so writing overlaps scoring; the summary sheets
    are written by :meth:`finish` once everything is known. The file is built in a temporary
    folder and renamed into place, so an interrupted run leaves nothing behind.
    """

    def __init__(
        self,
        path: Path,
        rubric: Rubric,
        *,
        compared: bool = False,
        verified: bool = False,
        scratch: Path | None = None,
        drawer: MapDrawer | None = None,
    ) -> None:
        """``compared``: the batch is compared with earlier results (adds those sheets);
        ``verified``: verification files are applied (adds the changes sheet); ``scratch``:
        the folder for its temporary files (the run's own, report/staging.py), else one in the
        system's temporary folder; ``drawer``: the process that draws the maps, started
        earlier (the workbook ends it when it closes), else one started now."""
        self.path = Path(path)
        directory = self.path.parent if str(self.path.parent) else Path()
        if not directory.is_dir():
            raise OutputError(
                f"Cannot write {self.path}: the folder {directory} does not exist.",
                th=f"เขียน {self.path} ไม่ได้ เพราะไม่มีโฟลเดอร์ {directory}",
            )
        self.rubric = rubric
        self._scratch = tempfile.TemporaryDirectory(prefix="pmqa-results-", dir=scratch)
        self._draft = Path(self._scratch.name) / "results.xlsx"
        self.book = xlsx_book(str(self._draft), constant_memory=True, tmpdir=self._scratch.name)
        self.formats = Formats(self.book, rubric.scoring.decimals)
        # Sheets appear in the order they are added: the summary sheets first (written last),
        # then the audit trail, split into further sheets as it grows.
        self.sheets = {
            name: self.book.add_worksheet(name) for name in sheet_names(compared, rubric, verified)
        }
        # The maps are drawn in a process of their own: the batch's, started before it (it
        # imports matplotlib while the batch starts), else one started now.
        self._drawer = drawer if drawer is not None else MapDrawer()
        self._drawing: Callable[[], Drawn] | None = None
        # The audit trail: a batch's on_values (its rows are prepared in the batch's workers).
        self.add_values = AuditTrail(self.book, self.formats)

    @property
    def drawer(self) -> MapDrawer:
        """The process that draws the maps (a batch gives it the feedback's pictures after)."""
        return self._drawer

    def draw_maps(self, geo: Geography, snapshot: Snapshot, *, last: bool = True) -> None:
        """Hand the round's maps to the drawing process now (``analyse``'s ``on_geography``):
        they are drawn while the rest is analysed and the tables written. ``last``: the
        process is given nothing after them (it then ends once they are drawn)."""
        subtitle = f"ปีงบประมาณ พ.ศ. {snapshot.label}"
        self._drawing = draw_later(
            self._drawer, geo, self.rubric, Path(self._scratch.name), subtitle, last=last
        )

    def _audit_print(self, when: datetime) -> None:
        """The audit trail is out of the default print: only its first rows print, as a sample
        with the header saying so (docs/printing.md explains the choice); clearing the print
        area prints it all."""
        trail = self.add_values
        for index, ws in enumerate(trail.sheets):
            rows = min(MAX_SHEET_ROWS, trail.rows - index * MAX_SHEET_ROWS)
            shown = min(rows, AUDIT_PRINT_ROWS)
            ws.print_area(0, 0, max(shown, 1), len(INPUT_COLUMNS) - 1)
            title = f"ข้อมูลนำเข้า: พิมพ์ {shown:,} แถวแรกจาก {rows:,} แถว"
            scale = print_scale(INPUT_COLUMNS)
            _print_setup(ws, self.rubric, ws.name, when, scale=scale, title=title)

    def finish(
        self, batch: BatchResult, command: str = "pmqa batch", analysis: Analysis | None = None
    ) -> None:
        """Write the summary sheets and the charts, then move the file into place.

        ``analysis`` (breakdowns, comparison, executive summary) is made here when not given.
        """
        when = output_timestamp()
        if analysis is None:
            analysis = analyse(batch, when=when)
        mark_book(self.book, MarkKind.RESULTS, "ผลการประเมิน " + self.rubric.title_th, when)
        trail = self.add_values
        for index, ws in enumerate(trail.sheets):
            finish_sheet(ws, trail.table, min(MAX_SHEET_ROWS, trail.rows - index * MAX_SHEET_ROWS))
        self._audit_print(when)
        if self._drawing is None:  # not handed over yet: drawn while the tables are written
            self.draw_maps(analysis.geography, analysis.snapshot)
        drawing = self._drawing
        assert drawing is not None
        for name, sheet in self.sheets.items():
            # Every sheet, tables or drawn (executive summary, charts), prints with the marks.
            portrait = name in (EXECUTIVE_SHEET, MAP_SHEET)
            scale = EXECUTIVE_SCALE if name == EXECUTIVE_SHEET else 1.0
            _print_setup(sheet, self.rubric, name, when, landscape=not portrait, scale=scale)
        statistics: Table | None = None
        counts: Table | None = None
        for table in tables(batch, command, when, with_inputs=False, analysis=analysis):
            if table.sheet not in self.sheets:
                continue  # a comparison the workbook was not opened for (compared=False)
            ws = table_sheet(self.book, table, self.formats, existing=self.sheets[table.sheet])
            scale = print_scale(table.columns)  # the header and footer sized for it
            _print_setup(ws, self.rubric, table.sheet, when, scale=scale)
            styles, fit = self.formats.of(table), self.formats.fit(table)
            # The header rows of a sheet's further tables (the statistics' counts), in bold.
            headers = {block.header for block in table.blocks.values() if block.header}
            rows = 0
            for rows, row in enumerate(table.rows, start=1):
                row_styles = styles
                if rows in headers:  # as tall as a line of the header's text, at least
                    row_styles = self.formats.block_header(row)
                    ws.set_row(rows, row_height(1, FONT_SIZE))
                write_row(ws, rows, row, row_styles, self.formats.whole, fit)
            if table.sheet == STATISTICS_SHEET:
                statistics = table
            elif table.sheet == COUNTS_SHEET:
                counts = table
            else:
                finish_sheet(ws, table, rows)
            if table.sheet == SUMMARY_SHEET and rows:
                _highlight_provisional(self.book, ws, table, rows)
        # The process ends by itself once it has drawn what it was given (it may still be
        # drawing the feedback's pictures, which come after these maps): :meth:`close` ends it.
        drawn = drawing()
        percentages = write_executive(
            self.book, self.sheets[EXECUTIVE_SHEET], analysis.summary, self.rubric.scoring.decimals,
            drawn.summary,
        )  # fmt: skip
        if statistics is not None and counts is not None:
            _charts(self.book, self.sheets[CHARTS_SHEET], statistics, counts, percentages)
        write_map_sheet(self.sheets[MAP_SHEET], drawn.maps)
        self.book.close()
        write_bytes_atomic(self.path, _chunks(self._draft))

    def close(self) -> None:
        """End the drawing process and remove the temporary files (the target is untouched
        unless finish() completed)."""
        self._drawer.close()
        self._scratch.cleanup()

    def __enter__(self) -> ResultsWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _charts(book: Any, ws: Any, stats: Table, counts: Table, percentages: BandPercentages) -> None:
    """Native Excel charts on the กราฟ sheet, drawn from the blocks of the สถิติ and
    จำนวนหน่วยงาน sheets; the
    bands by type as percentages of each type's offices (183 primary and 62 secondary offices
    compare only so), from the executive summary's table.

    Each chart prints on a page of its own: rows of a set height (not the font's, which differs
    between Excel and LibreOffice), a page break before the second and third, and no fitting
    to pages (Excel ignores page breaks when it fits); at 100% each chart fits a landscape A4.
    """
    ws.set_default_row(15.75)
    ws.set_h_pagebreaks([19, 38])
    # One wide column holds the charts: a chart across several columns is stretched where the
    # client's columns are wider than xlsxwriter's (TH Sarabun New's digits); 100 characters
    # is 18.7 cm to xlsxwriter and stays within the landscape page where digits are wider.
    ws.set_column(0, 0, 100)
    sheet = stats.sheet
    by_type = {name: DISTRIBUTION_FIRST_COLUMN + n for n, name in enumerate(DISTRIBUTION_COLUMNS)}

    def column_chart(title: str) -> Any:
        chart = book.add_chart({"type": "column"})
        chart.set_title({"name": title})
        chart.set_y_axis({"name": "จำนวนหน่วยงาน", "major_gridlines": {"visible": True}})
        chart.set_size({"width": 690, "height": 360})
        return chart

    def series(block: Block, col: int, sheet: str) -> dict[str, Any]:
        return {
            "name": [sheet, block.header, col],
            "categories": [sheet, block.first, 0, block.last, 0],
            "values": [sheet, block.first, col, block.last, col],
        }

    bands = column_chart("ระดับผลการประเมินตามประเภทหน่วยงาน (ร้อยละของหน่วยงานแต่ละประเภท)")
    bands.set_y_axis({"name": "ร้อยละ", "min": 0, "max": 100, "major_gridlines": {"visible": True}})
    p = percentages
    kinds = [(k, colour) for k, colour in (("สพป.", "#4472C4"), ("สพม.", "#C0504D"))
             if k in p.columns]  # fmt: skip
    for kind, colour in kinds:
        col = p.columns[kind]
        bands.add_series(
            {
                "name": [p.sheet, p.header, col],
                "categories": [p.sheet, p.first, 0, p.last, 0],
                "values": [p.sheet, p.first, col, p.last, col],
                "fill": {"color": colour},
            }
        )
    if kinds:  # no office of a known type: no bars to draw (an empty chart breaks the file)
        ws.insert_chart("A1", bands)

    status = column_chart("สถานะ PMQA 4.0")
    status.add_series(series(counts.blocks["status"], by_type["รวม"], counts.sheet))
    status.set_legend({"none": True})
    ws.insert_chart("A20", status)

    # Indicators' means; a rubric without category 7 shows its issues' instead.
    indicators = stats.blocks["indicators"]
    title = "คะแนนเฉลี่ยรายตัวชี้วัด"
    if not indicators.count:
        indicators, title = stats.blocks["issues"], "คะแนนเฉลี่ยรายประเด็น"
    means = book.add_chart({"type": "bar"})
    means.set_title({"name": title})
    mean_column = next(n for n, c in enumerate(stats.columns) if c.header == "ค่าเฉลี่ย")
    means.add_series(
        {
            "categories": [sheet, indicators.first, 0, indicators.last, 0],
            "values": [sheet, indicators.first, mean_column, indicators.last, mean_column],
            # Labels in their cells' format: a mean score at the rubric's decimals.
            "data_labels": {"value": True},
        }
    )
    means.set_x_axis({"min": 0, "max": 500, "name": "คะแนน (0-500)"})
    means.set_y_axis({"reverse": True})
    means.set_legend({"none": True})
    means.set_size({"width": 690, "height": 480})
    ws.insert_chart("A39", means)


# --- JSON and CSV ----------------------------------------------------------------------------


def write_json(
    batch: BatchResult,
    path: Path,
    command: str = "pmqa batch",
    analysis: Analysis | None = None,
) -> None:
    """The same data as results.xlsx, as one JSON document (docs/json-output.md)."""
    when = output_timestamp()
    if analysis is None:
        analysis = analyse(batch, when=when)
    rubric = batch.rubric
    data = {
        "pmqa_version": __version__,
        "generated": when.isoformat(timespec="seconds"),
        "command": command,
        "rubric": {
            "id": rubric.id,
            "version": rubric.version,
            "sha256": rubric.sha256,
            "file": rubric.path,
        },
        "registry": batch.registry.source if batch.registry else None,
        "valid": batch.clean,
        "counts": batch.counts(),
        "offices": (f.to_dict() for f in batch.files),  # written one at a time
        "ranking": ranking(batch),
        "statistics": [s.to_dict() for s in batch.statistics()],
        "claims": [c.to_dict() for c in batch.claim_statistics()],
        "verification": {
            "files": [f.to_dict() for f in batch.verification.files]
            if batch.verification else [],
        },
        "distribution": batch.distribution(),
        "findings": [f.to_dict() for f in batch.findings],
        "missing": [
            {"code": o.code, "name": o.name, "type": o.type.value if o.type else None,
             "province": o.province, "region": o.region}
            for o in batch.missing
        ],
        "duplicates": [
            {"code": d.code, "file": d.path,
             "submitted_on": d.submitted_on.isoformat() if d.submitted_on else None,
             "sha256": d.sha256, "chosen": d.chosen, "copy_of": d.copy_of}
            for d in batch.duplicates
        ],
        "skipped": batch.skipped,
        **analysis.to_dict(),
        "pmqa_outputs_skipped": batch.outputs_skipped,
    }  # fmt: skip
    write_bytes_atomic(path, (chunk.encode("utf-8") for chunk in json_chunks(data)))


def _chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def json_document(data: dict[str, Any]) -> str:
    """``data`` as JSON with a line per top-level key and per item of a top-level list (an
    office, a finding, a row of the ranking), each item on its one line (:func:`json_chunks`)."""
    return "".join(json_chunks(data))


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """:func:`json_document` a line at a time. A value that is an iterator is written as a
    list, one item at a time (a batch's offices: never all in memory at once).

    Readable line by line in any editor, and written by the json module's C encoder: an
    indented document is encoded in Python, about ten times slower (a second of a batch of
    245 offices, whose JSON is 8 MB)."""
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    yield "{\n"
    for n, (key, value) in enumerate(data.items()):
        yield f",\n {encode(key)}: " if n else f" {encode(key)}: "
        if not isinstance(value, list | Iterator):
            yield encode(value)
            continue
        lines = (f"\n  {encode(item)}" for item in value)
        first = next(lines, None)
        if first is None:
            yield "[]"
            continue
        yield "[" + first
        for line in lines:
            yield "," + line
        yield "\n ]"
    yield "\n}\n"


def ranking(batch: BatchResult) -> list[dict[str, Any]]:
    """Each file's place in the batch, best first (then unranked, then not scored): the
    office objects themselves are exactly those of `pmqa score --json`."""
    files = batch.in_order(
        lambda f: (not (f.readable and f.scored), f.rank or 10**9, f.office.code, f.path),
        scored=False,
    )
    scored = batch.scored_summaries
    # The name each office's feedback workbook has (pmqa batch --feedback): the same rule.
    feedback = dict(zip((o.path for o in scored), feedback_file_names(scored), strict=True))
    return [
        {
            "file": f.path,
            "code": f.office.code,
            "feedback_file": feedback.get(f.path),
            "scored": f.readable and f.scored,
            "rank": f.rank,
            "rank_in_type": f.rank_in_type,
            "overall": json_number(f.overall),
            "provisional": bool(f.provisional),
            "provisional_reasons": list(f.provisional),
        }
        for f in files
    ]


def write_csv(
    batch: BatchResult,
    folder: Path,
    command: str = "pmqa batch",
    analysis: Analysis | None = None,
) -> list[Path]:
    """One CSV per table (UTF-8 with BOM, so Excel opens the Thai text correctly)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    when = output_timestamp()
    if analysis is None:
        analysis = analyse(batch, when=when)
    for table in tables(batch, command, when, analysis=analysis):
        written.append(write_table_csv(table, folder, batch.rubric.scoring.decimals))
    record_written(folder, written)  # so the next run may replace them (report/guard.py)
    return written
