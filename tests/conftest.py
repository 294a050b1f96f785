"""Shared fixtures: rubrics located via __file__, and a pinned terminal width for rich output."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmqa_cli.rubric import Rubric, load_rubric

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_RUBRIC = FIXTURES / "mini-rubric.yaml"


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich reads the width from COLUMNS: pin it so rendered tables are stable across machines.
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("PMQA_DEBUG", raising=False)


@pytest.fixture(scope="session")
def mini() -> Rubric:
    """The small hand-computable rubric."""
    return load_rubric(MINI_RUBRIC)[0]


@pytest.fixture(scope="session")
def shipped() -> Rubric:
    """The shipped FY2567 rubric."""
    return load_rubric()[0]
