"""Exact numbers: decimal text in, exact arithmetic, one half-up rounding out (docs/scoring.md).

The engine is compared with an independent exact scorer written here with Fractions (a
different formula for interpolation, a different rounding), on rubrics and values with up to 9
decimals, exact halves and values exactly at every threshold.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.scores import Scores
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.cli.app import app
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import MINI_RUBRIC
from .office_books import OfficeBook, xlsxwriter_submission

runner = CliRunner()


# --- the independent reference ----------------------------------------------------------


def ref_round(x: Fraction, decimals: int) -> str:
    """Half-up (away from zero) rounding, by integer arithmetic, as text with the decimals."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    scaled = x * 10**decimals
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    if units == 0:
        sign = ""
    text = str(units).rjust(decimals + 1, "0")
    return sign + (f"{text[:-decimals]}.{text[-decimals:]}" if decimals else text)


def ref_indicator(thresholds: list[Fraction], higher: bool, value: Fraction) -> Fraction:
    """Score 0-500 of a value: piecewise linear through (t_k, 100k), 0 below t1, 500 above t5."""
    points = list(zip(thresholds, [Fraction(100 * k) for k in range(1, 6)], strict=True))
    if not higher:  # lower is better: walk the thresholds from the worst
        if value > thresholds[0]:
            return Fraction(0)
        if value <= thresholds[-1]:
            return Fraction(500)
        for (x0, y0), (x1, y1) in pairwise(points):
            if x1 < value <= x0:
                return y1 + (y0 - y1) * (value - x1) / (x0 - x1) if value != x0 else y0
    else:
        if value < thresholds[0]:
            return Fraction(0)
        if value >= thresholds[-1]:
            return Fraction(500)
        for (x0, y0), (x1, y1) in pairwise(points):
            if x0 <= value < x1:
                return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
    raise AssertionError("unreachable")


def rubric_for(indicators: list[dict[str, Any]], decimals: int) -> Rubric:
    data = yaml.safe_load(MINI_RUBRIC.read_text(encoding="utf-8"))
    data["scoring"]["decimals"] = decimals
    data["indicators"] = indicators
    rubric, problems = check_rubric(data)
    assert rubric is not None, problems
    return rubric


# --- strategies: up to 9 decimals, halves, thresholds -----------------------------------

nine = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(min_value=0, max_value=10**11),
    st.integers(min_value=0, max_value=9),
)


@st.composite
def indicator_case(draw: st.DrawFn) -> tuple[list[Decimal], bool, Decimal, Decimal]:
    """Thresholds, direction, weight and a value: at a threshold, a midpoint or anywhere."""
    ts = sorted(set(draw(st.lists(nine, min_size=5, max_size=5, unique=True))))
    if len(ts) < 5:
        ts = [Decimal(n) for n in range(1, 6)]
    higher = draw(st.booleans())
    thresholds = ts if higher else ts[::-1]
    weight = draw(st.sampled_from([Decimal(1), Decimal("0.1"), Decimal("2.5"), Decimal(15)]))
    kind = draw(st.sampled_from(["threshold", "midpoint", "any", "half"]))
    if kind == "threshold":
        value = draw(st.sampled_from(ts))
    elif kind == "midpoint":
        i = draw(st.integers(0, 3))
        value = (ts[i] + ts[i + 1]) / 2
    elif kind == "half":
        # A value whose score ends in 5 just past the reported decimals.
        i = draw(st.integers(0, 3))
        step = ts[i + 1] - ts[i]
        digits = draw(st.integers(1, 99999))
        value = ts[i] + step * Decimal(digits * 10 + 5).scaleb(-7)
        if value >= ts[i + 1]:
            value = ts[i]
    else:
        value = draw(nine)
    return thresholds, higher, weight, value


def indicator_yaml(
    n: int, thresholds: list[Decimal], higher: bool, weight: Decimal
) -> dict[str, Any]:
    return {
        "id": f"K{n}",
        "dimension": "7.1",
        "title_th": "ทดสอบ",
        "title_en": "Test",
        "unit": "score",
        "direction": "higher" if higher else "lower",
        "thresholds": [str(t) for t in thresholds],
        "weight": str(weight),
    }


@settings(max_examples=300, deadline=None)
@given(
    cases=st.lists(indicator_case(), min_size=1, max_size=4),
    decimals=st.integers(min_value=0, max_value=6),
    met=st.lists(st.booleans(), min_size=9, max_size=9),
)
def test_engine_agrees_with_an_exact_reference(
    cases: list[tuple[list[Decimal], bool, Decimal, Decimal]], decimals: int, met: list[bool]
) -> None:
    rubric = rubric_for(
        [indicator_yaml(n, t, h, w) for n, (t, h, w, _) in enumerate(cases, start=1)], decimals
    )
    values = {f"K{n}": IndicatorAnswer(v) for n, (_, _, _, v) in enumerate(cases, start=1)}
    criteria = {f"C{n}": m for n, m in enumerate(met, start=1)}
    result = score_answers(rubric, Answers(OfficeType.PRIMARY, criteria, values))

    scores = [ref_indicator([Fraction(x) for x in t], h, Fraction(v)) for t, h, _, v in cases]
    weights = [Fraction(w) for _, _, w, _ in cases]
    weighted = sum((w * s for w, s in zip(weights, scores, strict=True)), Fraction(0))
    results_part = weighted / sum(weights, Fraction(0))
    # Issue I1 (weight 2): basic C1-C3 share 300, advance C4-C5 100, significance C6 100,
    # each tier only once every lower one is complete. Issue I2 (weight 1): C7, C8, C9.
    tiers1 = [(met[0:3], 300), (met[3:5], 100), (met[5:6], 100)]
    tiers2 = [(met[6:7], 300), (met[7:8], 100), (met[8:9], 100)]

    def issue(tiers: list[tuple[list[bool], int]]) -> Fraction:
        total, open_ = Fraction(0), True
        for answers, points in tiers:
            if open_:
                total += Fraction(points, len(answers)) * sum(answers)
            open_ = open_ and all(answers)
        return total

    i1, i2 = issue(tiers1), issue(tiers2)
    pmqa_part = (2 * i1 + i2) / Fraction(3)
    overall = (55 * pmqa_part + 45 * results_part) / Fraction(100)

    def shown(x: Decimal | None) -> str | None:
        return None if x is None else str(x)

    for ind, expected in zip(result.indicators, scores, strict=True):
        assert shown(ind.score) == ref_round(expected, decimals)
    assert [shown(i.score) for i in result.issues] == [
        ref_round(i1, decimals),
        ref_round(i2, decimals),
    ]
    assert shown(result.results.score) == ref_round(results_part, decimals)
    assert shown(result.pmqa.score) == ref_round(pmqa_part, decimals)
    assert shown(result.overall) == ref_round(overall, decimals)
    # Bands come from the reported number, so what is shown and what is labelled agree.
    reported = Fraction(ref_round(overall, decimals))
    expected_band = [b for b in rubric.scoring.overall_bands if reported >= b.min][-1]
    assert result.band == expected_band
    # JSON carries the same rounded number, with at most the rubric's decimals.
    data = result.to_dict()
    assert data["overall"]["score"] == float(ref_round(overall, decimals))
    assert json.dumps(data["overall"]["score"]) == repr(float(ref_round(overall, decimals)))


# --- the cases the auditor found ----------------------------------------------------------


def one_indicator(thresholds: list[str], decimals: int) -> Rubric:
    return rubric_for([indicator_yaml(1, [Decimal(t) for t in thresholds], True, Decimal(1))],
                      decimals)  # fmt: skip


def score_of(rubric: Rubric, value: str) -> Scores:
    return score_answers(
        rubric, Answers(OfficeType.PRIMARY, {}, {"K1": IndicatorAnswer(Decimal(value))})
    )


def test_an_exact_half_at_the_fifth_decimal_rounds_up() -> None:
    rubric = one_indicator(["10", "20", "30", "40", "50"], 4)
    # 33.234535 lies 0.3234535 of the way from 30 to 40: an exact 332.34535.
    result = score_of(rubric, "33.234535")
    assert result.indicators[0].exact == Fraction(33234535, 100000)
    assert str(result.indicators[0].score) == "332.3454"
    assert result.to_dict()["indicators"][0]["score"] == 332.3454


def test_many_decimals_interpolate_exactly() -> None:
    rubric = one_indicator(["10", "20", "30", "40", "50"], 4)
    result = score_of(rubric, "30.001005")  # an exact 300.01005
    assert result.indicators[0].exact == Fraction(30001005, 100000)
    assert str(result.indicators[0].score) == "300.0101"


def test_levels_under_a_two_decimal_rubric() -> None:
    rubric = one_indicator(["10", "20", "30", "40", "50"], 2)
    result = score_of(rubric, "13.15")  # level exactly 1.315
    assert result.indicators[0].exact_level == Fraction(1315, 1000)
    assert str(result.indicators[0].level) == "1.32"
    assert result.to_dict()["indicators"][0]["level"] == 1.32
    assert result.to_dict()["indicators"][0]["score"] == 131.5


def test_rubric_numbers_are_the_decimals_written_in_the_yaml(tmp_path: Path) -> None:
    text = MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "thresholds: [10, 20, 30, 40, 50], weight: 1,",
        "thresholds: [0.1, 0.2, 0.3, 0.35, 1.0], weight: 0.1,",
    )
    path = tmp_path / "tenths.yaml"
    path.write_text(text, encoding="utf-8")
    rubric, _ = load_rubric(path)
    k1 = rubric.indicator("K1")
    assert k1.thresholds == [Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.35"), 1]
    assert all(isinstance(t, Decimal) for t in k1.thresholds or [])
    assert str(k1.weight) == "0.1"  # not 0.1000000000000000055511151231257827
    # 0.3 is exactly level 3: a binary 0.1 + 0.2 would miss it.
    result = score_of(rubric, "0.3")
    assert result.indicators[0].score == 300


# --- percent cells, from a workbook xlsxwriter wrote ---------------------------------------


def percent_rubric(tmp_path: Path) -> Path:
    text = MINI_RUBRIC.read_text(encoding="utf-8").replace(
        "thresholds: [10, 20, 30, 40, 50]", "thresholds: [57, 60, 70, 80, 90]"
    )
    path = tmp_path / "percent.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_cell_showing_57_percent_reaches_a_threshold_of_57(tmp_path: Path) -> None:
    rubric_path = percent_rubric(tmp_path)
    rubric, _ = load_rubric(rubric_path)
    book = OfficeBook(values={"K1": 0.57}, percent={"K1"})
    path = xlsxwriter_submission(tmp_path / "office.xlsx", rubric, book)
    report = score_office(path, rubric)
    assert report.scores is not None
    k1 = report.scores.indicators[0]
    assert k1.value == Decimal("57") and k1.score == 100  # 0.57 * 100 in binary is 56.99...
    assert report.findings == ()


def test_a_percent_cell_holding_0_0045_is_0_45_in_the_json(tmp_path: Path) -> None:
    rubric_path = percent_rubric(tmp_path)
    rubric, _ = load_rubric(rubric_path)
    book = OfficeBook(values={"K1": 0.0045}, percent={"K1"})
    path = xlsxwriter_submission(tmp_path / "office.xlsx", rubric, book)
    result = runner.invoke(app, ["score", str(path), "--rubric", str(rubric_path), "--json"])
    assert "0.44999999999999996" not in result.output
    data = json.loads(result.output)
    k1 = next(i for i in data["indicators"] if i["id"] == "K1")
    assert k1["value"] == 0.45 and k1["score"] == 0


def test_every_json_number_has_at_most_the_rubric_decimals(tmp_path: Path) -> None:
    rubric_path = percent_rubric(tmp_path)
    rubric, _ = load_rubric(rubric_path)
    # 1/3 of the way between thresholds: scores with endless decimals before rounding.
    book = OfficeBook(values={"K1": "61", "K2": "3.3333333", "K5": 2.123456789})
    path = xlsxwriter_submission(tmp_path / "office.xlsx", rubric, book)
    result = runner.invoke(app, ["score", str(path), "--rubric", str(rubric_path), "--json"])
    data = json.loads(result.output)
    scores = [i["score"] for i in data["issues"] + data["indicators"]]
    scores += [i["level"] for i in data["indicators"]]
    scores += [p["score"] for p in data["parts"].values()] + [data["overall"]["score"]]
    for number in scores:
        assert number is not None
        text = repr(float(number))
        assert len(text.split(".")[1]) <= 4 if "." in text else True, text


def test_openpyxl_17_digit_numbers_read_as_the_digits_typed(tmp_path: Path) -> None:
    import zipfile

    import openpyxl

    from pmqa_cli.io.xlsx import open_workbook

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["A2"] = 84.15, 90.9
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    stored = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "84.15000000000001" in stored  # what openpyxl writes for 84.15
    with open_workbook(path) as workbook:
        cells = workbook.sheet(workbook.sheet_names[0])
    assert cells is not None
    values = [cells.cell(row, 1).value for row in (1, 2)]  # type: ignore[union-attr]
    # The same doubles as 84.15 and 90.9, so exactly those (90.9 / 90 is exactly 101 %).
    assert values == [Decimal("84.15"), Decimal("90.9")]
