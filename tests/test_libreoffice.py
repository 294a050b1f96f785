"""Real clients: LibreOffice opens, prints, re-saves and agrees with everything pmqa writes.

These tests run LibreOffice headless with a fresh user profile. Without `soffice` they are
skipped with that reason; .ci/run installs LibreOffice and sets PMQA_REQUIRE_LIBREOFFICE=1 so
that in CI a missing LibreOffice fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.submission import score_workbook
from pmqa_cli.cli.app import app
from pmqa_cli.rubric.model import Rubric

from .conftest import SubmissionFactory, complete, find_col, find_row

runner = CliRunner()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

if os.environ.get("PMQA_REQUIRE_LIBREOFFICE") and not (SOFFICE and PDFTOTEXT):
    raise RuntimeError("PMQA_REQUIRE_LIBREOFFICE is set but soffice or pdftotext is missing")

pytestmark = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) and pdftotext are not installed; .ci/run installs them",
)


def convert(files: list[Path], target: str, outdir: Path, profile: Path) -> list[Path]:
    """Convert files with LibreOffice headless (one call; a fresh profile); fail loudly."""
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    extension = target.split(":")[0]
    outputs = [outdir / f"{f.stem}.{extension}" for f in files]
    missing = [o.name for o in outputs if not o.exists() or o.stat().st_size == 0]
    assert result.returncode == 0 and not missing, (
        f"LibreOffice failed ({result.returncode}), missing {missing}:\n"
        f"{result.stdout}\n{result.stderr}"
    )
    return outputs


_THAI_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\\s]")


def comparable(text: str) -> str:
    """Text without Thai vowel and tone marks or spaces: pdftotext places combining marks out
    of order and breaks lines inside cells, so compare on what is left."""
    return _THAI_MARKS.sub("", text)


def pdf_text(pdf: Path) -> str:
    assert PDFTOTEXT is not None
    out = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, check=True)
    return comparable(out.stdout.decode("utf-8"))


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
        "ส่วนเบี่ยงเบนมาตรฐาน",  # สถิติ
        "ระดับผลการประเมินตามประเภทหน่วยงาน",  # a chart title
        "คำอธิบายและวิธีแก้",  # ปัญหาที่พบ
        "ค่าที่พิมพ์",  # ข้อมูลนำเข้า
        "SHA-256 ของเกณฑ์",  # เกี่ยวกับ
    ):
        assert comparable(expected) in text, expected


def test_resaved_submission_scores_exactly_as_the_original(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, profile: Path
) -> None:
    filled = complete(shipped)
    filled.answers.update({"PM2-B2": "ไม่ผ่าน", "PM4-A1": "ไม่ผ่าน"})
    filled.values.update({"KPI-7.1.3": 0.73, "KPI-7.2.1": "87.5%", "KPI-7.6.2": "๑๑"})
    original = make_submission(shipped, filled, name="original.xlsx")
    (resaved,) = convert([original], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo", profile)
    first, second = score_workbook(original, shipped), score_workbook(resaved, shipped)
    assert first.result is not None and second.result is not None
    assert second.result.to_dict() == first.result.to_dict()
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
    assert score_workbook(resaved, _shipped()).findings[0].code != "rubric-unknown"


def _shipped() -> Rubric:
    from pmqa_cli.rubric.model import load_rubric

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
    report = score_workbook(xlsx, shipped)
    assert report.findings == []
    assert report.result is not None
    assert report.result.to_dict() == score_workbook(original, shipped).result.to_dict()  # type: ignore[union-attr]
    # And an .ods sent as is gets a clear finding rather than a crash.
    assert [f.code for f in score_workbook(ods, shipped).findings] == ["file-not-workbook"]


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

    from pmqa_cli.registry import sample_registry_path

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
        f"{o['office']['code']},{o['overall']['score'] - 12.5}"
        for o in data["offices"]
        if o["readable"] and o["scored"] and o["overall"]["score"] is not None
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
        "ข้อมูลเดียวกับแผ่นงานสถิติ",  # the last line of the sheet
    ):
        assert comparable(expected) in page_one, expected
    # The summary ends on page one: page two is the next sheet (สรุปผล).
    page_two = _page_text(pdf, 2)
    assert comparable("ตัวชี้วัดที่คะแนนเฉลี่ยต่ำสุด") not in page_two
    assert comparable("อันดับในประเภท") in page_two
    assert shutil.which("pdfinfo") is not None
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    size = re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info)
    assert size is not None
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4 portrait


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


def test_template_prints_with_office_and_year_on_every_page(tmp_path: Path, profile: Path) -> None:
    template = tmp_path / "P001.xlsx"
    assert runner.invoke(app, ["template", "--office", "P001", "-o", str(template)]).exit_code == 0
    (pdf,) = convert([template], "pdf", tmp_path / "pdf", profile)
    pages = page_texts(pdf)
    assert 4 <= len(pages) <= 20
    for n, page in enumerate(pages, start=1):
        assert comparable("ปีงบประมาณ พ.ศ. 2567") in page, n
        assert comparable("สพป.เชียงใหม่ เขต 1") in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n


def test_results_for_245_offices_print_in_at_most_30_pages_each_naming_the_year(
    tmp_path: Path, profile: Path
) -> None:
    folder = tmp_path / "subs"
    assert runner.invoke(app, ["sample", "-n", "245", "--out", str(folder)]).exit_code == 0
    results = tmp_path / "results.xlsx"
    runner.invoke(app, ["batch", str(folder), "-o", str(results)])
    (pdf,) = convert([results], "pdf", tmp_path / "pdf", profile)
    pages = page_texts(pdf)
    # The audit trail (about 27,000 rows, 470 pages) is out of the default print.
    assert 10 <= len(pages) <= 30, len(pages)
    for n, page in enumerate(pages, start=1):
        assert comparable("ปีงบประมาณ พ.ศ. 2567") in page, n
        assert comparable(f"หน้า {n} จาก {len(pages)}") in page, n
    assert comparable("ข้อมูลนำเข้า: พิมพ์ 30 แถวแรก") in pages[-1]


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
