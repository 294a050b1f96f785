"""One verification file's rows, each read by its kind into entries (used by
:mod:`pmqa_cli.verify.inputs`, which finds the header and the columns).

A :class:`FileContext` holds what every row of a file shares (the file, the rubric's ids, the
entries and findings so far) and reads an indicator value the way a submission's cell is read;
a :class:`TableRow` is one row with its columns resolved. The per-kind readers
(:func:`read_review_row`, :func:`read_data_row`, :func:`read_correction_row`,
:func:`read_wide_rows`) each turn a row into an entry, or into findings and nothing applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.trace import Layer, Origin, Verdict
from pmqa_cli.assess.validate import check_value
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.io.cells import Cell
from pmqa_cli.io.tables import RawSheet, TableFile, cell_ref
from pmqa_cli.io.values import (
    clean_text,
    code_text,
    is_blank,
    number_problem,
    parse_number,
    parse_yes_no,
)
from pmqa_cli.rubric.model import Indicator, Method, Rubric
from pmqa_cli.verify.columns import VERDICTS
from pmqa_cli.verify.entries import Entry

__all__ = [
    "FileContext",
    "RowItem",
    "TableRow",
    "advice",
    "cell_text",
    "read_correction_row",
    "read_data_row",
    "read_review_row",
    "read_wide_rows",
]


def _shown(cell: Cell | None) -> str:
    return "" if cell is None or cell.value is None else str(cell.value)


def cell_text(cell: Cell | None) -> str:
    """A cell's value as a code's text ("" for an empty cell)."""
    if cell is None or cell.value is None:
        return ""
    return code_text(cell.value)


def advice(code: str, item: str, **params: Any) -> tuple[str, str]:
    """What a value finding of a submission (``code``) says, Thai and English: the same advice
    for a value in a verification file."""
    finding = make_finding(code, item_id=item, **params)
    return finding.message_th, finding.message_en


# --- what a file's rows share ---------------------------------------------------------------


@dataclass
class FileContext:
    """One verification file being read: its rubric ids, and the entries and findings so far."""

    layer: Layer
    table: TableFile
    rubric: Rubric
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.file = str(self.table.path)
        self.criteria = {c.id for _, _, c in self.rubric.criteria()}
        self.indicators = {i.id: i for i in self.rubric.indicators}
        self.folded = {i.casefold(): i for i in (*self.criteria, *self.indicators)}

    def finding(self, code: str, sheet: RawSheet, row: int, cell: str | None, **kw: Any) -> None:
        """Record a finding about a cell of this file."""
        self.findings.append(
            make_finding(code, file=self.file, sheet=sheet.name or None, cell=cell, row=row, **kw)
        )

    def origin(self, sheet: RawSheet, row: int, cell: str) -> Origin:
        """Where an entry comes from: this file (by its hash), sheet, row and cell."""
        return Origin(self.file, self.table.sha256, sheet.name, row, cell)

    def item_id(self, text: str) -> str | None:
        """The rubric's criterion or indicator id for ``text`` (case aside), or None."""
        if text in self.criteria or text in self.indicators:
            return text
        return self.folded.get(text.casefold())

    def source_name(self) -> str:
        """The data source a row names when it names none: the file's name."""
        return self.table.path.stem

    def body(self, sheet: RawSheet, header_row: int) -> list[tuple[int, dict[int, Cell]]]:
        """The rows below the header that can be read (the table reader's findings about the
        others: a CSV row with more or fewer fields than the header, a repeated row)."""
        body = sheet.body(header_row, self.file)
        self.findings += body.findings
        return body.rows

    def value(
        self, indicator: Indicator, cell: Cell | None, sheet: RawSheet, row: int, ref: str
    ) -> IndicatorAnswer | None:
        """An indicator value (or N/A where allowed); None and a finding when it is bad. The
        advice is the one value parser's, as for a submission's cell."""
        shown = _shown(cell)
        if indicator.method is Method.PASS_FAIL:
            parsed = parse_yes_no(cell.value if cell else None)
            if parsed.problem or not isinstance(parsed.value, bool):
                why = advice("answer-invalid", indicator.id, value=shown)
                self.bad_value(indicator, cell, sheet, row, ref, *why)
                return None
            return IndicatorAnswer(float(parsed.value))
        raw: Any = cell.value if cell is not None else None
        percent_cell = cell.percent if cell is not None else False
        parsed = parse_number(
            raw, percent_cell=percent_cell, percent_unit=indicator.unit == "percent"
        )
        if parsed.not_applicable:
            if indicator.na_allowed:
                return IndicatorAnswer(None, True)
            self.bad_value(
                indicator,
                cell,
                sheet,
                row,
                ref,
                "ตัวชี้วัดนี้ไม่อนุญาตให้ระบุ N/A ต้องเป็นตัวเลข",
                "this indicator cannot be N/A; it needs a number.",
            )
            return None
        if parsed.problem or not isinstance(parsed.value, Decimal):
            code, params = number_problem(parsed, shown, indicator.unit)
            self.bad_value(indicator, cell, sheet, row, ref, *advice(code, indicator.id, **params))
            return None
        problem = check_value(indicator, parsed.value)
        if problem is not None:
            why = advice(problem[0], indicator.id, **problem[1])
            self.bad_value(indicator, cell, sheet, row, ref, *why)
            return None
        return IndicatorAnswer(parsed.value)

    def bad_value(
        self,
        indicator: Indicator,
        cell: Cell | None,
        sheet: RawSheet,
        row: int,
        ref: str,
        why_th: str,
        why_en: str,
    ) -> None:
        """Record that an indicator's value cannot be taken, and why."""
        self.finding(
            "verify-value-invalid",
            sheet,
            row,
            ref,
            item_id=indicator.id,
            value=_shown(cell),
            why_th=why_th,
            why_en=why_en,
        )


@dataclass(frozen=True)
class TableRow:
    """One row of a long table, with the header's columns (key -> column number)."""

    sheet: RawSheet
    number: int
    cells: dict[int, Cell]
    cols: dict[str, int]

    def get(self, key: str) -> Cell | None:
        """The row's cell in column ``key``; None when it is empty or there is no such column."""
        return self.cells.get(self.cols[key]) if key in self.cols else None

    def ref(self, key: str) -> str:
        """The reference of the row's cell in column ``key`` (which the header has)."""
        return cell_ref(self.cells, self.cols[key], self.number)

    def text(self, key: str) -> str:
        """The row's cell in column ``key`` as text ("" when empty or missing)."""
        return cell_text(self.get(key))


@dataclass(frozen=True)
class RowItem:
    """A row's office, rubric item and person, once they are known to be usable."""

    office: str
    item: str
    is_indicator: bool
    person: str
    office_cell: str  # where the office code is (a finding about the office points there)


def row_item(context: FileContext, row: TableRow) -> RowItem | None:
    """The row's office and item; None when the row is empty or (with a finding) when either
    is missing or unknown, or a central-data row names a criterion."""
    office = row.text("office")
    item_text = row.text("item")
    if not office and not item_text:
        return None
    if not office:
        context.finding("verify-office-unknown", row.sheet, row.number, row.ref("office"), value="")
        return None
    item = context.item_id(item_text)
    if item is None:
        context.finding(
            "verify-item-unknown", row.sheet, row.number, row.ref("item"), item_id=item_text
        )
        return None
    is_indicator = item in context.indicators
    if context.layer is Layer.DATA and not is_indicator:
        context.finding(
            "verify-item-not-indicator", row.sheet, row.number, row.ref("item"), item_id=item
        )
        return None
    person = clean_text(row.text("person"))
    return RowItem(office, item, is_indicator, person, row.ref("office"))


# --- one kind of row each -------------------------------------------------------------------


def read_review_row(context: FileContext, row: TableRow) -> None:
    """A committee's verdict (and verified value) on one office's item."""
    if not any(
        not is_blank(v.value) for k in ("verdict", "verified", "comment") if (v := row.get(k))
    ):
        return  # a row nobody filled in: the item stays unreviewed
    found = row_item(context, row)
    if found is None:
        return
    sheet, number, cells, cols = row.sheet, row.number, row.cells, row.cols
    item, is_indicator = found.item, found.is_indicator
    verdict_cell = cells.get(cols["verdict"])
    verdict: Verdict | None = None
    verdict_ref = cell_ref(cells, cols["verdict"], number)
    if verdict_cell is not None and not is_blank(verdict_cell.value):
        text = clean_text(str(verdict_cell.value)).casefold()
        verdict = VERDICTS.get(text)
        if verdict is None:
            context.finding(
                "verify-verdict-invalid",
                sheet,
                number,
                verdict_ref,
                item_id=item,
                value=str(verdict_cell.value),
            )
            return
    answer: IndicatorAnswer | None = None
    value_ref = verdict_ref
    if "verified" in cols:
        value_cell = cells.get(cols["verified"])
        if value_cell is not None and not is_blank(value_cell.value):
            value_ref = value_cell.ref
            if not is_indicator:
                context.finding(
                    "verify-value-invalid",
                    sheet,
                    number,
                    value_ref,
                    item_id=item,
                    value=str(value_cell.value),
                    why_th="เกณฑ์ใช้เฉพาะผลการตรวจ ยืนยัน/ไม่ยืนยัน ให้เว้นช่องค่าว่าง",
                    why_en="a criterion takes a verdict only; leave the value blank.",
                )
                return
            answer = context.value(context.indicators[item], value_cell, sheet, number, value_ref)
            if answer is None:
                return
    comment = clean_text(cell_text(cells.get(cols["comment"]))) if "comment" in cols else ""
    if (verdict is not None or answer is not None) and not found.person:
        where = cell_ref(cells, cols["person"], number) if "person" in cols else verdict_ref
        context.finding("verify-person-missing", sheet, number, where, item_id=item)
    context.entries.append(
        Entry(
            Layer.REVIEW,
            found.office,
            item,
            is_indicator,
            context.origin(sheet, number, value_ref),
            answer=answer,
            verdict=verdict,
            person=found.person,
            comment=comment,
            claim=clean_text(_shown(row.get("claim"))),
            claim_cell=row.ref("claim") if "claim" in cols else "",
            office_cell=found.office_cell,
        )
    )


@dataclass(frozen=True)
class _Value:
    """A long row's value: a criterion's met or not, or an indicator's answer."""

    met: bool | None = None
    answer: IndicatorAnswer | None = None


def _row_value(context: FileContext, row: TableRow, found: RowItem) -> _Value | None:
    """The value of a central-data or correction row; None (with a finding) when it is missing
    or cannot be taken."""
    value_cell = row.get("value")
    if value_cell is None or is_blank(value_cell.value):
        context.finding(
            "verify-value-missing", row.sheet, row.number, row.ref("value"), item_id=found.item
        )
        return None
    if found.is_indicator:
        indicator = context.indicators[found.item]
        answer = context.value(indicator, value_cell, row.sheet, row.number, row.ref("value"))
        return None if answer is None else _Value(answer=answer)
    parsed = parse_yes_no(value_cell.value)
    if parsed.problem or not isinstance(parsed.value, bool):
        why_th, why_en = advice("answer-invalid", found.item, value=_shown(value_cell))
        context.finding(
            "verify-value-invalid",
            row.sheet,
            row.number,
            row.ref("value"),
            item_id=found.item,
            value=_shown(value_cell),
            why_th=why_th,
            why_en=why_en,
        )
        return None
    return _Value(met=parsed.value)


def read_data_row(context: FileContext, row: TableRow) -> None:
    """One office's indicator value from a central-data table with item and value columns."""
    found = row_item(context, row)
    if found is None:
        return
    value = _row_value(context, row, found)
    if value is None:
        return
    origin = context.origin(row.sheet, row.number, row.ref("value"))
    source = row.text("source") or context.source_name()
    note = clean_text(row.text("note"))
    context.entries.append(
        Entry(
            Layer.DATA,
            found.office,
            found.item,
            True,
            origin,
            answer=value.answer,
            source=source,
            reason=note,
            office_cell=found.office_cell,
        )
    )


def read_correction_row(context: FileContext, row: TableRow) -> None:
    """One correction of an office's item: the new value, with a reason and who made it."""
    found = row_item(context, row)
    if found is None:
        return
    value = _row_value(context, row, found)
    if value is None:
        return
    origin = context.origin(row.sheet, row.number, row.ref("value"))
    reason = clean_text(row.text("reason"))
    if not reason:
        context.finding(
            "verify-reason-missing", row.sheet, row.number, row.ref("reason"), item_id=found.item
        )
        return
    if not found.person:
        context.finding(
            "verify-person-missing",
            row.sheet,
            row.number,
            row.ref("person") if "person" in row.cols else row.ref("reason"),
            item_id=found.item,
        )
    context.entries.append(
        Entry(
            Layer.CORRECTION,
            found.office,
            found.item,
            found.is_indicator,
            origin,
            met=value.met,
            answer=value.answer,
            reason=reason,
            person=found.person,
            office_cell=found.office_cell,
        )
    )


def read_wide_rows(
    context: FileContext,
    sheet: RawSheet,
    row0: int,
    office_col: int,
    columns: dict[int, Indicator],
    source_col: int | None,
) -> None:
    """A wide central-data table: one row per office, one column per indicator (its id as the
    column's header). A blank cell leaves the office's own answer standing."""
    source = context.source_name()
    for number, cells in context.body(sheet, row0):
        office = cell_text(cells.get(office_col))
        if not office:
            if any(c in cells for c in columns):
                context.finding(
                    "verify-office-unknown",
                    sheet,
                    number,
                    cell_ref(cells, office_col, number),
                    value="",
                )
            continue
        row_source = cell_text(cells.get(source_col)) if source_col else ""
        for col, indicator in columns.items():
            cell = cells.get(col)
            if cell is None or is_blank(cell.value):
                continue  # no data for this office: its own answer stands
            ref = cell.ref
            answer = context.value(indicator, cell, sheet, number, ref)
            if answer is None:
                continue
            context.entries.append(
                Entry(
                    Layer.DATA,
                    office,
                    indicator.id,
                    True,
                    context.origin(sheet, number, ref),
                    answer=answer,
                    source=row_source or source,
                    office_cell=cell_ref(cells, office_col, number),
                )
            )
