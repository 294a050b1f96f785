"""Shared fixtures: rubrics located via __file__, a pinned terminal width for rich output, and
submission workbooks (built by tests/builders.py, which test modules import; never this file)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.core import portable
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import Rubric

from .builders import MINI_RUBRIC, SubmissionFactory, submission_factory


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--simulate-windows",
        action="store_true",
        help="Run as on Windows: no os.fork, SIGALRM, resource or os.fchmod in any process, "
        "workers started with spawn (PMQA_SIMULATE_WINDOWS=1, pmqa_cli/core/portable.py).",
    )
    parser.addoption(
        "--full",
        action="store_true",
        help="The full acceptance run (.ci/run): LibreOffice recalculates every sample "
        "workbook, 245 per rubric, not the default sample of 18 (also PMQA_FULL=1).",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--simulate-windows") or portable.simulating_windows():
        portable.simulate_windows()


#: The test files that take longest (CPU and waiting for LibreOffice), run first and in this
#: order: with one worker per core (./check), a file stays on one worker, and a long one started
#: last would leave the other workers idle at the end. ./check passes --no-loadscope-reorder, or
#: pytest-xdist would order the files by how many tests they hold instead.
SLOW_FIRST = (
    "test_libreoffice.py",
    "test_review_sheet.py",
    "test_scored_office.py",
    "test_national_scale_inputs.py",
    "test_compare.py",
    "test_hostile.py",
    "test_output_sets.py",
    "test_outputs.py",
    "test_batch.py",
    "test_exact.py",
    "test_stopping.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: every file keeps its own order


def _full(config: pytest.Config) -> bool:
    return bool(config.getoption("--full")) or os.environ.get("PMQA_FULL", "") not in ("", "0")


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = ["pmqa: full acceptance run" if _full(config) else "pmqa: quick run (--full: all)"]
    if portable.simulating_windows():
        lines.append("pmqa: simulating Windows (spawn, no fork/SIGALRM/resource/fchmod)")
    return lines


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich reads the width from COLUMNS: pin it so rendered tables are stable across machines.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PMQA_DEBUG", raising=False)
    # Terminal labels follow the locale; tests read the English ones unless they pick Thai.
    monkeypatch.setenv("PMQA_LANG", "en")


@pytest.fixture(scope="session")
def full(pytestconfig: pytest.Config) -> bool:
    """Whether this is the full acceptance run (--full or PMQA_FULL=1), as in CI."""
    return _full(pytestconfig)


@pytest.fixture(scope="session")
def mini() -> Rubric:
    """The small hand-computable rubric."""
    return load_rubric(MINI_RUBRIC)[0]


@pytest.fixture(scope="session")
def shipped() -> Rubric:
    """The shipped FY2567 rubric."""
    return load_rubric()[0]


@pytest.fixture
def make_submission(tmp_path: Path) -> SubmissionFactory:
    """Build a filled submission in tmp_path; ``edit`` may change the sheets before saving."""
    return submission_factory(tmp_path)


def _built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder built once per test run and shared by every test and every xdist worker.

    The workers of one run share the parent of their temporary folders: the first to ask builds
    the folder under a lock (a directory: creating one is atomic everywhere); the others wait for
    it and use the same files. A build that fails leaves no mark of success, so the next to ask
    builds it again (and fails the same way, in its own test). Tests only read these files."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done, lock = (root / f"shared-{name}{end}" for end in ("", ".done", ".lock"))
    while True:
        try:
            lock.mkdir()
            break
        except FileExistsError:
            if done.exists():
                return folder
            time.sleep(0.2)
    try:
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    finally:
        lock.rmdir()
    return folder


def _invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output


@pytest.fixture(scope="session")
def samples_245(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pmqa sample -n 245 --seed 2567`: one submission per office of the shipped registry,
    some with planted mistakes. Built once per run (about 20 s of CPU); read it, never write."""

    def build(folder: Path) -> None:
        _invoke("sample", "-n", "245", "--out", str(folder), "--seed", "2567")

    return _built_once(tmp_path_factory, "samples-245", build)


@pytest.fixture(scope="session")
def batch_245(tmp_path_factory: pytest.TempPathFactory, samples_245: Path) -> Path:
    """The batch of :func:`samples_245` with every output: ``results.xlsx``, ``results.json``
    and the ``feedback`` folder. Built once per run; read it, never write."""

    def build(folder: Path) -> None:
        _invoke("batch", str(samples_245), "-o", str(folder / "results.xlsx"), "--json",
                str(folder / "results.json"), "--feedback", str(folder / "feedback"))  # fmt: skip

    return _built_once(tmp_path_factory, "batch-245", build)
