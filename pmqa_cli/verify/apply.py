"""Laying the verification layers over an office's own answers, and scoring both.

Precedence, highest first: the committee's verdict > central data > a correction > the office's
own answer (docs/verification.md). For each item the layers are applied from the bottom up, so
every value that replaced another is one :class:`Change` in the audit trail, with both values.
The scoring engine is pure: the office is scored twice, on its own answers (self-assessed) and
on the verified answers (official).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.answers import Answers, IndicatorAnswer, Location
from pmqa_cli.assess.scoring import ScoreResult, score_answers
from pmqa_cli.assess.trace import Change, ItemTrace, Layer, Origin, Value, Verdict, _shown
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.rubric.model import Indicator, Rubric
from pmqa_cli.verify.inputs import Entry, Verification

__all__ = [
    "VerifiedOffice",
    "apply_layers",
    "differs",
    "self_traces",
    "verify_office",
]


@dataclass
class Applied:
    """The verified answers of one office and how they were reached."""

    answers: Answers
    items: dict[str, ItemTrace]
    changes: list[Change]
    findings: list[Finding]
    unreviewed: int = 0


def differs(
    indicator: Indicator, data: IndicatorAnswer, claim: IndicatorAnswer, decimals: int
) -> bool:
    """Whether central data and the office's value differ beyond the indicator's tolerance
    (default: exact at the rubric's decimals). A claim with no value never differs; N/A against
    a number does."""
    if claim.value is None and not claim.not_applicable:
        return False
    if data.value is None or claim.value is None:
        return (data.value is None) != (claim.value is None)
    if indicator.tolerance is None:
        a = round_half_up(Decimal(str(data.value)), decimals)
        b = round_half_up(Decimal(str(claim.value)), decimals)
        return a != b
    gap = abs(Decimal(str(data.value)) - Decimal(str(claim.value)))
    return gap > Decimal(str(indicator.tolerance))


def apply_layers(
    rubric: Rubric,
    answers: Answers,
    office: str,
    entries: Mapping[tuple[Layer, str], Entry],
    *,
    reviewed: bool,
    where: Location | None = None,
) -> Applied:
    """The verified answers: each item's value from the highest layer that gives one."""
    locate = where or (lambda _: (None, None))
    criteria: dict[str, bool | None] = {}
    indicators: dict[str, IndicatorAnswer] = {}
    items: dict[str, ItemTrace] = {}
    changes: list[Change] = []
    findings: list[Finding] = []
    unreviewed = 0

    def step(item: str, current: Value, new: Value, entry: Entry) -> Value:
        if isinstance(new, IndicatorAnswer) and isinstance(current, IndicatorAnswer):
            # A replaced value keeps the office's own target (target_ratio indicators).
            new = replace(new, target=current.target)
        if _shown(new) != _shown(current):
            changes.append(
                Change(
                    office,
                    item,
                    entry.layer,
                    current,
                    new,
                    entry.origin,
                    entry.reason or entry.comment,  # a verdict's reason is its comment
                    entry.person,
                    entry.source,
                )
            )
        return new

    for _, _, criterion in rubric.criteria():
        cid = criterion.id
        claim = answers.criteria.get(cid)
        current: bool | None = claim
        source = Layer.SELF
        correction = entries.get((Layer.CORRECTION, cid))
        if correction is not None:
            current = step(cid, current, correction.met, correction)  # type: ignore[assignment]
            source = Layer.CORRECTION
        review = entries.get((Layer.REVIEW, cid))
        verdict = review.verdict if review else None
        if review is not None and verdict is not None:
            if verdict is Verdict.CONFIRMED:
                final: bool | None = claim
            else:
                final = False if claim is None else not claim
            current = step(cid, current, final, review)  # type: ignore[assignment]
            source = Layer.REVIEW
        is_reviewed = None if not reviewed else verdict is not None
        if is_reviewed is False:
            unreviewed += 1
        criteria[cid] = current
        items[cid] = ItemTrace(
            cid,
            False,
            claim,
            current,
            source,
            is_reviewed,
            verdict,
            review.comment if review else "",
            review.person if review else "",
        )

    decimals = rubric.scoring.decimals
    for indicator in rubric.indicators:
        iid = indicator.id
        own = answers.indicators.get(iid)
        claim_answer = own if own is not None else IndicatorAnswer()
        value = claim_answer
        source = Layer.SELF
        correction = entries.get((Layer.CORRECTION, iid))
        if correction is not None and correction.answer is not None:
            value = step(iid, value, correction.answer, correction)  # type: ignore[assignment]
            source = Layer.CORRECTION
        data = entries.get((Layer.DATA, iid))
        if data is not None and data.answer is not None:
            if differs(indicator, data.answer, claim_answer, decimals):
                sheet, cell = locate(iid)
                claimed = _shown(claim_answer)
                if sheet and cell:
                    claimed += f" ({sheet}!{cell})"
                o = data.origin
                findings.append(
                    make_finding(
                        "data-differs",
                        file=o.file,
                        sheet=o.sheet or None,
                        cell=o.cell,
                        item_id=iid,
                        source=data.source,
                        value=_shown(data.answer),
                        claimed=claimed,
                    )
                )
            value = step(iid, value, data.answer, data)  # type: ignore[assignment]
            source = Layer.DATA
        review = entries.get((Layer.REVIEW, iid))
        verdict = review.verdict if review else None
        if review is not None and review.answer is not None:
            value = step(iid, value, review.answer, review)  # type: ignore[assignment]
            source = Layer.REVIEW
        elif review is not None and verdict is Verdict.CONFIRMED:
            value = step(iid, value, claim_answer, review)  # type: ignore[assignment]
            source = Layer.REVIEW
        elif review is not None and verdict is Verdict.REJECTED and source is Layer.SELF:
            # The claim is rejected and nothing below the verdict gives a value: no value.
            value = step(iid, value, IndicatorAnswer(), review)  # type: ignore[assignment]
            source = Layer.REVIEW
        applies = indicator.applies(answers.office_type)
        is_reviewed = None
        if reviewed and applies:
            is_reviewed = review is not None and (verdict is not None or review.answer is not None)
            if not is_reviewed:
                unreviewed += 1
        if own is not None or value is not claim_answer:
            indicators[iid] = value
        items[iid] = ItemTrace(
            iid,
            True,
            claim_answer,
            value,
            source,
            is_reviewed,
            verdict,
            review.comment if review else "",
            review.person if review else "",
        )
    verified = Answers(answers.office_type, criteria, indicators)
    return Applied(verified, items, changes, findings, unreviewed)


@dataclass
class VerifiedOffice:
    """An office scored twice: on its own answers and on the verified ones (official)."""

    self_result: ScoreResult
    verified: ScoreResult
    items: dict[str, ItemTrace] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    unreviewed: int = 0
    #: Verification files were given (even if none of their rows is about this office); False
    #: means the verified scores are the self-assessed ones by definition.
    applied: bool = False


def self_traces(rubric: Rubric, answers: Answers) -> dict[str, ItemTrace]:
    """Every item's trace when nothing was verified: the claim is the final value."""
    items: dict[str, ItemTrace] = {}
    for _, _, criterion in rubric.criteria():
        met = answers.criteria.get(criterion.id)
        items[criterion.id] = ItemTrace(criterion.id, False, met, met, Layer.SELF, None)
    for ind in rubric.indicators:
        own = answers.indicators.get(ind.id) or IndicatorAnswer()
        items[ind.id] = ItemTrace(ind.id, True, own, own, Layer.SELF, None)
    return items


def _with(answers: Answers, item: str, value: Value) -> Answers:
    if isinstance(value, IndicatorAnswer):
        return replace(answers, indicators={**answers.indicators, item: value})
    return replace(answers, criteria={**answers.criteria, item: value})


def verify_office(
    rubric: Rubric,
    answers: Answers,
    self_result: ScoreResult,
    office: str,
    verification: Verification | None,
    where: Location | None = None,
) -> VerifiedOffice:
    """Apply the layers to one office and score the verified answers.

    Without verification (or with nothing for this office) the verified result is the
    self-assessed one. Each change carries its effect on the overall score: the overall with
    that item at its new value minus with it at the value it replaced, everything else as the
    office answered.
    """
    if verification is None or not verification.active:
        return VerifiedOffice(self_result, self_result, self_traces(rubric, answers))
    applied = apply_layers(
        rubric,
        answers,
        office,
        verification.for_office(office),
        reviewed=verification.reviewed,
        where=where,
    )
    verified = score_answers(rubric, applied.answers, where) if applied.changes else self_result
    changes = []
    score = _overall_score(rubric)
    for change in applied.changes:
        after = score(_with(answers, change.item, change.after))
        before = score(_with(answers, change.item, change.before))
        effect = None if after is None or before is None else after - before
        changes.append(
            replace(
                change,
                effect=None
                if effect is None
                else float(round_half_up(effect, rubric.scoring.decimals)),
            )
        )
    findings = list(applied.findings)
    if verification.reviewed and applied.unreviewed:
        findings.append(make_finding("review-incomplete", count=applied.unreviewed))
    return VerifiedOffice(
        self_result, verified, applied.items, changes, findings, applied.unreviewed, applied=True
    )


def _overall_score(rubric: Rubric) -> Callable[[Answers], Decimal | None]:
    def score(answers: Answers) -> Decimal | None:
        result = score_answers(rubric, answers)
        return result.rounded(result.overall)

    return score


def source_name(origin: Origin) -> str:
    """A short name for where a row came from: file name, sheet and row."""
    sheet = f" {origin.sheet}" if origin.sheet else ""
    return f"{Path(origin.file).name}{sheet} แถว {origin.row}"
