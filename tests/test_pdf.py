"""--pdf without LibreOffice: a clear error naming the package, before any work is done.

(With LibreOffice, tests/test_libreoffice.py prints real PDFs and reads their text.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.report.pdf import find_soffice
from pmqa_cli.rubric.model import Rubric

from .builders import SubmissionFactory, complete

runner = CliRunner()


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMQA_SOFFICE", str(tmp_path / "not-installed" / "soffice"))
    assert find_soffice() is None


def test_score_pdf_without_libreoffice_names_the_package(
    no_libreoffice: None, shipped: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    submission = make_submission(shipped, complete(shipped), name="P001.xlsx")
    feedback = tmp_path / "feedback.xlsx"
    result = runner.invoke(app, ["score", str(submission), "-o", str(feedback), "--pdf"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "LibreOffice" in message and "libreoffice-calc-nogui" in message
    assert not feedback.exists(), "nothing is written when the PDF cannot be made"


def test_score_pdf_needs_a_feedback_workbook(
    shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    submission = make_submission(shipped, complete(shipped), name="P001.xlsx")
    result = runner.invoke(app, ["score", str(submission), "--pdf"])
    assert result.exit_code == 2
    assert "-o FEEDBACK.xlsx" in result.output


def test_batch_pdf_without_libreoffice_stops_before_scoring(
    no_libreoffice: None, shipped: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    make_submission(shipped, complete(shipped), name="P001.xlsx")
    results = tmp_path / "results.xlsx"
    result = runner.invoke(app, ["batch", str(tmp_path), "-o", str(results), "--pdf"])
    assert result.exit_code == 2 and "LibreOffice" in result.output
    assert not results.exists()
