"""Reading one office's submission workbook.

:func:`read_submission` finds the sheets by name, columns by header text and rows by item id,
normalises what people type, and returns the office's answers with the cell each value came
from and every finding about the cells. :mod:`.office` validates and scores them. Nothing here
raises for a bad file: an unreadable workbook is a submission whose findings say why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from pmqa_cli.assess.answers import Answers, IndicatorAnswer, target_key
from pmqa_cli.assess.provisional_check import (
    SUMMARY_ROWS,
    ProvisionalValue,
    read_provisional,
)
from pmqa_cli.assess.validate import (
    read_answer,
    read_number,
    read_target,
    value_for_other_type,
)
from pmqa_cli.core.findings import Finding, make_finding
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
    Column,
    header_key,
    indicator_columns,
)
from pmqa_cli.io.registry import Registry
from pmqa_cli.io.values import (
    clean_text,
    code_text,
    is_blank,
    parse_date,
    parse_flag,
    parse_office_type,
    plain,
)
from pmqa_cli.io.xlsx import (
    HEADER_SEARCH_ROWS,
    Cell,
    Limits,
    Sheet,
    WorkbookReadError,
    column_letter,
    open_workbook,
)
from pmqa_cli.rubric.model import Indicator, Method, OfficeType, Rubric

__all__ = [
    "OfficeInfo",
    "Submission",
    "ValueRead",
    "read_submission",
]


@dataclass(frozen=True)
class OfficeInfo:
    """The office a submission is for, as read (and corrected by the registry, if given)."""

    code: str = ""
    name: str = ""
    type: OfficeType | None = None
    province: str = ""
    region: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    submitted_on: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type.value if self.type else None,
            "type_th": self.type.abbrev_th if self.type else None,
            "province": self.province,
            "region": self.region,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "contact_email": self.contact_email,
            "submitted_on": self.submitted_on.isoformat() if self.submitted_on else None,
        }


class ValueRead(NamedTuple):
    """One value read from a submission, with its provenance (for audit trails).

    A NamedTuple: a batch moves hundreds of thousands of these between processes.
    """

    sheet: str
    cell: str
    item_id: str
    field: str
    raw: str
    value: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        value = self.value
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = float(value)
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "item_id": self.item_id,
            "field": self.field,
            "raw": self.raw,
            "value": value,
        }


@dataclass
class Submission:
    """What was read from one workbook."""

    path: Path
    sha256: str = ""
    readable: bool = False
    office: OfficeInfo = field(default_factory=OfficeInfo)
    rubric_id: str | None = None
    rubric_version: str | None = None
    rubric_sha256: str | None = None
    criteria: dict[str, bool | None] = field(default_factory=dict)
    indicators: dict[str, IndicatorAnswer] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    values: list[ValueRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: Items whose cell already has a finding (not a number, no row...): not reported twice.
    bad_items: set[str] = field(default_factory=set)
    #: The headline values the template's own formulas cached (compared, never used).
    provisional: list[ProvisionalValue] = field(default_factory=list)

    def answers(self) -> Answers:
        """The answers in the scoring engine's terms."""
        return Answers(self.office.type, dict(self.criteria), dict(self.indicators))

    def where(self, item_id: str) -> tuple[str | None, str | None]:
        """The sheet and cell an item's answer was read from (a Location for findings)."""
        sheet, cell = self.locations.get(item_id, (None, None))
        return sheet, cell


# --- locating things ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """What a header row says: the column of each known header, and what is not clear."""

    row: int
    columns: dict[str, int]  # column key -> the one column with that header
    ambiguous: dict[str, list[int]]  # column key -> every column with that header (2 or more)
    unknown: list[int]  # columns whose header is no known column's


def _match_header(row: int, cells: dict[int, Cell], columns: tuple[Column, ...]) -> _Header | None:
    """The header if this row is the header row (it names every required column)."""
    matches: dict[str, list[int]] = {}
    unknown: list[int] = []
    for col in sorted(cells):
        key = header_key(cells[col].value)
        if not key:
            continue
        column = next((c for c in columns if key in c.names()), None)
        if column is None:
            unknown.append(col)
        else:
            matches.setdefault(column.key, []).append(col)
    if not all(c.key in matches for c in columns if c.required):
        return None
    return _Header(
        row,
        {key: cols[0] for key, cols in matches.items() if len(cols) == 1},
        {key: cols for key, cols in matches.items() if len(cols) > 1},
        unknown,
    )


def _wanted(columns: tuple[Column, ...]) -> Callable[[dict[int, Cell]], set[int] | None]:
    """For the reader: once the header row is seen, keep only the columns pmqa reads (never an
    ambiguous one)."""
    read = {c.key for c in columns if c.read}

    def check(cells: dict[int, Cell]) -> set[int] | None:
        found = _match_header(0, cells, columns)
        return None if found is None else {c for k, c in found.columns.items() if k in read}

    return check


def _find_header(sheet: Sheet, columns: tuple[Column, ...]) -> _Header | None:
    """The header row and column index of each known column, searching the top rows."""
    for row_number, cells in sheet.ordered_rows():
        if row_number > HEADER_SEARCH_ROWS:
            break
        found = _match_header(row_number, cells, columns)
        if found is not None:
            return found
    return None


def _best_header_guess(sheet: Sheet, columns: tuple[Column, ...]) -> set[str]:
    """The column keys of the top row that matches the most headers (to name what is missing)."""
    best: set[str] = set()
    for row_number, cells in sheet.ordered_rows():
        if row_number > HEADER_SEARCH_ROWS:
            break
        keys = {header_key(c.value) for c in cells.values()}
        found = {column.key for column in columns if keys & column.names()}
        if len(found) > len(best):
            best = found
    return best


def _display(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    if isinstance(cell.value, datetime):
        return cell.value.isoformat(sep=" ")
    if isinstance(cell.value, Decimal):
        return plain(cell.value)
    return str(cell.value)


class _Reader:
    """Reads one workbook into a Submission, collecting findings as it goes."""

    def __init__(self, path: Path, rubric: Rubric, limits: Limits) -> None:
        self.path = path
        self.file = str(path)
        self.rubric = rubric
        self.limits = limits
        self.sub = Submission(path)
        self.bad_cells = self.sub.bad_items
        self.office_cells: dict[str, str | None] = {}

    def finding(self, code: str, **kwargs: Any) -> None:
        self.sub.findings.append(make_finding(code, file=self.file, **kwargs))

    def check_cell(self, sheet: str, cell: Cell | None, item_id: str | None) -> bool:
        """Findings for a cell's own state; False when its value cannot be used."""
        if cell is None:
            return True
        if cell.truncated_from:
            self.finding(
                "text-too-long",
                sheet=sheet,
                cell=cell.ref,
                item_id=item_id,
                length=cell.truncated_from,
                limit=self.limits.max_text_length,
            )
        if cell.kind == "f":
            self.finding("formula-no-value", sheet=sheet, cell=cell.ref, item_id=item_id)
        elif cell.kind == "e":
            self.finding(
                "cell-error", sheet=sheet, cell=cell.ref, item_id=item_id, value=cell.value
            )
        else:
            return True
        if item_id:
            self.bad_cells.add(item_id)
        return False

    def header(
        self, sheet: Sheet, columns: tuple[Column, ...]
    ) -> tuple[int, dict[str, int]] | None:
        """The header row and the column of each known header. Findings: header-missing when
        there is no header row, header-ambiguous for a header two or more columns share (none
        of them is read; None when it is a required column), header-unknown for the others."""
        header = _find_header(sheet, columns)
        if header is None:
            best = _best_header_guess(sheet, columns)
            for column in columns:
                if column.required and column.key not in best:
                    self.finding(
                        "header-missing",
                        sheet=sheet.name,
                        header=column.header.splitlines()[0],
                    )
            return None
        for column in columns:
            shared = header.ambiguous.get(column.key)
            if shared:
                self.finding(
                    "header-ambiguous",
                    sheet=sheet.name,
                    cell=f"{column_letter(shared[0])}{header.row}",
                    header=column.header.splitlines()[0],
                    columns=", ".join(column_letter(c) for c in shared),
                )
        for col in header.unknown:
            cell = sheet.cell(header.row, col)
            self.finding(
                "header-unknown",
                sheet=sheet.name,
                cell=f"{column_letter(col)}{header.row}",
                column=column_letter(col),
                header=_display(cell).splitlines()[0] if cell else "",
            )
        if sheet.over_limit:
            self.finding(
                "sheet-too-large",
                sheet=sheet.name,
                limit=f"{self.limits.max_rows:,}/{self.limits.max_columns:,}",
            )
        if any(c.required and c.key in header.ambiguous for c in columns):
            return None  # the ids or the answers cannot be told apart: nothing is read
        return header.row, header.columns

    def item_rows(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        known: Iterable[str],
        required: set[str] | None = None,
    ) -> tuple[dict[str, int], dict[str, dict[int, Cell]]] | None:
        """Column map and the row of cells for each known item id found in the sheet.

        A known item with no row is an error when it is ``required`` (default: all of them).
        """
        header = self.header(sheet, columns)
        if header is None:
            return None
        header_row, cols = header
        known_ids = set(known)
        rows: dict[str, dict[int, Cell]] = {}
        first_seen: dict[str, str] = {}
        for row_number, cells in sheet.ordered_rows():
            if row_number <= header_row:
                continue
            id_cell = cells.get(cols["id"])
            item_id = code_text(id_cell.value) if id_cell else ""
            if not item_id or id_cell is None:
                continue
            if item_id in rows:
                self.finding(
                    "item-duplicate",
                    sheet=sheet.name,
                    cell=id_cell.ref,
                    item_id=item_id,
                    first=first_seen[item_id],
                )
                continue
            if item_id not in known_ids:
                self.finding("item-unknown", sheet=sheet.name, cell=id_cell.ref, item_id=item_id)
                continue
            rows[item_id] = cells
            first_seen[item_id] = id_cell.ref
        for item_id in known:
            if item_id not in rows and (required is None or item_id in required):
                self.finding("item-missing", sheet=sheet.name, item_id=item_id)
                self.bad_cells.add(item_id)
        return cols, rows

    def record(self, sheet: str, cell: Cell | None, item_id: str, name: str, value: Any) -> None:
        if cell is not None:
            self.sub.values.append(ValueRead(sheet, cell.ref, item_id, name, _display(cell), value))

    def text(self, sheet: str, cell: Cell | None, item_id: str, name: str) -> str:
        """A free-text cell (evidence, note): "-" and ไม่มี mean nothing."""
        if cell is None or not self.check_cell(sheet, cell, None) or is_blank(cell.value):
            return ""
        value = clean_text(_display(cell))
        self.record(sheet, cell, item_id, name, value)
        return value

    # --- sheets ----------------------------------------------------------------------------

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
                    value=_display(date_cell),
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
            ref = cell.ref if cell else _ref(cols["answer"], cells)
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
                evidence_ref = _ref(cols["evidence"], cells)
                self.finding(
                    "evidence-missing", sheet=SHEET_PMQA, cell=evidence_ref, item_id=item_id
                )

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
        ref = cell.ref if cell else _ref(cols["value"], cells)
        self.sub.locations[item_id] = (SHEET_INDICATORS, ref)
        value: Decimal | None = None
        na = False
        applies = indicator.applies(self.sub.office.type)
        if not applies:
            # Not scored for this office's type. "—" marks the cell the template locked; a value
            # typed anyway is a warning, as it may reveal a wrong office type (never an error).
            if cell is not None and not is_blank(cell.value) and _display(cell).strip() != "—":
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
            and _display(na_cell).strip() not in ("—", "")
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
                cell=_ref(cols["evidence"], cells),
                item_id=item_id,
            )

    def target(self, indicator: Indicator, col: int, cells: dict[int, Cell]) -> Decimal | None:
        """The office's own target of a target-ratio indicator (validate.read_target)."""
        key = target_key(indicator.id)
        cell = cells.get(col)
        ref = cell.ref if cell else _ref(col, cells)
        self.sub.locations[key] = (SHEET_INDICATORS, ref)
        if cell is None or not self.check_cell(SHEET_INDICATORS, cell, key):
            return None
        value, findings = read_target(
            indicator,
            cell.value,
            _display(cell),
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

    def found(self, findings: list[Finding]) -> None:
        """Findings from :mod:`pmqa_cli.assess.validate`, placed in this file."""
        self.sub.findings.extend(f.at(file=self.file) for f in findings)

    def yes_no(self, sheet: str, cell: Cell, ref: str, item_id: str) -> bool | None:
        """A met / not-met cell (validate.read_answer); an item with a finding is not
        reported again as missing."""
        met, findings = read_answer(
            cell.value, _display(cell), sheet=sheet, cell=ref, item_id=item_id
        )
        if findings:
            self.found(findings)
            if met is None:
                self.bad_cells.add(item_id)
        return met

    def number(self, indicator: Indicator, cell: Cell, ref: str) -> tuple[Decimal | None, bool]:
        """An indicator's result cell (validate.read_number)."""
        value, na, findings = read_number(
            indicator,
            cell.value,
            _display(cell),
            percent_cell=cell.percent,
            sheet=SHEET_INDICATORS,
            cell=ref,
        )
        self.found(findings)
        if value is None and findings:
            self.bad_cells.add(indicator.id)
        return value, na

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


def _ref(col: int, cells: dict[int, Cell]) -> str:
    row = next(iter(cells.values())).row
    return f"{column_letter(col)}{row}"


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
            reader.read_pmqa(book.sheet(SHEET_PMQA, _wanted(PMQA_COLUMNS)))
            if rubric.indicators:  # a rubric of categories 1-6 only has no indicator sheet
                columns = indicator_columns(rubric.has_workbook_targets)
                reader.read_indicators(book.sheet(SHEET_INDICATORS, _wanted(columns)))
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
