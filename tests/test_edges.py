"""Rough edges at the command line: a folder where one workbook goes, a reader that closes the
pipe early, an output folder that is the submissions folder, long Thai titles in the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.model import Rubric

from .builders import SubmissionFactory, complete

runner = CliRunner()


@pytest.fixture
def folder(shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    """A folder of two submissions, one with an error, alone in the test's own folder."""
    broken = complete(shipped)
    broken.answers["PM1-B1"] = None
    made = [make_submission(shipped, complete(shipped), name="P001.xlsx"),
            make_submission(shipped, broken, name="P002.xlsx")]  # fmt: skip
    subs = made[0].parent / "subs"
    subs.mkdir()
    for path in made:
        path.rename(subs / path.name)
    return subs


def said(output: str) -> str:
    return " ".join(output.split())  # the terminal wraps long messages


# --- a folder given where one workbook goes ---------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "th"])
def test_score_of_a_folder_is_a_usage_error_pointing_to_batch(folder: Path, lang: str) -> None:
    result = runner.invoke(app, ["--lang", lang, "score", str(folder)])
    assert result.exit_code == 2, result.output
    text = said(result.output)
    assert f"pmqa batch {folder} -o results.xlsx" in text
    assert ("เป็นโฟลเดอร์" if lang == "th" else "is a folder") in text
    assert "unknown" not in text and "ประเภทไม่ทราบ" not in text  # not an unreadable workbook


def test_score_of_a_folder_is_refused_before_any_output_is_checked(folder: Path) -> None:
    out = folder.parent / "feedback.xlsx"
    result = runner.invoke(app, ["score", str(folder), "-o", str(out)])
    assert result.exit_code == 2 and "is a folder" in said(result.output), result.output
    assert not out.exists()


def test_validate_of_a_folder_checks_every_submission_in_it(folder: Path) -> None:
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder), "--json"])
    assert result.exit_code == 1, result.output
    files = json.loads(result.output)["files"]
    assert sorted(Path(f["file"]).name for f in files) == ["P001.xlsx", "P002.xlsx"]
    assert [f["valid"] for f in sorted(files, key=lambda f: f["file"])] == [True, False]
    assert "file-unreadable" not in result.output


def test_validate_of_a_folder_without_submissions_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["--lang", "th", "validate", str(empty)])
    assert result.exit_code == 2, result.output
    assert "ไม่พบแบบประเมิน" in said(result.output)


# --- a reader that closes the pipe early ------------------------------------------------------


def test_a_closed_pipe_stops_quietly(folder: Path) -> None:
    # `pmqa score FILE --json | head -0`: the reader is gone before pmqa writes its first line.
    process = subprocess.Popen(
        [sys.executable, "-m", "pmqa_cli", "score", str(folder / "P001.xlsx"), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=120) == 141, errors
    assert errors == ""  # no "internal error", no traceback, no "Exception ignored"


# --- an output folder that is the submissions folder ------------------------------------------


@pytest.mark.parametrize("option", ["--csv", "--maps", "--feedback"])
@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_folder_output_may_not_be_the_submissions_folder(
    folder: Path, option: str, lang: str
) -> None:
    before = sorted(p.name for p in folder.iterdir())
    out = folder.parent / "results.xlsx"
    result = runner.invoke(app, ["--lang", lang, "batch", str(folder), "-o", str(out), option,
                                 str(folder)])  # fmt: skip
    assert result.exit_code == 2, result.output
    text = said(result.output)
    if option == "--feedback":
        assert ("มีแบบประเมินอยู่" if lang == "th" else "holds submissions") in text
    else:
        assert ("ใช้โฟลเดอร์แยกต่างหาก" if lang == "th" else "Choose a folder of its own") in text
        assert f"{folder}-{option.lstrip('-')}" in text  # the fix, a folder beside it
    assert sorted(p.name for p in folder.iterdir()) == before and not out.exists()


def test_a_csv_folder_inside_the_submissions_folder_is_allowed(folder: Path) -> None:
    out = folder.parent / "results.xlsx"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--csv",
                                 str(folder / "csv")])  # fmt: skip
    assert result.exit_code == 1, result.output  # P002's missing answer
    assert (folder / "csv" / "about.csv").is_file()
    again = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--json",
                                str(folder.parent / "r.json")])  # fmt: skip
    assert again.exit_code == 1, again.output
    scored = json.loads((folder.parent / "r.json").read_text(encoding="utf-8"))
    assert sorted(Path(o["file"]).name for o in scored["offices"]) == ["P001.xlsx", "P002.xlsx"]
