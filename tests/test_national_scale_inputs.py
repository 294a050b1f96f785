"""Every input read whole at national scale: a verdict, a central-data row and a correction on
the LAST row of a 245-office file change the official score, in `score` and in `batch`, from
XLSX and from CSV alike.

The review workbook is the one `pmqa review-sheet` writes for the 245 sample offices (14,703
rows), filled in and saved as a committee member would (openpyxl), or exported as CSV (UTF-8
with BOM, as Excel's "CSV UTF-8"). The central data (cp874 CSV, or xlsxwriter) holds every
office's indicator values (about 2,650 rows); the corrections (semicolon CSV, or xlsxwriter)
every office's claims (about 14,000 rows, far past the 5,000 rows at which an XLSX file used to
be cut without a word).
"""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from openpyxl import load_workbook
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import sample_registry_path
from pmqa_cli.io.values import parse_number
from pmqa_cli.rubric.model import Rubric
from pmqa_cli.verify.inputs import load_verification

runner = CliRunner()
LAST_OFFICE = "S062"
REVIEWED = ("KPI-7.6.2", 30)  # the review sheet's very last row: rejected, verified as 30 days
CENTRAL = ("KPI-7.5.2", 50)  # the last row of the central data
CORRECTED = ("KPI-7.6.1", "ผ่าน")  # the last row of the corrections (the office said ไม่ผ่าน)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory, samples_245: Path) -> dict[str, Any]:
    """245 sample submissions, their review workbook, and the rows of every office's indicator
    claims (office, item, value) in the review sheet's order."""
    root = tmp_path_factory.mktemp("national")
    subs = samples_245
    review = root / "review.xlsx"
    result = runner.invoke(app, ["review-sheet", str(subs), "-o", str(review)])
    assert result.exit_code == 0, result.output
    book = load_workbook(review)
    sheet = book["ตรวจสอบ"]
    last = sheet.max_row
    assert last >= 14_700  # one row per item per office
    assert (sheet.cell(last, 1).value, sheet.cell(last, 3).value) == (LAST_OFFICE, REVIEWED[0])
    sheet.cell(last, 8, "ไม่ยืนยัน")
    sheet.cell(last, 9, REVIEWED[1])
    sheet.cell(last, 10, "คำนวณจากระบบสารบรรณใหม่")
    sheet.cell(last, 11, "นายตรวจ ละเอียด")
    filled = root / "review-filled.xlsx"
    book.save(filled)
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    review_csv = root / "review-filled.csv"
    with review_csv.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    claims: list[tuple[str, str, object]] = []  # every criterion's and indicator's claim
    for office, _, item, *_, claim, _, _, _, _, _ in rows[1:]:
        if office == LAST_OFFICE:
            continue
        text = str(claim or "").split(" ")[0]
        parsed = parse_number(text)
        if text in ("ผ่าน", "ไม่ผ่าน"):
            claims.append((str(office), str(item), text))
        elif isinstance(parsed.value, Decimal) and not parsed.problem:
            claims.append((str(office), str(item), float(parsed.value)))
    assert len(claims) > 10_000
    return {"subs": subs, "review": {"xlsx": filled, "csv": review_csv}, "last": last,
            "claims": claims, "root": root}  # fmt: skip


def _layer_files(national: dict[str, Any], form: str, folder: Path) -> dict[str, Path]:
    """The central data and corrections for every office, each ending with the row that
    changes the last office's result."""
    claims = national["claims"]
    indicators = [list(c) for c in claims if c[1].startswith("KPI-")]  # central data's kind
    data = [["รหัสหน่วยงาน", "รหัสรายการ", "ค่า"], *indicators, [LAST_OFFICE, *CENTRAL]]
    corrections = [
        ["รหัสหน่วยงาน", "รหัสรายการ", "ค่า", "เหตุผล", "ผู้แก้ไข"],
        *([o, i, v, "ทบทวนตามเอกสาร", "นางสาวแก้ ไข"] for o, i, v in claims),
        [LAST_OFFICE, *CORRECTED, "พบหลักฐานการรับรองภายหลัง", "นางสาวแก้ ไข"],
    ]
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"data": folder / f"data.{form}", "corrections": folder / f"corrections.{form}"}
    for name, rows in (("data", data), ("corrections", corrections)):
        if form == "xlsx":
            with xlsxwriter.Workbook(str(paths[name])) as book:
                sheet = book.add_worksheet("ข้อมูล")
                for r, row in enumerate(rows):
                    sheet.write_row(r, 0, row)
        else:  # central data in Thai Windows cp874; corrections with semicolons
            encoding, separator = ("cp874", ",") if name == "data" else ("utf-8", ";")
            with paths[name].open("w", newline="", encoding=encoding) as handle:
                csv.writer(handle, delimiter=separator).writerows(rows)
    paths["review"] = national["review"][form]
    return paths


def _check_last_office(office: dict[str, Any], files: dict[str, Path], last: int) -> None:
    by_id = {i["id"]: i for i in office["indicators"]}
    assert (by_id[REVIEWED[0]]["source"], by_id[REVIEWED[0]]["final"]) == ("review", REVIEWED[1])
    assert (by_id[CENTRAL[0]]["source"], by_id[CENTRAL[0]]["final"]) == ("data", CENTRAL[1])
    assert by_id[CORRECTED[0]]["source"] == "correction"
    assert by_id[CORRECTED[0]]["claim"] != by_id[CORRECTED[0]]["final"]
    changes = {c["item"]: c for c in office["changes"]}
    assert changes[REVIEWED[0]]["row"] == last
    assert Path(changes[REVIEWED[0]]["file"]).name == files["review"].name
    for item, layer, rows in ((CENTRAL[0], "data", 2_000), (CORRECTED[0], "corrections", 10_000)):
        assert Path(changes[item]["file"]).name == files[layer].name
        assert changes[item]["row"] > rows  # the file's last row
        assert changes[item]["effect_on_overall"] != 0, item
    assert office["overall"]["score"] != office["self_assessed"]["overall"]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_last_rows_of_245_office_files_change_the_official_score_in_score_and_batch(
    national: dict[str, Any], form: str, tmp_path: Path
) -> None:
    files = _layer_files(national, form, tmp_path / "layers")
    layers = ["--review", str(files["review"]), "--data", str(files["data"]),
              "--corrections", str(files["corrections"])]  # fmt: skip
    workbook = national["subs"] / f"{LAST_OFFICE}.xlsx"
    result = runner.invoke(app, ["score", str(workbook), "--json", *layers])
    assert result.exit_code in (0, 1), result.output
    scored = json.loads(result.output)
    last = national["last"] - (2 if form == "csv" else 0)  # the CSV starts at the header row
    _check_last_office(scored, files, last)

    folder = tmp_path / "submitted"
    folder.mkdir()
    shutil.copy(workbook, folder / workbook.name)
    out = tmp_path / "out"
    out.mkdir()
    args = ["batch", str(folder), "-o", str(out / "r.xlsx"), "--json", str(out / "r.json"),
            "-j", "1", "--registry", str(sample_registry_path()), *layers]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    batch = json.loads((out / "r.json").read_text(encoding="utf-8"))
    [office] = batch["offices"]
    _check_last_office(office, files, last)
    assert office["overall"]["score"] == scored["overall"]["score"]
    # Every other registered office sent nothing: their rows are noted, once per office and file
    # (the review rows of the other offices hold no verdict: nothing to note).
    absent = [f for f in batch["findings"] if f["code"] == "verify-office-absent"]
    assert len(absent) == 244 * 2
    assert {Path(f["file"]).name for f in absent} == {files["data"].name, files["corrections"].name}
    assert not [f for f in batch["findings"] if f["code"] == "input-over-limit"]


def test_a_review_workbook_for_ten_times_the_offices_is_read_whole(
    national: dict[str, Any], shipped: Rubric, tmp_path: Path, full: bool
) -> None:
    """The limits fit ten times today's country with room to spare: the committee's review
    workbook for 2,450 offices (about 147,000 rows, written by xlsxwriter as Excel would keep
    it) is read whole, and the verdict on its very last row is there, from its own row. About
    half a minute of CPU: in the full run (CI) only."""
    if not full:
        pytest.skip("the ten-times review workbook is read in the full run (./check --full)")
    with national["review"]["csv"].open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    *others, last = rows
    assert last[0] == LAST_OFFICE
    # Nine more countries' offices (their codes made unique), then today's, ending on the verdict.
    copies = [[f"{row[0]}-{n}", *row[1:]] for n in range(1, 10) for row in others]
    path = tmp_path / "review-2450.xlsx"
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("ตรวจสอบ")
        for r, row in enumerate([header, *copies, *others, last]):
            sheet.write_row(r, 0, row)
    total = 1 + len(copies) + len(others) + 1
    assert total > 145_000
    verification = load_verification(shipped, reviews=[path])
    assert [f.code for f in verification.findings if f.severity == "error"] == []
    [entry] = [e for e in verification.entries if e.office == LAST_OFFICE]
    assert (entry.item, entry.origin.row) == (REVIEWED[0], total)
