"""The library behind the commands (report/run.py, report/given.py): finding submissions,
refusing outputs before any work, earlier results, writing a batch and a comparison, picking
the files a committee reviews, and the checks on what a command is given."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pmqa_cli.assess.batch import BatchOptions
from pmqa_cli.core.errors import UsageError
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office
from pmqa_cli.report import given, run
from pmqa_cli.report.guard import Form
from pmqa_cli.report.pdf import LibreOfficeMissingError
from pmqa_cli.rubric.model import OfficeType, Rubric
from tests.builders import MINI_RUBRIC, Filled, SubmissionFactory, complete


def office(code: str) -> Filled:
    kind = OfficeType.PRIMARY if code.startswith("P") else OfficeType.SECONDARY
    return Filled(Office(code, f"สพท.ทดสอบ {code}", kind, "ทดสอบ"))


@pytest.fixture
def folder(tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory) -> Path:
    """Two clean submissions (P001, S002) in their own folder, and a note that is not one."""
    for code in ("P001", "S002"):
        make_submission(mini, complete(mini, office(code)), name=f"{code}.xlsx")
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for path in tmp_path.glob("*.xlsx"):
        path.rename(submissions / path.name)
    (submissions / "readme.txt").write_text("not a workbook", encoding="utf-8")
    return submissions


# --- find_submissions -----------------------------------------------------------------------


def test_find_submissions_takes_spreadsheets_and_passes_over_the_rest(folder: Path) -> None:
    found = run.find_submissions([folder])
    assert [f.name for f in found.files] == ["P001.xlsx", "S002.xlsx"]
    assert [Path(s).name for s in found.skipped] == ["readme.txt"]


def test_a_missing_path_or_earlier_result_is_a_usage_error(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nowhere does not exist"):
        run.find_submissions([folder, tmp_path / "nowhere"])
    with pytest.raises(UsageError, match=r"old\.json does not exist"):
        run.find_submissions([folder], previous=[tmp_path / "old.json"])


def test_no_submissions_is_a_usage_error_naming_pmqas_own_outputs(
    tmp_path: Path, folder: Path, mini: Rubric
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match=r"No submissions found \(.xlsx.*\) under: .*empty$"):
        run.find_submissions([empty])
    # A results workbook pmqa wrote is never a submission, and the message says it was seen.
    results = empty / "results.xlsx"
    found = run.find_submissions([folder])
    with run.write_batch(
        found,
        [folder],
        mini,
        run.Outputs(results),
        registry=None,
        options=BatchOptions(jobs=1),
        command="pmqa batch",
    ):
        pass  # fmt: skip
    with pytest.raises(UsageError, match="passed over 1 results/feedback workbooks pmqa wrote"):
        run.find_submissions([empty])


def test_earlier_results_and_verification_files_among_submissions_are_not_offices(
    folder: Path,
) -> None:
    previous, review = folder / "P001.xlsx", folder / "S002.xlsx"
    with pytest.raises(UsageError, match="No submissions found"):
        run.find_submissions([folder], previous=[previous], verifying=[review])
    found = run.find_submissions([folder], verifying=[review])
    assert [f.name for f in found.files] == ["P001.xlsx"]
    assert str(review) in found.skipped


# --- checking outputs before any work -------------------------------------------------------


def test_outputs_name_each_target_with_its_option(tmp_path: Path) -> None:
    outputs = run.Outputs(tmp_path / "r.xlsx", json=tmp_path / "r.json", csv=tmp_path / "csv")
    targets = outputs.targets(Kind.RESULTS)
    assert [(t.option, t.form) for t in targets] == [
        ("-o", Form.WORKBOOK), ("--json", Form.JSON), ("--csv", Form.CSV_FOLDER)
    ]  # fmt: skip
    assert run.Outputs(tmp_path / "r.xlsx").targets(Kind.REVIEW)[0].kind is Kind.REVIEW


def test_an_output_inside_a_folder_searched_is_refused(folder: Path, tmp_path: Path) -> None:
    files = run.find_submissions([folder]).files
    # Named like a spreadsheet, the next run would read it as a submission.
    inside = run.Outputs(tmp_path / "r.xlsx", json=folder / "r.xlsx")
    with pytest.raises(UsageError, match="lies inside the input folder"):
        run.check_outputs_of(inside, Kind.RESULTS, inputs=files, input_folders=[folder])
    # Feedback workbooks are named by office code: they could replace a submission.
    feedback = run.Outputs(tmp_path / "r.xlsx", feedback=folder)
    with pytest.raises(UsageError, match="holds submissions"):
        run.check_outputs_of(feedback, Kind.RESULTS, inputs=files, input_folders=[folder])


def test_an_output_over_an_input_is_refused_even_with_force(folder: Path, tmp_path: Path) -> None:
    registry = tmp_path / "offices.csv"
    registry.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"offices\.csv \(--json\) is one of the inputs"):
        run.check_outputs_of(run.Outputs(tmp_path / "r.xlsx", json=registry), Kind.RESULTS,
                             inputs=[None, registry], force=True)  # fmt: skip


def test_two_outputs_on_one_path_are_refused(tmp_path: Path) -> None:
    same = tmp_path / "out.xlsx"
    with pytest.raises(UsageError, match="both name"):
        run.check_outputs_of(run.Outputs(same, json=same), Kind.RESULTS, inputs=[])


def test_outputs_that_harm_nothing_pass(tmp_path: Path, folder: Path) -> None:
    missing = run.Outputs(tmp_path / "out" / "r.xlsx")
    with pytest.raises(UsageError, match=r"does not exist\. Create it first"):
        run.check_outputs_of(missing, Kind.RESULTS, inputs=[])
    outputs = run.Outputs(tmp_path / "r.xlsx", json=tmp_path / "r.json")
    run.check_outputs_of(outputs, Kind.RESULTS, inputs=[None, *folder.iterdir()],
                         input_folders=[folder])  # fmt: skip


# --- a batch written, compared with an earlier one ------------------------------------------


@pytest.fixture
def batch_json(tmp_path: Path, folder: Path, mini: Rubric) -> Path:
    """A results JSON, as an earlier round's."""
    out = tmp_path / "earlier"
    out.mkdir()
    found = run.find_submissions([folder])
    outputs = run.Outputs(out / "results.xlsx", json=out / "results.json")
    with run.write_batch(
        found,
        [folder],
        mini,
        outputs,
        registry=None,
        options=BatchOptions(jobs=1),
        command="pmqa batch",
    ):
        pass  # fmt: skip
    return out / "results.json"


def test_write_batch_writes_every_output_asked_for_and_reports_progress(
    tmp_path: Path, folder: Path, mini: Rubric
) -> None:
    ticks: list[tuple[int, int]] = []

    @contextmanager
    def progress(total: int) -> Iterator[Callable[[int, int, str], None]]:
        yield lambda done, all_files, path: ticks.append((done, all_files))

    found = run.find_submissions([folder])
    outputs = run.Outputs(tmp_path / "results.xlsx", json=tmp_path / "r.json",
                          csv=tmp_path / "csv")  # fmt: skip
    with run.write_batch(found, [folder], mini, outputs, registry=None,
                         options=BatchOptions(jobs=1), command="pmqa batch x",
                         progress=progress) as done:  # fmt: skip
        assert [f.office.code for f in done.batch.scored] == ["P001", "S002"]
        assert done.analysis.comparison is None
    assert done.clean
    assert ticks[-1] == (2, 2)
    assert done.written[:2] == [outputs.workbook, outputs.json]
    assert all(p.is_file() for p in done.written)
    assert any(p.parent == outputs.csv and p.suffix == ".csv" for p in done.written)
    assert (
        json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["command"] == "pmqa batch x"
    )


def test_write_batch_compares_with_earlier_results(
    tmp_path: Path, folder: Path, mini: Rubric, batch_json: Path
) -> None:
    earlier = run.load_previous([batch_json], ["2566"], mini)
    assert [e.label for e in earlier] == ["2566"]
    found = run.find_submissions([folder], previous=[batch_json])
    with run.write_batch(found, [folder], mini, run.Outputs(tmp_path / "r.xlsx"), registry=None,
                         options=BatchOptions(jobs=1), command="pmqa batch",
                         earlier=earlier) as done:  # fmt: skip
        comparison = done.analysis.comparison
        assert comparison is not None and [r.label for r in comparison.rounds] == ["2566"]
        assert len(comparison.rounds[0].both) == 2


def test_one_label_for_each_earlier_result(batch_json: Path, mini: Rubric) -> None:
    with pytest.raises(UsageError, match=r"one --previous-label for each --previous \(1 files, 2"):
        run.load_previous([batch_json], ["2565", "2566"], mini)
    assert run.load_previous([], [], mini) == []


def test_compare_results_writes_the_workbook_json_and_csv(
    tmp_path: Path, batch_json: Path, mini: Rubric
) -> None:
    comparison = run.compare_results(batch_json, batch_json, mini, None, old_label="before",
                                     new_label="after")  # fmt: skip
    assert comparison.current.label == "after" and comparison.rounds[0].label == "before"
    outputs = run.Outputs(tmp_path / "c.xlsx", json=tmp_path / "c.json", csv=tmp_path / "c")
    written = run.write_comparison_files(comparison, mini, outputs, "pmqa compare")
    assert written[:2] == [outputs.workbook, outputs.json]
    assert all(p.is_file() for p in written) and len(written) > 2


# --- the committee's files ------------------------------------------------------------------


def test_choose_for_review_leaves_out_what_cannot_be_read(
    tmp_path: Path, folder: Path, mini: Rubric
) -> None:
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    files = run.find_submissions([folder]).files
    choice = run.choose_for_review(files, mini, registry=None, limits=given.reading_limits())
    assert sorted(s.office.code for s in choice.chosen) == ["P001", "S002"]
    assert choice.left_out == [run.LeftOut(broken, readable=False)]
    assert choice.conflicts == []


# --- what a command is given ----------------------------------------------------------------


def test_an_unknown_rubric_names_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no shipped rubric has that id \(shipped: .*obec"):
        given.load_rubric_option(Path("no-such-rubric"))
    assert given.load_rubric_option(MINI_RUBRIC).id
    assert given.load_rubric_option(None).id == "obec-esao-2567"


def test_a_missing_registry_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--registry .*none\.csv: no such file"):
        given.load_registry_option(tmp_path / "none.csv")
    assert given.load_registry_option(None) is None


def test_bad_reading_limits_are_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMQA_MAX_ROWS", "lots")
    with pytest.raises(UsageError, match=r"docs/security\.md"):
        given.reading_limits()


def test_verification_files_must_exist(tmp_path: Path, mini: Rubric) -> None:
    limits = given.reading_limits()
    assert given.load_verification_option(mini, None, [], None, None, limits) is None
    with pytest.raises(UsageError, match=r"review.csv does not exist \(or is not a file\)"):
        given.load_verification_option(mini, [tmp_path / "review.csv"], None, None, None, limits)
    with pytest.raises(UsageError, match="does not exist"):
        given.load_verification_option(mini, None, [tmp_path], None, None, limits)


def test_pdf_needs_a_workbook_then_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="--pdf prints the feedback workbook: add -o X"):
        given.need_pdf(False, "-o X")
    monkeypatch.setattr(given, "find_soffice", lambda: None)
    with pytest.raises(LibreOfficeMissingError):
        given.need_pdf(True, "")
    monkeypatch.setattr(given, "find_soffice", lambda: "/usr/bin/soffice")
    given.need_pdf(True, "")


def test_given_paths_drops_options_not_given(tmp_path: Path) -> None:
    assert given.given_paths(None, tmp_path, None) == [tmp_path]


def test_an_office_is_found_in_the_registry_or_the_sample(tmp_path: Path) -> None:
    registry = tmp_path / "offices.csv"
    registry.write_text(
        "code,name,type,province,region\nP900,สพป.ทดลอง เขต 1,primary,ทดลอง,กลาง\n",
        encoding="utf-8",
    )
    assert given.find_office(" P900 ", registry).name == "สพป.ทดลอง เขต 1"
    assert given.find_office("S010", None).code == "S010"  # the shipped sample registry
    assert len(given.registry_or_sample(None).offices) > 100
    with pytest.raises(UsageError, match=r"office code P901 is not in the registry .*offices"):
        given.find_office("P901", registry)
