"""The scoring rules, checked against numbers computed by hand (docs/scoring.md)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scoring import band_for, indicator_score, score_answers
from pmqa_cli.assess.validate import validate_answers
from pmqa_cli.rubric.model import OfficeType, Rubric

LEVELS = [Decimal(n) for n in (100, 200, 300, 400, 500)]


def all_met(rubric: Rubric) -> dict[str, bool | None]:
    return {c.id: True for _, _, c in rubric.criteria()}


def codes(rubric: Rubric, answers: Answers) -> list[str]:
    """The codes of what validation says about the answers (score_answers scores them as
    validated: missing answers and refused values score zero)."""
    return [f.code for f in validate_answers(rubric, answers).findings]


# --- interpolation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10, 100),  # exactly t1
        (20, 200),
        (30, 300),
        (40, 400),
        (50, 500),  # exactly t5
        (15, 150),  # half-way between t1 and t2
        (27.5, 275),
        (60, 500),  # beyond the top
        (100, 500),
        (9.99, 0),  # just below the floor
        (0, 0),
    ],
)
def test_interpolate_higher_is_better(mini: Rubric, value: float, expected: float) -> None:
    assert indicator_score(mini.indicator("K1"), value, LEVELS) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 100),  # exactly t1 (the worst threshold)
        (4, 200),
        (3, 300),
        (2, 400),
        (1, 500),  # exactly t5
        (4.5, 150),
        (1.5, 450),
        (0.5, 500),  # better than the top
        (0, 500),
        (5.01, 0),  # worse than the floor
        (30, 0),
    ],
)
def test_interpolate_lower_is_better(mini: Rubric, value: float, expected: float) -> None:
    assert indicator_score(mini.indicator("K2"), value, LEVELS) == pytest.approx(expected)


@pytest.mark.parametrize(("steps", "expected"), [(0, 0), (1, 100), (3, 300), (5, 500)])
def test_steps_score_the_level_reached(mini: Rubric, steps: int, expected: float) -> None:
    assert indicator_score(mini.indicator("K3"), steps, LEVELS) == expected


@pytest.mark.parametrize(("value", "expected"), [(1, 500), (0, 0)])
def test_pass_fail(mini: Rubric, value: int, expected: float) -> None:
    assert indicator_score(mini.indicator("K4"), value, LEVELS) == expected


# --- issues and tiers ----------------------------------------------------------------------


def test_full_marks(mini: Rubric) -> None:
    answers = Answers(
        OfficeType.PRIMARY,
        all_met(mini),
        {
            "K1": IndicatorAnswer(Decimal("50")),
            "K2": IndicatorAnswer(Decimal("1")),
            "K3": IndicatorAnswer(Decimal("5")),
            "K4": IndicatorAnswer(Decimal("1")),
            "K5": IndicatorAnswer(Decimal("5")),
        },
    )
    result = score_answers(mini, answers)
    assert [i.score for i in result.issues] == [500, 500]
    assert [i.status_en for i in result.issues] == ["Significance", "Significance"]
    assert result.pmqa.score == 500
    assert result.results.score == 500
    assert result.overall == 500
    assert result.band is not None and result.band.label_en == "Excellent"
    assert result.status is not None and result.status.label_en == "Significance"
    assert codes(mini, answers) == []


def test_basic_points_are_shared_equally_and_partial_basic_counts(mini: Rubric) -> None:
    met = all_met(mini) | {"C3": False, "C4": False, "C5": False, "C6": False}
    issue = score_answers(mini, Answers(OfficeType.PRIMARY, met)).issues[0]
    # Two of three Basic criteria: 2 x 300/3.
    assert issue.score == pytest.approx(200)
    assert issue.status_en == "Below Basic"
    assert issue.status_th == "ยังไม่ผ่านระดับพื้นฐาน"


def test_tier_gating(mini: Rubric) -> None:
    # I1: Basic complete (300), one of two Advance (50), Significance met but gated
    # because Advance is incomplete: 350, status Basic.
    # I2: Basic not met, Advance met but gated: 0, below Basic.
    met = all_met(mini) | {"C5": False, "C7": False}
    result = score_answers(mini, Answers(OfficeType.PRIMARY, met))
    findings = validate_answers(mini, Answers(OfficeType.PRIMARY, met)).findings
    one, two = result.issues
    assert one.score == pytest.approx(350)
    assert one.status_en == "Basic"
    assert [t.counted for t in one.tiers] == [True, True, False]
    assert [c.points for c in one.criteria] == pytest.approx([100, 100, 100, 50, 0, 0])
    assert two.score == 0
    assert two.status_id is None
    gated = [f for f in findings if f.code == "tier-gated"]
    assert [f.item_id for f in gated] == ["I1", "I2", "I2"]
    assert all(f.severity.value == "warning" for f in gated)


def test_hand_computed_office(mini: Rubric) -> None:
    met = all_met(mini) | {"C5": False, "C7": False}
    answers = Answers(
        OfficeType.PRIMARY,
        met,
        {
            "K1": IndicatorAnswer(Decimal("15")),  # 150
            "K2": IndicatorAnswer(Decimal("4.5")),  # 150
            "K3": IndicatorAnswer(Decimal("3")),  # 300, weight 2
            "K4": IndicatorAnswer(Decimal("1")),  # 500
            "K5": IndicatorAnswer(Decimal("3")),  # 300 (primary only)
            "K6": IndicatorAnswer(Decimal("95")),  # secondary only: drops out
        },
    )
    result = score_answers(mini, answers)
    # pmqa: (2 x 350 + 1 x 0) / 3
    assert result.pmqa.exact == Fraction(700, 3)
    # results: (150 + 150 + 2 x 300 + 500 + 300) / 6
    assert result.results.exact == Fraction(1700, 6)
    # overall: (55 x 233.33.. + 45 x 283.33..) / 100 = 255.8333..
    assert result.exact_overall == (55 * Fraction(700, 3) + 45 * Fraction(1700, 6)) / 100
    data = result.to_dict()
    assert data["overall"]["score"] == 255.8333
    assert data["parts"]["pmqa"]["score"] == 233.3333
    assert data["overall"]["band_en"] == "Fair"
    assert data["overall"]["status_en"] == "Below Basic"
    k6 = next(i for i in result.indicators if i.id == "K6")
    assert not k6.applies and k6.score == 0


def test_office_type_redistributes_weights(mini: Rubric) -> None:
    values = {"K1": 15, "K2": 4.5, "K3": 3, "K4": 1, "K5": 3, "K6": 80}
    answers = {k: IndicatorAnswer(Decimal(repr(v))) for k, v in values.items()}
    secondary = score_answers(mini, Answers(OfficeType.SECONDARY, all_met(mini), answers))
    # K5 drops out, K6 (80 -> 300) counts: (150 + 150 + 600 + 500 + 300) / 6
    assert secondary.results.exact == Fraction(1700, 6)
    assert secondary.results.items_weight == 6
    assert "answer-missing" not in codes(
        mini, Answers(OfficeType.SECONDARY, all_met(mini), answers)
    )


def test_not_applicable_drops_out_where_allowed(mini: Rubric) -> None:
    answers = {
        "K1": IndicatorAnswer(Decimal("15")),
        "K2": IndicatorAnswer(Decimal("4.5")),
        "K3": IndicatorAnswer(Decimal("3")),
        "K4": IndicatorAnswer(Decimal("1")),
        "K6": IndicatorAnswer(not_applicable=True),
    }
    result = score_answers(mini, Answers(OfficeType.SECONDARY, all_met(mini), answers))
    # (150 + 150 + 600 + 500) / 5 with K6's weight redistributed
    assert result.results.score == pytest.approx(280)
    assert codes(mini, Answers(OfficeType.SECONDARY, all_met(mini), answers)) == []


def test_not_applicable_refused_where_not_allowed(mini: Rubric) -> None:
    answers = {"K1": IndicatorAnswer(not_applicable=True)}
    result = score_answers(mini, Answers(OfficeType.PRIMARY, all_met(mini), answers))
    k1 = result.indicators[0]
    assert k1.applies and k1.score == 0
    assert "value-na-not-allowed" in codes(
        mini, Answers(OfficeType.PRIMARY, all_met(mini), answers)
    )


def test_missing_answers_score_zero_and_are_errors(mini: Rubric) -> None:
    met = all_met(mini)
    del met["C2"]
    answers = {
        "K2": IndicatorAnswer(Decimal("1")),
        "K3": IndicatorAnswer(Decimal("5")),
        "K4": IndicatorAnswer(Decimal("1")),
    }
    answers["K5"] = IndicatorAnswer(Decimal("5"))
    locations = {"C2": ("PMQA 4.0", "F7"), "K1": ("ตัวชี้วัด", "J5")}
    result = score_answers(
        mini,
        Answers(OfficeType.PRIMARY, met, answers),
        where=lambda item: locations.get(item, (None, None)),
    )
    where = validate_answers(
        mini,
        Answers(OfficeType.PRIMARY, met, answers),
        lambda item: locations.get(item, (None, None)),
    )
    missing = [f for f in where.findings if f.code == "answer-missing"]
    assert [(f.item_id, f.sheet, f.cell) for f in missing] == [
        ("C2", "PMQA 4.0", "F7"),
        ("K1", "ตัวชี้วัด", "J5"),
    ]
    assert all(f.severity.value == "error" for f in missing)
    # C2 unanswered: I1 gets 200 of Basic and nothing above it.
    assert result.issues[0].score == pytest.approx(200)
    # K1 keeps its weight with a zero score: (0 + 500 + 1000 + 500 + 500) / 6
    assert result.results.exact == Fraction(2500, 6)


@pytest.mark.parametrize(
    ("indicator", "value", "code"),
    [
        ("K1", 120, "value-percent-over-100"),
        ("K1", -1, "value-out-of-range"),
        ("K2", 400, "value-out-of-range"),
        ("K3", 2.5, "value-not-whole"),
        ("K3", 6, "value-out-of-range"),
        ("K4", 2, "value-out-of-range"),
        ("K1", math.nan, "value-not-number"),
    ],
)
def test_invalid_values_are_errors_and_score_zero(
    mini: Rubric, indicator: str, value: float, code: str
) -> None:
    answers = {indicator: IndicatorAnswer(Decimal(repr(value)))}
    result = score_answers(mini, Answers(OfficeType.PRIMARY, all_met(mini), answers))
    checked = validate_answers(mini, Answers(OfficeType.PRIMARY, all_met(mini), answers))
    found = [f for f in checked.findings if f.item_id == indicator]
    assert [f.code for f in found] == [code]
    assert next(i for i in result.indicators if i.id == indicator).score == 0


def test_value_and_na_both_given_uses_the_value(mini: Rubric) -> None:
    answers = {"K6": IndicatorAnswer(Decimal("80"), not_applicable=True)}
    result = score_answers(mini, Answers(OfficeType.SECONDARY, all_met(mini), answers))
    k6 = next(i for i in result.indicators if i.id == "K6")
    assert k6.applies and k6.score == 300
    assert "value-and-na" in codes(mini, Answers(OfficeType.SECONDARY, all_met(mini), answers))


def test_unknown_office_type_is_assessed_on_everything(mini: Rubric) -> None:
    result = score_answers(mini, Answers(None, all_met(mini), {}))
    assert all(i.applies for i in result.indicators)


def test_reported_numbers_round_half_up(mini: Rubric) -> None:
    # K1 = 11.25 scores 112.5 exactly; rounded to 0 decimals half-up gives 113 where Python's
    # round() (half-even) gives 112.
    zero = mini.model_copy(update={"scoring": mini.scoring.model_copy(update={"decimals": 0})})
    answers = {"K1": IndicatorAnswer(Decimal("11.25"))}
    result = score_answers(zero, Answers(OfficeType.PRIMARY, all_met(zero), answers))
    k1 = result.to_dict()["indicators"][0]
    assert round(112.5) == 112
    assert k1["score"] == 113


def test_bands_are_read_from_rounded_scores(mini: Rubric) -> None:
    bands = mini.scoring.overall_bands
    band = band_for(bands, 299.99999)
    assert band is not None and band.label_en == "Fair"
    assert band_for(bands, None) is None
    assert band_for(bands, 450) == bands[-1]


# --- properties ----------------------------------------------------------------------------

values = st.floats(min_value=-1000, max_value=1000, allow_nan=False)


@given(value=values)
def test_indicator_scores_stay_in_range(mini: Rubric, value: float) -> None:
    for indicator in mini.indicators:
        assert 0 <= indicator_score(indicator, value, LEVELS) <= 500


@given(a=values, b=values)
def test_higher_is_better_never_falls_as_value_rises(mini: Rubric, a: float, b: float) -> None:
    low, high = sorted((a, b))
    k1 = mini.indicator("K1")
    assert indicator_score(k1, low, LEVELS) <= indicator_score(k1, high, LEVELS)
    k2 = mini.indicator("K2")
    assert indicator_score(k2, low, LEVELS) >= indicator_score(k2, high, LEVELS)


@given(
    met=st.dictionaries(
        st.sampled_from([f"C{i}" for i in range(1, 10)]), st.one_of(st.none(), st.booleans())
    ),
    numbers=st.dictionaries(
        st.sampled_from(["K1", "K2", "K3", "K4", "K5", "K6"]),
        st.builds(
            IndicatorAnswer,
            st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
            st.booleans(),
        ),
    ),
    office=st.sampled_from([OfficeType.PRIMARY, OfficeType.SECONDARY, None]),
)
def test_every_score_stays_in_range(
    mini: Rubric,
    met: dict[str, bool | None],
    numbers: dict[str, IndicatorAnswer],
    office: OfficeType | None,
) -> None:
    result = score_answers(mini, Answers(office, met, numbers))
    for issue in result.issues:
        assert 0 <= issue.score <= issue.max_score
    for ind in result.indicators:
        assert 0 <= ind.score <= 500
    for part in (result.pmqa, result.results):
        assert part.score is None or 0 <= part.score <= 500
    assert result.overall is not None and 0 <= result.overall <= 500
    assert all(
        f.code and f.item_id for f in validate_answers(mini, Answers(office, met, numbers)).findings
    )
