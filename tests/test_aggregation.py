"""Category means, the overall mean of categories and target-ratio indicators, checked by hand.

The rubric is tests/fixtures/mean-rubric.yaml: aggregation category_mean and OPDC's bands
(success up to 100 % scores success x 3, up to 101 % 300, up to 105 % 400, above 500).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import yaml

from pmqa_cli.assess.aggregate import level_of_score, ratio_score, success_rate
from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import Direction, OfficeType, RatioBand, Rubric

from .builders import FIXTURES

MEAN_RUBRIC = FIXTURES / "mean-rubric.yaml"
PEER_BANDS = [
    RatioBand(up_to=Decimal(100), multiply=Decimal(3)),
    RatioBand(up_to=Decimal(101), score=Decimal(300)),
    RatioBand(up_to=Decimal(105), score=Decimal(400)),
    RatioBand(score=Decimal(500)),
]


@pytest.fixture(scope="module")
def mean() -> Rubric:
    return load_rubric(MEAN_RUBRIC)[0]


def d(value: Any) -> Decimal:
    """A reported number as the decimal people read (exact for Decimal and float alike; an
    exact Fraction score as a 28-digit Decimal)."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MEAN_RUBRIC.read_text(encoding="utf-8"))
    return data


# The office used throughout, with the hand calculation:
#   1.1: Basic 3/3 = 300, Advance 1/1 = 100, Significance 0/1 -> 400
#   1.2: Basic 1/2 = 150; Advance 2/2 gated by the incomplete Basic -> 150
#   2.1: Basic 1/3 -> 100
#   category 1 = (400 + 150) / 2 = 275; category 2 = 100
#   R1: 82.5 on 75/80/85/90/95 -> level 2.5 -> 250
#   R2: 86.7 / 85 x 100 = 102 % -> above 101, up to 105 -> 400
#   R3 (lower is better, the office's target 10): 200 - 9.5 / 10 x 100 = 105 % -> 400
#   dimension 7.1 = (250 + 400) / 2 = 325; 7.2 = 400; category 7 = (325 + 400) / 2 = 362.5
#   categories 1-6 = (275 + 100) / 2 = 187.5
#   overall = (275 + 100 + 362.5) / 3 = 737.5 / 3 = 245.8333...
CRITERIA = {
    "1.1-B1": True, "1.1-B2": True, "1.1-B3": True, "1.1-A1": True, "1.1-S1": False,
    "1.2-B1": True, "1.2-B2": False, "1.2-A1": True, "1.2-A2": True,
    "2.1-B1": True, "2.1-B2": False, "2.1-B3": False,
}  # fmt: skip


def answers_of(**indicators: IndicatorAnswer) -> Answers:
    answers = {
        "R1": IndicatorAnswer(82.5),
        "R2": IndicatorAnswer(86.7),
        "R3": IndicatorAnswer(9.5, target=10),
        **indicators,
    }
    return Answers(OfficeType.PRIMARY, CRITERIA, answers)


def office(rubric: Rubric, **indicators: IndicatorAnswer) -> Scores:
    return score_answers(rubric, answers_of(**indicators))


def codes(rubric: Rubric, **indicators: IndicatorAnswer) -> list[tuple[str, str | None]]:
    """What validation says of the answers: (code, item) of each finding."""
    return [
        (f.code, f.item_id) for f in validate_answers(rubric, answers_of(**indicators)).findings
    ]


def test_each_category_is_the_mean_of_its_items(mean: Rubric) -> None:
    result = office(mean)
    assert [d(i.score) for i in result.issues] == [400, 150, 100]
    categories = {c.id: c.exact for c in result.categories}
    assert categories == {"1": Fraction(550, 2), "2": 100, "7": Fraction(725, 2)}
    assert {x.id: x.exact for x in result.dimensions} == {"7.1": 325, "7.2": 400}


def test_overall_is_the_mean_of_the_categories_with_category_7_as_one(mean: Rubric) -> None:
    result = office(mean)
    assert d(result.pmqa.score) == Decimal("187.5")
    assert d(result.results.score) == Decimal("362.5")
    exact = Fraction(2 * 275 + 2 * 100 + 725, 2 * 3)
    assert result.exact_overall == exact
    scores = result.to_dict()
    assert d(scores["overall"]["score"]) == Decimal("245.8333")
    # The parts carry the weights that make the mean: 2 categories and category 7 as one.
    assert {k: d(v["weight"]) for k, v in scores["parts"].items()} == {"pmqa": 2, "results": 1}
    assert scores["categories"] == [
        {"id": "1", "score": pytest.approx(275)},
        {"id": "2", "score": pytest.approx(100)},
        {"id": "7", "score": pytest.approx(362.5)},
    ]
    # Labels are the rubric's own: below 300 "ต่ำกว่าพื้นฐาน"; status from categories 1-6.
    assert result.band is not None and result.band.label_th == "ต่ำกว่าพื้นฐาน"
    assert result.status is not None and result.status.label_th == "ไม่ผ่านการประเมิน"


def test_issue_status_uses_the_rubrics_tier_and_below_labels(mean: Rubric) -> None:
    result = office(mean)
    statuses = {i.id: i.status_th for i in result.issues}
    assert statuses == {"1.1": "ก้าวหน้า", "1.2": "ไม่ผ่านการประเมิน", "2.1": "ไม่ผ่านการประเมิน"}
    top = dict.fromkeys(CRITERIA, True)
    full = score_answers(mean, Answers(OfficeType.PRIMARY, top, {}))
    assert full.issues[0].status_th == "ระดับพัฒนาจนเกิดผล"


def test_an_indicator_that_drops_out_leaves_its_dimension_and_category(mean: Rubric) -> None:
    data = raw()
    data["indicators"][2]["na_allowed"] = True
    rubric, _ = check_rubric(data)
    assert rubric is not None
    result = office(rubric, R3=IndicatorAnswer(not_applicable=True))
    # 7.2 has nothing that counts: category 7 is 7.1 alone (325), overall (275 + 100 + 325) / 3.
    assert {x.id: x.score for x in result.dimensions} == {"7.1": 325, "7.2": None}
    assert d(result.results.score) == 325
    assert result.overall == Decimal("233.3333")


def test_a_rubric_without_category_7_averages_categories_1_to_6(mean: Rubric) -> None:
    data = raw()
    del data["indicators"]
    del data["scoring"]["target_ratio_bands"]
    rubric, problems = check_rubric(data)
    assert rubric is not None
    assert not any("dimension" in p.message or "no indicator" in p.message for p in problems)
    result = score_answers(rubric, Answers(OfficeType.SECONDARY, CRITERIA, {}))
    assert [c.id for c in result.categories] == ["1", "2"]
    assert result.results.score is None
    assert d(result.overall) == Decimal("187.5")  # (275 + 100) / 2
    assert result.to_dict()["indicators"] == []
    assert rubric.category_ids == ["1", "2"]


def test_a_weighted_parts_rubric_without_category_7_is_its_categories_1_6(mini: Rubric) -> None:
    data = yaml.safe_load((FIXTURES / "mini-rubric.yaml").read_text(encoding="utf-8"))
    del data["indicators"]
    rubric, _ = check_rubric(data)
    assert rubric is not None
    met = {c.id: True for _, _, c in rubric.criteria()}
    result = score_answers(rubric, Answers(OfficeType.PRIMARY, met, {}))
    assert d(result.overall) == d(result.pmqa.score)
    assert [c.id for c in result.categories] == sorted({str(i.category) for i in rubric.issues})


# --- target-ratio bands, at and around each edge ----------------------------------------


@pytest.mark.parametrize(
    ("success", "score"),
    [
        ("0", "0"),
        ("50", "150"),
        ("99.99", "299.97"),
        ("100", "300"),  # the first edge: 100 x 3 = 300 either side of it
        ("100.01", "300"),
        ("101", "300"),
        ("101.01", "400"),
        ("105", "400"),
        ("105.01", "500"),
        ("250", "500"),
        ("-20", "0"),  # a lower-is-better result more than twice its target
    ],
)
def test_peer_bands_at_and_around_each_edge(success: str, score: str) -> None:
    assert ratio_score(PEER_BANDS, Decimal(success), 500) == Decimal(score)


@pytest.mark.parametrize(
    ("direction", "value", "target", "success"),
    [
        (Direction.HIGHER, "86.7", "85", "102"),
        (Direction.HIGHER, "85", "85", "100"),
        (Direction.HIGHER, "0", "85", "0"),
        (Direction.LOWER, "9.5", "10", "105"),
        (Direction.LOWER, "10", "10", "100"),
        (Direction.LOWER, "12", "10", "80"),
        (Direction.LOWER, "0", "10", "200"),
    ],
)
def test_success_rate_and_its_mirror(
    direction: Direction, value: str, target: str, success: str
) -> None:
    assert success_rate(direction, Decimal(value), Decimal(target)) == Decimal(success)


def test_success_rate_is_exact_where_a_float_is_not() -> None:
    # 0.3 / 0.1 x 100 is 299.99999999999994 in binary floating point.
    assert 0.3 / 0.1 * 100 != 300
    assert success_rate(Direction.HIGHER, 0.3, 0.1) == 300
    assert ratio_score(PEER_BANDS, success_rate(Direction.HIGHER, 0.3, 0.1), 500) == 500


@pytest.mark.parametrize(
    ("score", "level"),
    [("0", "0"), ("60", "0.6"), ("100", "1"), ("250", "2.5"), ("300", "3"), ("500", "5")],
)
def test_level_of_a_score(score: str, level: str) -> None:
    assert level_of_score(Decimal(score), [100, 200, 300, 400, 500]) == Decimal(level)


@pytest.mark.parametrize(
    ("value", "score", "success"),
    [
        (84.15, "297", "99"),  # 84.15 / 85 = 99 % -> 297
        (85, "300", "100"),
        (85.85, "300", "101"),  # exactly 101 %: still 300
        (85.86, "400", "101.0117647058823529411764706"),  # just above 101 %
        (89.25, "400", "105"),  # exactly 105 %: still 400
        (89.26, "500", "105.0117647058823529411764706"),
    ],
)
def test_rubric_target_through_the_engine(
    mean: Rubric, value: float, score: str, success: str
) -> None:
    result = office(mean, R2=IndicatorAnswer(value))
    r2 = result.indicators[1]
    assert d(r2.score) == Decimal(score)
    assert d(r2.target) == 85
    assert r2.exact_success is not None
    assert abs(Decimal(r2.exact_success.numerator) / r2.exact_success.denominator
               - Decimal(success)) < Decimal("1e-9")  # fmt: skip
    assert {code for code, _ in codes(mean, R2=IndicatorAnswer(value))} <= {"tier-gated"}


@pytest.mark.parametrize(
    ("value", "score"),
    [(10, "300"), (9.9, "300"), (9.89, "400"), (9.5, "400"), (9.49, "500"), (11, "270"), (25, "0")],
)
def test_lower_is_better_against_the_offices_target(mean: Rubric, value: float, score: str) -> None:
    result = office(mean, R3=IndicatorAnswer(value, target=10))
    assert d(result.indicators[2].score) == Decimal(score)


def test_a_missing_office_target_is_an_error_and_scores_zero(mean: Rubric) -> None:
    result = office(mean, R3=IndicatorAnswer(9.5))
    r3 = result.indicators[2]
    assert r3.score == 0 and r3.target is None and r3.success is None
    missing = [
        item for code, item in codes(mean, R3=IndicatorAnswer(9.5)) if code == "answer-missing"
    ]
    assert missing == ["R3"]
    zero = codes(mean, R3=IndicatorAnswer(9.5, target=0))
    assert [item for code, item in zero if code == "answer-missing"] == ["R3"]


def test_the_rubrics_target_wins_over_a_typed_one(mean: Rubric) -> None:
    result = office(mean, R2=IndicatorAnswer(86.7, target=50))
    assert d(result.indicators[1].target) == 85
    assert d(result.indicators[1].score) == 400


def test_an_indicator_can_have_its_own_bands() -> None:
    data = raw()
    data["indicators"][1]["bands"] = [{"up_to": 90, "score": 0}, {"up_to": 100, "score": 250},
                                      {"score": 500}]  # fmt: skip
    rubric, _ = check_rubric(data)
    assert rubric is not None
    result = office(rubric, R2=IndicatorAnswer(80))  # 94.1 % -> 250
    assert d(result.indicators[1].score) == 250


# --- what the rubric check refuses ----------------------------------------------------


def problems(data: dict[str, Any]) -> list[str]:
    rubric, found = check_rubric(data)
    assert rubric is None
    return [str(p) for p in found if p.severity == "error"]


def test_target_ratio_needs_a_positive_target() -> None:
    data = raw()
    del data["indicators"][1]["target"]
    assert any(p.startswith("indicators[1].target: a target_ratio indicator needs a target")
               for p in problems(data))  # fmt: skip
    data = raw()
    data["indicators"][1]["target"] = 0
    assert "indicators[1].target: must be above 0 (the result is divided by it)" in problems(data)
    data = raw()
    data["indicators"][0]["target"] = 80
    assert "indicators[0].target: only a target_ratio indicator has a target" in problems(data)


def test_bands_must_be_well_formed() -> None:
    data = raw()
    data["scoring"]["target_ratio_bands"][1]["up_to"] = 100
    assert "scoring.target_ratio_bands: up_to must increase strictly" in problems(data)
    data = raw()
    data["scoring"]["target_ratio_bands"][3]["up_to"] = 200
    assert any("the last band has no up_to" in p for p in problems(data))
    data = raw()
    data["scoring"]["target_ratio_bands"][1]["multiply"] = 2
    assert any("either a score or a multiply factor" in p for p in problems(data))
    data = raw()
    data["scoring"]["target_ratio_bands"][3]["score"] = 600
    over = "indicators[1].bands: band score 600 is above the top score 500 (scoring.level_scores)"
    assert over in problems(data)
    data = raw()
    del data["scoring"]["target_ratio_bands"]
    assert any(p.startswith("indicators[1].bands: a target_ratio indicator needs bands")
               for p in problems(data))  # fmt: skip


def test_category_mean_refuses_part_weights() -> None:
    data = raw()
    data["scoring"]["part_weights"] = {"pmqa": 55, "results": 45}
    assert any(p.startswith("scoring.part_weights: not used with aggregation category_mean")
               for p in problems(data))  # fmt: skip
