"""Review, central-data and correction files: read, checked row by row, turned into entries.

Each file is read whole by the one table reader (:mod:`pmqa_cli.io.tables`), within its kind's
limits (:mod:`pmqa_cli.core.limits`), or refused with a finding. A row that is wrong in any way
(an unknown office or item, a verdict that is not one of the choices, a value the one value
parser (:mod:`pmqa_cli.io.values`) cannot take, a correction without a reason, a CSV row with
more or fewer fields than its header, two rows for one office and item that disagree, an
indicator that does not apply to the office's type) becomes a finding with the file, sheet, row
and cell, and nothing from that row is applied. docs/verification.md documents the formats.

This module finds each sheet's header and columns; :mod:`pmqa_cli.verify.rows` reads the rows
below it, by the file's kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pmqa_cli.assess.trace import InputFile, Layer
from pmqa_cli.core.findings import Finding, Severity, make_finding
from pmqa_cli.core.limits import InputKind, Limits, limits_for
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.tables import RawSheet, TableFile, TableReadError, read_table_file
from pmqa_cli.io.values import code_text
from pmqa_cli.rubric.model import Indicator, Rubric
from pmqa_cli.verify.columns import (
    CORRECTION_COLUMNS,
    LONG_DATA_COLUMNS,
    REQUIRED,
    REVIEW_COLUMNS,
)
from pmqa_cli.verify.entries import Entry, Verification, drop_conflicts
from pmqa_cli.verify.rows import (
    FileContext,
    TableRow,
    read_correction_row,
    read_data_row,
    read_review_row,
    read_wide_rows,
)

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

#: Each layer's long-table columns and the reader of one of its rows.
_WANTED = {
    Layer.REVIEW: REVIEW_COLUMNS,
    Layer.CORRECTION: CORRECTION_COLUMNS,
    Layer.DATA: LONG_DATA_COLUMNS,
}
_ROW_READERS = {
    Layer.REVIEW: read_review_row,
    Layer.CORRECTION: read_correction_row,
    Layer.DATA: read_data_row,
}


class _FileReader:
    """Reads one verification file into entries, with findings for every bad row: finds each
    sheet's header (a long table, or for central data a wide one with indicator ids as column
    headers) and hands the rows below it to the layer's row reader."""

    def __init__(self, layer: Layer, table: TableFile, rubric: Rubric) -> None:
        self.layer = layer
        self.context = FileContext(layer, table, rubric)
        self.office_columns: dict[str, tuple[RawSheet, int]] = {}  # sheet name -> its codes

    def refused(self) -> dict[str, int]:
        """Each office's rows (by its code) that were not applied for an error: a finding's
        cell names the row, whose office-code cell names the office. Rows for an office that
        is not known, or for an indicator that does not apply to it, take nothing from it."""
        counted: dict[str, int] = {}
        for f in self.findings:
            if f.severity is not Severity.ERROR or not f.cell or f.code in _NOT_THE_OFFICES:
                continue
            sheet, col = self.office_columns.get(f.sheet or "", (None, 0))
            digits = "".join(ch for ch in f.cell if ch.isdigit())
            if sheet is None or not digits:
                continue
            cell = sheet.rows.get(int(digits), {}).get(col)
            office = code_text(cell.value) if cell is not None else ""
            if office:
                counted[office] = counted.get(office, 0) + 1
        return counted

    @property
    def entries(self) -> list[Entry]:
        """The entries read so far."""
        return self.context.entries

    @property
    def findings(self) -> list[Finding]:
        """The findings so far."""
        return self.context.findings

    def read(self) -> None:
        """Read every sheet with a usable header; a finding when no sheet has one."""
        wanted = _WANTED[self.layer]
        used = False
        for sheet in self.context.table.sheets:
            if self.read_sheet(sheet, wanted):
                used = True
        if not used:
            needed = ", ".join(th for _, th in REQUIRED[self.layer])
            if self.layer is Layer.DATA:
                needed = "รหัสหน่วยงาน + รหัสรายการ + ค่า หรือ รหัสหน่วยงาน + รหัสตัวชี้วัดเป็นหัวคอลัมน์"
            self.findings.append(
                make_finding("verify-header-missing", file=self.context.file, headers=needed)
            )

    def read_sheet(self, sheet: RawSheet, wanted: dict[str, set[str]]) -> bool:
        """Read one sheet's rows below its header; False when it has no usable header."""
        ids = {header_key(i) for i in self.context.indicators}
        header = sheet.header(wanted | {"_ids": ids} if self.layer is Layer.DATA else wanted)
        if header is None:
            return False
        row0, cols, texts = header
        cols.pop("_ids", None)
        if "office" in cols:
            self.office_columns[sheet.name] = (sheet, cols["office"])
        if self.layer is Layer.DATA and not {"item", "value"} <= cols.keys():
            wide = self.wide_columns(texts)
            if "office" in cols and wide:
                read_wide_rows(self.context, sheet, row0, cols["office"], wide, cols.get("source"))
                return True
            return False
        if any(key not in cols for key, _ in REQUIRED[self.layer]):
            return False
        read_row = _ROW_READERS[self.layer]
        for number, cells in self.context.body(sheet, row0):
            read_row(self.context, TableRow(sheet, number, cells, cols))
        return True

    def wide_columns(self, texts: list[str]) -> dict[int, Indicator]:
        """The columns whose header is an indicator's id."""
        found: dict[int, Indicator] = {}
        for col, text in enumerate(texts, start=1):
            item = self.context.item_id(code_text(text)) if text else None
            if item in self.context.indicators:
                found[col] = self.context.indicators[item]
        return found


#: Errors about a row that leave no office's verified score open: the office is not known
#: (a mistyped code: every row for it is listed), or the indicator does not apply to it.
_NOT_THE_OFFICES = frozenset({"verify-office-unknown", "verify-not-applicable"})


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
    :func:`~pmqa_cli.core.limits.limits_for` (the table's defaults and the environment's
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
            for office, count in reader.refused().items():
                key = (office, str(path))
                result.refused[key] = result.refused.get(key, 0) + count
            result.files.append(InputFile(layer, str(path), table.sha256, 0))
    result.entries = drop_conflicts(entries, result.findings, result.refused)
    result._count_rows()
    return result
