"""Reading one office's submission workbook.

:func:`read_submission` finds the sheets by name, columns by header text and rows by item id,
normalises what people type, and returns the office's answers with the cell each value came
from and every finding about the cells. Nothing here raises for a bad file: an unreadable
workbook is a submission whose findings say why. Each sheet has its reader: the office sheets
(:class:`_OfficeSheets`), the criteria (:class:`_PmqaSheet`) and the indicators
(:class:`_IndicatorSheet`), all on the cell mechanics of :class:`~.sheets.SheetReader`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.answers import IndicatorAnswer, target_key
from pmqa_cli.assess.provisional_check import (
    SUMMARY_ROWS,
    read_provisional,
)
from pmqa_cli.assess.sheets import (
    SheetReader,
    cell_ref,
    display,
    wanted_columns,
)
from pmqa_cli.assess.submission import OfficeInfo, Submission
from pmqa_cli.assess.validate import (
    read_answer,
    read_number,
    read_target,
    value_for_other_type,
)
from pmqa_cli.core.findings import Finding
from pmqa_cli.core.hashing import sha256_file
from pmqa_cli.io.layout import (
    OFFICE_COLUMNS,
    OFFICE_FIELDS,
    PMQA_COLUMNS,
    SHEET_INDICATORS,
    SHEET_META,
    SHEET_OFFICE,
    SHEET_PMQA,
    SHEET_SCORE,
    header_key,
    indicator_columns,
)
from pmqa_cli.io.registry import Registry
from pmqa_cli.io.values import (
    code_text,
    is_blank,
    parse_date,
    parse_flag,
    parse_office_type,
)
from pmqa_cli.io.xlsx import (
    Cell,
    Limits,
    Sheet,
    WorkbookReadError,
    column_letter,
    open_workbook,
)
from pmqa_cli.rubric.model import Indicator, Method, Rubric

__all__ = ["read_submission"]


class _OfficeSheets(SheetReader):
    """The workbook's rubric (its meta sheet) and the office's details."""

    def read_meta(self, sheet: Sheet | None) -> None:
        if sheet is None:
            self.finding("rubric-unknown", sheet=SHEET_META)
            return
        meta = {}
        for _, cells in sheet.ordered_rows():
            key, value = cells.get(1), cells.get(2)
            if key is not None and value is not None:
                meta[code_text(key.value)] = code_text(value.value)
        sub = self.sub
        sub.rubric_id = meta.get("rubric_id")
        sub.rubric_version = meta.get("rubric_version")
        sub.rubric_sha256 = meta.get("rubric_sha256")
        if not sub.rubric_id:
            self.finding("rubric-unknown", sheet=SHEET_META)
        elif sub.rubric_id != self.rubric.id:
            self.finding(
                "rubric-mismatch", sheet=SHEET_META, found=sub.rubric_id, expected=self.rubric.id
            )
        elif sub.rubric_version != self.rubric.version or (
            sub.rubric_sha256 and sub.rubric_sha256 != self.rubric.sha256
        ):
            found = sub.rubric_version or "?"
            if sub.rubric_version == self.rubric.version:
                found += " (edited)"
            self.finding(
                "rubric-version-mismatch",
                sheet=SHEET_META,
                found=found,
                expected=self.rubric.version,
            )

    def read_office(self, sheet: Sheet | None) -> None:
        if sheet is None:
            self.finding("sheet-missing", sheet=SHEET_OFFICE)
            return
        header = self.header(sheet, OFFICE_COLUMNS)
        if header is None:
            return
        cols = header[1]
        labels = {f.key: f for f in OFFICE_FIELDS}
        label_names = {header_key(f.label_th): f.key for f in OFFICE_FIELDS}
        cells: dict[str, Cell | None] = {}
        rows_of: dict[str, int] = {}
        for row_number, row in sheet.ordered_rows():
            if row_number <= header[0]:
                continue
            key_cell = row.get(cols["key"])
            key = code_text(key_cell.value) if key_cell else ""
            if key not in labels and "label" in cols:
                label_cell = row.get(cols["label"])
                key = label_names.get(header_key(label_cell.value if label_cell else ""), key)
            if key in labels and key not in cells:
                cells[key] = row.get(cols["value"])
                rows_of[key] = row_number
        value_col = cols["value"]

        def where(key: str) -> str | None:
            return f"{column_letter(value_col)}{rows_of[key]}" if key in rows_of else None

        values: dict[str, str] = {}
        for key in labels:
            cell = cells.get(key)
            if key == "submitted_on" or not self.check_cell(SHEET_OFFICE, cell, None):
                continue
            text = "" if cell is None or is_blank(cell.value) else code_text(cell.value)
            values[key] = text
            if cell is not None and text:
                self.record(SHEET_OFFICE, cell, key, key, text)
        office_type = parse_office_type(values.get("office_type", ""))
        if not values.get("office_code"):
            self.finding("office-code-missing", sheet=SHEET_OFFICE, cell=where("office_code"))
        if not values.get("office_type"):
            self.finding("office-type-missing", sheet=SHEET_OFFICE, cell=where("office_type"))
        elif office_type is None:
            self.finding(
                "office-type-unknown",
                sheet=SHEET_OFFICE,
                cell=where("office_type"),
                value=values["office_type"],
            )
        submitted: date | None = None
        date_cell = cells.get("submitted_on")
        if date_cell is not None and self.check_cell(SHEET_OFFICE, date_cell, None):
            parsed = parse_date(date_cell.value)
            if parsed.problem:
                self.finding(
                    "date-invalid",
                    sheet=SHEET_OFFICE,
                    cell=date_cell.ref,
                    value=display(date_cell),
                )
            elif isinstance(parsed.value, date):
                submitted = parsed.value
                self.record(SHEET_OFFICE, date_cell, "submitted_on", "submitted_on", submitted)
        self.sub.office = OfficeInfo(
            code=values.get("office_code", ""),
            name=values.get("office_name", ""),
            type=office_type,
            province=values.get("province", ""),
            contact_name=values.get("contact_name", ""),
            contact_phone=values.get("contact_phone", ""),
            contact_email=values.get("contact_email", ""),
            submitted_on=submitted,
        )
        self.office_cells = {key: where(key) for key in ("office_code", "office_type")}

    def apply_registry(self, registry: Registry | None) -> None:
        office = self.sub.office
        if registry is None or not office.code:
            return
        cells = self.office_cells
        entry = registry.get(office.code)
        if entry is None:
            self.finding(
                "office-code-unknown",
                sheet=SHEET_OFFICE,
                cell=cells.get("office_code"),
                value=office.code,
            )
            return
        office_type = office.type
        if entry.type is not None and office.type is not None and entry.type != office.type:
            self.finding(
                "office-type-mismatch",
                sheet=SHEET_OFFICE,
                cell=cells.get("office_type"),
                value=office.type.abbrev_th,
                expected=entry.type.abbrev_th,
            )
        if entry.type is not None:
            office_type = entry.type
        self.sub.office = OfficeInfo(
            code=office.code,
            name=office.name or entry.name,
            type=office_type,
            province=office.province or entry.province,
            region=entry.region,
            contact_name=office.contact_name,
            contact_phone=office.contact_phone,
            contact_email=office.contact_email,
            submitted_on=office.submitted_on,
        )


class _AnswerCells(SheetReader):
    """What the criteria and indicator sheets share: findings from validation placed in this
    file, and met / not-met cells."""

    def found(self, findings: list[Finding]) -> None:
        """Findings from :mod:`pmqa_cli.assess.validate`, placed in this file."""
        self.sub.findings.extend(f.at(file=self.file) for f in findings)

    def yes_no(self, sheet: str, cell: Cell, ref: str, item_id: str) -> bool | None:
        """A met / not-met cell (validate.read_answer); an item with a finding is not
        reported again as missing."""
        met, findings = read_answer(
            cell.value, display(cell), sheet=sheet, cell=ref, item_id=item_id
        )
        if findings:
            self.found(findings)
            if met is None:
                self.bad_cells.add(item_id)
        return met


class _PmqaSheet(_AnswerCells):
    """The criteria of categories 1-6: met or not, and their evidence."""

    def read_pmqa(self, sheet: Sheet | None) -> None:
        known = [c.id for _, _, c in self.rubric.criteria()]
        if sheet is None:
            # One finding for the sheet, not one "missing answer" per criterion.
            self.finding("sheet-missing", sheet=SHEET_PMQA)
            self.bad_cells.update(known)
            return
        located = self.item_rows(sheet, PMQA_COLUMNS, known)
        if located is None:
            self.bad_cells.update(known)
            return
        cols, rows = located
        for item_id, cells in rows.items():
            cell = cells.get(cols["answer"])
            ref = cell.ref if cell else cell_ref(cols["answer"], cells)
            self.sub.locations[item_id] = (SHEET_PMQA, ref)
            met: bool | None = None
            if self.check_cell(SHEET_PMQA, cell, item_id) and cell is not None:
                met = self.yes_no(SHEET_PMQA, cell, ref, item_id)
                self.record(SHEET_PMQA, cell, item_id, "answer", met)
            self.sub.criteria[item_id] = met
            evidence = self.text(
                SHEET_PMQA, cells.get(cols.get("evidence", -1)), item_id, "evidence"
            )
            self.text(SHEET_PMQA, cells.get(cols.get("note", -1)), item_id, "note")
            if evidence:
                self.sub.evidence[item_id] = evidence
            elif met and "evidence" in cols:
                # A criterion claimed as met should say what shows it.
                evidence_ref = cell_ref(cols["evidence"], cells)
                self.finding(
                    "evidence-missing", sheet=SHEET_PMQA, cell=evidence_ref, item_id=item_id
                )


class _IndicatorSheet(_AnswerCells):
    """The category 7 indicators: values, N/A, the office's own targets, evidence."""

    def read_indicators(self, sheet: Sheet | None) -> None:
        known = [i.id for i in self.rubric.indicators]
        if sheet is None:
            self.finding("sheet-missing", sheet=SHEET_INDICATORS)
            self.bad_cells.update(known)
            return
        # A row for an indicator that does not apply to this office's type may be left out.
        office_type = self.sub.office.type
        required = {i.id for i in self.rubric.indicators if i.applies(office_type)}
        columns = indicator_columns(self.rubric.has_workbook_targets)
        located = self.item_rows(sheet, columns, known, required)
        if located is None:
            self.bad_cells.update(known)
            return
        cols, rows = located
        for indicator in self.rubric.indicators:
            cells = rows.get(indicator.id)
            if cells is None:
                continue
            self.read_indicator(indicator, cols, cells)

    def read_indicator(
        self, indicator: Indicator, cols: dict[str, int], cells: dict[int, Cell]
    ) -> None:
        item_id = indicator.id
        cell = cells.get(cols["value"])
        ref = cell.ref if cell else cell_ref(cols["value"], cells)
        self.sub.locations[item_id] = (SHEET_INDICATORS, ref)
        value: Decimal | None = None
        na = False
        applies = indicator.applies(self.sub.office.type)
        if not applies:
            # Not scored for this office's type. "—" marks the cell the template locked; a value
            # typed anyway is a warning, as it may reveal a wrong office type (never an error).
            if cell is not None and not is_blank(cell.value) and display(cell).strip() != "—":
                office = self.sub.office.type
                self.found(
                    [value_for_other_type(indicator, office, sheet=SHEET_INDICATORS, cell=ref)]
                )
                self.record(SHEET_INDICATORS, cell, item_id, "value", None)
        elif cell is not None and self.check_cell(SHEET_INDICATORS, cell, item_id):
            if indicator.method is Method.PASS_FAIL:
                passed = self.yes_no(SHEET_INDICATORS, cell, ref, item_id)
                value = None if passed is None else Decimal(int(passed))
            else:
                value, na = self.number(indicator, cell, ref)
            self.record(SHEET_INDICATORS, cell, item_id, "value", value)
        na_cell = cells.get(cols.get("na", -1))
        if (
            na_cell is not None
            and display(na_cell).strip() not in ("—", "")
            and self.check_cell(SHEET_INDICATORS, na_cell, None)
        ):
            ticked = parse_flag(na_cell.value)
            na = na or ticked
            self.record(SHEET_INDICATORS, na_cell, item_id, "not_applicable", ticked)
        target = None
        if indicator.target_from_workbook and applies and "target" in cols:
            target = self.target(indicator, cols["target"], cells)
        self.sub.indicators[item_id] = IndicatorAnswer(value, na, target)
        evidence = self.text(
            SHEET_INDICATORS, cells.get(cols.get("evidence", -1)), item_id, "evidence"
        )
        self.text(SHEET_INDICATORS, cells.get(cols.get("note", -1)), item_id, "note")
        if evidence:
            self.sub.evidence[item_id] = evidence
        elif indicator.evidence_required and value is not None and applies and "evidence" in cols:
            self.finding(
                "evidence-missing",
                sheet=SHEET_INDICATORS,
                cell=cell_ref(cols["evidence"], cells),
                item_id=item_id,
            )

    def target(self, indicator: Indicator, col: int, cells: dict[int, Cell]) -> Decimal | None:
        """The office's own target of a target-ratio indicator (validate.read_target)."""
        key = target_key(indicator.id)
        cell = cells.get(col)
        ref = cell.ref if cell else cell_ref(col, cells)
        self.sub.locations[key] = (SHEET_INDICATORS, ref)
        if cell is None or not self.check_cell(SHEET_INDICATORS, cell, key):
            return None
        value, findings = read_target(
            indicator,
            cell.value,
            display(cell),
            percent_cell=cell.percent,
            sheet=SHEET_INDICATORS,
            cell=ref,
        )
        if findings:
            self.found(findings)
            self.bad_cells.add(key)
            return None
        self.record(SHEET_INDICATORS, cell, indicator.id, "target", value)
        return value

    def number(self, indicator: Indicator, cell: Cell, ref: str) -> tuple[Decimal | None, bool]:
        """An indicator's result cell (validate.read_number)."""
        value, na, findings = read_number(
            indicator,
            cell.value,
            display(cell),
            percent_cell=cell.percent,
            sheet=SHEET_INDICATORS,
            cell=ref,
        )
        self.found(findings)
        if value is None and findings:
            self.bad_cells.add(indicator.id)
        return value, na


class _Reader(_OfficeSheets, _PmqaSheet, _IndicatorSheet):
    """Every sheet of one submission."""


def read_submission(
    path: Path | str,
    rubric: Rubric,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> Submission:
    """Read one submission; never raises for anything wrong with the file itself."""
    file = Path(path)
    reader = _Reader(file, rubric, limits or Limits())
    try:
        with open_workbook(file, reader.limits) as book:
            reader.sub.sha256 = sha256_file(file)
            if file.suffix.lower() == ".xlsm" or book.macro:
                reader.finding("file-macro")
            reader.read_meta(book.sheet(SHEET_META))
            reader.read_office(book.sheet(SHEET_OFFICE))
            reader.apply_registry(registry)
            # Indicator applicability depends on the office type, so it is read after.
            reader.read_pmqa(book.sheet(SHEET_PMQA, wanted_columns(PMQA_COLUMNS)))
            if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
                columns = indicator_columns(rubric.has_workbook_targets)
                reader.read_indicators(book.sheet(SHEET_INDICATORS, wanted_columns(columns)))
            score_sheet = book.sheet(SHEET_SCORE, _key_and_value, last_row=SUMMARY_ROWS)
            reader.sub.provisional = read_provisional(score_sheet)
            reader.sub.readable = True
    except WorkbookReadError as exc:
        params = {"detail": exc.detail, "path": str(file), **exc.params}
        reader.finding(exc.code, **params)
        reader.sub.readable = False
    return reader.sub


def _key_and_value(_: dict[int, Cell]) -> set[int]:
    """Of the provisional score sheet only its keys and values are read (columns A and C)."""
    return {1, 3}
