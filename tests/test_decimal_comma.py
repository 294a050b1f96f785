"""A decimal comma is a finding, never a guess; thousands grouping stays accepted.

Offices type numbers as text with commas ("7,5" days in a Thai or European habit, "1,234.5" in
the English one). Only a well-formed thousands grouping is read as a number.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from pmqa_cli.assess.office import score_office
from pmqa_cli.io.values import parse_number
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import Rubric

from .builders import MINI_RUBRIC
from .office_books import OfficeBook, libreoffice_resave, needs_libreoffice, xlsxwriter_submission


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("7,5", "7.5"),
        ("0,48", "0.48"),
        ("85,5", "85.5"),
        ("85,50", "85.50"),  # two digits after the comma: not a thousands group
        ("1,5", "1.5"),
        ("0,480", "0.480"),  # a group never follows a leading 0
        ("1.234,5", "1234.5"),  # European: point for thousands, comma for decimals
        (" ๗,๕ ", "7.5"),  # Thai digits, spaces
        ("85,5%", "85.5"),
        ("-2,5", "-2.5"),
    ],
)
def test_a_decimal_comma_is_reported_with_the_number_to_type(typed: str, suggested: str) -> None:
    parsed = parse_number(typed)
    assert parsed.problem == "decimal-comma"
    assert parsed.value is None
    assert parsed.suggestion == suggested


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,234", "1234"),
        ("1,234.5", "1234.5"),
        ("12,345,678", "12345678"),
        ("-1,000", "-1000"),
        ("1,000%", "1000"),
        ("๑,๒๓๔.๕", "1234.5"),
    ],
)
def test_thousands_grouping_is_a_number(typed: str, value: str) -> None:
    parsed = parse_number(typed)
    assert parsed.problem is None
    assert parsed.value == Decimal(value)


@pytest.mark.parametrize("typed", ["1,2,3", "12,34,567", "1,,5", ",5", "5,", "1,234,5"])
def test_other_commas_are_not_numbers(typed: str) -> None:
    assert parse_number(typed).problem == "value-not-number"


def rubric_with_thousands(tmp_path: Path) -> Rubric:
    """The mini rubric with K2 (days, lower is better) on a scale where 1,234.5 is normal."""
    text = MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "thresholds: [5, 4, 3, 2, 1], weight: 1, valid_min: 0, valid_max: 365",
        "thresholds: [5000, 4000, 3000, 2000, 1000], weight: 1, valid_min: 0, valid_max: 9000",
    )
    path = tmp_path / "thousands.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rubric(path)[0]


def office_book() -> OfficeBook:
    return OfficeBook(values={"K1": "85,5", "K2": "1,234.5", "K5": "2,5"})


def check_report(path: Path, rubric: Rubric) -> None:
    report = score_office(path, rubric)
    assert report.scores is not None
    commas = [f for f in report.findings if f.code == "decimal-comma"]
    assert sorted((f.item_id, f.sheet) for f in commas) == [
        ("K1", "ตัวชี้วัด"),
        ("K5", "ตัวชี้วัด"),
    ]
    k1 = next(f for f in commas if f.item_id == "K1")
    assert k1.severity.value == "error"
    assert k1.cell is not None and k1.cell.endswith("2")  # row 2: K1's row
    assert "85.5" in k1.message_en and "85,5" in k1.message_en
    assert "85.5" in k1.message_th and "จุดทศนิยม" in k1.message_th
    # Nothing is guessed: neither 855 nor 85.5 is scored, and no second finding for the cell.
    scores = {i.id: i for i in report.scores.indicators}
    assert scores["K1"].value is None and scores["K1"].score == 0
    assert scores["K5"].value is None and scores["K5"].score == 0
    assert [f.code for f in report.findings if f.item_id in ("K1", "K5")] == ["decimal-comma"] * 2
    # Thousands grouping is read: 1,234.5 days is level 4 + 765.5/1000, score 476.55.
    assert scores["K2"].value == Decimal("1234.5")
    assert scores["K2"].score == Fraction("476.55")
    assert not report.valid


def test_text_cells_typed_with_commas_in_an_xlsxwriter_workbook(tmp_path: Path) -> None:
    rubric = rubric_with_thousands(tmp_path)
    path = xlsxwriter_submission(tmp_path / "office.xlsx", rubric, office_book())
    check_report(path, rubric)


@needs_libreoffice
def test_the_same_workbook_saved_by_libreoffice(tmp_path: Path) -> None:
    rubric = rubric_with_thousands(tmp_path)
    original = xlsxwriter_submission(tmp_path / "office.xlsx", rubric, office_book())
    resaved = libreoffice_resave(original, tmp_path / "lo")
    check_report(resaved, rubric)
