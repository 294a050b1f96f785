"""What people really type, value by value (docs/workbook-format.md, "Reading values")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pmqa_cli.io.values import (
    clean_text,
    code_text,
    parse_date,
    parse_flag,
    parse_number,
    parse_office_type,
    parse_yes_no,
)
from pmqa_cli.rubric.model import OfficeType


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  85 ", 85.0),  # surrounding spaces
        ("๘๕", 85.0),  # Thai digits
        ("๘๕.๕", 85.5),
        ("8๕.5", 85.5),  # Thai digits mixed with Arabic
        ("85", 85.0),  # a number stored as text
        ("1,234.5", 1234.5),  # thousands separators
        ("85%", 85.0),  # a percentage typed with its sign
        ("85 %", 85.0),
        ("−3", -3.0),  # a Unicode minus sign
        ("\u200b85\u200e", 85.0),  # zero-width space and a left-to-right mark
        ("８５", 85.0),  # full-width digits
        (85.0, 85.0),
        (0.0, 0.0),
    ],
)
def test_numbers(raw: object, expected: float) -> None:
    parsed = parse_number(raw)  # type: ignore[arg-type]
    assert parsed.problem is None
    assert isinstance(parsed.value, Decimal)
    assert parsed.value == Decimal(repr(expected))


def test_percent_formatted_cell_holding_a_fraction_means_a_percentage() -> None:
    assert parse_number(Decimal("0.85"), percent_cell=True, percent_unit=True).value == 85
    # Exactly: 0.57 is 57 (0.57 * 100 in binary is 56.99999999999999), 0.0045 is 0.45.
    assert parse_number(Decimal("0.57"), percent_cell=True, percent_unit=True).value == 57
    assert (
        str(parse_number(Decimal("0.0045"), percent_cell=True, percent_unit=True).value) == "0.45"
    )
    # Only for a percentage indicator; a percent-looking cell elsewhere keeps its value.
    assert parse_number(0.85, percent_cell=True, percent_unit=False).value == Decimal("0.85")
    assert parse_number(0.85, percent_cell=False, percent_unit=True).value == Decimal("0.85")


def test_a_percent_cell_scaled_beyond_any_double_is_not_a_number() -> None:
    # Found by the fuzzing: the largest doubles, scaled by 100, would print as infinity in JSON.
    huge = 1.7976931348623155e308
    assert parse_number(huge).value == Decimal(repr(huge))
    assert parse_number(huge, percent_cell=True, percent_unit=True).problem == "value-not-number"
    # openpyxl writes the largest doubles with 16 digits, a little past the largest double.
    assert parse_number(Decimal("1.797693134862316E+308")).problem == "value-not-number"


@pytest.mark.parametrize("raw", [None, "", "  ", "-", "–", "ไม่มี"])
def test_no_answer(raw: str | None) -> None:
    parsed = parse_number(raw)
    assert parsed.value is None and parsed.problem is None and not parsed.not_applicable


@pytest.mark.parametrize("raw", ["N/A", "n/a", "NA", "ไม่เกี่ยวข้อง"])
def test_not_applicable_typed_into_a_value_cell(raw: str) -> None:
    assert parse_number(raw).not_applicable


@pytest.mark.parametrize(
    "raw",
    [
        "ประมาณ 85",
        "85 คน",
        "abc",
        "nan",
        "inf",
        "1e999",
        True,
        False,
        datetime(2024, 1, 1),
        float("nan"),
        float("inf"),
        "1.2.3",
    ],
)
def test_not_numbers(raw: object) -> None:
    assert parse_number(raw).problem == "value-not-number"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ผ่าน", True),
        ("ไม่ผ่าน", False),
        ("ใช่", True),
        ("ไม่ใช่", False),
        ("มี", True),
        ("ไม่มี", False),  # in the yes/no column ไม่มี is the answer "no"
        ("Y", True),
        ("n", False),
        ("yes", True),
        ("No", False),
        ("✓", True),
        ("✔", True),
        ("✗", False),
        ("✘", False),
        ("TRUE", True),
        ("false", False),
        (True, True),
        (False, False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0.0, False),
        ("  ผ่าน  ", True),
        ("๑", True),  # a Thai digit one
    ],
)
def test_yes_no(raw: object, expected: bool) -> None:
    parsed = parse_yes_no(raw)  # type: ignore[arg-type]
    assert parsed.problem is None
    assert parsed.value is expected


@pytest.mark.parametrize("raw", [None, "", "-", " "])
def test_yes_no_blank_is_no_answer(raw: str | None) -> None:
    parsed = parse_yes_no(raw)
    assert parsed.value is None and parsed.problem is None


@pytest.mark.parametrize("raw", ["maybe", "ผ่านบางส่วน", 2.0, 0.5, datetime(2024, 1, 1)])
def test_yes_no_invalid(raw: object) -> None:
    assert parse_yes_no(raw).problem == "answer-invalid"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ไม่เกี่ยวข้อง", True),
        ("N/A", True),
        ("✓", True),
        ("x", True),
        (True, True),
        (1.0, True),
        (None, False),
        ("", False),
        ("-", False),
        ("ไม่ใช่", False),
        (False, False),
    ],
)
def test_flags(raw: object, expected: bool) -> None:
    assert parse_flag(raw) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2024, 8, 15), date(2024, 8, 15)),  # a real date cell (common era)
        (datetime(2567, 8, 15), date(2024, 8, 15)),  # a date cell typed with a BE year
        ("15/8/2567", date(2024, 8, 15)),  # Buddhist era
        ("15/08/2024", date(2024, 8, 15)),  # common era
        ("๑๕/๘/๒๕๖๗", date(2024, 8, 15)),  # Thai digits
        ("2024-08-15", date(2024, 8, 15)),  # ISO
        ("15 สิงหาคม 2567", date(2024, 8, 15)),  # Thai month name
        ("15 ส.ค. 67", date(2024, 8, 15)),  # abbreviated, two-digit BE year
        ("15-8-2567", date(2024, 8, 15)),
    ],
)
def test_dates(raw: object, expected: date) -> None:
    parsed = parse_date(raw)  # type: ignore[arg-type]
    assert parsed.problem is None
    assert parsed.value == expected


@pytest.mark.parametrize("raw", ["31/02/2567", "yesterday", "15 Augustus 2567", 45000.0, True])
def test_bad_dates(raw: object) -> None:
    assert parse_date(raw).problem == "date-invalid"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("สพป.", OfficeType.PRIMARY),
        ("สพป", OfficeType.PRIMARY),
        ("ประถมศึกษา", OfficeType.PRIMARY),
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษา", OfficeType.PRIMARY),
        ("primary", OfficeType.PRIMARY),
        ("สพม.", OfficeType.SECONDARY),
        (" สพม ", OfficeType.SECONDARY),
        ("มัธยมศึกษา", OfficeType.SECONDARY),
        ("Secondary", OfficeType.SECONDARY),
        ("สพฐ.", None),
        ("", None),
        (None, None),
        (1.0, None),
    ],
)
def test_office_types(raw: object, expected: OfficeType | None) -> None:
    assert parse_office_type(raw) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1001.0, "1001"), ("0101", "0101"), (" P001 ", "P001"), (None, ""), ("P\u200b001", "P001")],
)
def test_codes_are_text(raw: object, expected: str) -> None:
    assert code_text(raw) == expected  # type: ignore[arg-type]


def test_clean_text_keeps_thai_intact() -> None:
    # NFKC would decompose SARA AM (ำ) into NIKHAHIT + SARA AA; the text must come back as is.
    assert clean_text("การกำกับ  น้ำหนัก\n") == "การกำกับ น้ำหนัก"
    assert clean_text("a\x00b\x1fc") == "a b c"
