"""The rubric's shape: what is assessed and how it is scored (loaded by :mod:`.load`, checked
by :mod:`.check`).

A rubric is data. Everything about the 8 issues and 12 indicators of a fiscal year lives in a
YAML file (see docs/rubric-format.md); this module only knows the *shape* of such a file and the
rules that keep it scoreable. Loading never raises a bare traceback at a user: every problem is
gathered into a :class:`RubricError` with the YAML path where it sits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from pmqa_cli.core.errors import PmqaError

__all__ = [
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
    "RuleError",
    "Scoring",
    "Tier",
    "TierDefault",
]


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


class RuleError(ValueError):
    """A rule of the rubric broken, raised inside a validator: ``"field: message"`` in English
    (the field becomes part of the YAML path) and ``th``, the message in Thai without the field.
    """

    def __init__(self, field: str, en: str, th: str) -> None:
        super().__init__(f"{field}: {en}")
        self.th = th


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
            raise RuleError(
                "score",
                "give a band either a score or a multiply factor, not both",
                "ให้แต่ละช่วงมี 'score' หรือ 'multiply' อย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสองหรือไม่มีเลย",
            )
        return self


def _check_ratio_bands(bands: list[RatioBand], name: str) -> None:
    if not bands:
        raise RuleError(name, "list at least one band", "ระบุอย่างน้อยหนึ่งช่วง")
    if any(b.up_to is None for b in bands[:-1]):
        raise RuleError(
            name, "only the last band may leave out up_to", "เฉพาะช่วงสุดท้ายเท่านั้นที่ไม่ต้องระบุ 'up_to'"
        )
    if bands[-1].up_to is not None:
        raise RuleError(
            name,
            "the last band has no up_to (it takes everything above)",
            "ช่วงสุดท้ายต้องไม่มี 'up_to' (ครอบคลุมค่าที่สูงกว่าช่วงก่อนหน้าทั้งหมด)",
        )
    edges = [b.up_to for b in bands[:-1] if b.up_to is not None]
    if any(a >= b for a, b in pairwise(edges)):
        raise RuleError(
            name, "up_to must increase strictly", "ค่า 'up_to' ต้องเพิ่มขึ้นทุกช่วง ห้ามซ้ำหรือลดลง"
        )


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
                raise RuleError(
                    "thresholds",
                    "an interpolate indicator needs 5 thresholds",
                    "ตัวชี้วัดแบบ 'interpolate' ต้องมีค่าเกณฑ์ 5 ค่า (ระดับ 1-5)",
                )
            pairs = list(pairwise(self.thresholds))
            if self.direction is Direction.HIGHER and any(a >= b for a, b in pairs):
                raise RuleError(
                    "thresholds",
                    "must increase strictly for a higher-is-better indicator",
                    "ตัวชี้วัดที่ยิ่งมากยิ่งดี ค่าเกณฑ์ต้องเพิ่มขึ้นทุกระดับ",
                )
            if self.direction is Direction.LOWER and any(a <= b for a, b in pairs):
                raise RuleError(
                    "thresholds",
                    "must decrease strictly for a lower-is-better indicator",
                    "ตัวชี้วัดที่ยิ่งน้อยยิ่งดี ค่าเกณฑ์ต้องลดลงทุกระดับ",
                )
        elif self.thresholds is not None:
            raise RuleError(
                "thresholds",
                f"not used by the {self.method.value} method; remove them",
                f"วิธีคิดคะแนน '{self.method.value}' ไม่ใช้ค่าเกณฑ์ ให้ลบออก",
            )
        if self.method is Method.TARGET_RATIO:
            if self.target is None:
                raise RuleError(
                    "target",
                    "a target_ratio indicator needs a target (a number, or "
                    "'workbook' when each office enters its own)",
                    "ตัวชี้วัดแบบ 'target_ratio' ต้องมีค่าเป้าหมาย (ตัวเลข หรือ 'workbook' "
                    "เมื่อแต่ละหน่วยงานกรอกค่าเป้าหมายเอง)",
                )
            if isinstance(self.target, Decimal) and self.target <= 0:
                raise RuleError(
                    "target",
                    "must be above 0 (the result is divided by it)",
                    "ค่าเป้าหมายต้องมากกว่า 0 (ผลการดำเนินงานจะถูกหารด้วยค่านี้)",
                )
            if self.bands is not None:
                _check_ratio_bands(self.bands, "bands")
        else:
            if self.target is not None:
                raise RuleError(
                    "target",
                    "only a target_ratio indicator has a target",
                    "เฉพาะตัวชี้วัดแบบ 'target_ratio' เท่านั้นที่มีค่าเป้าหมาย ให้ลบออก",
                )
            if self.bands is not None:
                raise RuleError(
                    "bands",
                    "only a target_ratio indicator has bands",
                    "เฉพาะตัวชี้วัดแบบ 'target_ratio' เท่านั้นที่มีช่วงคะแนน ให้ลบออก",
                )
        if self.method is not Method.STEPS and self.steps is not None:
            raise RuleError(
                "steps",
                "only a steps indicator lists steps",
                "เฉพาะตัวชี้วัดแบบ 'steps' เท่านั้นที่ระบุขั้นตอน ให้ลบออก",
            )
        if self.method is Method.STEPS and self.steps is not None and len(self.steps) != 5:
            raise RuleError(
                "steps",
                "a steps indicator lists exactly 5 steps",
                "ตัวชี้วัดแบบ 'steps' ต้องระบุขั้นตอนครบ 5 ขั้นพอดี",
            )
        if (
            self.valid_min is not None
            and self.valid_max is not None
            and self.valid_min >= self.valid_max
        ):
            raise RuleError(
                "valid_min", "must be below valid_max", "'valid_min' ต้องน้อยกว่า 'valid_max'"
            )
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
            raise RuleError("level_scores", "must increase strictly", "คะแนนแต่ละระดับต้องเพิ่มขึ้นทุกระดับ")
        if self.level_scores[0] <= 0:
            raise RuleError("level_scores", "must be positive", "คะแนนแต่ละระดับต้องมากกว่า 0")
        for name in ("pmqa_status_bands", "overall_bands"):
            bands: list[Band] = getattr(self, name)
            if any(a.min >= b.min for a, b in pairwise(bands)):
                raise RuleError(
                    name,
                    "band edges (min) must increase strictly",
                    "ค่าต่ำสุด ('min') ของแต่ละช่วงต้องเพิ่มขึ้นทุกช่วง",
                )
            if bands[0].min > 0:
                raise RuleError(
                    name, "the first band must start at 0 or below", "ช่วงแรกต้องเริ่มที่ 0 หรือต่ำกว่า"
                )
        if (
            self.aggregation is Aggregation.CATEGORY_MEAN
            and "part_weights" in self.model_fields_set
        ):
            raise RuleError(
                "part_weights",
                "not used with aggregation category_mean (the overall is the "
                "mean of the categories); remove it",
                "ไม่ใช้กับ 'aggregation' แบบ 'category_mean' (คะแนนรวมคือค่าเฉลี่ยของหมวด) ให้ลบออก",
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
    # Set by load_rubric: the file it was read from, named in every output that used it.
    path: str = ""

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
    #: The message in Thai (``pmqa --lang th``); empty: the English message in either language.
    th: str = ""
    #: The place in Thai when it is words rather than a YAML path ("line 3, column 5").
    path_th: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"

    @property
    def where_th(self) -> str:
        """The place followed by ": " as Thai text shows it; empty for the whole file."""
        where = self.path_th or self.path
        return f"{where}: " if where else ""


class RubricError(PmqaError):
    """A rubric file that cannot be used; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: Sequence[RubricProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        lines_th = "\n".join(f"  - {p.where_th}{p.th or p.message}" for p in self.problems)
        super().__init__(
            f"The rubric {source} has {len(self.problems)} problem(s):\n{lines}",
            th=f"เกณฑ์ {source} มีปัญหา {len(self.problems)} รายการ:\n{lines_th}",
        )
