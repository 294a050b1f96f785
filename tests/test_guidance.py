"""Next steps and what each is worth: the scoring engine re-scores the office with the step
done; checked against a hand calculation on the mini rubric, and against validating and scoring
the changed answers from nothing for any office of every rubric."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import given as for_any
from hypothesis import strategies as st

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.guidance import ValueToFix, next_steps
from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.io.values import number_in_text
from pmqa_cli.rubric.load import load_rubric, shipped_rubrics
from pmqa_cli.rubric.model import Indicator, OfficeType, Rubric

from .builders import FIXTURES, SubmissionFactory, hand_case_submission


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


def test_a_tally_rescored_for_one_changed_item_equals_scoring_afresh(mini: Rubric) -> None:
    """The next steps score many variants of one office, each with one item changed, by
    rescoring that item alone in the office's tally: every variant (a criterion flipped, a
    value moved, an indicator not applicable, a value refused or no longer given) scores
    exactly as it does from nothing, whichever variant was rescored before."""
    from pmqa_cli.assess.scoring import rescored, scores_of, tally_validated
    from pmqa_cli.assess.validate import validate_answers

    criteria: dict[str, bool | None] = {f"C{n}": n % 3 != 0 for n in range(1, 10)}
    base = Answers(OfficeType.PRIMARY, criteria,
                   {"K1": IndicatorAnswer(30), "K2": IndicatorAnswer(3), "K3": IndicatorAnswer(3),
                    "K4": IndicatorAnswer(1), "K5": IndicatorAnswer(3)})  # fmt: skip
    issue_of = {c.id: issue.id for issue, _, c in mini.criteria()}
    variants: list[tuple[str, Answers]] = []
    for n in range(1, 10):
        flipped = {**criteria, f"C{n}": not criteria[f"C{n}"]}
        variants.append((issue_of[f"C{n}"], Answers(base.office_type, flipped, base.indicators)))
    for kpi, answer in [("K1", IndicatorAnswer(45)), ("K1", IndicatorAnswer(Decimal("45.0"))),
                        ("K2", IndicatorAnswer(None, not_applicable=True)),
                        ("K5", IndicatorAnswer(-7)), ("K3", IndicatorAnswer(None))]:  # fmt: skip
        values = {**base.indicators, kpi: answer}
        variants.append((kpi, Answers(base.office_type, criteria, values)))
    validated = validate_answers(mini, base)
    office = tally_validated(mini, validated.answers, validated.rejected)
    assert scores_of(mini, office) == score_answers(mini, base)
    seen = set()
    for item, answers in [*variants, *reversed(variants)]:
        changed = validate_answers(mini, answers)
        variant = rescored(mini, office, changed.answers, changed.rejected, item)
        assert scores_of(mini, variant) == score_answers(mini, answers), item
        seen.add(scores_of(mini, variant).overall != scores_of(mini, office).overall)
    assert seen == {True, False}  # some variants change the overall score, some do not


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


def test_a_variant_moves_the_sums_of_the_item_it_changes_without_summing_again(
    mini: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A variant's categories and dimensions whose items it leaves alone are the office's; the
    changed item's group and part are moved by its change of score, never summed again from
    their items, unless the item starts or stops counting (its group's weight changes: that
    group alone is summed again); and every score equals a fresh one, exactly."""
    from pmqa_cli.assess import aggregate
    from pmqa_cli.assess.scoring import rescored, scores_of, tally_validated

    criteria: dict[str, bool | None] = {f"C{n}": n % 3 != 0 for n in range(1, 10)}
    base = Answers(OfficeType.SECONDARY, criteria,
                   {"K1": IndicatorAnswer(30), "K2": IndicatorAnswer(3),
                    "K6": IndicatorAnswer(None, not_applicable=True)})  # fmt: skip
    changed = Answers(base.office_type, {**criteria, "C1": not criteria["C1"]}, base.indicators)
    moved = Answers(base.office_type, criteria, {**base.indicators, "K2": IndicatorAnswer(2)})
    counts = Answers(base.office_type, criteria, {**base.indicators, "K6": IndicatorAnswer(75)})
    office = tally_validated(mini, base)
    summed: list[str] = []
    original = aggregate.summed

    def counted(group: str, items: Iterable[tuple[Decimal, Fraction]]) -> aggregate.Sums:
        summed.append(group)
        return original(group, items)

    monkeypatch.setattr(aggregate, "summed", counted)
    variants = [(rescored(mini, office, changed, (), "I1"), changed),
                (rescored(mini, office, moved, (), "K2"), moved),
                (rescored(mini, office, counts, (), "K6"), counts)]  # fmt: skip
    assert summed == ["7.6"]  # K6 counts now: its dimension alone
    monkeypatch.undo()
    for variant, answers in variants:
        assert variant == tally_validated(mini, answers)
        fresh = score_answers(mini, answers)
        assert scores_of(mini, variant) == fresh
        assert repr(scores_of(mini, variant)) == repr(fresh)
    assert len({scores_of(mini, v).overall for v, _ in variants}) == 3


def _rubrics() -> dict[str, Path]:
    """Every shipped rubric, and the test fixtures (one of them aggregated by category means)."""
    found = {path.stem: path for path in shipped_rubrics()}
    found.update({path.stem: path for path in sorted(FIXTURES.glob("*-rubric.yaml"))})
    return found


@functools.cache
def _rubric(name: str, indicators: bool) -> Rubric:
    """A rubric by name; without ``indicators``, the same rubric with category 7 taken out."""
    path = _rubrics()[name]
    if not indicators:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("indicators", None)
        path = Path(tempfile.mkdtemp()) / path.name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rubric, _ = load_rubric(path)
    assert bool(rubric.indicators) is indicators
    return rubric


def _values(indicator: Indicator) -> st.SearchStrategy[Decimal | None]:
    """Values near what matters to an indicator: its thresholds and levels, just off them,
    outside its range, fractions of a step; and any value at all."""
    near = [Decimal(n) for n in range(-1, 7)] + [Decimal("2.5"), Decimal(-7), Decimal(1000)]
    for threshold in indicator.thresholds or []:
        near += [threshold, threshold - Decimal("0.01"), threshold + Decimal("0.01")]
    if indicator.rubric_target is not None:
        near += [indicator.rubric_target * k / 100 for k in (33, 99, 100, 101, 150)]
    anything = st.decimals(min_value=-50, max_value=300, places=2, allow_nan=False)
    return st.one_of(st.none(), st.sampled_from(near), anything)


@st.composite
def _office(draw: st.DrawFn, rubric: Rubric) -> tuple[Answers, dict[str, ValueToFix]]:
    """An office's answers (criteria mostly met, so that higher tiers are in reach; any
    indicator answered, N/A, refused or missing) and some values to fix."""
    criteria = {
        criterion.id: draw(st.sampled_from([True, True, True, False, None]))
        for _, _, criterion in rubric.criteria()
    }
    indicators: dict[str, IndicatorAnswer] = {}
    fixes: dict[str, ValueToFix] = {}
    for indicator in rubric.indicators:
        if draw(st.integers(0, 5)) == 0:
            continue  # no answer at all
        target = draw(st.sampled_from([None, Decimal(0), Decimal(-5), Decimal(40), Decimal(85)]))
        value = draw(_values(indicator))
        indicators[indicator.id] = IndicatorAnswer(value, draw(st.booleans()), target)
        if draw(st.integers(0, 4)) == 0:
            fixes[indicator.id] = ValueToFix("ผลลัพธ์", "J4", draw(_values(indicator)))
    office_type = draw(st.sampled_from([*OfficeType, None]))
    return Answers(office_type, criteria, indicators), fixes


@pytest.mark.parametrize("indicators", [True, False], ids=["with-7", "without-7"])
@pytest.mark.parametrize("name", sorted(_rubrics()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_any(data=st.data())
def test_every_step_is_worth_what_scoring_the_changed_answers_afresh_gives(
    name: str, indicators: bool, data: st.DataObject
) -> None:
    """Every rubric (weighted parts and category means, with and without category 7), any
    office: each step's overall_after and gain are those of validating and scoring the office's
    answers with the step done, from nothing (no memo, nothing kept from the office as it is),
    whatever the step changes (a tier reached, a value that now counts or is refused, an
    indicator no longer N/A, a value to fix)."""
    rubric = _rubric(name, indicators)
    answers, fixes = data.draw(_office(rubric))
    now = score_answers(rubric, answers).overall
    for step in next_steps(rubric, answers, fixes):
        if step.kind == "issue":
            met = {**answers.criteria, **{c.id: True for c in step.criteria}}
            changed = Answers(answers.office_type, met, answers.indicators)
        elif step.target is None:
            assert step.kind == "fix" and fixes[step.item_id].candidate is None
            assert (step.gain, step.overall_after) == (None, None)
            continue
        else:
            old = answers.indicators.get(step.item_id, IndicatorAnswer())
            new = IndicatorAnswer(step.target, False, old.target)
            changed = Answers(answers.office_type, answers.criteria,
                              {**answers.indicators, step.item_id: new})  # fmt: skip
        after = score_answers(rubric, changed).overall
        gain = None if after is None or now is None else after - now
        assert (step.overall_after, step.gain) == (after, gain), step
        assert repr((step.overall_after, step.gain)) == repr((after, gain)), step


@pytest.mark.parametrize("name", sorted(_rubrics()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_any(data=st.data())
def test_a_variants_overall_alone_is_the_overall_of_its_whole_tally(
    name: str, data: st.DataObject
) -> None:
    """The next steps ask each variant for its overall alone (an issue scored for its points,
    not tier by tier): for any office of every rubric and any one item changed, that overall
    is the overall of the variant's whole tally, and an issue's points alone are its score."""
    from pmqa_cli.assess.scoring import (
        _issue_points,
        _score_issue,
        overall_of,
        overall_rescored,
        rescored,
        tally_validated,
    )
    from pmqa_cli.assess.validate import validate_answers

    rubric = _rubric(name, True)
    answers, _ = data.draw(_office(rubric))
    changed, _ = data.draw(_office(rubric))
    validated = validate_answers(rubric, answers)
    base = tally_validated(rubric, answers, validated.rejected)
    for issue in rubric.issues:
        assert (
            _issue_points(rubric, issue, changed.criteria)
            == _score_issue(rubric, issue, changed.criteria).exact
        )
        variant = Answers(answers.office_type, changed.criteria, answers.indicators)
        after = overall_rescored(rubric, base, variant, validated.rejected, issue.id)
        assert repr(after) == repr(
            overall_of(rubric, rescored(rubric, base, variant, validated.rejected, issue.id))
        )
    for indicator in rubric.indicators:
        given = changed.indicators.get(indicator.id)
        variant = Answers(
            answers.office_type,
            answers.criteria,
            {**answers.indicators, indicator.id: given or IndicatorAnswer()},
        )
        rejected = validate_answers(rubric, variant).rejected
        after = overall_rescored(rubric, base, variant, rejected, indicator.id)
        assert repr(after) == repr(
            overall_of(rubric, rescored(rubric, base, variant, rejected, indicator.id))
        )
        assert repr(after) == repr(score_answers(rubric, variant).overall)
