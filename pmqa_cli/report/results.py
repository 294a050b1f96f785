"""The consolidated results of a batch: results.xlsx, the same data as JSON and as CSV files.

The workbook is written by xlsxwriter in constant-memory mode (rows stream to disk, so 10,000
offices and their million-row audit trail do not sit in memory). Every table declares its
columns once (:class:`Column`: header, width, kind, and how a record gives the cell) and is
written to xlsx and CSV from the same rows, so the formats cannot disagree. Text that came from a submission never becomes a formula: cells are typed as text
(xlsx) or prefixed with an apostrophe (CSV), as OWASP advises.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

from pmqa_cli import __version__
from pmqa_cli.assess.batch import PROVISIONAL, BatchResult, Duplicate, Stat
from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.submission import ValueRead
from pmqa_cli.assess.trace import LAYER_TH, Change
from pmqa_cli.compare.analysis import Analysis, analyse
from pmqa_cli.core.errors import OutputError
from pmqa_cli.core.findings import SEVERITY_TH, Finding
from pmqa_cli.core.numbers import json_number
from pmqa_cli.core.thai import thai_date, thai_datetime
from pmqa_cli.io.layout import FORMULA_START
from pmqa_cli.io.mark import CREATOR, KIND_PROPERTY, VERSION_PROPERTY
from pmqa_cli.io.mark import Kind as MarkKind
from pmqa_cli.io.registry import Office
from pmqa_cli.io.values import plain
from pmqa_cli.report import formats
from pmqa_cli.report.executive import BandPercentages
from pmqa_cli.report.guard import record_written
from pmqa_cli.report.outputs import (
    FONT_NAME,
    FONT_SIZE,
    MAX_CELL_TEXT,
    output_timestamp,
    write_bytes_atomic,
)
from pmqa_cli.report.printing import page_marks
from pmqa_cli.rubric import units
from pmqa_cli.rubric.model import Aggregation, Indicator, Rubric

__all__ = [
    "Block",
    "Column",
    "Kind",
    "Located",
    "ResultsWorkbook",
    "Table",
    "severity_th",
    "tables",
    "write_csv",
    "write_json",
    "write_results",
]

#: Tables wider than this (in column-width units) print across pages instead of shrinking.
WIDEST_ONE_PAGE = 400
WIDE_PRINT_SCALE = 55
AUDIT_PRINT_ROWS = 30  # the audit trail's rows in the default print: a sample, not 470 pages
AUDIT_PRINT_NOTE = (
    f"แผ่นงานข้อมูลนำเข้าพิมพ์เฉพาะ {AUDIT_PRINT_ROWS} แถวแรกเป็นตัวอย่าง หากต้องการพิมพ์ทั้งหมด "
    "ให้ล้างพื้นที่พิมพ์ (Excel: เค้าโครงหน้ากระดาษ > พื้นที่พิมพ์ > ล้างพื้นที่พิมพ์; "
    "LibreOffice: รูปแบบ > ช่วงพิมพ์ > ล้าง)"
)
MAX_SHEET_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows; the audit trail splits before it

R = TypeVar("R")

SUMMARY_SHEET = "สรุปผล"
CATEGORIES_SHEET = "หมวด"  # category_mean rubrics only: each office's category scores
ISSUES_SHEET = "PMQA 4.0"
INDICATORS_SHEET = "ตัวชี้วัด"
STATISTICS_SHEET = "สถิติ"
CHARTS_SHEET = "กราฟ"
FINDINGS_SHEET = "ปัญหาที่พบ"
CHANGES_SHEET = "การตรวจสอบ"  # with --review/--data/--corrections: every value replaced
MISSING_SHEET = "ไม่ได้ส่ง"
DUPLICATES_SHEET = "ส่งซ้ำ"
ABOUT_SHEET = "เกี่ยวกับ"
INPUTS_SHEET = "ข้อมูลนำเข้า"  # the audit trail, after all the others


class Kind(Enum):
    """How a column's cells are presented."""

    TEXT = "text"  # left-aligned text or plain numbers
    CENTER = "center"  # short values: ranks, codes, office types, counts
    SCORE = "score"  # a score: the rubric's decimals and a red-to-green colour scale
    CHANGE = "change"  # a change of score: signed, the rubric's decimals, no colour scale
    PERCENT = "percent"  # a percentage of offices: two decimals


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a table, declared once: its header, width, kind, and where its cells
    come from (``value`` maps one record of the table to this column's cell)."""

    header: str
    width: float
    kind: Kind = Kind.TEXT
    value: Callable[[R], Any] = field(default=lambda _: None, repr=False)
    #: The Excel number format of its numbers where the kind's own does not fit: whole counts
    #: and ranks, an indicator's value in its unit (report/formats.py decides which).
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Whole:
    """A count in a table whose column holds scores (the band and status counts of the
    statistics sheet): shown as a whole number, not with the scores' decimals."""

    value: int


@dataclass(frozen=True)
class Block:
    """Where a block of rows sits in a table's sheet (0-based rows, the header row is 0), so
    charts read its cells without re-deriving the layout."""

    header: int  # the block's own header row (for a block under the table's header: 0)
    first: int  # its first data row
    count: int  # how many data rows

    @property
    def last(self) -> int:
        """Its last data row."""
        return self.first + self.count - 1


@dataclass
class Table:
    """One sheet's worth of data: a name, its columns, its rows, and where its blocks sit."""

    sheet: str
    csv_name: str
    columns: Sequence[Column[Any]]
    rows: Iterable[Sequence[Any]]
    blocks: dict[str, Block] = field(default_factory=dict)
    #: How many leading columns name the row (code, name, type): repeated on every printed page
    #: of a table too wide for one (24 issues x score and status).
    key_columns: int = 0
    #: Columns kept in view when scrolling right (the office's code and name), after the header
    freeze_columns: int = 0

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [c.header for c in self.columns]

    @classmethod
    def of(
        cls, sheet: str, csv_name: str, columns: Sequence[Column[R]], records: Iterable[R]
    ) -> Table:
        """A table with one row per record, each cell from its column's ``value``."""
        getters = [c.value for c in columns]
        return cls(sheet, csv_name, columns, ([get(r) for get in getters] for r in records))


@dataclass(frozen=True)
class Run:
    """What every table is built from: the batch, and the command and time of the run."""

    batch: BatchResult
    command: str
    when: datetime
    analysis: Analysis | None = None


WHOLE = "#,##0"  # counts and ranks
NOT_APPLICABLE_TH = "ไม่เกี่ยวข้อง"


def _office_columns(kind: Kind = Kind.TEXT) -> list[Column[ScoredOffice]]:
    """Code, name and type of the office: the first columns of the per-office tables."""
    return [
        Column("รหัส", 10, kind, lambda f: f.office.code),
        Column("ชื่อหน่วยงาน", 34, Kind.TEXT, lambda f: f.office.name),
        Column("ประเภท", 8, kind, lambda f: f.office.type.abbrev_th if f.office.type else ""),
    ]


PROVISIONAL_TH = "ผลเบื้องต้น"  # a provisional result (batch.PROVISIONAL says why)
FINAL_TH = "ผลสมบูรณ์"
STATUS_HEADER = "สถานะผล"
_PROVISIONAL_FILL = {"bg_color": "#FCE4D6"}  # the summary row of a provisional result


def _scores(f: ScoredOffice) -> Scores:
    """The official scores of an office the batch scored (every table's rows have them)."""
    assert f.scores is not None, f"{f.path} has no scores"
    return f.scores


def result_status_th(f: ScoredOffice) -> str:
    """ผลเบื้องต้น (provisional) or ผลสมบูรณ์ (final)."""
    return PROVISIONAL_TH if f.provisional else FINAL_TH


def provisional_reasons_th(f: ScoredOffice) -> str:
    """Why a result is provisional, in Thai."""
    return "; ".join(PROVISIONAL[reason][0] for reason in f.provisional)


def _summary(run: Run) -> Table:
    batch = run.batch
    code, name, kind = _office_columns(Kind.CENTER)
    category_7: Column[ScoredOffice] = Column(
        "คะแนนหมวด 7", 15, Kind.SCORE, lambda f: _scores(f).results.score
    )
    columns: list[Column[ScoredOffice]] = [
        Column("อันดับ", 8, Kind.CENTER, lambda f: f.rank, WHOLE),
        Column("อันดับในประเภท", 10, Kind.CENTER, lambda f: f.rank_in_type, WHOLE),
        Column(STATUS_HEADER, 13, Kind.CENTER, result_status_th),
        Column("เหตุผล", 38, Kind.TEXT, provisional_reasons_th),
        code,
        name,
        kind,
        Column("จังหวัด", 16, Kind.TEXT, lambda f: f.office.province),
        Column("ภาค", 24, Kind.TEXT, lambda f: f.office.region),
        Column("คะแนนหมวด 1-6", 15, Kind.SCORE, lambda f: _scores(f).pmqa.score),
        Column("สถานะ PMQA 4.0", 24, Kind.CENTER, lambda f: f.status_th),
        *([category_7] if batch.rubric.indicators else []),  # none in a rubric of 1-6 only
        Column("คะแนนรวม", 13, Kind.SCORE, lambda f: f.overall),
        Column("ระดับผลการประเมิน", 18, Kind.CENTER, lambda f: f.band_th),
        *(_verification_columns() if batch.verification is not None else []),
        Column("ข้อผิดพลาด", 10, Kind.CENTER, lambda f: f.errors, WHOLE),
        Column("คำเตือน", 9, Kind.CENTER, lambda f: f.warnings, WHOLE),
        Column("ไฟล์", 24, Kind.TEXT, lambda f: Path(f.path).name),
    ]
    ordered = sorted(batch.scored, key=lambda f: (f.rank or 10**9, f.office.code, f.path))
    table = Table.of(SUMMARY_SHEET, "summary", columns, ordered)
    table.freeze_columns = 4  # rank, rank in type, code and name stay in view
    return table


def _verification_columns() -> list[Column[ScoredOffice]]:
    """Beside the official (verified) overall: what the office claimed, and the difference."""
    return [
        Column("คะแนนรวมที่ประเมินตนเอง", 15, Kind.SCORE,
               lambda f: f.self_assessed.overall if f.self_assessed else None),
        Column("ผลต่าง (ตรวจสอบ - ตนเอง)", 13, Kind.CHANGE, lambda f: f.difference),
    ]  # fmt: skip


def _category_column(n: int, category: str) -> Column[ScoredOffice]:
    def score(f: ScoredOffice) -> Any:
        categories = _scores(f).categories
        return categories[n].score if len(categories) > n else None

    return Column(f"หมวด {category}", 11, Kind.SCORE, score)


def _categories(run: Run) -> Table:
    """Each office's category scores, whose mean is its overall (category_mean rubrics)."""
    columns = _office_columns()
    columns += [_category_column(n, c) for n, c in enumerate(run.batch.rubric.category_ids)]
    columns.append(Column("คะแนนรวม", 13, Kind.SCORE, lambda f: f.overall))
    table = Table.of(CATEGORIES_SHEET, "categories", columns, _by_code(run.batch.scored))
    table.key_columns = 3
    table.freeze_columns = 2
    return table


def _issue_columns(n: int, issue_id: str) -> list[Column[ScoredOffice]]:
    return [
        Column(f"{issue_id} คะแนน", 11, Kind.SCORE, lambda f: _scores(f).issues[n].score),
        Column(f"{issue_id} สถานะ", 18, Kind.TEXT, lambda f: _scores(f).issues[n].status_th),
    ]


def _issues(run: Run) -> Table:
    columns = _office_columns()
    for n, issue in enumerate(run.batch.rubric.issues):
        columns += _issue_columns(n, issue.id)
    table = Table.of(ISSUES_SHEET, "pmqa", columns, _by_code(run.batch.scored))
    table.key_columns = 3
    table.freeze_columns = 2
    return table


def _indicator_columns(n: int, indicator: Indicator, rubric: Rubric) -> list[Column[ScoredOffice]]:
    indicator_id = indicator.id
    kind = units.indicator_kind(indicator)

    def shown_value(f: ScoredOffice) -> Any:
        scored = _scores(f).indicators[n]
        return NOT_APPLICABLE_TH if scored.not_applicable else scored.value

    def score(f: ScoredOffice) -> Any:
        return _scores(f).indicators[n].counted_score

    unit = units.unit_label(indicator.unit)
    header = f"{indicator_id} ผล" if kind is units.Kind.PASS_FAIL else f"{indicator_id} ผล ({unit})"
    return [
        Column(header, 12, Kind.TEXT, shown_value, units.excel_format(kind, rubric)),
        Column(f"{indicator_id} คะแนน", 12, Kind.SCORE, score),
    ]


def _indicators(run: Run) -> Table:
    columns = _office_columns()
    for n, indicator in enumerate(run.batch.rubric.indicators):
        columns += _indicator_columns(n, indicator, run.batch.rubric)
    table = Table.of(INDICATORS_SHEET, "indicators", columns, _by_code(run.batch.scored))
    table.key_columns = 3
    table.freeze_columns = 2
    return table


#: The parts' rows of the statistics sheet, named as people name them (not by their JSON keys).
PART_LABELS = {"overall": "คะแนนรวม", "pmqa": "หมวด 1-6", "results": "หมวด 7"}
DISTRIBUTION_COLUMNS = ("สพป.", "สพม.", "รวม")  # the counts of the band and status blocks
DISTRIBUTION_FIRST_COLUMN = 2  # 0-based: they sit in columns C, D and E


def _statistics(run: Run) -> Table:
    batch = run.batch
    """Descriptive statistics (parts, issues, indicators), then the band and status counts by
    office type; each a block whose place the charts read from ``Table.blocks``."""
    columns: list[Column[Stat]] = [
        Column("รายการ", 20, Kind.TEXT, lambda s: PART_LABELS.get(s.key, s.key)),
        Column("ชื่อ", 50, Kind.TEXT, lambda s: s.label),
        Column("จำนวน", 9, Kind.TEXT, lambda s: s.count, WHOLE),
        Column("ค่าเฉลี่ย", 12, Kind.SCORE, lambda s: s.mean),
        Column("มัธยฐาน", 12, Kind.SCORE, lambda s: s.median),
        Column("ต่ำสุด", 12, Kind.SCORE, lambda s: s.minimum),
        Column("สูงสุด", 12, Kind.SCORE, lambda s: s.maximum),
        Column("ส่วนเบี่ยงเบนมาตรฐาน", 16, Kind.SCORE, lambda s: s.stdev),
    ]
    rows: list[list[Any]] = []
    blocks: dict[str, Block] = {}
    stats = batch.statistics()
    issue_ids = {i.id for i in batch.rubric.issues}
    indicator_ids = {i.id for i in batch.rubric.indicators}
    for name, group in (
        ("parts", [s for s in stats if s.key not in issue_ids | indicator_ids]),
        ("issues", [s for s in stats if s.key in issue_ids]),
        ("indicators", [s for s in stats if s.key in indicator_ids]),
    ):
        blocks[name] = Block(0, len(rows) + 1, len(group))
        rows += [[c.value(s) for c in columns] for s in group]
    distribution = batch.distribution()
    for name, title in (("band", "ระดับผลการประเมิน"), ("status", "สถานะ PMQA 4.0")):
        counts = distribution[name]
        rows.append([])
        rows.append([title, "", *DISTRIBUTION_COLUMNS])
        blocks[name] = Block(len(rows), len(rows) + 1, len(counts))
        rows += [
            [label, "", *(Whole(n[c]) for c in DISTRIBUTION_COLUMNS)] for label, n in counts.items()
        ]
    if batch.verification is not None:
        # How far offices over- or under-claim, against the verified scores.
        rows.append([])
        # ไม่ยืนยัน counts claims; ลดลง and เพิ่มขึ้น count offices (verified below / above
        # their own); ผลต่างเฉลี่ย is the mean of verified minus self-assessed.
        rows.append(["การรายงานสูงหรือต่ำกว่าผลการตรวจสอบ (ไม่ยืนยัน: จำนวนรายการ; "
                     "ลดลง/เพิ่มขึ้น: จำนวนหน่วยงาน)", "",
                     "ไม่ยืนยัน", "ลดลง", "เพิ่มขึ้น", "ผลต่างเฉลี่ย"])  # fmt: skip
        claims = batch.claim_statistics()
        blocks["claims"] = Block(len(rows), len(rows) + 1, len(claims))
        rows += [[f"ตรวจสอบ {PART_LABELS.get(c.key, c.key)}", c.label, Whole(c.rejected),
                  Whole(c.lower), Whole(c.higher), c.mean_difference] for c in claims]  # fmt: skip
    return Table(STATISTICS_SHEET, "statistics", columns, rows, blocks)


@dataclass(frozen=True, slots=True)
class Located:
    """A finding with the file and office it belongs to."""

    path: str
    office_code: str
    finding: Finding


def severity_th(finding: Finding) -> str:
    """The Thai word for a finding's severity."""
    return SEVERITY_TH[finding.severity]


FINDING_COLUMNS: list[Column[Located]] = [
    Column("ไฟล์", 22, Kind.TEXT, lambda r: Path(r.finding.file or r.path).name),
    Column("รหัสหน่วยงาน", 12, Kind.TEXT, lambda r: r.office_code),
    Column("แผ่นงาน", 14, Kind.TEXT, lambda r: r.finding.sheet or ""),
    Column("เซลล์", 8, Kind.TEXT, lambda r: r.finding.cell or ""),
    Column("รายการ", 12, Kind.TEXT, lambda r: r.finding.item_id or ""),
    Column("รหัสปัญหา", 22, Kind.TEXT, lambda r: r.finding.code),
    Column("ความรุนแรง", 12, Kind.TEXT, lambda r: severity_th(r.finding)),
    Column("คำอธิบายและวิธีแก้", 70, Kind.TEXT, lambda r: r.finding.message_th),
    Column("คำอธิบายภาษาอังกฤษ (English)", 60, Kind.TEXT, lambda r: r.finding.message_en),
]


def finding_rows(located: Iterable[Located]) -> Iterator[list[Any]]:
    """The one place a finding becomes a row of the findings table (xlsx and CSV)."""
    getters = [c.value for c in FINDING_COLUMNS]
    for record in located:
        yield [get(record) for get in getters]


def _findings(run: Run) -> Table:
    batch = run.batch
    located = [
        Located(f.path, f.office.code, finding) for f in batch.files for finding in f.findings
    ]
    # Problems with the earlier results compared with (batch --previous) are listed too.
    if run.analysis is not None and run.analysis.comparison is not None:
        located += [
            Located(r.previous.source, "", finding)
            for r in run.analysis.comparison.rounds
            for finding in r.previous.findings
        ]
    # Problems with the verification files (--review, --data, --corrections) belong to no office.
    if batch.verification is not None:
        located += [Located(f.file or "", "", f) for f in batch.verification.findings]
    return Table(FINDINGS_SHEET, "findings", FINDING_COLUMNS, finding_rows(located))


@dataclass(frozen=True, slots=True)
class OfficeChange:
    """One change of the audit trail with the office it belongs to."""

    office: ScoredOffice
    change: Change


CHANGE_COLUMNS: list[Column[OfficeChange]] = [
    Column("รหัส", 10, Kind.CENTER, lambda r: r.office.office.code),
    Column("ชื่อหน่วยงาน", 24, Kind.TEXT, lambda r: r.office.office.name),
    Column("รายการ", 12, Kind.CENTER, lambda r: r.change.item),
    Column("ที่มาของค่าใหม่", 15, Kind.TEXT, lambda r: LAYER_TH[r.change.layer]),
    Column("ค่าเดิม", 12, Kind.CENTER, lambda r: r.change.before_shown),
    Column("ค่าใหม่", 12, Kind.CENTER, lambda r: r.change.after_shown),
    Column("ผลต่อคะแนนรวม", 14, Kind.CHANGE, lambda r: r.change.effect),
    Column("เหตุผล", 34, Kind.TEXT, lambda r: r.change.reason),
    Column("ผู้ตรวจ/ผู้แก้ไข", 18, Kind.TEXT, lambda r: r.change.person),
    Column("แหล่งข้อมูล", 14, Kind.TEXT, lambda r: r.change.source),
    Column("ไฟล์", 18, Kind.TEXT, lambda r: Path(r.change.origin.file).name),
    Column("แผ่นงาน", 10, Kind.TEXT, lambda r: r.change.origin.sheet),
    Column("แถว", 7, Kind.CENTER, lambda r: r.change.origin.row, WHOLE),
    Column("เซลล์", 8, Kind.CENTER, lambda r: r.change.origin.cell),
    Column("SHA-256 ของไฟล์", 20, Kind.TEXT, lambda r: r.change.origin.sha256),
]


def _changes(run: Run) -> Table:
    """Every value that replaced another (review, central data, corrections), by office."""
    records = [OfficeChange(f, c) for f in _by_code(run.batch.scored) for c in f.changes]
    table = Table.of(CHANGES_SHEET, "changes", CHANGE_COLUMNS, records)
    if not records:
        table.rows = [["(ไม่มีค่าใดถูกแทนที่: ทุกค่าที่ตรวจสอบตรงกับที่หน่วยงานรายงาน)"]]
    return table


def _missing(run: Run) -> Table:
    batch = run.batch
    columns: list[Column[Office]] = [
        Column("รหัส", 10, Kind.TEXT, lambda o: o.code),
        Column("ชื่อหน่วยงาน", 34, Kind.TEXT, lambda o: o.name),
        Column("ประเภท", 8, Kind.TEXT, lambda o: o.type.abbrev_th if o.type else ""),
        Column("จังหวัด", 16, Kind.TEXT, lambda o: o.province),
        Column("ภาค", 16, Kind.TEXT, lambda o: o.region),
    ]
    table = Table.of(MISSING_SHEET, "missing", columns, batch.missing)
    if batch.registry is None:
        table.rows = [["(ไม่ได้ระบุทะเบียนหน่วยงาน: ใช้ --registry เพื่อตรวจหน่วยงานที่ไม่ได้ส่ง)"]]
    return table


def _duplicate_use(d: Duplicate) -> str:
    if d.chosen:
        return "ใช้คะแนนจากไฟล์นี้"
    if d.copy_of is not None:
        return f"สำเนาของ {Path(d.copy_of).name} (นับครั้งเดียว)"
    return "ไม่ใช้"


def _duplicates(run: Run) -> Table:
    batch = run.batch
    columns: list[Column[Duplicate]] = [
        Column("รหัส", 10, Kind.TEXT, lambda d: d.code),
        Column("ไฟล์", 24, Kind.TEXT, lambda d: Path(d.path).name),
        Column(
            "วันที่ส่ง (ในแบบฟอร์ม)",
            20,
            Kind.TEXT,
            lambda d: thai_date(d.submitted_on) if d.submitted_on else "(ไม่ได้ระบุ)",
        ),
        Column("การใช้คะแนน", 26, Kind.TEXT, _duplicate_use),
        Column("SHA-256", 66, Kind.TEXT, lambda d: d.sha256),
        Column("ที่อยู่ไฟล์", 40, Kind.TEXT, lambda d: d.path),
    ]
    return Table.of(DUPLICATES_SHEET, "duplicates", columns, batch.duplicates)


@dataclass(frozen=True, slots=True)
class InputRow:
    """One value of the audit trail: the file it came from and the value read."""

    file: str  # the file's name
    sha256: str
    value: ValueRead


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


INPUT_COLUMNS: list[Column[InputRow]] = [
    Column("ไฟล์", 22, Kind.TEXT, lambda r: r.file),
    Column("SHA-256 ของไฟล์", 66, Kind.TEXT, lambda r: r.sha256),
    Column("แผ่นงาน", 16, Kind.TEXT, lambda r: r.value.sheet),
    Column("เซลล์", 8, Kind.TEXT, lambda r: r.value.cell),
    Column("รายการ", 16, Kind.TEXT, lambda r: formats.item_label(r.value.item_id)),
    Column("ช่อง", 18, Kind.TEXT, lambda r: formats.field_label(r.value.field)),
    Column("ค่าที่พิมพ์", 30, Kind.TEXT, lambda r: r.value.raw),
    Column(
        "ค่าที่ใช้", 16, Kind.TEXT, lambda r: formats.used_value(r.value.field, _iso(r.value.value))
    ),
]


def _inputs(run: Run) -> Table:
    batch = run.batch
    rows = (InputRow(Path(path).name, sha, v) for path, sha, v in batch.iter_values())
    return Table.of(INPUTS_SHEET, "inputs", INPUT_COLUMNS, rows)


def _about(run: Run) -> Table:
    batch, command, when = run.batch, run.command, run.when
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
        ["ผลลัพธ์ของ pmqa ที่ข้าม (ไม่ใช่ไฟล์ที่หน่วยงานส่ง)", counts["pmqa_outputs_skipped"]],
    ]
    rows += [["ไฟล์ที่ข้าม", path] for path in batch.skipped]
    rows += [["ผลลัพธ์ของ pmqa ที่ข้าม", path] for path in batch.outputs_skipped]
    for given in batch.verification.files if batch.verification else []:
        rows.append([f"ไฟล์ตรวจสอบ ({LAYER_TH[given.layer]})",
                     f"{given.path} (ใช้ {given.rows} แถว; SHA-256 {given.sha256})"])  # fmt: skip
    if rubric.source_note:
        # For analysts: where the rubric's content comes from (never shown to offices).
        rows.append(["หมายเหตุเกณฑ์ (สำหรับผู้ประเมิน)", rubric.source_note])
    rows.append(["การพิมพ์ข้อมูลนำเข้า", AUDIT_PRINT_NOTE])
    columns: list[Column[Any]] = [Column("รายการ", 30), Column("ค่า", 100)]
    return Table(ABOUT_SHEET, "about", columns, rows)


# The sheets of results.xlsx in order, each with the function that builds its table (the
# charts sheet has none: it is drawn from the statistics); the audit trail (INPUTS_SHEET) follows.
SHEETS: tuple[tuple[str, Callable[[Run], Table] | None], ...] = (
    (SUMMARY_SHEET, _summary),
    (ISSUES_SHEET, _issues),
    (INDICATORS_SHEET, _indicators),
    (STATISTICS_SHEET, _statistics),
    (CHARTS_SHEET, None),
    (FINDINGS_SHEET, _findings),
    (CHANGES_SHEET, _changes),
    (MISSING_SHEET, _missing),
    (DUPLICATES_SHEET, _duplicates),
    (ABOUT_SHEET, _about),
)


def sheets_for(
    rubric: Rubric, verified: bool = False
) -> tuple[tuple[str, Callable[[Run], Table] | None], ...]:
    """The sheets for a rubric: no indicator sheet without category 7, and a categories sheet
    after the summary when the overall is the mean of the categories; the changes sheet only
    when verification files were given (``verified``)."""
    found: list[tuple[str, Callable[[Run], Table] | None]] = []
    for name, build in SHEETS:
        if name == INDICATORS_SHEET and not rubric.indicators:
            continue
        if name == CHANGES_SHEET and not verified:
            continue
        found.append((name, build))
        if name == SUMMARY_SHEET and rubric.scoring.aggregation is Aggregation.CATEGORY_MEAN:
            found.append((CATEGORIES_SHEET, _categories))
    return tuple(found)


def sheet_names(compared: bool, rubric: Rubric | None = None, verified: bool = False) -> list[str]:
    """The sheets of results.xlsx in order (the audit trail follows): the executive summary
    first, the breakdowns after the charts, and with a previous result the comparison sheets.
    The rubric decides the indicator and categories sheets, ``verified`` the changes sheet
    (:func:`sheets_for`)."""
    from pmqa_cli.report.compare_tables import BREAKDOWN_SHEETS, COMPARISON_SHEETS
    from pmqa_cli.report.executive import SHEET as EXECUTIVE_SHEET

    if rubric is None:
        names = [name for name, _ in SHEETS if verified or name != CHANGES_SHEET]
    else:
        names = [name for name, _ in sheets_for(rubric, verified)]
    at = names.index(CHARTS_SHEET) + 1
    names[at:at] = [*BREAKDOWN_SHEETS, *(COMPARISON_SHEETS if compared else ())]
    return [EXECUTIVE_SHEET, *names]


def tables(
    batch: BatchResult,
    command: str,
    when: datetime,
    *,
    with_inputs: bool = True,
    analysis: Analysis | None = None,
) -> list[Table]:
    """Every table of the results, in sheet order; the bulky audit trail last.

    ``analysis`` adds the breakdowns and, when it compares with earlier results, the
    comparison tables (the executive summary is a drawn sheet, not a table).
    """
    from pmqa_cli.report.compare_tables import breakdown_tables, comparison_tables

    run = Run(batch, command, when, analysis)
    verified = batch.verification is not None
    found = [build(run) for _, build in sheets_for(batch.rubric, verified) if build is not None]
    if analysis is not None:
        extra = breakdown_tables(analysis.breakdowns)
        if analysis.comparison is not None:
            extra += comparison_tables(analysis.comparison)
        at = next(n for n, t in enumerate(found) if t.sheet == STATISTICS_SHEET) + 1
        found[at:at] = extra
    if with_inputs:
        found.append(_inputs(run))
    return found


def _by_code(files: Sequence[ScoredOffice]) -> list[ScoredOffice]:
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
        score = book.add_format({"num_format": number})
        change = book.add_format({"num_format": f"+{number};[Red]-{number};{number}"})
        percent = book.add_format({"num_format": "0.00", "align": "center"})
        center = book.add_format({"align": "center"})
        quoted = book.add_format({"quote_prefix": True})
        quoted_center = book.add_format({"quote_prefix": True, "align": "center"})
        # Per kind of column: (text, text that starts like a formula, number) formats.
        self.by_kind: dict[Kind, tuple[Any, Any, Any]] = {
            Kind.TEXT: (None, quoted, None),
            Kind.CENTER: (center, quoted_center, center),
            Kind.SCORE: (None, quoted, score),
            Kind.CHANGE: (None, quoted, change),
            Kind.PERCENT: (center, quoted_center, percent),
        }

        self._book = book
        self._numbers: dict[tuple[Kind, str], Any] = {}
        self.whole = book.add_format({"num_format": WHOLE, "align": "center"})

    def of(self, table: Table) -> list[tuple[Any, Any, Any]]:
        """The formats of each of a table's columns."""
        return [self._column(c) for c in table.columns]

    def _column(self, column: Column[Any]) -> tuple[Any, Any, Any]:
        text, quoted, number = self.by_kind[column.kind]
        if column.number_format is None:
            return text, quoted, number
        key = (column.kind, column.number_format)
        if key not in self._numbers:
            properties: dict[str, Any] = {"num_format": column.number_format}
            if column.kind is Kind.CENTER:
                properties["align"] = "center"
            self._numbers[key] = self._book.add_format(properties)
        return text, quoted, self._numbers[key]


def _print_setup(
    ws: Any, rubric: Rubric, sheet: str, when: datetime, *, landscape: bool = True
) -> None:
    """A4, one page wide, with pmqa's header and footer on every page."""
    marks = page_marks(f"ผลการประเมิน PMQA 4.0: {sheet}", rubric.fiscal_year, when=when)
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    ws.set_header(marks.header_codes, {"margin": 0.3})
    ws.set_footer(marks.footer_codes, {"margin": 0.3})


def _sheet(
    book: Any, table: Table, formats: _Formats, name: str | None = None, existing: Any = None
) -> Any:
    ws = existing if existing is not None else book.add_worksheet(name or table.sheet)
    for n, column in enumerate(table.columns):
        ws.set_column(n, n, column.width)
    ws.set_default_row(22)  # 16 pt Thai with marks above and below needs taller rows
    ws.set_row(0, 45)  # two lines of wrapped headers
    ws.freeze_panes(1, table.freeze_columns)
    if table.key_columns and sum(c.width for c in table.columns) > WIDEST_ONE_PAGE:
        # Shrunk onto one page 24 issues would be unreadable: print legibly across pages,
        # each starting with the columns that say whose row it is.
        ws.set_print_scale(WIDE_PRINT_SCALE)
        ws.repeat_columns(0, table.key_columns - 1)
    else:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    for col, column in enumerate(table.columns):
        ws.write_string(0, col, column.header, formats.header)
    return ws


def _write_row(
    ws: Any, r: int, row: Sequence[Any], styles: list[tuple[Any, Any, Any]], whole: Any = None
) -> None:
    """One row; ``styles`` from :meth:`_Formats.of` for the row's table."""
    for c, value in enumerate(row):
        text_format, quoted_format, number_format = styles[c]
        if isinstance(value, Decimal):
            value = float(value)  # a value as read (scores arrive already rounded)
        if isinstance(value, Whole):
            ws.write_number(r, c, value.value, whole)
        elif isinstance(value, str):
            # xlsxwriter escapes control characters itself; only the length needs a cap.
            text = value[:MAX_CELL_TEXT]
            if text.startswith(FORMULA_START):
                ws.write_string(r, c, text, quoted_format)
            elif text or text_format is not None:
                ws.write_string(r, c, text, text_format)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, (int, float)) and math.isfinite(value):
            ws.write_number(r, c, value, number_format)


def _finish(ws: Any, table: Table, rows: int) -> None:
    if rows:
        ws.autofilter(0, 0, rows, len(table.columns) - 1)
    for col, column in enumerate(table.columns):
        if column.kind is Kind.SCORE:
            ws.conditional_format(1, col, max(rows, 1), col, _SCORE_SCALE)


def _highlight_provisional(book: Any, ws: Any, table: Table, rows: int) -> None:
    """Shade the summary rows of provisional results (the status column says ผลเบื้องต้น)."""
    from xlsxwriter.utility import xl_col_to_name

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
        self, path: Path, rubric: Rubric, *, compared: bool = False, verified: bool = False
    ) -> None:
        """``compared``: the batch is compared with earlier results (adds those sheets);
        ``verified``: verification files are applied (adds the changes sheet)."""
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
        self.sheets = {
            name: self.book.add_worksheet(name) for name in sheet_names(compared, rubric, verified)
        }
        self._inputs = Table(INPUTS_SHEET, "inputs", INPUT_COLUMNS, [])
        self._input_styles = self.formats.of(self._inputs)
        self._input_sheets: list[Any] = []
        self._input_rows = 0

    def add_values(self, file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        """Append one file's values to the audit trail (ข้อมูลนำเข้า)."""
        name = Path(file).name
        getters = [c.value for c in INPUT_COLUMNS]
        for v in values:
            if self._input_rows % MAX_SHEET_ROWS == 0:
                n = len(self._input_sheets) + 1
                title = INPUTS_SHEET if n == 1 else f"{INPUTS_SHEET} ({n})"
                self._input_sheets.append(_sheet(self.book, self._inputs, self.formats, title))
            self._input_rows += 1
            row = (self._input_rows - 1) % MAX_SHEET_ROWS + 1
            record = InputRow(name, sha256, v)
            cells = [get(record) for get in getters]
            _write_row(self._input_sheets[-1], row, cells, self._input_styles)

    def _audit_print(self, when: datetime) -> None:
        """The audit trail is out of the default print: only its first rows print, as a sample
        with the header saying so (docs/printing.md explains the choice); clearing the print
        area prints it all."""
        for index, ws in enumerate(self._input_sheets):
            _print_setup(ws, self.rubric, ws.name, when)
            rows = min(MAX_SHEET_ROWS, self._input_rows - index * MAX_SHEET_ROWS)
            shown = min(rows, AUDIT_PRINT_ROWS)
            ws.print_area(0, 0, max(shown, 1), len(INPUT_COLUMNS) - 1)
            marks = page_marks(
                f"ข้อมูลนำเข้า: พิมพ์ {shown:,} แถวแรกจาก {rows:,} แถว",
                self.rubric.fiscal_year,
                when=when,
            )
            ws.set_header(marks.header_codes, {"margin": 0.3})

    def finish(
        self, batch: BatchResult, command: str = "pmqa batch", analysis: Analysis | None = None
    ) -> None:
        """Write the summary sheets and the charts, then move the file into place.

        ``analysis`` (breakdowns, comparison, executive summary) is made here when not given.
        """
        from pmqa_cli.report.executive import SHEET as EXECUTIVE_SHEET
        from pmqa_cli.report.executive import write_executive

        when = output_timestamp()
        if analysis is None:
            analysis = analyse(batch, when=when)
        self.book.set_properties(
            {"title": "ผลการประเมิน " + self.rubric.title_th, "author": CREATOR, "created": when}
        )
        # pmqa's mark: discovery never reads this workbook as a submission (workbook/mark.py).
        self.book.set_custom_property(KIND_PROPERTY, MarkKind.RESULTS.value)
        self.book.set_custom_property(VERSION_PROPERTY, __version__)
        if not self._input_sheets:
            self._input_sheets.append(_sheet(self.book, self._inputs, self.formats, INPUTS_SHEET))
        for index, ws in enumerate(self._input_sheets):
            _finish(
                ws, self._inputs, min(MAX_SHEET_ROWS, self._input_rows - index * MAX_SHEET_ROWS)
            )
        self._audit_print(when)
        for name, sheet in self.sheets.items():
            # Every sheet, tables or drawn (executive summary, charts), prints with the marks.
            _print_setup(sheet, self.rubric, name, when, landscape=name != EXECUTIVE_SHEET)
        percentages = write_executive(
            self.book, self.sheets[EXECUTIVE_SHEET], analysis.summary, self.rubric.scoring.decimals
        )
        for table in tables(batch, command, when, with_inputs=False, analysis=analysis):
            if table.sheet not in self.sheets:
                continue  # a comparison the workbook was not opened for (compared=False)
            ws = _sheet(self.book, table, self.formats, existing=self.sheets[table.sheet])
            styles = self.formats.of(table)
            rows = 0
            for rows, row in enumerate(table.rows, start=1):
                _write_row(ws, rows, row, styles, self.formats.whole)
            if table.sheet == STATISTICS_SHEET:
                # The band and status counts start a page of their own, so neither table splits.
                ws.set_h_pagebreaks([table.blocks["band"].header])
                _charts(self.book, self.sheets[CHARTS_SHEET], table, percentages)
            else:
                _finish(ws, table, rows)
            if table.sheet == SUMMARY_SHEET and rows:
                _highlight_provisional(self.book, ws, table, rows)
        self.book.close()
        write_bytes_atomic(self.path, self._draft.read_bytes())

    def close(self) -> None:
        """Remove the temporary files (the target is untouched unless finish() completed)."""
        self._scratch.cleanup()

    def __enter__(self) -> ResultsWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_results(
    batch: BatchResult,
    path: Path,
    command: str = "pmqa batch",
    analysis: Analysis | None = None,
) -> None:
    """Write results.xlsx in one go from a finished batch (the audit trail from its values)."""
    compared = analysis is not None and analysis.comparison is not None
    verified = batch.verification is not None
    with ResultsWorkbook(path, batch.rubric, compared=compared, verified=verified) as workbook:
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
        workbook.finish(batch, command, analysis)


def _charts(book: Any, ws: Any, stats: Table, percentages: BandPercentages) -> None:
    """Native Excel charts on the กราฟ sheet, drawn from the blocks of the สถิติ sheet; the
    bands by type as percentages of each type's offices (183 primary and 62 secondary offices
    compare only so), from the executive summary's table."""
    ws.fit_to_pages(1, 0)
    sheet = stats.sheet
    by_type = {name: DISTRIBUTION_FIRST_COLUMN + n for n, name in enumerate(DISTRIBUTION_COLUMNS)}

    def column_chart(title: str) -> Any:
        chart = book.add_chart({"type": "column"})
        chart.set_title({"name": title})
        chart.set_y_axis({"name": "จำนวนหน่วยงาน", "major_gridlines": {"visible": True}})
        chart.set_size({"width": 760, "height": 360})
        return chart

    def series(block: Block, col: int) -> dict[str, Any]:
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
    status.add_series(series(stats.blocks["status"], by_type["รวม"]))
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
            "data_labels": {"value": True, "num_format": "0.0"},
        }
    )
    means.set_x_axis({"min": 0, "max": 500, "name": "คะแนน (0-500)"})
    means.set_y_axis({"reverse": True})
    means.set_legend({"none": True})
    means.set_size({"width": 760, "height": 480})
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
        "rubric": {"id": rubric.id, "version": rubric.version, "sha256": rubric.sha256},
        "registry": batch.registry.source if batch.registry else None,
        "valid": batch.clean,
        "counts": batch.counts(),
        "offices": [f.to_dict() for f in batch.files],
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
    buffer = io.StringIO()
    json.dump(data, buffer, ensure_ascii=False, indent=1, allow_nan=False)
    write_bytes_atomic(path, buffer.getvalue().encode("utf-8"))


def ranking(batch: BatchResult) -> list[dict[str, Any]]:
    """Each file's place in the batch, best first (then unranked, then not scored): the
    office objects themselves are exactly those of `pmqa score --json`."""
    files = sorted(
        batch.files,
        key=lambda f: (not (f.readable and f.scored), f.rank or 10**9, f.office.code, f.path),
    )
    return [
        {
            "file": f.path,
            "code": f.office.code,
            "scored": f.readable and f.scored,
            "rank": f.rank,
            "rank_in_type": f.rank_in_type,
            "overall": json_number(f.overall),
            "provisional": bool(f.provisional),
            "provisional_reasons": list(f.provisional),
        }
        for f in files
    ]


def _csv_value(value: Any) -> Any:
    if isinstance(value, Whole):
        return value.value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        # OWASP: a leading apostrophe keeps a spreadsheet from reading the text as a formula.
        return "'" + value
    return "" if value is None else value


def write_table_csv(table: Table, folder: Path) -> Path:
    """One table as ``folder/<csv_name>.csv`` (UTF-8 with BOM, so Excel opens Thai text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    target = folder / f"{table.csv_name}.csv"
    write_bytes_atomic(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return target


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
        written.append(write_table_csv(table, folder))
    record_written(folder, written)  # so the next run may replace them (report/guard.py)
    return written
