"""Which rubric file a command reads: a rubrics/ folder in the current folder before the
installed copy, and the file always named (terminal, JSON, results)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.core.errors import UsageError
from pmqa_cli.rubric.load import (
    DEFAULT_RUBRIC_ID,
    default_rubric_path,
    load_rubric,
    resolve_rubric,
    shipped_rubrics,
)
from pmqa_cli.rubric.model import RubricError


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


# --- the rubric is an input like any other: read whole within its limits, or refused ---------


def _refused_fast(path: Path) -> str:
    start = time.monotonic()
    with pytest.raises(UsageError) as refused:
        load_rubric(path)
    assert time.monotonic() - start < 1.0
    return str(refused.value)


@pytest.mark.hostile
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_fifo_as_the_rubric_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "rubric.yaml"
    os.mkfifo(fifo)
    message = _refused_fast(fifo)
    assert f"{fifo} is not a regular file (a named pipe, FIFO)" in message
    result = CliRunner().invoke(app, ["--lang", "en", "rubric", "check", str(fifo)])
    assert result.exit_code == 2, result.output
    assert "not a regular file (a named pipe, FIFO)" in " ".join(result.output.split())


@pytest.mark.hostile
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this platform")
def test_dev_zero_as_the_rubric_is_refused_not_read_until_memory_runs_out() -> None:
    assert "/dev/zero is not a regular file (a device)" in _refused_fast(Path("/dev/zero"))


@pytest.mark.hostile
def test_a_rubric_over_its_size_limit_is_refused_naming_the_limit_and_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # 2 GB, sparse: refused by stat, never read
        handle.truncate(2 * 1024**3)
    message = _refused_fast(big)
    assert str(big) in message and "2048.0 MB is over the 5.0 MB limit" in message
    assert "PMQA_MAX_RUBRIC_FILE_MB" in message
    # The variable lowers (or raises) the limit: the shipped rubric, 1 KB allowed.
    monkeypatch.setenv("PMQA_MAX_RUBRIC_FILE_MB", "0.001")
    shipped = installed(DEFAULT_RUBRIC_ID)
    assert "KB is over the 1.0 KB limit for a rubric (--rubric)" in _refused_fast(shipped)
    monkeypatch.setenv("PMQA_MAX_RUBRIC_FILE_MB", "1")
    assert load_rubric(shipped)[0].id == DEFAULT_RUBRIC_ID
    result = CliRunner().invoke(app, ["--lang", "en", "validate", "--rubric", str(big), "x.xlsx"])
    assert result.exit_code == 2 and "PMQA_MAX_RUBRIC_FILE_MB" in result.output, result.output


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.hostile
def test_a_yaml_bomb_of_nested_aliases_is_refused_before_it_is_built(tmp_path: Path) -> None:
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")  # 10^9 nodes once expanded, 400 bytes
    message = _refused_fast(bomb)
    assert "YAML nodes with aliases (*) expanded > 1,000,000 is over the 1,000,000" in message
    assert "PMQA_MAX_RUBRIC_NODES" in message
    endless = tmp_path / "endless.yaml"
    endless.write_text("a: &a [1, *a]\n", encoding="utf-8")  # an alias inside its own anchor
    assert "PMQA_MAX_RUBRIC_NODES" in _refused_fast(endless)
    result = CliRunner().invoke(app, ["--lang", "en", "rubric", "check", str(bomb)])
    assert result.exit_code == 2 and "PMQA_MAX_RUBRIC_NODES" in result.output, result.output


def test_the_node_limit_counts_every_node_and_its_variable_raises_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = installed(DEFAULT_RUBRIC_ID)  # 1,064 nodes
    monkeypatch.setenv("PMQA_MAX_RUBRIC_NODES", "1000")
    assert "> 1,000 is over the 1,000 limit" in _refused_fast(shipped)
    monkeypatch.setenv("PMQA_MAX_RUBRIC_NODES", "1100")
    assert load_rubric(shipped)[0].id == DEFAULT_RUBRIC_ID
    # An anchor used with an alias is YAML a person may write: counted expanded, and read.
    text = shipped.read_text(encoding="utf-8")
    anchored = tmp_path / "anchored.yaml"
    lines = [line for line in text.splitlines() if not line.startswith("title_en:")]
    lines = [f"{line}\ntitle_en: *th" if line.startswith("title_th:") else line for line in lines]
    anchored.write_text("\n".join(lines).replace("title_th:", "title_th: &th", 1), encoding="utf-8")
    rubric = load_rubric(anchored)[0]
    assert rubric.title_en == rubric.title_th and rubric.title_th.startswith("เกณฑ์")


@pytest.mark.hostile
def test_a_rubric_nested_deeper_than_the_parser_goes_is_a_rubric_problem(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(RubricError, match="nested deeper than any rubric could be"):
        load_rubric(deep)
