"""The rules that keep a rubric scoreable, each problem with the YAML path where it sits.

:func:`check_rubric` turns raw YAML data into a :class:`~pmqa_cli.rubric.model.Rubric`: the
schema (pydantic) first, then what the schema cannot say (duplicate ids, tiers out of order,
weights, thresholds, earlier ids), every problem gathered rather than the first raised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import (
    ValidationError,
)

from pmqa_cli.rubric.model import (
    CATEGORIES,
    DIMENSIONS,
    Indicator,
    Issue,
    Method,
    OfficeType,
    Rubric,
    RubricProblem,
)

__all__ = ["check_rubric"]


def _yaml_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _pydantic_problems(exc: ValidationError) -> list[RubricProblem]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = str(err["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        path = _yaml_path(loc)
        # Our validators name the field they complain about ("thresholds: ..."): attach it.
        head, sep, rest = message.partition(": ")
        if sep and head.isidentifier() and " " not in head:
            path = f"{path}.{head}" if path else head
            message = rest
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            message = "unknown field (a typo?); see docs/rubric-format.md for the fields allowed"
        problems.append(RubricProblem(path, message))
    return problems


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _duplicate_problems(raw: dict[str, Any]) -> list[RubricProblem]:
    """Ids must be unique across a rubric: they key rows in every workbook and every result.

    Checked on the raw data, so duplicates are reported even when other fields are broken.
    """
    seen: dict[str, str] = {}
    problems: list[RubricProblem] = []

    def claim(value: Any, path: str) -> None:
        if not isinstance(value, str) or not value:
            return
        if value in seen:
            problems.append(RubricProblem(path, f"duplicate id '{value}' (first at {seen[value]})"))
        else:
            seen[value] = path

    for i, issue in enumerate(_as_list(raw.get("issues"))):
        if not isinstance(issue, dict):
            continue
        claim(issue.get("id"), f"issues[{i}].id")
        tier_ids: Counter[Any] = Counter()
        for j, tier in enumerate(_as_list(issue.get("tiers"))):
            if not isinstance(tier, dict):
                continue
            tier_ids[tier.get("id")] += 1
            if tier_ids[tier.get("id")] > 1:
                problems.append(
                    RubricProblem(f"issues[{i}].tiers[{j}].id", "a tier appears twice in an issue")
                )
            for k, criterion in enumerate(_as_list(tier.get("criteria"))):
                if isinstance(criterion, dict):
                    claim(criterion.get("id"), f"issues[{i}].tiers[{j}].criteria[{k}].id")
    for i, ind in enumerate(_as_list(raw.get("indicators"))):
        if isinstance(ind, dict):
            claim(ind.get("id"), f"indicators[{i}].id")
    return problems


def _semantic_problems(rubric: Rubric) -> list[RubricProblem]:
    """Rules that need the whole, well-typed rubric."""
    problems: list[RubricProblem] = []
    scoring = rubric.scoring
    tier_order = [t.id for t in scoring.tiers]
    for i, issue in enumerate(rubric.issues):
        positions = []
        for j, tier in enumerate(issue.tiers):
            if tier.id not in tier_order:
                problems.append(
                    RubricProblem(
                        f"issues[{i}].tiers[{j}].id",
                        f"unknown tier '{tier.id}'; scoring.tiers defines {', '.join(tier_order)}",
                    )
                )
            else:
                positions.append(tier_order.index(tier.id))
        if positions != sorted(positions):
            problems.append(
                RubricProblem(
                    f"issues[{i}].tiers",
                    f"tiers must be in the order {', '.join(tier_order)}",
                )
            )
        if positions and positions[0] != 0:
            problems.append(
                RubricProblem(f"issues[{i}].tiers", f"the first tier must be '{tier_order[0]}'")
            )
    top = scoring.max_score
    for i, ind in enumerate(rubric.indicators):
        low, high = ind.value_range
        if ind.thresholds and ind.method is Method.INTERPOLATE:
            for edge, name in ((low, "valid_min"), (high, "valid_max")):
                if edge is None:
                    continue
                outside = [
                    t for t in ind.thresholds if (t < edge if name == "valid_min" else t > edge)
                ]
                if outside:
                    problems.append(
                        RubricProblem(
                            f"indicators[{i}].thresholds",
                            f"threshold {outside[0]:g} lies outside {name} {edge:g}",
                        )
                    )
        if ind.method is Method.TARGET_RATIO:
            bands = rubric.ratio_bands(ind)
            if not bands:
                problems.append(
                    RubricProblem(
                        f"indicators[{i}].bands",
                        "a target_ratio indicator needs bands: give scoring.target_ratio_bands "
                        "or the indicator's own bands",
                    )
                )
            over = [b.score for b in bands if b.score is not None and b.score > Decimal(str(top))]
            if over:
                problems.append(
                    RubricProblem(
                        f"indicators[{i}].bands",
                        f"band score {over[0]:g} is above the top score {top:g} "
                        "(scoring.level_scores)",
                    )
                )
    for i, issue in enumerate(rubric.issues):
        if not _unknown_tier(issue, tier_order) and rubric.issue_max(issue) > top:
            problems.append(
                RubricProblem(
                    f"issues[{i}].tiers",
                    f"tier points add up to {rubric.issue_max(issue):g}, above the top score "
                    f"{top:g} (scoring.level_scores)",
                )
            )
    problems += _previous_id_problems(rubric)
    present_categories = {issue.category for issue in rubric.issues}
    for category in CATEGORIES:
        if category not in present_categories:
            problems.append(
                RubricProblem("issues", f"category {category} has no issue", severity="warning")
            )
    present_dimensions = {ind.dimension for ind in rubric.indicators}
    for dimension in DIMENSIONS if rubric.indicators else ():
        if dimension not in present_dimensions:
            problems.append(
                RubricProblem(
                    "indicators", f"dimension {dimension} has no indicator", severity="warning"
                )
            )
    for office_type in OfficeType if rubric.indicators else ():
        if not any(ind.applies(office_type) for ind in rubric.indicators):
            problems.append(
                RubricProblem(
                    "indicators",
                    f"no indicator applies to {office_type.value} offices; their category 7 "
                    "score would be undefined",
                )
            )
    return problems


def _previous_id_problems(rubric: Rubric) -> list[RubricProblem]:
    """``previous_ids`` must each lead to one item: not another item's current id, not claimed
    twice (a comparison with an earlier year would not know which item it was)."""
    problems: list[RubricProblem] = []
    current = {item.id for item in rubric.scored_items()}
    claimed: dict[str, str] = {}
    items: list[tuple[str, Issue | Indicator]] = [
        *((f"issues[{i}]", x) for i, x in enumerate(rubric.issues)),
        *((f"indicators[{i}]", x) for i, x in enumerate(rubric.indicators)),
    ]
    for path, item in items:
        for j, old in enumerate(item.previous_ids):
            where = f"{path}.previous_ids[{j}]"
            if old != item.id and old in current:
                problems.append(
                    RubricProblem(where, f"'{old}' is the id of another item of this rubric")
                )
            elif old in claimed and claimed[old] != item.id:
                problems.append(
                    RubricProblem(where, f"'{old}' is already a previous id of {claimed[old]}")
                )
            else:
                claimed[old] = item.id
    return problems


def _unknown_tier(issue: Issue, tier_order: list[str]) -> bool:
    return any(t.id not in tier_order for t in issue.tiers)


def check_rubric(data: Any) -> tuple[Rubric | None, list[RubricProblem]]:
    """Validate parsed YAML. Returns the rubric (None when it has errors) and every problem.

    Warnings (a category or dimension with nothing in it) come back with a usable rubric.
    """
    if not isinstance(data, dict):
        return None, [RubricProblem("", "the file must hold a mapping (key: value) at the top")]
    problems = _duplicate_problems(data)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        return None, problems + _pydantic_problems(exc)
    problems += _semantic_problems(rubric)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return rubric, problems
