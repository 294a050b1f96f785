"""Hostile and broken input: a catalogue of bad workbooks, fuzzing, and the guarantees that hold.

Run it alone with `pytest -k hostile`. The whole-file cases of tests/test_files.py (empty, .xls,
encrypted, csv, text, html, truncated, missing part, malformed XML, entity bomb, external entity,
zip bomb, over 50 MB, a folder, a macro workbook) are part of the catalogue too.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.office import score_office
from pmqa_cli.cli.app import app
from pmqa_cli.io.layout import (
    INDICATOR_COLUMNS,
    OFFICE_COLUMNS,
    OFFICE_FIELDS,
    PMQA_COLUMNS,
    SHEET_INDICATORS,
    SHEET_META,
    SHEET_OFFICE,
    SHEET_PMQA,
)
from pmqa_cli.io.mark import Kind
from pmqa_cli.io.registry import Office, Registry
from pmqa_cli.report.template import build_template
from pmqa_cli.report.writer import save_atomic
from pmqa_cli.rubric.model import OfficeType, Rubric

from .broken_files import CASES as FILE_CASES
from .builders import Filled, Sheets, SubmissionFactory, complete, find_col, find_row

pytestmark = pytest.mark.hostile
runner = CliRunner()


def edit_part(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """Rewrite one XML part of a workbook as text (what a hand-edited script might do)."""
    target = path.with_name(path.stem + "-edited.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return target


def cell_edit(sheet: str, item: str, header: str, value: Any) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        ws = sheets[sheet]
        ws.cell(row=find_row(ws, item), column=find_col(ws, header)).value = value

    return edit


def superscript_digits(path: Path) -> Path:
    """Every style index and row number of an answers sheet with a "²" before it: a digit to
    str.isdigit that int() refuses (hand-edited XML; it once stopped the batch's worker)."""
    part = "xl/worksheets/sheet3.xml"
    return edit_part(
        path, part, lambda xml: xml.replace(' s="', ' s="²').replace('<row r="', '<row r="²')
    )


def huge_sheet(path: Path) -> Path:
    rows = "".join(
        f'<row r="{n}"><c r="Z{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(200, 1_000_200)
    )
    return edit_part(
        path, "xl/worksheets/sheet3.xml", lambda x: x.replace("</sheetData>", rows + "</sheetData>")
    )


def long_cell(path: Path) -> Path:
    return edit_part(
        path, "xl/worksheets/sheet3.xml", lambda x: x.replace("doc-PM1-B1", "ก" * 100_000, 1)
    )


def no_sheets(path: Path) -> Path:
    return edit_part(
        path, "xl/workbook.xml", lambda x: re.sub(r"<sheets>.*</sheets>", "<sheets/>", x)
    )


def empty_zip(path: Path) -> Path:
    target = path.with_name("empty-zip.xlsx")
    with zipfile.ZipFile(target, "w"):
        pass
    return target


def by_xlsxwriter(path: Path, rubric: Rubric) -> Path:
    """A submission written by another system (xlsxwriter: shared strings, its own styles)."""
    import xlsxwriter

    target = path.with_name("xlsxwriter.xlsx")
    book = xlsxwriter.Workbook(str(target))
    info = book.add_worksheet(SHEET_OFFICE)
    info.write_row(0, 0, [c.header for c in OFFICE_COLUMNS])
    values = {"office_code": "P001", "office_name": "สพป.ทดสอบ", "office_type": "สพป."}
    for n, f in enumerate(OFFICE_FIELDS, start=1):
        info.write_row(n, 0, [f.key, f.label_th, values.get(f.key, "")])
    pmqa = book.add_worksheet(SHEET_PMQA)
    pmqa.write_row(0, 0, [c.header for c in PMQA_COLUMNS])
    keys = [c.key for c in PMQA_COLUMNS]
    for n, (_, _, c) in enumerate(rubric.criteria(), start=1):
        pmqa.write_row(n, 0, [c.id, "", "", "", c.text_th, "ผ่าน"])
        pmqa.write(n, keys.index("evidence"), f"doc-{c.id}")
    kpi = book.add_worksheet(SHEET_INDICATORS)
    kpi.write_row(0, 0, [c.header for c in INDICATOR_COLUMNS])
    value_col = [c.key for c in INDICATOR_COLUMNS].index("value")
    for n, ind in enumerate(rubric.indicators, start=1):
        if not ind.applies(OfficeType.PRIMARY):
            continue
        value: Any = ind.thresholds[2] if ind.thresholds else 3
        if ind.method.value == "pass_fail":
            value = "ผ่าน"
        kpi.write(n, 0, ind.id)
        kpi.write(n, value_col, value)
        kpi.write(n, [c.key for c in INDICATOR_COLUMNS].index("evidence"), f"doc-{ind.id}")
    meta = book.add_worksheet(SHEET_META)
    for n, (key, val) in enumerate(
        [
            ("rubric_id", rubric.id),
            ("rubric_version", rubric.version),
            ("rubric_sha256", rubric.sha256),
        ]
    ):
        meta.write_row(n, 0, [key, val])
    meta.hide()
    book.close()
    return target


@dataclass
class Case:
    """One hostile workbook and the findings it must produce (empty: read as is)."""

    expected: set[str]
    change: Callable[[Filled], None] | None = None
    edit: Callable[[Sheets], None] | None = None
    raw: Callable[[Path], Path] | None = None
    kwargs: dict[str, Any] | None = None


def _merge_answers(sheets: Sheets) -> None:
    ws = sheets[SHEET_PMQA]
    col = find_col(ws, "ผลการประเมินตนเอง")
    row = find_row(ws, "PM1-B1")
    ws.merge_cells(start_row=row, start_column=col, end_row=row + 2, end_column=col)


def _hide_rows_and_columns(sheets: Sheets) -> None:
    ws = sheets[SHEET_PMQA]
    ws.row_dimensions[find_row(ws, "PM1-B2")].hidden = True
    ws.column_dimensions["F"].hidden = True


def _rename_sheet(sheets: Sheets) -> None:
    sheets[SHEET_PMQA].title = "PMQA"


def _move_headers(sheets: Sheets) -> None:
    ws = sheets[SHEET_INDICATORS]
    ws.move_range("A3:N15", rows=5)


def _invisible_characters(sheets: Sheets) -> None:
    cell_edit(R, "KPI-7.2.1", V, "\u200f\u200b86\u200e")(sheets)
    cell_edit(SHEET_PMQA, "PM1-B1", "หลักฐาน", "หลักฐาน 📎 \u202eabc\u202c 👍🏽")(sheets)


def _rename_header(sheets: Sheets) -> None:
    ws = sheets[SHEET_INDICATORS]
    ws.cell(row=3, column=find_col(ws, "ผลการดำเนินงาน")).value = "ผล"


def _duplicate_id(sheets: Sheets) -> None:
    ws = sheets[SHEET_INDICATORS]
    ws.cell(row=find_row(ws, "KPI-7.2.1"), column=1).value = "KPI-7.1.3"


def _other_year(sheets: Sheets) -> None:
    ws = sheets[SHEET_META]
    ws.cell(row=find_row(ws, "rubric_id"), column=2).value = "obec-esao-2566"


V, R = "ผลการดำเนินงาน", SHEET_INDICATORS
REGISTRY = Registry("r", {"P999": Office("P999", "x", OfficeType.PRIMARY)})

CATALOGUE: dict[str, Case] = {
    "empty zip archive": Case({"file-not-workbook"}, raw=empty_zip),
    "workbook with no sheets": Case({"sheet-missing", "rubric-unknown"}, raw=no_sheets),
    "a million rows": Case({"sheet-too-large"}, raw=huge_sheet),
    "superscript digits in style and row numbers": Case(set(), raw=superscript_digits),
    "sheets renamed": Case({"sheet-missing"}, edit=_rename_sheet),
    "header renamed": Case({"header-missing"}, edit=_rename_header),
    "headers moved down": Case(set(), edit=_move_headers),
    # Two Basic answers lost under the merge, so the tiers above are gated too.
    "merged cells over answers": Case({"answer-missing", "tier-gated"}, edit=_merge_answers),
    "hidden rows and columns": Case(set(), edit=_hide_rows_and_columns),
    "boolean where a number belongs": Case(
        {"value-not-number"}, edit=cell_edit(R, "KPI-7.2.1", V, True)
    ),
    "date where a number belongs": Case(
        {"value-not-number"}, edit=cell_edit(R, "KPI-7.2.1", V, datetime(2024, 1, 1))
    ),
    "time where a number belongs": Case(
        {"value-not-number"}, edit=cell_edit(R, "KPI-7.6.2", V, time(8, 30))
    ),
    "negative number": Case({"value-out-of-range"}, edit=cell_edit(R, "KPI-7.6.2", V, -3)),
    "NaN as text": Case({"value-not-number"}, edit=cell_edit(R, "KPI-7.6.2", V, "NaN")),
    "infinity as text": Case({"value-not-number"}, edit=cell_edit(R, "KPI-7.6.2", V, "-Infinity")),
    "absurdly large number": Case({"value-out-of-range"}, edit=cell_edit(R, "KPI-7.6.2", V, 1e300)),
    "absurdly large percentage": Case(
        {"value-percent-over-100"}, edit=cell_edit(R, "KPI-7.2.1", V, "1e300")
    ),
    "Thai digits mixed with Arabic": Case(set(), edit=cell_edit(R, "KPI-7.2.1", V, "8๖.๕0")),
    "zero-width, RTL marks and emoji": Case(set(), edit=_invisible_characters),
    "tabs and line breaks in text": Case(set(), edit=cell_edit(R, "KPI-7.2.1", V, "\t86\n")),
    "100,000-character cell": Case({"text-too-long"}, raw=long_cell),
    "formula without a cached value": Case(
        {"formula-no-value"}, edit=cell_edit(R, "KPI-7.2.1", V, "=A1*2")
    ),
    "#DIV/0! in a cell": Case({"cell-error"}, edit=cell_edit(R, "KPI-7.2.1", V, "#DIV/0!")),
    "#REF! in a cell": Case(
        {"cell-error", "tier-gated"},
        edit=cell_edit(SHEET_PMQA, "PM1-B1", "ผลการประเมินตนเอง", "#REF!"),
    ),
    "duplicate item ids": Case({"item-duplicate", "item-missing"}, edit=_duplicate_id),
    "template of another fiscal year": Case({"rubric-mismatch"}, edit=_other_year),
    "office code that does not exist": Case({"office-code-unknown"}, kwargs={"registry": REGISTRY}),
    "written by xlsxwriter": Case(set(), raw=None),  # built in the test
}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_catalogue(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory, name: str
) -> None:
    case = CATALOGUE[name]
    filled = complete(shipped)
    if case.change:
        case.change(filled)
    path = make_submission(shipped, filled, edit=case.edit)
    if name == "written by xlsxwriter":
        path = by_xlsxwriter(path, shipped)
    if case.raw:
        path = case.raw(path)
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    report = score_office(path, shipped, **(case.kwargs or {}))
    codes = {f.code for f in report.findings}
    assert codes == case.expected, [(f.code, f.cell, f.item_id) for f in report.findings]
    for finding in report.findings:
        assert finding.code and finding.message_th and finding.message_en
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before


def test_the_catalogue_has_at_least_30_kinds() -> None:
    assert len(CATALOGUE) + len(FILE_CASES) >= 30


def test_a_batch_over_the_catalogue(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    good = make_submission(shipped, complete(shipped))
    expected: dict[str, set[str]] = {}
    for code, make in FILE_CASES.values():
        if code in ("file-not-found", "file-unreadable", "file-too-large"):
            continue
        path = make(folder, good)
        expected[path.name] = {code}
    for n, (name, case) in enumerate(sorted(CATALOGUE.items())):
        if not case.expected or case.kwargs or name == "a million rows":
            continue
        filled = complete(shipped, Filled(Office(f"P{n:03d}", name, OfficeType.PRIMARY)))
        path = make_submission(shipped, filled, edit=case.edit, name=f"case-{n}.xlsx")
        if case.raw:
            path = case.raw(path)
        target = folder / f"case-{n}.xlsx"
        shutil.move(str(path), target)
        expected[target.name] = case.expected
    twin = folder / "twin.xlsx"
    shutil.copy(folder / next(n for n in expected if n.startswith("case-")), twin)
    out = tmp_path / "results.xlsx"
    result = runner.invoke(
        app, ["batch", str(folder), "-o", str(out), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for finding in data["findings"]:
        found.setdefault(Path(finding["file"]).name, set()).add(finding["code"])
    for name, codes in expected.items():
        assert codes <= found.get(name, set()), name
    assert "office-copy" in found["twin.xlsx"]  # byte-identical: one submission
    wb = openpyxl.load_workbook(out, read_only=True)
    listed = {row[0] for row in wb["ปัญหาที่พบ"].iter_rows(min_row=2, values_only=True)}
    assert set(expected) | {"twin.xlsx"} <= listed


# --- fuzzing -----------------------------------------------------------------------------

cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.sampled_from(["ผ่าน", "ไม่ผ่าน", "-", "N/A", "ไม่เกี่ยวข้อง", "๘๕", "85%", "1,234.5", "=1/0"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=2000, max_size=6000),
)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory, shipped: Rubric) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "blank.xlsx"
    wb, _ = build_template(shipped, Office("P001", "สพป.ทดสอบ", OfficeType.PRIMARY))
    save_atomic(wb, path, kind=Kind.TEMPLATE)
    return path


def input_cells(ws: Worksheet) -> list[Any]:
    return [c for row in ws.iter_rows() for c in row if c.protection.locked is False]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(cell_values, min_size=1, max_size=400), seed=st.integers(0, 2**16))
def test_fuzz_arbitrary_values_in_every_input_cell(
    tmp_path: Path, shipped: Rubric, blank: Path, values: list[Any], seed: int
) -> None:
    wb = openpyxl.load_workbook(blank)
    cells = [c for ws in wb.worksheets if isinstance(ws, Worksheet) for c in input_cells(ws)]
    rng = random.Random(seed)
    for cell in cells:
        cell.value = rng.choice(values)
    path = tmp_path / f"fuzz-{seed}.xlsx"
    wb.save(path)
    report = score_office(path, shipped)
    assert report.scores is not None
    for finding in report.findings:
        assert finding.code
        if finding.code not in ("rubric-unknown", "sheet-missing", "header-missing"):
            assert finding.cell or finding.code in ("item-missing", "tier-gated"), finding
    for issue in report.scores.issues:
        assert 0 <= issue.score <= issue.max_score
    for ind in report.scores.indicators:
        assert 0 <= ind.score <= 500
    assert report.scores.overall is not None and 0 <= report.scores.overall <= 500
    json.dumps(report.to_dict(), allow_nan=False)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32))
def test_shuffling_rows_never_changes_the_score(
    tmp_path: Path, shipped: Rubric, blank: Path, seed: int
) -> None:
    rng = random.Random(seed)
    filled = complete(shipped)
    for _, _, criterion in shipped.criteria():
        filled.answers[criterion.id] = rng.choice(["ผ่าน", "ไม่ผ่าน"])
    wb = openpyxl.load_workbook(blank)
    scores = []
    for shuffle in (False, True):
        for name, answers in ((SHEET_PMQA, filled.answers), (SHEET_INDICATORS, filled.values)):
            ws = wb[name]
            assert isinstance(ws, Worksheet)
            col = find_col(ws, "ผลการประเมินตนเอง" if name == SHEET_PMQA else "ผลการดำเนินงาน")
            for item, value in answers.items():
                ws.cell(row=find_row(ws, item), column=col).value = value
            if shuffle:
                item_rows = [r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value]
                contents = [
                    [ws.cell(row=r, column=c).value for c in range(1, 16)] for r in item_rows
                ]
                rng.shuffle(contents)
                for r, content in zip(item_rows, contents, strict=True):
                    for c, value in enumerate(content, start=1):
                        if not isinstance(ws.cell(row=r, column=c), openpyxl.cell.cell.MergedCell):
                            ws.cell(row=r, column=c).value = value
        path = tmp_path / f"s-{seed}-{shuffle}.xlsx"
        wb.save(path)
        report = score_office(path, shipped)
        assert report.scores is not None
        scores.append(report.scores.to_dict())
    assert scores[0] == scores[1]


# --- guarantees ------------------------------------------------------------------------------


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
    }


def test_no_command_touches_a_submission(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    assert runner.invoke(app, ["sample", "-n", "4", "--out", str(folder)]).exit_code == 0
    before = _fingerprint(folder)
    first = next(iter(sorted(folder.iterdir())))
    runner.invoke(app, ["validate", *map(str, folder.iterdir())])
    runner.invoke(app, ["score", str(first), "--json"])
    runner.invoke(app, ["score", str(first), "-o", str(tmp_path / "fb.xlsx")])
    runner.invoke(
        app,
        ["batch", str(folder), "-o", str(tmp_path / "r.xlsx"), "--feedback", str(tmp_path / "fb")],
    )
    assert _fingerprint(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)


def test_source_date_epoch_gives_byte_identical_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    assert runner.invoke(app, ["sample", "-n", "5", "--out", str(folder)]).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for n in range(2):
        out = tmp_path / f"r{n}"
        out.mkdir()
        runner.invoke(
            app,
            ["batch", str(folder), "-o", str(out / "r.xlsx"), "--json", str(out / "r.json"),
             "--csv", str(out / "csv")],
        )  # fmt: skip
        outputs.append(out)
    for name in ("r.xlsx", "r.json", "csv/summary.csv", "csv/about.csv"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name


def test_an_interrupted_write_leaves_no_half_written_output(
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pmqa_cli.report import outputs

    path = make_submission(shipped, complete(shipped))
    out = tmp_path / "out"
    out.mkdir()
    target = out / "r.xlsx"
    target.write_bytes(b"the previous results")

    real_fdopen = os.fdopen

    class Interrupted:
        """The real temporary file, whose write is interrupted (Ctrl-C mid-write)."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Interrupted:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

        def write(self, data: bytes) -> int:
            raise KeyboardInterrupt

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return Interrupted(real_fdopen(fd, mode, *args, **kwargs))

    monkeypatch.setattr(outputs.os, "fdopen", fdopen)  # type: ignore[attr-defined]
    # --force: the previous file is not pmqa's own, so without it the run stops before writing.
    result = runner.invoke(app, ["batch", str(path), "-o", str(target), "--force"])
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert target.read_bytes() == b"the previous results"
    assert [p.name for p in out.iterdir()] == ["r.xlsx"], "no temporary file left behind"
    again = runner.invoke(app, ["batch", str(path), "-o", str(target), "--force"])
    assert again.exit_code == 0, again.output
    assert openpyxl.load_workbook(target).sheetnames[:2] == ["สรุปสำหรับผู้บริหาร", "แผนที่"]


def test_limits_are_settings(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    path = make_submission(shipped, complete(shipped))
    env = {"PMQA_MAX_FILE_MB": "0.001"}
    result = runner.invoke(app, ["validate", "--json", str(path)], env=env)
    assert result.exit_code == 1
    assert json.loads(result.output)["files"][0]["findings"][0]["code"] == "file-too-large"
    bad = runner.invoke(app, ["validate", str(path)], env={"PMQA_MAX_ROWS": "many"})
    assert bad.exit_code == 2, bad.output
    assert "PMQA_MAX_ROWS" in bad.output


def test_libreoffice_saved_workbook_reads_the_same(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (LibreOffice) is not installed; .ci/run installs it")
    path = make_submission(shipped, complete(shipped))
    out = tmp_path / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    resaved = out / path.name
    original, again = score_office(path, shipped), score_office(resaved, shipped)
    assert again.findings == () or {f.code for f in again.findings} == {"rubric-version-mismatch"}
    assert original.scores is not None and again.scores is not None
    assert again.scores.to_dict() == original.scores.to_dict()


def test_outputs_get_the_usual_file_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "t.xlsx"
        assert runner.invoke(app, ["template", "-o", str(out)]).exit_code == 0
        assert out.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)
