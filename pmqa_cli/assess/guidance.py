"""What an office can do next, and what each step is worth to its overall score.

A next step is the smallest change that lifts one item: for an issue, meeting the criteria that
still stand between it and its next tier; for an indicator, reaching the value of its next whole
level. Its worth is not estimated: the office's answers are changed by exactly that step and
scored again by the scoring engine, and the step's gain is the new overall score less the
current one. Steps are sorted by gain, largest first.

An indicator whose value pmqa could not use (an error at its cell: text such as "ประมาณ 84.82",
a value out of its range) scores nothing now, yet the office may already have reached any
target: its step is to fix the value in that cell, never to reach a level. That step comes
first. Its gain is the one the value would give if the single number typed in the cell were
read (and the rubric accepts it); when there is no such number the gain is unknown until the
value is fixed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scores import IndicatorScore, IssueScore
from pmqa_cli.assess.scoring import Tally, overall_of, overall_rescored, tally_validated
from pmqa_cli.assess.tiers import NextTier, next_tier
from pmqa_cli.assess.validate import rejects
from pmqa_cli.rubric.model import Criterion, Indicator, Method, Rubric
from pmqa_cli.rubric.units import show_indicator_value, unit_label

__all__ = ["NextStep", "ValueToFix", "issue_next_tier", "next_level", "next_steps"]


@dataclass(frozen=True)
class NextStep:
    """One step an office can take, and the points it adds to the overall score."""

    item_id: str
    kind: str  # "issue", "indicator", or "fix" (a value pmqa could not use: fix its cell)
    title_th: str
    goal_th: str  # the tier or level reached: "ระดับก้าวหน้า", "ระดับ 4"
    todo_th: str  # what to do: the unmet criteria, or the value to reach
    criteria: tuple[Criterion, ...]  # the unmet criteria (issues)
    target: Any  # the value to reach (indicators), in the indicator's unit
    gain: Any  # overall score after the step less the current overall, full precision;
    # None for a fix whose value cannot be read (unknown until it is fixed)
    overall_after: Any
    cell: str = ""  # a fix's cell ("J4")


@dataclass(frozen=True)
class ValueToFix:
    """An indicator value with an error finding at its cell: where it is, the one number typed
    there when the rubric accepts it (else None), and the finding's message."""

    sheet: str
    cell: str
    candidate: Decimal | None = None
    message_th: str = ""  # the finding's message: what is wrong and how to fix it


def issue_next_tier(rubric: Rubric, result: IssueScore) -> NextTier | None:
    """The tier an issue's result should reach next and its criteria still unmet
    (:func:`~pmqa_cli.assess.tiers.next_tier`); None at its top tier."""
    issue = next(i for i in rubric.issues if i.id == result.id)
    return next_tier(issue, {c.id: c.met for c in result.criteria})


def next_level(indicator: Indicator, result: IndicatorScore) -> int | None:
    """The next whole level an indicator's result can reach (pass/fail: straight to the top);
    None at the top level or when it does not count."""
    if not result.applies:
        return None
    current = result.whole_level  # from the exact level: 2.99999 is level 2, 3 is level 3
    if current >= 5:
        return None
    return 5 if indicator.method is Method.PASS_FAIL else current + 1


def _indicator_target(indicator: Indicator, result: IndicatorScore) -> tuple[int, Any] | None:
    """The next whole level and the value that reaches it, or None at the top / not counted /
    a target-ratio indicator (the value needed depends on the office's own target)."""
    level = next_level(indicator, result)
    if level is None:
        return None
    if indicator.method is Method.PASS_FAIL:
        return level, 1
    if indicator.method is Method.STEPS:
        return level, level
    if indicator.method is Method.INTERPOLATE:
        return level, (indicator.thresholds or [])[level - 1]
    return None


def next_steps(
    rubric: Rubric,
    answers: Answers,
    fixes: Mapping[str, ValueToFix] | None = None,
    scored: tuple[Tally, Collection[str]] | None = None,
) -> list[NextStep]:
    """Every item's next step with its gain to the overall score: the values to fix first
    (``fixes``, by indicator id), then the others, largest gain first.

    The gain is the overall score as it would be reported after the step less the overall
    score as reported now, both from the scoring engine and rounded once, half-up.

    ``scored`` is the tally ``answers`` were scored to and the indicators it scored zero as
    rejected, when the caller has them (:func:`~pmqa_cli.assess.office.assess_submission`):
    ``answers`` are those of that tally's scores (``answers_scored``). It is the steps' base
    when it rejected exactly what validating ``answers`` rejects (a cell already reported is
    not rejected); otherwise ``answers`` are tallied again.
    """

    # Validated once: a variant's criteria change no indicator's acceptance, and a changed
    # indicator's own answer is checked alone (as score_answers would find them all). A variant
    # changes one item: only that item is scored again, its category or dimension and its
    # part's sums moved by its change of score (scoring.overall_rescored); the overall is
    # aggregated afresh by the engine.
    rejected = frozenset(
        i.id for i in rubric.indicators
        if rejects(i, answers.indicators.get(i.id), answers.office_type)
    )  # fmt: skip
    if scored is not None and frozenset(scored[1]) == rejected:
        base = scored[0]
    else:
        base = tally_validated(rubric, answers, rejected)
    now = overall_of(rubric, base)

    def gain(changed: Answers, item: str, indicator: Indicator | None = None) -> tuple[Any, Any]:
        now_rejected = rejected
        if indicator is not None:
            given = changed.indicators.get(indicator.id)
            now_rejected = rejected - {indicator.id}
            if rejects(indicator, given, changed.office_type):
                now_rejected |= {indicator.id}
        after = overall_rescored(rubric, base, changed, now_rejected, item)
        return (None if after is None or now is None else after - now), after

    steps: list[NextStep] = []
    titles = {i.id: i.title_th for i in rubric.issues}
    for issue in base.issues:
        found = issue_next_tier(rubric, issue)
        if found is None:
            continue
        tier_th, unmet = rubric.tier_default(found.tier.id).title_th, found.unmet
        criteria = dict(answers.criteria)
        criteria.update({c.id: True for c in unmet})
        added, after = gain(replace(answers, criteria=criteria), issue.id)
        todo = "\n".join(f"{c.id} {c.text_th}" for c in unmet)
        steps.append(
            NextStep(issue.id, "issue", titles[issue.id], f"ระดับ{tier_th}", todo, unmet, None,
                     added, after)
        )  # fmt: skip
    fixes = fixes or {}
    for ind in base.indicators:
        indicator = rubric.indicator(ind.id)
        if ind.id in fixes:
            steps.append(_fix_step(rubric, answers, indicator, fixes[ind.id], gain))
            continue
        target = _indicator_target(indicator, ind)
        if target is None:
            continue
        level, value = target
        values = dict(answers.indicators)
        old = values.get(ind.id, IndicatorAnswer())
        values[ind.id] = replace(old, value=value, not_applicable=False)
        added, after = gain(replace(answers, indicators=values), ind.id, indicator)
        shown = show_indicator_value(indicator, value, rubric)
        if indicator.method is Method.PASS_FAIL:
            todo = "ผลการดำเนินงาน: ผ่าน"
        elif indicator.method is Method.STEPS:
            todo = f"ทำสำเร็จ {shown} ขั้นตอน"
        else:
            sign = "ไม่น้อยกว่า" if indicator.direction.value == "higher" else "ไม่เกิน"
            todo = f"ผลการดำเนินงาน{sign} {shown} {unit_label(indicator.unit)}"
        steps.append(
            NextStep(ind.id, "indicator", indicator.title_th, f"ระดับ {level}", todo, (), value,
                     added, after)
        )  # fmt: skip
    return sorted(steps, key=lambda s: (s.kind != "fix", -(s.gain if s.gain is not None else -1),
                                        s.item_id))  # fmt: skip


def _fix_step(
    rubric: Rubric, answers: Answers, indicator: Indicator, fix: ValueToFix, gain: Any
) -> NextStep:
    """Fix the value in its cell: worth what the number typed there gives, when there is one."""
    # The finding's own message says what is wrong and how to fix it.
    todo = f"แก้ค่าในเซลล์ {fix.cell} แผ่นงาน{fix.sheet}: {fix.message_th} ตอนนี้ค่านี้ยังไม่นำมาคิดคะแนน"
    if fix.candidate is None:
        return NextStep(indicator.id, "fix", indicator.title_th, "แก้ค่าให้ถูกต้อง",
                        todo + " คะแนนที่เพิ่มขึ้นทราบได้เมื่อแก้ค่าแล้ว", (), None, None,
                        None, fix.cell)  # fmt: skip
    values = dict(answers.indicators)
    old = values.get(indicator.id, IndicatorAnswer())
    values[indicator.id] = replace(old, value=fix.candidate, not_applicable=False)
    added, after = gain(replace(answers, indicators=values), indicator.id, indicator)
    shown = show_indicator_value(indicator, fix.candidate, rubric)
    todo += f" คะแนนที่เพิ่มขึ้นคิดจากค่า {shown} {unit_label(indicator.unit)} ที่พิมพ์ไว้ (หากค่านี้ถูกต้อง)"
    return NextStep(indicator.id, "fix", indicator.title_th, "แก้ค่าให้ถูกต้อง", todo, (),
                    fix.candidate, added, after, fix.cell)  # fmt: skip
