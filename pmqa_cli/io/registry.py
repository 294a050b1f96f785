"""The registry of offices expected to submit: code, name, type, province, region.

A CSV (UTF-8, with or without BOM; Windows Thai cp874 also accepted) or an XLSX whose first
sheet has a header row, read by the one table reader (:mod:`.tables`): whole, or refused.
Codes are kept as text, never as numbers ("0101" stays "0101").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pmqa_cli.core.errors import PmqaError
from pmqa_cli.core.limits import InputKind, Limits
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.tables import TableReadError, read_table_file
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
_COLUMN_TH = {"code": "รหัสหน่วยงาน", "name": "ชื่อหน่วยงาน", "type": "ประเภท"}


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


def _rows(
    file: Path, limits: Limits | None
) -> tuple[list[tuple[int, list[str]]], list[tuple[str, str]]]:
    """The registry's first sheet as (row number, texts), header first, and the problems (in
    English and Thai) of rows that cannot be read (more or fewer fields than the header)."""
    try:
        table = read_table_file(file, InputKind.REGISTRY, limits)
    except TableReadError as exc:
        finding = exc.finding("verify-file-unreadable", str(file))
        why = exc.detail if not exc.code else finding.message_en
        why_th = exc.detail_th if not exc.code else finding.message_th
        raise PmqaError(
            f"The registry {file} cannot be read: {why}",
            th=f"อ่านทะเบียนหน่วยงาน {file} ไม่ได้: {why_th}",
        ) from None
    sheet = table.sheets[0] if table.sheets else None
    first = next(sheet.ordered_rows(), None) if sheet is not None else None
    if sheet is None or first is None:
        return [], []
    body = sheet.body(first[0], str(file), duplicates=False)
    problems = [(f.message_en, f.message_th) for f in body.findings]
    rows = []
    for number, cells in [first, *body.rows]:
        width = max(cells)
        rows.append(
            (number, [code_text(cells[c].value) if c in cells else "" for c in range(1, width + 1)])
        )
    return rows, problems


def load_registry(path: Path | str, limits: Limits | None = None) -> Registry:
    """Load a registry file, whole or not at all (its limits: :mod:`pmqa_cli.core.limits`); raises
    :class:`PmqaError` saying what to fix."""
    file = Path(path)
    rows, problems = _rows(file, limits)
    if not rows:
        raise PmqaError(
            f"The registry {file} is empty; it needs a header row and one office a row.",
            th=f"ทะเบียนหน่วยงาน {file} ว่างเปล่า ต้องมีแถวหัวตารางและหน่วยงานละหนึ่งแถว",
        )
    header = [header_key(h) for h in rows[0][1]]
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
            "code, name, type (and optionally province, region), in Thai or English.",
            th=f"ทะเบียนหน่วยงาน {file} ไม่มีคอลัมน์ {', '.join(_COLUMN_TH[k] for k in missing)} "
            "แถวหัวตารางต้องมี รหัสหน่วยงาน ชื่อหน่วยงาน ประเภท (และจังหวัด ภาค ถ้ามี) "
            "เป็นภาษาไทยหรืออังกฤษก็ได้",
        )
    offices: dict[str, Office] = {}
    for line, row in rows[1:]:

        def field(key: str, row: list[str] = row) -> str:
            index = where.get(key)
            return clean_text(row[index]) if index is not None and index < len(row) else ""

        code = field("code")
        if not code:
            problems.append((f"row {line}: no office code", f"แถว {line}: ไม่มีรหัสหน่วยงาน"))
            continue
        if code in offices:
            problems.append(
                (
                    f"row {line}: office code {code} appears twice",
                    f"แถว {line}: รหัสหน่วยงาน {code} ซ้ำ",
                )
            )
            continue
        office_type = parse_office_type(field("type"))
        if office_type is None:
            problems.append(
                (
                    f"row {line}: type '{field('type')}' is not primary or secondary",
                    f"แถว {line}: ประเภท '{field('type')}' ไม่ใช่ สพป. หรือ สพม.",
                )
            )
        offices[code] = Office(code, field("name"), office_type, field("province"), field("region"))
    if problems:
        more = "; ..." if len(problems) > 10 else ""
        listed = "; ".join(en for en, _ in problems[:10]) + more
        listed_th = "; ".join(th for _, th in problems[:10]) + more
        raise PmqaError(
            f"The registry {file} has {len(problems)} problem(s): {listed}.",
            th=f"ทะเบียนหน่วยงาน {file} มีปัญหา {len(problems):,} รายการ: {listed_th}",
        )
    return Registry(str(file), offices)
