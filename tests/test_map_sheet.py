"""The round on the map in results.xlsx (แผนที่ sheet) and in the results JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.compare.geography import match_provinces
from pmqa_cli.io.registry import Office
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete

runner = CliRunner()
REGISTRY = Path(__file__).resolve().parent.parent / "pmqa_cli" / "data" / "offices-sample.csv"


def test_results_carry_a_map_per_part_and_the_exact_province_means(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    made = runner.invoke(app, ["sample", "--count", "24", "--out", str(samples), "--seed", "3"])
    assert made.exit_code == 0, made.output
    out, data = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(app, ["batch", str(samples), "-o", str(out), "--json", str(data),
                                 "--registry", str(REGISTRY)])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["สรุปสำหรับผู้บริหาร", "แผนที่"]
    maps = book["แผนที่"]
    # overall, categories 1-6 and category 7: one picture each, one printed page each.
    assert len(maps._images) == 3  # type: ignore[attr-defined]
    assert [b.id for b in maps.row_breaks.brk] == [44, 88]
    assert maps.page_setup.paperSize == 9 and maps.page_setup.orientation == "portrait"
    # No picture or chart crosses a page break: each starts and ends on its own page.
    for sheet, breaks in ((maps, [44, 88]), (book["กราฟ"], [19, 38])):
        assert [b.id for b in sheet.row_breaks.brk] == breaks
        edges = [0, *breaks, 10**6]
        pictures = [*sheet._images, *sheet._charts]  # type: ignore[attr-defined]
        assert len(pictures) == len(breaks) + 1
        for picture in pictures:
            first, last = picture.anchor._from.row, picture.anchor.to.row
            page = max(n for n, edge in enumerate(edges) if edge <= first)
            assert last < edges[page + 1], (sheet.title, first, last)
    _summary_map_inside_print_area(book["สรุปสำหรับผู้บริหาร"])

    results = json.loads(data.read_text(encoding="utf-8"))
    geo = results["geography"]
    scored = [o for o in results["offices"] if o.get("overall")]
    assert geo["national"]["scores"]["overall"]["count"] == len(scored)
    # A province's mean is the exact mean of its offices' reported overall scores, rounded once.
    by_province: dict[str, list[Fraction]] = {}
    for office in scored:
        for pcode in match_provinces(office["office"]["name"]):
            by_province.setdefault(pcode, []).append(Fraction(str(office["overall"]["score"])))
    for pcode, values in by_province.items():
        mean = sum(values, Fraction(0)) / len(values)
        shown = Decimal(str(geo["provinces"][pcode]["scores"]["overall"]["mean"]))
        assert abs(Fraction(shown) - mean) <= Fraction(1, 2 * 10**4), pcode


def _print_rows(ws: Any) -> tuple[int, int]:
    """The first and last 0-based rows of a sheet's print area ("'sheet'!$A$1:$I$58")."""
    area = str(ws.print_area).split("!")[-1].replace("$", "")
    first, last = (int("".join(ch for ch in cell if ch.isdigit())) for cell in area.split(":"))
    return first - 1, last - 1


def _summary_map_inside_print_area(ws: Any) -> None:
    """Page 1's map: one picture over columns E-I, from the top ten's header row down, every
    row of it inside the print area (so it prints on the one page with the tables)."""
    (picture,) = ws._images
    start, end = picture.anchor._from, picture.anchor.to
    top, bottom = _print_rows(ws)
    assert top <= start.row <= end.row <= bottom, (start.row, end.row, bottom)
    assert ws.cell(start.row + 1, 1).value == "อันดับ"  # the top ten's header row
    assert ws.cell(start.row, 1).value == "10 อันดับแรก (คะแนนรวม)"
    # From column E to column I's right edge (J at under a pixel): the map fills E-I.
    assert (start.col, end.col) == (4, 9) and end.colOff < 9525, (start.col, end.col)
    # The next table starts under the picture, not beside it.
    titles = [r for r in range(start.row + 2, bottom + 1)
              if str(ws.cell(r + 1, 1).value or "").startswith(("พัฒนาขึ้น", "ประเด็น"))]  # fmt: skip
    assert titles and titles[0] > end.row, (titles[:1], end.row)
    # The note says where the full-size maps are.
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("แผนที่ขนาดเต็ม" in n and "แผ่นงานถัดไป" in n for n in notes)


def test_page_one_has_no_map_when_no_office_is_placed(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    """Offices whose province and name name no province (and no registry): no office is on the
    map, so page 1 has no picture and no error; the แผนที่ sheet still has its grey maps."""
    for code in ("P001", "P002"):
        office = Office(code, f"สำนักงานทดสอบ {code}", OfficeType.PRIMARY, "ทดสอบ")
        make_submission(shipped, complete(shipped, Filled(office=office)), name=f"{code}.xlsx")
    out, data = tmp_path / "r.xlsx", tmp_path / "r.json"
    result = runner.invoke(app, ["batch", str(tmp_path), "-o", str(out), "--json", str(data)])
    assert result.exit_code == 0, result.output
    geo = json.loads(data.read_text(encoding="utf-8"))["geography"]
    assert geo["provinces"] == {} and len(geo["unmatched"]) == 2
    book = openpyxl.load_workbook(out)
    page_one = book["สรุปสำหรับผู้บริหาร"]
    assert page_one._images == []  # type: ignore[attr-defined]
    texts = [c.value for row in page_one.iter_rows() for c in row if isinstance(c.value, str)]
    assert "10 อันดับแรก (คะแนนรวม)" in texts and "สำนักงานทดสอบ P001" in texts
    assert len(book["แผนที่"]._images) == 3  # type: ignore[attr-defined]
