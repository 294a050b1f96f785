"""Rubric files: what is assessed and how it is scored, loaded and checked from YAML.

A rubric is data. Everything about the 8 issues and 12 indicators of a fiscal year lives in a
YAML file (see docs/rubric-format.md); this module only knows the *shape* of such a file and the
rules that keep it scoreable. Loading never raises a bare traceback at a user: every problem is
gathered into a :class:`RubricError` with the YAML path where it sits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from pmqa_cli.core.errors import PmqaError
from pmqa_cli.core.hashing import sha256_bytes

__all__ = [
    "DEFAULT_RUBRIC_ID",
    "WORKBOOK_TARGET",
    "Aggregation",
    "Band",
    "Criterion",
    "Direction",
    "Indicator",
    "Issue",
    "Method",
    "OfficeType",
    "PartWeights",
    "RatioBand",
    "Rubric",
    "RubricError",
    "RubricProblem",
    "Scoring",
    "Tier",
    "TierDefault",
    "check_rubric",
    "default_rubric_path",
    "load_rubric",
    "resolve_rubric",
    "shipped_rubrics",
]

DEFAULT_RUBRIC_ID = "obec-esao-2567"

CATEGORIES = (1, 2, 3, 4, 5, 6)
DIMENSIONS = ("7.1", "7.2", "7.3", "7.4", "7.5", "7.6")


class OfficeType(str, Enum):
    """The two kinds of Educational Service Area Office."""

    PRIMARY = "primary"  # สพป.
    SECONDARY = "secondary"  # สพม.

    @property
    def abbrev_th(self) -> str:
        """The Thai abbreviation used on every document (สพป. / สพม.)."""
        return "สพป." if self is OfficeType.PRIMARY else "สพม."


class Direction(str, Enum):
    """Whether a larger indicator value is better or worse."""

    HIGHER = "higher"
    LOWER = "lower"


class Method(str, Enum):
    """How an indicator's value becomes a score."""

    INTERPOLATE = "interpolate"
    STEPS = "steps"
    PASS_FAIL = "pass_fail"
    TARGET_RATIO = "target_ratio"


class Aggregation(str, Enum):
    """How item scores combine into the overall score (docs/scoring.md)."""

    #: Categories 1-6 (weighted mean of all issues) and category 7 (weighted mean of all
    #: indicators) combined by ``part_weights``: OBEC's FY 2567 scheme.
    WEIGHTED_PARTS = "weighted_parts"
    #: Each category is the weighted mean of its items, category 7 the mean of its dimensions,
    #: and the overall the plain mean of the categories (category 7 counted as one): OPDC's scheme.
    CATEGORY_MEAN = "category_mean"


#: ``target: workbook`` on a target-ratio indicator: each office types its own target.
WORKBOOK_TARGET = "workbook"


def _tidy(value: Decimal) -> Decimal:
    """A rubric number as written, without trailing zeros: 1.0 -> 1, 0.80 -> 0.8, 100 -> 100."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


#: A rubric number: an exact decimal from the YAML text (never a binary float).
Exact = Annotated[Decimal, AfterValidator(_tidy)]


class _Model(BaseModel):
    # Unknown keys are typos in a hand-edited file: refuse them rather than ignore them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Model):
    """One checklist item of a tier: met or not met."""

    id: str = Field(min_length=1)
    text_th: str = Field(min_length=1)
    text_en: str = ""
    evidence_required: bool = False


class TierDefault(_Model):
    """A tier as the scoring section defines it: its name and default points."""

    id: str = Field(min_length=1)
    title_th: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    points: Exact = Field(gt=0)


class Tier(_Model):
    """One tier of an issue (Basic, Advance or Significance) with its criteria."""

    id: str = Field(min_length=1)
    points: Exact | None = Field(default=None, gt=0)
    criteria: list[Criterion] = Field(min_length=1)


class Issue(_Model):
    """A PMQA 4.0 issue (ประเด็น) in one of categories 1-6."""

    id: str = Field(min_length=1)
    category: int = Field(ge=1, le=6)
    title_th: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    weight: Exact = Field(gt=0)
    tiers: list[Tier] = Field(min_length=1)
    # Ids this issue had in earlier rubrics, so a comparison with an earlier year finds it.
    previous_ids: list[str] = Field(default_factory=list)


class RatioBand(_Model):
    """One band of the target-ratio scale.

    A success rate (result / target x 100) up to and including ``up_to`` per cent scores
    ``score``, or ``multiply`` x the success rate. The last band has no ``up_to``: it takes
    everything above the band before it.
    """

    up_to: Decimal | None = None
    score: Decimal | None = Field(default=None, ge=0)
    multiply: Decimal | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_rule(self) -> RatioBand:
        if (self.score is None) == (self.multiply is None):
            raise ValueError("score: give a band either a score or a multiply factor, not both")
        return self


def _check_ratio_bands(bands: list[RatioBand], name: str) -> None:
    if not bands:
        raise ValueError(f"{name}: list at least one band")
    if any(b.up_to is None for b in bands[:-1]):
        raise ValueError(f"{name}: only the last band may leave out up_to")
    if bands[-1].up_to is not None:
        raise ValueError(f"{name}: the last band has no up_to (it takes everything above)")
    edges = [b.up_to for b in bands[:-1] if b.up_to is not None]
    if any(a >= b for a, b in pairwise(edges)):
        raise ValueError(f"{name}: up_to must increase strictly")


class Indicator(_Model):
    """A category 7 outcome indicator (ตัวชี้วัด)."""

    id: str = Field(min_length=1)
    dimension: Literal["7.1", "7.2", "7.3", "7.4", "7.5", "7.6"]
    title_th: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    direction: Direction = Direction.HIGHER
    method: Method = Method.INTERPOLATE
    thresholds: list[Exact] | None = None
    steps: list[str] | None = None
    weight: Exact = Field(gt=0)
    applies_to: Literal["primary", "secondary", "both"] = "both"
    valid_min: Exact | None = None
    valid_max: Exact | None = None
    na_allowed: bool = False
    evidence_required: bool = False
    source_th: str = ""
    #: target_ratio only: the target, or "workbook" when each office types its own.
    target: Decimal | Literal["workbook"] | None = None
    #: target_ratio only: bands for this indicator instead of scoring.target_ratio_bands.
    bands: list[RatioBand] | None = None
    # Ids this indicator had in earlier rubrics, so a comparison with an earlier year finds it.
    previous_ids: list[str] = Field(default_factory=list)
    # How far central data may differ from the office's value before it is a finding
    # (docs/verification.md); None: any difference at the rubric's decimals.
    tolerance: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check_method(self) -> Indicator:
        if self.method is Method.INTERPOLATE:
            if self.thresholds is None or len(self.thresholds) != 5:
                raise ValueError("thresholds: an interpolate indicator needs 5 thresholds")
            pairs = list(pairwise(self.thresholds))
            if self.direction is Direction.HIGHER and any(a >= b for a, b in pairs):
                raise ValueError(
                    "thresholds: must increase strictly for a higher-is-better indicator"
                )
            if self.direction is Direction.LOWER and any(a <= b for a, b in pairs):
                raise ValueError(
                    "thresholds: must decrease strictly for a lower-is-better indicator"
                )
        elif self.thresholds is not None:
            raise ValueError(f"thresholds: not used by the {self.method.value} method; remove them")
        if self.method is Method.TARGET_RATIO:
            if self.target is None:
                raise ValueError(
                    "target: a target_ratio indicator needs a target (a number, or 'workbook' "
                    "when each office enters its own)"
                )
            if isinstance(self.target, Decimal) and self.target <= 0:
                raise ValueError("target: must be above 0 (the result is divided by it)")
            if self.bands is not None:
                _check_ratio_bands(self.bands, "bands")
        else:
            if self.target is not None:
                raise ValueError("target: only a target_ratio indicator has a target")
            if self.bands is not None:
                raise ValueError("bands: only a target_ratio indicator has bands")
        if self.method is not Method.STEPS and self.steps is not None:
            raise ValueError("steps: only a steps indicator lists steps")
        if self.method is Method.STEPS and self.steps is not None and len(self.steps) != 5:
            raise ValueError("steps: a steps indicator lists exactly 5 steps")
        if (
            self.valid_min is not None
            and self.valid_max is not None
            and self.valid_min >= self.valid_max
        ):
            raise ValueError("valid_min: must be below valid_max")
        return self

    def applies(self, office_type: OfficeType | None) -> bool:
        """Whether this indicator is assessed for an office of the given type.

        An office of unknown type is assessed on every indicator, so nothing silently drops out.
        """
        return office_type is None or self.applies_to in ("both", office_type.value)

    @property
    def target_from_workbook(self) -> bool:
        """Whether each office enters this indicator's target in its workbook."""
        return self.target == WORKBOOK_TARGET

    @property
    def rubric_target(self) -> Decimal | None:
        """The target the rubric sets (None when there is none, or each office sets its own)."""
        return self.target if isinstance(self.target, Decimal) else None

    @property
    def value_range(self) -> tuple[Decimal | None, Decimal | None]:
        """The range a reported value must fall in (steps: 0-5, pass_fail: 0-1)."""
        if self.method is Method.STEPS:
            return (Decimal(0), Decimal(5))
        if self.method is Method.PASS_FAIL:
            return (Decimal(0), Decimal(1))
        return (self.valid_min, self.valid_max)


class Band(_Model):
    """A labelled range that starts at ``min`` and runs to the next band's ``min``."""

    min: Exact
    label_th: str = Field(min_length=1)
    label_en: str = Field(min_length=1)


class PartWeights(_Model):
    """How the two parts combine into the overall score (weighted_parts aggregation)."""

    pmqa: Exact = Field(default=Decimal(55), gt=0)
    results: Exact = Field(default=Decimal(45), gt=0)


class Scoring(_Model):
    """The numbers every score is built from."""

    decimals: int = Field(default=4, ge=0, le=10)
    value_decimals: int = Field(default=2, ge=0, le=10)
    level_scores: list[Exact] = Field(
        default=[Decimal(n) for n in (100, 200, 300, 400, 500)], min_length=5, max_length=5
    )
    tiers: list[TierDefault] = Field(min_length=1)
    aggregation: Aggregation = Aggregation.WEIGHTED_PARTS
    part_weights: PartWeights = PartWeights()
    target_ratio_bands: list[RatioBand] | None = None
    below_first_tier_th: str = "ยังไม่ผ่านระดับพื้นฐาน"
    below_first_tier_en: str = "Below Basic"
    pmqa_status_bands: list[Band] = Field(min_length=1)
    overall_bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_levels(self) -> Scoring:
        if any(a >= b for a, b in pairwise(self.level_scores)):
            raise ValueError("level_scores: must increase strictly")
        if self.level_scores[0] <= 0:
            raise ValueError("level_scores: must be positive")
        for name in ("pmqa_status_bands", "overall_bands"):
            bands: list[Band] = getattr(self, name)
            if any(a.min >= b.min for a, b in pairwise(bands)):
                raise ValueError(f"{name}: band edges (min) must increase strictly")
            if bands[0].min > 0:
                raise ValueError(f"{name}: the first band must start at 0 or below")
        if (
            self.aggregation is Aggregation.CATEGORY_MEAN
            and "part_weights" in self.model_fields_set
        ):
            raise ValueError(
                "part_weights: not used with aggregation category_mean (the overall is the mean "
                "of the categories); remove it"
            )
        if self.target_ratio_bands is not None:
            _check_ratio_bands(self.target_ratio_bands, "target_ratio_bands")
        return self

    @property
    def max_score(self) -> Decimal:
        """The top score of any item (level 5)."""
        return self.level_scores[-1]


class Rubric(_Model):
    """A whole rubric: identity, the issues of categories 1-6 and the indicators of category 7."""

    id: str = Field(min_length=1)
    fiscal_year: int = Field(ge=2500, le=2700)
    version: str = Field(min_length=1)
    title_th: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    contact_th: str = ""
    source_note: str = ""
    scoring: Scoring
    issues: list[Issue] = Field(min_length=1)
    #: Category 7; may be empty (a rubric of categories 1-6 only).
    indicators: list[Indicator] = Field(default_factory=list)
    # Set by load_rubric from the file's bytes, so a submission can be matched to its rubric.
    sha256: str = ""

    def tier_default(self, tier_id: str) -> TierDefault:
        """The scoring section's definition of a tier."""
        for tier in self.scoring.tiers:
            if tier.id == tier_id:
                return tier
        raise KeyError(tier_id)

    def tier_points(self, tier: Tier) -> Decimal:
        """Points of a tier: its own ``points`` or the scoring section's default."""
        return tier.points if tier.points is not None else self.tier_default(tier.id).points

    def issue_max(self, issue: Issue) -> Decimal:
        """The most an issue can score (the sum of its tiers' points)."""
        return sum((self.tier_points(t) for t in issue.tiers), Decimal(0))

    def criteria(self) -> Iterator[tuple[Issue, Tier, Criterion]]:
        """Every criterion, in rubric order, with its issue and tier."""
        for issue in self.issues:
            for tier in issue.tiers:
                for criterion in tier.criteria:
                    yield issue, tier, criterion

    def ratio_bands(self, indicator: Indicator) -> list[RatioBand]:
        """The bands a target-ratio indicator is scored by (its own, or the scoring section's)."""
        return indicator.bands or self.scoring.target_ratio_bands or []

    @property
    def has_workbook_targets(self) -> bool:
        """Whether any indicator takes its target from the office's workbook."""
        return any(i.target_from_workbook for i in self.indicators)

    @property
    def category_ids(self) -> list[str]:
        """The categories present, in order: "1"-"6" that have issues, "7" if any indicator."""
        ids = [str(c) for c in sorted({i.category for i in self.issues})]
        return ids + (["7"] if self.indicators else [])

    def scored_items(self) -> Iterator[Issue | Indicator]:
        """Every item that has a score of its own: the issues, then the indicators."""
        yield from self.issues
        yield from self.indicators

    def indicator(self, indicator_id: str) -> Indicator:
        """Look an indicator up by id."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)


@dataclass(frozen=True)
class RubricProblem:
    """One thing wrong with a rubric file, at a YAML path such as ``indicators[4].thresholds``."""

    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"


class RubricError(PmqaError):
    """A rubric file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: Sequence[RubricProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"The rubric {source} has {len(self.problems)} problem(s):\n{lines}")


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


_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+][0-9]+)?")


class _ExactLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a YAML float becomes the Decimal of its text.

    ``0.1`` in a rubric is exactly one tenth: going through a binary float would make it
    0.1000000000000000055511151231257827 before any score is computed.
    """


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if _YAML_FLOAT.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
            pass
    return loader.construct_yaml_float(node)  # .inf, .nan and 60-base numbers: as YAML says


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def load_rubric(path: Path | str | None = None) -> tuple[Rubric, list[RubricProblem]]:
    """Load and check a rubric file (the shipped default when ``path`` is None).

    Returns the rubric and its warnings; raises :class:`RubricError` listing every error.
    """
    file = Path(path) if path is not None else default_rubric_path()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RubricError(
            str(file), [RubricProblem("", f"cannot read the file: {exc.strerror}")]
        ) from exc
    try:
        data = yaml.load(raw.decode("utf-8-sig"), Loader=_ExactLoader)
    except UnicodeDecodeError:
        raise RubricError(str(file), [RubricProblem("", "the file is not UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise RubricError(str(file), [RubricProblem(where, f"not valid YAML: {reason}")]) from None
    rubric, problems = check_rubric(data)
    if rubric is None:
        raise RubricError(str(file), problems)
    return rubric.model_copy(update={"sha256": sha256_bytes(raw)}), problems


def _rubric_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent
    # Installed wheel: pmqa_cli/rubrics. Source checkout or editable install: ../rubrics.
    return [d for d in (here / "rubrics", here.parent / "rubrics") if d.is_dir()]


def shipped_rubrics() -> list[Path]:
    """The rubric files that ship with pmqa."""
    for directory in _rubric_dirs():
        files = sorted(directory.glob("*.yaml"))
        if files:
            return files
    return []


def default_rubric_path() -> Path:
    """The shipped rubric used when no ``--rubric`` is given."""
    for file in shipped_rubrics():
        if file.stem == DEFAULT_RUBRIC_ID:
            return file
    raise RubricError(
        DEFAULT_RUBRIC_ID,
        [RubricProblem("", "the shipped rubric is missing from this installation; reinstall pmqa")],
    )


def resolve_rubric(path: Path | None) -> Path | None:
    """A rubric file, or the file of a shipped rubric named by its id (``opdc-pmqa4-24``), so
    an installed pmqa's rubrics are usable without knowing where they were installed. A path
    that exists always wins; anything else is returned as given (loading it says what is
    wrong)."""
    if path is None or path.exists() or path.parent != Path():
        return path
    for file in shipped_rubrics():
        if path.name in (file.stem, file.name):
            return file
    return path
