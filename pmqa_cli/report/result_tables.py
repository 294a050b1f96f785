"""The tables of results.xlsx, built once from a batch for every format (xlsx, CSV).

Each table declares its columns once (:mod:`pmqa_cli.report.tables`); :func:`tables` gives them
in sheet order, from the scored offices, the batch's statistics and the analysis (breakdowns,
comparisons, executive summary).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pmqa_cli import __version__
from pmqa_cli.assess.batch import PROVISIONAL, BatchResult, Duplicate, Stat
from pmqa_cli.assess.kept import Offices
from pmqa_cli.assess.office import ScoredOffice
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.submission import ValueRead
from pmqa_cli.assess.trace import LAYER_TH, Change
from pmqa_cli.compare.analysis import Analysis
from pmqa_cli.core.thai import thai_date, thai_datetime
from pmqa_cli.io.registry import Office
from pmqa_cli.report import formats
from pmqa_cli.report.compare_tables import (
    BREAKDOWN_SHEETS,
    COMPARISON_SHEETS,
    breakdown_tables,
    comparison_tables,
)
from pmqa_cli.report.executive import SHEET as EXECUTIVE_SHEET
from pmqa_cli.report.map_sheet import MAP_SHEET
from pmqa_cli.report.tables import (
    FINDING_COLUMNS,
    FINDINGS_SHEET,
    WHOLE,
    Block,
    Column,
    Kind,
    Located,
    Table,
    Whole,
    finding_rows,
)
from pmqa_cli.rubric import units
from pmqa_cli.rubric.model import Aggregation, Indicator, Rubric

__all__ = ["SHEETS", "Run", "sheet_names", "sheets_for", "tables"]

AUDIT_PRINT_ROWS = 30  # the audit trail's rows in the default print: a sample, not 470 pages
AUDIT_PRINT_NOTE = (
    f"แผ่นงานข้อมูลนำเข้าพิมพ์เฉพาะ {AUDIT_PRINT_ROWS} แถวแรกเป็นตัวอย่าง หากต้องการพิมพ์ทั้งหมด "
    "ให้ล้างพื้นที่พิมพ์ (Excel: เค้าโครงหน้ากระดาษ > พื้นที่พิมพ์ > ล้างพื้นที่พิมพ์; "
    "LibreOffice: รูปแบบ > ช่วงพิมพ์ > ล้าง)"
)

SUMMARY_SHEET = "สรุปผล"
CATEGORIES_SHEET = "หมวด"  # category_mean rubrics only: each office's category scores
ISSUES_SHEET = "PMQA 4.0"
INDICATORS_SHEET = "ตัวชี้วัด"
STATISTICS_SHEET = "สถิติ"
COUNTS_SHEET = "จำนวนหน่วยงาน"  # the band and status counts by office type (and the claims)
CHARTS_SHEET = "กราฟ"
CHANGES_SHEET = "การตรวจสอบ"  # with --review/--data/--corrections: every value replaced
MISSING_SHEET = "ไม่ได้ส่ง"
DUPLICATES_SHEET = "ส่งซ้ำ"
ABOUT_SHEET = "เกี่ยวกับ"
INPUTS_SHEET = "ข้อมูลนำเข้า"  # the audit trail, after all the others


@dataclass(frozen=True)
class Run:
    """What every table is built from: the batch, and the command and time of the run."""

    batch: BatchResult
    command: str
    when: datetime
    analysis: Analysis | None = None


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
    # Two landscape pages wide at 57% (docs/printing.md): longer reasons and names wrap.
    columns: list[Column[ScoredOffice]] = [
        Column("อันดับ", 8, Kind.CENTER, lambda f: f.rank, WHOLE),
        Column("อันดับในประเภท", 10, Kind.CENTER, lambda f: f.rank_in_type, WHOLE),
        Column(STATUS_HEADER, 13, Kind.CENTER, result_status_th),
        Column("เหตุผล", 28, Kind.TEXT, provisional_reasons_th),
        code,
        name,
        kind,
        Column("จังหวัด", 16, Kind.TEXT, lambda f: f.office.province),
        Column("ภาค", 19, Kind.TEXT, lambda f: f.office.region),
        Column("คะแนนหมวด 1-6", 15, Kind.SCORE, lambda f: _scores(f).pmqa.score),
        Column("สถานะ PMQA 4.0", 17, Kind.CENTER, lambda f: f.status_th),
        *([category_7] if batch.rubric.indicators else []),  # none in a rubric of 1-6 only
        Column("คะแนนรวม", 13, Kind.SCORE, lambda f: f.overall),
        Column("ระดับผลการประเมิน", 18, Kind.CENTER, lambda f: f.band_th),
        *(_verification_columns() if batch.verification is not None else []),
        Column("ข้อผิดพลาด", 10, Kind.CENTER, lambda f: f.errors, WHOLE),
        Column("คำเตือน", 9, Kind.CENTER, lambda f: f.warnings, WHOLE),
        Column("ไฟล์", 24, Kind.TEXT, lambda f: Path(f.path).name),
    ]
    ordered = batch.in_order(lambda f: (f.rank or 10**9, f.office.code, f.path))
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
    table = Table.of(CATEGORIES_SHEET, "categories", columns, _by_code(run.batch))
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
    table = Table.of(ISSUES_SHEET, "pmqa", columns, _by_code(run.batch))
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
    table = Table.of(INDICATORS_SHEET, "indicators", columns, _by_code(run.batch))
    table.key_columns = 3
    table.freeze_columns = 2
    return table


#: The parts' rows of the statistics sheet, named as people name them (not by their JSON keys).
PART_LABELS = {"overall": "คะแนนรวม", "pmqa": "หมวด 1-6", "results": "หมวด 7"}
DISTRIBUTION_COLUMNS = ("สพป.", "สพม.", "รวม")  # the counts of the band and status blocks
DISTRIBUTION_FIRST_COLUMN = 2  # 0-based: they sit in columns C, D and E


def _statistics(run: Run) -> Table:
    """Descriptive statistics (parts, issues, indicators); each a block whose place the charts
    read from ``Table.blocks``."""
    batch = run.batch
    columns: list[Column[Stat]] = [
        Column("รายการ", 14, Kind.TEXT, lambda s: PART_LABELS.get(s.key, s.key)),
        Column("ชื่อ", 62, Kind.TEXT, lambda s: s.label),  # most titles on one line
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
    return Table(STATISTICS_SHEET, "statistics", columns, rows, blocks)


def _counts(run: Run) -> Table:
    """The band and status counts by office type, and with verification files how far offices
    over- or under-claim: tables of their own header each (a sheet apart from the statistics,
    so that each prints under its own header), blocks the charts read from ``Table.blocks``."""
    batch = run.batch
    columns: list[Column[Any]] = [
        Column("ระดับผลการประเมิน", 30, Kind.TEXT),
        Column("", 36, Kind.TEXT),
        *(Column(name, 12, Kind.CENTER) for name in DISTRIBUTION_COLUMNS),
        Column("", 14, Kind.CHANGE),  # the claims' mean difference
    ]
    rows: list[list[Any]] = []
    blocks: dict[str, Block] = {}
    distribution = batch.distribution()
    for name, title in (("band", ""), ("status", "สถานะ PMQA 4.0")):
        counts = distribution[name]
        if title:  # the first block's header is the table's
            rows.append([])
            rows.append([title, "", *DISTRIBUTION_COLUMNS])
        blocks[name] = Block(len(rows) if title else 0, len(rows) + 1, len(counts))
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
    return Table(COUNTS_SHEET, "counts", columns, rows, blocks)


def _findings(run: Run) -> Table:
    batch = run.batch
    located = [
        Located(f.path, f.office.code, finding) for f in batch.summaries for finding in f.findings
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
    # 36 units: the 64 hex digits in two lines (at 20 they took four, every row four tall)
    Column("SHA-256 ของไฟล์", 36, Kind.TEXT, lambda r: r.change.origin.sha256),
]


def _changes(run: Run) -> Table:
    """Every value that replaced another (review, central data, corrections), by office."""
    records = (OfficeChange(f, c) for f in _by_code(run.batch) for c in f.changes)
    first = next(records, None)  # one office at a time: the records are not listed first
    if first is None:
        table = Table.of(CHANGES_SHEET, "changes", CHANGE_COLUMNS, [])
        table.rows = [["(ไม่มีค่าใดถูกแทนที่: ทุกค่าที่ตรวจสอบตรงกับที่หน่วยงานรายงาน)"]]
        return table
    table = Table.of(CHANGES_SHEET, "changes", CHANGE_COLUMNS, itertools.chain([first], records))
    table.key_columns = table.freeze_columns = 2  # each printed page says whose change it is
    return table


def _missing(run: Run) -> Table:
    batch = run.batch
    columns: list[Column[Office]] = [
        Column("รหัส", 10, Kind.TEXT, lambda o: o.code),
        Column("ชื่อหน่วยงาน", 34, Kind.TEXT, lambda o: o.name),
        Column("ประเภท", 8, Kind.TEXT, lambda o: o.type.abbrev_th if o.type else ""),
        Column("จังหวัด", 18, Kind.TEXT, lambda o: o.province),
        Column("ภาค", 21, Kind.TEXT, lambda o: o.region),
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
        # One landscape page wide, as the audit trail: the hash on two lines.
        Column("SHA-256", 36, Kind.TEXT, lambda d: d.sha256),
        Column("ที่อยู่ไฟล์", 36, Kind.TEXT, lambda d: d.path),
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
    # Narrow enough to print one landscape page wide at 9 pt: longer text wraps (the hash
    # on two lines), report/audit_rows.py.
    Column("ไฟล์", 14, Kind.TEXT, lambda r: r.file),
    Column("SHA-256 ของไฟล์", 36, Kind.TEXT, lambda r: r.sha256),
    Column("แผ่นงาน", 12, Kind.TEXT, lambda r: r.value.sheet),
    Column("เซลล์", 6, Kind.TEXT, lambda r: r.value.cell),
    Column("รายการ", 20, Kind.TEXT, lambda r: formats.item_label(r.value.item_id)),
    Column("ช่อง", 18, Kind.TEXT, lambda r: formats.field_label(r.value.field)),
    Column("ค่าที่พิมพ์", 30, Kind.TEXT, lambda r: r.value.raw),
    Column(
        "ค่าที่ใช้", 16, Kind.TEXT, lambda r: formats.used_value(r.value.field, _iso(r.value.value))
    ),
]


def _inputs(run: Run) -> Table:
    batch = run.batch
    names: dict[str, str] = {}  # a file's name, worked out once for all its values
    rows = (
        InputRow(names.get(path) or names.setdefault(path, Path(path).name), sha, v)
        for path, sha, v in batch.iter_values()
    )
    return Table.of(INPUTS_SHEET, "inputs", INPUT_COLUMNS, rows)


def _about(run: Run) -> Table:
    batch, command, when = run.batch, run.command, run.when
    rubric = batch.rubric
    counts = batch.counts()
    rows: list[list[Any]] = [
        ["เกณฑ์ (rubric id)", rubric.id],
        ["ฉบับ (version)", rubric.version],
        ["SHA-256 ของเกณฑ์", rubric.sha256],
        ["ไฟล์เกณฑ์ (rubric file)", rubric.path],
        ["ชื่อเกณฑ์", rubric.title_th],
        ["ปีงบประมาณ", rubric.fiscal_year],
        # Read back by pmqa compare to tell two results of one fiscal year apart.
        ["รอบการประเมิน", (run.analysis.round if run.analysis else "") or "(ไม่ได้ระบุ)"],
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
    (COUNTS_SHEET, _counts),
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
    and its maps first, the breakdowns after the charts, and with a previous result the
    comparison sheets. The rubric decides the indicator and categories sheets, ``verified`` the
    changes sheet (:func:`sheets_for`)."""
    if rubric is None:
        names = [name for name, _ in SHEETS if verified or name != CHANGES_SHEET]
    else:
        names = [name for name, _ in sheets_for(rubric, verified)]
    at = names.index(CHARTS_SHEET) + 1
    names[at:at] = [*BREAKDOWN_SHEETS, *(COMPARISON_SHEETS if compared else ())]
    return [EXECUTIVE_SHEET, MAP_SHEET, *names]


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
    run = Run(batch, command, when, analysis)
    verified = batch.verification is not None
    found = [build(run) for _, build in sheets_for(batch.rubric, verified) if build is not None]
    if analysis is not None:
        extra = breakdown_tables(analysis.breakdowns)
        if analysis.comparison is not None:
            extra += comparison_tables(analysis.comparison)
        at = next(n for n, t in enumerate(found) if t.sheet == COUNTS_SHEET) + 1
        found[at:at] = extra
    if with_inputs:
        found.append(_inputs(run))
    return found


def _by_code(batch: BatchResult) -> Offices:
    return batch.in_order(lambda f: (f.office.code, f.path))
