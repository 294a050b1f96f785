"""The round on the map in results.xlsx (แผนที่ sheet) and in the results JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.compare.geography import match_provinces

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
