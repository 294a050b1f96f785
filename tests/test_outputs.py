"""Outputs never touch inputs: every output path is checked before the first file is scored."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from pmqa_cli.assess.batch import discover
from pmqa_cli.cli.app import app
from pmqa_cli.io.mark import Kind, read_mark
from pmqa_cli.io.registry import Office
from pmqa_cli.report.pdf import find_soffice
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import MINI_RUBRIC, Filled, SubmissionFactory, complete

runner = CliRunner()


def said(result: object) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(str(getattr(result, "output", "")).split())


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def subs(tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    """Three offices' submissions in a folder with a Thai name and spaces."""
    folder = tmp_path / "ผลการประเมิน 2567" / "สพป. ส่งแล้ว"
    folder.mkdir(parents=True)
    for n in (1, 2, 3):
        office = Office(f"P00{n}", f"สพป.ทดสอบ เขต {n}", OfficeType.PRIMARY, "ทดสอบ")
        path = make_submission(shipped, complete(shipped, Filled(office)), name=f"P00{n}.xlsx")
        shutil.move(path, folder / f"สพป. เขต {n}.xlsx")
    return folder


def test_feedback_into_the_input_folder_is_refused_and_inputs_unchanged(
    tmp_path: Path, subs: Path
) -> None:
    before = digests(subs)
    out = tmp_path / "results.xlsx"
    result = runner.invoke(app, ["batch", str(subs), "-o", str(out), "--feedback", str(subs)])
    assert result.exit_code == 2, result.output
    assert "holds submissions" in said(result)
    assert "feedback" in said(result)
    assert digests(subs) == before
    assert not out.exists()  # refused before anything was scored or written


def test_a_second_batch_over_the_first_batchs_outputs_scores_the_same_offices(
    subs: Path,
) -> None:
    root = subs.parent
    first_json, second_json = root / "first.json", root / "second.json"
    args = ["batch", str(root), "-o", str(subs / "results.xlsx"), "--json", str(first_json),
            "--csv", str(subs / "csv"), "--feedback", str(subs / "feedback")]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert read_mark(subs / "results.xlsx") is not None
    assert sorted(p.name for p in (subs / "feedback").iterdir()) == [
        ".pmqa-written.json",  # what pmqa wrote there, with each file's SHA-256
        "P001.xlsx",
        "P002.xlsx",
        "P003.xlsx",
    ]
    # Same outputs again (pmqa replaces its own files without --force) and a second JSON.
    args[args.index(str(first_json))] = str(second_json)
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    one = json.loads(first_json.read_text(encoding="utf-8"))
    two = json.loads(second_json.read_text(encoding="utf-8"))
    assert [o["office"]["code"] for o in two["offices"]] == [
        o["office"]["code"] for o in one["offices"]
    ]
    assert [o["file"] for o in two["offices"]] == [o["file"] for o in one["offices"]]
    assert two["counts"]["files"] == 3
    own = sorted(Path(p).relative_to(root).as_posix() for p in two["pmqa_outputs_skipped"])
    csv_files = sorted(f"{subs.name}/csv/{p.name}" for p in (subs / "csv").glob("*.csv"))
    assert len(csv_files) > 5
    # The workbooks by their mark, the CSV files by their folder's record, the JSON by its head.
    books = ["feedback/P001.xlsx", "feedback/P002.xlsx", "feedback/P003.xlsx", "results.xlsx"]
    assert own == sorted(["first.json", *csv_files, *(f"{subs.name}/{b}" for b in books)])
    assert "own outputs passed over" in second.output
    assert two["skipped"] == []
    # A CSV file changed since pmqa wrote it is no longer pmqa's: passed over as any other file.
    edited = subs / "csv" / "summary.csv"
    edited.write_text(edited.read_text(encoding="utf-8-sig") + "x\n", encoding="utf-8-sig")
    assert str(edited) in discover([root]).skipped


def test_discovery_passes_over_pmqa_outputs_even_when_named(tmp_path: Path, subs: Path) -> None:
    out = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["batch", str(subs), "-o", str(out)]).exit_code == 0
    found = discover([subs, out])
    assert len(found.files) == 3
    assert found.outputs == [str(out)]
    mark = read_mark(out)
    assert mark is not None
    assert (mark.kind, mark.pristine) == (Kind.RESULTS.value, True)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--csv", "{existing}"], "is a file, not a folder; --csv takes a folder"),
        (["--json", "{out}"], "--json and -o both name"),
        (["--json", "{subs}/r.xlsx"], "ends like a spreadsheet"),
        (["--registry", "{registry}", "--json", "{registry}"], "is one of the inputs"),
        (["--rubric", "{rubric}", "--json", "{rubric}"], "is one of the inputs"),
        (["--json", "{tmp}/no-folder/r.json"], "does not exist"),
        (["--json", "{existing}"], "already exists"),
        (["--feedback", "{existing}"], "is a file"),
        (["--csv", "{tmp}/c", "--feedback", "{tmp}/c"], "both name"),
    ],
)
def test_output_problems_are_usage_errors_before_any_scoring(
    tmp_path: Path, subs: Path, extra: list[str], message: str
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("an analyst's own notes", encoding="utf-8")
    registry = tmp_path / "registry.csv"
    registry.write_text("code,name,type\nP001,สพป.ทดสอบ เขต 1,สพป.\n", encoding="utf-8")
    rubric = tmp_path / "rubric.yaml"
    shutil.copy(MINI_RUBRIC, rubric)
    values = {"existing": existing, "out": tmp_path / "r.xlsx", "subs": subs, "tmp": tmp_path,
              "registry": registry, "rubric": rubric}  # fmt: skip
    before = digests(tmp_path)
    args = ["batch", str(subs), "-o", str(tmp_path / "r.xlsx"), *extra]
    result = runner.invoke(app, [a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    assert message in said(result)
    assert "internal error" not in result.output
    assert digests(tmp_path) == before  # nothing scored, nothing written


def test_existing_files_are_replaced_only_when_pmqa_wrote_them(tmp_path: Path, subs: Path) -> None:
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"someone else's workbook")
    result = runner.invoke(app, ["batch", str(subs), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "--force" in said(result)
    assert out.read_bytes() == b"someone else's workbook"
    assert runner.invoke(app, ["batch", str(subs), "-o", str(out), "--force"]).exit_code == 0
    assert read_mark(out) is not None
    # pmqa's own, untouched: replaced without --force.
    assert runner.invoke(app, ["batch", str(subs), "-o", str(out)]).exit_code == 0
    # Opened and saved by an analyst (Excel stamps their name): no longer pmqa's to replace.
    wb = openpyxl.load_workbook(out)
    wb.properties.lastModifiedBy = "นักวิเคราะห์"
    wb.save(out)
    result = runner.invoke(app, ["batch", str(subs), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "changed since" in said(result)


def _add_a_note(workbook: Path) -> None:
    """An analyst's note added with openpyxl, which keeps "last modified by" as it was (pmqa),
    as LibreOffice without a user name does."""
    wb = openpyxl.load_workbook(workbook)
    assert wb.properties.lastModifiedBy == "pmqa"
    wb.worksheets[0]["Z1"] = "หมายเหตุของผู้วิเคราะห์"
    wb.save(workbook)


@pytest.mark.parametrize("edited", ["results", "feedback"])
def test_a_workbook_changed_by_a_program_that_keeps_pmqas_name_is_not_replaced(
    tmp_path: Path, subs: Path, edited: str
) -> None:
    out, fb = tmp_path / "r.xlsx", tmp_path / "fb"
    args = ["batch", str(subs), "-o", str(out), "--feedback", str(fb)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0  # untouched: replaced without --force
    workbook = out if edited == "results" else sorted(fb.glob("*.xlsx"))[0]
    _add_a_note(workbook)
    noted = workbook.read_bytes()
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert workbook.name in said(result) and "changed since" in said(result)
    assert workbook.read_bytes() == noted
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert workbook.read_bytes() != noted
    assert runner.invoke(app, args).exit_code == 0  # pmqa's own again


def test_every_workbook_output_is_recorded_beside_it(tmp_path: Path, subs: Path) -> None:
    """The record each workbook is checked against (report/guard.py): results, feedback,
    template, each in its own folder's .pmqa-written.json with its SHA-256."""
    out, fb, blank = tmp_path / "r" / "r.xlsx", tmp_path / "fb", tmp_path / "t" / "blank.xlsx"
    out.parent.mkdir()
    blank.parent.mkdir()
    assert (
        runner.invoke(app, ["batch", str(subs), "-o", str(out), "--feedback", str(fb)]).exit_code
        == 0
    )
    assert runner.invoke(app, ["template", "-o", str(blank)]).exit_code == 0
    for folder, names in ((out.parent, ["r.xlsx"]), (fb, sorted(p.name for p in fb.glob("*.xlsx"))),
                          (blank.parent, ["blank.xlsx"])):  # fmt: skip
        record = json.loads((folder / ".pmqa-written.json").read_text(encoding="utf-8"))
        assert sorted(record["files"]) == names
        for name in names:
            assert record["files"][name] == hashlib.sha256((folder / name).read_bytes()).hexdigest()


def test_csv_folder_rerun_and_foreign_csv(tmp_path: Path, subs: Path) -> None:
    csv_dir = tmp_path / "csv"
    args = ["batch", str(subs), "-o", str(tmp_path / "r.xlsx"), "--csv", str(csv_dir)]
    assert runner.invoke(app, args).exit_code == 0
    assert (csv_dir / ".pmqa-written.json").exists()
    assert runner.invoke(app, args).exit_code == 0  # its own CSV files: replaced
    (csv_dir / "summary.csv").write_text("edited by hand\n", encoding="utf-8")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "summary.csv" in said(result)
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_feedback_folder_with_other_workbooks_needs_force(tmp_path: Path, subs: Path) -> None:
    fb = tmp_path / "fb"
    fb.mkdir()
    (fb / "P001.xlsx").write_bytes(b"an office's letter")
    args = ["batch", str(subs), "-o", str(tmp_path / "r.xlsx"), "--feedback", str(fb)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "P001.xlsx" in said(result)
    assert (fb / "P001.xlsx").read_bytes() == b"an office's letter"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert read_mark(fb / "P001.xlsx") is not None
    assert runner.invoke(app, args).exit_code == 0  # now pmqa's own


def test_score_and_template_never_write_over_a_submission(tmp_path: Path, subs: Path) -> None:
    submission = next(subs.glob("*.xlsx"))
    before = digests(subs)
    result = runner.invoke(app, ["score", str(submission), "-o", str(submission), "--force"])
    assert result.exit_code == 2, result.output
    assert "one of the inputs" in said(result)
    # A filled template carries the template mark but was saved by the office since.
    filled = subs / "filled.xlsx"
    shutil.copy(submission, filled)
    wb = openpyxl.load_workbook(filled)
    wb.properties.lastModifiedBy = "สพป. เขต 1"
    wb.save(filled)
    result = runner.invoke(app, ["template", "-o", str(filled)])
    assert result.exit_code == 2, result.output
    assert "--force" in said(result)
    assert "filled submission: replacing it loses the office's answers" in said(result)
    filled.unlink()
    assert digests(subs) == before
    blank = tmp_path / "แบบฟอร์ม ว่าง.xlsx"
    assert runner.invoke(app, ["template", "-o", str(blank)]).exit_code == 0
    assert runner.invoke(app, ["template", "-o", str(blank)]).exit_code == 0  # its own


# --- unwritable targets and a full disk --------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` unwritable, even for root (the immutable attribute)."""
    if os.name == "posix" and os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("needs chattr to make a folder read-only for root")
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if done.returncode != 0:
            pytest.skip("the file system does not support the immutable attribute")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def test_read_only_output_folder_is_a_usage_error(tmp_path: Path, subs: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    before = digests(subs)
    with read_only(locked):
        elsewhere = str(tmp_path / "r.xlsx")
        for extra in (
            ["-o", str(locked / "r.xlsx")],
            ["-o", elsewhere, "--feedback", str(locked / "fb")],
            ["-o", elsewhere, "--json", str(locked / "r.json")],
        ):
            result = runner.invoke(app, ["batch", str(subs), *extra])
            assert result.exit_code == 2, result.output
            assert "not writable" in said(result)
        assert list(locked.iterdir()) == []
    assert digests(subs) == before
    assert not (tmp_path / "r.xlsx").exists()


def test_sample_never_replaces_workbooks_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    args = ["sample", "-n", "2", "--seed", "1", "--jobs", "1", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0  # its own samples: replaced
    office_file = sorted(out.glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(office_file)
    wb.properties.lastModifiedBy = "สพป. เขต 1"  # an office's real workbook now
    wb.save(office_file)
    before = office_file.read_bytes()
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert office_file.name in said(result)
    assert office_file.read_bytes() == before


def test_compare_outputs_get_the_same_checks(tmp_path: Path) -> None:
    old, new = tmp_path / "2566.json", tmp_path / "2567.json"
    old.write_text("{}", encoding="utf-8")
    new.write_text("{}", encoding="utf-8")
    before = digests(tmp_path)
    args = ["compare", str(old), str(new), "-o", str(tmp_path / "c.xlsx")]
    result = runner.invoke(app, [*args, "--json", str(new)])
    assert result.exit_code == 2, result.output
    assert "one of the inputs" in said(result)
    (tmp_path / "c.xlsx").write_bytes(b"a colleague's workbook")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "--force" in said(result)
    assert digests(tmp_path) == {**before, "c.xlsx": digests(tmp_path)["c.xlsx"]}
    assert (tmp_path / "c.xlsx").read_bytes() == b"a colleague's workbook"


# --- PDFs: replaced only when pmqa printed them ----------------------------------------------


def test_the_guard_replaces_a_pdf_only_when_its_record_says_pmqa_wrote_it(tmp_path: Path) -> None:
    from pmqa_cli.core.errors import UsageError
    from pmqa_cli.report.guard import WRITTEN_RECORD, Form, Target, check_outputs, record_written

    pdf = tmp_path / "fb.pdf"
    pdf.write_bytes(b"%PDF-1.7 a letter someone else wrote")
    target = Target("--pdf", pdf, Form.PDF)
    with pytest.raises(UsageError) as refused:
        check_outputs([target])
    assert "fb.pdf (--pdf) already exists and is not a PDF pmqa wrote" in str(refused.value)
    assert "--force" in str(refused.value)
    check_outputs([target], force=True)
    record_written(tmp_path, [pdf])  # as pmqa does once it has printed it
    assert json.loads((tmp_path / WRITTEN_RECORD).read_text("utf-8"))["files"].keys() == {"fb.pdf"}
    check_outputs([target])  # pmqa's own, unchanged: replaced without --force
    pdf.write_bytes(b"%PDF-1.7 signed and annotated since")
    with pytest.raises(UsageError):
        check_outputs([target])
    # A feedback folder whose workbooks are printed: its PDFs follow the same rule.
    folder = tmp_path / "fb"
    folder.mkdir()
    (folder / "P009.pdf").write_bytes(b"%PDF-1.7 not pmqa's")
    check_outputs([Target("--feedback", folder, Form.FEEDBACK_FOLDER)])  # no --pdf: no PDFs
    with pytest.raises(UsageError) as refused:
        check_outputs([Target("--feedback", folder, Form.FEEDBACK_FOLDER, with_pdf=True)])
    assert "P009.pdf" in str(refused.value) and "--force" in str(refused.value)
    # --json aimed at the PDF a workbook is printed to is two outputs at one path.
    with pytest.raises(UsageError, match="both name"):
        check_outputs([target, Target("--json", pdf, Form.JSON)], force=True)


def test_score_and_batch_pdf_refuse_a_pdf_pmqa_did_not_write(tmp_path: Path, subs: Path) -> None:
    submission = next(subs.glob("*.xlsx"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "fb.pdf").write_bytes(b"%PDF-1.7 someone else's")
    (out / "r.pdf").write_bytes(b"%PDF-1.7 someone else's")
    before = digests(tmp_path)
    for args in (
        ["score", str(submission), "-o", str(out / "fb.xlsx"), "--pdf"],
        ["batch", str(subs), "-o", str(out / "r.xlsx"), "--pdf"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        words = said(result)
        assert "is not a PDF pmqa wrote" in words and "--force" in words, words
        assert digests(tmp_path) == before  # refused before anything was read or written
    (out / "r.pdf").unlink()
    feedback = out / "feedback"
    feedback.mkdir()
    (feedback / "P001.pdf").write_bytes(b"%PDF-1.7 an office's letter")
    args = ["batch", str(subs), "-o", str(out / "r.xlsx"), "--feedback", str(feedback), "--pdf"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "P001.pdf" in said(result) and "--force" in said(result)
    assert (feedback / "P001.pdf").read_bytes() == b"%PDF-1.7 an office's letter"


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_pdfs_pmqa_printed_are_replaced_without_force(tmp_path: Path, subs: Path) -> None:
    # One office: every PDF is a LibreOffice conversion, and the rule is the same for each.
    submission = next(subs.glob("*.xlsx"))
    subs = tmp_path / "one"
    subs.mkdir()
    shutil.copy(submission, subs / submission.name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "fb.pdf").write_bytes(b"%PDF-1.7 someone else's")
    score = ["score", str(submission), "-o", str(out / "fb.xlsx"), "--pdf"]
    assert runner.invoke(app, [*score, "--force"]).exit_code == 0
    assert (out / "fb.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "fb.pdf").stat().st_size > 1000
    assert runner.invoke(app, score).exit_code == 0  # pmqa's own now: replaced
    feedback = out / "feedback"
    batch = ["batch", str(subs), "-o", str(out / "r.xlsx"), "--feedback", str(feedback), "--pdf"]
    assert runner.invoke(app, batch).exit_code == 0
    printed = sorted(p.name for p in feedback.glob("*.pdf"))
    assert len(printed) == 1 and (out / "r.pdf").is_file()
    # The record beside the outputs keeps the score's files while the batch adds its own.
    record = json.loads((out / ".pmqa-written.json").read_text("utf-8"))["files"]
    assert sorted(record) == ["fb.pdf", "fb.xlsx", "r.pdf", "r.xlsx"]
    assert runner.invoke(app, batch).exit_code == 0  # every PDF is pmqa's: no --force
    assert runner.invoke(app, score).exit_code == 0
    (feedback / printed[0]).write_bytes(b"%PDF-1.7 signed by the director")
    result = runner.invoke(app, batch)
    assert result.exit_code == 2, result.output
    assert printed[0] in said(result) and "--force" in said(result)
    assert (feedback / printed[0]).read_bytes() == b"%PDF-1.7 signed by the director"


def test_a_csv_folder_remembers_files_of_earlier_runs_with_other_outputs(
    tmp_path: Path, subs: Path
) -> None:
    """A run that writes fewer CSV files adds to the folder's record: the comparison files an
    earlier run wrote stay pmqa's, so a later run with --previous replaces them without
    --force; a file changed by hand since leaves the record (and is never replaced unasked)."""
    csv_dir = tmp_path / "csv"
    previous = tmp_path / "previous.csv"
    previous.write_text("รหัส,คะแนนรวม\nP001,300\nP002,310\n", encoding="utf-8")
    plain = ["batch", str(subs), "-o", str(tmp_path / "r.xlsx"), "--csv", str(csv_dir)]
    compared = [*plain, "--previous", str(previous)]
    assert runner.invoke(app, compared).exit_code == 0
    comparison_files = sorted(p.name for p in csv_dir.glob("comparison*.csv"))
    assert "comparison.csv" in comparison_files
    assert runner.invoke(app, plain).exit_code == 0  # writes no comparison files
    record = json.loads((csv_dir / ".pmqa-written.json").read_text("utf-8"))["files"]
    assert set(comparison_files) <= set(record)
    assert sorted(p.name for p in csv_dir.glob("*.csv")) == sorted(record)
    result = runner.invoke(app, compared)  # the third run: no --force needed
    assert result.exit_code == 0, result.output
    (csv_dir / "comparison-lists.csv").write_text("kept by hand\n", encoding="utf-8")
    assert runner.invoke(app, plain).exit_code == 2  # any CSV file there that is not pmqa's
    assert runner.invoke(app, [*plain, "--force"]).exit_code == 0
    record = json.loads((csv_dir / ".pmqa-written.json").read_text("utf-8"))["files"]
    assert "comparison-lists.csv" not in record and "comparison.csv" in record
    result = runner.invoke(app, compared)
    assert result.exit_code == 2, result.output
    assert "comparison-lists.csv" in said(result) and "--force" in said(result)
    assert (csv_dir / "comparison-lists.csv").read_text("utf-8") == "kept by hand\n"
