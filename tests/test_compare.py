"""Across years and rounds: `batch --previous`, `pmqa compare`, breakdowns by type, region and
province, and the executive summary; checked number by number against hand calculations."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.compare.previous import load_result
from pmqa_cli.io.registry import Office
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import MINI_RUBRIC, Filled, SubmissionFactory, complete

runner = CliRunner()

REGISTRY = (
    "code,name,type,province,region\n"
    "P001,สพป.ทดสอบ เขต 1,สพป.,เชียงใหม่,ภาคเหนือ\n"
    "P002,สพป.ทดสอบ เขต 2,สพป.,ลำพูน,ภาคเหนือ\n"
    "S001,สพม.ทดสอบ,สพม.,ขอนแก่น,ภาคตะวันออกเฉียงเหนือ\n"
)
# Last year's records, as exported by hand: Thai headers, I2 was called I2-OLD then, a number
# typed as text with a comma-free decimal, and S001 did not exist yet.
PREVIOUS_TH = (
    "รหัส,ชื่อหน่วยงาน,คะแนนรวม,คะแนนหมวด 1-6,คะแนนหมวด 7,I1,I2-OLD,K1,ปีงบประมาณ\n"
    "P001,สพป.ทดสอบ เขต 1,400,450,338.8889,450,450,250,2566\n"
    'P002,สพป.ทดสอบ เขต 2,"250.5",300,190,300,200,100,2566\n'
)
PREVIOUS_EN = (
    "Office code,Name,Overall,PMQA,Results,I1 score,I2-OLD,K1\n"
    "P001,A,400,450,338.8889,450,450,250\n"
    "P002,B,250.5,300,190,300,200,100\n"
)


def rows(path: Path, sheet: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    assert isinstance(ws, Worksheet)
    return [list(r) for r in ws.iter_rows(values_only=True)]


def as_dicts(path: Path, sheet: str) -> list[dict[str, Any]]:
    header, *body = rows(path, sheet)
    return [dict(zip(header, r, strict=False)) for r in body]


def renamed_rubric(tmp_path: Path) -> Path:
    """The mini rubric, with I2 known as I2-OLD in the previous year."""
    data = yaml.safe_load(MINI_RUBRIC.read_text(encoding="utf-8"))
    data["issues"][1]["previous_ids"] = ["I2-OLD"]
    path = tmp_path / "mini-renamed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def three(tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory) -> list[Path]:
    """Three offices scored by hand (mini rubric; docs/scoring.md).

    P001 (primary): everything met -> I1 500, I2 500, pmqa 500; K1 30, K2 3, K3 3 steps, K5 3
      -> 300 each, K4 passed -> 500; results (300+300+2*300+500+300)/6 = 333.3333;
      overall 0.55*500 + 0.45*2000/6 = 425.
    P002 (primary): only Basic met -> I1 300, I2 300, pmqa 300; K1 20, K2 4, K3 2, K5 2 -> 200,
      K4 failed -> 0; results (200+200+400+0+200)/6 = 166.6667; overall 165 + 75 = 240.
    S001 (secondary): all but C9 -> I1 500, I2 400, pmqa 1400/3 = 466.6667; K1 50, K2 1, K3 5,
      K4 -> 500, K6 80 -> 300; results (500+500+1000+500+300)/6 = 466.6667; overall 466.6667.
    """
    a = complete(mini, Filled(Office("P001", "สพป.ทดสอบ เขต 1", OfficeType.PRIMARY, "เชียงใหม่")))
    b = complete(mini, Filled(Office("P002", "สพป.ทดสอบ เขต 2", OfficeType.PRIMARY, "ลำพูน")))
    for criterion in ("C4", "C5", "C6", "C8", "C9"):
        b.answers[criterion] = "ไม่ผ่าน"
    b.values.update({"K1": 20, "K2": 4, "K3": 2, "K4": "ไม่ผ่าน", "K5": 2})
    c = complete(mini, Filled(Office("S001", "สพม.ทดสอบ", OfficeType.SECONDARY, "ขอนแก่น")))
    c.answers["C9"] = "ไม่ผ่าน"
    c.values.update({"K1": 50, "K2": 1, "K3": 5, "K6": 80})
    (tmp_path / "subs").mkdir()
    return [make_submission(mini, f, name=f"subs/{f.office.code}.xlsx") for f in (a, b, c)]


def run_batch(tmp_path: Path, *extra: str) -> Any:
    registry = tmp_path / "offices.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    return runner.invoke(
        app,
        ["batch", str(tmp_path / "subs"), "-o", str(tmp_path / "r.xlsx"),
         "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "csv"),
         "--registry", str(registry), "--rubric", str(renamed_rubric(tmp_path)), *extra],
    )  # fmt: skip


def test_three_offices_two_years_by_hand(tmp_path: Path, three: list[Path]) -> None:
    previous = tmp_path / "fy2566.csv"
    previous.write_text(PREVIOUS_TH, encoding="utf-8-sig")
    result = run_batch(tmp_path, "--previous", str(previous), "--round", "12 เดือน")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["label"] == "2567 รอบ 12 เดือน"
    (earlier,) = data["comparison"]["previous"]
    assert earlier["label"] == "2566"  # from the ปีงบประมาณ column
    assert earlier["only_current"] == ["S001"] and earlier["only_previous"] == []
    # K2..K6 have no column last year: compared only through overall and parts, and said so.
    assert earlier["unmatched_items"] == ["K2", "K3", "K4", "K5", "K6"]
    assert "เทียบได้เฉพาะคะแนนรวมและรายส่วน" in earlier["note"]
    offices = {o["code"]: o for o in earlier["offices"]}
    a, b, s = offices["P001"], offices["P002"], offices["S001"]
    assert a["current"] == {"overall": 425.0, "pmqa": 500.0, "results": 333.3333,
                            "rank": 2, "rank_in_type": 1}  # fmt: skip
    assert a["previous"] == {"overall": 400.0, "pmqa": 450.0, "results": 338.8889,
                             "rank": 1, "rank_in_type": 1}  # fmt: skip
    # 333.3333 - 338.8889 = -5.5556; rank 1 -> 2 is one place lost.
    assert a["change"] == {"overall": 25.0, "pmqa": 50.0, "results": -5.5556}
    assert (a["rank_change"], a["rank_in_type_change"]) == (-1, 0)
    assert b["change"] == {"overall": -10.5, "pmqa": 0.0, "results": -23.3333}
    assert (b["rank_change"], b["rank_in_type_change"]) == (-1, 0)
    assert b["previous"]["rank"] == 2 and b["current"]["rank"] == 3
    assert s["previous"] is None and s["change"] == {"overall": None, "pmqa": None, "results": None}
    # Items: I2 matched through previous_ids (I2-OLD), per office.
    a_items = {i["id"]: i for i in a["items"]}
    assert a_items["I2"] == {"id": "I2", "previous_id": "I2-OLD", "previous": 450.0,
                             "current": 500.0, "change": 50.0}  # fmt: skip
    b_items = {i["id"]: (i["previous"], i["current"], i["change"]) for i in b["items"]}
    assert b_items == {"I1": (300.0, 300.0, 0.0), "I2": (200.0, 300.0, 100.0),
                       "K1": (100.0, 200.0, 100.0)}  # fmt: skip

    # National means: each round's plain mean of its own offices, rounded half-up once:
    #   overall (425 + 240 + 466.6667)/3 = 377.222233.. vs (400 + 250.5)/2 = 325.25
    #   results (333.3333 + 166.6667 + 466.6667)/3 = 322.222233.. vs (338.8889 + 190)/2 =
    #   264.44445 -> 264.4445 (half-up)
    # The change is over the offices in both rounds (P001, P002; S001 is new), never
    # 377.2222 - 325.25: overall ((425 - 400) + (240 - 250.5))/2 = 7.25, results
    # ((333.3333 - 338.8889) + (166.6667 - 190))/2 = -14.44445 -> -14.4445 (half-up, away
    # from zero); K1 ((300 - 250) + (200 - 100))/2 = 75.
    def both(*pairs: tuple[str, str]) -> float:
        exact = sum((Fraction(now) - Fraction(then) for now, then in pairs), Fraction(0))
        return float(_half_up(exact / len(pairs)))

    means = {m["key"]: m for m in earlier["means"]}
    expected = {
        "overall": (377.2222, 325.25, both(("425", "400"), ("240", "250.5"))),
        "pmqa": (422.2222, 375.0, both(("500", "450"), ("300", "300"))),
        "results": (322.2222, 264.4445,
                    both(("333.3333", "338.8889"), ("166.6667", "190"))),
        "I1": (433.3333, 375.0, both(("500", "450"), ("300", "300"))),
        "I2": (400.0, 325.0, both(("500", "450"), ("300", "200"))),
        "K1": (333.3333, 175.0, both(("300", "250"), ("200", "100"))),
        "K5": (250.0, None, None),
    }  # fmt: skip
    assert [expected[k][2] for k in ("overall", "pmqa", "results", "K1")] == [
        7.25, 25.0, -14.4445, 75.0]  # fmt: skip
    for key, (now, then, change) in expected.items():
        m = means[key]
        assert (m["current_mean"], m["previous_mean"], m["change"]) == (now, then, change), key
    assert [means[k]["both_count"] for k in ("overall", "I2", "K1", "K5")] == [2, 2, 2, 0]
    assert means["I2"]["previous_ids"] == ["I2-OLD"] and means["K5"]["matched"] is False
    assert (means["overall"]["current_count"], means["overall"]["previous_count"]) == (3, 2)
    # สพป.: results (333.3333 + 166.6667)/2 = 250 vs 264.44445: -14.44445 -> -14.4445
    primary = {m["key"]: m for m in earlier["type_means"]["สพป."]}
    assert (primary["overall"]["change"], primary["results"]["change"]) == (7.25, -14.4445)
    assert earlier["type_means"]["สพม."][0]["previous_mean"] is None
    assert earlier["most_improved"] == {"รวม": ["P001"], "สพป.": ["P001"], "สพม.": []}
    assert earlier["most_declined"] == {"รวม": ["P002"], "สพป.": ["P002"], "สพม.": []}

    # The same numbers in the workbook and the CSV.
    sheet = {r["รหัส"]: r for r in as_dicts(tmp_path / "r.xlsx", "เทียบรายหน่วยงาน")}
    assert sheet["P001"]["คะแนนรวม เปลี่ยนแปลงจาก 2566"] == 25
    assert sheet["P001"]["หมวด 7 เปลี่ยนแปลงจาก 2566"] == -5.5556
    assert sheet["P002"]["อันดับเปลี่ยนจาก 2566 (+ ดีขึ้น)"] == -1
    assert sheet["S001"]["หมายเหตุ"] == "ไม่มีผล 2566"
    with (tmp_path / "csv" / "comparison.csv").open(encoding="utf-8-sig") as handle:
        table = {r["รหัส"]: r for r in csv.DictReader(handle)}
    assert Decimal(table["P002"]["หมวด 7 เปลี่ยนแปลงจาก 2566"]) == Decimal("-23.3333")
    # A score in CSV at the rubric's decimals, as the workbook shows it (docs/output.md).
    assert table["P002"]["คะแนนรวม 2566"] == "250.5000"
    wb_means = as_dicts(tmp_path / "r.xlsx", "เทียบค่าเฉลี่ย")
    national = {r["รายการ"]: r for r in wb_means if r["กลุ่ม"] == "ทั้งประเทศ"}
    # A part by the label the results give it, never the programmer's key.
    assert [r["รายการ"] for r in wb_means][:3] == [
        "คะแนนรวม", "หมวด 1-6 (PMQA 4.0)", "หมวด 7 (ตัวชี้วัด)"]  # fmt: skip
    changed = "เปลี่ยนแปลง (เฉพาะหน่วยงานที่มีทั้งสองครั้ง)"
    assert national["หมวด 7 (ตัวชี้วัด)"][changed] == -14.4445
    assert national["คะแนนรวม"]["จำนวนที่มีทั้งสองครั้ง"] == 2
    assert national["คะแนนรวม"]["ค่าเฉลี่ยครั้งก่อน (ทุกหน่วยงานของรอบ)"] == 325.25
    assert national["I2"]["หมายเหตุ"] == "เทียบกับรหัสเดิม I2-OLD"
    assert "เทียบได้เฉพาะคะแนนรวม" in national["K3"]["หมายเหตุ"]
    lists = as_dicts(tmp_path / "r.xlsx", "พัฒนาการ")
    assert [(r["รายการ"], r["กลุ่ม"], r["รหัส"], r["เปลี่ยนแปลง"]) for r in lists] == [
        ("พัฒนาขึ้นมากที่สุด", "รวม", "P001", 25),
        ("พัฒนาขึ้นมากที่สุด", "สพป.", "P001", 25),
        ("ลดลงมากที่สุด", "รวม", "P002", -10.5),
        ("ลดลงมากที่สุด", "สพป.", "P002", -10.5),
    ]
    one = as_dicts(tmp_path / "r.xlsx", "มีผลรอบเดียว")
    assert [(r["รหัส"], r["มีผลเฉพาะ"], r["คะแนนรวม"]) for r in one] == [
        ("S001", "2567 รอบ 12 เดือน", 466.6667)
    ]

    # Breakdowns: counts, statistics and percentages of offices.
    groups = {(g["dimension"], g["name"]): g for d in ("type", "region", "province")
              for g in data["breakdowns"][d]}  # fmt: skip
    primary_group = groups[("type", "สพป.")]
    assert primary_group["count"] == 2
    assert primary_group["scores"]["overall"] == {"count": 2, "mean": 332.5, "median": 332.5,
                                                  "min": 240.0, "max": 425.0}  # fmt: skip
    assert primary_group["bands"]["ดีมาก"] == {"count": 1, "percent": 50.0}
    assert primary_group["bands"]["ต้องปรับปรุง"] == {"count": 1, "percent": 50.0}
    everyone = groups[("type", "รวม")]
    assert everyone["scores"]["overall"]["median"] == 425.0
    assert {k: v["percent"] for k, v in everyone["bands"].items()} == {
        "ต้องปรับปรุง": 33.33, "พอใช้": 0.0, "ดี": 0.0, "ดีมาก": 33.33, "ดีเยี่ยม": 33.33}  # fmt: skip
    assert everyone["statuses"]["ก้าวหน้า"] == {"count": 1, "percent": 33.33}
    assert groups[("region", "ภาคเหนือ")]["scores"]["overall"]["mean"] == 332.5
    assert groups[("province", "ขอนแก่น")]["bands"]["ดีเยี่ยม"]["percent"] == 100.0
    stats = {(r["จำแนกตาม"], r["กลุ่ม"]): r for r in as_dicts(tmp_path / "r.xlsx", "สถิติตามกลุ่ม")}
    assert stats[("ภาค", "ภาคเหนือ")]["คะแนนรวม เฉลี่ย"] == 332.5
    shares = {r["กลุ่ม"]: r for r in as_dicts(tmp_path / "r.xlsx", "การกระจายตามกลุ่ม")}
    assert shares["รวม"]["ดีมาก (ร้อยละ)"] == 33.33 and shares["รวม"]["ดีมาก (จำนวน)"] == 1

    # The executive summary: the same data as the JSON's executive.
    summary = data["executive"]
    assert summary["title"].endswith("ปีงบประมาณ พ.ศ. 2567 รอบ 12 เดือน")
    assert summary["offices"] == {"expected": 3, "scored": 3, "provisional": 0, "missing": 0}
    assert summary["means"][0] == {
        "scope": "ทั้งประเทศ", "count": 3,
        "mean": {"overall": 377.2222, "pmqa": 422.2222, "results": 322.2222},
        "change": {"overall": 7.25, "pmqa": 25.0, "results": -14.4445}, "both_count": 2,
    }  # fmt: skip
    assert [o["code"] for o in summary["top"]] == ["S001", "P001", "P002"]
    assert [o["code"] for o in summary["most_improved"]] == ["P001"]
    assert [i["id"] for i in summary["lowest_issues"]] == ["I2", "I1"]
    # K5 250, K6 300, then K1-K4 tie at 333.3333: the rubric's order decides.
    assert [(i["id"], i["mean"]) for i in summary["lowest_indicators"]] == [
        ("K5", 250.0), ("K6", 300.0), ("K1", 333.3333)]  # fmt: skip
    assert summary["bands"]["สพม."]["ดีเยี่ยม"] == {"count": 1, "percent": 100.0}
    sheet_rows = rows(tmp_path / "r.xlsx", "สรุปสำหรับผู้บริหาร")
    cells = [c for r in sheet_rows for c in r if c is not None]
    assert summary["title"] in cells and "เทียบกับผลการประเมิน 2566" in " ".join(
        c for c in cells if isinstance(c, str)
    )
    national_row = next(r for r in sheet_rows if r[0] == "ทั้งประเทศ")
    assert [c for c in national_row if c is not None] == [
        "ทั้งประเทศ", 3, 377.2222, 7.25, 422.2222, 25, 322.2222, -14.4445]  # fmt: skip
    assert "เทียบเฉพาะ 2 หน่วยงานที่มีผลทั้งสองครั้ง" in " ".join(c for c in cells if isinstance(c, str))
    band_row = next(r for r in sheet_rows if r[0] == "ดีมาก")
    assert [c for c in band_row if c is not None] == ["ดีมาก", 50, 0, 33.33]
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "สรุปสำหรับผู้บริหาร"


def test_english_headers_and_a_label_option_give_the_same_comparison(
    tmp_path: Path, three: list[Path]
) -> None:
    previous = tmp_path / "last-year.csv"
    previous.write_text(PREVIOUS_EN, encoding="utf-8")
    result = run_batch(tmp_path, "--previous", str(previous), "--previous-label", "2566")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (earlier,) = data["comparison"]["previous"]
    assert earlier["label"] == "2566"
    means = {m["key"]: m["change"] for m in earlier["means"]}
    assert (means["results"], means["I2"], means["K1"]) == (-14.4445, 75.0, 75.0)


def test_an_xlsx_table_typed_by_hand_is_read_with_its_cells(tmp_path: Path, mini: Rubric) -> None:
    rubric, _ = check_rubric(yaml.safe_load(renamed_rubric(tmp_path).read_text("utf-8")))
    assert rubric is not None
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "ผลปี 2566"
    ws.append(["ผลการประเมินปีงบประมาณ 2566"])  # a title row above the header
    ws.append(["ลำดับ", "รหัสหน่วยงาน", "คะแนนรวม", "หมายเหตุ"])
    ws.append([1, "P001", "๔๐๐", "เดิม"])  # Thai digits as text
    ws.append([2, "P002", " 1,250.5 ", None])  # a thousands separator and spaces: out of range
    ws.append([3, "S001", 300.25, None])
    path = tmp_path / "previous.xlsx"
    wb.save(path)
    snapshot = load_result(path, rubric, label="2566")
    assert snapshot.label == "2566"
    assert snapshot.offices["P001"].overall == Decimal("400")
    assert snapshot.offices["S001"].overall == Decimal("300.25")
    assert snapshot.offices["P002"].overall is None
    (finding,) = snapshot.findings
    assert (finding.code, finding.sheet, finding.cell) == (
        "previous-out-of-range",
        "ผลปี 2566",
        "C4",
    )
    assert "แถว 4 คอลัมน์ C" in finding.message_th and "Row 4, column C" in finding.message_en


def _results_json(tmp_path: Path, offices: list[Any]) -> Path:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps({"pmqa_version": "0.1.0", "label": "2566", "offices": offices}), "utf-8"
    )
    return path


def _office(code: str, overall: Any, kind: str = "primary", **items: float) -> dict[str, Any]:
    return {
        "readable": True, "scored": True,
        "office": {"code": code, "name": code, "type": kind},
        "parts": {"pmqa": overall, "results": overall}, "overall": {"score": overall},
        "issues": [{"id": k, "score": v} for k, v in items.items()],
    }  # fmt: skip


MALFORMED: dict[str, tuple[bytes, str, str | None]] = {
    # name: (file bytes, finding code, cell)
    "not json": (b'{"offices": [', "previous-unreadable", None),
    "json without offices": (b'{"results": []}', "previous-unreadable", None),
    "empty csv": (b"", "previous-unreadable", None),
    "no code column": ("ชื่อ,คะแนนรวม\nก,300\n".encode(), "previous-no-column", "A1"),
    "no overall column": ("รหัส,ชื่อ\nP001,ก\n".encode(), "previous-no-column", "A1"),
    "text in a score": ("รหัส,คะแนนรวม\nP001,สามร้อย\n".encode(), "previous-not-number", "B2"),
    "score above 500": ("รหัส,คะแนนรวม\nP001,501\n".encode(), "previous-out-of-range", "B2"),
    "a fraction typed as percent": (b"code;overall\nP001;85%\nP002;x\n",
                                    "previous-not-number", "B3"),
    "scores without a code": ("รหัส,คะแนนรวม\n,300\n".encode(), "previous-code-missing", "A2"),
    "a code twice": ("รหัส,คะแนนรวม\nP001,300\nP001,310\n".encode(),
                     "previous-code-duplicate", "A3"),
    "an unknown column": ("รหัส,คะแนนรวม,PMZ\nP001,300,1\n".encode(),
                          "previous-unknown-column", "C1"),
    "legacy xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "previous-unreadable", None),
    "a broken zip": (b"PK\x03\x04garbage", "previous-unreadable", None),
    "binary junk": (bytes(range(256)) * 4, "previous-unreadable", None),
}  # fmt: skip


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_previous_file_gives_findings_never_a_traceback(
    tmp_path: Path, three: list[Path], name: str
) -> None:
    content, code, cell = MALFORMED[name]
    previous = tmp_path / "previous.csv"
    previous.write_bytes(content)
    result = run_batch(tmp_path, "--previous", str(previous))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    severity = "warning" if code == "previous-unknown-column" else "error"
    assert result.exit_code == (0 if severity == "warning" else 1), result.output
    assert code in result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    findings = data["comparison"]["previous"][0]["findings"]
    assert [f["code"] for f in findings][:1] == [code]
    assert findings[0]["cell"] == cell and findings[0]["severity"] == severity
    listed = as_dicts(tmp_path / "r.xlsx", "ปัญหาที่พบ")
    assert any(r["รหัสปัญหา"] == code and r["ไฟล์"] == "previous.csv" for r in listed)


def test_json_values_that_are_not_scores_are_findings_with_their_path(
    tmp_path: Path, mini: Rubric
) -> None:
    path = _results_json(
        tmp_path, [_office("P001", 300.5, I1=400), _office("P002", "สามร้อย"), "junk",
                   _office("P001", 1)]
    )  # fmt: skip
    snapshot = load_result(path, mini)
    assert snapshot.label == "2566" and snapshot.offices["P001"].items == {"I1": Decimal("400")}
    assert [(f.code, f.cell) for f in snapshot.findings] == [
        ("previous-json-invalid", "offices[1].overall.score"),
        ("previous-json-invalid", "offices[1].parts.pmqa"),
        ("previous-json-invalid", "offices[1].parts.results"),
        ("previous-json-invalid", "offices[2]"),
        ("previous-json-invalid", "offices[3].office.code"),
    ]
    # Ranks missing from an edited file are computed as pmqa would.
    assert snapshot.offices["P001"].rank == 1 and snapshot.offices["P002"].rank is None


def test_without_previous_nothing_about_comparison_appears(
    tmp_path: Path, three: list[Path]
) -> None:
    result = run_batch(tmp_path)
    assert result.exit_code == 0, result.output
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("r.xlsx", "r.json"):
        (tmp_path / name).rename(plain / name)
    data = json.loads((plain / "r.json").read_text(encoding="utf-8"))
    assert "comparison" not in data
    assert {"previous", "most_improved"}.isdisjoint(data["executive"])
    assert all("change" not in m for m in data["executive"]["means"])
    names = openpyxl.load_workbook(plain / "r.xlsx").sheetnames
    assert names == [
        "สรุปสำหรับผู้บริหาร", "แผนที่", "สรุปผล", "PMQA 4.0", "ตัวชี้วัด", "สถิติ", "จำนวนหน่วยงาน",
        "กราฟ",
        "สถิติตามกลุ่ม", "การกระจายตามกลุ่ม", "อันดับสูงต่ำ", "ปัญหาที่พบ", "ไม่ได้ส่ง", "ส่งซ้ำ", "เกี่ยวกับ",
        "ข้อมูลนำเข้า",
    ]  # fmt: skip
    text = json.dumps(rows(plain / "r.xlsx", "สรุปสำหรับผู้บริหาร"), ensure_ascii=False)
    for word in ("เทียบ", "เปลี่ยนแปลง", "พัฒนาขึ้น"):
        assert word not in text
    assert sorted(p.name for p in (tmp_path / "csv").iterdir() if "comparison" in p.name) == []
    # With a previous result, every other sheet is exactly as it was.
    previous = tmp_path / "fy2566.csv"
    previous.write_text(PREVIOUS_TH, encoding="utf-8")
    assert run_batch(tmp_path, "--previous", str(previous)).exit_code == 0
    for sheet in ("สรุปผล", "PMQA 4.0", "ตัวชี้วัด", "สถิติ", "สถิติตามกลุ่ม", "อันดับสูงต่ำ",
                  "ปัญหาที่พบ", "ไม่ได้ส่ง"):  # fmt: skip
        assert rows(tmp_path / "r.xlsx", sheet) == rows(plain / "r.xlsx", sheet), sheet
    compared = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for key in ("offices", "statistics", "distribution", "findings", "breakdowns"):
        assert compared[key] == data[key], key


def test_compare_two_result_files_without_rescoring(tmp_path: Path, three: list[Path]) -> None:
    assert run_batch(tmp_path, "--round", "6 เดือน").exit_code == 0
    six = tmp_path / "six-months.json"
    (tmp_path / "r.json").rename(six)
    old = _results_json(tmp_path, [_office("P001", 400.0, I1=450), _office("X001", 100.0)])
    out = tmp_path / "comparison.xlsx"
    result = runner.invoke(
        app, ["compare", str(old), str(six), "-o", str(out), "--json", str(tmp_path / "c.json"),
              "--rubric", str(renamed_rubric(tmp_path))],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2567 รอบ 6 เดือน compared with 2566" in result.output
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    assert data["label"] == "2567 รอบ 6 เดือน"
    (earlier,) = data["previous"]
    assert earlier["only_previous"] == ["X001"] and earlier["only_current"] == ["P002", "S001"]
    office = {o["code"]: o for o in earlier["offices"]}["P001"]
    assert office["change"]["overall"] == 25.0 and office["rank_change"] == -1
    assert openpyxl.load_workbook(out).sheetnames == [
        "เทียบรายหน่วยงาน", "พัฒนาการ", "เทียบค่าเฉลี่ย", "เทียบรายการ", "มีผลรอบเดียว",
        "ปัญหาที่พบ", "เกี่ยวกับ",
    ]  # fmt: skip
    items = as_dicts(out, "เทียบรายการ")
    assert [(r["รหัส"], r["รายการ"], r["เปลี่ยนแปลง"]) for r in items] == [("P001", "I1", 50)]
    # Wider than a page: every printed page of the offices' table names whose row it is.
    offices = openpyxl.load_workbook(out)["เทียบรายหน่วยงาน"]
    assert (offices.print_title_cols, offices.print_title_rows) == ("$A:$B", "$1:$1")
    # Printed as every pmqa workbook is: A4, with the title and the fiscal year on every page.
    for ws in openpyxl.load_workbook(out).worksheets:
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.oddHeader is not None and ws.oddFooter is not None
        header = ws.oddHeader.left.text or ""
        assert header.startswith("เปรียบเทียบผลการประเมิน: " + ws.title), ws.title
        assert "ปีงบประมาณ พ.ศ." in (ws.oddHeader.right.text or "")
        assert "หน้า &P จาก &N" in (ws.oddFooter.right.text or "")


def test_a_results_workbook_compares_item_by_item_as_its_json_does(
    tmp_path: Path, three: list[Path]
) -> None:
    """An earlier results.xlsx gives each office's issue and indicator scores from its PMQA 4.0
    and ตัวชี้วัด sheets (their status and value columns recognised), not only the overall:
    compared with the same round's JSON, every item is matched and unchanged, with no finding."""
    assert run_batch(tmp_path).exit_code == 0
    args = ["compare", str(tmp_path / "r.xlsx"), str(tmp_path / "r.json"), "-o",
            str(tmp_path / "c.xlsx"), "--json", str(tmp_path / "c.json"), "--old-label", "xlsx",
            "--new-label", "json", "--rubric", str(renamed_rubric(tmp_path))]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    (earlier,) = data["previous"]
    assert earlier["unmatched_items"] == [] and earlier["findings"] == []
    items = [i for o in earlier["offices"] for i in o["items"]]
    ids = {i["id"] for i in items}
    assert {"I1", "K1"} <= ids, ids  # an issue (PMQA 4.0 sheet) and an indicator (ตัวชี้วัด)
    assert all(i["change"] == 0 and i["previous"] == i["current"] for i in items)


def test_two_results_given_the_wrong_way_round_are_named_never_swapped(
    tmp_path: Path, three: list[Path]
) -> None:
    """2567's results given as OLD and 2566's as NEW: the changes are computed as asked (2566
    minus 2567: pmqa does not guess) with a warning that names both years and the fix; the
    right order has none."""
    assert run_batch(tmp_path).exit_code == 0
    new = tmp_path / "r.json"
    old = _results_json(tmp_path, [_office("P001", 400.0, I1=450)])
    document = json.loads(old.read_text(encoding="utf-8"))
    old.write_text(json.dumps({**document, "fiscal_year": 2566}), "utf-8")  # as pmqa writes it
    args = ["--lang", "en", "compare", "-o", str(tmp_path / "c.xlsx"), "--force", "--json",
            str(tmp_path / "c.json"), "--rubric", str(renamed_rubric(tmp_path))]  # fmt: skip
    swapped = runner.invoke(app, [*args, str(new), str(old)])
    assert swapped.exit_code == 0, swapped.output
    said = " ".join(swapped.output.split())
    assert "compare-order-reversed" in said and "2566 compared with 2567" in said
    assert "r.json (fiscal year 2567), is later than the newer one" in said
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["comparison"]
    office = {o["code"]: o for o in data["previous"][0]["offices"]}["P001"]
    assert office["change"]["overall"] == -25.0  # as asked: 400 (2566) minus 425 (2567)
    right = runner.invoke(app, [*args, str(old), str(new)])
    assert right.exit_code == 0 and "compare-order-reversed" not in right.output


def test_compare_refuses_to_overwrite_an_input_and_reports_bad_files(
    tmp_path: Path, mini: Rubric
) -> None:
    old = _results_json(tmp_path, [_office("P001", 400.0)])
    new = tmp_path / "new.csv"
    new.write_text("รหัส,คะแนนรวม\nP001,สี่ร้อย\n", encoding="utf-8")
    same = runner.invoke(app, ["compare", str(old), str(new), "-o", str(old)])
    assert same.exit_code == 2
    result = runner.invoke(
        app, ["compare", str(old), str(new), "-o", str(tmp_path / "c.xlsx"), "-r", str(MINI_RUBRIC)]
    )
    assert result.exit_code == 1, result.output
    assert "previous-not-number" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_previous_label_count_must_match(tmp_path: Path, three: list[Path]) -> None:
    previous = tmp_path / "p.csv"
    previous.write_text(PREVIOUS_TH, encoding="utf-8")
    result = run_batch(
        tmp_path, "--previous", str(previous), "--previous-label", "a", "--previous-label", "b"
    )
    assert result.exit_code == 2 and "--previous-label" in result.output


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["issues"][0].update(previous_ids=["I2"]), "another item"),
        (
            lambda d: (
                d["issues"][0].update(previous_ids=["OLD"]),
                d["indicators"][0].update(previous_ids=["OLD"]),
            ),
            "already a previous id",
        ),
    ],
)
def test_rubric_previous_ids_must_each_lead_to_one_item(edit: Any, message: str) -> None:
    data = yaml.safe_load(MINI_RUBRIC.read_text(encoding="utf-8"))
    edit(data)
    rubric, problems = check_rubric(data)
    assert rubric is None
    assert any(message in p.message and "previous_ids" in p.path for p in problems)


def test_an_earlier_result_in_the_submissions_folder_is_not_scored(
    tmp_path: Path, three: list[Path]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.append(["รหัส", "คะแนนรวม"])
    ws.append(["P001", 410])
    previous = tmp_path / "subs" / "fy2566.xlsx"
    wb.save(previous)
    result = run_batch(tmp_path, "--previous", str(previous))
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [o["office"]["code"] for o in data["offices"]] == ["P001", "P002", "S001"]
    assert data["skipped"] == [str(previous)]
    (earlier,) = data["comparison"]["previous"]
    assert {o["code"]: o["change"]["overall"] for o in earlier["offices"]}["P001"] == 15.0


def test_the_executive_band_chart_draws_the_percentages_on_its_sheet(
    tmp_path: Path, three: list[Path]
) -> None:
    import re
    import zipfile

    assert run_batch(tmp_path).exit_code == 0
    book = tmp_path / "r.xlsx"
    with zipfile.ZipFile(book) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist()) if "charts/chart" in n]
    # The summary's own chart comes first; the กราฟ sheet's band chart reads the same cells.
    chart = charts[0]
    assert "สรุปสำหรับผู้บริหาร" in chart and "สรุปสำหรับผู้บริหาร" in charts[1]
    refs = re.findall(
        r"<c:f>'?สรุปสำหรับผู้บริหาร'?!\$([A-Z])\$(\d+)(?::\$([A-Z])\$(\d+))?</c:f>", chart
    )
    sheet = rows(book, "สรุปสำหรับผู้บริหาร")

    def cells(ref: tuple[str, ...]) -> list[Any]:
        c1, r1, _, r2 = ref
        col = ord(c1) - ord("A")
        return [sheet[r - 1][col] for r in range(int(r1), int(r2 or r1) + 1)]

    # Per series (สพป., สพม., รวม): its name, the band labels, the percentages of that type.
    assert [cells(refs[n])[0] for n in (0, 3, 6)] == ["สพป.", "สพม.", "รวม"]
    assert cells(refs[1]) == ["ต้องปรับปรุง", "พอใช้", "ดี", "ดีมาก", "ดีเยี่ยม"]
    assert cells(refs[2]) == [50, 0, 0, 50, 0]
    assert cells(refs[5]) == [0, 0, 0, 0, 100]
    assert cells(refs[8]) == [33.33, 0, 0, 33.33, 33.33]


def test_every_previous_result_code_is_triggered_here() -> None:
    from pmqa_cli.core.findings import CATALOGUE

    triggered = {code for _, code, _ in MALFORMED.values()} | {"previous-json-invalid"}
    assert triggered == {code for code in CATALOGUE if code.startswith("previous-")}


def _half_up(value: Fraction, places: int = 4) -> Fraction:
    """Half-up rounding away from zero, written here apart from pmqa's own."""
    scaled = abs(value) * 10**places
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if value >= 0 else -whole, 10**places)


def _store_text(path: Path, old: str, new: str) -> dict[str, str]:
    """Make the first sheet's cells that store ``old`` store ``new`` instead (as Excel writes
    =0.1+0.2: "0.30000000000000004", where openpyxl would write "0.3"); the text each cell then
    stores: ref -> <v> text."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode("utf-8").replace(f"<v>{old}</v>", f"<v>{new}</v>")
    parts[sheet] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return dict(re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*>(?:<f>[^<]*</f>)?<v>([^<]*)</v>', xml))


def test_previous_scores_are_the_decimals_of_their_text_never_a_float(
    tmp_path: Path, three: list[Path], mini: Rubric
) -> None:
    """CSV text, an XLSX number cell (0.1 + 0.2 as stored), an XLSX text cell and JSON number
    text each reach the comparison as the Decimal of their digits: a float would turn
    100.00005000000000001 into 100.00005 and the change 139.99994999.. into 140.0000."""
    exact_csv = tmp_path / "fy2565.csv"
    exact_csv.write_text(
        "รหัส,คะแนนรวม,ปีงบประมาณ\nP001,87.1234567890123456,2565\nP002,100.00005000000000001,2565\n",
        encoding="utf-8",
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.append(["code", "overall", "label"])
    ws.append(["P001", 0.25, "xlsx"])  # made to store 0.30000000000000004 below
    ws.append(["P002", "100.00005000000000001", "xlsx"])  # a number kept as text
    exact_xlsx = tmp_path / "previous.xlsx"
    wb.save(exact_xlsx)
    stored = _store_text(exact_xlsx, "0.25", repr(0.1 + 0.2))
    assert stored["B2"] == "0.30000000000000004"
    text = (
        json.dumps({"label": "json", "offices": [_office("P001", "@A"), _office("P002", "@B")]})
        .replace('"@A"', "87.1234567890123456")
        .replace('"@B"', "100.00005000000000001")
    )
    exact_json = tmp_path / "previous.json"
    exact_json.write_text(text, encoding="utf-8")
    given = {
        "2565": (Fraction("87.1234567890123456"), Fraction("100.00005000000000001")),
        "xlsx": (Fraction(stored["B2"]), Fraction("100.00005000000000001")),
        "json": (Fraction("87.1234567890123456"), Fraction("100.00005000000000001")),
    }
    for path, label in ((exact_csv, "2565"), (exact_xlsx, "xlsx"), (exact_json, "json")):
        snapshot = load_result(path, mini)
        assert snapshot.findings == [], label
        read = [snapshot.offices[code].overall for code in ("P001", "P002")]
        assert [Fraction(v) for v in read if v is not None] == list(given[label]), label

    previous = [str(p) for path in (exact_csv, exact_xlsx, exact_json)
                for p in ("--previous", path)]  # fmt: skip
    result = run_batch(tmp_path, *previous)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["comparison"]
    current = {"P001": Fraction(425), "P002": Fraction(240), "S001": Fraction(1400, 3)}
    current_mean = sum(current.values(), Fraction(0)) / 3
    for earlier in report["previous"]:
        a, b = given[earlier["label"]]
        offices = {o["code"]: o for o in earlier["offices"]}
        for code, then in (("P001", a), ("P002", b)):
            change = Fraction(str(offices[code]["change"]["overall"]))
            assert change == _half_up(current[code] - then), (earlier["label"], code)
        # The national change is over the offices in both rounds (P001, P002; S001 is new):
        # the exact mean of their changes, rounded once; each round's own mean is plain.
        means = {m["key"]: m for m in earlier["means"]}
        change = Fraction(str(means["overall"]["change"]))
        both = (current["P001"] - a + current["P002"] - b) / 2
        assert change == _half_up(both), earlier["label"]
        assert Fraction(str(means["overall"]["current_mean"])) == _half_up(current_mean)
    p002 = {e["label"]: {o["code"]: o for o in e["offices"]}["P002"] for e in report["previous"]}
    assert {label: o["change"]["overall"] for label, o in p002.items()} == {
        "2565": 139.9999, "xlsx": 139.9999, "json": 139.9999}  # fmt: skip
    assert p002["json"]["previous"]["overall"] == 100.0001  # shown rounded half-up once
    # The workbook and the CSV show the same rounded numbers, never a float's display.
    sheet = {r["รหัส"]: r for r in as_dicts(tmp_path / "r.xlsx", "เทียบรายหน่วยงาน")}
    for label in ("2565", "xlsx", "json"):
        assert sheet["P002"][f"คะแนนรวม เปลี่ยนแปลงจาก {label}"] == 139.9999, label
        assert sheet["P002"][f"คะแนนรวม {label}"] == 100.0001, label
    assert sheet["P001"]["คะแนนรวม 2565"] == 87.1235
    with (tmp_path / "csv" / "comparison.csv").open(encoding="utf-8-sig") as handle:
        table = {r["รหัส"]: r for r in csv.DictReader(handle)}
    assert table["P002"]["คะแนนรวม เปลี่ยนแปลงจาก json"] == "139.9999"
    assert table["P001"]["คะแนนรวม 2565"] == "87.1235"
    # pmqa compare, from the table to this round's JSON: the same exact change.
    compared = runner.invoke(
        app, ["compare", str(exact_csv), str(tmp_path / "r.json"), "-o", str(tmp_path / "c.xlsx"),
              "--json", str(tmp_path / "c.json"), "--rubric", str(renamed_rubric(tmp_path))],
    )  # fmt: skip
    assert compared.exit_code == 0, compared.output
    (earlier,) = json.loads((tmp_path / "c.json").read_text("utf-8"))["comparison"]["previous"]
    changes = {o["code"]: o["change"]["overall"] for o in earlier["offices"]}
    assert (
        Fraction(str(changes["P002"])) == _half_up(240 - given["2565"][1]) == Fraction("139.9999")
    )
    assert Fraction(str(changes["P001"])) == _half_up(425 - given["2565"][0])
