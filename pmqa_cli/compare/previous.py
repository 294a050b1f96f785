"""Read a result to compare with: a results JSON written by pmqa, or a plain CSV/XLSX table.

Last year was not scored with pmqa, so a table exported from last year's records works too: a
header row with an office-code column (รหัส, code) and the overall score (คะแนนรวม, overall);
optionally the two part scores (คะแนนหมวด 1-6 / pmqa, คะแนนหมวด 7 / results), the office's
name and type, a label (ปีงบประมาณ, รอบ, label) and item columns headed by an item id of the
rubric (or one of its ``previous_ids``). Headers may be Thai or English.

Nothing here raises for a bad file: every problem becomes a finding with its row and column
(or JSON path), the bad value is left out, and the rest is used. The file itself is read whole
or refused (:mod:`pmqa_cli.core.limits`: its size, a table's rows, a JSON document's nesting);
tables are read by the one table reader (:mod:`pmqa_cli.io.tables`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pmqa_cli.compare.snapshot import OfficeScore, Snapshot, dec, with_ranks
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.limits import (
    InputKind,
    InputRefusedError,
    Limits,
    limits_for,
    over_limit,
    read_input,
)
from pmqa_cli.io.cells import Cell, column_letter
from pmqa_cli.io.layout import header_key
from pmqa_cli.io.tables import RawSheet, TableReadError, parse_table
from pmqa_cli.io.values import (
    clean_text,
    code_text,
    number_problem,
    parse_number,
    parse_office_type,
)
from pmqa_cli.rubric.model import OfficeType, Rubric

__all__ = ["TABLE_COLUMNS", "load_result"]

#: The columns a plain table may have: key -> header names accepted (normalised by header_key).
TABLE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "code": ("รหัส", "รหัสหน่วยงาน", "รหัสสำนักงาน", "code", "office code", "office_code"),
    "overall": ("คะแนนรวม", "คะแนนรวมทั้งหมด", "overall", "overall score", "total", "score"),
    "pmqa": ("คะแนนหมวด 1-6", "หมวด 1-6", "pmqa", "pmqa score", "categories 1-6"),
    "results": ("คะแนนหมวด 7", "หมวด 7", "results", "results score", "category 7"),
    "name": ("ชื่อหน่วยงาน", "ชื่อ", "หน่วยงาน", "name", "office name", "office_name"),
    "type": ("ประเภท", "ประเภทหน่วยงาน", "type", "office type", "office_type"),
    "province": ("จังหวัด", "province"),
    "region": ("ภาค", "ภูมิภาค", "region"),
    "year": ("ปีงบประมาณ", "ปี", "fiscal year", "fiscal_year", "year"),
    "round": ("รอบ", "รอบการประเมิน", "round"),
    "label": ("label", "ชื่อรอบ", "ป้ายชื่อ"),
}
#: Headers pmqa's own tables carry that a comparison does not need (never warned about).
_IGNORED = (
    "อันดับ", "อันดับในประเภท", "rank", "rank in type", "สถานะ pmqa 4.0", "ระดับผลการประเมิน",
    "band", "status", "ข้อผิดพลาด", "คำเตือน", "ไฟล์", "file", "errors", "warnings", "ลำดับ",
    "ลำดับที่", "no", "no.", "หมายเหตุ", "note",
    # the rest of pmqa's own summary table (results.xlsx สรุปผล, batch --csv summary)
    "สถานะผล", "เหตุผล", "คะแนนรวมที่ประเมินตนเอง", "ผลต่าง (ตรวจสอบ - ตนเอง)",
)  # fmt: skip
_SCORE_KEYS = ("overall", "pmqa", "results")
_NAMES_TH = {"code": "รหัสหน่วยงาน", "overall": "คะแนนรวม"}


@dataclass
class _Reader:
    """Collects findings for one file while it is read."""

    path: Path
    rubric: Rubric
    findings: list[Finding]

    @property
    def top(self) -> str:
        return f"{self.rubric.scoring.max_score:g}"

    def add(
        self, code: str, *, cell: str | None = None, sheet: str | None = None, **params: Any
    ) -> None:
        self.findings.append(
            make_finding(code, file=str(self.path), sheet=sheet, cell=cell, **params)
        )


def load_result(
    path: Path,
    rubric: Rubric,
    *,
    label: str | None = None,
    limits: Limits | None = None,
) -> Snapshot:
    """One round's scores from ``path``, read whole within the previous results' limits
    (:mod:`pmqa_cli.core.limits`) or refused; problems come back as the snapshot's findings."""
    reader = _Reader(Path(path), rubric, [])
    limits = limits or limits_for(InputKind.PREVIOUS)
    try:
        data = read_input(Path(path), InputKind.PREVIOUS, limits)
    except InputRefusedError as exc:
        reader.findings.append(make_finding(exc.code, file=str(path), **exc.params))
        return Snapshot(label or Path(path).stem, str(path), {}, reader.findings)
    except OSError as exc:
        reader.add("previous-unreadable", detail=exc.strerror or str(exc))
        return Snapshot(label or Path(path).stem, str(path), {}, reader.findings)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"[") and data[:4] != b"PK\x03\x04":
        snapshot = _from_json(reader, data, limits)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        reader.add("previous-unreadable", detail="a legacy .xls or password-protected workbook")
        snapshot = Snapshot("", str(path), {})
    else:
        snapshot = _from_table(reader, data, limits)
    snapshot.source = str(path)
    snapshot.findings = reader.findings
    snapshot.label = clean_text(label) if label and label.strip() else snapshot.label
    if not snapshot.label:
        snapshot.label = Path(path).stem
    return snapshot


def _depth(document: Any) -> int:
    """How deeply a parsed JSON document nests (without recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest


# --- JSON written by pmqa batch --json ------------------------------------------------------


def _from_json(reader: _Reader, data: bytes, limits: Limits) -> Snapshot:
    try:
        # Every JSON number with a fraction or exponent is the Decimal of its text, never a
        # binary float: a score reaches the comparison exactly as the file wrote it.
        document = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
        depth = _depth(document)
    except (UnicodeDecodeError, ValueError) as exc:
        reader.add("previous-unreadable", detail=f"not valid JSON: {exc}")
        return Snapshot("", "", {})
    except RecursionError:  # nested deeper than the parser itself can go
        depth = sys.getrecursionlimit()
    if depth > limits.max_depth:
        found, limit = f"{depth:,}", f"{limits.max_depth:,}"
        refusal = over_limit(reader.path, InputKind.PREVIOUS, "max_depth", found, limit)
        reader.findings.append(make_finding(refusal.code, file=str(reader.path), **refusal.params))
        return Snapshot("", "", {})
    if not isinstance(document, dict) or not isinstance(document.get("offices"), list):
        reader.add(
            "previous-unreadable",
            detail="a JSON file without an 'offices' list is not a pmqa results JSON",
        )
        return Snapshot("", "", {})
    offices: list[OfficeScore] = []
    seen: dict[str, str] = {}
    # An office object is the same as `pmqa score --json` gives, and its place in the batch
    # (scored, rank, rank in type) is in the batch's "ranking", by file; files written before
    # that list existed carry the place in the office object itself.
    ranking = document.get("ranking")
    places = {
        r["file"]: r
        for r in (ranking if isinstance(ranking, list) else [])
        if isinstance(r, dict) and isinstance(r.get("file"), str)
    }
    for n, entry in enumerate(document["offices"]):
        where = f"offices[{n}]"
        if not isinstance(entry, dict):
            reader.add("previous-json-invalid", cell=where, path=where, detail="not an object")
            continue
        place = places.get(entry.get("file")) if isinstance(entry.get("file"), str) else None
        if place is not None:
            entry = {**entry, **{k: place.get(k) for k in ("scored", "rank", "rank_in_type")}}
        if entry.get("readable") is False or entry.get("scored") is False:
            continue
        office = _mapping(entry.get("office"))
        code = code_text(office.get("code")) if isinstance(office.get("code"), str) else ""
        if not code:
            reader.add(
                "previous-json-invalid", cell=f"{where}.office.code", path=f"{where}.office.code",
                detail="no office code",
            )  # fmt: skip
            continue
        if code in seen:
            reader.add(
                "previous-json-invalid", cell=f"{where}.office.code", path=f"{where}.office.code",
                detail=f"the office {code} appears again (first at {seen[code]})",
            )  # fmt: skip
            continue
        seen[code] = where

        def score(value: Any, at: str) -> Decimal | None:
            if value is None:
                return None
            number = dec(value) if isinstance(value, (int, Decimal)) else None
            if number is not None and not number.is_finite():
                number = None
            top = Decimal(str(reader.rubric.scoring.max_score))
            if number is None or not Decimal(0) <= number <= top:
                reader.add(
                    "previous-json-invalid", cell=at, path=at,
                    detail=f"{value!r} is not a score from 0 to {reader.top}",
                )  # fmt: skip
                return None
            return number

        overall = _mapping(entry.get("overall"))
        parts = _mapping(entry.get("parts"))
        items: dict[str, Decimal] = {}
        for kind in ("issues", "indicators"):
            listed = entry.get(kind)
            for k, item in enumerate(listed if isinstance(listed, list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    continue
                if item.get("applies") is False:
                    continue
                value = score(item.get("score"), f"{where}.{kind}[{k}].score")
                if value is not None:
                    items[item["id"]] = value
        rank = entry.get("rank")
        rank_in_type = entry.get("rank_in_type")
        offices.append(
            OfficeScore(
                code=code,
                name=_text(office.get("name")),
                type=_office_type(office.get("type")),
                province=_text(office.get("province")),
                region=_text(office.get("region")),
                overall=score(overall.get("score"), f"{where}.overall.score"),
                pmqa=score(_part(parts.get("pmqa")), f"{where}.parts.pmqa"),
                results=score(_part(parts.get("results")), f"{where}.parts.results"),
                band_th=_text(overall.get("band_th")),
                status_th=_text(overall.get("status_th")),
                items=items,
                rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
                rank_in_type=rank_in_type
                if isinstance(rank_in_type, int) and not isinstance(rank_in_type, bool)
                else None,
            )
        )
    by_code = {o.code: o for o in offices}
    if any(o.overall is not None and o.rank is None for o in offices):
        by_code = with_ranks(offices)  # an edited or older file: rank it as pmqa would
    label = document.get("label")
    year = document.get("fiscal_year")
    round_ = document.get("round")
    return Snapshot(
        label if isinstance(label, str) else (str(year) if isinstance(year, int) else ""),
        "",
        by_code,
        fiscal_year=year if isinstance(year, int) else None,
        round=_round_text(round_) if isinstance(round_, str) else "",
        processed=_day(document.get("generated")),
    )


def _round_text(text: str) -> str:
    """A round as shown: "6 เดือน" and "รอบ 6 เดือน" both become "รอบ 6 เดือน"."""
    shown = clean_text(text)
    return "รอบ " + shown if shown and not shown.startswith("รอบ") else shown


def _day(value: Any) -> date | None:
    """The day of an ISO date or date-time text ("2024-03-01T09:30:00"), else None."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _part(value: Any) -> Any:
    """A part's score: {"score": ..., "weight": ...}, or a bare number (older files)."""
    return value.get("score") if isinstance(value, dict) else value


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _office_type(value: Any) -> OfficeType | None:
    if isinstance(value, str):
        try:
            return OfficeType(value)
        except ValueError:
            return parse_office_type(value)
    return None


# --- plain tables ----------------------------------------------------------------------------

#: A row: its number as the user sees it, then (column number, value, formula without value).
_Row = tuple[int, dict[int, tuple[Any, bool]]]


def _from_table(reader: _Reader, data: bytes, limits: Limits) -> Snapshot:
    """A CSV or XLSX table, by the one table reader."""
    try:
        table = parse_table(reader.path, data, InputKind.PREVIOUS, limits)
    except TableReadError as exc:
        reader.findings.append(exc.finding("previous-unreadable", str(reader.path)))
        return Snapshot("", "", {})
    if not table.sheets:
        reader.add("previous-unreadable", detail="the workbook has no sheets")
        return Snapshot("", "", {})
    # The first sheet with both a code and an overall column (a pmqa results.xlsx has them on
    # สรุปผล), else the first sheet, whose missing columns are then reported; the items of
    # its offices also from the workbook's sheets of codes and item scores without an overall
    # (a results.xlsx's PMQA 4.0 and ตัวชี้วัด sheets).
    kinds = [_sheet_kind(sheet, reader) for sheet in table.sheets]
    main = next((s for s, k in zip(table.sheets, kinds, strict=True) if k == "main"), None)
    snapshot = _from_rows(reader, main or table.sheets[0])
    if main is not None:
        for sheet, kind in zip(table.sheets, kinds, strict=True):
            if kind == "items":
                _add_items(snapshot, _from_rows(reader, sheet, items_only=True))
    # A pmqa results.xlsx says on its เกี่ยวกับ sheet which year and round it holds and when
    # it was processed: its label when its table has none, and what tells two rounds apart.
    about = _about(table.sheets)
    snapshot.round = snapshot.round or _round_text(about.get("round", ""))
    snapshot.processed = _day(about.get("processed"))
    if not snapshot.label and about.get("year", "").isdigit():
        snapshot.fiscal_year = int(about["year"])
        snapshot.label = " ".join(p for p in (about["year"], snapshot.round) if p)
    return snapshot


def _sheet_kind(sheet: RawSheet, reader: _Reader) -> str:
    """ "main" for a table of codes and overall scores, "items" for one of codes and item
    scores without an overall, "" for any other sheet."""
    header = _find_header(_rows(sheet), reader)
    keys = set(header[1].values()) if header is not None else set()
    if {"code", "overall"} <= keys:
        return "main"
    return "items" if "code" in keys and any(k.startswith("item:") for k in keys) else ""


def _add_items(snapshot: Snapshot, more: Snapshot) -> None:
    """Each office's item scores from another sheet of the workbook (its main sheet's own
    item columns first); an office that sheet alone has is not compared (it has no overall)."""
    for code, office in more.offices.items():
        if code in snapshot.offices:
            known = snapshot.offices[code]
            snapshot.offices[code] = replace(known, items={**office.items, **known.items})


#: The rows of a pmqa results.xlsx's เกี่ยวกับ sheet read back: first cell -> key.
_ABOUT_ROWS = {
    "ปีงบประมาณ": "year",
    "รอบการประเมิน": "round",
    "วันที่ประมวลผล (ค.ศ.)": "processed",
}
_NOT_GIVEN = "(ไม่ได้ระบุ)"


def _about(sheets: list[RawSheet]) -> dict[str, str]:
    """The year, round and processing date a pmqa results.xlsx's เกี่ยวกับ sheet gives."""
    found: dict[str, str] = {}
    for sheet in sheets:
        for _, cells in _rows(sheet):
            first, second = cells.get(1), cells.get(2)
            key = _ABOUT_ROWS.get(first[0]) if first and isinstance(first[0], str) else None
            shown = code_text(second[0]) if second else ""
            if key and shown and shown != _NOT_GIVEN and key not in found:
                found[key] = shown
    return found


def _rows(
    sheet: RawSheet, cells_by_row: list[tuple[int, dict[int, Cell]]] | None = None
) -> list[_Row]:
    return [
        (n, {c: (cell.value, cell.kind == "f") for c, cell in cells.items()})
        for n, cells in (cells_by_row if cells_by_row is not None else sheet.ordered_rows())
    ]


def _column_keys(reader: _Reader) -> dict[str, str]:
    keys = {header_key(name): key for key, names in TABLE_COLUMNS.items() for name in names}
    for item in reader.rubric.scored_items():
        for item_id in (item.id, *item.previous_ids):
            for text in (item_id, f"{item_id} คะแนน", f"{item_id} score"):
                keys.setdefault(header_key(text), "item:" + item_id)
    return keys


def _find_header(rows: list[_Row], reader: _Reader) -> tuple[int, dict[int, str]] | None:
    """The first of the first ten rows with an office-code column: (its index, col -> key)."""
    keys = _column_keys(reader)
    for index, (_, cells) in enumerate(rows[:10]):
        found: dict[int, str] = {}
        for col, (value, _) in cells.items():
            key = keys.get(header_key(value)) if isinstance(value, str) else None
            if key is not None and key not in found.values():
                found[col] = key
        if "code" in found.values():
            return index, found
    return None


def _from_rows(reader: _Reader, table: RawSheet, *, items_only: bool = False) -> Snapshot:
    """The offices of one sheet; ``items_only``: a sheet of item scores, with no overall."""

    def where(col: int, row: int) -> str:
        return f"{column_letter(col)}{row}"

    sheet = table.name or None
    rows = _rows(table)

    if not rows:
        reader.add("previous-unreadable", sheet=sheet, detail="the table is empty")
        return Snapshot("", "", {})
    header = _find_header(rows, reader)
    first_row = rows[0][0]
    if header is None:
        reader.add(
            "previous-no-column", sheet=sheet, cell=f"A{first_row}", column="office code",
            column_th="รหัสหน่วยงาน", names="รหัส / code",
        )  # fmt: skip
        return Snapshot("", "", {})
    index, columns = header
    header_row, header_cells = rows[index]
    if "overall" not in columns.values() and not items_only:
        reader.add(
            "previous-no-column", sheet=sheet, cell=f"A{header_row}", column="overall score",
            column_th="คะแนนรวม", names="คะแนนรวม / overall",
        )  # fmt: skip
        return Snapshot("", "", {})
    ignored = {header_key(h) for h in _IGNORED} | {
        # an item's status and value beside its score (results.xlsx's PMQA 4.0, ตัวชี้วัด)
        header_key(f"{item.id} {word}")
        for item in reader.rubric.scored_items()
        for word in ("สถานะ", "ผล", "status", "value")
    }
    for col, (value, _) in sorted(header_cells.items()):
        shown = value if isinstance(value, str) else code_text(value)
        if col not in columns and header_key(shown) not in ignored:
            reader.add(
                "previous-unknown-column", sheet=sheet, cell=where(col, header_row),
                column=column_letter(col), header=shown,
            )  # fmt: skip
    by_key = {key: col for col, key in columns.items()}
    headers = {col: code_text(header_cells[col][0]) for col in columns}
    offices: dict[str, OfficeScore] = {}
    first_seen: dict[str, int] = {}
    labels: dict[str, str] = {}
    top = Decimal(str(reader.rubric.scoring.max_score))

    body = table.body(header_row, str(reader.path))
    reader.findings += body.findings
    for row_number, cells in _rows(table, body.rows):

        def text(key: str, cells: dict[int, tuple[Any, bool]] = cells) -> str:
            col = by_key.get(key)
            return code_text(cells[col][0]) if col is not None and col in cells else ""

        def score(
            col: int, row_number: int = row_number, cells: dict[int, tuple[Any, bool]] = cells
        ) -> Decimal | None:
            if col not in cells:
                return None
            value, formula_without_value = cells[col]
            params = {"row": row_number, "column": column_letter(col), "header": headers[col]}
            if formula_without_value:
                reader.add(
                    "previous-not-number", sheet=sheet, cell=where(col, row_number),
                    value="(สูตรที่ยังไม่มีค่า / a formula without a value)", top=reader.top,
                    **params,
                )  # fmt: skip
                return None
            parsed = parse_number(value)
            if parsed.problem == "decimal-comma":
                # The one value parser's advice, as for every other input kind: 7,5 is 7.5?
                code, advice = number_problem(parsed, code_text(value), "")
                reader.add(
                    code, sheet=sheet, cell=where(col, row_number), item_id=headers[col],
                    row=row_number, **advice,
                )  # fmt: skip
                return None
            if parsed.problem or parsed.not_applicable:
                reader.add(
                    "previous-not-number", sheet=sheet, cell=where(col, row_number),
                    value=code_text(value), top=reader.top, **params,
                )  # fmt: skip
                return None
            if not isinstance(parsed.value, Decimal):
                return None
            # The Decimal of the cell's text (CSV) or of the number the workbook stores
            # (pmqa's xlsx reader), never through a binary float.
            number = parsed.value
            if number is None or not Decimal(0) <= number <= top:
                reader.add(
                    "previous-out-of-range", sheet=sheet, cell=where(col, row_number),
                    value=code_text(value), top=reader.top, **params,
                )  # fmt: skip
                return None
            return number

        code = text("code")
        scores = {key: score(by_key[key]) for key in _SCORE_KEYS if key in by_key}
        items: dict[str, Decimal] = {}
        for col, key in columns.items():
            if key.startswith("item:"):
                value = score(col)
                if value is not None:
                    items[key[5:]] = value
        if not code:
            if any(v is not None for v in scores.values()) or items:
                reader.add(
                    "previous-code-missing", sheet=sheet, cell=where(by_key["code"], row_number),
                    row=row_number, column=column_letter(by_key["code"]),
                )  # fmt: skip
            continue
        if code in offices:
            reader.add(
                "previous-code-duplicate", sheet=sheet, cell=where(by_key["code"], row_number),
                row=row_number, column=column_letter(by_key["code"]), value=code,
                first=first_seen[code],
            )  # fmt: skip
            continue
        first_seen[code] = row_number
        for key in ("label", "year", "round"):
            if text(key) and key not in labels:
                labels[key] = text(key)
        offices[code] = OfficeScore(
            code=code,
            name=text("name"),
            type=parse_office_type(text("type")) if text("type") else None,
            province=text("province"),
            region=text("region"),
            overall=scores.get("overall"),
            pmqa=scores.get("pmqa"),
            results=scores.get("results"),
            items=items,
        )
    if not offices and not items_only:
        reader.add("previous-unreadable", sheet=sheet, detail="the table has no office rows")
    return Snapshot(
        _label(labels), "", with_ranks(offices.values()), fiscal_year=_year(labels),
        round=_round_text(labels.get("round", "")),
    )  # fmt: skip


def _label(labels: dict[str, str]) -> str:
    if "label" in labels:
        return labels["label"]
    year, round_ = labels.get("year", ""), _round_text(labels.get("round", ""))
    return " ".join(p for p in (year, round_) if p)


def _year(labels: dict[str, str]) -> int | None:
    year = labels.get("year", "")
    return int(year) if year.isdigit() else None
