"""Whole files that are not usable workbooks: each is a finding with a fix, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.model import Rubric

from .broken_files import CASES, OLE, write_bytes
from .builders import SubmissionFactory, complete

pytestmark = pytest.mark.hostile  # part of the hostile-input catalogue (pytest -k hostile)
runner = CliRunner()


@pytest.fixture
def good_file(shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    return make_submission(shipped, complete(shipped))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_a_finding_through_the_cli(tmp_path: Path, good_file: Path, case: str) -> None:
    code, make = CASES[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    path = make(folder, good_file)
    result = runner.invoke(app, ["validate", "--json", str(path)])
    assert "Traceback" not in result.output
    if path.is_dir():
        # A folder, even one named .xlsx, is checked as a folder of submissions (tests/
        # test_edges.py); with none in it, that is a usage error naming it, not a finding.
        assert result.exit_code == 2, result.output
        assert path.name in " ".join(result.output.split())
        return
    data = json.loads(result.output)
    found = [f["code"] for f in data["files"][0]["findings"]]
    assert code in found, found
    if code == "file-macro":
        # Only a warning: the values are read (and nothing is ever run).
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1, result.output
    table = runner.invoke(app, ["validate", str(path)])
    assert table.exit_code == result.exit_code
    assert code in table.output
    assert "Traceback" not in table.output


def test_score_of_an_unreadable_file_says_why(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "old.xlsx", OLE + b"\0" * 100)
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "could not be read" in result.output
    assert "file-legacy-xls" in result.output
    data = json.loads(runner.invoke(app, ["score", "--json", str(path)]).output)
    assert data["readable"] is False and data["overall"] is None


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path, good_file: Path) -> None:
    bad = write_bytes(tmp_path / "empty.xlsx", b"")
    result = runner.invoke(app, ["validate", str(bad), str(good_file)])
    assert result.exit_code == 1, result.output
    assert "2 file(s): 1 without errors, 1 with errors" in result.output


def test_no_file_given_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2, result.output
