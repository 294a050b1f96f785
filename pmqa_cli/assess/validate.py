"""Every finding about a value, in one place.

The reader (:mod:`pmqa_cli.assess.submission`) finds sheets, headers, rows and cells and hands
each item's cells here; this module turns what people typed into values, with a finding for
anything it cannot take as it is (:func:`read_answer`, :func:`read_number`,
:func:`value_for_other_type`). :func:`validate_answers` then checks the answers against the
rubric (missing answers, tiers answered out of order, values outside what an indicator accepts)
and says which values score zero, so that the engine (:mod:`pmqa_cli.assess.scoring`) is pure
arithmetic over validated answers and never reports anything itself.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pmqa_cli.assess.answers import Answers, IndicatorAnswer, Location, target_key
from pmqa_cli.assess.tiers import tiers_met
from pmqa_cli.core.findings import Finding, make_finding
from pmqa_cli.io.values import CellValue, number_problem, parse_number, parse_yes_no, plain
from pmqa_cli.rubric.model import Indicator, Method, OfficeType, Rubric
from pmqa_cli.rubric.units import unit_label

__all__ = [
    "Location",
    "Validated",
    "check_value",
    "read_answer",
    "read_number",
    "read_target",
    "rejects",
    "validate_answers",
    "value_for_other_type",
]


def _nowhere(_: str) -> tuple[str | None, str | None]:
    return None, None


# --- a cell's text becomes a value ------------------------------------------------------------


def read_answer(
    value: CellValue, shown: str, *, sheet: str, cell: str, item_id: str
) -> tuple[bool | None, list[Finding]]:
    """A met / not-met cell: the answer, or an answer-invalid finding for anything else."""
    parsed = parse_yes_no(value)
    if parsed.problem:
        finding = make_finding(parsed.problem, sheet=sheet, cell=cell, item_id=item_id, value=shown)
        return None, [finding]
    return (parsed.value if isinstance(parsed.value, bool) else None), []


def read_number(
    indicator: Indicator, value: CellValue, shown: str, *, percent_cell: bool, sheet: str, cell: str
) -> tuple[Decimal | None, bool, list[Finding]]:
    """An indicator's result cell: (the exact value, marked N/A, findings).

    A value that is not a number or has a decimal comma is a finding and no value; a fraction
    typed for a percentage (0.85 where every threshold is 10 % or more) is read as typed, with a
    value-percent-fraction finding.
    """
    percent_unit = indicator.unit == "percent"
    parsed = parse_number(value, percent_cell=percent_cell, percent_unit=percent_unit)
    if parsed.problem:
        code, params = number_problem(parsed, shown, indicator.unit)
        finding = make_finding(code, sheet=sheet, cell=cell, item_id=indicator.id, **params)
        return None, False, [finding]
    number = parsed.value if isinstance(parsed.value, Decimal) else None
    findings = []
    if (
        number is not None
        and percent_unit
        and not percent_cell
        and 0 < number <= 1
        and indicator.thresholds
        and min(indicator.thresholds) >= 10
    ):
        # Every threshold is 10% or more, so 0.85 is a fraction typed for 85%.
        findings.append(
            make_finding(
                "value-percent-fraction",
                sheet=sheet,
                cell=cell,
                item_id=indicator.id,
                value=plain(number),
                suggested=plain(number.scaleb(2)),
            )
        )
    return number, parsed.not_applicable, findings


def read_target(
    indicator: Indicator, value: CellValue, shown: str, *, percent_cell: bool, sheet: str, cell: str
) -> tuple[Decimal | None, list[Finding]]:
    """An office's own target for a target-ratio indicator: a number above 0, or a finding
    (value-not-number, or value-out-of-range for zero and below: the result is divided by it)."""
    parsed = parse_number(
        value, percent_cell=percent_cell, percent_unit=indicator.unit == "percent"
    )
    number = parsed.value if isinstance(parsed.value, Decimal) else None
    if parsed.problem or parsed.not_applicable:
        code, params = number_problem(parsed, shown, indicator.unit)
        return None, [make_finding(code, sheet=sheet, cell=cell, item_id=indicator.id, **params)]
    if number is not None and number <= 0:
        high = indicator.valid_max
        finding = make_finding(
            "value-out-of-range",
            sheet=sheet,
            cell=cell,
            item_id=indicator.id,
            value=plain(number),
            low="> 0",
            high="" if high is None else plain(high),
        )
        return None, [finding]
    return number, []


def value_for_other_type(
    indicator: Indicator, office_type: OfficeType | None, *, sheet: str, cell: str
) -> Finding:
    """A value given for an indicator the office's type does not have: a warning (it may
    reveal a wrong office type), never an error."""
    return make_finding(
        "value-not-for-type",
        sheet=sheet,
        cell=cell,
        item_id=indicator.id,
        applies_th="สพป." if indicator.applies_to == "primary" else "สพม.",
        applies_en=indicator.applies_to,
        office_th=office_type.abbrev_th if office_type else "",
        office_en=office_type.value if office_type else "",
    )


# --- answers against the rubric ---------------------------------------------------------------


@dataclass(frozen=True)
class Validated:
    """Answers checked against a rubric: the findings, and the indicators whose value the
    rubric does not accept (they score zero)."""

    answers: Answers
    rejected: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)


def check_value(indicator: Indicator, value: Decimal) -> tuple[str, dict[str, Any]] | None:
    """The finding code (and its parameters) for a value the rubric does not accept."""
    shown = plain(value)
    if not value.is_finite():
        units = {"unit": unit_label(indicator.unit, "en"), "unit_th": unit_label(indicator.unit)}
        return "value-not-number", {"value": shown, **units}
    if indicator.unit == "percent" and value > 100:
        return "value-percent-over-100", {"value": shown}
    if indicator.method is Method.STEPS and value != value.to_integral_value():
        return "value-not-whole", {"value": shown}
    low, high = indicator.value_range
    if (low is not None and value < low) or (high is not None and value > high):
        return "value-out-of-range", {
            "value": shown,
            "low": "" if low is None else plain(low),
            "high": "" if high is None else plain(high),
        }
    return None


def rejects(
    indicator: Indicator,
    given: IndicatorAnswer | None,
    office_type: OfficeType | None,
    reported: Collection[str] = (),
) -> bool:
    """Whether :func:`validate_answers` rejects this indicator's answer (it scores zero): a
    value the rubric does not accept, where the indicator applies and N/A does not stand. For
    a caller that changes one answer of answers validated once (the next steps)."""
    given = given or IndicatorAnswer()
    if not indicator.applies(office_type):
        return False
    value = given.value
    if given.not_applicable and value is None and indicator.na_allowed:
        return False  # N/A, and allowed: not scored
    if indicator.id in reported or value is None:
        return False
    return check_value(indicator, value) is not None


def validate_answers(
    rubric: Rubric,
    answers: Answers,
    where: Location | None = None,
    reported: Collection[str] = (),
) -> Validated:
    """Check answers against the rubric.

    ``where`` maps an item id to its (sheet, cell) for the findings. ``reported`` lists items
    whose cell already has a finding (not a number, a formula with no value, no row at all):
    they are not reported a second time as missing.
    """
    locate = where or _nowhere
    findings: list[Finding] = []

    def finding(code: str, item_id: str, at: str | None = None, **params: Any) -> None:
        sheet, cell = locate(at or item_id)
        findings.append(make_finding(code, item_id=item_id, sheet=sheet, cell=cell, **params))

    for issue in rubric.issues:
        for scored in tiers_met(rubric, issue, answers.criteria):
            tier, met = scored.tier, scored.answers
            for criterion, answer in zip(tier.criteria, met, strict=True):
                if answer is None and criterion.id not in reported:
                    finding("answer-missing", criterion.id)
            if not scored.counted and any(met):
                # Met while a lower tier is incomplete: it earns nothing yet.
                first = next(c for c, a in zip(tier.criteria, met, strict=True) if a)
                default = rubric.tier_default(tier.id)
                finding(
                    "tier-gated",
                    issue.id,
                    at=first.id,
                    tier=default.title_th,
                    tier_en=default.title_en,
                )

    rejected: set[str] = set()
    for indicator in rubric.indicators:
        given = answers.indicators.get(indicator.id) or IndicatorAnswer()
        if not indicator.applies(answers.office_type):
            continue  # not scored; a value typed anyway is the reader's value-not-for-type
        value, item = given.value, indicator.id
        if given.not_applicable and value is not None:
            finding("value-and-na", item)
        na = given.not_applicable and value is None
        if na and not indicator.na_allowed:
            finding("value-na-not-allowed", item)
            na = False
        if na:
            continue
        if (
            indicator.method is Method.TARGET_RATIO
            and indicator.rubric_target is None
            and (given.target is None or given.target <= 0)
            and target_key(item) not in reported
        ):
            # A target the office was to type is an answer like any other, in its own cell.
            finding("answer-missing", item, at=target_key(item))
        if item in reported:
            continue
        if value is None:
            finding("answer-missing", item)
            continue
        problem = check_value(indicator, value)
        if problem:
            finding(problem[0], item, **problem[1])
            rejected.add(item)
    return Validated(answers, frozenset(rejected), findings)
