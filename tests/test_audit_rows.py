"""The audit trail's rows prepared in the batch's workers are the bytes xlsxwriter writes."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pmqa_cli.assess.batch import Prepared, run_batch
from pmqa_cli.assess.submission import ValueRead
from pmqa_cli.io.registry import Office
from pmqa_cli.report import audit_rows
from pmqa_cli.report.audit_rows import AuditRows, AuditTrail, Rows
from pmqa_cli.report.result_tables import INPUTS_SHEET
from pmqa_cli.report.tables import Formats, Kind, xlsx_book
from pmqa_cli.rubric.model import OfficeType, Rubric
from tests.builders import Filled, SubmissionFactory, complete

ASTRAL = "\U0001f600"  # two UTF-16 units


def value(raw: Any, used: Any = None, field: str = "answer") -> ValueRead:
    return ValueRead("แผ่นงาน", "C4", "PM1-B1", field, raw, raw if used is None else used)


#: Text xlsxwriter treats specially, numbers, and what it leaves out.
HARD = [
    value("ปกติ"),
    value("=SUM(A1)"),
    value("+66 2 123 4567"),
    value("-5", Decimal("-5")),
    value("@mention"),
    value("\tแท็บ"),
    value(" ช่องว่างหน้า"),
    value("ช่องว่างหลัง "),
    value("บรรทัด\nใหม่"),
    value("ควบคุม\x01\x07\x1f"),
    value("_x0041_ ไม่ใช่ตัวควบคุม"),
    value("<r>rich</r>"),
    value('<b>&amp; "quoted" > less</b>'),
    value("\ufffe\uffff"),
    value("", ""),
    value("1.5", Decimal("1.5")),
    value("7", 7),
    value("0.1", 0.1),
    value("1e300", 1e300),
    value("nan", float("nan")),
    value("inf", Decimal("Infinity")),
    value("True", True, field="value"),
    value("False", False),
    value("2567-01-31", date(2024, 1, 31)),
    value("ไม่มีค่า", None),
    value("x" * 20_000),
    value(ASTRAL * 17_000),
    value("y" * 40_000),
]


def _write(
    path: Path, files: Sequence[tuple[str, str, list[ValueRead]]], prepared: bool
) -> dict[str, bytes]:
    """An audit trail written one way or the other; its workbook's parts."""
    book = xlsx_book(str(path), constant_memory=True, tmpdir=str(path.parent))
    formats = Formats(book, 2)
    # A sheet before the trail, written after it, as results.xlsx's summary sheets are: the
    # styles are numbered in the order they are first used.
    other = book.add_worksheet("ก่อน")
    trail = AuditTrail(book, formats)
    assert trail.prepare is not None  # this xlsxwriter keeps its rows as expected
    for file, sha, values in files:
        if prepared:
            trail.add_prepared(file, sha, trail.prepare(file, sha, values))
        else:
            trail(file, sha, values)
    other.write_string(0, 0, "=หลัง", formats.by_kind[Kind.CENTER][1])
    other.write_string(1, 0, "=หลัง", formats.by_kind[Kind.TEXT][1])
    book.close()
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/")}


@pytest.mark.parametrize("rows_per_sheet", [1_000_000, 7])
def test_prepared_rows_are_the_bytes_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_per_sheet: int
) -> None:
    monkeypatch.setattr(audit_rows, "MAX_SHEET_ROWS", rows_per_sheet)
    files = [
        ("in/plain.xlsx", "a" * 64, HARD[:1] * 3),
        ("in/empty.xlsx", "", []),
        ("in/hard.xlsx", "b" * 64, HARD),
        ("in/again.xlsx", "c" * 64, HARD[::-1]),
    ]
    (tmp_path / "slow").mkdir()
    (tmp_path / "fast").mkdir()
    slow = _write(tmp_path / "slow" / "r.xlsx", files, prepared=False)
    fast = _write(tmp_path / "fast" / "r.xlsx", files, prepared=True)
    assert slow.keys() == fast.keys()
    for name in slow:
        assert fast[name] == slow[name], name
    sheets = [n for n in slow if n.startswith("xl/worksheets/sheet")]
    rows = 3 + 2 * len(HARD)
    assert len(sheets) == 1 + -(-rows // rows_per_sheet)  # the other sheet, then the trail's


def test_text_starting_like_a_formula_is_quoted_and_read_back_as_text(tmp_path: Path) -> None:
    files = [("in/a.xlsx", "d" * 64, HARD)]
    _write(tmp_path / "r.xlsx", files, prepared=True)
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")[INPUTS_SHEET]
    raw = [row[6] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert raw[1] == "=SUM(A1)"
    assert ws.cell(3, 7).quotePrefix
    assert raw[0] == "ปกติ" and raw[8] == "บรรทัด\nใหม่"


def test_rows_are_rendered_once_per_value_and_numbered_by_the_parent() -> None:
    rows = AuditRows()("x/P001.xlsx", "e" * 64, [value("ก", ""), value("", "")])
    assert isinstance(rows, Rows)
    assert len(rows.rows) == 2
    assert rows.rows[0].startswith(b'<row r="\x00"\x02><c r="A\x00" t="inlineStr"><is><t>P001.xlsx')
    assert (rows.first_column, rows.last_column, rows.quoted) == (0, 6, False)


def _submissions(tmp_path: Path, rubric: Rubric, make: SubmissionFactory, count: int) -> Path:
    """A folder of ``count`` complete submissions, 0.xlsx, 1.xlsx, ..."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(count):
        office = Office(f"P00{n + 1}", f"สพป.{n}", OfficeType.PRIMARY)
        make(rubric, complete(rubric, Filled(office))).rename(folder / f"{n}.xlsx")
    return folder


class _Sink:
    """A Prepared on_values that records where its work was done."""

    def __init__(self) -> None:
        self.got: list[tuple[str, Any]] = []
        self.called = 0

    @property
    def prepare(self) -> Any:
        return _prepare_in_worker

    def add_prepared(self, file: str, sha256: str, prepared: Any) -> None:
        self.got.append((Path(file).name, prepared))

    def __call__(self, file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        self.called += 1


def _prepare_in_worker(file: str, sha256: str, values: Sequence[ValueRead]) -> tuple[int, int]:
    return os.getpid(), len(values)


def test_a_prepared_sink_has_its_work_done_in_the_workers_in_file_order(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = _submissions(tmp_path, shipped, make_submission, 5)
    sink = _Sink()
    assert isinstance(sink, Prepared)
    with run_batch([folder], shipped, on_values=sink, keep_values=True) as result:
        assert [name for name, _ in sink.got] == [f"{n}.xlsx" for n in range(5)]
        assert sink.called == 0
        assert all(pid != os.getpid() for _, (pid, _) in sink.got)
        assert [count for _, (_, count) in sink.got] == [
            sum(1 for v in result.iter_values() if v[0] == f.path) for f in result.files
        ]
        assert result.values_count == sum(count for _, (_, count) in sink.got) > 0


def test_a_plain_on_values_gets_every_value_in_file_order(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = _submissions(tmp_path, shipped, make_submission, 3)
    got: list[tuple[str, str, ValueRead]] = []

    def on_values(file: str, sha256: str, values: Sequence[ValueRead]) -> None:
        got.extend((file, sha256, v) for v in values)

    with run_batch([folder], shipped, on_values=on_values, keep_values=True) as result:
        assert got == list(result.iter_values())
        assert len(got) == result.values_count > 0
        assert all(f.values == () for f in result.files)  # the values travel apart
