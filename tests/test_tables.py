"""The one table reader and the one table of reading limits (pmqa_cli/io/tables.py, limits.py).

Every CSV/XLSX input (review, central data, corrections, registry, previous results) is read
whole or refused with a finding naming the limit; a CSV row with more or fewer fields than its
header is a finding, never read by position; special files are refused by stat before they are
opened; a value gets the same advice whichever file it is in. Files are made the ways people
make them: openpyxl, xlsxwriter, CSV in UTF-8 with and without BOM, cp874, semicolons.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import Workbook
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.compare.previous import load_result
from pmqa_cli.core.errors import PmqaError, UsageError
from pmqa_cli.core.findings import make_finding
from pmqa_cli.core.limits import KIND_LIMITS, InputKind, Limits, limits_for, variable_for
from pmqa_cli.io.registry import Office, load_registry
from pmqa_cli.io.tables import TableReadError, read_table_file
from pmqa_cli.rubric.model import OfficeType, Rubric
from pmqa_cli.verify.inputs import load_verification
from tests.builders import MINI_RUBRIC, Filled, SubmissionFactory, complete

runner = CliRunner()
HEADER = "office,item,value,reason,by\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def codes(findings: object) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


# --- strict field counts, duplicates, encodings and dialects -----------------------------------


@pytest.mark.hostile
def test_a_row_with_an_extra_field_is_a_finding_never_read_by_position(
    mini: Rubric, tmp_path: Path
) -> None:
    # An unquoted 1,000.5 makes two fields: on main it was applied as 1 with the reason "000.5".
    corrections = write(
        tmp_path / "c.csv",
        HEADER + "P001,K2,1,000.5,พิมพ์ผิด,นายค\nP001,K1\nP001,K5,3.5,พิมพ์ผิด,นายค\n",
    )
    verification = load_verification(mini, corrections=[corrections])
    found = [(f.code, f.cell) for f in verification.findings]
    assert found == [("table-row-fields", "A2"), ("table-row-fields", "A3")]
    extra = verification.findings[0]
    assert extra.file == str(corrections) and extra.severity.value == "error"
    assert "Row 2 has 6 fields but the header row (row 1) has 5" in extra.message_en
    assert "(เช่น 1,000.5)" in extra.message_th
    assert [(e.office, e.item, e.reason) for e in verification.entries] == [("P001", "K5", "พิมพ์ผิด")]


def test_a_quoted_thousands_value_is_one_field(mini: Rubric, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", 'office,item,value\nP001,K2,"1,000.5"\n')
    verification = load_verification(mini, data=[data])
    # One field, read as 1000.5 (over K2's 365-day range: the rubric's own advice).
    assert codes(verification.findings) == ["verify-value-invalid"]
    assert "1000.5" in verification.findings[0].message_en


def test_identical_rows_are_noted_once_and_counted_once(mini: Rubric, tmp_path: Path) -> None:
    row = "P001,K5,3.5,พิมพ์ผิด,นายค\n"
    corrections = write(tmp_path / "c.csv", HEADER + row + row + row)
    verification = load_verification(mini, corrections=[corrections])
    assert [(f.code, f.cell, f.severity.value) for f in verification.findings] == [
        ("table-row-duplicate", "A3", "note"),
        ("table-row-duplicate", "A4", "note"),
    ]
    assert "repeats row 2" in verification.findings[0].message_en
    assert len(verification.entries) == 1 and verification.files[0].rows == 1


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp874", ";"), ("utf-8-sig", "\t")],
    ids=["utf-8", "utf-8-bom", "cp874-semicolon", "bom-tab"],
)
def test_encodings_and_dialects_read_alike(
    mini: Rubric, tmp_path: Path, encoding: str, separator: str
) -> None:
    text = (
        separator.join(["รหัสหน่วยงาน", "รหัสรายการ", "ค่า", "เหตุผล", "ผู้แก้ไข"])
        + "\n"
        + separator.join(["P001", "K5", "3.5", "พิมพ์ผิดจากต้นฉบับ", "นางสาวก"])
        + "\n"
    )
    corrections = write(tmp_path / "c.csv", text, encoding)
    verification = load_verification(mini, corrections=[corrections])
    assert verification.findings == []
    [entry] = verification.entries
    assert (entry.reason, entry.person, str(entry.answer.value)) == (  # type: ignore[union-attr]
        "พิมพ์ผิดจากต้นฉบับ",
        "นางสาวก",
        "3.5",
    )


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused_not_read_as_text(
    mini: Rubric, tmp_path: Path
) -> None:
    """A CSV renamed review.xlsx (or a web page saved so): read as text, its table would be a
    guess; it is refused whole, saying why in both languages. The same text named .csv is
    read."""
    text = "office,item,verdict,reviewer\nP001,C1,ยืนยัน,นางสาวก\n"
    renamed = write(tmp_path / "review.xlsx", text, "utf-8")
    with pytest.raises(TableReadError, match="not an Excel workbook"):
        read_table_file(renamed)
    [finding] = load_verification(mini, reviews=[renamed]).findings
    assert finding.code == "verify-file-unreadable"
    assert "ชื่อไฟล์เป็น .xlsx แต่ไม่ใช่ไฟล์ Excel" in finding.message_th
    assert "named .xlsx but it is not an Excel workbook" in finding.message_en
    named = write(tmp_path / "review.csv", text, "utf-8")
    assert len(load_verification(mini, reviews=[named]).entries) == 1


def _xlsx_rows(path: Path, rows: list[list[object]], writer: str) -> Path:
    if writer == "openpyxl":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with xlsxwriter.Workbook(str(path)) as xbook:
            xsheet = xbook.add_worksheet("แก้ไข")
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    xsheet.write(r, c, value)
    return path


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
@pytest.mark.parametrize("layer", ["corrections", "data"])
def test_a_workbook_past_row_5000_is_read_whole(
    mini: Rubric, tmp_path: Path, writer: str, layer: str
) -> None:
    # 6,000 rows: on main an XLSX corrections or data file stopped at row 5,000 (a
    # submission's limit), without a word.
    rows: list[list[object]] = [["office", "item", "value", "reason", "by"]]
    rows += [[f"X{n:04d}", "K5", 3, "ตรวจแล้ว", "นายค"] for n in range(6_000)]
    rows.append(["P001", "K5", 4.5, "แถวสุดท้าย", "นายค"])
    if layer == "data":
        rows = [row[:3] for row in rows]
    book = _xlsx_rows(tmp_path / f"c-{writer}.xlsx", rows, writer)
    verification = load_verification(mini, **{layer: [book]})  # type: ignore[arg-type]
    assert verification.findings == []
    last = [e for e in verification.entries if e.office == "P001"]
    assert [(e.origin.row, str(e.answer.value)) for e in last] == [(6_002, "4.5")]  # type: ignore[union-attr]


# --- limits -------------------------------------------------------------------------------------


def test_the_limits_table_fits_ten_times_todays_review_workbook() -> None:
    # pmqa review-sheet writes 14,703 rows for 245 offices: 2,450 offices is about 150,000.
    assert KIND_LIMITS[InputKind.REVIEW].max_rows >= 150_000 * 2
    for kind in (InputKind.DATA, InputKind.CORRECTIONS):
        assert KIND_LIMITS[kind].max_rows >= 150_000
    assert KIND_LIMITS[InputKind.SUBMISSION] == Limits()  # a submission's are unchanged
    assert variable_for(InputKind.REVIEW, "max_rows") == "PMQA_MAX_REVIEW_ROWS"
    assert variable_for(InputKind.SUBMISSION, "max_rows") == "PMQA_MAX_ROWS"
    assert limits_for(InputKind.PREVIOUS, {"PMQA_MAX_PREVIOUS_FILE_MB": "1"}).max_file_bytes == (
        1024 * 1024
    )
    with pytest.raises(UsageError, match="PMQA_MAX_REVIEW_ROWS='many' is not a number"):
        limits_for(InputKind.REVIEW, {"PMQA_MAX_REVIEW_ROWS": "many"})


def test_a_bad_limit_setting_is_a_usage_error_through_the_cli(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    path = make_submission(mini, complete(mini), name="P001.xlsx")
    review = write(tmp_path / "r.csv", "office,item,verdict,by\nP001,C1,ยืนยัน,ก\n")
    args = ["score", str(path), "--rubric", str(MINI_RUBRIC), "--review", str(review)]
    result = runner.invoke(app, args, env={"PMQA_MAX_REVIEW_ROWS": "-3"})
    assert result.exit_code == 2, result.output
    assert "PMQA_MAX_REVIEW_ROWS must be positive" in " ".join(result.output.split())


@pytest.mark.hostile
@pytest.mark.parametrize("form", ["csv", "openpyxl", "xlsxwriter"])
def test_a_review_file_over_its_row_limit_is_refused_whole_naming_the_limit(
    mini: Rubric, tmp_path: Path, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[list[object]] = [["office", "item", "verdict", "by"]]
    rows += [["P001", f"C{n}", "ยืนยัน", "นางสาวก"] for n in range(1, 10)]
    if form == "csv":
        review = write(tmp_path / "r.csv", "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    else:
        review = _xlsx_rows(tmp_path / "r.xlsx", rows, form)
    monkeypatch.setenv("PMQA_MAX_REVIEW_ROWS", "5")
    verification = load_verification(mini, reviews=[review])
    assert codes(verification.findings) == ["input-over-limit"]
    assert verification.entries == []  # nothing, never the first five rows
    message = verification.findings[0].message_en
    assert "PMQA_MAX_REVIEW_ROWS" in message and "number of rows" in message
    assert "review file (--review)" in message
    assert "PMQA_MAX_REVIEW_ROWS" in verification.findings[0].message_th
    monkeypatch.delenv("PMQA_MAX_REVIEW_ROWS")
    assert load_verification(mini, reviews=[review]).findings == []


@pytest.mark.hostile
def test_a_file_over_its_size_limit_is_refused_before_it_is_read(
    mini: Rubric, tmp_path: Path
) -> None:
    corrections = write(tmp_path / "c.csv", HEADER + "P001,K5,3.5,x,y\n" * 100)
    small = {InputKind.CORRECTIONS: Limits(max_file_bytes=1000)}
    verification = load_verification(mini, corrections=[corrections], limits=small)
    assert codes(verification.findings) == ["input-over-limit"]
    assert "PMQA_MAX_CORRECTIONS_FILE_MB" in verification.findings[0].message_en


def test_a_batch_with_a_review_file_over_the_limit_is_not_complete(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    path = make_submission(mini, complete(mini), name="P001.xlsx")
    review = write(tmp_path / "r.csv", "office,item,verdict,by\n" + "P001,C1,ยืนยัน,ก\n" * 3)
    args = ["batch", str(path), "-o", str(tmp_path / "r.xlsx"), "--rubric", str(MINI_RUBRIC),
            "-j", "1", "--review", str(review), "--json", str(tmp_path / "r.json")]  # fmt: skip
    result = runner.invoke(app, args, env={"PMQA_MAX_REVIEW_ROWS": "2"})
    assert result.exit_code == 1, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert "input-over-limit" in [f["code"] for f in data["findings"]]
    assert data["valid"] is False
    # Every office's official score waits for the review: provisional, saying why.
    (place,) = data["ranking"]
    assert place["provisional"] and "verification" in place["provisional_reasons"], place


def test_a_registry_over_its_limit_or_with_an_extra_field_is_refused(tmp_path: Path) -> None:
    registry = write(tmp_path / "reg.csv", "code,name,type\nP001,สพป.หนึ่ง,สพป.\nP002,สพป.สอง,สพป.\n")
    assert len(load_registry(registry)) == 2
    with pytest.raises(PmqaError, match="PMQA_MAX_REGISTRY_ROWS"):
        load_registry(registry, Limits(max_rows=2))
    bad = write(tmp_path / "bad.csv", "code,name,type\nP001,สพป.หนึ่ง,เขต 1,สพป.\n")
    with pytest.raises(PmqaError, match="Row 2 has 4 fields"):
        load_registry(bad)


# --- one value parser, one set of messages -------------------------------------------------------


def _comma_advice() -> str:
    """What a submission's "7,5" in a score cell is told: every input kind must say the same."""
    return make_finding(
        "decimal-comma", item_id="K5", value="7,5", suggested="7.5", unit="score"
    ).message_en


def test_a_decimal_comma_gets_the_submissions_advice_in_every_file(
    mini: Rubric, tmp_path: Path
) -> None:
    advice = _comma_advice()
    corrections = write(tmp_path / "c.csv", HEADER + 'P001,K5,"7,5",พิมพ์ผิด,นายค\n')
    review = write(
        tmp_path / "r.csv", 'office,item,verdict,verified value,by\nP001,K5,ไม่ยืนยัน,"7,5",ก\n'
    )
    data = write(tmp_path / "d.csv", 'office,K5\nP001,"7,5"\n')
    for kind, path in (("corrections", corrections), ("reviews", review), ("data", data)):
        verification = load_verification(mini, **{kind: [path]})  # type: ignore[arg-type]
        [finding] = verification.findings
        assert finding.code == "verify-value-invalid", kind
        assert advice in finding.message_en, kind
        assert "7.5" in finding.message_th and "1,234.5" in finding.message_th, kind


@pytest.mark.hostile
def test_a_decimal_comma_in_previous_results_gets_the_same_advice(
    mini: Rubric, tmp_path: Path
) -> None:
    # On main "7,5" in --previous was "not a number; enter a score" with no word of the comma.
    advice = _comma_advice()
    csv_file = write(tmp_path / "last.csv", 'code,overall,K5\nP001,"85,5","7,5"\nP002,80,7\n')
    _xlsx_rows(tmp_path / "last.xlsx", [["code", "overall", "K5"], ["P001", "85,5", "7,5"],
               ["P002", 80, 7]], "openpyxl")  # fmt: skip
    for path in (csv_file, tmp_path / "last.xlsx"):
        snapshot = load_result(path, mini)
        found = [(f.code, f.cell, f.item_id) for f in snapshot.findings]
        assert found == [("decimal-comma", "B2", "overall"), ("decimal-comma", "C2", "K5")], path
        assert snapshot.findings[1].message_en == advice
        assert "e.g. 85.5" in snapshot.findings[0].message_en
        assert snapshot.findings[0].severity.value == "error"
        # Left out of the comparison, never guessed; the rest of the file is used.
        assert (
            snapshot.offices["P001"].overall is None and "K5" not in snapshot.offices["P001"].items
        )
        assert snapshot.offices["P002"].items["K5"] == 7


def test_a_bad_pass_fail_value_gets_the_submissions_advice(mini: Rubric, tmp_path: Path) -> None:
    corrections = write(tmp_path / "c.csv", HEADER + "P001,K4,maybe,เหตุผล,นายค\n")
    [finding] = load_verification(mini, corrections=[corrections]).findings
    advice = make_finding("answer-invalid", item_id="K4", value="maybe").message_en
    assert advice in finding.message_en


# --- special files and hostile JSON ------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.hostile
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_special_files_are_refused_within_a_second(mini: Rubric, fifo: Path, special: str) -> None:
    path = fifo if special == "fifo" else Path("/dev/zero")
    if not path.exists():
        pytest.skip("no /dev/zero")
    start = time.monotonic()
    with pytest.raises(PmqaError, match="not a regular file"):
        load_registry(path)
    snapshot = load_result(path, mini)
    assert codes(snapshot.findings) == ["file-not-regular"]
    verification = load_verification(mini, reviews=[path], data=[path])
    assert codes(verification.findings) == ["file-not-regular", "file-not-regular"]
    with pytest.raises(TableReadError) as refused:
        read_table_file(path)
    assert refused.value.code == "file-not-regular"
    assert time.monotonic() - start < 1.0


@pytest.mark.hostile
def test_a_fifo_as_registry_previous_or_submission_does_not_block_the_cli(
    mini: Rubric, make_submission: SubmissionFactory, fifo: Path, tmp_path: Path
) -> None:
    path = make_submission(mini, complete(mini), name="P001.xlsx")
    base = [sys.executable, "-m", "pmqa_cli", "--debug"]
    runs = {
        "registry": [*base, "batch", str(path), "-o", str(tmp_path / "a.xlsx"),
                     "--rubric", str(MINI_RUBRIC), "--registry", str(fifo)],
        "previous": [*base, "batch", str(path), "-o", str(tmp_path / "b.xlsx"),
                     "--rubric", str(MINI_RUBRIC), "--previous", str(fifo)],
        "submission": [*base, "score", str(fifo), "--rubric", str(MINI_RUBRIC), "--json"],
    }  # fmt: skip
    for name, command in runs.items():
        # A hang would be a TimeoutExpired here (on main the open() blocked for ever).
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        said = done.stdout + done.stderr
        assert done.returncode != 0 or "file-not-regular" in said, (name, said)
        assert "regular file" in said or "file-not-regular" in said, (name, said)


@pytest.mark.hostile
@pytest.mark.parametrize("depth", [100, 200_000])
def test_deeply_nested_previous_json_is_a_finding(mini: Rubric, tmp_path: Path, depth: int) -> None:
    previous = tmp_path / "deep.json"
    previous.write_text('{"offices": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    start = time.monotonic()
    snapshot = load_result(previous, mini)
    assert codes(snapshot.findings) == ["input-over-limit"]
    assert "PMQA_MAX_PREVIOUS_DEPTH" in snapshot.findings[0].message_en
    assert snapshot.offices == {}
    assert time.monotonic() - start < 5.0


# --- previous results: pmqa's own summary CSV; rows for offices that sent nothing ---------------


def test_pmqa_own_summary_csv_as_previous_gives_no_column_warnings(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    first = make_submission(mini, complete(mini), name="P001.xlsx")
    other = complete(mini, Filled(Office("P002", "สพป.สอง", OfficeType.PRIMARY, "ทดสอบ")))
    second = make_submission(mini, other, name="P002.xlsx")
    review = write(tmp_path / "r.csv", "office,item,verdict,by\nP001,C1,ยืนยัน,ก\n")
    args = ["batch", str(first), str(second), "-o", str(tmp_path / "r.xlsx"),
            "--rubric", str(MINI_RUBRIC), "-j", "1", "--csv", str(tmp_path / "csv"),
            "--review", str(review)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summaries = [
        p for p in (tmp_path / "csv").glob("*.csv") if "สถานะผล" in p.read_text("utf-8-sig")
    ]
    assert summaries, sorted(p.name for p in (tmp_path / "csv").iterdir())
    for source in (summaries[0], tmp_path / "r.xlsx"):
        snapshot = load_result(source, mini)
        assert snapshot.findings == [], [f.message_en for f in snapshot.findings]
        assert sorted(snapshot.offices) == ["P001", "P002"]


def test_rows_for_a_registered_office_that_sent_nothing_are_noted(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    path = make_submission(mini, complete(mini), name="P001.xlsx")
    registry = write(tmp_path / "reg.csv", "code,name,type\nP001,สพป.หนึ่ง,สพป.\nP003,สพป.สาม,สพป.\n")
    data = write(tmp_path / "d.csv", "office,K1,K2\nP001,35,3\nP003,40,2\n")
    args = ["batch", str(path), "-o", str(tmp_path / "r.xlsx"), "--rubric", str(MINI_RUBRIC),
            "-j", "1", "--registry", str(registry), "--data", str(data),
            "--json", str(tmp_path / "r.json")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["findings"]
    notes = [f for f in found if f["code"] == "verify-office-absent"]
    assert [(n["file"], n["cell"], n["severity"]) for n in notes] == [(str(data), "B3", "note")]
    assert "'P003'" in notes[0]["message_en"] and "2 row(s)" in notes[0]["message_en"]


# --- nothing dropped without a word: the table's shape ------------------------------------------

#: Each table kind with a header, a good row and a row with one value right of the header.
SHAPED: dict[str, tuple[list[object], list[object], list[object]]] = {
    "corrections": (
        ["office", "item", "value", "reason", "by"],
        ["P001", "K5", 3.5, "พิมพ์ผิด", "นายค"],
        ["P001", "K2", 1, "พิมพ์ผิด", "นายค", "000.5"],
    ),
    "reviews": (
        ["office", "item", "verdict", "verified value", "by"],
        ["P001", "K5", "ไม่ยืนยัน", 3.5, "ก"],
        ["P001", "K2", "ไม่ยืนยัน", 1, "ก", "ขอแก้เป็น 2"],
    ),
    "data": (["office", "item", "value"], ["P001", "K5", 3.5], ["P001", "K2", 1, 2]),
}


@pytest.mark.hostile
@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
@pytest.mark.parametrize("kind", sorted(SHAPED))
def test_a_workbook_value_right_of_the_header_is_table_row_fields_as_in_csv(
    mini: Rubric, tmp_path: Path, writer: str, kind: str
) -> None:
    header, good, extra = SHAPED[kind]
    book = _xlsx_rows(tmp_path / f"{kind}.xlsx", [header, good, extra], writer)
    verification = load_verification(mini, **{kind: [book]})  # type: ignore[arg-type]
    [finding] = verification.findings
    right = f"{chr(ord('A') + len(header))}3"  # the first cell right of the header's last
    assert (finding.code, finding.cell, finding.severity.value) == (
        "table-row-fields",
        right,
        "error",
    )
    assert f"Row 3 has {len(header) + 1} fields but the header row (row 1) has {len(header)}" in (
        finding.message_en
    )
    assert "give a value right of the table a column header" in finding.message_en
    assert [(e.office, e.item) for e in verification.entries] == [("P001", "K5")]  # not K2


@pytest.mark.hostile
@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_registry_and_previous_workbooks_with_a_value_right_of_the_header_say_so(
    mini: Rubric, tmp_path: Path, writer: str
) -> None:
    registry = _xlsx_rows(
        tmp_path / "reg.xlsx",
        [["code", "name", "type"], ["P001", "สพป.หนึ่ง", "สพป."], ["P002", "สพป.สอง", "สพป.", "x"]],
        writer,
    )
    with pytest.raises(PmqaError, match=r"Row 3 has 4 fields .*\(its last field is D3\)"):
        load_registry(registry)
    previous = _xlsx_rows(
        tmp_path / "last.xlsx", [["code", "overall"], ["P001", 80], ["P002", 70, 75]], writer
    )
    snapshot = load_result(previous, mini)
    assert [(f.code, f.cell) for f in snapshot.findings] == [("table-row-fields", "C3")]
    assert sorted(snapshot.offices) == ["P001"]


@pytest.mark.hostile
@pytest.mark.parametrize("form", ["csv", "openpyxl", "xlsxwriter"])
def test_rows_after_a_blank_row_and_after_a_repeated_header_are_read(
    mini: Rubric, tmp_path: Path, form: str
) -> None:
    header: list[object] = ["office", "item", "value", "reason", "by"]
    rows: list[list[object]] = [header, ["P001", "K5", 3.5, "ก", "ข"], [], []]
    rows += [header, ["P001", "K1", 30, "ก", "ข"], [], ["P001", "K3", 4, "ก", "ข"]]
    if form == "csv":
        text = "\n".join(",".join(map(str, r)) for r in rows) + "\n"
        path = write(tmp_path / "c.csv", text)
    else:
        path = _xlsx_rows(tmp_path / "c.xlsx", rows, form)
    verification = load_verification(mini, corrections=[path])
    assert [(f.code, f.cell, f.severity.value) for f in verification.findings] == [
        ("table-header-repeated", "A5", "note")
    ]
    assert sorted(e.item for e in verification.entries) == ["K1", "K3", "K5"]


@pytest.mark.hostile
def test_an_unnamed_column_with_values_is_a_warning_naming_its_first_cell(
    mini: Rubric, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "c.csv", "office,item,value,,reason,by\nP001,K5,3.5,,ก,ข\nP001,K3,4,สี่,ก,ข\n"
    )
    verification = load_verification(mini, corrections=[path])
    [finding] = verification.findings
    assert (finding.code, finding.cell, finding.severity.value) == (
        "table-column-unnamed",
        "D3",
        "warning",
    )
    assert "Column D has values (the first in D3) but no header in row 1" in finding.message_en
    assert sorted(e.item for e in verification.entries) == ["K3", "K5"]  # the rows are read
    # A blank header over blank cells (a trailing comma) is nothing to report.
    trailing = write(tmp_path / "t.csv", "office,item,value,reason,by,\nP001,K5,3.5,ก,ข,\n")
    assert load_verification(mini, corrections=[trailing]).findings == []


@pytest.mark.hostile
@pytest.mark.parametrize("form", ["csv", "openpyxl"])
def test_two_columns_with_one_header_that_differ_are_never_guessed(
    mini: Rubric, tmp_path: Path, form: str
) -> None:
    rows: list[list[object]] = [
        ["office", "item", "value", "reason", "by", "Value"],
        ["P001", "K5", 3.5, "ก", "ข", 3.5],  # the same value twice: read
        ["P001", "K3", 4, "ก", "ข", 2],  # which one? neither
        ["P001", "K1", 30, "ก", "ข"],  # the second empty: the first is the value
    ]
    if form == "csv":
        lines = [",".join(map(str, r + [""] * (6 - len(r)))) for r in rows]
        path = write(tmp_path / "c.csv", "\n".join(lines) + "\n")
    else:
        path = _xlsx_rows(tmp_path / "c.xlsx", rows, form)
    verification = load_verification(mini, corrections=[path])
    [finding] = verification.findings
    assert (finding.code, finding.cell, finding.severity.value) == (
        "table-header-duplicate",
        "F3",
        "error",
    )
    assert "Columns C and F both have the header 'Value' (row 1) but differ in 1 row(s)" in (
        finding.message_en
    )
    assert sorted(e.item for e in verification.entries) == ["K1", "K5"]


@pytest.mark.hostile
def test_a_csv_with_a_bom_and_semicolons_is_read_whole(mini: Rubric, tmp_path: Path) -> None:
    # Excel's "CSV (semicolon)" in a European locale, saved as UTF-8 with a BOM.
    text = "office;item;value;reason;by\r\nP001;K5;3.5;ก;ข\r\nP001;K3;4,5;ก;ข\r\nP001;K1;30;ก;ข\r\n"
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    verification = load_verification(mini, corrections=[path])
    # 4,5 is one field here, and a decimal comma: the advice, never 45 or 4.
    assert [(f.code, f.cell) for f in verification.findings] == [("verify-value-invalid", "C3")]
    assert "4.5" in verification.findings[0].message_en
    assert sorted(e.item for e in verification.entries) == ["K1", "K5"]


def test_a_row_left_out_whole_leaves_its_office_open(mini: Rubric, tmp_path: Path) -> None:
    """A committee secretary's note typed right of the table (L3) leaves P001's row out
    (table-row-fields): the verdict is not applied, so P001's verified result is open; the
    row for P002 is applied."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["รหัสหน่วยงาน", "รหัสรายการ", "ผลการตรวจ", "ผู้ตรวจ"])
    sheet.append(["P002", "C1", "ยืนยัน", "นางสาวก"])
    sheet.append(["P001", "C1", "ไม่ยืนยัน", "นางสาวก"])
    sheet["L3"] = "โทรถามหน่วยงานแล้ว"
    review = tmp_path / "review.xlsx"
    book.save(review)
    verification = load_verification(mini, reviews=[review])
    assert codes(verification.findings) == ["table-row-fields"]
    assert [e.office for e in verification.entries] == ["P002"]
    assert verification.refused == {("P001", str(review)): 1}
