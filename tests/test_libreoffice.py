"""Real clients: LibreOffice opens, prints, re-saves and agrees with everything pmqa writes.

These tests run LibreOffice headless with a fresh user profile. Without `soffice` they are
skipped with that reason; .ci/run installs LibreOffice and sets PMQA_REQUIRE_LIBREOFFICE=1 so
that in CI a missing LibreOffice fails instead of skipping.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.office import score_office
from pmqa_cli.assess.reading import read_submission
from pmqa_cli.cli.app import app
from pmqa_cli.core.numbers import round_half_up
from pmqa_cli.io.mark import Kind, read_mark
from pmqa_cli.io.registry import Office
from pmqa_cli.report.sample import MISTAKES
from pmqa_cli.report.template import build_template
from pmqa_cli.report.writer import save_atomic
from pmqa_cli.rubric.load import load_rubric
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete, find_col, find_row
from .soffice import PDFTOTEXT, SOFFICE, comparable, convert, pdf_text, words_off_page

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) and pdftotext are not installed; .ci/run installs them",
)


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("libreoffice-profile")


def test_template_prints_to_pdf_with_its_thai_content(tmp_path: Path, profile: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["template", "-o", str(template)]).exit_code == 0
    (pdf,) = convert([template], "pdf", tmp_path / "pdf", profile)
    text = pdf_text(pdf)
    for expected in ("วิธีกรอกข้อมูล", "ข้อมูลหน่วยงาน", "PM1-B1", "KPI-7.6.2", "ผลการดำเนินงาน"):
        assert comparable(expected) in text, expected


def test_results_workbook_prints_to_pdf(tmp_path: Path, profile: Path) -> None:
    folder = tmp_path / "subs"
    assert runner.invoke(app, ["sample", "-n", "6", "--out", str(folder)]).exit_code == 0
    results = tmp_path / "results.xlsx"
    runner.invoke(app, ["batch", str(folder), "-o", str(results)])
    (pdf,) = convert([results], "pdf", tmp_path / "pdf", profile)
    text = pdf_text(pdf)
    for expected in (
        "อันดับ",  # สรุปผล
        "คะแนนรวม",
        "ส่วนเบี่ยงเบน",  # สถิติ (its header in two lines, which pdftotext reads apart)
        "ระดับผลการประเมินตามประเภทหน่วยงาน",  # a chart title
        "คำอธิบายและวิธีแก้",  # ปัญหาที่พบ
        "ค่าที่พิมพ์",  # ข้อมูลนำเข้า
        "SHA-256 ของเกณฑ์",  # เกี่ยวกับ
    ):
        assert comparable(expected) in text, expected
    # Nothing printed past the paper's edge: the charts' sheet, centred, lost its axis labels'
    # first letters and its axis titles ("PI-7.1.1" for KPI-7.1.1) on the left.
    assert words_off_page(pdf) == []


def test_results_saved_again_by_libreoffice_are_not_replaced_without_force(
    tmp_path: Path, profile: Path
) -> None:
    """LibreOffice without a user name keeps pmqa's "last modified by": the record of what
    pmqa wrote tells the analyst's saved copy from pmqa's own (report/guard.py)."""
    folder = tmp_path / "subs"
    assert runner.invoke(app, ["sample", "-n", "3", "--out", str(folder)]).exit_code == 0
    results = tmp_path / "out" / "results.xlsx"
    results.parent.mkdir()
    args = ["batch", str(folder), "-o", str(results)]
    assert runner.invoke(app, args).exit_code in (0, 1)
    (resaved,) = convert([results], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    mark = read_mark(resaved)
    assert mark is not None and mark.pristine  # the mark alone would let pmqa replace it
    shutil.copyfile(resaved, results)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "--force" in result.output
    assert results.read_bytes() == resaved.read_bytes()


def test_resaved_submission_scores_exactly_as_the_original(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, profile: Path
) -> None:
    filled = complete(shipped)
    filled.answers.update({"PM2-B2": "ไม่ผ่าน", "PM4-A1": "ไม่ผ่าน"})
    filled.values.update({"KPI-7.1.3": 0.73, "KPI-7.2.1": "87.5%", "KPI-7.6.2": "๑๑"})
    original = make_submission(shipped, filled, name="original.xlsx")
    (resaved,) = convert([original], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    first, second = score_office(original, shipped), score_office(resaved, shipped)
    assert first.scores is not None and second.scores is not None
    assert second.scores.to_dict() == first.scores.to_dict()
    assert [f.code for f in second.findings] == [f.code for f in first.findings]
    # LibreOffice writes shared strings, its own styles, and cached values: different XML.
    import zipfile

    with zipfile.ZipFile(resaved) as z:
        assert "xl/sharedStrings.xml" in z.namelist()


def test_validation_and_protection_survive_a_round_trip(tmp_path: Path, profile: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["template", "-o", str(template)]).exit_code == 0
    (resaved,) = convert([template], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    wb = openpyxl.load_workbook(resaved)
    pmqa = wb["PMQA 4.0"]
    assert isinstance(pmqa, Worksheet)
    assert pmqa.protection.sheet
    answer = pmqa.cell(row=find_row(pmqa, "PM1-B1"), column=find_col(pmqa, "ผลการประเมินตนเอง"))
    assert answer.protection.locked is False
    lists = [dv.formula1 for dv in pmqa.data_validations.dataValidation if dv.type == "list"]
    assert any("ผ่าน" in (f or "") for f in lists)
    kpi = wb["ตัวชี้วัด"]
    assert isinstance(kpi, Worksheet)
    kinds = {dv.type for dv in kpi.data_validations.dataValidation}
    assert {"list", "whole", "decimal"} <= kinds
    assert wb["_pmqa"].sheet_state == "hidden"
    assert score_office(resaved, _shipped()).findings[0].code != "rubric-unknown"


def _shipped() -> Rubric:
    from pmqa_cli.rubric.load import load_rubric

    return load_rubric()[0]


def test_a_submission_written_by_libreoffice_itself(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, profile: Path
) -> None:
    # Through OpenDocument and back: the final .xlsx is LibreOffice's own export of its own
    # document model, with nothing of openpyxl's XML left in it.
    filled = complete(shipped)
    filled.values["KPI-7.4.2"] = 4.25
    original = make_submission(shipped, filled, name="filled.xlsx")
    (ods,) = convert([original], "ods", tmp_path / "ods", profile)
    (xlsx,) = convert([ods], "xlsx:Calc MS Excel 2007 XML", tmp_path / "xlsx", profile)
    report = score_office(xlsx, shipped)
    assert report.findings == ()
    assert report.scores is not None
    assert report.scores.to_dict() == score_office(original, shipped).scores.to_dict()  # type: ignore[union-attr]
    # And an .ods sent as is gets a clear finding rather than a crash.
    assert [f.code for f in score_office(ods, shipped).findings] == ["file-not-workbook"]


def _page_text(pdf: Path, page: int) -> str:
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
    )
    return comparable(out.stdout.decode("utf-8"))


def test_executive_summary_prints_on_one_a4_page(tmp_path: Path, profile: Path) -> None:
    import json

    from pmqa_cli.io.registry import sample_registry_path

    folder = tmp_path / "subs"
    assert runner.invoke(app, ["sample", "-n", "16", "--out", str(folder)]).exit_code == 0
    registry = str(sample_registry_path())
    first = tmp_path / "six-months.json"
    runner.invoke(
        app,
        ["batch", str(folder), "-o", str(tmp_path / "six.xlsx"), "--json", str(first),
         "--registry", registry, "--round", "6 เดือน"],
    )  # fmt: skip
    # The earlier round as a plain table with every office 12.5 points lower.
    data = json.loads(first.read_text(encoding="utf-8"))
    lines = ["รหัส,คะแนนรวม"] + [
        f"{r['code']},{r['overall'] - 12.5}"
        for r in data["ranking"]
        if r["scored"] and r["overall"] is not None
    ]
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("\n".join(lines), encoding="utf-8")
    results = tmp_path / "results.xlsx"
    runner.invoke(
        app,
        ["batch", str(folder), "-o", str(results), "--registry", registry, "--round", "12 เดือน",
         "--previous", str(earlier), "--previous-label", "2567 รอบ 6 เดือน"],
    )  # fmt: skip
    # The first two pages only (the audit trail runs to many more).
    two_pages = 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1-2"}}'
    (pdf,) = convert([results], two_pages, tmp_path / "pdf", profile)
    page_one = _page_text(pdf, 1)
    for expected in (
        "สรุปผลการประเมิน PMQA 4.0",
        "รอบ 12 เดือน",
        "หน่วยงานที่ต้องประเมิน",
        "10 อันดับแรก",
        "พัฒนาขึ้นมากที่สุด",
        "ประเด็น PMQA 4.0 ที่คะแนนเฉลี่ยต่ำสุด",
        "ตัวชี้วัดที่คะแนนเฉลี่ยต่ำสุด",
        "ตัวเลขชุดเดียวกับแผ่นงานสถิติ",  # the last line of the sheet
    ):
        assert comparable(expected) in page_one, expected
    assert "--json" not in page_one  # it speaks to a director, not to a programmer
    # The summary ends on page one: page two is the next sheet, the province maps.
    page_two = _page_text(pdf, 2)
    assert comparable("ตัวชี้วัดที่คะแนนเฉลี่ยต่ำสุด") not in page_two
    assert comparable("ผลการประเมิน PMQA 4.0: แผนที่") in page_two
    assert shutil.which("pdfinfo") is not None
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    size = re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info)
    assert size is not None
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4 portrait
    # The province map sits on page 1 beside the top ten (the band chart is drawn, not a picture).
    assert shutil.which("pdfimages") is not None
    listed = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(pdf)],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()[2:]  # fmt: skip
    pictures = [line.split() for line in listed if line.split()[2] == "image"]
    assert len(pictures) == 1, listed
    # Drawn for the width LibreOffice gives columns E-I: printed without stretching.
    x_ppi, y_ppi = (float(v) for v in pictures[0][12:14])
    assert abs(x_ppi - y_ppi) <= 0.03 * y_ppi, (x_ppi, y_ppi)


OPDC = Path(__file__).resolve().parent.parent / "rubrics" / "opdc-pmqa4-24.yaml"


def test_opdc_results_template_and_feedback_print_to_pdf(tmp_path: Path, profile: Path) -> None:
    """The second rubric's outputs: every sheet prints, the 24 issues legibly across pages."""
    folder = tmp_path / "subs"
    made = runner.invoke(app, ["sample", "--rubric", str(OPDC), "-n", "6", "--out", str(folder)])
    assert made.exit_code == 0, made.output
    results, feedback = tmp_path / "results.xlsx", tmp_path / "feedback"
    feedback.mkdir()
    runner.invoke(
        app,
        ["batch", "--rubric", str(OPDC), str(folder), "-o", str(results),
         "--feedback", str(feedback)],
    )  # fmt: skip
    template = tmp_path / "template.xlsx"
    assert (
        runner.invoke(app, ["template", "--rubric", str(OPDC), "-o", str(template)]).exit_code == 0
    )
    office = sorted(feedback.glob("*.xlsx"))[0]
    pdfs = convert([results, template, office], "pdf", tmp_path / "pdf", profile)
    text = pdf_text(pdfs[0])
    for expected in (
        "หมวด 7",  # the categories sheet and the summary
        "6.4 คะแนน",  # the last of the 24 issues, on its own printed page
        "7.6-K1 คะแนน",  # a target-ratio indicator
        "คะแนนหมวด 7 (ค่าเฉลี่ยของมิติ)",  # สถิติ
        "คะแนนเฉลี่ยรายตัวชี้วัด",  # a chart title
        "opdc-pmqa4-24",  # เกี่ยวกับ
    ):
        assert comparable(expected) in text, expected
    # 24 issues do not shrink onto one page: each printed page repeats whose row it is.
    assert PDFTOTEXT is not None
    raw = subprocess.run([PDFTOTEXT, str(pdfs[0]), "-"], capture_output=True, check=True)
    pages = [comparable(page) for page in raw.stdout.decode("utf-8").split("\f")]
    first, last = comparable("1.1 คะแนน"), comparable("6.4 คะแนน")
    issue_pages = [p for p in pages if first in p or last in p]
    assert len(issue_pages) == 2, "1.1 and 6.4 print on different pages"
    assert all(comparable("ชื่อหน่วยงาน") in p for p in issue_pages)
    template_text = pdf_text(pdfs[1])
    for expected in ("ค่าเป้าหมาย", "≥100%", ">105%", "6.4-S2", "7.6-K1"):
        assert comparable(expected) in template_text, expected
    feedback_text = pdf_text(pdfs[2])
    for expected in ("คะแนนหมวด 6", "ค่าที่ต้องทำได้", "ของเป้าหมาย"):
        assert comparable(expected) in feedback_text, expected


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (comparable form), from pdftotext's form-feed page breaks."""
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    return [comparable(p) for p in pages if p.strip()]


def test_score_pdf_prints_the_feedback_naming_office_and_year_on_every_page(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    filled = complete(shipped)
    filled.answers.update({"PM2-B2": "ไม่ผ่าน", "PM4-A1": "ไม่ผ่าน"})
    submission = make_submission(shipped, filled, name="P001.xlsx")
    feedback = tmp_path / "out" / "P001-feedback.xlsx"
    feedback.parent.mkdir()
    result = runner.invoke(app, ["score", str(submission), "-o", str(feedback), "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = feedback.with_suffix(".pdf")
    pages = page_texts(pdf)
    assert 1 <= len(pages) <= 12
    for n, page in enumerate(pages, start=1):
        assert comparable(f"ปีงบประมาณ พ.ศ. {shipped.fiscal_year}") in page, n
        assert "P001" in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n
    assert words_off_page(pdf) == []


def test_template_prints_with_office_and_year_on_every_page(tmp_path: Path, profile: Path) -> None:
    template = tmp_path / "P001.xlsx"
    assert runner.invoke(app, ["template", "--office", "P001", "-o", str(template)]).exit_code == 0
    (pdf,) = convert([template], "pdf", tmp_path / "pdf", profile)
    pages = page_texts(pdf)
    # About 16 pages to fill in and 15 of the provisional score sheet (คะแนนเบื้องต้น).
    assert 4 <= len(pages) <= 32
    assert any(comparable("คะแนนเบื้องต้น") in page for page in pages)
    for n, page in enumerate(pages, start=1):
        assert comparable("ปีงบประมาณ พ.ศ. 2567") in page, n
        assert comparable("สพป.เชียงใหม่ เขต 1") in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n
    assert words_off_page(pdf) == []


#: A word's box as pdftotext gives it over its font's size (Laksaman: 20.8 pt at 16 pt).
WORD_BOX = 1.30


def printed_sizes(pdf: Path) -> list[float]:
    """Each page's typical text size in points (the median of its words' boxes); 0 for a page
    of few words (a map: a picture)."""
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, check=True)
    sizes = []
    box = re.compile(r'<word [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"')
    for page in out.stdout.decode("utf-8").split("<page ")[1:]:
        heights = sorted(float(b) - float(a) for a, b in box.findall(page))
        sizes.append(heights[len(heights) // 2] / WORD_BOX if len(heights) >= 20 else 0.0)
    return sizes


def test_results_for_245_offices_print_legibly_each_page_naming_the_year(
    tmp_path: Path, profile: Path, batch_245: Path
) -> None:
    (pdf,) = convert([batch_245 / "results.xlsx"], "pdf", tmp_path / "pdf", profile)
    pages = page_texts(pdf)
    # Text at 9 pt or more: the tables of 245 offices print across pages at 57%, about 90
    # pages (docs/printing.md); the audit trail (about 27,000 rows, 470 pages) is out of the
    # default print.
    small = {n: round(size, 1) for n, size in enumerate(printed_sizes(pdf), start=1)
             if 0 < size < 8.9}  # fmt: skip
    assert small == {}
    assert 10 <= len(pages) <= 100, len(pages)
    for n, page in enumerate(pages, start=1):
        assert comparable("ปีงบประมาณ พ.ศ. 2567") in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n
    assert comparable("ข้อมูลนำเข้า: พิมพ์ 30 แถวแรก") in pages[-1]
    assert words_off_page(pdf) == []


def test_batch_feedback_pdf_names_the_office_and_year_on_every_page(
    tmp_path: Path, profile: Path
) -> None:
    folder = tmp_path / "subs"
    assert runner.invoke(app, ["sample", "-n", "3", "--out", str(folder)]).exit_code == 0
    feedback = tmp_path / "feedback"
    result = runner.invoke(
        app,
        ["batch", str(folder), "-o", str(tmp_path / "results.xlsx"), "--feedback",
         str(feedback), "--pdf"],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "results.pdf").is_file()
    pdfs = sorted(feedback.glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        pages = page_texts(pdf)
        assert 3 <= len(pages) <= 12
        for n, page in enumerate(pages, start=1):
            assert pdf.stem in page, (pdf.name, n)  # the office code
            assert comparable("ปีงบประมาณ พ.ศ. 2567") in page, (pdf.name, n)
        assert comparable("ผลการประเมิน: ขั้นต่อไป") in "".join(pages)  # the next steps print
        assert words_off_page(pdf) == []


# --- the template's own checks and provisional score, recalculated by LibreOffice ------------

#: LibreOffice keeps an xlsx's cached values unless told to recalculate on load (0 = always).
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
SCORE = "คะแนนเบื้องต้น"
#: pmqa's findings about an answer cell's own value: the live checks must flag exactly these.
VALUE_CODES = {
    "answer-missing", "answer-invalid", "value-not-number", "value-out-of-range",
    "value-percent-over-100", "value-percent-fraction", "value-not-whole",
    "value-na-not-allowed", "value-and-na", "cell-error", "formula-no-value", "decimal-comma",
}  # fmt: skip


def _recalc_profile(root: Path) -> Path:
    """A LibreOffice profile that recalculates every formula on load."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    return profile


@dataclass(frozen=True)
class Pair:
    """A workbook as pmqa wrote it and as LibreOffice recalculated and saved it."""

    original: Path
    recalculated: Path
    rubric: Rubric


def _tricky(rubric: Rubric, folder: Path, name: str, office: Office, **cells: Any) -> Path:
    """A filled template with the given answers (item id -> cell value; None blanks it)."""
    wb, layout = build_template(rubric, office)
    pmqa, kpi = wb["PMQA 4.0"], wb["ตัวชี้วัด"]
    assert isinstance(pmqa, Worksheet) and isinstance(kpi, Worksheet)
    filled = complete(rubric, Filled(office))
    for item, value in filled.answers.items():
        pmqa.cell(row=layout.pmqa_rows[item], column=layout.pmqa_columns["answer"]).value = value
    for item, value in filled.values.items():
        kpi.cell(
            row=layout.indicator_rows[item], column=layout.indicator_columns["value"]
        ).value = value
    for key, value in cells.items():
        item, _, field_ = key.partition("__")
        if item in layout.pmqa_rows:
            cell = pmqa.cell(row=layout.pmqa_rows[item], column=layout.pmqa_columns["answer"])
        else:
            column = layout.indicator_columns["na" if field_ == "na" else "value"]
            cell = kpi.cell(row=layout.indicator_rows[item], column=column)
        if isinstance(value, tuple):  # (number, number format)
            cell.value, cell.number_format = value
        else:
            cell.value = value
    path = folder / f"{name}.xlsx"
    save_atomic(wb, path, kind=Kind.SAMPLE)
    return path


def _tricky_workbooks(shipped: Rubric, mini: Rubric, folder: Path) -> list[tuple[Path, Rubric]]:
    primary = Office("P001", "สพป.ทดสอบ เขต 1", OfficeType.PRIMARY, "ทดสอบ")
    secondary = Office("S001", "สพม.ทดสอบ", OfficeType.SECONDARY, "ทดสอบ")
    return [
        # Valid but written the many ways people write: pmqa and the sheet must agree.
        (
            _tricky(
                shipped,
                folder,
                "tricky-valid",
                primary,
                **{
                    "PM1-B1": "ใช่",
                    "PM1-B2": "✓",
                    "PM1-B3": 1,
                    "PM1-A1": True,
                    "PM1-A2": "yes",
                    "PM1-S1": "ไม่ผ่าน",
                    "PM2-B1": "0",
                    "PM3-A1": "ผ่าน ",
                    "KPI-7.2.1": "87.5%",
                    "KPI-7.1.1": "๘๗.๕",
                    "KPI-7.1.3": "0.73",
                    "KPI-7.4.1": (0.8725, "0.00%"),
                    "KPI-7.4.2": 4.75,
                    "KPI-7.6.2": " 1 0 ",
                    "KPI-7.5.2": "N/A",
                    "KPI-7.3.1": 5,
                    "KPI-7.6.1": "ไม่ผ่าน",
                    "KPI-7.5.1": 100,
                },
            ),
            shipped,
        ),
        # A higher tier met over an incomplete lower one (a warning; no points).
        (
            _tricky(
                shipped,
                folder,
                "tricky-gated",
                secondary,
                **{
                    "PM4-B2": "ไม่ผ่าน",
                    "PM5-B1": "ไม่ผ่าน",
                    "PM5-S1": "ไม่ผ่าน",
                    "KPI-7.5.2": None,
                    "KPI-7.5.2__na": "ไม่เกี่ยวข้อง",
                    "KPI-7.1.2": 97.99,
                    "KPI-7.6.2": 15.0001,
                },
            ),
            shipped,
        ),
        # Every kind of mistake in one file: the checks must flag exactly these cells.
        (
            _tricky(
                shipped,
                folder,
                "tricky-mistakes",
                primary,
                **{
                    "PM1-B1": None,
                    "PM1-B2": "บางส่วน",
                    "PM2-A1": 2,
                    "PM3-B1": "-",
                    "KPI-7.6.2": "1,000",
                    "KPI-7.4.1": "87,25",
                    "KPI-7.2.1": "105%",
                    "KPI-7.3.1": 2.5,
                    "KPI-7.1.4": "N/A",
                    "KPI-7.5.2__na": "ไม่เกี่ยวข้อง",
                    "KPI-7.1.3": "ดีมาก",
                    "KPI-7.1.1": 0.86,
                    "KPI-7.5.1": None,
                    "KPI-7.6.1": "บางที",
                    "KPI-7.4.2": "=1/0",
                },
            ),
            shipped,
        ),
        (
            _tricky(
                mini,
                folder,
                "mini-secondary",
                secondary,
                K6=None,
                K6__na="x",
                K1=15,
                K2=4.5,
                K3=4,
                K4="ผ่าน",
                C4="ไม่ผ่าน",
            ),
            mini,
        ),
        (
            _tricky(
                mini,
                folder,
                "mini-primary",
                primary,
                K1=9.99,
                K2=1,
                K3=0,
                K4=0,
                K5=2.5,
                C3="ไม่ผ่าน",
                C9="ผ่าน",
            ),
            mini,
        ),
    ]


#: Sample workbooks per rubric that LibreOffice recalculates: every area office in the full run
#: (--full, CI). By default the first 18 of those 245: the registry is shuffled with a fixed
#: seed, so they are a fixed random set of offices of both kinds, and a sample's mistake follows
#: its position (every third file, the six kinds in turn), so each kind is planted once.
FULL_SAMPLES = 245
DEFAULT_SAMPLES = 18


@pytest.fixture(scope="module")
def sample_count(full: bool) -> int:
    """FULL_SAMPLES in the full run; else PMQA_RECALC_SAMPLES, or DEFAULT_SAMPLES."""
    if full:
        return FULL_SAMPLES
    return int(os.environ.get("PMQA_RECALC_SAMPLES", str(DEFAULT_SAMPLES)))


def _samples(count: int, out: Path, rubric: Path | None = None) -> list[Path]:
    """`pmqa sample --count` into ``out``; checks that every mistake kind was planted once
    there are enough files for each to come round."""
    options = [] if rubric is None else ["--rubric", str(rubric)]
    command = ["sample", "--count", str(count), "--out", str(out), "--jobs", "0", *options]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    # Every third file carries a mistake, the kinds in turn (tests/test_sample.py checks which):
    # the table of planted mistakes names each of those files once.
    planted = re.findall(r"\b[PS]\d{3}\.xlsx\b", result.output)
    assert len(planted) == len(set(planted)) == (count + 1) // 3, result.output
    if count >= 3 * len(MISTAKES):
        assert len(planted) >= len(MISTAKES)
    files = sorted(out.glob("*.xlsx"))
    assert len(files) == count
    return files


@pytest.fixture(scope="module")
def recalculated(
    tmp_path_factory: pytest.TempPathFactory, shipped: Rubric, mini: Rubric, sample_count: int
) -> list[Pair]:
    """`pmqa sample --count N` (OBEC and OPDC; N = sample_count) and some tricky workbooks,
    recalculated by headless LibreOffice with a profile that recalculates on load, then saved
    as xlsx."""
    root = tmp_path_factory.mktemp("recalc")
    profile = _recalc_profile(root)
    samples = root / "in"
    obec = _samples(sample_count, samples)
    files = [(p, shipped) for p in obec]
    if sample_count >= DEFAULT_SAMPLES:
        assert {p.name[0] for p in obec} == {"P", "S"}, "both kinds of office (สพป. and สพม.)"
    # OPDC's rubric: category means, target ratios, offices' own targets.
    opdc_file = ROOT / "rubrics" / "opdc-pmqa4-24.yaml"
    opdc = load_rubric(opdc_file)[0]
    for path in _samples(sample_count, root / "opdc", opdc_file):
        # One output folder: names must not collide with the OBEC samples'.
        renamed = samples / f"opdc-{path.name}"
        path.rename(renamed)
        files.append((renamed, opdc))
    assert len(files) == 2 * sample_count
    files += _tricky_workbooks(shipped, mini, samples)
    out = convert(
        [p for p, _ in files],
        "xlsx:Calc MS Excel 2007 XML",
        root / "out",
        profile,
        timeout=1200,
        workers=min(os.cpu_count() or 1, 4),
    )
    return [Pair(p, o, r) for (p, r), o in zip(files, out, strict=True)]


def _score_sheet(path: Path) -> dict[str, list[Any]]:
    """Column A key/id -> that row's cached values, as LibreOffice calculated them."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[SCORE]
    assert isinstance(ws, Worksheet)
    rows: dict[str, list[Any]] = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[0], str) and row[0] not in rows:
            rows[row[0]] = list(row)
    return rows


def _half_at(value: Fraction, decimals: int) -> bool:
    """Whether ``value`` is exactly half-way between two numbers shown to ``decimals``."""
    scaled = value * int(10**decimals)
    return scaled - math.floor(scaled) == Fraction(1, 2)


def _agree(sheet_value: Any, ours: Fraction | None, decimals: int) -> str:
    """ "same", "half" (pmqa's exact value is a half at the last decimal and the sheet's
    binary value, a hair off it, rounds the other way) or "different"."""
    if ours is None or sheet_value in (None, ""):
        return "same" if ours is None and sheet_value in (None, "") else "different"
    if round_half_up(float(sheet_value), decimals) == round_half_up(ours, decimals):
        return "same"
    if _half_at(ours, decimals) and abs(ours - Fraction(float(sheet_value))) < Fraction(1, 10**9):
        return "half"
    return "different"


def _comparisons(result: Any, rows: dict[str, list[Any]]) -> list[tuple[str, Any, Any]]:
    """(what, the sheet's value, pmqa's value) for every number the sheet computes."""
    pairs = [
        ("overall", rows["pmqa_overall"][2], result.overall),
        ("categories 1-6", rows["pmqa_part_pmqa"][2], result.pmqa.score),
        ("category 7", rows["pmqa_part_results"][2], result.results.score),
    ]
    pairs += [(i.id, rows[i.id][5], i.score) for i in result.issues]
    pairs += [(i.id, rows[i.id][17], i.score) for i in result.indicators]
    pairs += [(f"{i.id} level", rows[i.id][16], i.level) for i in result.indicators]
    return pairs


def _labels(result: Any, rows: dict[str, list[Any]]) -> list[tuple[str, Any, Any]]:
    pairs = [
        ("band", rows["pmqa_band"][2], result.band.label_th if result.band else None),
        ("status", rows["pmqa_status"][2], result.status.label_th if result.status else None),
    ]
    pairs += [(i.id, rows[i.id][1], i.status_th) for i in result.issues]
    pairs += [(f"{i.id} counts", rows[i.id][15] == 1, i.applies) for i in result.indicators]
    return pairs


def test_provisional_scores_equal_pmqas(recalculated: list[Pair], sample_count: int) -> None:
    compared = halves = 0
    problems: list[str] = []
    for pair in recalculated:
        report = score_office(pair.original, pair.rubric)
        if not report.valid:
            continue
        assert report.scores is not None
        rows = _score_sheet(pair.recalculated)
        compared += 1
        for label, sheet_value, ours in _comparisons(report.scores, rows):
            verdict = _agree(sheet_value, ours, pair.rubric.scoring.decimals)
            halves += verdict == "half"
            if verdict == "different":
                problems.append(f"{pair.original.name} {label}: sheet {sheet_value} pmqa {ours}")
        for label, sheet_value, ours in _labels(report.scores, rows):
            if sheet_value != ours:
                problems.append(f"{pair.original.name} {label}: {sheet_value!r} vs {ours!r}")
        assert rows["pmqa_answered"][2] == rows["pmqa_required"][2], pair.original.name
    assert not problems, problems[:20]
    # The samples with valid answers (of N OBEC and N OPDC) plus the valid tricky ones.
    assert compared >= sample_count, compared
    # docs/template.md records how many exact halves round differently in binary.
    print(f"compared {compared} workbooks; {halves} exact halves rounded differently")


def _flagged(path: Path) -> set[tuple[str, str]]:
    """The answer cells the recalculated live checks flag (check column starts with ✗)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    flagged = set()
    for name, target in (("PMQA 4.0", "ผลการประเมินตนเอง"), ("ตัวชี้วัด", "ผลการดำเนินงาน")):
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        assert isinstance(ws, Worksheet)
        check, answer = find_col(ws, "ตรวจสอบ"), find_col(ws, target)
        for row in range(4, ws.max_row + 1):
            value = ws.cell(row=row, column=check).value
            if isinstance(value, str) and value.startswith("✗"):
                col = answer
                if "ค่าเป้าหมาย" in value:  # the office's own target is flagged at its cell
                    col = find_col(ws, "ค่าเป้าหมาย")
                flagged.add((name, f"{openpyxl.utils.get_column_letter(col)}{row}"))
    return flagged


def test_live_checks_flag_exactly_what_pmqa_reports(
    recalculated: list[Pair], sample_count: int
) -> None:
    with_mistakes = 0
    for pair in recalculated:
        # The recalculated file is what the office sees and what it sends.
        report = score_office(pair.recalculated, pair.rubric)
        expected = {
            (f.sheet, f.cell)
            for f in report.findings
            if f.code in VALUE_CODES and f.sheet and f.cell
        }
        flagged = _flagged(pair.recalculated)
        assert flagged == expected, (pair.original.name, flagged ^ expected)
        with_mistakes += bool(expected)
    # Every third sample carries a mistake; about half of those are ones pmqa must report.
    assert with_mistakes >= sample_count // 4, with_mistakes


def test_tricky_mistakes_are_each_flagged(recalculated: list[Pair]) -> None:
    (pair,) = [p for p in recalculated if p.original.stem == "tricky-mistakes"]
    report = score_office(pair.recalculated, pair.rubric)
    codes = {f.code for f in report.findings if f.code in VALUE_CODES}
    assert codes >= {
        "answer-missing", "answer-invalid", "value-not-number", "value-out-of-range",
        "value-percent-over-100", "value-percent-fraction", "value-not-whole",
        "value-na-not-allowed", "value-and-na", "cell-error", "decimal-comma",
    }, codes  # fmt: skip
    rows = _score_sheet(pair.recalculated)
    assert rows["pmqa_answered"][2] < rows["pmqa_required"][2]
    wb = openpyxl.load_workbook(pair.recalculated, data_only=True)
    ws = wb["PMQA 4.0"]
    assert isinstance(ws, Worksheet)
    count = ws.cell(row=1, column=find_col(ws, "ผลการประเมินตนเอง")).value
    assert isinstance(count, str) and re.fullmatch(r"ตอบแล้ว \d+ จาก 49 ข้อ", count), count
    assert count != "ตอบแล้ว 49 จาก 49 ข้อ"


def test_recalculated_workbooks_read_as_the_originals(recalculated: list[Pair]) -> None:
    # Formula cells pmqa wrote are never answers, and a correct cached score raises no note.
    for pair in recalculated[::7]:
        first = score_office(pair.original, pair.rubric)
        second = score_office(pair.recalculated, pair.rubric)
        own = read_submission(pair.recalculated, pair.rubric)
        assert own.criteria == read_submission(pair.original, pair.rubric).criteria
        rows = _score_sheet(pair.recalculated)
        if rows["pmqa_answered"][2] == rows["pmqa_required"][2]:
            assert own.provisional, "LibreOffice cached the headline values"
        else:  # the headline says ยังกรอกไม่ครบ: text, not a score to compare
            assert str(rows["pmqa_overall"][2]).startswith("ยังกรอกไม่ครบ (ตอบแล้ว ")
            assert own.provisional == []
        assert not [f for f in second.findings if f.code == "provisional-differs"]
        if first.valid:
            assert second.scores is not None and first.scores is not None
            assert second.scores.to_dict() == first.scores.to_dict()
            assert [f.code for f in second.findings] == [f.code for f in first.findings]


def test_template_with_score_sheet_prints(tmp_path: Path, profile: Path) -> None:
    template = tmp_path / "template.xlsx"
    assert runner.invoke(app, ["template", "-o", str(template)]).exit_code == 0
    (pdf,) = convert([template], "pdf", tmp_path / "pdf", profile)
    text = pdf_text(pdf)
    for expected in ("คะแนนเบื้องต้น", "ยังกรอกไม่ครบ", "คะแนนทางการคือคะแนนที่", "ตรวจสอบ"):
        assert comparable(expected) in text, expected
    # The keys pmqa reads (defined names, rubric codes) neither show nor print.
    for key in ("pmqa_overall", "pmqa_completeness", "level_scores", "overall_bands"):
        assert key not in text, key


def test_every_score_sheet_page_prints_its_tables_headings(tmp_path: Path, profile: Path) -> None:
    """As LibreOffice prints both shipped templates: from the criteria on, every page of the
    score sheet carries a part's title (its first page's, or continued) and that part's column
    headings, so no page shows numbers without them (each part's later pages once showed the
    sheet's title only)."""
    headings = {  # a part's title (its English words) -> a heading of its (column C)
        "/Criteria": "ประเด็น / ระดับ",
        "/Issues": "ประเด็น / Issue",
        "/Indicators": "ตัวชี้วัด [วิธีคิด]",
        "/Categoriesanddimensions": "หมวด / มิติ",
    }
    templates = [ROOT / "templates" / f"{name}.xlsx" for name in ("obec-esao-2567", OPDC.stem)]
    for pdf in convert(templates, "pdf", tmp_path / "pdf", profile):
        pages = [p for p in page_texts(pdf) if "/Provisionalscore" in p]
        start = next(n for n, page in enumerate(pages) if "/Criteria" in page)
        assert start >= 2, pdf.name  # the summary and the rubric's numbers first
        for n, page in enumerate(pages[start:], start=start):
            parts = [title for title in headings if title in page]
            assert len(parts) == 1, (pdf.name, n, parts)
            assert comparable(headings[parts[0]]) in page, (pdf.name, n, parts[0])
        continued = sum(comparable("(ต่อ / continued)") in page for page in pages)
        assert continued >= 5, (pdf.name, continued)  # OBEC's 5, OPDC's 15


def test_blank_templates_recalculate_without_errors(
    tmp_path: Path, shipped: Rubric, mini: Rubric
) -> None:
    from pmqa_cli.report.template import write_template

    profile = _recalc_profile(tmp_path)
    mean = load_rubric(Path(__file__).parent / "fixtures" / "mean-rubric.yaml")[0]
    opdc = load_rubric(ROOT / "rubrics" / "opdc-pmqa4-24.yaml")[0]
    blanks = []
    rubric_of = {}
    for rubric in (shipped, mini, mean, opdc):
        blanks.append(tmp_path / f"{rubric.id}.xlsx")
        rubric_of[rubric.id] = rubric
        write_template(rubric, blanks[-1])
    for path in convert(blanks, "xlsx:Calc MS Excel 2007 XML", tmp_path / "out", profile):
        wb = openpyxl.load_workbook(path, data_only=True)
        errors = [
            (ws.title, c.coordinate, c.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("#")
        ]
        assert errors == [], (path.name, errors[:5])
        rows = _score_sheet(path)
        assert rows["pmqa_answered"][2] == 0 and rows["pmqa_required"][2] > 0
        # No failing score or band before anything is filled: the headline says so.
        notice = f"ยังกรอกไม่ครบ (ตอบแล้ว 0 จาก {rows['pmqa_required'][2]} ข้อ)"
        for key in ("pmqa_overall", "pmqa_band", "pmqa_part_pmqa", "pmqa_status"):
            assert rows[key][2] == notice, (path.name, key, rows[key][2])
        if rubric_of[path.stem].indicators:
            assert rows["pmqa_part_results"][2] == notice
        # pmqa reads no score from that text: nothing to compare, no note.
        assert read_submission(path, rubric_of[path.stem]).provisional == []
        findings = score_office(path, rubric_of[path.stem]).findings
        assert not [f for f in findings if f.code == "provisional-differs"], path.name


#: Numbers as people type them as text, and the ways they go wrong: the template's formulas
#: must read each one as normalize.parse_number does (docs/workbook-format.md).
SPELLINGS = [
    "85", " 85 ", "85%", "87.5%", "8 5", "๘๗.๕", "８５", "-3", "+3", "\u22123", "1e3", ".5",
    "1,234", "1,234.5", "1,234.", "12,345,678.5", "-1,234", "+1,234", "๑,๒๓๔", "1,000,000",
    "7,5", "0,48", "85,50", "0,480", "1.234,5", "1234,567", "12,34", "1,23", "1,2345",
    "1,2,3", "12,34,567", "1,234,5", ",5", "5,", "1,,234", "0,123", "-0,5", "1.2.3",
    "abc", "ประมาณ 84.82", "N/A", "ไม่เกี่ยวข้อง", "-", "ไม่มี", "",
]  # fmt: skip


def test_the_formulas_read_numbers_as_pmqa_does(tmp_path: Path) -> None:
    from pmqa_cli.io.values import parse_number
    from pmqa_cli.report.formulas import read_number as _number

    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    for row, text in enumerate(SPELLINGS, start=1):
        ws.cell(row=row, column=1).value = text
        ws.cell(row=row, column=1).data_type = "s"  # as typed: text, never a number
        ws.cell(row=row, column=2).value = "=" + _number(f"$A{row}", f"$A{row}", percent=False)
    path = tmp_path / "spellings.xlsx"
    wb.save(path)
    (out,) = convert(
        [path], "xlsx:Calc MS Excel 2007 XML", tmp_path / "out", _recalc_profile(tmp_path)
    )
    read = openpyxl.load_workbook(out, data_only=True).active
    assert isinstance(read, Worksheet)
    differ = []
    for row, text in enumerate(SPELLINGS, start=1):
        parsed = parse_number(text)
        expected: object = parsed.value  # a Decimal, or None for no answer
        if parsed.problem:
            expected = "?"
        elif parsed.not_applicable:
            expected = "N/A"
        got = read.cell(row=row, column=2).value
        if isinstance(got, (int, float)) and not isinstance(got, bool):
            got = Decimal(repr(float(got)))
        if got != expected:
            differ.append((text, got, expected))
    assert differ == []
