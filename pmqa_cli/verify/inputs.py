"""Review, central-data and correction files: read, checked row by row, turned into entries.

Each file is read whole by the one table reader (:mod:`pmqa_cli.io.tables`), within its kind's
limits (:mod:`pmqa_cli.io.limits`), or refused with a finding. A row that is wrong in any way
(an unknown office or item, a verdict that is not one of the choices, a value the one value
parser (:mod:`pmqa_cli.io.values`) cannot take, a correction without a reason, a CSV row with
more or fewer fields than its header, two rows for one office and item that disagree, an
indicator that does not apply to the office's type) becomes a finding with the file, sheet, row
and cell, and nothing from that row is applied. docs/verification.md documents the formats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.trace import InputFile, Layer, Origin, Verdict
from pmqa_cli.assess.validate import check_value
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.io.cells import Cell
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.limits import InputKind, Limits, limits_for
from pmqa_cli.io.tables import RawSheet, TableFile, TableReadError, cell_ref, read_table_file
from pmqa_cli.io.values import (
    clean_text,
    code_text,
    is_blank,
    number_problem,
    parse_number,
    parse_yes_no,
)
from pmqa_cli.rubric.model import Indicator, Method, Rubric
from pmqa_cli.verify.columns import (
    CORRECTION_COLUMNS,
    LONG_DATA_COLUMNS,
    REQUIRED,
    REVIEW_COLUMNS,
    VERDICTS,
)
from pmqa_cli.verify.entries import Entry, Verification, drop_conflicts

__all__ = [
    "KINDS",
    "Entry",
    "Verification",
    "load_verification",
]

#: Each layer's input kind, whose limits apply to its files.
KINDS = {
    Layer.REVIEW: InputKind.REVIEW,
    Layer.DATA: InputKind.DATA,
    Layer.CORRECTION: InputKind.CORRECTIONS,
}


# --- reading rows -------------------------------------------------------------------------


def _shown(cell: Cell | None) -> str:
    return "" if cell is None or cell.value is None else str(cell.value)


def _text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    return code_text(cell.value)


@dataclass
class _FileReader:
    """Reads one verification file into entries, with findings for every bad row."""

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
        self.findings.append(
            make_finding(code, file=self.file, sheet=sheet.name or None, cell=cell, row=row, **kw)
        )

    def origin(self, sheet: RawSheet, row: int, cell: str) -> Origin:
        return Origin(self.file, self.table.sha256, sheet.name, row, cell)

    def item_id(self, text: str) -> str | None:
        if text in self.criteria or text in self.indicators:
            return text
        return self.folded.get(text.casefold())

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

    # --- one kind of file each --------------------------------------------------------------

    def read(self) -> None:
        wanted = {
            Layer.REVIEW: REVIEW_COLUMNS,
            Layer.CORRECTION: CORRECTION_COLUMNS,
            Layer.DATA: LONG_DATA_COLUMNS,
        }[self.layer]
        used = False
        for sheet in self.table.sheets:
            ids = {header_key(i) for i in self.indicators}
            header = sheet.header(wanted | {"_ids": ids} if self.layer is Layer.DATA else wanted)
            if header is None:
                continue
            row0, cols, texts = header
            cols.pop("_ids", None)
            if self.layer is Layer.DATA and not {"item", "value"} <= cols.keys():
                wide = self.wide_columns(texts)
                if "office" in cols and wide:
                    used = True
                    self.read_wide(sheet, row0, cols["office"], wide, cols.get("source"))
                continue
            missing = [th for key, th in REQUIRED[self.layer] if key not in cols]
            if missing:
                continue
            used = True
            for number, cells in self.body(sheet, row0):
                self.read_row(sheet, number, cells, cols)
        if not used:
            needed = ", ".join(th for _, th in REQUIRED[self.layer])
            if self.layer is Layer.DATA:
                needed = "รหัสหน่วยงาน + รหัสรายการ + ค่า หรือ รหัสหน่วยงาน + รหัสตัวชี้วัดเป็นหัวคอลัมน์"
            self.findings.append(
                make_finding("verify-header-missing", file=self.file, headers=needed)
            )

    def body(self, sheet: RawSheet, header_row: int) -> list[tuple[int, dict[int, Cell]]]:
        """The rows below the header that can be read (the table reader's findings about the
        others: a CSV row with more or fewer fields than the header, a repeated row)."""
        body = sheet.body(header_row, self.file)
        self.findings += body.findings
        return body.rows

    def wide_columns(self, texts: list[str]) -> dict[int, Indicator]:
        found: dict[int, Indicator] = {}
        for col, text in enumerate(texts, start=1):
            item = self.item_id(code_text(text)) if text else None
            if item in self.indicators:
                found[col] = self.indicators[item]
        return found

    def office_code(self, cells: dict[int, Cell], col: int) -> str:
        return _text(cells.get(col))

    def read_wide(
        self,
        sheet: RawSheet,
        row0: int,
        office_col: int,
        columns: dict[int, Indicator],
        source_col: int | None,
    ) -> None:
        source = self.source_name()
        for number, cells in self.body(sheet, row0):
            office = self.office_code(cells, office_col)
            if not office:
                if any(c in cells for c in columns):
                    self.finding(
                        "verify-office-unknown",
                        sheet,
                        number,
                        cell_ref(cells, office_col, number),
                        value="",
                    )
                continue
            row_source = _text(cells.get(source_col)) if source_col else ""
            for col, indicator in columns.items():
                cell = cells.get(col)
                if cell is None or is_blank(cell.value):
                    continue  # no data for this office: its own answer stands
                ref = cell.ref
                answer = self.value(indicator, cell, sheet, number, ref)
                if answer is None:
                    continue
                self.entries.append(
                    Entry(
                        Layer.DATA,
                        office,
                        indicator.id,
                        True,
                        self.origin(sheet, number, ref),
                        answer=answer,
                        source=row_source or source,
                    )
                )

    def source_name(self) -> str:
        return self.table.path.stem

    def read_row(
        self, sheet: RawSheet, number: int, cells: dict[int, Cell], cols: dict[str, int]
    ) -> None:
        def get(key: str) -> Cell | None:
            return cells.get(cols[key]) if key in cols else None

        def ref(key: str) -> str:
            return cell_ref(cells, cols[key], number)

        office = _text(get("office"))
        item_text = _text(get("item"))
        if not office and not item_text:
            return
        if self.layer is Layer.REVIEW and not any(
            not is_blank(v.value) for k in ("verdict", "verified", "comment") if (v := get(k))
        ):
            return  # a row nobody filled in: the item stays unreviewed
        if not office:
            self.finding("verify-office-unknown", sheet, number, ref("office"), value="")
            return
        item = self.item_id(item_text)
        if item is None:
            self.finding("verify-item-unknown", sheet, number, ref("item"), item_id=item_text)
            return
        is_indicator = item in self.indicators
        if self.layer is Layer.DATA and not is_indicator:
            self.finding("verify-item-not-indicator", sheet, number, ref("item"), item_id=item)
            return
        person = clean_text(_text(get("person")))
        origin_key = "verified" if self.layer is Layer.REVIEW else "value"
        if self.layer is Layer.REVIEW:
            self.read_review_row(sheet, number, cells, cols, office, item, is_indicator, person)
            return
        value_cell = get("value")
        if value_cell is None or is_blank(value_cell.value):
            self.finding("verify-value-missing", sheet, number, ref("value"), item_id=item)
            return
        met: bool | None = None
        answer: IndicatorAnswer | None = None
        if is_indicator:
            answer = self.value(self.indicators[item], value_cell, sheet, number, ref("value"))
            if answer is None:
                return
        else:
            parsed = parse_yes_no(value_cell.value)
            if parsed.problem or not isinstance(parsed.value, bool):
                why_th, why_en = advice("answer-invalid", item, value=_shown(value_cell))
                self.finding(
                    "verify-value-invalid",
                    sheet,
                    number,
                    ref("value"),
                    item_id=item,
                    value=_shown(value_cell),
                    why_th=why_th,
                    why_en=why_en,
                )
                return
            met = parsed.value
        origin = self.origin(sheet, number, ref(origin_key))
        if self.layer is Layer.CORRECTION:
            reason = clean_text(_text(get("reason")))
            if not reason:
                self.finding("verify-reason-missing", sheet, number, ref("reason"), item_id=item)
                return
            if not person:
                self.finding(
                    "verify-person-missing",
                    sheet,
                    number,
                    ref("person") if "person" in cols else ref("reason"),
                    item_id=item,
                )
            self.entries.append(
                Entry(
                    Layer.CORRECTION,
                    office,
                    item,
                    is_indicator,
                    origin,
                    met=met,
                    answer=answer,
                    reason=reason,
                    person=person,
                )
            )
        else:
            source = _text(get("source")) or self.source_name()
            note = clean_text(_text(get("note")))
            self.entries.append(
                Entry(
                    Layer.DATA,
                    office,
                    item,
                    True,
                    origin,
                    answer=answer,
                    source=source,
                    reason=note,
                )
            )

    def read_review_row(
        self,
        sheet: RawSheet,
        number: int,
        cells: dict[int, Cell],
        cols: dict[str, int],
        office: str,
        item: str,
        is_indicator: bool,
        person: str,
    ) -> None:
        verdict_cell = cells.get(cols["verdict"])
        verdict: Verdict | None = None
        verdict_ref = cell_ref(cells, cols["verdict"], number)
        if verdict_cell is not None and not is_blank(verdict_cell.value):
            text = clean_text(str(verdict_cell.value)).casefold()
            verdict = VERDICTS.get(text)
            if verdict is None:
                self.finding(
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
                    self.finding(
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
                answer = self.value(self.indicators[item], value_cell, sheet, number, value_ref)
                if answer is None:
                    return
        comment = clean_text(_text(cells.get(cols["comment"]))) if "comment" in cols else ""
        if (verdict is not None or answer is not None) and not person:
            where = cell_ref(cells, cols["person"], number) if "person" in cols else verdict_ref
            self.finding("verify-person-missing", sheet, number, where, item_id=item)
        self.entries.append(
            Entry(
                Layer.REVIEW,
                office,
                item,
                is_indicator,
                self.origin(sheet, number, value_ref),
                answer=answer,
                verdict=verdict,
                person=person,
                comment=comment,
            )
        )


def advice(code: str, item: str, **params: Any) -> tuple[str, str]:
    """What a value finding of a submission (``code``) says, Thai and English: the same advice
    for a value in a verification file."""
    finding = make_finding(code, item_id=item, **params)
    return finding.message_th, finding.message_en


def load_verification(
    rubric: Rubric,
    *,
    reviews: Sequence[Path] = (),
    data: Sequence[Path] = (),
    corrections: Sequence[Path] = (),
    limits: Mapping[InputKind, Limits] | Limits | None = None,
) -> Verification:
    """Read every verification file, each whole within its kind's limits or refused with a
    finding. ``limits`` maps an input kind to its limits; kinds not in it (and every kind when
    ``limits`` is a single :class:`Limits`, a submission's, as older callers pass) get
    :func:`~pmqa_cli.io.limits.limits_for` (the table's defaults and the environment's
    overrides). Office codes are checked later, against the offices scored
    (:meth:`Verification.check_offices`)."""
    given = limits if isinstance(limits, Mapping) else {}
    result = Verification(reviewed=bool(reviews))
    entries: list[Entry] = []
    for layer, paths in (
        (Layer.REVIEW, reviews),
        (Layer.DATA, data),
        (Layer.CORRECTION, corrections),
    ):
        kind = KINDS[layer]
        kind_limits = given.get(kind) or limits_for(kind)
        for path in paths:
            try:
                table = read_table_file(Path(path), kind, kind_limits)
            except TableReadError as exc:
                result.findings.append(exc.finding("verify-file-unreadable", str(path)))
                result.files.append(InputFile(layer, str(path), "", 0))
                continue
            reader = _FileReader(layer, table, rubric)
            reader.read()
            entries += reader.entries
            result.findings += reader.findings
            result.files.append(InputFile(layer, str(path), table.sha256, 0))
    result.entries = drop_conflicts(entries, result.findings)
    result._count_rows()
    return result
