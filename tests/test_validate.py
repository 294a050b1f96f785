"""Validation in one home: every finding about a value comes from pmqa_cli.assess.validate, and
the engine is pure arithmetic over validated answers (no findings to filter afterwards)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.assess.scoring import score_answers, score_validated
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.rubric.model import OfficeType, Rubric

from .office_books import OfficeBook, xlsxwriter_submission


def all_met(rubric: Rubric) -> dict[str, bool | None]:
    return {c.id: True for _, _, c in rubric.criteria()}


def test_the_engine_reports_nothing(mini: Rubric) -> None:
    # Missing answers, 400 per cent, N/A where it is not allowed: the engine scores
    # them (zero) and says nothing; the findings are validation's.
    answers = Answers(
        OfficeType.PRIMARY,
        {"C1": None},
        {"K1": IndicatorAnswer(Decimal(400)), "K2": IndicatorAnswer(not_applicable=True)},
    )
    pure = score_validated(mini, answers)
    validated = validate_answers(mini, answers)
    assert validated.rejected == {"K1"}
    codes = sorted(f.code for f in validated.findings)
    assert codes.count("value-percent-over-100") == 1 and "value-na-not-allowed" in codes
    scored = score_validated(mini, answers, validated.rejected)
    k1 = next(i for i in scored.indicators if i.id == "K1")
    assert k1.score == 0 and k1.value == 400  # the value is kept, for the office to see
    # score_answers is exactly the two steps.
    both = score_answers(mini, answers)
    assert both == scored and pure != scored


def test_items_already_reported_are_not_reported_again(mini: Rubric) -> None:
    answers = Answers(OfficeType.PRIMARY, all_met(mini) | {"C2": None}, {})
    plain = {f.item_id for f in validate_answers(mini, answers).findings}
    assert {"C2", "K1", "K2"} <= plain
    quiet = validate_answers(mini, answers, reported={"C2", "K1"})
    assert {f.item_id for f in quiet.findings} == plain - {"C2", "K1"}


def test_a_workbooks_findings_are_the_readers_and_validations(tmp_path: Path, mini: Rubric) -> None:
    # Text in a number cell: one value-not-number, no second answer-missing for the same cell.
    book = OfficeBook(values={"K1": "ดีมาก", "K2": "2,5"})
    path = xlsxwriter_submission(tmp_path / "office.xlsx", mini, book)
    report = score_office(path, mini)
    by_item = sorted((f.item_id or "", f.code) for f in report.findings)
    assert by_item == [("K1", "value-not-number"), ("K2", "decimal-comma")]
    sub = read_submission(path, mini)
    assert sub.bad_items == {"K1", "K2"}
    assert report.scores is not None
