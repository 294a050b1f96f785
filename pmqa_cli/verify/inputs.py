"""Review, central-data and correction files: read, checked row by row, turned into entries.

Each file is a table (see :mod:`.tables`). A row that is wrong in any way (an unknown office or
item, a verdict that is not one of the choices, a non-number where a number is needed, a
correction without a reason, two rows for one office and item that disagree, an indicator that
does not apply to the office's type) becomes a finding with the file, sheet, row and cell, and
nothing from that row is applied. docs/verification.md documents the formats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.assess.answers import IndicatorAnswer
from pmqa_cli.assess.trace import InputFile, Layer, Origin, Verdict
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.tables import RawSheet, TableFile, TableReadError, cell_ref, read_table_file
from pmqa_cli.io.values import clean_text, code_text, is_blank, parse_number, parse_yes_no
from pmqa_cli.io.xlsx import Cell, Limits
from pmqa_cli.rubric.model import Indicator, Method, OfficeType, Rubric

__all__ = [
    "Entry",
    "Verification",
    "load_verification",
]


_VERDICTS = {
    "ยืนยัน": Verdict.CONFIRMED,
    "confirmed": Verdict.CONFIRMED,
    "confirm": Verdict.CONFIRMED,
    "ไม่ยืนยัน": Verdict.REJECTED,
    "rejected": Verdict.REJECTED,
    "reject": Verdict.REJECTED,
    "not confirmed": Verdict.REJECTED,
}


@dataclass(frozen=True)
class Entry:
    """One usable row: a value (or verdict) for one office's item from one layer.

    ``met`` is set for a criterion, ``answer`` for an indicator; a review row may carry only a
    verdict (``met`` and ``answer`` None) and a comment.
    """

    layer: Layer
    office: str
    item: str
    indicator: bool
    origin: Origin
    met: bool | None = None
    answer: IndicatorAnswer | None = None
    verdict: Verdict | None = None
    reason: str = ""
    person: str = ""
    comment: str = ""
    source: str = ""

    def decision(self) -> tuple[Any, ...]:
        """What the row decides (two rows that decide the same thing do not conflict)."""
        answer = self.answer
        value = None if answer is None or answer.value is None else Decimal(str(answer.value))
        na = answer.not_applicable if answer else None
        return (self.verdict, self.met, value, na)


@dataclass
class Verification:
    """Every usable entry from the review, data and correction files, and every finding."""

    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    reviewed: bool = False  # a review file was given: items without a verdict are unreviewed
    checked: bool = False  # office codes and types checked (check_offices)

    @property
    def active(self) -> bool:
        """Whether anything was given at all (without it, verified = self-assessed)."""
        return bool(self.files)

    def for_office(self, code: str) -> dict[tuple[Layer, str], Entry]:
        """(layer, item id) -> entry for one office."""
        return {(e.layer, e.item): e for e in self.entries if e.office == code}

    def check_offices(
        self,
        types: Mapping[str, OfficeType | None],
        rubric: Rubric,
        *,
        report_unknown: bool = True,
    ) -> None:
        """Drop rows for offices not in ``types`` (the registry, or the offices scored) and
        rows for indicators that do not apply to the office's type, with a finding for each.

        ``report_unknown`` False drops rows for other offices silently (scoring one office
        without a registry: the other rows are simply not about it).
        """
        kept: list[Entry] = []
        for entry in self.entries:
            if entry.office not in types:
                if report_unknown:
                    self._bad(entry, "verify-office-unknown", value=entry.office)
                continue
            office_type = types[entry.office]
            if entry.indicator and not rubric.indicator(entry.item).applies(office_type):
                assert office_type is not None
                self._bad(entry, "verify-not-applicable", office_type=office_type.abbrev_th)
                continue
            kept.append(entry)
        self.entries = kept
        self.checked = True
        self._count_rows()

    def _bad(self, entry: Entry, code: str, **params: Any) -> None:
        o = entry.origin
        self.findings.append(
            make_finding(
                code,
                file=o.file,
                sheet=o.sheet or None,
                cell=o.cell,
                item_id=entry.item,
                row=o.row,
                **params,
            )
        )

    def _count_rows(self) -> None:
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            counts[entry.origin.file] += 1
        self.files = [replace(f, rows=counts.get(f.path, 0)) for f in self.files]


# --- column names -------------------------------------------------------------------------


def _names(*names: str) -> set[str]:
    return {header_key(n) for n in names}


OFFICE = _names("รหัสหน่วยงาน", "รหัส สพท.", "รหัส", "office", "office code", "office_code", "code")
ITEM = _names(
    "รหัสรายการ",
    "รหัสตัวชี้วัด",
    "รหัสเกณฑ์",
    "item",
    "item id",
    "item_id",
    "indicator",
    "indicator id",
    "indicator_id",
    "criterion",
    "criterion id",
)
VALUE = _names(
    "ค่า",
    "value",
    "ค่าที่ถูกต้อง",
    "ค่าที่แก้ไข",
    "corrected value",
    "corrected_value",
    "new value",
    "new_value",
    "ผลการดำเนินงาน",
)
SOURCE = _names("source", "แหล่งข้อมูล", "ที่มา")
NOTE = _names("note", "หมายเหตุ")
REASON = _names("reason", "เหตุผล", "เหตุผลการแก้ไข")
PERSON = _names(
    "by",
    "person",
    "who",
    "corrected by",
    "corrected_by",
    "ผู้แก้ไข",
    "ผู้บันทึก",
    "reviewer",
    "ผู้ตรวจ",
    "ชื่อผู้ตรวจ",
    "กรรมการผู้ตรวจ",
)
VERDICT = _names("ผลการตรวจ", "ผลการพิจารณา", "verdict", "คณะกรรมการ")
VERIFIED = _names("ค่าที่ตรวจสอบแล้ว", "ค่าที่กรรมการยืนยัน", "verified value", "verified_value")
COMMENT = _names("ความเห็นกรรมการ", "ความเห็น", "ข้อสังเกต", "comment", "comments")

REVIEW_COLUMNS = {
    "office": OFFICE,
    "item": ITEM,
    "verdict": VERDICT,
    "verified": VERIFIED,
    "comment": COMMENT,
    "person": PERSON,
}
CORRECTION_COLUMNS = {
    "office": OFFICE,
    "item": ITEM,
    "value": VALUE,
    "reason": REASON,
    "person": PERSON,
}
LONG_DATA_COLUMNS = {"office": OFFICE, "item": ITEM, "value": VALUE, "source": SOURCE, "note": NOTE}

_REQUIRED = {
    Layer.REVIEW: (("office", "รหัสหน่วยงาน"), ("item", "รหัสรายการ"), ("verdict", "ผลการตรวจ")),
    Layer.CORRECTION: (
        ("office", "รหัสหน่วยงาน"),
        ("item", "รหัสรายการ"),
        ("value", "ค่า"),
        ("reason", "เหตุผล"),
    ),
    Layer.DATA: (("office", "รหัสหน่วยงาน"),),
}


# --- reading rows -------------------------------------------------------------------------


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
        """An indicator value (or N/A where allowed); None and a finding when it is bad."""
        if indicator.method is Method.PASS_FAIL:
            parsed = parse_yes_no(cell.value if cell else None)
            if parsed.problem or not isinstance(parsed.value, bool):
                self.bad_value(
                    indicator,
                    cell,
                    sheet,
                    row,
                    ref,
                    "ต้องเป็น ผ่าน หรือ ไม่ผ่าน",
                    "it must be ผ่าน (met) or ไม่ผ่าน (not met).",
                )
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
        if parsed.problem or parsed.value is None or isinstance(parsed.value, bool):
            self.bad_value(
                indicator,
                cell,
                sheet,
                row,
                ref,
                f"ต้องเป็นตัวเลข (หน่วย: {indicator.unit})",
                f"it must be a number (unit: {indicator.unit}).",
            )
            return None
        if not isinstance(parsed.value, (int, float, Decimal)):  # pragma: no cover
            return None  # parse_number gives numbers only
        number = Decimal(str(parsed.value))
        problem = value_problem(indicator, number)
        if problem is not None:
            self.bad_value(indicator, cell, sheet, row, ref, problem[0], problem[1])
            return None
        return IndicatorAnswer(number)

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
        shown = "" if cell is None or cell.value is None else str(cell.value)
        self.finding(
            "verify-value-invalid",
            sheet,
            row,
            ref,
            item_id=indicator.id,
            value=shown,
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
            missing = [th for key, th in _REQUIRED[self.layer] if key not in cols]
            if missing:
                continue
            used = True
            for number, cells in sheet.ordered_rows():
                if number > row0:
                    self.read_row(sheet, number, cells, cols)
        if not used:
            needed = ", ".join(th for _, th in _REQUIRED[self.layer])
            if self.layer is Layer.DATA:
                needed = "รหัสหน่วยงาน + รหัสรายการ + ค่า หรือ รหัสหน่วยงาน + รหัสตัวชี้วัดเป็นหัวคอลัมน์"
            self.findings.append(
                make_finding("verify-header-missing", file=self.file, headers=needed)
            )

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
        for number, cells in sheet.ordered_rows():
            if number <= row0:
                continue
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
                self.finding(
                    "verify-value-invalid",
                    sheet,
                    number,
                    ref("value"),
                    item_id=item,
                    value=str(value_cell.value),
                    why_th="ต้องเป็น ผ่าน หรือ ไม่ผ่าน",
                    why_en="it must be ผ่าน (met) or ไม่ผ่าน (not met).",
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
            verdict = _VERDICTS.get(text)
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


def value_problem(indicator: Indicator, value: Decimal) -> tuple[str, str] | None:
    """Why the rubric does not accept a value for an indicator (Thai, English), or None."""
    from pmqa_cli.assess.validate import check_value

    problem = check_value(indicator, value)
    if problem is None:
        return None
    finding = make_finding(problem[0], item_id=indicator.id, **problem[1])
    return finding.message_th, finding.message_en


def _drop_conflicts(entries: list[Entry], findings: list[Finding]) -> list[Entry]:
    """Rows for one layer, office and item that disagree are all dropped, with a finding;
    rows that agree count once (the first), their comments joined."""
    groups: dict[tuple[Layer, str, str], list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.layer, entry.office, entry.item)].append(entry)
    kept: list[Entry] = []
    for group in groups.values():
        first = group[0]
        if all(e.decision() == first.decision() for e in group):
            comments = [e.comment for e in group if e.comment]
            joined = " / ".join(dict.fromkeys(comments))
            kept.append(replace(first, comment=joined) if joined != first.comment else first)
            continue
        where = ", ".join(
            f"{Path(e.origin.file).name} {e.origin.sheet} แถว {e.origin.row}".replace("  ", " ")
            for e in group
        )
        for e in group:
            o = e.origin
            findings.append(
                make_finding(
                    "verify-row-conflict",
                    file=o.file,
                    sheet=o.sheet or None,
                    cell=o.cell,
                    item_id=e.item,
                    row=o.row,
                    office=e.office,
                    rows=where,
                )
            )
    return kept


def load_verification(
    rubric: Rubric,
    *,
    reviews: Sequence[Path] = (),
    data: Sequence[Path] = (),
    corrections: Sequence[Path] = (),
    limits: Limits | None = None,
) -> Verification:
    """Read every verification file. Office codes are checked later, against the offices
    scored (:meth:`Verification.check_offices`)."""
    result = Verification(reviewed=bool(reviews))
    entries: list[Entry] = []
    for layer, paths in (
        (Layer.REVIEW, reviews),
        (Layer.DATA, data),
        (Layer.CORRECTION, corrections),
    ):
        for path in paths:
            try:
                table = read_table_file(Path(path), limits)
            except TableReadError as exc:
                result.findings.append(make_finding(exc.code, file=str(path), detail=exc.detail))
                result.files.append(InputFile(layer, str(path), "", 0))
                continue
            reader = _FileReader(layer, table, rubric)
            reader.read()
            entries += reader.entries
            result.findings += reader.findings
            result.files.append(InputFile(layer, str(path), table.sha256, 0))
    result.entries = _drop_conflicts(entries, result.findings)
    result._count_rows()
    return result


def entries_by_item(entries: Iterable[Entry]) -> dict[str, dict[Layer, Entry]]:
    """item id -> layer -> entry."""
    out: dict[str, dict[Layer, Entry]] = defaultdict(dict)
    for e in entries:
        out[e.item][e.layer] = e
    return out
