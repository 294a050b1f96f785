"""Laying the verification layers over an office's own answers, and scoring both.

Precedence, highest first: the committee's verdict > central data > a correction > the office's
own answer (docs/verification.md). For each item the layers are applied from the bottom up, so
every value that replaced another is one :class:`Change` in the audit trail, with both values.
:class:`Layers` is the verifier an office is built with (:mod:`pmqa_cli.assess.office`): the
office is scored on its own answers (self-assessed) and on the verified ones (official).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from pmqa_cli.assess.answers import Answers, IndicatorAnswer, Location
from pmqa_cli.assess.office import Verified
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.assess.submission import OfficeInfo
from pmqa_cli.assess.trace import (
    Change,
    InputFile,
    ItemTrace,
    Layer,
    Origin,
    Value,
    Verdict,
    _shown,
)
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.values import clean_text, parse_number, parse_yes_no
from pmqa_cli.rubric.model import Indicator, OfficeType, Rubric
from pmqa_cli.verify.inputs import Entry, Verification

__all__ = ["Layers", "apply_layers", "differs", "fresh_reviews", "source_name", "verify_office"]


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


#: How the review sheet shows a claim without a value (report/review_sheet.py): not answered,
#: no value, or a value pmqa could not read ("อ่านไม่ได้: ประมาณ 84").
_NO_VALUE = ("(ไม่ได้ตอบ)", "(ไม่มีค่า)", "อ่านไม่ได้")
_UNREADABLE = object()  # a claim text that is none of the review sheet's forms


def _claim_key(value: Value, pass_fail: bool) -> object:
    """An office's answer as the review sheet shows it, reduced for comparing: True/False for a
    criterion or a pass/fail indicator, the exact number, "N/A", or None (no value)."""
    if isinstance(value, IndicatorAnswer):
        if value.value is not None:
            number = Decimal(str(value.value))
            return number >= 1 if pass_fail else number
        return "N/A" if value.not_applicable else None
    return value


def _seen_key(text: str, yes_no: bool) -> object:
    """A review row's claim text ("ผ่าน", "85.5 ร้อยละ", "N/A", "(ไม่ได้ตอบ)") reduced as
    :func:`_claim_key` reduces an answer; :data:`_UNREADABLE` when it is none of those forms."""
    text = clean_text(text)
    if text.startswith(_NO_VALUE):
        return None
    if yes_no:
        met = parse_yes_no(text).value
        return met if isinstance(met, bool) else _UNREADABLE
    parsed = parse_number(text.split()[0])  # the number, then its unit
    if parsed.not_applicable:
        return "N/A"
    return parsed.value if isinstance(parsed.value, Decimal) else _UNREADABLE


def fresh_reviews(
    rubric: Rubric, answers: Answers, office: str, entries: Mapping[tuple[Layer, str], Entry]
) -> tuple[dict[tuple[Layer, str], Entry], list[Finding]]:
    """The entries without the committee's rows given on a claim the office no longer reports
    (it sent a new workbook after the review sheet was made: a verdict on "ผ่าน" must not turn
    a "ไม่ผ่าน" into a pass), each with a ``review-claim-changed`` finding; the item is then
    unreviewed. A row whose table records no claim is kept as it is."""
    indicators = {i.id: i for i in rubric.indicators}
    kept: dict[tuple[Layer, str], Entry] = {}
    findings: list[Finding] = []
    for key, entry in entries.items():
        indicator = indicators.get(entry.item)
        now: Value = answers.criteria.get(entry.item)
        if indicator is not None:
            now = answers.indicators.get(entry.item) or IndicatorAnswer()
        pass_fail = indicator is not None and indicator.unit == "pass/fail"
        seen = _seen_key(entry.claim, pass_fail or indicator is None) if entry.claim else None
        if entry.layer is Layer.REVIEW and entry.claim and seen != _claim_key(now, pass_fail):
            o = entry.origin
            cell = entry.claim_cell or o.cell
            findings.append(make_finding(
                "review-claim-changed", file=o.file, sheet=o.sheet or None, cell=cell,
                item_id=entry.item, office=office, seen=entry.claim, now=_shown(now),
            ))  # fmt: skip
            continue
        kept[key] = entry
    return kept, findings


def _with(answers: Answers, item: str, value: Value) -> Answers:
    if isinstance(value, IndicatorAnswer):
        return replace(answers, indicators={**answers.indicators, item: value})
    return replace(answers, criteria={**answers.criteria, item: value})


def verify_office(
    rubric: Rubric,
    answers: Answers,
    office: str,
    verification: Verification,
    where: Location | None = None,
) -> Verified:
    """Apply the layers to one office's answers: the verified answers, every item's trace and
    every change with its effect on the overall score (the overall with that item at its new
    value minus with it at the value it replaced, everything else as the office answered)."""
    entries, stale = fresh_reviews(rubric, answers, office, verification.for_office(office))
    applied = apply_layers(
        rubric, answers, office, entries, reviewed=verification.reviewed, where=where
    )
    changes = []
    for change in applied.changes:
        after = _overall(rubric, _with(answers, change.item, change.after))
        before = _overall(rubric, _with(answers, change.item, change.before))
        effect = None if after is None or before is None else after - before
        changes.append(replace(change, effect=effect))
    findings = [*stale, *applied.findings]
    findings += [make_finding("verify-rows-not-applied", file=file, count=count)
                 for (code, file), count in sorted(verification.refused.items())
                 if code == office]  # fmt: skip
    if verification.reviewed and applied.unreviewed:
        findings.append(make_finding("review-incomplete", count=applied.unreviewed))
    return Verified(
        applied.answers, applied.items, tuple(changes), tuple(findings), applied.unreviewed
    )


def _overall(rubric: Rubric, answers: Answers) -> Decimal | None:
    return score_answers(rubric, answers).overall


@dataclass(frozen=True)
class Layers:
    """The verification files as the :class:`~pmqa_cli.assess.office.Verifier` an office is
    built with: each office's answers get the layers meant for it.

    Checked against a registry (:meth:`Verification.check_offices`), the files' rows are used
    as they are. Unchecked (no registry: the offices are known only once read), each office
    checks a copy of the rows against its own code and type, so that no row for another office
    is dropped from the shared files; the batch checks every row against all the offices it
    scored at the end, once. ``alone`` (one office scored by itself, ``pmqa score``): the
    findings about the files lead the office's own.
    """

    verification: Verification
    alone: bool = False

    def verify(
        self, rubric: Rubric, answers: Answers, office: OfficeInfo, where: Location
    ) -> Verified | None:
        """The verified answers of one office; None when no verification file was given."""
        verification = self.verification
        if not verification.active:
            return None
        if not verification.checked:
            # Only this office is known: rows for other offices are not about it.
            findings = list(verification.findings) if self.alone else []
            verification = replace(
                verification, entries=list(verification.entries), findings=findings
            )
            types = {office.code: office.type} if office.code else {}
            verification.check_offices(types, rubric, report_unknown=False)
        verified = verify_office(rubric, answers, office.code, verification, where)
        if self.alone:
            verified = replace(verified, lead=tuple(verification.findings))
        return verified

    @property
    def files(self) -> Sequence[InputFile]:
        """The verification files that were read."""
        return self.verification.files

    @property
    def findings(self) -> Sequence[Finding]:
        """Every problem found in the verification files' rows."""
        return self.verification.findings

    def check_offices(self, types: Mapping[str, OfficeType | None], rubric: Rubric) -> None:
        """Check every row against the offices scored (a batch without a registry), once;
        rows already checked against the registry that are for a registered office that sent
        nothing get a note (:meth:`Verification.note_absent`)."""
        if not self.verification.checked:
            self.verification.check_offices(types, rubric)
        else:
            self.verification.note_absent(types)

    def file_findings(self) -> tuple[Finding, ...]:
        """Findings about the files themselves: they lead a lone office's list, even when its
        workbook cannot be read (a batch lists them once)."""
        return tuple(self.verification.findings) if self.alone else ()


def source_name(origin: Origin) -> str:
    """A short name for where a row came from: file name, sheet and row."""
    sheet = f" {origin.sheet}" if origin.sheet else ""
    return f"{Path(origin.file).name}{sheet} แถว {origin.row}"
