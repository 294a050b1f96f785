"""Columns an office added: an ambiguous header is an error, an unknown one a note; a value for an
indicator that does not apply to the office's type is a warning (docs/findings.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.rubric.model import OfficeType, Rubric

from .office_books import OfficeBook, libreoffice_resave, needs_libreoffice, xlsxwriter_submission

VALUE_POSITION = 9  # the value column's place among the template's indicator columns


def last_year_column(rubric: Rubric) -> tuple[str, int, dict[str, object]]:
    """A "last year" result column put before the real one: its header also reads as the value
    column once the bracketed part is dropped."""
    last_year: dict[str, object] = {i.id: 1 for i in rubric.indicators}
    return ("ผลการดำเนินงาน\n(ปีที่แล้ว)", VALUE_POSITION, last_year)


def codes(report: ScoredOffice) -> list[str]:
    return sorted(f.code for f in report.findings)


def check_ambiguous(report: ScoredOffice) -> None:
    ambiguous = [f for f in report.findings if f.code == "header-ambiguous"]
    assert len(ambiguous) == 1
    finding = ambiguous[0]
    assert finding.severity.value == "error" and finding.sheet == "ตัวชี้วัด"
    # Every column that matched is named, so the office knows which to rename or delete.
    assert finding.cell == "J1"
    assert "J, K" in finding.message_en and "J, K" in finding.message_th
    # Nothing was read from either column: no value scored, and no flood of missing answers.
    assert report.scores is not None
    assert all(i.value is None and i.score == 0 for i in report.scores.indicators)
    assert codes(report) == ["header-ambiguous"]
    assert not report.valid


def test_two_columns_matching_the_value_header_are_an_error(tmp_path: Path, mini: Rubric) -> None:
    book = OfficeBook(extra_columns=[last_year_column(mini)])
    path = xlsxwriter_submission(tmp_path / "office.xlsx", mini, book)
    check_ambiguous(score_office(path, mini))


@needs_libreoffice
def test_the_ambiguous_workbook_saved_by_libreoffice(tmp_path: Path, mini: Rubric) -> None:
    book = OfficeBook(extra_columns=[last_year_column(mini)])
    original = xlsxwriter_submission(tmp_path / "office.xlsx", mini, book)
    check_ambiguous(score_office(libreoffice_resave(original, tmp_path / "lo"), mini))


def test_columns_with_unknown_headers_are_a_note(tmp_path: Path, mini: Rubric) -> None:
    extra = [
        ("ผู้ตรวจสอบ", 2, {i.id: "คุณสมชาย" for i in mini.indicators}),
        ("Comments, 2567", 14, {"K1": "ok"}),
    ]
    plain = xlsxwriter_submission(tmp_path / "plain.xlsx", mini, OfficeBook())
    path = xlsxwriter_submission(tmp_path / "office.xlsx", mini, OfficeBook(extra_columns=extra))
    report = score_office(path, mini)
    notes = [f for f in report.findings if f.code == "header-unknown"]
    assert sorted((f.cell, f.severity.value) for f in notes) == [("C1", "note"), ("O1", "note")]
    assert "ผู้ตรวจสอบ" in notes[0].message_th + notes[1].message_th
    assert "Comments, 2567" in notes[0].message_en + notes[1].message_en
    # A note changes nothing: valid, no warnings, the same scores as without the columns.
    assert report.valid and report.errors == 0 and report.warnings == 0
    baseline = score_office(plain, mini)
    assert report.scores is not None and baseline.scores is not None
    assert report.scores.overall == baseline.scores.overall
    assert report.to_dict()["stats"] == {"errors": 0, "warnings": 0, "notes": 2}


def test_a_value_for_an_indicator_of_the_other_office_type_is_a_warning(
    tmp_path: Path, mini: Rubric
) -> None:
    # K6 is for secondary offices only; this primary office typed a value (and text) for it.
    for typed in (85, "ดีมาก"):
        book = OfficeBook(office_type=OfficeType.PRIMARY, values={"K6": typed})
        path = xlsxwriter_submission(tmp_path / f"office-{typed}.xlsx", mini, book)
        report = score_office(path, mini)
        assert codes(report) == ["value-not-for-type"], report.findings
        finding = report.findings[0]
        assert finding.severity.value == "warning" and finding.item_id == "K6"
        assert "สพม." in finding.message_th and "secondary" in finding.message_en
        assert report.valid  # a warning: it may reveal a wrong office type, it is not an error
        assert report.scores is not None
        k6 = next(i for i in report.scores.indicators if i.id == "K6")
        assert not k6.applies and k6.score == 0


def test_the_same_value_for_an_office_of_that_type_counts(tmp_path: Path, mini: Rubric) -> None:
    book = OfficeBook(office_type=OfficeType.SECONDARY, values={"K6": 85})
    report = score_office(xlsxwriter_submission(tmp_path / "s.xlsx", mini, book), mini)
    assert report.findings == ()
    assert report.scores is not None
    k6 = next(i for i in report.scores.indicators if i.id == "K6")
    assert k6.applies and k6.value == Decimal(85) and k6.score == 350
