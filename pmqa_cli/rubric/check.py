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

#: What pydantic's own checks say, in Thai, by error type (its English message is kept as is).
_PYDANTIC_TH = {
    "missing": "ต้องระบุช่องนี้ แต่ไม่พบในไฟล์",
    "extra_forbidden": "ไม่รู้จักช่องนี้ (พิมพ์ผิดหรือไม่) ดูช่องที่ใช้ได้ใน docs/rubric-format.md",
    "decimal_parsing": "ต้องเป็นตัวเลข",
    "decimal_type": "ต้องเป็นตัวเลข",
    "float_parsing": "ต้องเป็นตัวเลข",
    "float_type": "ต้องเป็นตัวเลข",
    "finite_number": "ต้องเป็นตัวเลขที่มีค่าจำกัด (ไม่ใช่ '.inf' หรือ '.nan')",
    "int_parsing": "ต้องเป็นจำนวนเต็ม",
    "int_type": "ต้องเป็นจำนวนเต็ม",
    "int_from_float": "ต้องเป็นจำนวนเต็ม ไม่มีทศนิยม",
    "string_type": "ต้องเป็นข้อความ",
    "bool_parsing": "ต้องเป็น 'true' หรือ 'false'",
    "bool_type": "ต้องเป็น 'true' หรือ 'false'",
    "list_type": "ต้องเป็นรายการ (ขึ้นต้นแต่ละรายการด้วย -)",
    "dict_type": "ต้องเป็นชุดข้อมูลแบบ ชื่อ: ค่า",
    "model_type": "ต้องเป็นชุดข้อมูลแบบ ชื่อ: ค่า",
    "model_attributes_type": "ต้องเป็นชุดข้อมูลแบบ ชื่อ: ค่า",
    "enum": "ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected}",
    "literal_error": "ต้องเป็นค่าใดค่าหนึ่งต่อไปนี้: {expected}",
    "greater_than": "ต้องมากกว่า {gt}",
    "greater_than_equal": "ต้องไม่น้อยกว่า {ge}",
    "less_than": "ต้องน้อยกว่า {lt}",
    "less_than_equal": "ต้องไม่เกิน {le}",
    "too_short": "ต้องมีอย่างน้อย {min_length} รายการ",
    "too_long": "มีได้ไม่เกิน {max_length} รายการ",
    "string_too_short": "ต้องไม่เว้นว่าง (อย่างน้อย {min_length} ตัวอักษร)",
}
_PYDANTIC_OTHER_TH = "ค่านี้ใช้ไม่ได้ ตรวจชนิดของค่าตามที่ docs/rubric-format.md กำหนด"


def _quoted(ids: Iterable[str]) -> str:
    """Ids as Thai text names them: quoted, like any value typed in the YAML."""
    return ", ".join(f"'{i}'" for i in ids)


def _in_thai(err: Any) -> str:
    """A pydantic error in Thai: the rule's own Thai message (:class:`RuleError`), or its type's."""
    ctx = err.get("ctx") or {}
    thai = getattr(ctx.get("error"), "th", "")
    if thai:
        return str(thai)
    words = {k: str(v).replace(" or ", " หรือ ") for k, v in ctx.items() if k != "error"}
    try:
        return _PYDANTIC_TH.get(str(err["type"]), _PYDANTIC_OTHER_TH).format(**words)
    except (KeyError, IndexError):
        return _PYDANTIC_OTHER_TH


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
        problems.append(RubricProblem(path, message, th=_in_thai(err)))
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
            problems.append(
                RubricProblem(
                    path,
                    f"duplicate id '{value}' (first at {seen[value]})",
                    th=f"รหัส '{value}' ซ้ำ (ใช้ครั้งแรกที่ '{seen[value]}') รหัสต้องไม่ซ้ำกันทั้งไฟล์",
                )
            )
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
                    RubricProblem(
                        f"issues[{i}].tiers[{j}].id",
                        "a tier appears twice in an issue",
                        th="ระดับนี้ซ้ำในประเด็นเดียวกัน ให้แต่ละระดับมีเพียงครั้งเดียว",
                    )
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
                        th=f"ไม่รู้จักระดับ '{tier.id}' ระดับที่ scoring.tiers กำหนดไว้คือ "
                        f"{_quoted(tier_order)}",
                    )
                )
            else:
                positions.append(tier_order.index(tier.id))
        if positions != sorted(positions):
            problems.append(
                RubricProblem(
                    f"issues[{i}].tiers",
                    f"tiers must be in the order {', '.join(tier_order)}",
                    th=f"เรียงระดับตามลำดับ {_quoted(tier_order)}",
                )
            )
        if positions and positions[0] != 0:
            problems.append(
                RubricProblem(
                    f"issues[{i}].tiers",
                    f"the first tier must be '{tier_order[0]}'",
                    th=f"ระดับแรกต้องเป็น '{tier_order[0]}'",
                )
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
                            th=f"ค่าเกณฑ์ {outside[0]:g} อยู่นอก '{name}' {edge:g} "
                            "ปรับค่าเกณฑ์หรือช่วงค่าที่ยอมรับให้สอดคล้องกัน",
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
                        th="ตัวชี้วัดแบบ 'target_ratio' ต้องมีช่วงคะแนน กำหนด "
                        "scoring.target_ratio_bands หรือ 'bands' ของตัวชี้วัดเอง",
                    )
                )
            over = [b.score for b in bands if b.score is not None and b.score > Decimal(str(top))]
            if over:
                problems.append(
                    RubricProblem(
                        f"indicators[{i}].bands",
                        f"band score {over[0]:g} is above the top score {top:g} "
                        "(scoring.level_scores)",
                        th=f"คะแนนของช่วง {over[0]:g} สูงกว่าคะแนนสูงสุด {top:g} (scoring.level_scores)",
                    )
                )
    for i, issue in enumerate(rubric.issues):
        if not _unknown_tier(issue, tier_order) and rubric.issue_max(issue) > top:
            problems.append(
                RubricProblem(
                    f"issues[{i}].tiers",
                    f"tier points add up to {rubric.issue_max(issue):g}, above the top score "
                    f"{top:g} (scoring.level_scores)",
                    th=f"คะแนนของทุกระดับรวมกันได้ {rubric.issue_max(issue):g} เกินคะแนนสูงสุด "
                    f"{top:g} (scoring.level_scores)",
                )
            )
    problems += _previous_id_problems(rubric)
    present_categories = {issue.category for issue in rubric.issues}
    for category in CATEGORIES:
        if category not in present_categories:
            problems.append(
                RubricProblem(
                    "issues",
                    f"category {category} has no issue",
                    severity="warning",
                    th=f"หมวด {category} ไม่มีประเด็นใดเลย",
                )
            )
    present_dimensions = {ind.dimension for ind in rubric.indicators}
    for dimension in DIMENSIONS if rubric.indicators else ():
        if dimension not in present_dimensions:
            problems.append(
                RubricProblem(
                    "indicators",
                    f"dimension {dimension} has no indicator",
                    severity="warning",
                    th=f"มิติ {dimension} ไม่มีตัวชี้วัดใดเลย",
                )
            )
    for office_type in OfficeType if rubric.indicators else ():
        if not any(ind.applies(office_type) for ind in rubric.indicators):
            problems.append(
                RubricProblem(
                    "indicators",
                    f"no indicator applies to {office_type.value} offices; their category 7 "
                    "score would be undefined",
                    th=f"ไม่มีตัวชี้วัดใดใช้กับ {office_type.abbrev_th} "
                    "จึงคิดคะแนนหมวด 7 ของหน่วยงานประเภทนี้ไม่ได้",
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
                    RubricProblem(
                        where,
                        f"'{old}' is the id of another item of this rubric",
                        th=f"'{old}' เป็นรหัสของรายการอื่นในเกณฑ์นี้",
                    )
                )
            elif old in claimed and claimed[old] != item.id:
                problems.append(
                    RubricProblem(
                        where,
                        f"'{old}' is already a previous id of {claimed[old]}",
                        th=f"'{old}' เป็นรหัสเดิม ('previous_ids') ของ {claimed[old]} อยู่แล้ว",
                    )
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
        top = RubricProblem(
            "",
            "the file must hold a mapping (key: value) at the top",
            th="ระดับบนสุดของไฟล์ต้องเป็นชุดข้อมูลแบบ ชื่อ: ค่า",
        )
        return None, [top]
    problems = _duplicate_problems(data)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        return None, problems + _pydantic_problems(exc)
    problems += _semantic_problems(rubric)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return rubric, problems
