"""Next steps and what each is worth: the scoring engine re-scores the office with the step
done; checked against a hand calculation on the mini rubric."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.guidance import next_steps
from pmqa_cli.assess.office import score_office
from pmqa_cli.io.values import number_in_text
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import SubmissionFactory, hand_case_submission


def test_steps_are_worth_what_the_engine_says_sorted_by_gain(mini: Rubric) -> None:
    criteria: dict[str, bool | None] = {f"C{n}": True for n in range(1, 10)}
    # I1: Basic 300, Advance half met (C5: 50 of its 100), Significance gated: 350; I2: 500.
    criteria["C4"] = False
    answers = Answers(
        OfficeType.PRIMARY,
        criteria,
        {
            "K1": IndicatorAnswer(30),  # level 3: 300
            "K2": IndicatorAnswer(3),  # lower is better, level 3: 300
            "K3": IndicatorAnswer(3),  # 3 steps: 300, weight 2
            "K4": IndicatorAnswer(1),  # pass: 500, nothing to gain
            "K5": IndicatorAnswer(3),  # level 3: 300
        },
    )
    steps = next_steps(mini, answers)
    # Now: pmqa = (2x350 + 500)/3 = 400; results = (300+300+2x300+500+300)/6 = 2000/6;
    # overall = (55 x 400 + 45 x 2000/6)/100 = 370.
    # I1 with C4 met reaches Significance (C5, C6 already met): pmqa 500, overall 425.
    # K3 at 4 steps: results 2200/6, overall 385. K1, K2, K5 one level up: results 350, 377.5.
    assert [(s.item_id, s.gain, s.overall_after) for s in steps] == [
        ("I1", Decimal("55"), Decimal("425")),
        ("K3", Decimal("15"), Decimal("385")),
        ("K1", Decimal("7.5"), Decimal("377.5")),
        ("K2", Decimal("7.5"), Decimal("377.5")),
        ("K5", Decimal("7.5"), Decimal("377.5")),
    ]
    first = steps[0]
    assert [c.id for c in first.criteria] == ["C4"] and first.goal_th == "ระดับก้าวหน้า"
    assert steps[1].todo_th == "ทำสำเร็จ 4 ขั้นตอน"
    assert steps[2].todo_th == "ผลการดำเนินงานไม่น้อยกว่า 40.00 ร้อยละ"
    assert steps[3].todo_th == "ผลการดำเนินงานไม่เกิน 2.00 วัน"


def test_an_office_at_the_top_has_no_steps(mini: Rubric) -> None:
    answers = Answers(
        OfficeType.SECONDARY,
        {f"C{n}": True for n in range(1, 10)},
        {"K1": IndicatorAnswer(50), "K2": IndicatorAnswer(1), "K3": IndicatorAnswer(5),
         "K4": IndicatorAnswer(1), "K6": IndicatorAnswer(None, not_applicable=True)},
    )  # fmt: skip
    assert next_steps(mini, answers) == []


def test_a_value_pmqa_could_not_read_is_fixed_first_worth_the_number_typed(
    mini: Rubric, make_submission: SubmissionFactory
) -> None:
    """P116 typed "ประมาณ 84.82": it scores nothing now, and its next step is never to reach a
    level it may already have reached, but to type the number only in that cell; worth what
    the number typed gives, scored by the engine (the same office with 50 typed cleanly)."""
    clean = score_office(hand_case_submission(mini, make_submission, values=_hand(K1=50)), mini)
    typed = hand_case_submission(mini, make_submission, values=_hand(K1="ประมาณ 50"))
    office = score_office(typed, mini, steps=True)
    assert office.steps is not None and clean.overall is not None
    assert office.overall is not None
    first = office.steps[0]
    assert (first.item_id, first.kind, first.target) == ("K1", "fix", Decimal(50))
    assert first.overall_after == clean.overall
    assert first.gain == clean.overall - office.overall > 0
    cell = next(f.cell for f in office.findings if f.item_id == "K1")
    assert f"เซลล์ {cell}" in first.todo_th and "'ประมาณ 50'" in first.todo_th
    # No other step for K1: never "reach 10" when the office typed 50.
    assert [s.item_id for s in office.steps].count("K1") == 1


def test_a_fix_whose_number_is_not_known_has_an_unknown_gain(
    mini: Rubric, make_submission: SubmissionFactory
) -> None:
    # Two numbers (a range), or a number the rubric refuses (a percentage over 100): what the
    # value should be is not known, so neither is the gain.
    for value in ("40-50", 150):
        path = hand_case_submission(mini, make_submission, values=_hand(K1=value))
        office = score_office(path, mini, steps=True)
        assert office.steps is not None
        (fix,) = [s for s in office.steps if s.item_id == "K1"]
        assert (fix.kind, fix.gain, fix.overall_after, fix.target) == ("fix", None, None, None)
        assert "ทราบได้เมื่อแก้ค่าแล้ว" in fix.todo_th
        # What is wrong and how to fix it: the finding's own words.
        assert next(f.message_th for f in office.findings if f.item_id == "K1") in fix.todo_th
        assert office.steps[0] is fix  # fixing comes first


def test_the_one_number_in_a_text() -> None:
    assert number_in_text("ประมาณ 84.82") == Decimal("84.82")
    assert number_in_text("๘๔.๘๒ %") == Decimal("84.82")
    assert number_in_text("7,5") == Decimal("7.5")  # a decimal comma, as the finding suggests
    assert number_in_text("ร้อยละ 1,234.5") == Decimal("1234.5")
    for none in ("80-85", "ปี 2567: 84", "ไม่มีข้อมูล", ""):
        assert number_in_text(none) is None, none


def _hand(**values: object) -> dict[str, object]:
    """The hand case's indicator values with some replaced."""
    return {"K1": 35, "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5, **values}


def test_scoring_with_a_memo_of_items_equals_scoring_afresh(mini: Rubric) -> None:
    """The next steps score many variants of one office with a memo of item scores: every
    variant (a criterion flipped, a value moved, an indicator not applicable, a value refused)
    scores exactly as it does without the memo, whatever was scored before it."""
    from pmqa_cli.assess.scoring import ItemMemo, score_answers

    criteria: dict[str, bool | None] = {f"C{n}": n % 3 != 0 for n in range(1, 10)}
    base = Answers(OfficeType.PRIMARY, criteria,
                   {"K1": IndicatorAnswer(30), "K2": IndicatorAnswer(3), "K3": IndicatorAnswer(3),
                    "K4": IndicatorAnswer(1), "K5": IndicatorAnswer(3)})  # fmt: skip
    variants = [base]
    for n in range(1, 10):
        variants.append(Answers(base.office_type, {**criteria, f"C{n}": not criteria[f"C{n}"]},
                                base.indicators))  # fmt: skip
    for kpi, answer in [("K1", IndicatorAnswer(45)), ("K1", IndicatorAnswer(Decimal("45.0"))),
                        ("K2", IndicatorAnswer(None, not_applicable=True)),
                        ("K5", IndicatorAnswer(-7)), ("K3", IndicatorAnswer(None))]:  # fmt: skip
        variants.append(Answers(base.office_type, criteria, {**base.indicators, kpi: answer}))
    variants.append(Answers(OfficeType.SECONDARY, criteria, base.indicators))
    memo: ItemMemo = {}
    for answers in [*variants, *reversed(variants)]:
        assert score_answers(mini, answers, memo=memo) == score_answers(mini, answers)


def test_one_changed_answer_is_rejected_as_validating_them_all_rejects_it(mini: Rubric) -> None:
    """The next steps validate an office's answers once and check a changed indicator's own
    answer alone: for every indicator and every kind of answer (accepted, out of range, not a
    whole number of steps, N/A allowed or not, missing, not for the type) that check agrees
    with validating every answer again."""
    from pmqa_cli.assess.validate import rejects, validate_answers

    answers = [IndicatorAnswer(30), IndicatorAnswer(Decimal("2.5")), IndicatorAnswer(-7),
               IndicatorAnswer(Decimal(1000)), IndicatorAnswer(Decimal("Infinity")),
               IndicatorAnswer(None, not_applicable=True), IndicatorAnswer(None),
               IndicatorAnswer(5, not_applicable=True), IndicatorAnswer(1)]  # fmt: skip
    seen = set()
    for office_type in (OfficeType.PRIMARY, OfficeType.SECONDARY, None):
        for indicator in mini.indicators:
            for given in [*answers, None]:
                found = Answers(office_type, {}, {} if given is None else {indicator.id: given})
                expected = indicator.id in validate_answers(mini, found).rejected
                assert rejects(indicator, given, office_type) is expected, (indicator.id, given)
                seen.add(expected)
    assert seen == {True, False}  # some answers are rejected, some are not


def test_next_steps_validated_once_are_the_steps_of_scoring_every_variant_afresh(
    mini: Rubric,
) -> None:
    """Each step's gain as score_answers gives it, validating the changed answers again: an
    office with a refused value (K5 below its range) and an indicator whose next value the
    rubric refuses would show a gain no fresh scoring gives."""
    from pmqa_cli.assess.scoring import score_answers

    criteria: dict[str, bool | None] = {f"C{n}": n % 2 == 0 for n in range(1, 10)}
    answers = Answers(OfficeType.PRIMARY, criteria,
                      {"K1": IndicatorAnswer(30), "K2": IndicatorAnswer(2),
                       "K3": IndicatorAnswer(1), "K5": IndicatorAnswer(-7)})  # fmt: skip
    now = score_answers(mini, answers).overall
    steps = next_steps(mini, answers)
    assert steps
    for step in steps:
        if step.kind == "issue":
            changed = Answers(answers.office_type,
                              {**criteria, **{c.id: True for c in step.criteria}},
                              answers.indicators)  # fmt: skip
        else:
            old = answers.indicators.get(step.item_id, IndicatorAnswer())
            new = IndicatorAnswer(step.target, False, old.target)
            changed = Answers(answers.office_type, criteria,
                              {**answers.indicators, step.item_id: new})  # fmt: skip
        after = score_answers(mini, changed).overall
        assert now is not None and after is not None
        assert (step.overall_after, step.gain) == (after, after - now), step.item_id


def test_a_variant_scores_again_only_the_category_of_the_item_it_changes(
    mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a memo, the categories and dimensions whose items a variant leaves alone are
    taken from the memo, not worked out again; the changed one is, and equals a fresh score."""
    from pmqa_cli.assess import aggregate
    from pmqa_cli.assess.scoring import ItemMemo, score_answers, score_validated

    criteria: dict[str, bool | None] = {f"C{n}": n % 3 != 0 for n in range(1, 10)}
    base = Answers(OfficeType.PRIMARY, criteria,
                   {"K1": IndicatorAnswer(30), "K2": IndicatorAnswer(3)})  # fmt: skip
    changed = Answers(base.office_type, {**criteria, "C1": not criteria["C1"]}, base.indicators)
    memo: ItemMemo = {}
    score_validated(mini, base, (), memo)
    worked: list[object] = []
    original = aggregate.weighted_mean

    def counted(items: Iterable[tuple[Any, Any]]) -> Fraction | None:
        worked.append(items)
        return original(items)

    monkeypatch.setattr(aggregate, "weighted_mean", counted)
    again = score_validated(mini, base, (), memo)
    variant = score_validated(mini, changed, (), memo)
    assert len(worked) == 1  # C1's category only: nothing of the unchanged office again
    monkeypatch.undo()
    assert again == score_answers(mini, base) and variant == score_answers(mini, changed)
