"""The tables of breakdowns and comparisons, for results.xlsx, comparison.xlsx and CSV.

Built from :mod:`pmqa_cli.compare` objects, so the workbook sheets, the CSV files and the JSON
(which serialises the same objects) carry the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from pmqa_cli.compare.breakdowns import DIMENSIONS, Breakdowns, Group
from pmqa_cli.compare.comparison import PARTS, Comparison, MeanChange, OfficeChange
from pmqa_cli.compare.snapshot import OfficeScore, number
from pmqa_cli.core.numbers import Shown, excel_format
from pmqa_cli.report.outputs import FONT_SIZE
from pmqa_cli.report.tables import Column, Kind, Table
from pmqa_cli.report.text_width import BOLD_WIDER, PADDING, UNIT_POINTS, text_points

__all__ = [
    "BREAKDOWN_SHEETS",
    "COMPARISON_SHEETS",
    "breakdown_tables",
    "comparison_tables",
]

GROUP_STATS_SHEET = "สถิติตามกลุ่ม"
GROUP_SHARES_SHEET = "การกระจายตามกลุ่ม"
TOP_SHEET = "อันดับสูงต่ำ"
BREAKDOWN_SHEETS = (GROUP_STATS_SHEET, GROUP_SHARES_SHEET, TOP_SHEET)

COMPARE_OFFICES_SHEET = "เทียบรายหน่วยงาน"
COMPARE_LISTS_SHEET = "พัฒนาการ"
COMPARE_MEANS_SHEET = "เทียบค่าเฉลี่ย"
COMPARE_ITEMS_SHEET = "เทียบรายการ"
ONE_ROUND_SHEET = "มีผลรอบเดียว"
COMPARISON_SHEETS = (
    COMPARE_OFFICES_SHEET,
    COMPARE_LISTS_SHEET,
    COMPARE_MEANS_SHEET,
    COMPARE_ITEMS_SHEET,
    ONE_ROUND_SHEET,
)

_PART_TH = {"overall": "คะแนนรวม", "pmqa": "หมวด 1-6", "results": "หมวด 7"}
_DIMENSION_TH = dict(DIMENSIONS)
_KIND_TH = {"part": "ส่วน", "issue": "ประเด็น", "indicator": "ตัวชี้วัด"}
#: A part's label as the results show it (คะแนนรวม, หมวด 1-6 (PMQA 4.0), หมวด 7 (ตัวชี้วัด)).
_PART_LABEL = dict(PARTS)
#: Places gained, signed as the headers say (+ ดีขึ้น): +7 is seven places up (core.numbers).
_RANK_CHANGE = excel_format(Shown.RANK_CHANGE, 0)
_UNIT = UNIT_POINTS["xlsxwriter"]  # points per width unit of the workbooks pmqa writes
_MARGIN = 1.5  # width units kept free beside a header on one line
_WIDEN_AT_MOST = 5.0  # a header that needs more than this wraps instead


# --- breakdowns ------------------------------------------------------------------------------


def _statistic(key: str, field: str) -> Callable[[Group], Any]:
    return lambda g: number(getattr(g.scores[key], field))


def _share(which: str, label: str, field: str) -> Callable[[Group], Any]:
    def get(g: Group) -> Any:
        value = getattr(getattr(g, which)[label], field)
        return number(value) if field == "percent" else value

    return get


def _group_stats(groups: Breakdowns) -> Table:
    columns: list[Column[Group]] = [
        Column("จำแนกตาม", 14, Kind.TEXT, lambda g: _DIMENSION_TH[g.dimension]),
        Column("กลุ่ม", 26, Kind.TEXT, lambda g: g.name),
        Column("จำนวน", 8, Kind.CENTER, lambda g: g.count),
    ]
    for key, _ in PARTS:
        part = _PART_TH[key]
        for field, title in (("mean", "เฉลี่ย"), ("median", "มัธยฐาน"), ("minimum", "ต่ำสุด"),
                             ("maximum", "สูงสุด")):  # fmt: skip
            columns.append(Column(f"{part} {title}", 12, Kind.SCORE, _statistic(key, field)))
    return Table.of(GROUP_STATS_SHEET, "breakdown-statistics", columns, groups.groups)


def _group_shares(groups: Breakdowns) -> Table:
    columns: list[Column[Group]] = [
        Column("จำแนกตาม", 14, Kind.TEXT, lambda g: _DIMENSION_TH[g.dimension]),
        Column("กลุ่ม", 26, Kind.TEXT, lambda g: g.name),
        Column("จำนวน", 8, Kind.CENTER, lambda g: g.count),
    ]
    for which, labels in (("bands", groups.band_labels), ("statuses", groups.status_labels)):
        for label in labels:
            columns += [
                Column(f"{label} (จำนวน)", 11, Kind.CENTER, _share(which, label, "count")),
                Column(f"{label} (ร้อยละ)", 11, Kind.PERCENT, _share(which, label, "percent")),
            ]
    return Table.of(GROUP_SHARES_SHEET, "breakdown-distribution", columns, groups.groups)


@dataclass(frozen=True)
class _Listed:
    """An office in a top or bottom list."""

    listing: str
    scope: str
    order: int
    office: OfficeScore


def _top_bottom(groups: Breakdowns) -> Table:
    def listed() -> Iterator[_Listed]:
        for listing, lists in (("10 อันดับแรก", groups.top), ("10 อันดับสุดท้าย", groups.bottom)):
            for scope, offices in lists.items():
                for n, office in enumerate(offices, start=1):
                    yield _Listed(listing, scope, n, office)

    columns: list[Column[_Listed]] = [
        Column("รายการ", 16, Kind.TEXT, lambda r: r.listing),
        Column("กลุ่ม", 8, Kind.CENTER, lambda r: r.scope),
        Column("ลำดับ", 7, Kind.CENTER, lambda r: r.order),
        *_office_columns(lambda r: r.office),
        Column("คะแนนรวม", 13, Kind.SCORE, lambda r: number(r.office.overall)),
        Column("อันดับ", 8, Kind.CENTER, lambda r: r.office.rank),
        Column("อันดับในประเภท", 10, Kind.CENTER, lambda r: r.office.rank_in_type),
    ]
    return Table.of(TOP_SHEET, "top-bottom", columns, listed())


def _office_columns(get: Any) -> list[Column[Any]]:
    return [
        Column("รหัส", 10, Kind.CENTER, lambda r: get(r).code),
        Column("ชื่อหน่วยงาน", 34, Kind.TEXT, lambda r: get(r).name),
        Column("ประเภท", 8, Kind.CENTER, lambda r: get(r).type_th),
        # As result_tables' office columns: the ranks print one page wide, with the region
        # ภาคตะวันออกเฉียงเหนือ (a third of the offices) and every province of the registry
        # on one line of 16 pt but สมุทรสาคร สมุทรสงคราม (one office's two provinces).
        Column("จังหวัด", 16, Kind.TEXT, lambda r: get(r).province),
        Column("ภาค", 19, Kind.TEXT, lambda r: get(r).region),
    ]


def breakdown_tables(groups: Breakdowns) -> list[Table]:
    """Statistics and distributions by type, region and province; top and bottom offices."""
    return [_group_stats(groups), _group_shares(groups), _top_bottom(groups)]


# --- comparisons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _OfficeRow:
    """One office across every round compared."""

    code: str
    changes: tuple[OfficeChange, ...]  # one per earlier round, oldest first

    @property
    def office(self) -> OfficeScore:
        return self.changes[-1].office


def _note(row: _OfficeRow, labels: list[str], current: str) -> str:
    notes = []
    if row.changes[-1].current is None or row.changes[-1].current.overall is None:
        notes.append(f"ไม่มีผล {current}")
    for label, change in zip(labels, row.changes, strict=True):
        if change.previous is None or change.previous.overall is None:
            notes.append(f"ไม่มีผล {label}")
    return "; ".join(notes)


def _round_columns(n: int, label: str) -> list[Column[_OfficeRow]]:
    """The columns of the n-th earlier round: its scores, the changes, its ranks."""

    def change(r: _OfficeRow) -> OfficeChange:
        return r.changes[n]

    def earlier(r: _OfficeRow) -> OfficeScore | None:
        return r.changes[n].previous

    def score(key: str) -> Callable[[_OfficeRow], Any]:
        return lambda r: number(change(r).score(key, True))

    def moved(key: str) -> Callable[[_OfficeRow], Any]:
        return lambda r: number(change(r).change(key))

    columns: list[Column[_OfficeRow]] = [
        Column(f"{_PART_TH[key]} {label}", 13, Kind.SCORE, score(key)) for key, _ in PARTS
    ]
    columns += [
        Column(f"{_PART_TH[key]} เปลี่ยนแปลงจาก {label}", 14, Kind.CHANGE, moved(key))
        for key, _ in PARTS
    ]
    return [
        *columns,
        Column(f"อันดับ {label}", 9, Kind.CENTER,
               lambda r: (e := earlier(r)) and e.rank),
        Column(f"อันดับเปลี่ยนจาก {label} (+ ดีขึ้น)", 12, Kind.CENTER,
               lambda r: change(r).rank_change, _RANK_CHANGE),
        Column(f"อันดับในประเภท {label}", 10, Kind.CENTER,
               lambda r: (e := earlier(r)) and e.rank_in_type),
        Column(f"อันดับในประเภทเปลี่ยนจาก {label} (+ ดีขึ้น)", 12, Kind.CENTER,
               lambda r: change(r).rank_in_type_change, _RANK_CHANGE),
    ]  # fmt: skip


def _compare_offices(comparison: Comparison) -> Table:
    current = comparison.current.label
    labels = [r.label for r in comparison.rounds]
    columns: list[Column[_OfficeRow]] = [
        *_office_columns(lambda r: r.office),
        Column(f"คะแนนรวม {current}", 13, Kind.SCORE,
               lambda r: number(r.changes[-1].score("overall"))),
        Column(f"หมวด 1-6 {current}", 13, Kind.SCORE,
               lambda r: number(r.changes[-1].score("pmqa"))),
        Column(f"หมวด 7 {current}", 13, Kind.SCORE,
               lambda r: number(r.changes[-1].score("results"))),
        Column(f"อันดับ {current}", 9, Kind.CENTER,
               lambda r: r.changes[-1].current.rank if r.changes[-1].current else None),
        Column(f"อันดับในประเภท {current}", 10, Kind.CENTER,
               lambda r: r.changes[-1].current.rank_in_type if r.changes[-1].current else None),
    ]  # fmt: skip
    for n, label in enumerate(labels):
        columns += _round_columns(n, label)
    columns.append(Column("หมายเหตุ", 24, Kind.TEXT, lambda r: _note(r, labels, current)))
    codes = sorted({o.code for r in comparison.rounds for o in r.offices})
    by_round = [{o.code: o for o in r.offices} for r in comparison.rounds]
    rows = [
        _OfficeRow(
            code,
            tuple(
                found.get(code)
                or OfficeChange(
                    code, comparison.current.offices.get(code), None, decimals=comparison.decimals
                )
                for found in by_round
            ),
        )
        for code in codes
    ]
    table = Table.of(COMPARE_OFFICES_SHEET, "comparison", columns, rows)
    # Wider than a page: each printed page starts with whose row it is (code, name).
    table.key_columns = table.freeze_columns = 2
    return table


@dataclass(frozen=True)
class _Moved:
    listing: str
    scope: str
    order: int
    change: OfficeChange


def _compare_lists(comparison: Comparison) -> Table:
    latest = comparison.latest

    def listed() -> Iterator[_Moved]:
        for listing, lists in (
            ("พัฒนาขึ้นมากที่สุด", latest.improved),
            ("ลดลงมากที่สุด", latest.declined),
        ):
            for scope, offices in lists.items():
                for n, office in enumerate(offices, start=1):
                    yield _Moved(listing, scope, n, office)

    columns: list[Column[_Moved]] = [
        Column("รายการ", 18, Kind.TEXT, lambda r: r.listing),
        Column("กลุ่ม", 8, Kind.CENTER, lambda r: r.scope),
        Column("ลำดับ", 7, Kind.CENTER, lambda r: r.order),
        *_office_columns(lambda r: r.change.office),
        Column(f"คะแนนรวม {latest.label}", 13, Kind.SCORE,
               lambda r: number(r.change.score("overall", True))),
        Column(f"คะแนนรวม {comparison.current.label}", 13, Kind.SCORE,
               lambda r: number(r.change.score("overall"))),
        Column("เปลี่ยนแปลง", 12, Kind.CHANGE, lambda r: number(r.change.change())),
        Column("อันดับเปลี่ยน (+ ดีขึ้น)", 12, Kind.CENTER, lambda r: r.change.rank_change,
               _RANK_CHANGE),
    ]  # fmt: skip
    return Table.of(COMPARE_LISTS_SHEET, "comparison-lists", columns, listed())


@dataclass(frozen=True)
class _Mean:
    label: str
    scope: str
    mean: MeanChange
    note: str


def _compare_means(comparison: Comparison) -> Table:
    def listed() -> Iterator[_Mean]:
        for r in comparison.rounds:
            unmatched = set(r.unmatched_items)
            for m in r.means:
                note = ""
                if m.key in unmatched:
                    note = "ไม่มีรายการที่ตรงกันในผลครั้งก่อน: เทียบได้เฉพาะคะแนนรวมและรายส่วน"
                elif m.previous_ids:
                    note = "เทียบกับรหัสเดิม " + ", ".join(m.previous_ids)
                yield _Mean(r.label, "ทั้งประเทศ", m, note)
            for scope, means in r.type_means.items():
                for m in means:
                    yield _Mean(r.label, scope, m, "")

    current = comparison.current.label
    columns: list[Column[_Mean]] = [
        Column("เทียบกับ", 14, Kind.TEXT, lambda r: r.label),
        Column("กลุ่ม", 10, Kind.CENTER, lambda r: r.scope),
        # A part by the label the results give it; an issue or indicator by its rubric id.
        Column("รายการ", 16, Kind.TEXT, lambda r: _PART_LABEL.get(r.mean.key, r.mean.key)),
        Column("ชื่อ", 40, Kind.TEXT, lambda r: r.mean.label),
        Column("ประเภทรายการ", 10, Kind.CENTER, lambda r: _KIND_TH[r.mean.kind]),
        Column(f"ค่าเฉลี่ย {current} (ทุกหน่วยงานของรอบ)", 14, Kind.SCORE,
               lambda r: number(r.mean.current)),
        Column("ค่าเฉลี่ยครั้งก่อน (ทุกหน่วยงานของรอบ)", 14, Kind.SCORE,
               lambda r: number(r.mean.previous)),
        Column("เปลี่ยนแปลง (เฉพาะหน่วยงานที่มีทั้งสองครั้ง)", 14, Kind.CHANGE,
               lambda r: number(r.mean.change)),
        Column("จำนวนที่มีทั้งสองครั้ง", 10, Kind.CENTER, lambda r: r.mean.both_count),
        Column(f"จำนวน {current}", 9, Kind.CENTER, lambda r: r.mean.current_count),
        Column("จำนวนครั้งก่อน", 9, Kind.CENTER, lambda r: r.mean.previous_count),
        Column("หมายเหตุ", 50, Kind.TEXT, lambda r: r.note),
    ]  # fmt: skip
    return Table.of(COMPARE_MEANS_SHEET, "comparison-means", columns, listed())


@dataclass(frozen=True)
class _ItemRow:
    label: str
    change: OfficeChange
    item: Any


def _compare_items(comparison: Comparison) -> Table:
    def listed() -> Iterator[_ItemRow]:
        for r in comparison.rounds:
            for office in r.offices:
                for item in office.items:
                    if item.previous is not None:
                        yield _ItemRow(r.label, office, item)

    columns: list[Column[_ItemRow]] = [
        Column("เทียบกับ", 14, Kind.TEXT, lambda r: r.label),
        Column("รหัส", 10, Kind.CENTER, lambda r: r.change.code),
        Column("ชื่อหน่วยงาน", 34, Kind.TEXT, lambda r: r.change.office.name),
        Column("รายการ", 12, Kind.TEXT, lambda r: r.item.id),
        Column("รหัสเดิม", 12, Kind.TEXT, lambda r: r.item.previous_id),
        Column("คะแนนครั้งก่อน", 13, Kind.SCORE, lambda r: number(r.item.previous)),
        Column(f"คะแนน {comparison.current.label}", 13, Kind.SCORE,
               lambda r: number(r.item.current)),
        Column("เปลี่ยนแปลง", 12, Kind.CHANGE, lambda r: number(r.item.change)),
    ]  # fmt: skip
    return Table.of(COMPARE_ITEMS_SHEET, "comparison-items", columns, listed())


@dataclass(frozen=True)
class _OneRound:
    label: str
    present: str
    change: OfficeChange
    earlier: bool


def _one_round(comparison: Comparison) -> Table:
    current = comparison.current.label

    def listed() -> Iterator[_OneRound]:
        for r in comparison.rounds:
            for o in r.only_current:
                yield _OneRound(r.label, current, o, False)
            for o in r.only_previous:
                yield _OneRound(r.label, r.label, o, True)

    columns: list[Column[_OneRound]] = [
        Column("เทียบกับ", 14, Kind.TEXT, lambda r: r.label),
        *_office_columns(lambda r: r.change.office),
        Column("มีผลเฉพาะ", 14, Kind.CENTER, lambda r: r.present),
        Column("คะแนนรวม", 13, Kind.SCORE,
               lambda r: number(r.change.score("overall", r.earlier))),
    ]  # fmt: skip
    return Table.of(ONE_ROUND_SHEET, "comparison-one-round", columns, listed())


def _roomy(column: Column[Any]) -> Column[Any]:
    """A column wide enough that its header, when it nearly fits on one line, fits with room
    to spare: "คะแนนรวม 2566" beside "คะแนนรวม 2567" printed as one run of text otherwise
    (LibreOffice keeps it on one line, edge to edge). Longer headers keep their width and
    wrap, in a header row as tall as they need (report/tables.py)."""
    one_line = (text_points(column.header, FONT_SIZE) * BOLD_WIDER + PADDING) / _UNIT
    if column.width < one_line + _MARGIN <= column.width + _WIDEN_AT_MOST:
        return replace(column, width=round(one_line + _MARGIN, 1))
    return column


def comparison_tables(comparison: Comparison) -> list[Table]:
    """Per office, most improved and declined, national means, per item, one-round offices."""
    tables = [
        _compare_offices(comparison),
        _compare_lists(comparison),
        _compare_means(comparison),
        _compare_items(comparison),
        _one_round(comparison),
    ]
    return [replace(t, columns=[_roomy(c) for c in t.columns]) for t in tables]
