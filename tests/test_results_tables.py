"""The results tables: columns declared once, blocks that say where they sit, charts drawn
from those blocks, and the same rows in xlsx and CSV."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.batch import run_batch
from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import sample_registry_path
from pmqa_cli.report.compare_tables import TOP_SHEET
from pmqa_cli.report.result_tables import (
    CHANGES_SHEET,
    CHARTS_SHEET,
    COUNTS_SHEET,
    INPUTS_SHEET,
    SHEETS,
    STATISTICS_SHEET,
    tables,
)
from pmqa_cli.rubric.model import Rubric

runner = CliRunner()


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    subs = tmp_path_factory.mktemp("subs")
    result = runner.invoke(app, ["sample", "-n", "8", "--out", str(subs), "--seed", "11"])
    assert result.exit_code == 0, result.output
    return subs


@pytest.fixture(scope="module")
def results(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(
        app, ["batch", str(samples), "-o", str(out / "r.xlsx"), "--csv", str(out / "csv")]
    )
    assert result.exit_code in (0, 1), result.output
    return out


def test_every_row_fits_its_declared_columns(samples: Path, shipped: Rubric) -> None:
    from pmqa_cli.verify.apply import Layers
    from pmqa_cli.verify.inputs import load_verification

    with run_batch([samples], shipped) as batch:
        plain = tables(batch, "pmqa batch", datetime(2024, 1, 1))
        # With verification files (here: none with rows) the changes sheet joins them.
        batch.verification = Layers(load_verification(shipped))
        verified = tables(batch, "pmqa batch", datetime(2024, 1, 1))
        built = [name for name, build in SHEETS if build is not None]
        assert [t.sheet for t in verified] == [*built, INPUTS_SHEET]
        assert [t.sheet for t in plain] == [n for n in built if n != CHANGES_SHEET] + [INPUTS_SHEET]
        for table in [*plain, *verified]:
            widths = [c.width for c in table.columns]
            assert all(w > 0 for w in widths), table.sheet
            for row in table.rows:
                assert len(row) <= len(table.columns), table.sheet


def _sheet(path: Path, name: str) -> Worksheet:
    ws = openpyxl.load_workbook(path)[name]
    assert isinstance(ws, Worksheet)
    return ws


def test_charts_read_the_blocks_they_name(results: Path, shipped: Rubric) -> None:
    """Every range a chart draws from holds what the chart says: band labels, status labels,
    indicator ids and their means, so a new row in the statistics cannot shift a chart."""
    book = results / "r.xlsx"
    sheets = {name: _sheet(book, name)
              for name in (STATISTICS_SHEET, COUNTS_SHEET, "สรุปสำหรับผู้บริหาร")}  # fmt: skip
    with zipfile.ZipFile(book) as z:
        every = [z.read(n).decode() for n in sorted(z.namelist()) if "charts/chart" in n]
    # chart1 is the executive summary's (tests/test_compare.py); then the กราฟ sheet's three.
    assert len(every) == 4
    charts = every[1:]

    def cells(ref: str, expected_sheet: str = STATISTICS_SHEET) -> list[object]:
        m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", ref)
        assert m, ref
        sheet, c1, r1, c2, r2 = m.groups()
        assert sheet == expected_sheet
        c2, r2 = c2 or c1, r2 or r1
        return [
            sheets[sheet].cell(r, column_index_from_string(c)).value
            for r in range(int(r1), int(r2) + 1)
            for c in {c1, c2}
        ]

    refs = [re.findall(r"<c:f>(.*?)</c:f>", chart) for chart in charts]
    bands = [b.label_th for b in shipped.scoring.overall_bands]
    statuses = [b.label_th for b in shipped.scoring.pmqa_status_bands]
    # Band chart: percentages of each type's offices, from the executive summary's table: per
    # series a name, the band labels, percentages that add up to about 100.
    executive = "สรุปสำหรับผู้บริหาร"
    assert cells(refs[0][0], executive) == ["สพป."] and cells(refs[0][1], executive) == bands
    assert cells(refs[0][3], executive) == ["สพม."] and cells(refs[0][4], executive) == bands
    for values in (cells(refs[0][2], executive), cells(refs[0][5], executive)):
        assert abs(sum(v for v in values if isinstance(v, (int, float))) - 100) < 0.05
    # Status chart: the counts of their own sheet (each table prints under its own header).
    assert cells(refs[1][0], COUNTS_SHEET) == ["รวม"]
    assert cells(refs[1][1], COUNTS_SHEET) == statuses
    total = sum(v for v in cells(refs[1][2], COUNTS_SHEET) if isinstance(v, int))
    summary_rows = _sheet(book, "สรุปผล").max_row - 1
    assert total == summary_rows  # every scored office has a status
    assert cells(refs[2][0]) == [i.id for i in shipped.indicators]
    means = cells(refs[2][1])
    assert all(isinstance(m, (int, float)) and 0 <= m <= 500 for m in means)
    assert CHARTS_SHEET in openpyxl.load_workbook(book).sheetnames


def test_score_columns_are_formatted_and_coloured(results: Path, shipped: Rubric) -> None:
    """A column declared Kind.SCORE gets the number format and a colour scale; others not."""
    ws = _sheet(results / "r.xlsx", "สรุปผล")
    headers = [c.value for c in ws[1]]
    score_cols = {headers.index(h) + 1 for h in ("คะแนนหมวด 1-6", "คะแนนหมวด 7", "คะแนนรวม")}
    for col in range(1, len(headers) + 1):
        fmt = ws.cell(2, col).number_format
        assert (fmt == "0." + "0" * shipped.scoring.decimals) == (col in score_cols), headers[
            col - 1
        ]
    ranges = {  # colour scales; the row shading of provisional results is tests/test_ranks.py's
        str(cf.sqref)
        for cf in ws.conditional_formatting
        if any(rule.type == "colorScale" for rule in cf.rules)
    }
    letters = {re.sub(r"\d", "", r.split(":")[0]) for r in ranges}
    assert letters == {openpyxl.utils.get_column_letter(c) for c in score_cols}
    assert ws.cell(2, headers.index("อันดับ") + 1).alignment.horizontal == "center"
    assert ws.cell(2, headers.index("ชื่อหน่วยงาน") + 1).alignment.horizontal is None


def test_csv_and_xlsx_hold_the_same_rows(results: Path) -> None:
    for name, csv_name in (("สรุปผล", "summary"), ("PMQA 4.0", "pmqa"), ("ปัญหาที่พบ", "findings")):
        ws = _sheet(results / "r.xlsx", name)
        xlsx_rows = [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
        with (results / "csv" / f"{csv_name}.csv").open(encoding="utf-8-sig") as handle:
            csv_rows = list(csv.reader(handle))
        assert len(xlsx_rows) == len(csv_rows), name
        for x, c in zip(xlsx_rows, csv_rows, strict=True):
            x = x + [""] * (len(c) - len(x))
            assert [_same(a, b) for a, b in zip(x, c, strict=True)] == [True] * len(c), name


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def test_a_region_or_province_alone_never_makes_a_ranks_row_taller(
    samples: Path, tmp_path: Path
) -> None:
    """The ranks print one page wide at 16 pt: a row is taller only for a cell that needs two
    lines. ภาคตะวันออกเฉียงเหนือ, the region of a third of the offices, and every single
    province fit their columns (they wrapped, a row in three as tall, before)."""
    out = tmp_path / "r.xlsx"
    registry = str(sample_registry_path())
    result = runner.invoke(app, ["batch", str(samples), "-o", str(out), "--registry", registry])
    assert result.exit_code in (0, 1), result.output
    ws = _sheet(out, TOP_SHEET)
    headers = [c.value for c in ws[1]]
    region, province = headers.index("ภาค") + 1, headers.index("จังหวัด") + 1
    regions = [ws.cell(r, region).value for r in range(2, ws.max_row + 1)]
    assert "ภาคตะวันออกเฉียงเหนือ" in regions
    for r in range(2, ws.max_row + 1):
        if " " not in str(ws.cell(r, province).value):  # one province (not an office's two)
            assert ws.row_dimensions[r].height == ws.row_dimensions[2].height, r
