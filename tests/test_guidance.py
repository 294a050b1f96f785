"""Next steps and what each is worth: the scoring engine re-scores the office with the step
done; checked against a hand calculation on the mini rubric."""

from __future__ import annotations

from decimal import Decimal

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.guidance import next_steps
from pmqa_cli.rubric.model import OfficeType, Rubric


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
