"""Loading and checking rubric files, and the `pmqa rubric` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.load import default_rubric_path, load_rubric
from pmqa_cli.rubric.model import RubricError

from .builders import MINI_RUBRIC

runner = CliRunner()


def mini_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINI_RUBRIC.read_text(encoding="utf-8"))
    return data


def problems_of(data: Any) -> list[str]:
    rubric, problems = check_rubric(data)
    assert rubric is None
    return [str(p) for p in problems]


def test_shipped_rubric_has_8_issues_and_12_indicators(shipped: Any) -> None:
    assert shipped.fiscal_year == 2567
    assert len(shipped.issues) == 8
    assert {i.category for i in shipped.issues} == {1, 2, 3, 4, 5, 6}
    assert len(shipped.indicators) == 12
    assert {i.dimension for i in shipped.indicators} == {"7.1", "7.2", "7.3", "7.4", "7.5", "7.6"}
    assert len(shipped.sha256) == 64


def test_shipped_rubric_covers_what_the_issue_asks_for(shipped: Any) -> None:
    indicators = shipped.indicators
    assert any(i.direction.value == "lower" for i in indicators)
    assert any(i.method.value == "steps" for i in indicators)
    assert any(i.method.value == "pass_fail" for i in indicators)
    assert any(i.applies_to == "primary" for i in indicators)
    assert any(i.applies_to == "secondary" for i in indicators)
    assert any(i.na_allowed for i in indicators)
    titles = " ".join(i.title_en for i in indicators)
    for integrated in ("ITA", "standards", "action-plan", "disbursement"):
        assert integrated in titles


def test_shipped_rubric_says_it_must_be_checked_against_the_handbook() -> None:
    header = default_rubric_path().read_text(encoding="utf-8")[:3000]
    assert "NOT available" in header
    assert "คู่มือ" in header


def test_no_warnings_on_the_shipped_rubric() -> None:
    _, warnings = load_rubric()
    assert warnings == []


def test_every_problem_is_reported_with_its_yaml_path() -> None:
    data = mini_data()
    data["issues"][1]["id"] = "I1"  # duplicate id
    data["indicators"][0]["thresholds"] = [50, 40, 30, 20, 10]  # wrong order
    data["issues"][0]["weight"] = -2  # negative weight
    del data["indicators"][1]["unit"]  # missing field
    problems = problems_of(data)
    assert "issues[1].id: duplicate id 'I1' (first at issues[0].id)" in problems
    assert (
        "indicators[0].thresholds: must increase strictly for a higher-is-better indicator"
        in problems
    )
    assert "issues[0].weight: Input should be greater than 0" in problems
    assert "indicators[1].unit: required field is missing" in problems


def test_lower_is_better_thresholds_must_decrease() -> None:
    data = mini_data()
    data["indicators"][1]["thresholds"] = [1, 2, 3, 4, 5]
    assert problems_of(data) == [
        "indicators[1].thresholds: must decrease strictly for a lower-is-better indicator"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["scoring"]["overall_bands"].reverse(),
            "scoring.overall_bands: band edges (min) must increase strictly",
        ),
        (
            lambda d: d["issues"][0]["tiers"][0].update(criteria=[]),
            "issues[0].tiers[0].criteria: List should have at least 1 item after validation, not 0",
        ),
        (
            lambda d: d["issues"][0]["tiers"].reverse(),
            "issues[0].tiers: tiers must be in the order basic, advance, significance",
        ),
        (
            lambda d: d["indicators"][0].update(colour="red"),
            "indicators[0].colour: unknown field (a typo?); see docs/rubric-format.md for the "
            "fields allowed",
        ),
        (
            lambda d: d["indicators"][0].update(thresholds=[1, 2, 3]),
            "indicators[0].thresholds: an interpolate indicator needs 5 thresholds",
        ),
        (
            lambda d: d["indicators"][0].update(thresholds=[10, 20, 30, 40, 150]),
            "indicators[0].thresholds: threshold 150 lies outside valid_max 100",
        ),
        (
            lambda d: d["issues"][0]["tiers"][0]["criteria"][1].update(id="C1"),
            "issues[0].tiers[0].criteria[1].id: duplicate id 'C1' (first at "
            "issues[0].tiers[0].criteria[0].id)",
        ),
        (
            lambda d: d["issues"][0]["tiers"][1].update(id="expert"),
            "issues[0].tiers[1].id: unknown tier 'expert'; scoring.tiers defines basic, "
            "advance, significance",
        ),
    ],
)
def test_broken_rules(change: Any, expected: str) -> None:
    data = mini_data()
    change(data)
    assert expected in problems_of(data)


def test_empty_category_and_dimension_are_warnings() -> None:
    data = mini_data()
    data["issues"] = data["issues"][:1]
    data["indicators"] = [i for i in data["indicators"] if i["dimension"] != "7.4"]
    rubric, problems = check_rubric(data)
    assert rubric is not None
    messages = [(p.severity, str(p)) for p in problems]
    assert ("warning", "issues: category 2 has no issue") in messages
    assert ("warning", "indicators: dimension 7.4 has no indicator") in messages


def test_not_a_mapping() -> None:
    assert problems_of(["a", "list"]) == ["the file must hold a mapping (key: value) at the top"]


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nissues: [\n", encoding="utf-8")
    with pytest.raises(RubricError) as info:
        load_rubric(bad)
    assert "line" in info.value.problems[0].path
    assert "not valid YAML" in info.value.problems[0].message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RubricError, match="cannot read the file"):
        load_rubric(tmp_path / "nope.yaml")


def test_sha256_changes_with_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "r.yaml"
    copy.write_bytes(MINI_RUBRIC.read_bytes() + b"\n# edited\n")
    assert load_rubric(copy)[0].sha256 != load_rubric(MINI_RUBRIC)[0].sha256


# --- CLI -------------------------------------------------------------------------------------


def test_cli_rubric_check_shipped() -> None:
    result = runner.invoke(app, ["rubric", "check"])
    assert result.exit_code == 0, result.output
    assert "8 issues across categories 1, 2, 3, 4, 5, 6" in result.output
    assert "12 indicators across dimensions 7.1, 7.2, 7.3, 7.4, 7.5, 7.6" in result.output


def test_cli_rubric_check_broken_lists_every_problem(tmp_path: Path) -> None:
    data = mini_data()
    data["issues"][1]["id"] = "I1"
    data["indicators"][0]["thresholds"] = [50, 40, 30, 20, 10]
    data["issues"][0]["weight"] = -2
    del data["indicators"][1]["unit"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["rubric", "check", str(bad)])
    assert result.exit_code == 1, result.output
    assert "4 error(s)" in result.output
    for path in ("issues[1].id", "indicators[0].thresholds", "issues[0].weight"):
        assert path in result.output
    assert "indicators[1].unit" in result.output
    assert "Traceback" not in result.output


def test_cli_rubric_check_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rubric", "check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1, result.output
    assert "cannot read the file" in result.output
    assert "Traceback" not in result.output


def test_cli_rubric_show() -> None:
    result = runner.invoke(app, ["rubric", "show"])
    assert result.exit_code == 0, result.output
    assert "PM1" in result.output
    assert "KPI-7.6.2" in result.output
    assert "lower is better" in result.output


def test_cli_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("pmqa ")
