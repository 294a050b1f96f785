"""`pmqa batch`: a folder of submissions in, one results workbook (and JSON, CSV) out."""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess import batch as batch_module
from pmqa_cli.assess.batch import BatchOptions, discover, run_batch
from pmqa_cli.cli.app import app
from pmqa_cli.core.numbers import competition_ranks
from pmqa_cli.io.registry import Office, Registry, sample_registry_path
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import MINI_RUBRIC, Filled, Sheets, SubmissionFactory, complete, find_col, find_row

runner = CliRunner()
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EVIL_NAME = '=HYPERLINK("http://evil.example","คลิก")'


def rows(path: Path, sheet: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    assert isinstance(ws, Worksheet)
    return [list(r) for r in ws.iter_rows(values_only=True)]


def as_dicts(path: Path, sheet: str) -> list[dict[str, Any]]:
    header, *body = rows(path, sheet)
    return [dict(zip(header, r, strict=False)) for r in body]


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([300.0, 400.0, 400.0, 200.0], [3, 1, 1, 4]),
        ([1.0, 1.0, 1.0], [1, 1, 1]),
        ([None, 5.0, 4.0, 5.0], [None, 1, 3, 1]),
        ([], []),
    ],
)
def test_standard_competition_ranking(scores: list[float | None], ranks: list[int | None]) -> None:
    assert competition_ranks(scores) == ranks


def test_discover(tmp_path: Path) -> None:
    (tmp_path / "a" / "deep").mkdir(parents=True)
    for name in ("a/x.xlsx", "a/deep/y.XLSX", "a/old.xls", "a/~$x.xlsx", "a/.hidden.xlsx",
                 "a/notes.pdf", "a/macro.xlsm"):  # fmt: skip
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / ".git" / "z.xlsx").write_bytes(b"x")
    files, skipped, _ = discover([tmp_path / "a"])
    names = [p.relative_to(tmp_path).as_posix() for p in files]
    assert names == ["a/macro.xlsm", "a/old.xls", "a/x.xlsx", "a/deep/y.XLSX"]
    assert [Path(s).name for s in skipped] == ["notes.pdf"]


@pytest.fixture
def folder(tmp_path: Path, shipped: Rubric) -> Path:
    """Six sample submissions plus the bad files offices really send."""
    subs = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "6", "--out", str(subs), "--seed", "3"])
    assert result.exit_code == 0, result.output
    good = sorted(subs.glob("*.xlsx"))
    (subs / "corrupt.xlsx").write_bytes(good[0].read_bytes()[:2000])
    (subs / "old.xls").write_bytes(OLE + b"\0" * 600 + "Workbook".encode("utf-16-le"))
    (subs / "csv.xlsx").write_text("code,name\nP001,x\n", encoding="utf-8")
    shutil.copy(good[1], subs / "resent.xlsx")  # the same office, sent again later
    later = time.time() + 60
    os.utime(subs / "resent.xlsx", (later, later))
    (subs / "~$open.xlsx").write_bytes(b"lock")
    (subs / "covering-letter.docx").write_bytes(b"PK")
    return subs


def test_the_summary_names_every_file_it_counts_without_scoring(
    tmp_path: Path, folder: Path
) -> None:
    """An analyst reads the terminal: each unreadable file with why and the fix, the files
    passed over, the copies counted once, by name; and no "0 missing" without a registry."""
    result = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 1, result.output
    out = " ".join(result.output.split())  # the terminal wraps long lines
    assert "Unreadable (3):" in out
    for name, code in (("corrupt.xlsx", "file-corrupt"), ("old.xls", "file-legacy-xls"),
                       ("csv.xlsx", "file-csv")):  # fmt: skip
        assert f"{code} {name}" in out, (name, out)
    assert (
        "Other files passed over (not spreadsheets, or files this command was given as "
        "--review, --previous...): covering-letter.docx" in out
    )
    assert "is a byte-identical copy of" in out and "resent.xlsx" in out
    assert "Duplicate files 2 (of 1 office(s))" in out  # two files, one office's
    assert "Missing offices not checked (no --registry)" in out
    assert "~$open.xlsx" not in out  # Excel's lock file is no submission, nor worth a word


def registry_for(folder: Path, extra: Office) -> Path:
    """A registry with the offices in the folder plus one that did not submit."""
    from pmqa_cli.io.registry import load_registry

    everyone = load_registry(sample_registry_path())
    codes = [p.stem for p in folder.glob("*.xlsx") if p.stem in everyone.offices]
    path = folder.parent / "registry.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "type", "province", "region"])
        for code in sorted(codes):
            o = everyone.offices[code]
            assert o.type is not None
            writer.writerow([o.code, o.name, o.type.abbrev_th, o.province, o.region])
        writer.writerow([extra.code, extra.name, "สพม.", extra.province, extra.region])
    return path


def test_acceptance_every_problem_in_the_right_sheet(tmp_path: Path, folder: Path) -> None:
    missing = Office("S099", "สพม.ไม่ได้ส่ง", OfficeType.SECONDARY, "ทดสอบ", "ภาคกลาง")
    registry = registry_for(folder, missing)
    out = tmp_path / "results.xlsx"
    result = runner.invoke(
        app, ["batch", str(folder), "-o", str(out), "--registry", str(registry), "-j", "2"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    wb = openpyxl.load_workbook(out)
    # The bulky audit trail (ข้อมูลนำเข้า) comes last, so it can run on to further sheets.
    # The executive summary comes first; the breakdowns follow the charts (docs/comparisons.md).
    assert wb.sheetnames == [
        "สรุปสำหรับผู้บริหาร", "แผนที่", "สรุปผล", "PMQA 4.0", "ตัวชี้วัด", "สถิติ", "จำนวนหน่วยงาน",
        "กราฟ",
        "สถิติตามกลุ่ม", "การกระจายตามกลุ่ม", "อันดับสูงต่ำ", "ปัญหาที่พบ", "ไม่ได้ส่ง", "ส่งซ้ำ", "เกี่ยวกับ",
        "ข้อมูลนำเข้า",
    ]  # fmt: skip
    for name in ("สรุปผล", "ปัญหาที่พบ", "ข้อมูลนำเข้า"):
        sheet = wb[name]
        assert isinstance(sheet, Worksheet)
        fonts = {c.font.name for row in sheet.iter_rows(max_row=5) for c in row if c.value}
        assert fonts == {"TH Sarabun New"}, name
        # The header row stays in view; on the summary, the office's rank, code and name too.
        assert sheet.freeze_panes == ("E2" if name == "สรุปผล" else "A2"), name
    problems = {(p["ไฟล์"], p["รหัสปัญหา"]) for p in as_dicts(out, "ปัญหาที่พบ")}
    assert ("corrupt.xlsx", "file-corrupt") in problems
    assert ("old.xls", "file-legacy-xls") in problems
    assert ("csv.xlsx", "file-csv") in problems
    assert ("resent.xlsx", "office-copy") in problems  # a byte-identical copy: counted once
    assert [m["รหัส"] for m in as_dicts(out, "ไม่ได้ส่ง")] == ["S099"]
    dupes = as_dicts(out, "ส่งซ้ำ")
    assert len(dupes) == 2
    use = {d["ไฟล์"]: d["การใช้คะแนน"] for d in dupes}
    assert use["resent.xlsx"].startswith("สำเนาของ")  # newer on disk, but a copy: not a conflict
    summary = as_dicts(out, "สรุปผล")
    assert len(summary) == 6  # six offices, each once
    assert "resent.xlsx" not in {s["ไฟล์"] for s in summary}
    about = {r[0]: r[1] for r in rows(out, "เกี่ยวกับ")[1:]}
    assert about["อ่านไม่ได้"] == 3
    assert about["ไฟล์อื่นที่ข้าม"] == 1
    assert about["SHA-256 ของเกณฑ์"]
    assert "พ.ศ." not in str(about["วันที่ประมวลผล (ค.ศ.)"])
    assert "sent different files" not in result.output  # a copy is not a conflict


def test_every_value_is_traceable_to_its_cell(tmp_path: Path, folder: Path) -> None:
    out = tmp_path / "r.xlsx"
    runner.invoke(app, ["batch", str(folder), "-o", str(out)])
    inputs = as_dicts(out, "ข้อมูลนำเข้า")
    first = next(i for i in inputs if i["รายการ"] == "PM1-B1")
    assert first["แผ่นงาน"] == "PMQA 4.0" and first["เซลล์"] == "F5"
    assert first["ค่าที่พิมพ์"] in ("ผ่าน", "ไม่ผ่าน")
    sha = first["SHA-256 ของไฟล์"]
    import hashlib

    assert hashlib.sha256((folder / first["ไฟล์"]).read_bytes()).hexdigest() == sha


def _mini_offices(make: SubmissionFactory, mini: Rubric) -> list[Path]:
    """Four offices with scores computed by hand (mini rubric, docs/scoring.md rules)."""

    def office(code: str, kind: OfficeType) -> Office:
        return Office(code, f"สพท.{code}", kind, "ทดสอบ")

    def submission(code: str, kind: OfficeType, met: int, k1: float) -> Path:
        filled = complete(mini, Filled(office(code, kind)))
        # met = how many of I1's Basic criteria are met; everything above is met too.
        for n in range(met + 1, 4):
            filled.answers[f"C{n}"] = "ไม่ผ่าน"
        if met < 3:
            for c in ("C4", "C5", "C6"):
                filled.answers[c] = "ไม่ผ่าน"
        filled.values["K1"] = k1
        return make(mini, filled, name=f"{code}.xlsx")

    return [
        # A: I1 500, I2 500 -> pmqa 500; K1 50 -> 500, others at level 3 (K3 steps=3)
        submission("A", OfficeType.PRIMARY, 3, 50),
        # B: identical to A: a tie
        submission("B", OfficeType.PRIMARY, 3, 50),
        # C: I1 Basic 2/3 -> 200, I2 500 -> pmqa (2*200+500)/3 = 300; K1 15 -> 150
        submission("C", OfficeType.SECONDARY, 2, 15),
        # D: I1 0 -> pmqa 500/3; K1 10 -> 100
        submission("D", OfficeType.PRIMARY, 0, 10),
    ]


def test_hand_computed_results_cell_by_cell(
    tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory
) -> None:
    files = _mini_offices(make_submission, mini)
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        app, ["batch", *map(str, files), "-o", str(out), "--rubric", str(MINI_RUBRIC)]
    )
    assert result.exit_code == 0, result.output
    # Category 7 (weights K1 1, K2 1, K3 2, K4 1, K5 or K6 1; complete() puts K2, K5, K6 at
    # t3 = 300, K3 at 3 steps = 300, K4 passed = 500):
    #   A, B: (500 + 300 + 600 + 500 + 300) / 6 = 366.6667
    #   C:    (150 + 300 + 600 + 500 + 300) / 6 = 308.3333
    #   D:    (100 + 300 + 600 + 500 + 300) / 6 = 300
    # Overall = (55 pmqa + 45 results) / 100:
    #   A, B: (27500 + 16500) / 100 = 440
    #   C:    (16500 + 13875) / 100 = 303.75
    #   D:    (9166.6667 + 13500) / 100 = 226.6667
    summary = {r["รหัส"]: r for r in as_dicts(out, "สรุปผล")}
    expected = {
        "A": (1, 1, 500.0, 366.6667, 440.0, "ดีมาก", "โดดเด่น"),
        "B": (1, 1, 500.0, 366.6667, 440.0, "ดีมาก", "โดดเด่น"),
        "C": (3, 1, 300.0, 308.3333, 303.75, "ดี", "พื้นฐาน"),
        "D": (4, 3, 166.6667, 300.0, 226.6667, "ต้องปรับปรุง", "ยังไม่ผ่านระดับพื้นฐาน"),
    }
    for code, (rank, in_type, pmqa, results, overall, band, status) in expected.items():
        row = summary[code]
        assert row["อันดับ"] == rank, code
        assert row["อันดับในประเภท"] == in_type, code
        assert row["คะแนนหมวด 1-6"] == pytest.approx(pmqa), code
        assert row["คะแนนหมวด 7"] == pytest.approx(results), code
        assert row["คะแนนรวม"] == pytest.approx(overall), code
        assert row["ระดับผลการประเมิน"] == band, code
        assert row["สถานะ PMQA 4.0"] == status, code
    # Ranked order, ties together.
    assert [r["รหัส"] for r in as_dicts(out, "สรุปผล")] == ["A", "B", "C", "D"]
    stats = {r["รายการ"]: r for r in as_dicts(out, "สถิติ") if r["รายการ"]}
    overall_scores = [440.0, 440.0, 303.75, 226.6667]
    assert stats["คะแนนรวม"]["จำนวน"] == 4
    assert stats["คะแนนรวม"]["ค่าเฉลี่ย"] == pytest.approx(352.6042, abs=1e-4)
    assert stats["คะแนนรวม"]["มัธยฐาน"] == pytest.approx(371.875)
    assert stats["คะแนนรวม"]["ต่ำสุด"] == pytest.approx(226.6667)
    assert stats["คะแนนรวม"]["สูงสุด"] == pytest.approx(440)
    assert stats["คะแนนรวม"]["ส่วนเบี่ยงเบนมาตรฐาน"] == pytest.approx(
        statistics.stdev(overall_scores), abs=1e-4
    )
    # K5 applies to primary offices only: three values.
    assert stats["K5"]["จำนวน"] == 3 and stats["K6"]["จำนวน"] == 1
    # Distribution of bands by office type.
    stats_rows = rows(out, "จำนวนหน่วยงาน")  # the counts: a sheet of their own
    band_at = next(i for i, r in enumerate(stats_rows) if r[0] == "ระดับผลการประเมิน")
    bands = {r[0]: r[2:5] for r in stats_rows[band_at + 1 : band_at + 6]}
    assert bands["ดีมาก"] == [2, 0, 2]
    assert bands["ดี"] == [0, 1, 1]
    assert bands["ต้องปรับปรุง"] == [1, 0, 1]
    issues = {r["รหัส"]: r for r in as_dicts(out, "PMQA 4.0")}
    assert issues["C"]["I1 คะแนน"] == 200 and issues["C"]["I1 สถานะ"] == "ยังไม่ผ่านระดับพื้นฐาน"
    kpis = {r["รหัส"]: r for r in as_dicts(out, "ตัวชี้วัด")}
    assert kpis["C"]["K1 คะแนน"] == 150 and kpis["C"]["K5 คะแนน"] is None


def test_json_and_workbook_carry_the_same_numbers(
    tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory
) -> None:
    files = _mini_offices(make_submission, mini)
    out, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "batch",
            *map(str, files),
            "-o",
            str(out),
            "--json",
            str(js),
            "--rubric",
            str(MINI_RUBRIC),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text(encoding="utf-8"))
    workbook = {r["รหัส"]: r for r in as_dicts(out, "สรุปผล")}
    assert len(data["offices"]) == len(workbook) == 4
    ranks = {r["file"]: r for r in data["ranking"]}
    for office in data["offices"]:
        row = workbook[office["office"]["code"]]
        assert office["overall"]["score"] == row["คะแนนรวม"]
        assert office["parts"]["pmqa"]["score"] == row["คะแนนหมวด 1-6"]
        assert office["parts"]["results"]["score"] == row["คะแนนหมวด 7"]
        assert ranks[office["file"]]["rank"] == row["อันดับ"]
        assert ranks[office["file"]]["overall"] == row["คะแนนรวม"]
    # The ranking lists the best first.
    assert [r["rank"] for r in data["ranking"]] == sorted(r["อันดับ"] for r in workbook.values())
    issues = {r["รหัส"]: r for r in as_dicts(out, "PMQA 4.0")}
    for office in data["offices"]:
        for issue in office["issues"]:
            assert issues[office["office"]["code"]][f"{issue['id']} คะแนน"] == issue["score"]
    stats = {r["รายการ"]: r for r in as_dicts(out, "สถิติ") if r["รายการ"]}
    parts = {"overall": "คะแนนรวม", "pmqa": "หมวด 1-6", "results": "หมวด 7"}  # as people say
    for stat in data["statistics"]:
        assert stats[parts.get(stat["key"], stat["key"])]["ค่าเฉลี่ย"] == stat["mean"]


def test_text_from_a_submission_never_becomes_a_formula(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    def as_typed_text(sheets: Sheets) -> None:
        # Stored as text, as Excel stores '=... typed with a leading apostrophe.
        info, pmqa = sheets["ข้อมูลหน่วยงาน"], sheets["PMQA 4.0"]
        evidence = find_col(pmqa, "หลักฐาน")
        cells = [
            (info.cell(row=find_row(info, "office_name"), column=3), EVIL_NAME),
            (info.cell(row=find_row(info, "province"), column=3), "@SUM(1+1)"),
            (pmqa.cell(row=find_row(pmqa, "PM1-B1"), column=evidence), "+cmd|' /C calc'!A0"),
        ]
        for cell, text in cells:
            cell.value = text
            cell.data_type = "s"

    path = make_submission(shipped, complete(shipped), edit=as_typed_text)
    out, folder = tmp_path / "r.xlsx", tmp_path / "csv"
    result = runner.invoke(app, ["batch", str(path), "-o", str(out), "--csv", str(folder)])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)["สรุปผล"]
    assert isinstance(ws, Worksheet)
    header = [c.value for c in ws[1]]
    name = ws.cell(row=2, column=header.index("ชื่อหน่วยงาน") + 1)
    assert name.value == EVIL_NAME
    assert name.data_type == "s"
    assert ws.cell(row=2, column=header.index("จังหวัด") + 1).data_type == "s"
    # The executive summary's rankings name the office too: text, with Excel's quote prefix.
    executive = openpyxl.load_workbook(out)["สรุปสำหรับผู้บริหาร"]
    assert isinstance(executive, Worksheet)
    named = [c for row in executive.iter_rows() for c in row if c.value == EVIL_NAME]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named)
    inputs = openpyxl.load_workbook(out)["ข้อมูลนำเข้า"]
    assert isinstance(inputs, Worksheet)
    assert all(c.data_type != "f" for row in inputs.iter_rows() for c in row)
    summary_csv = (folder / "summary.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in summary_csv and "'@SUM" in summary_csv
    inputs_csv = (folder / "inputs.csv").read_text(encoding="utf-8-sig")
    assert "'+cmd" in inputs_csv
    assert (folder / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")


RICH_LOOKING = "<r>สพป. & <b>หนึ่ง</b></r>"  # xlsxwriter's rich-string form, typed as text


def test_text_shaped_like_rich_text_xml_stays_text_in_every_workbook(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    # xlsxwriter writes such a text unescaped, as rich-text XML: the results workbook (name,
    # audit trail) and the feedback could not be opened at all ("not well-formed").
    def typed(sheets: Sheets) -> None:
        info, pmqa = sheets["ข้อมูลหน่วยงาน"], sheets["PMQA 4.0"]
        info.cell(row=find_row(info, "office_name"), column=3).value = RICH_LOOKING
        evidence = find_col(pmqa, "หลักฐาน")
        pmqa.cell(row=find_row(pmqa, "PM1-B1"), column=evidence).value = "<r>x</r>"

    path = make_submission(shipped, complete(shipped), edit=typed)
    out, feedback = tmp_path / "r.xlsx", tmp_path / "fb"
    result = runner.invoke(app, ["batch", str(path), "-o", str(out), "--feedback", str(feedback)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)  # raised ParseError before
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert RICH_LOOKING in texts and "<r>x</r>" in texts
    (written,) = feedback.glob("*.xlsx")
    feedback_texts = {
        c.value
        for ws in openpyxl.load_workbook(written).worksheets
        for row in ws.iter_rows()
        for c in row
    }
    assert any(isinstance(t, str) and RICH_LOOKING in t for t in feedback_texts)


def test_clean_batch_exits_0(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    path = make_submission(shipped, complete(shipped))
    out = tmp_path / "r.xlsx"
    feedback = tmp_path / "fb"
    result = runner.invoke(app, ["batch", str(path), "-o", str(out), "--feedback", str(feedback)])
    assert result.exit_code == 0, result.output
    assert (feedback / "P001.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["batch", "{empty}", "-o", "{out}"], "No submissions found"),
        (["batch", "{missing}", "-o", "{out}"], "does not exist"),
        (["batch", "{file}", "-o", "{file}"], "is one of the inputs"),
        (["batch", "{file}", "-o", "{out}", "--json", "{file}"], "is one of the inputs"),
        (["batch", "{file}", "-o", "{out}", "--colour"], "No such option"),
        (["batch", "{file}", "-o", "{tmp}/r.csv"], "must end in .xlsx"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    args: list[str],
    message: str,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    file = make_submission(shipped, complete(shipped))
    values = {
        "empty": str(empty),
        "out": str(tmp_path / "r.xlsx"),
        "missing": str(tmp_path / "nope"),
        "file": str(file),
        "tmp": str(tmp_path),
    }
    before = file.read_bytes()
    result = runner.invoke(app, [a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert file.read_bytes() == before


def test_a_mistyped_folder_is_named_with_the_one_it_likely_means(tmp_path: Path) -> None:
    (tmp_path / "samples").mkdir()
    (tmp_path / "registry.csv").write_text("code\n", encoding="utf-8")
    typed = tmp_path / "sampels"
    result = runner.invoke(app, ["batch", str(typed), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{typed} does not exist (looked for in {tmp_path})" in said
    assert f"Did you mean {tmp_path / 'samples'}?" in said
    nothing_like = tmp_path / "zzz"
    result = runner.invoke(app, ["batch", str(nothing_like), "-o", str(tmp_path / "r.xlsx")])
    assert "Did you mean" not in result.output
    assert "Check the name, or give the full path." in " ".join(result.output.split())


def test_unwritable_output_leaves_nothing_half_written(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    file = make_submission(shipped, complete(shipped))
    out = tmp_path / "no-such-folder" / "r.xlsx"
    result = runner.invoke(app, ["batch", str(file), "-o", str(out)])
    assert result.exit_code == 2, result.output  # found before any file is read
    assert "does not exist" in result.output
    assert "Traceback" not in result.output
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "r.xlsx").mkdir()  # a folder where the file should go
    result = runner.invoke(app, ["batch", str(file), "-o", str(locked / "r.xlsx")])
    assert result.exit_code == 2, result.output
    # The message wraps where the (tmp) path makes the line long: compare on words.
    assert "is a folder" in " ".join(result.output.split())
    assert list(locked.iterdir()) == [locked / "r.xlsx"]


# --- isolation: one file cannot take the batch down ---------------------------------------


def _no_memory_cap() -> bool:
    try:
        import resource  # noqa: F401
    except ImportError:
        return True
    return False


def sabotaged_score(path: Any, *args: Any, **kwargs: Any) -> Any:
    """score_office, except that bad.xlsx misbehaves as PMQA_TEST_SABOTAGE says.

    A module-level function: workers started with spawn (Windows) import it by name, and they
    inherit the environment, so the sabotage reaches every worker however it was started.
    """
    how = os.environ.get("PMQA_TEST_SABOTAGE")
    if how == "die-idle" and str(path).endswith("slow.xlsx"):
        time.sleep(1.5)  # holds the batch's window, so the other worker waits with no file
    if how == "die-idle" and str(path).endswith("bad.xlsx"):
        threading.Timer(0.3, os._exit, (9,)).start()  # dies later, between files
    elif str(path).endswith("bad.xlsx"):
        if how == "crash":
            os._exit(9)  # a native reader aborting the whole process
        if how == "hang":
            time.sleep(60)
        if how == "memory":
            _ = bytearray(4 * 1024**3)
    return batch_module.score_office(path, *args, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ("crash", "crashed"),
        ("hang", "longer than"),
        ("memory", "memory"),
    ],
)
def test_a_file_that_kills_its_reader_is_reported_and_the_rest_scored(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    detail: str,
) -> None:
    if how == "memory" and _no_memory_cap():
        pytest.skip("this OS offers no per-process memory cap (documented in docs/security.md)")
    monkeypatch.setenv("PMQA_TEST_SABOTAGE", how)
    folder = tmp_path / "in"
    folder.mkdir()
    for n, name in enumerate(["a.xlsx", "bad.xlsx", "c.xlsx", "d.xlsx"]):
        office = Office(f"P00{n + 1}", f"สพป.{n}", OfficeType.PRIMARY)
        path = make_submission(shipped, complete(shipped, Filled(office)), name=name)
        path.rename(folder / name)
    options = BatchOptions(jobs=2, timeout_seconds=2, memory_mb=1024)
    with run_batch([folder], shipped, options=options, score=sabotaged_score) as result:
        by_name = {Path(f.path).name: f for f in result.files}
        assert [Path(f.path).name for f in result.files] == [
            "a.xlsx",
            "bad.xlsx",
            "c.xlsx",
            "d.xlsx",
        ]
        bad = by_name["bad.xlsx"]
        assert not bad.readable
        assert [f.code for f in bad.findings] == ["file-unreadable"]
        assert detail in bad.findings[0].message_en
        assert all(
            by_name[n].readable and by_name[n].overall for n in ("a.xlsx", "c.xlsx", "d.xlsx")
        )


def test_registry_with_unknown_office(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    path = make_submission(
        shipped, complete(shipped, Filled(Office("X1", "x", OfficeType.PRIMARY)))
    )
    registry = Registry("r", {"P001": Office("P001", "สพป.หนึ่ง", OfficeType.PRIMARY)})
    with run_batch([path], shipped, registry=registry) as result:
        assert [f.code for f in result.findings] == ["office-code-unknown"]
        assert [o.code for o in result.missing] == ["P001"]


def test_feedback_written_while_the_results_are_is_the_same(
    tmp_path: Path, shipped: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmqa_cli.report.feedbacks import start_feedbacks, write_feedbacks
    from pmqa_cli.report.results import ResultsWorkbook, write_json

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "9", "--out", str(folder), "--seed", "5"])
    assert result.exit_code == 0, result.output
    with ResultsWorkbook(tmp_path / "r.xlsx", shipped) as workbook:
        options = BatchOptions(jobs=2, steps=True)
        with run_batch([folder], shipped, options=options, on_values=workbook.add_values) as batch:
            with start_feedbacks(batch.scored, shipped, tmp_path / "two", jobs=2) as feedbacks:
                workbook.finish(batch)  # the parent's own work while the workers write
                write_json(batch, tmp_path / "r.json")
                two = feedbacks.wait()
            one = write_feedbacks(batch.scored, shipped, tmp_path / "one", jobs=1)
    assert [p.name for p in one] == [p.name for p in two] and len(one) == 9
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "r.json").exists()


def _feedback_workers_killed(monkeypatch: pytest.MonkeyPatch, marks: Path, times: int) -> None:
    """Feedback workers killed outright (as the out-of-memory killer does) the first ``times``
    times one is handed the office P050, each leaving a temporary file half-written beside its
    workbook. The workers are forked, so they run this module's patched ``_write``."""
    from pmqa_cli.report import feedbacks

    write = feedbacks._write

    def killed(tasks: Any, rubric: Rubric, maps: Any) -> None:
        for _, path, _ in (t for t in tasks if t[0].office.code == "P050"):
            killings = len(list(marks.glob("*")))
            if killings < times:
                (marks / str(killings)).touch()
                (path.parent / f".{path.name}.x1y2.tmp").write_bytes(b"PK\x03\x04")
                os._exit(9)
        write(tasks, rubric, maps)

    monkeypatch.setattr(feedbacks, "_write", killed)


def _needs_fork() -> None:
    """Asked when the test runs: a simulated Windows has no fork either (tests/conftest.py)."""
    from pmqa_cli.core import portable

    if portable.start_method() != "fork":
        pytest.skip("the killed worker is made by patching a module its forked workers share")


def test_a_feedback_worker_killed_outright_is_replaced_and_its_offices_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_fork()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "9", "--out", str(folder), "--seed", "5"])
    assert result.exit_code == 0, result.output
    plain = ["batch", str(folder), "-o", str(tmp_path / "a.xlsx"), "--feedback",
             str(tmp_path / "a"), "--jobs", "2"]  # fmt: skip
    first = runner.invoke(app, plain)
    assert first.exit_code in (0, 1), first.output  # 1: the samples' deliberate errors
    (tmp_path / "marks").mkdir()
    _feedback_workers_killed(monkeypatch, tmp_path / "marks", times=1)
    again = ["batch", str(folder), "-o", str(tmp_path / "b.xlsx"), "--feedback",
             str(tmp_path / "b"), "--jobs", "2"]  # fmt: skip
    result = runner.invoke(app, again)
    assert result.exit_code == first.exit_code, result.output
    assert len(list((tmp_path / "marks").iterdir())) == 1  # it was killed once
    before = sorted(p.name for p in (tmp_path / "a").iterdir())
    after = sorted(p.name for p in (tmp_path / "b").iterdir())  # no half-written file among them
    assert after == before and "P050.xlsx" in after and len(after) == 9 + 1  # and the record
    for name in before:
        if name.endswith(".xlsx"):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_feedback_workers_killed_twice_stop_the_run_and_change_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_fork()
    folder = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "9", "--out", str(folder), "--seed", "5"])
    assert result.exit_code == 0, result.output
    (tmp_path / "marks").mkdir()
    _feedback_workers_killed(monkeypatch, tmp_path / "marks", times=2)
    command = ["batch", str(folder), "-o", str(tmp_path / "r.xlsx"), "--feedback",
               str(tmp_path / "fb"), "--json", str(tmp_path / "r.json"), "--jobs", "2"]  # fmt: skip
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output
    assert "stopped abruptly twice" in result.output and "--jobs 1" in result.output
    assert "internal error" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marks", "subs"]  # nothing written


def test_the_files_queued_behind_a_crash_are_scored_by_the_next_worker(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PMQA_TEST_SABOTAGE", "crash")
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["a.xlsx", "bad.xlsx", "c.xlsx", "d.xlsx", "e.xlsx"]
    for n, name in enumerate(names):
        office = Office(f"P00{n + 1}", f"สพป.{n}", OfficeType.PRIMARY)
        make_submission(shipped, complete(shipped, Filled(office)), name=name).rename(folder / name)
    options = BatchOptions(jobs=1, timeout_seconds=30)
    with run_batch([folder], shipped, options=options, score=sabotaged_score) as result:
        assert [Path(f.path).name for f in result.files] == names
        assert [f.readable for f in result.files] == [True, False, True, True, True]
        assert [o.office.code for o in result.scored] == ["P001", "P003", "P004", "P005"]
        assert result.values_count == sum(1 for _ in result.iter_values()) > 0


def test_a_worker_that_dies_between_files_is_replaced(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The second worker dies idle, its queue empty while the slow file holds the window; the
    # next file sent to it met a closed pipe, which ended the whole batch with exit code 141.
    monkeypatch.setenv("PMQA_TEST_SABOTAGE", "die-idle")
    folder = tmp_path / "in"
    folder.mkdir()
    good = make_submission(shipped, complete(shipped))
    # The first worker takes the slow file and the next; the second takes the bad one.
    names = ["00-slow.xlsx", "01-ok.xlsx", "02-ok.xlsx", "03-bad.xlsx"]
    names += [f"{n:02d}-ok.xlsx" for n in range(4, 14)]
    for name in names:
        shutil.copy(good, folder / name)
    options = BatchOptions(jobs=2, timeout_seconds=30)
    with run_batch([folder], shipped, options=options, score=sabotaged_score) as result:
        assert [Path(f.path).name for f in result.files] == names
        assert result.files[0].readable and result.files[3].readable
        # On a slow machine it may die while reading a file: that file alone is reported.
        for unread in (f for f in result.files if not f.readable):
            assert "crashed" in unread.findings[0].message_en
