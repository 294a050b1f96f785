"""pmqa review-sheet: the committee's workbook, written, filled in (also by LibreOffice) and
applied with --review; the hand-computed case of tests/test_verification.py through it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.batch import discover
from pmqa_cli.assess.trace import Layer
from pmqa_cli.cli.app import app
from pmqa_cli.io.mark import read_mark
from pmqa_cli.io.xlsx import column_letter
from pmqa_cli.report.review_sheet import REVIEW_COLUMNS, REVIEW_SHEET
from pmqa_cli.rubric.model import OfficeType, Rubric
from pmqa_cli.verify.inputs import Verification, load_verification

from .builders import (
    MINI_RUBRIC,
    Filled,
    SubmissionFactory,
    complete,
    hand_case_submission,
    write,
)
from .soffice import PDFTOTEXT, SOFFICE, comparable, convert, pdf_text, words_off_page

runner = CliRunner()
HEADERS = [c.header for c in REVIEW_COLUMNS]
#: What the committee fills in for the hand-computed case: (office, item) -> cells.
FILLS: dict[tuple[str, str], dict[str, str]] = {
    ("P001", "C1"): {"verdict": "ยืนยัน", "person": "นางสาวก"},
    ("P001", "C4"): {"verdict": "ไม่ยืนยัน", "comment": "ไม่พบหลักฐานการทบทวนแผน",
                     "person": "นางสาวก"},
    ("P001", "K1"): {"verdict": "ไม่ยืนยัน", "verified": "25", "comment": "คำนวณจากฐานข้อมูลใหม่",
                     "person": "นายข"},
}  # fmt: skip
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) and pdftotext are not installed; .ci/run installs them",
)


@pytest.fixture
def offices(mini: Rubric, make_submission: SubmissionFactory) -> list[Path]:
    from pmqa_cli.io.registry import Office

    first = hand_case_submission(mini, make_submission)
    other = complete(mini, Filled(Office("S001", "สพม.หนึ่ง", OfficeType.SECONDARY, "ทดสอบ")))
    other.evidence["C1"] = "@SUM(1) ดูไฟล์แนบ"  # text from a submission stays text
    return [first, make_submission(mini, other, name="S001.xlsx")]


def review_sheet(tmp_path: Path, offices: list[Path]) -> Path:
    out = tmp_path / "review.xlsx"
    result = runner.invoke(
        app, ["review-sheet", *map(str, offices), "-o", str(out), "--rubric", str(MINI_RUBRIC)]
    )
    assert result.exit_code == 0, result.output
    assert "2 offices, 28 rows" in result.output.replace("\n", " ")
    return out


def column(key: str) -> int:
    return next(n for n, c in enumerate(REVIEW_COLUMNS, start=1) if c.key == key)


def test_the_workbook_protects_claims_and_opens_verdict_cells(
    tmp_path: Path, offices: list[Path]
) -> None:
    wb = openpyxl.load_workbook(review_sheet(tmp_path, offices))
    assert wb.sheetnames == ["คำชี้แจง", REVIEW_SHEET]
    ws = wb[REVIEW_SHEET]
    assert isinstance(ws, Worksheet)
    assert [ws.cell(row=3, column=n).value for n in range(1, len(HEADERS) + 1)] == HEADERS
    rows = {(ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value): r
            for r in range(4, ws.max_row + 1)}  # fmt: skip
    # P001 (primary): 9 criteria + K1-K5; S001 (secondary): 9 criteria + K1-K4 and K6.
    assert len(rows) == 28 and ("P001", "K6") not in rows and ("S001", "K5") not in rows
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.autoFilter is False and ws.protection.sort is False
    assert ws.auto_filter.ref == "A3:K31" and ws.freeze_panes == "A4"
    c4, k1 = rows[("P001", "C4")], rows[("P001", "K1")]
    assert ws.cell(row=c4, column=column("claim")).value == "ผ่าน"
    assert ws.cell(row=k1, column=column("claim")).value == "35 ร้อยละ"
    assert ws.cell(row=c4, column=column("evidence")).value == "เอกสาร 4"
    for key in ("office", "item", "claim", "evidence", "text"):
        assert ws.cell(row=c4, column=column(key)).protection.locked is not False
    for key in ("verdict", "comment", "person"):
        assert ws.cell(row=c4, column=column(key)).protection.locked is False
    assert ws.cell(row=k1, column=column("verified")).protection.locked is False
    assert ws.cell(row=c4, column=column("verified")).protection.locked is not False
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"ยืนยัน,ไม่ยืนยัน"'
    assert str(lists[0].sqref) == "H4:H31"
    # Every office starts on a new page.
    assert [b.id for b in ws.row_breaks.brk] == [17, 31]
    s001 = rows[("S001", "C1")]
    evidence = ws.cell(row=s001, column=column("evidence"))
    assert evidence.data_type == "s" and evidence.value == "@SUM(1) ดูไฟล์แนบ"
    assert evidence.quotePrefix
    # Unfilled, it applies nothing and every item stays unreviewed.
    verification = load_verification_of(wb, tmp_path)
    assert verification.entries == [] and verification.findings == []


def load_verification_of(wb: openpyxl.Workbook, tmp_path: Path) -> Verification:
    from pmqa_cli.rubric.load import load_rubric

    path = tmp_path / "saved.xlsx"
    wb.save(path)
    return load_verification(load_rubric(MINI_RUBRIC)[0], reviews=[path])


def fill_with_openpyxl(review: Path, target: Path) -> Path:
    wb = openpyxl.load_workbook(review)
    ws = wb[REVIEW_SHEET]
    assert isinstance(ws, Worksheet)
    for row in range(4, ws.max_row + 1):
        key = (ws.cell(row=row, column=1).value, ws.cell(row=row, column=3).value)
        for name, text in FILLS.get(key, {}).items():  # type: ignore[arg-type]
            ws.cell(row=row, column=column(name)).value = (
                float(text) if name == "verified" else text
            )
    wb.properties.lastModifiedBy = "นางสาวก"  # as Excel stamps the person who saved it
    wb.save(target)
    return target


_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def _text(cell: ET.Element) -> str:
    return "".join("".join(p.itertext()) for p in cell.findall("text:p", _NS))


def fill_fods(fods: Path) -> None:
    """Type the committee's verdicts into LibreOffice's own flat document, cell by cell."""
    import re

    head = fods.read_text(encoding="utf-8")[:20000]  # the root tag and its declarations
    for prefix, uri in re.findall(r'xmlns:([\w.-]+)="([^"]+)"', head):
        ET.register_namespace(prefix, uri)  # LibreOffice wants its own prefixes back
    tree = ET.parse(fods)
    sheet = next(t for t in tree.iter(_q("table", "table"))
                 if t.get(_q("table", "name")) == REVIEW_SHEET)  # fmt: skip
    repeat = _q("table", "number-columns-repeated")
    filled = 0
    for row in sheet.iter(_q("table", "table-row")):
        cells: list[ET.Element] = []
        for cell in list(row):
            count = int(cell.get(repeat, "1"))
            if count > 1 and len(cells) < 12:
                cell.attrib.pop(repeat)
                copies = [cell] + [ET.fromstring(ET.tostring(cell)) for _ in range(count - 1)]
                if len(cells) + count > 12:  # keep the long empty tail as one element
                    tail = ET.fromstring(ET.tostring(cell))
                    tail.set(repeat, str(count - (12 - len(cells))))
                    copies = [*copies[: 12 - len(cells)], tail]
                row.remove(cell)
                cells += copies
            else:
                row.remove(cell)
                cells.append(cell)
        for cell in cells:
            row.append(cell)
        if len(cells) < 3:
            continue
        key = (_text(cells[0]), _text(cells[2]))
        for name, text in FILLS.get(key, {}).items():
            cell = cells[column(name) - 1]
            for child in list(cell):
                cell.remove(child)
            if name == "verified":
                cell.set(_q("office", "value-type"), "float")
                cell.set(_q("office", "value"), text)
            else:
                cell.set(_q("office", "value-type"), "string")
            paragraph = ET.SubElement(cell, _q("text", "p"))
            paragraph.text = text
            filled += 1
    assert filled == sum(len(v) for v in FILLS.values())
    tree.write(fods, encoding="utf-8", xml_declaration=True)
    # ElementTree drops declarations no element uses, but "of:" lives inside attribute values
    # (the dropdown's condition): put the document's own root tag back.
    root = re.compile(r"<office:document [^>]*>")
    original = root.search(head)
    assert original is not None
    written = fods.read_text(encoding="utf-8")
    fods.write_text(root.sub(lambda _: original.group(0), written, count=1), encoding="utf-8")


def layer_files(folder: Path) -> list[str]:
    """The other two layers of the hand-computed case: central data and a correction."""
    folder.mkdir(parents=True, exist_ok=True)
    corrections = write(
        folder / "corrections.csv",
        "office,item,value,reason,by\nP001,K5,3.5,พิมพ์ผิด (ต้นฉบับ 3.5),นายค\n",
    )
    data = write(folder / "ระบบติดตาม.csv", "office_code,K2\nP001,4\n")  # fmt: skip
    return ["--data", str(data), "--corrections", str(corrections)]


def apply(tmp_path: Path, offices: list[Path], review: Path) -> dict[str, dict[str, Any]]:
    """Each office scored with the filled-in review and the other layers (pmqa score --json)."""
    layers = layer_files(tmp_path / "layers")
    out: dict[str, dict[str, Any]] = {}
    for office in offices:
        args = ["score", str(office), "--json", "--rubric", str(MINI_RUBRIC),
                "--review", str(review), *layers]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.output)
        out[data["office"]["code"]] = data
    return out


def apply_batch(tmp_path: Path, offices: list[Path], review: Path) -> dict[str, Any]:
    """The whole batch with the filled-in review and the other layers (pmqa batch --json)."""
    layers = layer_files(tmp_path / "layers")
    out, js = tmp_path / "results.xlsx", tmp_path / "results.json"
    args = ["batch", *map(str, offices), "-o", str(out), "--json", str(js), "-j", "1",
            "--rubric", str(MINI_RUBRIC), "--review", str(review), *layers]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    loaded: dict[str, Any] = json.loads(js.read_text(encoding="utf-8"))
    return loaded


def _batch_comparable(data: dict[str, Any]) -> list[Any]:
    out = []
    for office in data["offices"]:
        changes = [{k: v for k, v in c.items() if k not in ("file", "sha256")}
                   for c in office["changes"]]  # fmt: skip
        keys = ("overall", "self_assessed", "verified", "issues", "indicators", "unreviewed")
        out.append([*(office[k] for k in keys), changes])
    ranking = [{k: v for k, v in r.items() if k != "file"} for r in data["ranking"]]
    return [out, ranking, data["claims"]]


def _comparable(offices: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the verdicts decide, without the file names and hashes of the copies applied."""
    out: dict[str, Any] = {}
    for code, office in offices.items():
        changes = [{k: v for k, v in c.items() if k not in ("file", "sha256")}
                   for c in office["changes"]]  # fmt: skip
        keys = ("overall", "self_assessed", "verified", "issues", "indicators", "unreviewed")
        out[code] = [*(office[k] for k in keys), changes]
    return out


def test_filled_with_openpyxl_gives_the_hand_computed_result(
    tmp_path: Path, offices: list[Path]
) -> None:
    filled = fill_with_openpyxl(review_sheet(tmp_path, offices), tmp_path / "filled.xlsx")
    data = apply(tmp_path, offices, filled)
    p001 = data["P001"]
    assert p001["overall"]["score"] == 359.1667 and p001["difference"] == -62.5
    assert p001["self_assessed"]["overall"] == 421.6667
    assert p001["unreviewed"] == 11
    effects = {c["item"]: (c["source"], c["before"], c["after"], c["effect_on_overall"])
               for c in p001["changes"]}  # fmt: skip
    assert effects == {
        "C4": ("review", "ผ่าน", "ไม่ผ่าน", -55.0),
        "K1": ("review", "35", "25", -7.5),
        "K2": ("data", "3", "4", -7.5),
        "K5": ("correction", "2.5", "3.5", 7.5),
    }
    k1 = next(c for c in p001["changes"] if c["item"] == "K1")
    assert (k1["person"], k1["sheet"], Path(k1["file"]).name) == ("นายข", REVIEW_SHEET,
                                                                "filled.xlsx")  # fmt: skip
    c4 = p001["issues"][0]["criteria"][3]
    assert (c4["id"], c4["verdict"], c4["comment"]) == ("C4", "rejected",
                                                        "ไม่พบหลักฐานการทบทวนแผน")  # fmt: skip
    c1 = p001["issues"][0]["criteria"][0]
    assert (c1["reviewed"], c1["verdict"], c1["source"]) == (True, "confirmed", "review")
    s001 = data["S001"]
    assert s001["unreviewed"] == 14 and s001["changes"] == []
    assert s001["self_assessed"] == s001["verified"]


@needs_libreoffice
def test_filled_through_libreoffice_gives_the_same_result(
    tmp_path: Path, offices: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    profile = tmp_path_factory.mktemp("lo-profile")
    review = review_sheet(tmp_path, offices)
    # LibreOffice opens the workbook, the verdicts are typed into its own document, and
    # LibreOffice writes the .xlsx the committee sends back.
    (fods,) = convert([review], "fods", tmp_path / "fods", profile)
    fill_fods(fods)
    (filled,) = convert([fods], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    wb = openpyxl.load_workbook(filled)
    ws = wb[REVIEW_SHEET]
    assert isinstance(ws, Worksheet) and ws.protection.sheet
    assert any(dv.type == "list" for dv in ws.data_validations.dataValidation)
    # LibreOffice keeps pmqa's mark: the filled copy is never taken for a submission.
    assert discover([filled.parent]).outputs == [str(filled)]
    through_lo = apply(tmp_path / "lo", offices, filled)
    by_openpyxl = fill_with_openpyxl(review, tmp_path / "filled.xlsx")
    direct = apply(tmp_path, offices, by_openpyxl)
    assert _comparable(through_lo) == _comparable(direct)
    assert through_lo["P001"]["verified"]["overall"] == 359.1667
    # The same through the batch: scores, items, changes, ranks and claim statistics.
    lo_batch = apply_batch(tmp_path / "lo-batch", offices, filled)
    direct_batch = apply_batch(tmp_path / "direct-batch", offices, by_openpyxl)
    assert _batch_comparable(lo_batch) == _batch_comparable(direct_batch)
    assert [o["overall"]["score"] for o in lo_batch["offices"]] == [359.1667, 425]
    entries = load_verification_of(wb, tmp_path)
    assert {(e.office, e.item, e.layer) for e in entries.entries} == {
        ("P001", "C1", Layer.REVIEW),
        ("P001", "C4", Layer.REVIEW),
        ("P001", "K1", Layer.REVIEW),
    }


@needs_libreoffice
def test_the_workbook_prints_legibly(
    tmp_path: Path, offices: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    profile = tmp_path_factory.mktemp("lo-profile")
    (pdf,) = convert([review_sheet(tmp_path, offices)], "pdf", tmp_path / "pdf", profile)
    text = pdf_text(pdf)

    for expected in ("แบบตรวจสอบผลการประเมินตนเอง", "ผลการตรวจ", "ความเห็นกรรมการ", "P001",
                     "S001", "เอกสาร 4"):  # fmt: skip
        assert comparable(expected) in text, expected
    import subprocess

    # Every page, the guide's too, carries pmqa's header and footer: the title, the fiscal
    # year, the run date and "หน้า n จาก m".
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    pages = [comparable(p) for p in raw.stdout.decode("utf-8").split("\f") if p.strip()]
    for n, page in enumerate(pages, start=1):
        assert comparable("ปีงบประมาณ พ.ศ.") in page, n
        assert comparable("แบบตรวจสอบผลการประเมินตนเอง:") in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n
    # The guide, then each office on pages of its own.
    assert text.count(comparable("สพม.หนึ่ง")) >= 14
    assert words_off_page(pdf) == []  # nothing prints past the paper's edge


def test_several_reviewers_copies_agree_or_conflict(tmp_path: Path, offices: list[Path]) -> None:
    review = review_sheet(tmp_path, offices)
    first = fill_with_openpyxl(review, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(review)
    ws = wb[REVIEW_SHEET]
    assert isinstance(ws, Worksheet)
    for row in range(4, ws.max_row + 1):
        if (ws.cell(row=row, column=1).value, ws.cell(row=row, column=3).value) == ("P001", "C4"):
            ws.cell(row=row, column=column("verdict")).value = "ยืนยัน"
            ws.cell(row=row, column=column("person")).value = "นายง"
        if (ws.cell(row=row, column=1).value, ws.cell(row=row, column=3).value) == ("S001", "C2"):
            ws.cell(row=row, column=column("verdict")).value = "ไม่ยืนยัน"
            ws.cell(row=row, column=column("person")).value = "นายง"
    second = tmp_path / "b.xlsx"
    wb.save(second)
    scored: dict[str, dict[str, Any]] = {}
    for office in offices:
        args = ["score", str(office), "--json", "--rubric", str(MINI_RUBRIC),
                "--review", str(first), "--review", str(second)]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output  # the C4 verdicts disagree
        data = json.loads(result.output)
        scored[data["office"]["code"]] = data
    conflicts = [f for f in scored["P001"]["findings"] if f["code"] == "verify-row-conflict"]
    assert {(Path(f["file"]).name, f["item_id"], f["cell"]) for f in conflicts} == {
        ("a.xlsx", "C4", "H7"), ("b.xlsx", "C4", "H7")}  # fmt: skip
    assert [(c["item"], c["person"]) for c in scored["S001"]["changes"]] == [("C2", "นายง")]
    # Nothing from a conflicting row; the verdicts both copies agree on count once.
    assert sorted(c["item"] for c in scored["P001"]["changes"]) == ["K1"]
    c1 = scored["P001"]["issues"][0]["criteria"][0]
    assert (c1["verdict"], c1["reviewed"]) == ("confirmed", True)


def test_a_filled_review_workbook_in_the_submissions_folder_is_not_an_office(
    tmp_path: Path, offices: list[Path]
) -> None:
    folder = offices[0].parent
    review = review_sheet(tmp_path, offices)
    filled = fill_with_openpyxl(review, folder / "ผลการตรวจ.xlsx")
    assert read_mark(filled) is not None
    found = discover([folder])
    assert str(filled) in found.outputs and filled not in found.files
    # Written again over a copy the committee has saved: refused without --force.
    again = runner.invoke(app, ["review-sheet", str(offices[0]), "-o", str(filled),
                                "--rubric", str(MINI_RUBRIC)])  # fmt: skip
    assert again.exit_code == 2, again.output
    assert filled.read_bytes() != review.read_bytes()
    # Its own untouched output is simply replaced.
    rewritten = runner.invoke(app, ["review-sheet", str(offices[0]), "-o", str(review),
                                    "--rubric", str(MINI_RUBRIC)])  # fmt: skip
    assert rewritten.exit_code == 0, rewritten.output


def test_review_sheet_leaves_out_unreadable_files(tmp_path: Path, offices: list[Path]) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    out = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["review-sheet", *map(str, offices), str(broken), "-o", str(out),
                                 "--rubric", str(MINI_RUBRIC)])  # fmt: skip
    assert result.exit_code == 1
    assert "broken.xlsx" in result.output and out.exists()


def test_a_value_pmqa_could_not_read_is_shown_as_typed(
    tmp_path: Path, mini: Rubric, make_submission: SubmissionFactory
) -> None:
    from pmqa_cli.io.registry import Office

    filled = complete(mini, Filled(Office("S002", "สพม.สอง", OfficeType.SECONDARY, "ทดสอบ")))
    filled.values["K2"] = "ประมาณ 4"  # not a number: the committee still sees what was typed
    out = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["review-sheet", str(make_submission(mini, filled)), "-o",
                                 str(out), "--rubric", str(MINI_RUBRIC)])  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out)[REVIEW_SHEET]
    claims = {ws.cell(row=r, column=2 + 1).value: ws.cell(row=r, column=column("claim")).value
              for r in range(4, ws.max_row + 1)}  # fmt: skip
    assert claims["K2"] == "อ่านไม่ได้: ประมาณ 4"
    assert claims["K1"] != "อ่านไม่ได้"  # a value that was read shows as usual


def test_a_verdict_on_a_claim_the_office_no_longer_makes_is_not_applied(
    tmp_path: Path, offices: list[Path], mini: Rubric, make_submission: SubmissionFactory
) -> None:
    """P001 sends a new workbook after the review sheet was made: C4 now ไม่ผ่าน (the committee
    had said ไม่ยืนยัน to its ผ่าน, which would now flip it to a pass) and K1 40 (the
    committee had given 25 for its 35). Neither verdict is applied, each is an error at the
    claim's cell, both items are unreviewed; C1, whose claim is unchanged, keeps its verdict."""
    filled = fill_with_openpyxl(review_sheet(tmp_path, offices), tmp_path / "filled.xlsx")
    seen = tmp_path / "seen" / "P001.xlsx"  # the workbook the committee saw, kept
    seen.parent.mkdir()
    seen.write_bytes(offices[0].read_bytes())
    answers = {f"C{n}": "ผ่าน" for n in range(1, 9)} | {"C4": "ไม่ผ่าน", "C9": "ไม่ผ่าน"}
    values = {"K1": 40, "K2": 3, "K3": 4, "K4": "ผ่าน", "K5": 2.5}
    again = hand_case_submission(mini, make_submission, answers=answers, values=values)
    args = ["score", str(again), "--json", "--rubric", str(MINI_RUBRIC), "--review", str(filled)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    stale = {f["item_id"]: f for f in data["findings"] if f["code"] == "review-claim-changed"}
    assert sorted(stale) == ["C4", "K1"]
    ws = openpyxl.load_workbook(filled)[REVIEW_SHEET]
    claim = column_letter(column("claim"))
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value == "P001"]
    cells = {ws.cell(row=r, column=column("item")).value: f"{claim}{r}" for r in rows}
    assert (stale["C4"]["cell"], stale["K1"]["cell"]) == (cells["C4"], cells["K1"])
    assert "ผ่าน" in stale["C4"]["message_en"] and "35" in stale["K1"]["message_en"]
    assert data["changes"] == []  # nothing the committee said about C4 or K1 replaced a value
    assert data["verified"] == data["self_assessed"]
    c1, c4 = data["issues"][0]["criteria"][0], data["issues"][0]["criteria"][3]
    assert (c1["source"], c1["verdict"], c1["reviewed"]) == ("review", "confirmed", True)
    assert (c4["final"], c4["source"], c4["reviewed"]) == (False, "self", False)
    k1 = next(i for i in data["indicators"] if i["id"] == "K1")
    assert (k1["reviewed"], k1["source"]) == (False, "self")
    assert data["unreviewed"] == 11 + 2  # the 11 nobody reviewed, and the two stale rows
    # The same workbook as the committee saw it: every verdict applies, with no such error.
    same = runner.invoke(app, ["score", str(seen), "--json", "--rubric", str(MINI_RUBRIC),
                               "--review", str(filled)])  # fmt: skip
    assert same.exit_code == 0 and "review-claim-changed" not in same.output


def test_an_office_that_sent_different_files_is_named_with_the_file_shown(
    tmp_path: Path, offices: list[Path]
) -> None:
    """Two different files for P001 with one submission date (the second a correction, named
    after the first): the sheet shows the one batch scores, by file name "P001.xlsx" (the
    office meant the other: only the message tells the analyst); an identical copy is no
    conflict."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for office in offices:
        (folder / office.name).write_bytes(office.read_bytes())
    (folder / "copy" / "S001.xlsx").parent.mkdir()
    (folder / "copy" / "S001.xlsx").write_bytes(offices[1].read_bytes())  # a copy: no conflict
    wb = openpyxl.load_workbook(offices[0])
    wb.properties.title = "แก้ไข"  # a different file with the same answers and date
    wb.save(folder / "P001 แก้ไข.xlsx")
    out = tmp_path / "review.xlsx"
    args = ["--lang", "en", "review-sheet", str(folder), "-o", str(out), "--rubric",
            str(MINI_RUBRIC)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "Office P001 sent different files: the review sheet shows P001.xlsx" in said
    assert "not P001 แก้ไข.xlsx" in said and "S001" not in said
    assert "2 offices" in said and out.exists()  # written all the same, one office once
