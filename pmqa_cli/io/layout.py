"""The submission workbook's layout: sheet names, column headers and office fields.

The template writer and the reader both use these definitions. The reader finds columns by
header text (any of a column's names, Thai or English) and rows by item id, never by fixed
coordinates. docs/workbook-format.md documents this for other systems.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pmqa_cli.io.values import clean_text

__all__ = [
    "FORMAT_VERSION",
    "FORMULA_START",
    "INDICATOR_COLUMNS",
    "META_FIELDS",
    "OFFICE_FIELDS",
    "PMQA_COLUMNS",
    "SHEET_GUIDE",
    "SHEET_INDICATORS",
    "SHEET_META",
    "SHEET_OFFICE",
    "SHEET_PMQA",
    "SHEET_SCORE",
    "Column",
    "OfficeField",
    "columns_by_name",
    "header_key",
    "indicator_columns",
]

FORMAT_VERSION = "1"

#: OWASP: a spreadsheet may read text starting with one of these as a formula. Every output
#: keeps such text literal (typed as text in xlsx, an apostrophe in CSV).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

SHEET_GUIDE = "คำชี้แจง"
SHEET_OFFICE = "ข้อมูลหน่วยงาน"
SHEET_PMQA = "PMQA 4.0"
SHEET_INDICATORS = "ตัวชี้วัด"
SHEET_SCORE = "คะแนนเบื้องต้น"
SHEET_META = "_pmqa"


@dataclass(frozen=True)
class Column:
    """A column: its key, the header the template writes, other names the reader accepts."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: float = 12
    required: bool = False  # the reader cannot work without it
    read: bool = True  # False: for people only (criterion text, thresholds); not read

    def names(self) -> frozenset[str]:
        """Every header text that identifies this column, normalised."""
        return _names(self.header, self.key, self.aliases)


@lru_cache(maxsize=256)
def _names(header: str, key: str, aliases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(header_key(n) for n in (header, key, *aliases))


@lru_cache(maxsize=64)
def columns_by_name(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Each normalised header text -> the first of ``columns`` it identifies (one lookup per
    header cell, however many columns)."""
    index: dict[str, Column] = {}
    for column in columns:
        for name in column.names():
            index.setdefault(name, column)
    return index


def header_key(text: object) -> str:
    """A header cell's text, normalised for matching: the first line, without anything in
    brackets, spaces folded, case-folded. "ผลการประเมินตนเอง\\n(ผ่าน/ไม่ผ่าน)" matches
    "ผลการประเมินตนเอง"."""
    if not isinstance(text, str):
        return ""
    # Every row a reader looks at for its header holds the same few short texts: remembered
    # (a long text is worked out each time, so a hostile cell cannot fill the memory).
    return _short_key(text) if len(text) <= 200 else _text_key(text)


@lru_cache(maxsize=4096)
def _short_key(text: str) -> str:
    return _text_key(text)


def _text_key(text: str) -> str:
    first = clean_text(text.splitlines()[0] if text.strip() else "")
    while "(" in first and ")" in first.split("(", 1)[1]:
        head, rest = first.split("(", 1)
        first = head + rest.split(")", 1)[1]
    return " ".join(first.split()).casefold()


ID_COLUMN = Column("id", "รหัส", ("รหัสเกณฑ์", "รหัสตัวชี้วัด", "item id"), 11, required=True)
#: The template's live check of the answer in the same row: a formula pmqa wrote, never read.
CHECK_COLUMN = Column("check", "ตรวจสอบ\n(อัตโนมัติ)", ("check",), 16, read=False)

PMQA_COLUMNS: tuple[Column, ...] = (
    ID_COLUMN,
    Column("category", "หมวด", ("category",), 7, read=False),
    Column("issue", "ประเด็น", ("issue",), 26, read=False),
    Column("tier", "ระดับ", ("tier",), 11, read=False),
    Column("criterion", "เกณฑ์การประเมิน", ("criterion",), 52, read=False),
    Column(
        "answer",
        "ผลการประเมินตนเอง\n(ผ่าน/ไม่ผ่าน)",
        ("ผลการประเมิน", "answer", "met"),
        16,
        required=True,
    ),
    CHECK_COLUMN,
    Column("evidence", "หลักฐานอ้างอิง\n(ลิงก์หรือชื่อเอกสาร)", ("หลักฐาน", "evidence"), 30),
    Column("note", "หมายเหตุ", ("note",), 20),
)

#: Narrow enough that the sheet, fitted to a landscape page's width, prints 16 pt at 9 pt or
#: more (with the target column too): its long titles wrap.
INDICATOR_COLUMNS: tuple[Column, ...] = (
    ID_COLUMN,
    Column("dimension", "มิติ", ("dimension",), 7, read=False),
    Column("indicator", "ตัวชี้วัด", ("indicator",), 38, read=False),
    Column("unit", "หน่วย", ("unit",), 9, read=False),
    *(Column(f"level{n}", f"ระดับ {n}", (f"level {n}",), 8, read=False) for n in range(1, 6)),
    Column(
        "value",
        "ผลการดำเนินงาน",
        ("ผลการดำเนินงาน", "ผลลัพธ์", "result", "value"),
        14,
        required=True,
    ),
    Column("na", "ไม่เกี่ยวข้อง\n(N/A)", ("n/a", "na", "not applicable"), 12),
    CHECK_COLUMN,
    Column("evidence", "หลักฐานอ้างอิง\n(ลิงก์หรือชื่อเอกสาร)", ("หลักฐาน", "evidence"), 24),
    Column("note", "หมายเหตุ", ("note",), 14),
)


#: The office's own target of a target-ratio indicator (only in rubrics that have one).
TARGET_COLUMN = Column("target", "ค่าเป้าหมาย", ("เป้าหมาย", "target"), 11)


def indicator_columns(with_target: bool) -> tuple[Column, ...]:
    """The indicator sheet's columns; with a target column (after the unit) for a rubric with
    target-ratio indicators."""
    if not with_target:
        return INDICATOR_COLUMNS
    at = [c.key for c in INDICATOR_COLUMNS].index("unit") + 1
    return (*INDICATOR_COLUMNS[:at], TARGET_COLUMN, *INDICATOR_COLUMNS[at:])


@dataclass(frozen=True)
class OfficeField:
    """One row of the office-details sheet."""

    key: str
    label_th: str
    label_en: str
    required: bool = False


OFFICE_FIELDS: tuple[OfficeField, ...] = (
    OfficeField("office_code", "รหัสหน่วยงาน", "Office code", required=True),
    OfficeField("office_name", "ชื่อหน่วยงาน", "Office name", required=True),
    OfficeField("office_type", "ประเภทหน่วยงาน (สพป./สพม.)", "Office type", required=True),
    OfficeField("province", "จังหวัด", "Province"),
    OfficeField("contact_name", "ผู้ประสานงาน", "Contact person"),
    OfficeField("contact_phone", "โทรศัพท์", "Phone"),
    OfficeField("contact_email", "อีเมล", "E-mail"),
    OfficeField("submitted_on", "วันที่ส่งข้อมูล", "Date of submission"),
)

OFFICE_COLUMNS: tuple[Column, ...] = (
    Column("key", "รหัสรายการ", ("field", "key"), 16, required=True),
    Column("label", "รายการ", ("label",), 48),
    Column("value", "ข้อมูล", ("value",), 46, required=True),
)

#: Keys of the hidden sheet that ties a workbook to its rubric.
META_FIELDS = ("rubric_id", "rubric_version", "rubric_sha256", "fiscal_year", "format_version")
