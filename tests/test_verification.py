"""Verification layers: review verdicts, central data and corrections over an office's answers.

The hand-computed case (mini rubric, office P001, primary):

Claims: C1-C8 met, C9 not met; K1 35, K2 3, K3 4 steps, K4 pass, K5 2.5 (K6 is secondary-only).
Self-assessed: I1 = 500, I2 = 400, pmqa = 1400/3 = 466.6667; indicators 350, 300, 400 (x2), 500,
250, results = 2200/6 = 366.6667; overall = (55 x 1400/3 + 45 x 2200/6) / 100 = 421.6667.

Layers: the committee rejects C4 (so I1's advance tier is incomplete and significance is gated:
I1 = 300 + 50 = 350) and sets K1 to 25 (250); central data gives K2 = 4 for P001 (200; the
office said 3: a finding) and K2 = 2 for P002; a correction sets K5 to 3.5 (350).
Verified: pmqa = 1100/3 = 366.6667, results = 2100/6 = 350, overall = 107750/300 = 359.1667,
difference -62.5. Effects of each change alone: C4 -55, K1 -7.5, K2 -7.5, K5 +7.5.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from pmqa_cli.assess.answers import Answers, IndicatorAnswer
from pmqa_cli.assess.scoring import score_answers
from pmqa_cli.assess.submission import OfficeInfo
from pmqa_cli.assess.trace import Layer, Verdict, self_traces
from pmqa_cli.rubric.model import OfficeType, Rubric
from pmqa_cli.verify.apply import Layers, verify_office
from pmqa_cli.verify.inputs import Verification, load_verification

from .builders import (
    MINI_RUBRIC,
    Filled,
    SubmissionFactory,
    complete,
    hand_case_submission,
    write,
)

CLAIMS = Answers(
    OfficeType.PRIMARY,
    {f"C{n}": True for n in range(1, 9)} | {"C9": False},
    {
        "K1": IndicatorAnswer(35.0),
        "K2": IndicatorAnswer(3.0),
        "K3": IndicatorAnswer(4.0),
        "K4": IndicatorAnswer(1.0),
        "K5": IndicatorAnswer(2.5),
    },
)
TYPES = {"P001": OfficeType.PRIMARY, "P002": OfficeType.PRIMARY, "S001": OfficeType.SECONDARY}


@pytest.fixture
def layers(tmp_path: Path) -> dict[str, list[Path]]:
    review = write(
        tmp_path / "review.csv",
        "รหัสหน่วยงาน,รหัสรายการ,ผลการตรวจ,ค่าที่ตรวจสอบแล้ว,ความเห็นกรรมการ,ผู้ตรวจ\n"
        "P001,C1,ยืนยัน,,,นางสาวก\n"
        "P001,C4,ไม่ยืนยัน,,ไม่พบหลักฐานการทบทวนแผน,นางสาวก\n"
        "P001,K1,ไม่ยืนยัน,25,คำนวณจากฐานข้อมูลใหม่,นายข\n",
    )
    data = write(
        tmp_path / "ระบบติดตาม.csv",
        "office_code,KPI-unknown-col,K2\nP001,,4\nP002,,2\n",
    )
    corrections = write(
        tmp_path / "corrections.csv",
        "office,item,value,reason,by\nP001,K5,3.5,พิมพ์ผิด (ต้นฉบับ 3.5),นายค\n",
    )
    return {"reviews": [review], "data": [data], "corrections": [corrections]}


def test_hand_computed_case_all_four_layers(mini: Rubric, layers: dict[str, list[Path]]) -> None:
    verification = load_verification(
        mini, reviews=layers["reviews"], data=layers["data"], corrections=layers["corrections"]
    )
    assert verification.findings == []
    verification.check_offices(TYPES, mini)
    assert verification.findings == []
    self_result = score_answers(mini, CLAIMS)
    assert self_result.overall == Decimal("421.6667")
    office = verify_office(mini, CLAIMS, "P001", verification)
    v = score_answers(mini, office.answers)
    assert [i.score for i in v.issues] == [350, 400]
    assert v.pmqa.score == Decimal("366.6667")
    assert [i.score for i in v.indicators] == [250, 200, 400, 500, 350, 0]
    assert v.results.score == 350
    assert v.overall == Decimal("359.1667")
    now, claimed = v.overall, self_result.overall
    assert now is not None and claimed is not None and now - claimed == Decimal("-62.5")
    assert v.band is not None and v.band.label_en == "Good"
    changes = {c.item: c for c in office.changes}
    assert {k: (c.layer, c.before_shown, c.after_shown, c.effect) for k, c in changes.items()} == {
        "C4": (Layer.REVIEW, "ผ่าน", "ไม่ผ่าน", Decimal("-55")),
        "K1": (Layer.REVIEW, "35", "25", Decimal("-7.5")),
        "K2": (Layer.DATA, "3", "4", Decimal("-7.5")),
        "K5": (Layer.CORRECTION, "2.5", "3.5", Decimal("7.5")),
    }
    assert changes["K2"].source == "ระบบติดตาม"
    assert changes["K5"].reason.startswith("พิมพ์ผิด") and changes["K5"].person == "นายค"
    assert changes["C4"].origin.row == 3 and changes["C4"].origin.cell == "C3"
    assert changes["K1"].origin.cell == "D4" and len(changes["K1"].origin.sha256) == 64
    items = office.items
    assert items["C1"].source is Layer.REVIEW and items["C1"].verdict is Verdict.CONFIRMED
    assert items["C2"].source is Layer.SELF and items["C2"].reviewed is False
    assert items["C4"].comment == "ไม่พบหลักฐานการทบทวนแผน"
    assert items["K6"].reviewed is None  # does not apply to a primary office
    # 9 criteria + 5 indicators that apply, 3 reviewed
    assert office.unreviewed == 11
    codes = [f.code for f in office.findings]
    assert codes == ["data-differs", "review-incomplete"]
    differs = office.findings[0]
    assert "4" in differs.message_en and "3" in differs.message_en
    assert differs.cell == "C2" and differs.item_id == "K2"


def test_without_layers_verified_is_self(mini: Rubric) -> None:
    office = OfficeInfo(code="P001", type=OfficeType.PRIMARY)
    assert Layers(Verification()).verify(mini, CLAIMS, office, lambda _: (None, None)) is None
    traces = self_traces(mini, CLAIMS)
    assert all(t.source is Layer.SELF and t.reviewed is None for t in traces.values())
    assert all(t.claim == t.final for t in traces.values())


def test_precedence_review_over_data_over_correction(mini: Rubric, tmp_path: Path) -> None:
    correction = write(tmp_path / "c.csv", "office,item,value,reason,by\nP001,K1,30,x,a\n")
    data = write(tmp_path / "d.csv", "office,item,value\nP001,K1,40\n")
    review = write(tmp_path / "r.csv", "office,item,verdict,verified value,reviewer\n"
                   "P001,K1,ไม่ยืนยัน,45,b\n")  # fmt: skip
    verification = load_verification(mini, reviews=[review], data=[data], corrections=[correction])
    verification.check_offices(TYPES, mini)
    result = verify_office(mini, CLAIMS, "P001", verification)
    chain = [(c.layer, c.before_shown, c.after_shown) for c in result.changes]
    assert chain == [
        (Layer.CORRECTION, "35", "30"),
        (Layer.DATA, "30", "40"),
        (Layer.REVIEW, "40", "45"),
    ]
    assert result.items["K1"].final == IndicatorAnswer(45.0)
    assert result.items["K1"].source is Layer.REVIEW


def test_rejection_without_value_falls_back_to_data_or_removes_the_claim(
    mini: Rubric, tmp_path: Path
) -> None:
    data = write(tmp_path / "d.csv", "office,item,value\nP001,K1,20\n")
    review = write(tmp_path / "r.csv", "office,item,verdict,reviewer\n"
                   "P001,K1,ไม่ยืนยัน,b\nP001,K2,ไม่ยืนยัน,b\nP001,C9,ไม่ยืนยัน,b\n"
                   "P001,K3,ยืนยัน,b\n")  # fmt: skip
    verification = load_verification(mini, reviews=[review], data=[data])
    verification.check_offices(TYPES, mini)
    result = verify_office(mini, CLAIMS, "P001", verification)
    assert result.items["K1"].final == IndicatorAnswer(20.0)  # central data stands
    assert result.items["K1"].source is Layer.DATA
    assert result.items["K2"].final == IndicatorAnswer()  # no value: scores zero
    assert score_answers(mini, result.answers).indicators[1].score == 0
    assert result.items["C9"].final is True  # "not met" rejected: met
    assert result.items["K3"].final == IndicatorAnswer(4.0)
    assert result.items["K3"].source is Layer.REVIEW


def test_confirmed_claim_beats_central_data(mini: Rubric, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "office,item,value\nP001,K1,20\n")
    review = write(tmp_path / "r.csv", "office,item,verdict,reviewer\nP001,K1,ยืนยัน,b\n")
    verification = load_verification(mini, reviews=[review], data=[data])
    verification.check_offices(TYPES, mini)
    result = verify_office(mini, CLAIMS, "P001", verification)
    assert result.items["K1"].final == IndicatorAnswer(35.0)
    assert [c.layer for c in result.changes] == [Layer.DATA, Layer.REVIEW]
    assert result.findings[0].code == "data-differs"


def _codes(verification: object) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.cell, f.item_id) for f in verification.findings]  # type: ignore[attr-defined]


def test_bad_rows_are_reported_with_their_cell_and_not_applied(
    mini: Rubric, tmp_path: Path
) -> None:
    review = write(
        tmp_path / "r.csv",
        "รหัสหน่วยงาน,รหัสรายการ,ผลการตรวจ,ค่าที่ตรวจสอบแล้ว,ความเห็นกรรมการ,ผู้ตรวจ\n"
        "P001,C1,ok,,,ก\n"  # bad verdict
        "P001,K1,ไม่ยืนยัน,มาก,,ก\n"  # not a number
        "P001,X9,ยืนยัน,,,ก\n"  # unknown item
        "ZZZ,C2,ยืนยัน,,,ก\n"  # unknown office
        "P001,K6,ยืนยัน,,,ก\n"  # secondary-only indicator for a primary office
        "P001,C3,ยืนยัน,,,ก\n"  # conflicting duplicate ...
        "P001,C3,ไม่ยืนยัน,,,ข\n"  # ... of this row
        "P001,C5,ยืนยัน,,ดี,ก\n"  # an agreeing duplicate ...
        "P001,C5,ยืนยัน,,,ข\n"  # ... is fine
        "P001,K2,,150%,,ก\n"  # a value the rubric does not accept (over 100%? K2 is days)
        "P001,C6,ไม่ยืนยัน,,,\n",  # no reviewer: applied, with a warning
    )
    corrections = write(
        tmp_path / "c.csv",
        "office,item,value,reason,by\nP001,K5,3.5,,ค\nP001,C2,บางส่วน,เหตุผล,ค\nP001,K3,,x,ค\n",
    )
    data = write(tmp_path / "d.csv", "office,item,value\nP001,C1,1\n")
    verification = load_verification(mini, reviews=[review], corrections=[corrections], data=[data])
    verification.check_offices(TYPES, mini)
    found = _codes(verification)
    assert ("verify-verdict-invalid", "C2", "C1") in found
    assert ("verify-value-invalid", "D3", "K1") in found
    assert ("verify-item-unknown", "B4", "X9") in found
    assert ("verify-office-unknown", "A5", "C2") in found  # the code, not the verdict
    assert ("verify-not-applicable", "C6", "K6") in found
    assert ("verify-row-conflict", "C7", "C3") in found
    assert ("verify-row-conflict", "C8", "C3") in found
    assert ("verify-person-missing", "F12", "C6") in found
    assert ("verify-reason-missing", "D2", "K5") in found
    assert ("verify-value-invalid", "C3", "C2") in found
    assert ("verify-value-missing", "C4", "K3") in found
    assert ("verify-item-not-indicator", "B2", "C1") in found
    assert not any(f[0] == "verify-value-invalid" and f[2] == "K2" for f in found)  # 150 days ok
    applied = {(e.layer, e.item) for e in verification.entries}
    assert applied == {(Layer.REVIEW, "C5"), (Layer.REVIEW, "K2"), (Layer.REVIEW, "C6")}
    assert all(f.file and f.file.endswith(".csv") for f in verification.findings)


def test_out_of_range_value_is_refused(mini: Rubric, tmp_path: Path) -> None:
    data = write(tmp_path / "d.csv", "office,item,value\nP001,K1,120\nP001,K3,2.5\n")
    verification = load_verification(mini, data=[data])
    assert [(f.code, f.cell) for f in verification.findings] == [
        ("verify-value-invalid", "C2"),
        ("verify-value-invalid", "C3"),
    ]
    assert "100" in verification.findings[0].message_en
    assert verification.entries == []


def test_file_without_headers_and_unreadable_file(mini: Rubric, tmp_path: Path) -> None:
    junk = write(tmp_path / "junk.csv", "a,b,c\n1,2,3\n")
    missing = tmp_path / "nope.xlsx"
    verification = load_verification(mini, corrections=[junk], data=[missing])
    assert [f.code for f in verification.findings] == [
        "verify-file-unreadable",
        "verify-header-missing",
    ]


def test_wide_xlsx_data_with_percent_cells_and_source_column(mini: Rubric, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "ITA"
    ws.append(["ข้อมูลจากระบบ ITAS"])
    ws.append(["รหัสหน่วยงาน", "ชื่อ", "K1", "K2", "แหล่งข้อมูล"])
    ws.append(["P001", "สพป.ทดสอบ", 0.25, 4, "ITAS 2567"])
    ws["C3"].number_format = "0.00%"
    ws.append(["P002", "สพป.สอง", "ไม่มี", "2", ""])
    path = tmp_path / "central.xlsx"
    wb.save(path)
    verification = load_verification(mini, data=[path])
    assert verification.findings == []
    got = {(e.office, e.item): (e.answer, e.source, e.origin.sheet, e.origin.cell)
           for e in verification.entries}  # fmt: skip
    assert got == {
        ("P001", "K1"): (IndicatorAnswer(25.0), "ITAS 2567", "ITA", "C3"),
        ("P001", "K2"): (IndicatorAnswer(4.0), "ITAS 2567", "ITA", "D3"),
        ("P002", "K2"): (IndicatorAnswer(2.0), "central", "ITA", "D4"),
    }


def test_tolerance_per_indicator(mini: Rubric, tmp_path: Path) -> None:
    from pmqa_cli.verify.apply import differs

    k1 = mini.indicator("K1")
    assert differs(k1, IndicatorAnswer(35.00004), IndicatorAnswer(35.0), 4) is False
    assert differs(k1, IndicatorAnswer(35.0001), IndicatorAnswer(35.0), 4) is True
    loose = k1.model_copy(update={"tolerance": 0.5})
    assert differs(loose, IndicatorAnswer(35.5), IndicatorAnswer(35.0), 4) is False
    assert differs(loose, IndicatorAnswer(35.51), IndicatorAnswer(35.0), 4) is True
    assert differs(k1, IndicatorAnswer(35.0), IndicatorAnswer(), 4) is False  # nothing claimed
    assert differs(k1, IndicatorAnswer(35.0), IndicatorAnswer(None, True), 4) is True


# --- through the CLI ------------------------------------------------------------------------

import json  # noqa: E402

import openpyxl  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from pmqa_cli.cli.app import app  # noqa: E402

runner = CliRunner()


def layer_options(layers: dict[str, list[Path]]) -> list[str]:
    return [
        "--review", str(layers["reviews"][0]), "--data", str(layers["data"][0]),
        "--corrections", str(layers["corrections"][0]),
    ]  # fmt: skip


def test_score_json_carries_claims_final_values_sources_and_both_score_sets(
    mini: Rubric, make_submission: SubmissionFactory, layers: dict[str, list[Path]]
) -> None:
    path = hand_case_submission(mini, make_submission)
    args = ["score", str(path), "--rubric", str(MINI_RUBRIC), "--json"]
    result = runner.invoke(app, [*args, *layer_options(layers)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"]["score"] == 359.1667  # the official score is the verified one
    assert data["self_assessed"]["overall"] == 421.6667
    assert data["verified"]["overall"] == 359.1667
    assert data["difference"] == -62.5
    assert data["self_assessed"]["parts"] == {"pmqa": 466.6667, "results": 366.6667}
    assert data["verified"]["parts"] == {"pmqa": 366.6667, "results": 350.0}
    assert [i["score"] for i in data["self_assessed"]["issues"]] == [500, 400]
    assert [i["score"] for i in data["verified"]["issues"]] == [350, 400]
    c4 = data["issues"][0]["criteria"][3]
    assert (c4["id"], c4["claim"], c4["final"], c4["source"]) == ("C4", True, False, "review")
    assert c4["verdict"] == "rejected" and c4["comment"] == "ไม่พบหลักฐานการทบทวนแผน"
    c2 = data["issues"][0]["criteria"][1]
    assert (c2["claim"], c2["final"], c2["source"], c2["reviewed"]) == (True, True, "self", False)
    by_id = {i["id"]: i for i in data["indicators"]}
    assert [(by_id[k]["claim"], by_id[k]["final"], by_id[k]["source"], by_id[k]["score"])
            for k in ("K1", "K2", "K3", "K5")] == [
        (35, 25, "review", 250), (3, 4, "data", 200), (4, 4, "self", 400),
        (2.5, 3.5, "correction", 350),
    ]  # fmt: skip
    effects = {c["item"]: (c["source"], c["before"], c["after"], c["effect_on_overall"])
               for c in data["changes"]}  # fmt: skip
    assert effects == {
        "C4": ("review", "ผ่าน", "ไม่ผ่าน", -55.0),
        "K1": ("review", "35", "25", -7.5),
        "K2": ("data", "3", "4", -7.5),
        "K5": ("correction", "2.5", "3.5", 7.5),
    }
    k2 = next(c for c in data["changes"] if c["item"] == "K2")
    assert k2["file"].endswith("ระบบติดตาม.csv") and k2["row"] == 2 and k2["cell"] == "C2"
    codes = [f["code"] for f in data["findings"]]
    assert "data-differs" in codes and "review-incomplete" in codes


def test_score_without_layers_is_unchanged_and_verified_equals_self(
    mini: Rubric, make_submission: SubmissionFactory
) -> None:
    path = hand_case_submission(mini, make_submission)
    result = runner.invoke(app, ["score", str(path), "--rubric", str(MINI_RUBRIC), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"]["score"] == 421.6667
    assert data["self_assessed"] == data["verified"]
    assert data["difference"] == 0 and data["changes"] == []
    assert all(c["source"] == "self" and c["reviewed"] is None
               for i in data["issues"] for c in i["criteria"])  # fmt: skip


def test_score_with_a_bad_verification_row_exits_1_and_shows_the_change_table(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    path = hand_case_submission(mini, make_submission)
    corrections = write(tmp_path / "c.csv", "office,item,value,reason,by\n"
                        "P001,K5,3.5,พิมพ์ผิด,นายค\nP001,K1,abc,x,ค\n")  # fmt: skip
    args = ["score", str(path), "--rubric", str(MINI_RUBRIC), "--corrections", str(corrections)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "verify-value-invalid" in result.output
    assert "Self-assessed overall" in result.output and "correction" in result.output
    missing = runner.invoke(app, [*args[:4], "--data", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def _sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:]]


def _counts_rows(path: Path) -> list[list[object]]:
    """The rows of the counts sheet (bands, statuses, claims: tables with headers of their own)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in wb["จำนวนหน่วยงาน"].iter_rows(values_only=True)]


def _items(office: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every criterion and indicator of an office's JSON, by id."""
    items = {c["id"]: c for issue in office["issues"] for c in issue["criteria"]}
    return items | {i["id"]: i for i in office["indicators"]}


@pytest.fixture
def two_offices(mini: Rubric, make_submission: SubmissionFactory) -> list[Path]:
    from pmqa_cli.io.registry import Office

    first = hand_case_submission(mini, make_submission)
    other = complete(mini, Filled(Office("P002", "สพป.สอง", OfficeType.PRIMARY, "ทดสอบ")))
    return [first, make_submission(mini, other, name="P002.xlsx")]


def test_batch_hand_computed_case_number_by_number(
    tmp_path: Path, two_offices: list[Path], layers: dict[str, list[Path]]
) -> None:
    out, js = tmp_path / "results.xlsx", tmp_path / "results.json"
    args = ["batch", *map(str, two_offices), "-o", str(out), "--json", str(js), "-j", "1",
            "--rubric", str(MINI_RUBRIC), "--feedback", str(tmp_path / "fb"),
            "--csv", str(tmp_path / "csv")]  # fmt: skip
    result = runner.invoke(app, [*args, *layer_options(layers)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Verified with 3 file(s): 5 value(s) replaced in 2 office(s)" in said
    summary = {r["รหัส"]: r for r in _sheet_rows(out, "สรุปผล")}
    p1, p2 = summary["P001"], summary["P002"]
    assert (p1["คะแนนรวม"], p1["คะแนนรวมที่ประเมินตนเอง"]) == (359.1667, 421.6667)
    assert p1["ผลต่าง (ตรวจสอบ - ตนเอง)"] == -62.5
    # P002 claimed K2 = 3 (300); the central data says 2 (350): it under-claimed by 7.5.
    assert (p2["คะแนนรวม"], p2["คะแนนรวมที่ประเมินตนเอง"], p2["ผลต่าง (ตรวจสอบ - ตนเอง)"]) == (
        432.5, 425, 7.5)  # fmt: skip
    # Ranks use the verified scores: P001 claimed more than P002 but is second.
    assert (p1["อันดับ"], p2["อันดับ"]) == (2, 1)
    assert (p1["คะแนนหมวด 1-6"], p1["คะแนนหมวด 7"]) == (366.6667, 350)
    changes = [(c["รหัส"], c["รายการ"], c["ที่มาของค่าใหม่"], c["ค่าเดิม"], c["ค่าใหม่"],
                c["ผลต่อคะแนนรวม"]) for c in _sheet_rows(out, "การตรวจสอบ")]  # fmt: skip
    assert changes == [
        ("P001", "C4", "คณะกรรมการ", "ผ่าน", "ไม่ผ่าน", -55),
        ("P001", "K1", "คณะกรรมการ", "35", "25", -7.5),
        ("P001", "K2", "ข้อมูลส่วนกลาง", "3", "4", -7.5),
        ("P001", "K5", "การแก้ไขข้อมูล", "2.5", "3.5", 7.5),
        ("P002", "K2", "ข้อมูลส่วนกลาง", "3", "2", 7.5),
    ]
    change = _sheet_rows(out, "การตรวจสอบ")[3]
    assert change["เหตุผล"] == "พิมพ์ผิด (ต้นฉบับ 3.5)" and change["ผู้ตรวจ/ผู้แก้ไข"] == "นายค"
    assert change["ไฟล์"] == "corrections.csv" and change["แถว"] == 2 and change["เซลล์"] == "C2"
    assert len(str(change["SHA-256 ของไฟล์"])) == 64
    k1 = _sheet_rows(out, "การตรวจสอบ")[1]
    assert k1["เหตุผล"] == "คำนวณจากฐานข้อมูลใหม่" and k1["ผู้ตรวจ/ผู้แก้ไข"] == "นายข"
    # The same table as CSV.
    csv_rows = (tmp_path / "csv" / "changes.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == 6
    assert csv_rows[1].startswith(
        "P001,สพป.ทดสอบ เขต 1,C4,คณะกรรมการ,ผ่าน,ไม่ผ่าน,-55.0000,ไม่พบหลักฐาน"
    )
    data = json.loads(js.read_text(encoding="utf-8"))
    by_key = {c["key"]: c for c in data["claims"]}
    # Overall: mean of -62.5 and +7.5 = -27.5; claims not confirmed: C4 and K1.
    assert by_key["overall"] == {"key": "overall", "label": "คะแนนรวม", "rejected": 2,
                                 "lower": 1, "higher": 1, "mean_difference": -27.5}  # fmt: skip
    assert (by_key["I1"]["rejected"], by_key["I1"]["lower"], by_key["I1"]["mean_difference"]) == (
        1, 1, -75)  # fmt: skip
    assert (by_key["K1"]["rejected"], by_key["K1"]["mean_difference"]) == (1, -50)
    assert (by_key["K2"]["lower"], by_key["K2"]["higher"], by_key["K2"]["mean_difference"]) == (
        1, 1, 0)  # fmt: skip
    office = next(o for o in data["offices"] if o["office"]["code"] == "P001")
    place = next(r for r in data["ranking"] if r["code"] == "P001")
    assert office["overall"]["score"] == 359.1667 and place["rank"] == 2
    assert office["self_assessed"]["overall"] == 421.6667
    assert office["self_assessed"]["parts"] == {"pmqa": 466.6667, "results": 366.6667}
    assert office["verified"]["parts"] == {"pmqa": 366.6667, "results": 350.0}
    assert [i["score"] for i in office["verified"]["issues"]] == [350, 400]
    assert office["verified"]["overall"] == 359.1667 and office["difference"] == -62.5
    assert office["unreviewed"] == 11
    items = _items(office)
    assert [(items[k]["claim"], items[k]["final"], items[k]["source"])
            for k in ("C4", "C2", "K1", "K2", "K3", "K5")] == [
        (True, False, "review"), (True, True, "self"), (35, 25, "review"), (3, 4, "data"),
        (4, 4, "self"), (2.5, 3.5, "correction"),
    ]  # fmt: skip
    effects = {c["item"]: (c["source"], c["effect_on_overall"]) for c in office["changes"]}
    assert effects == {"C4": ("review", -55), "K1": ("review", -7.5), "K2": ("data", -7.5),
                       "K5": ("correction", 7.5)}  # fmt: skip
    files = data["verification"]["files"]
    assert [(f["layer"], f["rows"]) for f in files] == [("review", 3), ("data", 2),
                                                         ("correction", 1)]  # fmt: skip
    codes = {f["code"] for f in data["findings"]}
    assert {"data-differs", "review-incomplete"} <= codes
    # The counts sheet lists the same claim statistics in a table of its own (after the band
    # and status counts): not confirmed, offices lower, offices higher, mean difference.
    i1 = next(r for r in _counts_rows(out) if r[0] == "ตรวจสอบ I1")
    assert i1[2:6] == [1, 1, 0, -75]
    about = {r["รายการ"]: r["ค่า"] for r in _sheet_rows(out, "เกี่ยวกับ")}
    assert "ใช้ 1 แถว" in str(about["ไฟล์ตรวจสอบ (การแก้ไขข้อมูล)"])
    # The office's feedback shows both scores and the committee's comments.
    fb = _sheet_rows(tmp_path / "fb" / "P001.xlsx", "ผลการตรวจสอบ")
    c4 = next(r for r in fb if r["รหัส"] == "C4")
    assert c4["ความเห็นกรรมการ / เหตุผล"] == "ไม่พบหลักฐานการทบทวนแผน"
    assert c4["ผลการตรวจ"] == "ไม่ยืนยัน" and c4["ผลต่อคะแนนรวม"] == -55
    k5 = next(r for r in fb if r["รหัส"] == "K5")
    assert (k5["ที่รายงาน"], k5["ค่าที่ใช้"], k5["ผู้ตรวจ"]) == ("2.5", "3.5", "นายค")
    import openpyxl

    summary_fb = openpyxl.load_workbook(tmp_path / "fb" / "P001.xlsx")["สรุปผล"]
    labels = {summary_fb.cell(row=r, column=1).value: summary_fb.cell(row=r, column=2).value
              for r in range(1, summary_fb.max_row + 1)}  # fmt: skip
    assert labels["คะแนนรวม (0-500)"] == 359.1667
    assert labels["คะแนนรวมที่ประเมินตนเอง"] == 421.6667
    assert labels["ผลต่างจากที่ประเมินตนเอง"] == -62.5


def test_batch_without_layers_keeps_every_output(tmp_path: Path, two_offices: list[Path]) -> None:
    out, js = tmp_path / "results.xlsx", tmp_path / "results.json"
    args = ["batch", *map(str, two_offices), "-o", str(out), "--json", str(js),
            "--rubric", str(MINI_RUBRIC), "-j", "1", "--csv", str(tmp_path / "csv"),
            "--feedback", str(tmp_path / "fb")]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    import openpyxl

    assert "การตรวจสอบ" not in openpyxl.load_workbook(out, read_only=True).sheetnames
    summary = {r["รหัส"]: r for r in _sheet_rows(out, "สรุปผล")}
    assert summary["P001"]["คะแนนรวม"] == 421.6667
    assert "คะแนนรวมที่ประเมินตนเอง" not in summary["P001"]
    assert not any(str(r[0]).startswith("ตรวจสอบ") for r in _counts_rows(out))
    assert not (tmp_path / "csv" / "changes.csv").exists()
    feedback = openpyxl.load_workbook(tmp_path / "fb" / "P001.xlsx")
    assert "ผลการตรวจสอบ" not in feedback.sheetnames
    labels = [feedback["สรุปผล"].cell(row=r, column=1).value
              for r in range(1, feedback["สรุปผล"].max_row + 1)]  # fmt: skip
    assert "คะแนนรวมที่ประเมินตนเอง" not in labels
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["verification"] == {"files": []}
    for office in data["offices"]:
        assert office["self_assessed"] == office["verified"] and office["changes"] == []
        assert office["verified"]["overall"] == office["overall"]["score"]
        assert office["difference"] == 0 and office["unreviewed"] == 0
        items = _items(office).values()
        assert all(i["source"] == "self" and i["claim"] == i["final"] for i in items)
    assert all(c["rejected"] == 0 and c["mean_difference"] in (0, None) for c in data["claims"])


def test_batch_never_scores_a_verification_file_in_the_submissions_folder(
    tmp_path: Path, two_offices: list[Path], layers: dict[str, list[Path]]
) -> None:
    from openpyxl import Workbook as Book

    folder = two_offices[0].parent
    data = folder / "ita.xlsx"  # central data kept beside the submissions, as an XLSX
    book = Book()
    sheet = book.active
    assert sheet is not None
    sheet.append(["office_code", "K2", "K6"])
    sheet.append(["P002", 2, None])
    sheet.append(["P999", 3, None])  # no such office in the batch (no registry)
    sheet.append(["P001", None, 5])  # K6 is for secondary offices only
    book.save(data)
    out, js = tmp_path / "out" / "results.xlsx", tmp_path / "out" / "results.json"
    out.parent.mkdir()
    args = ["batch", str(folder), "-o", str(out), "--json", str(js), "-j", "1",
            "--rubric", str(MINI_RUBRIC), "--data", str(data)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # the two bad rows are errors
    loaded = json.loads(js.read_text(encoding="utf-8"))
    assert sorted(o["office"]["code"] for o in loaded["offices"]) == ["P001", "P002"]
    # Each bad row is reported once, with its cell, and nothing from it is applied.
    bad = [(f["code"], f["cell"]) for f in loaded["findings"] if f["code"].startswith("verify-")]
    assert sorted(bad) == [("verify-not-applicable", "C4"), ("verify-office-unknown", "A3")]
    p1 = next(o for o in loaded["offices"] if o["office"]["code"] == "P001")
    assert p1["changes"] == [] and p1["difference"] == 0
    assert str(data) in loaded["skipped"]
    p2 = next(o for o in loaded["offices"] if o["office"]["code"] == "P002")
    assert p2["difference"] == 7.5 and p2["overall"]["score"] == 432.5


def test_feedback_gives_an_item_its_net_effect_over_every_layer(
    tmp_path: Path, two_offices: list[Path]
) -> None:
    """Central data moved K1 (35 -> 20), the committee confirmed the claim (20 -> 35): the
    office's feedback shows one row for K1, from 35 to 35, with a net effect of 0, and the
    effects of its rows add up to the office's difference."""
    data = write(tmp_path / "d.csv", "office,item,value,source\nP001,K1,20,ระบบ\n")
    review = write(tmp_path / "r.csv", "office,item,verdict,reviewer\nP001,K1,ยืนยัน,b\n")
    target = tmp_path / "fb.xlsx"
    result = runner.invoke(app, ["score", str(two_offices[0]), "--rubric", str(MINI_RUBRIC),
                                 "--data", str(data), "--review", str(review), "-o", str(target),
                                 "--json"])  # fmt: skip
    office = json.loads(result.stdout)
    assert [(c["item"], c["source"]) for c in office["changes"]] == [
        ("K1", "data"), ("K1", "review")]  # fmt: skip
    rows = _sheet_rows(target, "ผลการตรวจสอบ")
    k1 = [r for r in rows if r["รหัส"] == "K1"]
    assert len(k1) == 1
    assert (k1[0]["ที่รายงาน"], k1[0]["ค่าที่ใช้"], k1[0]["ผลต่อคะแนนรวม"]) == ("35", "35", 0)
    effects = [r["ผลต่อคะแนนรวม"] for r in rows if isinstance(r["ผลต่อคะแนนรวม"], (int, float))]
    assert sum(effects) == office["difference"] == 0


def test_batch_says_which_verification_rows_were_not_applied(
    tmp_path: Path, two_offices: list[Path]
) -> None:
    review = write(tmp_path / "committee.csv", "office,item,verdict\nP001,C1,ok\nP009,C1,ยืนยัน\n")
    js = tmp_path / "r.json"
    result = runner.invoke(app, ["batch", *map(str, two_offices), "-o", str(tmp_path / "r.xlsx"),
                                 "--json", str(js), "--rubric", str(MINI_RUBRIC), "-j", "1",
                                 "--review", str(review)])  # fmt: skip
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "rows with errors were not applied" in said
    assert "committee.csv" in said and "verify-verdict-invalid" in said
    # P001's verdict was not applied: its verified result is not final until the row is
    # fixed (the row for P009, an office not in the batch, leaves no office open).
    data = json.loads(js.read_text(encoding="utf-8"))
    reasons = {r["code"]: r["provisional_reasons"] for r in data["ranking"]}
    assert reasons == {"P001": ["verification"], "P002": []}
    p001 = next(o for o in data["offices"] if o["office"]["code"] == "P001")
    [open_rows] = [f for f in p001["findings"] if f["code"] == "verify-rows-not-applied"]
    assert open_rows["file"] == str(review) and "1 row(s)" in open_rows["message_en"]


def test_a_corrected_slip_leaves_the_office_final_and_its_finding_listed(
    tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory
) -> None:
    """P001 typed K1 as "3,5" (a decimal comma: an error, K1 not scored). An analyst corrects
    K1 to 35: the office's result is final (not provisional), the error stays listed (the
    workbook still has it) and the run still exits 1 for it. Without the correction the
    result is provisional."""
    values = {"K1": "3,5", "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5}
    office = hand_case_submission(mini, make_submission, values=values)
    row = "P001,K1,35,ทศนิยมพิมพ์เป็นจุลภาค,นายค\n"
    corrections = write(tmp_path / "corrections.csv", "office,item,value,reason,by\n" + row)

    def ranked(*layers: str) -> tuple[dict[str, Any], list[str]]:
        js = tmp_path / "r.json"
        result = runner.invoke(app, ["batch", str(office), "-o", str(tmp_path / "r.xlsx"),
                                     "--json", str(js), "--rubric", str(MINI_RUBRIC), "-j", "1",
                                     "--force", *layers])  # fmt: skip
        assert result.exit_code == 1, result.output
        data = json.loads(js.read_text(encoding="utf-8"))
        codes = [f["code"] for f in data["offices"][0]["findings"]]
        return data["ranking"][0], codes

    ranking, codes = ranked()
    assert ranking["provisional_reasons"] == ["errors"] and "decimal-comma" in codes
    ranking, codes = ranked("--corrections", str(corrections))
    assert ranking["provisional"] is False and ranking["provisional_reasons"] == []
    assert "decimal-comma" in codes
    assert ranking["overall"] == 421.6667  # the hand-computed case: K1 35 as the office meant
    # pmqa score's feedback decides as the batch does: page 1 says the result is final.
    feedback = tmp_path / "feedback.xlsx"
    args = ["score", str(office), "-o", str(feedback), "--rubric", str(MINI_RUBRIC)]
    assert runner.invoke(app, [*args, "--corrections", str(corrections)]).exit_code == 1
    status = openpyxl.load_workbook(feedback)["สรุปผล"].cell(row=3, column=1).value
    assert status == "สถานะผล: ผลสมบูรณ์"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 1
    status = openpyxl.load_workbook(feedback)["สรุปผล"].cell(row=3, column=1).value
    assert str(status).startswith("สถานะผล: ผลเบื้องต้น") and "แบบฟอร์มมีข้อผิดพลาด" in str(status)
