"""`pmqa sample`: validation reports the planted mistakes, and only those."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.cli.render import MISTAKE_NAMES
from pmqa_cli.io.registry import Registry, load_registry, sample_registry_path
from pmqa_cli.report.sample import MISTAKES, generate_samples
from pmqa_cli.rubric.model import Rubric

runner = CliRunner()


def test_validate_reports_the_planted_mistakes_and_only_those(
    tmp_path: Path, shipped: Rubric
) -> None:
    out = tmp_path / "s"
    result = runner.invoke(app, ["sample", "--count", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == 20
    planted = generate_samples(
        shipped, load_registry(sample_registry_path()), 20, tmp_path / "again"
    )
    assert {p.kind for p in planted} == set(MISTAKES), "every kind of mistake is planted"
    for p in planted:
        # Each mistake in words, in the terminal's language (English here).
        assert p.file in result.output and MISTAKE_NAMES[p.kind][1] in result.output

    validated = runner.invoke(app, ["validate", "--json", *map(str, files)])
    assert validated.exit_code == 1, validated.output
    report = json.loads(validated.output)
    found = {
        (Path(f["file"]).name, f["code"], f["item_id"])
        for entry in report["files"]
        for f in entry["findings"]
    }
    expected = {(p.file, p.expected_code, p.item_id) for p in planted if p.expected_code}
    assert found == expected


def test_same_seed_same_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = runner.invoke(
            app, ["sample", "-n", "3", "--out", str(tmp_path / name), "--seed", "7"]
        )
        assert result.exit_code == 0, result.output
    for file in (tmp_path / "a").glob("*.xlsx"):
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes()
    other = runner.invoke(app, ["sample", "-n", "3", "--out", str(tmp_path / "c"), "--seed", "8"])
    assert other.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "c").glob("*.xlsx")) != sorted(
        p.name for p in (tmp_path / "a").glob("*.xlsx")
    )


def test_the_sample_registry_has_245_offices() -> None:
    registry = load_registry(sample_registry_path())
    assert len(registry) == 245
    assert sum(1 for o in registry if o.type and o.type.value == "primary") == 183


def test_more_offices_than_the_registry(tmp_path: Path, shipped: Rubric) -> None:
    offices = load_registry(sample_registry_path()).offices
    small = Registry("small", {c: offices[c] for c in ("P001", "S001")})
    generate_samples(shipped, small, 4, tmp_path)
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert names == ["P001.xlsx", "S001.xlsx", "T00003.xlsx", "T00004.xlsx"]


def test_count_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "--count", "0", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    afile = tmp_path / "f"
    afile.write_text("x")
    result = runner.invoke(app, ["sample", "--count", "2", "--out", str(afile)])
    assert result.exit_code == 2, result.output
    assert "not a folder" in result.output


def test_parallel_generation_writes_the_same_files(tmp_path: Path, shipped: Rubric) -> None:
    registry = load_registry(sample_registry_path())
    one = generate_samples(shipped, registry, 21, tmp_path / "one", jobs=1)
    two = generate_samples(shipped, registry, 21, tmp_path / "two", jobs=2)
    assert one == two
    for file in (tmp_path / "one").glob("*.xlsx"):
        assert file.read_bytes() == (tmp_path / "two" / file.name).read_bytes()
