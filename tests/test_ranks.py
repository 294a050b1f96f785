"""Honest ranks: provisional results flagged, unregistered offices not ranked, copies counted
once, conflicts resolved by the workbook's own date, an unreadable file reported once."""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.batch import run_batch
from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete

runner = CliRunner()


def office(code: str) -> Office:
    return Office(code, f"สพป.ทดสอบ {code}", OfficeType.PRIMARY, "ทดสอบ", "ภาคกลาง")


def registry_of(*codes: str) -> Registry:
    return Registry("test", {c: office(c) for c in codes})


def submit(
    make: SubmissionFactory,
    rubric: Rubric,
    folder: Path,
    name: str,
    code: str,
    *,
    submitted: date | None = None,
    met: int | None = None,
    broken: bool = False,
) -> Path:
    """A submission for ``code`` in ``folder``; ``met`` leaves only that many criteria met
    (a lower score), ``broken`` types an answer that is not allowed (an error)."""
    filled = complete(rubric, Filled(office(code)))
    if submitted is not None:
        filled.office_cells["submitted_on"] = submitted
    if met is not None:
        for n, criterion in enumerate(list(filled.answers)):
            if n >= met:
                filled.answers[criterion] = "ไม่ผ่าน"
    if broken:
        filled.answers[next(iter(filled.answers))] = "ผ่านบางส่วน"
    path = make(rubric, filled, name=f"tmp-{name}")
    folder.mkdir(exist_ok=True)
    return Path(shutil.move(path, folder / name))


def by_name(result: Any) -> dict[str, Any]:
    return {Path(f.path).name: f for f in result.files}


def test_conflicting_files_are_chosen_by_the_workbooks_date_never_file_time(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "in"
    submit(make_submission, shipped, folder, "a-final.xlsx", "P001",
                   submitted=date(2024, 9, 30), met=5)  # fmt: skip
    older = submit(make_submission, shipped, folder, "z-draft.xlsx", "P001",
                   submitted=date(2024, 9, 1))  # fmt: skip
    # The draft was copied last, so the file system says it is the newest.
    later = time.time() + 3600
    os.utime(older, (later, later))
    with run_batch([folder], shipped, registry=registry_of("P001")) as result:
        files = by_name(result)
        chosen, other = files["a-final.xlsx"], files["z-draft.xlsx"]
        assert (chosen.scored, other.scored) == (True, False)
        assert chosen.provisional == ("conflict",)
        assert chosen.rank == 1  # still ranked, but flagged
        for f in (chosen, other):
            finding = next(x for x in f.findings if x.code == "office-duplicate")
            assert "a-final.xlsx" in finding.message_en
            assert "move the others out of the folder" in finding.message_en
        assert [(Path(d.path).name, d.chosen, d.submitted_on) for d in result.duplicates] == [
            ("a-final.xlsx", True, date(2024, 9, 30)),
            ("z-draft.xlsx", False, date(2024, 9, 1)),
        ]


def test_same_date_falls_back_to_the_file_name(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "in"
    day = date(2024, 9, 30)
    submit(make_submission, shipped, folder, "P001 v1.xlsx", "P001", submitted=day, met=3)
    submit(make_submission, shipped, folder, "P001 v2.xlsx", "P001", submitted=day)
    with run_batch([folder], shipped) as result:
        assert [Path(f.path).name for f in result.scored] == ["P001 v2.xlsx"]


def test_byte_identical_copies_count_once_and_are_not_a_conflict(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "in"
    original = submit(make_submission, shipped, folder, "P001.xlsx", "P001")
    shutil.copy(original, folder / "P001 (1).xlsx")
    with run_batch([folder], shipped, registry=registry_of("P001")) as result:
        assert len(result.scored) == 1
        scored = result.scored[0]
        assert scored.provisional == ()
        assert scored.errors == 0  # a copy is a note, not an error
        # The first name in order is counted, the other is its copy.
        copy = by_name(result)["P001.xlsx"]
        assert [f.code for f in copy.findings] == ["office-copy"]
        assert "P001 (1).xlsx" in copy.findings[0].message_en
        assert result.clean
        assert [d.copy_of is not None for d in result.duplicates] == [False, True]


def test_provisional_results_in_summary_json_and_csv(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "in"
    submit(make_submission, shipped, folder, "P001.xlsx", "P001")
    submit(make_submission, shipped, folder, "P002.xlsx", "P002", broken=True)
    submit(make_submission, shipped, folder, "X999.xlsx", "X999")  # a copy of no registry code
    registry = tmp_path / "offices.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "type", "province", "region"])
        for code in ("P001", "P002"):
            writer.writerow([code, f"สพป.ทดสอบ {code}", "สพป.", "ทดสอบ", "ภาคกลาง"])
    out, js, csv_dir = tmp_path / "r.xlsx", tmp_path / "r.json", tmp_path / "csv"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--json", str(js),
                                 "--csv", str(csv_dir), "--registry", str(registry)])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "provisional" in result.output
    data = {o["code"]: o for o in json.loads(js.read_text(encoding="utf-8"))["ranking"]}
    assert (data["P001"]["provisional"], data["P001"]["provisional_reasons"]) == (False, [])
    assert data["P002"]["provisional_reasons"] == ["errors"]
    assert data["X999"]["provisional_reasons"] == ["not-in-registry"]
    assert data["X999"]["rank"] is None  # listed, not ranked
    assert sorted(o["rank"] for o in data.values() if o["rank"] is not None) == [1, 2]
    # The executive summary's top ten marks the provisional result, with a note saying why.
    top = {o["code"]: o for o in json.loads(js.read_text(encoding="utf-8"))["executive"]["top"]}
    assert (top["P001"]["provisional"], top["P002"]["provisional"]) == (False, True)
    executive = [c.value for row in openpyxl.load_workbook(out)["สรุปสำหรับผู้บริหาร"].iter_rows()
                 for c in row if isinstance(c.value, str)]  # fmt: skip
    assert any(text.endswith(" *") and "P002" in text for text in executive)
    assert not any(text.endswith(" *") and "P001" in text for text in executive)
    assert any(text.startswith("* ผลเบื้องต้น") for text in executive)
    wb = openpyxl.load_workbook(out)
    ws = wb["สรุปผล"]
    assert isinstance(ws, Worksheet)
    header = [c.value for c in ws[1]]
    status_col = header.index("สถานะผล")
    assert header[:4] == ["อันดับ", "อันดับในประเภท", "สถานะผล", "เหตุผล"]
    table = {row[header.index("รหัส")]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert table["P001"][status_col] == "ผลสมบูรณ์"
    assert table["P002"][status_col] == "ผลเบื้องต้น"
    assert table["P002"][status_col + 1] == "แบบฟอร์มมีข้อผิดพลาด"
    assert table["X999"][0] is None
    assert "ไม่อยู่ในทะเบียน" in str(table["X999"][status_col + 1])
    # The provisional rows are shaded by a rule on the status column.
    rules = [r for cf in ws.conditional_formatting for r in cf.rules if r.type == "expression"]
    assert any('$C2="ผลเบื้องต้น"' in f for r in rules for f in r.formula)
    with (csv_dir / "summary.csv").open(encoding="utf-8-sig") as handle:
        rows = {r["รหัส"]: r for r in csv.DictReader(handle)}
    assert rows["P002"]["สถานะผล"] == "ผลเบื้องต้น"
    assert rows["X999"]["อันดับ"] == ""


@pytest.mark.parametrize("name", ["P002.xlsx", "สพป P002 ฉบับแก้.xlsx"])
def test_an_unreadable_file_is_reported_once_not_also_as_missing(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, name: str
) -> None:
    folder = tmp_path / "in"
    good = submit(make_submission, shipped, folder, "P001.xlsx", "P001")
    (folder / name).write_bytes(good.read_bytes()[:1500])  # cut short: corrupt
    with run_batch([folder], shipped, registry=registry_of("P001", "P002", "P003")) as result:
        assert [o.code for o in result.missing] == ["P003"]
        broken = by_name(result)[name]
        assert not broken.readable
        assert broken.office.code == "P002"
        assert [f.code for f in broken.findings] == ["file-corrupt"]
