"""Two rounds compared never share a label: the files' round or processing date tells them apart,
else a usage error (exit 2) names the options to give; rank changes carry their sign."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import Office
from pmqa_cli.report import run
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import MINI_RUBRIC, Filled, SubmissionFactory, complete

runner = CliRunner()

# Two rounds of one fiscal year, typed by hand: the label of each is its ปีงบประมาณ, 2567.
# P001 and P002 are in both, X001 only in the earlier one (it holds the earlier mean down).
OLD = (
    "รหัส,ชื่อหน่วยงาน,ประเภท,ปีงบประมาณ,คะแนนรวม\n"
    "P001,ก,สพป.,2567,300\nP002,ข,สพป.,2567,200\nX001,ค,สพป.,2567,100\n"
)
NEW = "รหัส,ชื่อหน่วยงาน,ประเภท,ปีงบประมาณ,คะแนนรวม\nP001,ก,สพป.,2567,250\nP002,ข,สพป.,2567,350\n"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    return old, new


def _compare(tmp_path: Path, old: Path, new: Path, *extra: str, lang: str = "en") -> Any:
    return runner.invoke(
        app,
        ["--lang", lang, "compare", str(old), str(new), "-o", str(tmp_path / "c.xlsx"),
         "--json", str(tmp_path / "c.json"), "--csv", str(tmp_path / "csv"),
         "-r", str(MINI_RUBRIC), *extra],
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "th"])
def test_two_rounds_with_one_label_stop_with_a_usage_error(tmp_path: Path, lang: str) -> None:
    old, new = _files(tmp_path)
    result = _compare(tmp_path, old, new, lang=lang)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "--old-label" in text and "--new-label" in text and "(2567)" in text
    if lang == "th":
        assert "ใช้ชื่อเดียวกัน" in text
    else:
        assert "share one label" in text
    assert not (tmp_path / "c.xlsx").exists() and not (tmp_path / "c.json").exists()
    # The same label given twice is no better.
    same = _compare(tmp_path, old, new, "--old-label", "ก", "--new-label", "ก")
    assert same.exit_code == 2 and "--old-label" in same.output


def test_labels_given_name_every_column_and_the_mean_change_is_over_offices_in_both(
    tmp_path: Path,
) -> None:
    old, new = _files(tmp_path)
    result = _compare(tmp_path, old, new, "--old-label", "6 เดือน", "--new-label", "12 เดือน")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "12 เดือน compared with 6 เดือน" in text
    assert "Only in 12 เดือน 0" in text and "Only in 6 เดือน 1" in text
    # By hand: P001 250 - 300 = -50, P002 350 - 200 = +150: (-50 + 150)/2 = +50 over the two
    # offices in both; never mean(250, 350) - mean(300, 200, 100) = 300 - 200 = +100.
    assert "Change in mean overall (offices in both) +50.0000" in text
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    overall = data["previous"][0]["means"][0]
    assert (overall["current_mean"], overall["previous_mean"], overall["change"]) == (
        300.0, 200.0, 50.0)  # fmt: skip
    assert (overall["current_count"], overall["previous_count"], overall["both_count"]) == (2, 3, 2)
    # P001 rank 1 -> 2 (-1), P002 2 -> 1 (+1): signed in the workbook, plain in the CSV.
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["เทียบรายหน่วยงาน"]
    header = [c.value for c in ws[1]]
    assert "คะแนนรวม 12 เดือน" in header and "คะแนนรวม 6 เดือน" in header
    col = header.index("อันดับเปลี่ยนจาก 6 เดือน (+ ดีขึ้น)")
    cells = {row[0].value: row[col] for row in ws.iter_rows(min_row=2)}
    assert (cells["P001"].value, cells["P002"].value) == (-1, 1)
    assert cells["P002"].number_format == "+#,##0;[Red]-#,##0;#,##0"
    with (tmp_path / "csv" / "comparison.csv").open(encoding="utf-8-sig") as handle:
        rows = {r["รหัส"]: r for r in csv.DictReader(handle)}
    moved = "อันดับเปลี่ยนจาก 6 เดือน (+ ดีขึ้น)"
    assert (rows["P001"][moved], rows["P002"][moved]) == ("-1", "1")


def _json(path: Path, *, round_: str | None, generated: str | None) -> Path:
    document: dict[str, Any] = {"label": "2567", "fiscal_year": 2567, "offices": [
        {"office": {"code": "P001", "name": "ก", "type": "primary"},
         "overall": {"score": 300}, "parts": {"pmqa": 300, "results": 300}},
    ]}  # fmt: skip
    if round_ is not None:
        document["round"] = round_
    if generated is not None:
        document["generated"] = generated
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "labels"),
    [
        # The rounds the files carry tell them apart first.
        (("รอบ 6 เดือน", "2024-04-01T09:00:00"), ("12 เดือน", "2024-10-01T09:00:00"),
         ("2567 รอบ 6 เดือน", "2567 รอบ 12 เดือน")),
        # Else the days they were processed.
        ((None, "2024-03-01T09:00:00"), ("", "2024-10-15T09:00:00"),
         ("2567 (ประมวลผล 1 มี.ค. 2567)", "2567 (ประมวลผล 15 ต.ค. 2567)")),
        # One round only in one file, and one day: nothing that both carry tells them apart.
        (("รอบ 6 เดือน", "2024-03-01T09:00:00"), (None, "2024-03-01T17:00:00"), None),
        # A processing date in one file only: still ambiguous.
        ((None, "2024-03-01T09:00:00"), (None, None), None),
    ],
)  # fmt: skip
def test_labels_come_from_what_the_files_carry(
    tmp_path: Path, old: tuple[Any, Any], new: tuple[Any, Any], labels: tuple[str, str] | None
) -> None:
    earlier = _json(tmp_path / "old.json", round_=old[0], generated=old[1])
    later = _json(tmp_path / "new.json", round_=new[0], generated=new[1])
    result = _compare(tmp_path, earlier, later)
    if labels is None:
        assert result.exit_code == 2 and "--new-label" in result.output, result.output
        return
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    assert (data["previous"][0]["label"], data["label"]) == labels
    header = [c.value for c in openpyxl.load_workbook(tmp_path / "c.xlsx")["เทียบรายหน่วยงาน"][1]]
    assert f"คะแนนรวม {labels[0]}" in header and f"คะแนนรวม {labels[1]}" in header


@pytest.fixture
def subs(tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory) -> Path:
    (tmp_path / "subs").mkdir()
    filled = Filled(Office("P001", "สพป.ทดสอบ เขต 1", OfficeType.PRIMARY, "เชียงใหม่"))
    make_submission(mini, complete(mini, filled), name="subs/P001.xlsx")
    return tmp_path / "subs"


def _batch(tmp_path: Path, subs: Path, name: str, *extra: str) -> Any:
    return runner.invoke(
        app,
        ["--lang", "en", "batch", str(subs), "-o", str(tmp_path / f"{name}.xlsx"),
         "--json", str(tmp_path / f"{name}.json"), "-r", str(MINI_RUBRIC), *extra],
    )  # fmt: skip


def test_results_workbooks_of_two_rounds_are_told_apart_by_their_round(
    tmp_path: Path, subs: Path
) -> None:
    assert _batch(tmp_path, subs, "six", "--round", "6 เดือน").exit_code == 0
    assert _batch(tmp_path, subs, "twelve", "--round", "12 เดือน").exit_code == 0
    result = _compare(tmp_path, tmp_path / "six.xlsx", tmp_path / "twelve.xlsx")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    assert data["label"].endswith("รอบ 12 เดือน")
    assert data["previous"][0]["label"].endswith("รอบ 6 เดือน")
    # Two results of one day and no round: a usage error, nothing written.
    assert _batch(tmp_path, subs, "a").exit_code == 0
    assert _batch(tmp_path, subs, "b").exit_code == 0
    (tmp_path / "c.xlsx").unlink()
    again = _compare(tmp_path, tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    assert again.exit_code == 2 and "--old-label" in again.output, again.output
    assert not (tmp_path / "c.xlsx").exists()


def test_batch_with_a_previous_result_of_its_own_label_is_a_usage_error(
    tmp_path: Path, subs: Path
) -> None:
    previous = tmp_path / "previous.csv"
    previous.write_text("รหัส,คะแนนรวม,ปีงบประมาณ\nP001,300,2567\n", encoding="utf-8")

    def scored(*args: object, **kwargs: object) -> None:
        raise AssertionError("the offices were scored before the labels were checked")

    with pytest.MonkeyPatch.context() as patch:  # refused before a worker starts
        patch.setattr(run, "run_batch", scored)
        result = _batch(tmp_path, subs, "r", "--previous", str(previous))
    assert result.exit_code == 2, result.output
    assert "--previous-label" in " ".join(result.output.split())
    assert not (tmp_path / "r.xlsx").exists()
    labelled = _batch(tmp_path, subs, "r", "--previous", str(previous), "--previous-label", "ก่อน")
    assert labelled.exit_code == 0, labelled.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["comparison"]
    assert data["previous"][0]["label"] == "ก่อน"
