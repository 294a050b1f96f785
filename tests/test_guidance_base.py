"""The next steps of a scored office start from the tally its official scores came from, not
from validating and tallying the same answers again: for every kind of office (unverified,
verified with changes, a value refused, cells already reported, N/A, office targets, OPDC's
rubric) that tally and the indicators it rejected are the ones validating and tallying the
answers the steps are given would give, and the steps are the same either way. When they are
not (a cell reported and refused at once, which the reader never makes), the steps do not
start from it."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

import pmqa_cli.assess.office as office_module
from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.guidance import NextStep, ValueToFix, next_steps
from pmqa_cli.assess.office import ScoredOffice, assess_submission, score_office
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.assess.scoring import Tally, tally_validated
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.io.registry import Office
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import OfficeType, Rubric
from pmqa_cli.verify.apply import Layers
from pmqa_cli.verify.inputs import load_verification

from .builders import Filled, SubmissionFactory, find_col, find_row, hand_case_submission, write

ROOT = Path(__file__).resolve().parent.parent
Call = tuple[Rubric, Answers, Mapping[str, ValueToFix] | None, tuple[Tally, Collection[str]]]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Every call assess_submission makes to next_steps, with its arguments."""
    seen: list[Call] = []
    real = next_steps

    def recording(
        rubric: Rubric,
        answers: Answers,
        fixes: Mapping[str, ValueToFix] | None = None,
        scored: tuple[Tally, Collection[str]] | None = None,
    ) -> list[NextStep]:
        assert scored is not None  # assess_submission always hands its tally over
        seen.append((rubric, answers, fixes, scored))
        return real(rubric, answers, fixes, scored)

    monkeypatch.setattr(office_module, "next_steps", recording)
    return seen


def _same_steps(call: Call, *, reused: bool = True) -> None:
    """The tally handed over is the one validating and tallying the answers gives (when the
    rejected indicators agree), and the steps are those computed from nothing."""
    rubric, answers, fixes, (tally, rejected) = call
    validated = validate_answers(rubric, answers)
    assert (frozenset(rejected) == validated.rejected) is reused
    if reused:
        assert tally == tally_validated(rubric, answers, validated.rejected)
    handed, fresh = (
        next_steps(rubric, answers, fixes, (tally, rejected)),
        next_steps(rubric, answers, fixes),
    )
    assert handed == fresh and repr(handed) == repr(fresh)


def path_answers(path: Path, rubric: Rubric) -> Answers:
    """The answers of a workbook, as the office typed them."""
    return read_submission(path, rubric).answers()


def _kpi_cell(item: str, header: str, value: Any) -> Callable[[dict[str, Worksheet]], None]:
    def edit(sheets: dict[str, Worksheet]) -> None:
        kpi = sheets["ตัวชี้วัด"]
        kpi.cell(row=find_row(kpi, item), column=find_col(kpi, header)).value = value

    return edit


HAND = {"K1": 35, "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5}
MINI_CASES: dict[str, dict[str, Any]] = {
    "clean": {},
    "refused": {"values": {**HAND, "K1": 150, "K5": -7, "K3": Decimal("2.5")}},
    "reported": {"values": {**HAND, "K1": "ประมาณ 50", "K2": "=1/0", "K4": "บางส่วน"},
                 "answers": {"C1": "ผ่าน", "C2": "อาจจะ", "C4": "ผ่าน", "C9": "ผ่าน"}},
    "na": {"values": {**HAND, "K2": None}, "na": {"K1": "x", "K2": "x", "K3": "x"}},
    "secondary-na": {"office": Office("S001", "สพม.ทดสอบ", OfficeType.SECONDARY, "ทดสอบ"),
                     "values": {"K1": 35, "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5},
                     "na": {"K6": "x"}},
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MINI_CASES))
def test_an_unverified_office_hands_over_the_tally_next_steps_would_make(
    mini: Rubric, make_submission: SubmissionFactory, calls: list[Call], case: str
) -> None:
    path = hand_case_submission(mini, make_submission, **MINI_CASES[case])
    office = score_office(path, mini, steps=True)
    (call,) = calls
    _same_steps(call)
    assert office.steps == tuple(next_steps(*call[:3]))


def test_a_verified_office_with_changes_hands_over_its_verified_tally(
    mini: Rubric, make_submission: SubmissionFactory, calls: list[Call], tmp_path: Path
) -> None:
    """The committee's verdicts, central data and a correction change the answers: K1, out of
    range as the office typed it (refused), set by the committee to a value that counts; K2
    given by central data where the office typed no number."""
    review = write(tmp_path / "review.csv",
                   "รหัสหน่วยงาน,รหัสรายการ,ผลการตรวจ,ค่าที่ตรวจสอบแล้ว,ความเห็นกรรมการ,ผู้ตรวจ\n"
                   "P001,C4,ไม่ยืนยัน,,ไม่พบหลักฐาน,นางสาวก\n"
                   "P001,K1,ไม่ยืนยัน,25,คำนวณใหม่,นายข\n")  # fmt: skip
    data = write(tmp_path / "data.csv", "office_code,K2\nP001,4\n")
    corrections = write(tmp_path / "corrections.csv",
                        "office,item,value,reason,by\nP001,K5,3.5,พิมพ์ผิด,นายค\n")  # fmt: skip
    verification = Layers(
        load_verification(mini, reviews=[review], data=[data], corrections=[corrections])
    )
    values = {**HAND, "K1": 150, "K2": "สามวัน", "K3": 9}
    path = hand_case_submission(mini, make_submission, values=values)
    office = score_office(path, mini, verifier=verification, steps=True)
    assert office.changes and office.scores is not office.self_assessed
    (call,) = calls
    assert "K1" in validate_answers(mini, path_answers(path, mini)).rejected
    _same_steps(call)
    # Verified without a change for this office: the office's own tally.
    other = hand_case_submission(mini, make_submission, office=Office("P002", "สพป.ทดสอบ เขต 2",
                                 OfficeType.PRIMARY, "ทดสอบ"))  # fmt: skip
    assert not score_office(other, mini, verifier=verification, steps=True).changes
    _same_steps(calls[1])


OPDC_VALUES = {"7.1-K1": 87.5, "7.1-K2": 86.7, "7.2-K1": 84.15, "7.3-K1": 90, "7.4-K1": 70,
               "7.5-K1": 90.9, "7.6-K1": 9.6}  # fmt: skip


@pytest.mark.parametrize(
    ("values", "target"),
    [({}, 90), ({}, 0), ({}, None), ({}, "ไม่ทราบ"), ({"7.3-K1": 150, "7.1-K2": "ราว 80"}, 90),
     ({"7.4-K1": -1, "7.5-K1": None}, 95)],
)  # fmt: skip
def test_an_opdc_office_with_its_own_targets_hands_over_the_tally_next_steps_would_make(
    make_submission: SubmissionFactory, calls: list[Call], values: dict[str, Any], target: Any
) -> None:
    opdc, _ = load_rubric(ROOT / "rubrics" / "opdc-pmqa4-24.yaml")
    filled = Filled(values={**OPDC_VALUES, **values})
    for n, (_, _, criterion) in enumerate(opdc.criteria()):
        filled.answers[criterion.id] = "ผ่าน" if n % 7 else "ไม่ผ่าน"
    edit = _kpi_cell("7.5-K1", "ค่าเป้าหมาย", target)
    score_office(make_submission(opdc, filled, edit=edit), opdc, steps=True)
    (call,) = calls
    _same_steps(call)


def test_a_reported_cell_that_is_also_refused_is_tallied_again(
    mini: Rubric, make_submission: SubmissionFactory, calls: list[Call]
) -> None:
    """A submission whose reported cell holds a value the rubric refuses (the reader never
    makes one: it reports only cells it gives no value) is scored as given, not refused; the
    steps would refuse it, so they tally the answers again rather than start from a tally
    scored otherwise."""
    sub = read_submission(hand_case_submission(mini, make_submission), mini)
    sub.indicators["K1"] = replace(sub.indicators["K1"], value=Decimal(150))
    sub.bad_items.add("K1")
    office: ScoredOffice = assess_submission(sub, mini, steps=True)
    (call,) = calls
    _same_steps(call, reused=False)
    assert office.scores is not None and office.scores.indicator("K1") is not None
    rubric, answers, fixes, _ = call
    assert office.steps == tuple(next_steps(rubric, answers, fixes))


def test_the_rejected_indicators_are_those_validation_rejects(mini: Rubric) -> None:
    """next_steps decides which indicators are refused with validate.rejects, one by one;
    validating every answer together refuses the same (one office with many kinds)."""
    answers = Answers(OfficeType.PRIMARY, {},
                      {"K1": IndicatorAnswer(Decimal(150)), "K2": IndicatorAnswer(None, True),
                       "K3": IndicatorAnswer(Decimal("2.5")), "K5": IndicatorAnswer(-7),
                       "K6": IndicatorAnswer(Decimal(500))})  # fmt: skip
    tally = tally_validated(mini, answers, validate_answers(mini, answers).rejected)
    wrong = tally_validated(mini, answers, ())
    assert tally != wrong
    # Handed the tally of another rejection, next_steps does not start from it.
    assert next_steps(mini, answers, None, (wrong, ())) == next_steps(mini, answers)
    assert next_steps(mini, answers, None, (wrong, {"K1", "K3", "K5"})) != next_steps(mini, answers)
