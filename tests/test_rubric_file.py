"""Which rubric file a command reads: a rubrics/ folder in the current folder before the
installed copy, and the file always named (terminal, JSON, results)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.load import (
    DEFAULT_RUBRIC_ID,
    default_rubric_path,
    load_rubric,
    resolve_rubric,
    shipped_rubrics,
)


def installed(rubric_id: str) -> Path:
    return next(f for f in shipped_rubrics() if f.stem == rubric_id)


def test_without_a_local_rubrics_folder_the_installed_copy_is_read_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rubric, _ = load_rubric()
    assert Path(rubric.path) == installed(DEFAULT_RUBRIC_ID).resolve()
    assert rubric.sha256 and rubric.id == DEFAULT_RUBRIC_ID


def test_an_edited_copy_in_rubrics_of_the_current_folder_is_used_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rubrics").mkdir()
    edited = tmp_path / "rubrics" / f"{DEFAULT_RUBRIC_ID}.yaml"
    text = installed(DEFAULT_RUBRIC_ID).read_text(encoding="utf-8")
    edited.write_text(text.replace("title_en:", "title_en: EDITED", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert default_rubric_path().resolve() == edited.resolve()
    rubric, _ = load_rubric()
    assert rubric.title_en.startswith("EDITED")
    assert Path(rubric.path) == edited.resolve()
    assert rubric.sha256 != load_rubric(installed(DEFAULT_RUBRIC_ID))[0].sha256


def test_a_rubric_id_names_the_local_copy_first_then_the_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_rubric(Path("opdc-pmqa4-24")) == installed("opdc-pmqa4-24")
    (tmp_path / "rubrics").mkdir()
    shutil.copy(installed("opdc-pmqa4-24"), tmp_path / "rubrics")
    assert resolve_rubric(Path("opdc-pmqa4-24")) == Path("rubrics/opdc-pmqa4-24.yaml")
    # A path that exists is always itself.
    assert resolve_rubric(tmp_path / "rubrics" / "opdc-pmqa4-24.yaml") == (
        tmp_path / "rubrics" / "opdc-pmqa4-24.yaml"
    )


def test_rubric_check_names_the_file_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rubrics").mkdir()
    shutil.copy(installed(DEFAULT_RUBRIC_ID), tmp_path / "rubrics")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--lang", "en", "rubric", "check"])
    assert result.exit_code == 0, result.output
    text = "".join(result.output.split())
    assert (
        "".join(str((tmp_path / "rubrics" / f"{DEFAULT_RUBRIC_ID}.yaml").resolve()).split()) in text
    )
