"""One rule for the digits of every kind of number (core.numbers.DIGITS, docs/output.md): the same
stored number shows the same digits in the terminal, CSV, results.xlsx (value and number format)
and the comparison, for a rubric with 4 decimals (the shipped one) and one with 2 (OPDC's)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.core.numbers import (
    DIGITS,
    Shown,
    csv_number,
    excel_format,
    format_number,
    show_number,
)

runner = CliRunner()
REGISTRY = Path(__file__).resolve().parent.parent / "pmqa_cli" / "data" / "offices-sample.csv"


# --- the table itself --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "decimals", "value", "text", "field", "excel"),
    [
        (Shown.SCORE, 2, Decimal(100), "100.00", "100.00", "0.00"),
        (Shown.SCORE, 4, Decimal("2.94445"), "2.9445", "2.9445", "0.0000"),
        (Shown.CHANGE, 4, Decimal("5.149"), "+5.1490", "5.1490", "+0.0000;[Red]-0.0000;0.0000"),
        (Shown.CHANGE, 2, Decimal("-0.125"), "-0.13", "-0.13", "+0.00;[Red]-0.00;0.00"),
        (Shown.CHANGE, 2, Decimal("-0.004"), "0.00", "0.00", "+0.00;[Red]-0.00;0.00"),
        (Shown.PERCENT, 4, Decimal("37.50"), "37.5%", "37.5", '0.0"%"'),
        (Shown.PERCENT, 2, Decimal("66.67"), "66.7%", "66.7", '0.0"%"'),
        (Shown.COUNT, 4, 14703, "14,703", "14703", "#,##0"),
        (Shown.LEVEL, 4, Decimal(3), "3", "3", "0"),
        (Shown.RANK, 2, 184, "184", "184", "0"),
        (Shown.RANK_CHANGE, 4, 7, "+7", "7", "+#,##0;[Red]-#,##0;#,##0"),
        (Shown.RANK_CHANGE, 2, -1146, "-1,146", "-1146", "+#,##0;[Red]-#,##0;#,##0"),
        (Shown.RANK_CHANGE, 4, 0, "0", "0", "+#,##0;[Red]-#,##0;#,##0"),
    ],
)
def test_each_kind_has_one_rule_for_text_csv_and_cells(
    kind: Shown, decimals: int, value: Any, text: str, field: str, excel: str
) -> None:
    assert show_number(value, kind, decimals) == text
    assert csv_number(value, kind, decimals) == field
    assert excel_format(kind, decimals) == excel
    assert show_number(None, kind, decimals) == csv_number(None, kind, decimals) == ""


def test_every_kind_is_in_the_table_and_a_score_is_format_number() -> None:
    assert set(DIGITS) == set(Shown)
    assert format_number(Decimal("2.944"), 2) == show_number(Decimal("2.944"), Shown.SCORE, 2)
    assert format_number(Decimal("2.945"), 2) == "2.95"  # half-up, once


# --- the same number everywhere ----------------------------------------------------------------


@dataclass
class Run:
    folder: Path
    decimals: int
    batch_out: str  # the second batch's terminal (with --previous)
    compare_out: str
    score_out: str
    score_json: dict[str, Any]
    current: dict[str, Any]  # the second batch's JSON
    comparison: dict[str, Any]  # compare --json


def _invoke(*args: str) -> str:
    result = runner.invoke(app, ["--lang", "en", *args])
    assert result.exit_code in (0, 1), (args, result.output, result.exception)
    return result.stdout


@pytest.fixture(scope="module", params=[("obec-esao-2567", 4), ("opdc-pmqa4-24", 2)])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    rubric, decimals = request.param
    folder = tmp_path_factory.mktemp(rubric)
    lines = REGISTRY.read_text(encoding="utf-8-sig").splitlines()
    primary = [line for line in lines[1:] if ",สพป.," in line][:5]
    secondary = [line for line in lines[1:] if ",สพม.," in line][:3]
    registry = folder / "offices.csv"
    registry.write_text("\n".join([lines[0], *primary, *secondary]) + "\n", encoding="utf-8")
    common = ["--rubric", rubric, "--registry", str(registry)]
    for seed, out in (("1", "one"), ("9", "two")):
        _invoke("sample", "--count", "8", "--seed", seed, "--out", str(folder / out), *common)
    # Two rounds of one fiscal year, told apart by their rounds (two labels "2567" are refused).
    _invoke("batch", str(folder / "one"), "-o", str(folder / "r1.xlsx"),
            "--json", str(folder / "r1.json"), "--round", "6 เดือน", *common)  # fmt: skip
    batch_out = _invoke(
        "batch", str(folder / "two"), "-o", str(folder / "r2.xlsx"), "--json",
        str(folder / "r2.json"), "--csv", str(folder / "csv"), "--previous",
        str(folder / "r1.json"), "--round", "12 เดือน", *common,
    )  # fmt: skip
    compare_out = _invoke(
        "compare", str(folder / "r1.json"), str(folder / "r2.json"), "-o",
        str(folder / "cmp.xlsx"), "--json", str(folder / "cmp.json"), "--csv",
        str(folder / "cmpcsv"), "--rubric", rubric,
    )  # fmt: skip
    current = json.loads((folder / "r2.json").read_text(encoding="utf-8"))
    office = current["offices"][0]["file"]
    score_out = _invoke("score", office, *common)
    score_json = json.loads(_invoke("score", office, "--json", *common))
    comparison = json.loads((folder / "cmp.json").read_text(encoding="utf-8"))
    return Run(folder, decimals, batch_out, compare_out, score_out, score_json, current,
               comparison)  # fmt: skip


def _exact(value: float) -> Decimal:
    """A JSON number as the decimal it was written from."""
    return Decimal(repr(value))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _sheet(path: Path, name: str) -> tuple[list[Any], list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    rows = list(wb[name].iter_rows())
    return [c.value for c in rows[0]], [list(r) for r in rows[1:]]


def test_a_score_shows_the_rubrics_decimals_in_terminal_csv_and_results(run: Run) -> None:
    d = run.decimals
    office = next(o for o in run.current["offices"] if o["office"]["code"])
    code, overall = office["office"]["code"], _exact(office["overall"]["score"])
    shown = format_number(overall, d)
    assert re.fullmatch(rf"\d+\.\d{{{d}}}", shown)
    # CSV: the same digits, and never fewer places than the rubric's (100.0 for 100.00).
    summary = {r["รหัส"]: r for r in _csv(run.folder / "csv" / "summary.csv")}
    assert summary[code]["คะแนนรวม"] == shown
    score_fields = re.compile(rf"-?\d+\.\d{{{d}}}")
    for name in ("summary.csv", "pmqa.csv", "statistics.csv"):
        for row in _csv(run.folder / "csv" / name):
            if name == "statistics.csv" and row["ชื่อ"] == "":
                break  # the band and status counts follow, under headers of their own
            for header, value in row.items():
                if header.startswith(("คะแนน", "ค่าเฉลี่ย", "มัธยฐาน")) and value:
                    assert score_fields.fullmatch(value), (name, header, value)
    # results.xlsx: the exact value, shown through the score format.
    headers, rows = _sheet(run.folder / "r2.xlsx", "สรุปผล")
    cells = next(r for r in rows if r[headers.index("รหัส")].value == code)
    cell = cells[headers.index("คะแนนรวม")]
    assert Decimal(repr(cell.value)) == overall
    assert cell.number_format == excel_format(Shown.SCORE, d)
    # The terminal of `pmqa score` on that office's file shows the same digits.
    own = run.score_json
    assert format_number(_exact(own["overall"]["score"]), d) in run.score_out
    assert run.score_json["office"]["code"] == code
    assert shown in run.score_out


def test_a_change_shows_the_same_signed_digits_in_batch_and_compare(run: Run) -> None:
    d = run.decimals
    means = {m["key"]: m for m in run.comparison["comparison"]["previous"][0]["means"]}
    shown = show_number(_exact(means["overall"]["change"]), Shown.CHANGE, d)
    assert re.fullmatch(rf"[+-]?\d+\.\d{{{d}}}", shown)
    line = re.compile(rf"Change in mean overall \(offices in both\)\s+{re.escape(shown)}\s")
    assert line.search(run.batch_out) and line.search(run.compare_out)
    # Most improved: each office's change, the same text from both commands.
    batch_list = re.search(r"Most improved: (.*)", run.batch_out, re.S)
    compare_list = re.search(r"Most improved: (.*)", run.compare_out, re.S)
    assert batch_list and compare_list
    assert " ".join(batch_list.group(1).split()) == " ".join(compare_list.group(1).split())
    changes = re.findall(r"\(([+-]?[\d.]+)\)", batch_list.group(1))
    assert changes and all(re.fullmatch(rf"[+-]?\d+\.\d{{{d}}}", c) for c in changes)
    # The comparison's CSV and workbook carry the same change with the same digits.
    national = next(
        r for r in _csv(run.folder / "cmpcsv" / "comparison-means.csv")
        if r["กลุ่ม"] == "ทั้งประเทศ" and r["รายการ"] == "คะแนนรวม"
    )  # fmt: skip
    changed = "เปลี่ยนแปลง (เฉพาะหน่วยงานที่มีทั้งสองครั้ง)"
    assert national[changed] == csv_number(_exact(means["overall"]["change"]), Shown.CHANGE, d)
    assert national[changed] == shown.lstrip("+")
    headers, rows = _sheet(run.folder / "cmp.xlsx", "เทียบค่าเฉลี่ย")
    cells = next(
        r for r in rows
        if r[headers.index("กลุ่ม")].value == "ทั้งประเทศ"
        and r[headers.index("รายการ")].value == "คะแนนรวม"
    )  # fmt: skip
    cell = cells[headers.index(changed)]
    assert Decimal(repr(cell.value)) == _exact(means["overall"]["change"])
    assert cell.number_format == excel_format(Shown.CHANGE, d)
    for score in ("ค่าเฉลี่ย", "ค่าเฉลี่ยครั้งก่อน"):
        found = next(c for h, c in zip(headers, cells, strict=True) if h.startswith(score))
        assert found.number_format == excel_format(Shown.SCORE, d)


def test_every_score_field_of_the_comparison_csv_has_the_rubrics_decimals(run: Run) -> None:
    d = run.decimals
    fields = re.compile(rf"-?\d+\.\d{{{d}}}")
    for name in ("comparison.csv", "comparison-items.csv", "comparison-means.csv"):
        rows = _csv(run.folder / "cmpcsv" / name)
        assert rows, name
        for row in rows:
            for header, value in row.items():
                scored = header.startswith(("คะแนน", "ค่าเฉลี่ย", "เปลี่ยนแปลง", "หมวด"))
                if scored and value and "อันดับ" not in header:
                    assert fields.fullmatch(value), (name, header, value)


def test_percentages_of_offices_have_one_decimal_in_csv_and_cells(run: Run) -> None:
    rows = _csv(run.folder / "csv" / "breakdown-distribution.csv")
    shares = [v for r in rows for h, v in r.items() if h.endswith("(ร้อยละ)") and v]
    assert shares and all(re.fullmatch(r"\d+\.\d", v) for v in shares)
    headers, cells = _sheet(run.folder / "r2.xlsx", "การกระจายตามกลุ่ม")
    column = next(n for n, h in enumerate(headers) if str(h).endswith("(ร้อยละ)"))
    assert cells[0][column].number_format == excel_format(Shown.PERCENT, run.decimals)
