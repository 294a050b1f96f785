"""The registry of offices expected to submit: code, name, type, province, region.

A CSV (UTF-8, with or without BOM; Windows Thai cp874 also accepted) or an XLSX whose first
sheet has a header row. Codes are kept as text, never as numbers ("0101" stays "0101").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmqa_cli.core.errors import PmqaError
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.values import clean_text, code_text, parse_office_type
from pmqa_cli.rubric.model import OfficeType

__all__ = ["Office", "Registry", "load_registry", "sample_registry_path"]

_COLUMNS = {
    "code": {"code", "office_code", "รหัส", "รหัสหน่วยงาน"},
    "name": {"name", "office_name", "ชื่อ", "ชื่อหน่วยงาน"},
    "type": {"type", "office_type", "ประเภท", "ประเภทหน่วยงาน"},
    "province": {"province", "จังหวัด"},
    "region": {"region", "ภาค", "ภูมิภาค"},
}


@dataclass(frozen=True)
class Office:
    """One area office."""

    code: str
    name: str
    type: OfficeType | None
    province: str = ""
    region: str = ""


@dataclass(frozen=True)
class Registry:
    """Offices by code, in the registry's order."""

    source: str
    offices: dict[str, Office]

    def get(self, code: str) -> Office | None:
        """The office with this code, if registered."""
        return self.offices.get(code)

    def __iter__(self) -> Iterator[Office]:
        return iter(self.offices.values())

    def __len__(self) -> int:
        return len(self.offices)


def sample_registry_path() -> Path:
    """The shipped sample registry (synthetic codes; real province names)."""
    return Path(__file__).resolve().parent.parent / "data" / "offices-sample.csv"


def _rows_from_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp874"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp874 decodes nearly anything
        raise PmqaError("the registry is not UTF-8 or Thai Windows (cp874) text")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _rows_from_xlsx(path: Path) -> list[list[str]]:
    from pmqa_cli.io.xlsx import WorkbookReadError, open_workbook

    try:
        with open_workbook(path) as book:
            names = book.sheet_names
            sheet = book.sheet(names[0]) if names else None
    except WorkbookReadError as exc:
        raise PmqaError(f"The registry {path} cannot be read ({exc.code}).") from None
    if sheet is None:
        return []
    rows = []
    for _, cells in sheet.ordered_rows():
        width = max(cells)
        rows.append([code_text(cells[c].value) if c in cells else "" for c in range(1, width + 1)])
    return rows


def load_registry(path: Path | str) -> Registry:
    """Load a registry file; raises :class:`PmqaError` saying what to fix."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise PmqaError(f"Cannot read the registry {file}: {exc.strerror or exc}.") from None
    rows = _rows_from_xlsx(file) if data[:4] == b"PK\x03\x04" else _rows_from_csv(data)
    if not rows:
        raise PmqaError(
            f"The registry {file} is empty; it needs a header row and one office a row."
        )
    header = [header_key(h) for h in rows[0]]
    where: dict[str, int] = {}
    for key, names in _COLUMNS.items():
        for index, name in enumerate(header):
            if name in names:
                where[key] = index
                break
    missing = [k for k in ("code", "name", "type") if k not in where]
    if missing:
        raise PmqaError(
            f"The registry {file} has no column for {', '.join(missing)}. Its header row needs "
            "code, name, type (and optionally province, region), in Thai or English."
        )
    offices: dict[str, Office] = {}
    problems: list[str] = []
    for line, row in enumerate(rows[1:], start=2):

        def field(key: str, row: list[str] = row) -> str:
            index = where.get(key)
            return clean_text(row[index]) if index is not None and index < len(row) else ""

        code = field("code")
        if not code:
            problems.append(f"row {line}: no office code")
            continue
        if code in offices:
            problems.append(f"row {line}: office code {code} appears twice")
            continue
        office_type = parse_office_type(field("type"))
        if office_type is None:
            problems.append(f"row {line}: type '{field('type')}' is not สพป. or สพม.")
        offices[code] = Office(code, field("name"), office_type, field("province"), field("region"))
    if problems:
        listed = "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else "")
        raise PmqaError(f"The registry {file} has {len(problems)} problem(s): {listed}.")
    return Registry(str(file), offices)
