"""One scored-office model: every output shows the numbers of the same object.

The feedback workbooks of a batch are written from the offices the batch already scored (no
file is read again), so they agree with results.json number for number, under any reading
limits; ``pmqa score --json``, ``pmqa validate --json`` and the batch's JSON give the same
office object for the same file. Means are checked against an independent exact calculation.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.cli.app import app
from pmqa_cli.core import portable
from pmqa_cli.io.registry import Office
from pmqa_cli.report.feedback import write_feedback
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete

runner = CliRunner()


def _places(value: float) -> int:
    """Decimal places of a number as stored (0.45 -> 2; 0.44999999999999996 -> 17)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _rows(ws: Any, first: int = 2) -> Iterator[tuple[Any, ...]]:
    assert isinstance(ws, Worksheet)
    yield from ws.iter_rows(min_row=first, values_only=True)


def _mean(values: list[float], decimals: int) -> float | None:
    """An independent mean: exact Fractions of the reported numbers, rounded half-up once."""
    if not values:
        return None
    exact = sum((Fraction(repr(v)) for v in values), Fraction(0)) / len(values)
    quantum = Decimal(1).scaleb(-decimals)
    return float((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP))  # fmt: skip


class Means:
    """National and per-type means of every part, issue and indicator, from results.json."""

    def __init__(self, offices: list[dict[str, Any]], decimals: int) -> None:
        scores: dict[tuple[str, str], list[float]] = defaultdict(list)
        for o in offices:
            kind = o["office"]["type_th"] or ""
            own = {"overall": o["overall"]["score"], "pmqa": o["parts"]["pmqa"]["score"],
                   "results": o["parts"]["results"]["score"]}  # fmt: skip
            own.update({i["id"]: i["score"] for i in o["issues"]})
            own.update({i["id"]: i["score"] for i in o["indicators"] if i["applies"]})
            for key, value in own.items():
                if value is not None:
                    scores[("", key)].append(value)
                    scores[(kind, key)].append(value)
        self.means = {k: _mean(v, decimals) for k, v in scores.items()}

    def of(self, key: str, kind: str = "") -> float | None:
        return self.means.get((kind, key))


def check_feedback_equals_results(folder: Path, data: dict[str, Any], rubric: Rubric) -> int:
    """Every number and label of every feedback workbook against results.json; returns how
    many numbers were compared."""
    ranking = {r["file"]: r for r in data["ranking"]}
    offices = [o for o in data["offices"] if ranking[o["file"]]["scored"]]
    assert sorted(p.stem for p in folder.glob("*.xlsx")) == sorted(
        o["office"]["code"] for o in offices
    )
    decimals = rubric.scoring.decimals
    means = Means(offices, decimals)
    with_overall = sum(1 for o in offices if o.get("overall"))
    # The national means are the statistics sheet's means.
    for stat in data["statistics"]:
        assert means.of(stat["key"]) == stat["mean"], stat["key"]
    return sum(
        _compare_office(folder / f"{o['office']['code']}.xlsx", o, ranking[o["file"]], means,
                        decimals, with_overall)
        for o in offices
    )  # fmt: skip


def _compare_office(
    path: Path,
    office: dict[str, Any],
    place: dict[str, Any],
    means: Means,
    decimals: int,
    scored_count: int,
) -> int:
    book = openpyxl.load_workbook(path)
    kind = office["office"]["type_th"] or ""
    seen: list[float] = []

    def number(cell: Any, expected: Any) -> None:
        assert isinstance(cell, (int, float)) and not isinstance(cell, bool), (path, cell)
        assert cell == expected, (path, cell, expected)
        assert _places(cell) <= decimals, (path, cell)
        seen.append(cell)

    def mean_cells(row: tuple[Any, ...], first: int, key: str) -> None:
        for col, of in ((first, ""), (first + 1, kind)):
            expected = means.of(key, of)
            if expected is None:
                assert row[col] == "-", (path, key)
            else:
                number(row[col], expected)

    lines = {r[0]: r for r in _rows(book["สรุปผล"], 4) if r[0]}
    for label, key, value in (
        ("คะแนนรวม (0-500)", "overall", office["overall"]["score"]),
        ("คะแนนหมวด 1-6 (PMQA 4.0)", "pmqa", office["parts"]["pmqa"]["score"]),
        ("คะแนนหมวด 7 (ตัวชี้วัด)", "results", office["parts"]["results"]["score"]),
    ):
        number(lines[label][1], value)
        mean_cells(lines[label], 2, key)
    assert lines["ระดับผลการประเมิน"][1] == (office["overall"]["band_th"] or "-")
    assert lines["สถานะ PMQA 4.0"][1] == (office["overall"]["status_th"] or "-")
    assert lines["อันดับ (ทั้งประเทศ)"][1].startswith(f"{place['rank'] or '-'} จาก ")
    assert lines["ข้อผิดพลาด / คำเตือน"][1] == (
        f"{office['stats']['errors']} / {office['stats']['warnings']}"
    )

    issues = {i["id"]: i for i in office["issues"]}
    shown = list(_rows(book["PMQA 4.0"]))
    assert [r[0] for r in shown] == list(issues)
    for row in shown:
        issue = issues[row[0]]
        number(row[1], issue["category"])
        number(row[3], issue["score"])
        mean_cells(row, 4, row[0])
        assert row[6] == issue["status_th"]

    indicators = {i["id"]: i for i in office["indicators"]}
    shown = list(_rows(book["ตัวชี้วัด"]))
    assert [r[0] for r in shown] == list(indicators)
    for row in shown:
        ind = indicators[row[0]]
        if ind["value"] is None:
            assert row[4] == "-"
        else:
            number(row[4], ind["value"])
        if ind["applies"]:
            number(row[5], ind["level"])
            number(row[6], ind["score"])
        else:
            assert (row[5], row[6]) in (("-", "ไม่เกี่ยวข้อง"), ("-", "ไม่ประเมิน"))
        mean_cells(row, 7, row[0])
        if isinstance(row[9], int):  # the next whole level
            assert 1 <= row[9] <= 5
            seen.append(row[9])

    overall = office["overall"]["score"]
    for n, row in enumerate(_rows(book["ขั้นต่อไป"]), start=1):
        if not isinstance(row[0], int):
            continue  # "nothing left to do"
        seen.append(row[0])
        assert row[0] == n
        gain, after = row[5], row[6]
        if gain == after == "ทราบเมื่อแก้ค่าแล้ว":  # a value to fix that holds no number
            continue
        number(after, after)
        number(gain, gain)
        assert Decimal(repr(after)) - Decimal(repr(overall)) == Decimal(repr(gain)), (path, row)

    found = [r for r in _rows(book["ปัญหาที่พบ"]) if r[0] != "ไม่พบปัญหา" and any(r)]
    assert [(r[1], r[2] or None, r[3] or None, r[4] or None) for r in found] == [
        (f["code"], f["sheet"], f["cell"], f["item_id"]) for f in office["findings"]
    ]

    # Where it stands: the national distribution, its own band marked once.
    if "ตำแหน่ง" in book.sheetnames:
        bands = [r for r in _rows(book["ตำแหน่ง"]) if isinstance(r[1], int)]
        assert len(bands) == 20, path
        for low_high, others, own in bands:
            low, high = (Decimal(x) for x in str(low_high).split("-"))
            inside = low <= Decimal(repr(overall)) < high or Decimal(repr(overall)) == high == 500
            assert own == int(inside), (path, low_high)
            seen += [others, own]
        assert sum(r[1] + r[2] for r in bands) == scored_count, path

    # No number in the workbook escaped the comparison.
    every = [
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
    ]
    assert sorted(every) == sorted(seen), path
    return len(seen)


def test_feedback_equals_results_for_every_office_of_245(batch_245: Path, shipped: Rubric) -> None:
    data = json.loads((batch_245 / "results.json").read_text(encoding="utf-8"))
    assert len(data["offices"]) == 245
    assert not [
        o for o in data["offices"] if any(f["code"] == "sheet-too-large" for f in o["findings"])
    ]
    compared = check_feedback_equals_results(batch_245 / "feedback", data, shipped)
    assert compared > 245 * 40


def test_feedback_equals_results_when_no_sheet_is_read_whole(
    samples_245: Path, tmp_path: Path, shipped: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a reading limit every PMQA 4.0 sheet is over, the feedback still shows the results'
    numbers: both render the one scored office, never a second reading of the file. Every
    eighth of the 245 samples: 31 offices of both kinds."""
    folder = tmp_path / "subs"
    folder.mkdir()
    for path in sorted(samples_245.glob("*.xlsx"))[::8]:
        shutil.copy(path, folder / path.name)
    assert {p.name[0] for p in folder.iterdir()} == {"P", "S"}
    monkeypatch.setenv("PMQA_MAX_ROWS", "30")  # the PMQA 4.0 sheets have more rows than this
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(
        app,
        ["batch", str(folder), "-o", str(out / "r.xlsx"), "--json", str(out / "r.json"),
         "--feedback", str(out / "feedback")],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert len(data["offices"]) == 31
    assert all(any(f["code"] == "sheet-too-large" for f in o["findings"]) for o in data["offices"])
    compared = check_feedback_equals_results(out / "feedback", data, shipped)
    assert compared > 31 * 40


def test_score_validate_and_batch_give_the_same_office_object(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "6", "--out", str(folder), "--seed", "5"])
    assert result.exit_code == 0, result.output
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    office = Office("S099", "สพม.พิมพ์เอง", OfficeType.SECONDARY, "ทดสอบ")
    filled = complete(shipped, Filled(office))
    filled.values["KPI-7.2.1"] = "85,5"  # typed with a comma: a finding, not a guess
    make_submission(shipped, filled, name="typed.xlsx").rename(folder / "typed.xlsx")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "r.xlsx"),
                                 "--json", str(out)])  # fmt: skip
    assert result.exit_code == 1, result.output
    batch = {o["file"]: o for o in json.loads(out.read_text(encoding="utf-8"))["offices"]}
    assert len(batch) == 8
    files = sorted(batch)
    validated = runner.invoke(app, ["validate", *files, "--json"])
    assert validated.exit_code == 1
    by_validate = {o["file"]: o for o in json.loads(validated.stdout)["files"]}
    for file in files:
        scored = runner.invoke(app, ["score", file, "--json"])
        assert scored.exit_code in (0, 1), scored.output
        scored_json = json.loads(scored.stdout)
        assert scored_json == batch[file], file
        assert by_validate[file] == scored_json, file
    broken = batch[str(folder / "broken.xlsx")]
    assert broken["readable"] is False and broken["parts"] is None
    typed = batch[str(folder / "typed.xlsx")]
    assert any(f["code"] == "decimal-comma" for f in typed["findings"])


def test_scores_are_rounded_once_and_every_output_shows_that_number(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    """An exact score of 411.39999999... is reported as 411.4 everywhere, stored as 411.4."""
    path = make_submission(shipped, complete(shipped))
    report = score_office(path, shipped, steps=True)
    assert report.scores is not None
    engine = dataclasses.replace(report.scores, exact_overall=Fraction(4113999999999999, 10**13))
    office = dataclasses.replace(report, scores=engine, self_assessed=engine)
    assert office.overall == Decimal("411.4000")
    assert json.dumps(office.to_dict()["overall"]["score"]) == "411.4"
    target = tmp_path / "feedback.xlsx"
    write_feedback(office, shipped, target)
    ws = openpyxl.load_workbook(target)["สรุปผล"]
    lines = {r[0]: r[1] for r in _rows(ws, 3) if r[0]}
    assert lines["คะแนนรวม (0-500)"] == 411.4
    with zipfile.ZipFile(target) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>411.4</v>" in sheet and "411.39999" not in sheet


def test_feedback_needs_the_next_steps(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    office = score_office(make_submission(shipped, complete(shipped)), shipped)
    with pytest.raises(ValueError, match="steps=True"):
        write_feedback(office, shipped, tmp_path / "f.xlsx")
    assert not (tmp_path / "f.xlsx").exists()


def test_two_offices_without_a_code_get_two_feedback_workbooks(
    tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    folder = tmp_path / "subs"
    folder.mkdir()
    for name in ("first.xlsx", "second.xlsx"):
        filled = complete(shipped, Filled(Office("", "", OfficeType.PRIMARY, "")))
        make_submission(shipped, filled, name=name).rename(folder / name)
    out = tmp_path / "out"
    args = ["batch", str(folder), "-o", str(tmp_path / "r.xlsx"), "--feedback", str(out),
            "--json", str(tmp_path / "r.json")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # no office code is an error
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names == ["unknown-first.xlsx", "unknown-second.xlsx"]
    # The results list which workbook is whose.
    ranking = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["ranking"]
    assert {Path(r["file"]).name: r["feedback_file"] for r in ranking} == {
        "first.xlsx": "unknown-first.xlsx",
        "second.xlsx": "unknown-second.xlsx",
    }


def _not_pickled(office: object, protocol: object) -> object:
    raise AssertionError("an office was pickled to be handed to a forked feedback worker")


def test_feedback_written_in_parallel_is_the_same_as_in_one_process(
    tmp_path: Path, shipped: Rubric, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmqa_cli.assess.batch import BatchOptions, run_batch
    from pmqa_cli.report.feedbacks import start_feedbacks, write_feedbacks

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "subs"
    result = runner.invoke(app, ["sample", "-n", "10", "--out", str(folder), "--seed", "3"])
    assert result.exit_code == 0, result.output
    # Every office read back from the batch's scratch file, and handed to the workers one
    # province group at a time (a batch of thousands is never all read back at once).
    options = BatchOptions(steps=True, offices_in_memory=0)
    with run_batch([folder], shipped, options=options) as batch:
        one = write_feedbacks(batch.scored, shipped, tmp_path / "one", jobs=1)
        if portable.start_method() == "fork":  # forked workers take the offices they inherit
            monkeypatch.setattr(ScoredOffice, "__reduce_ex__", _not_pickled, raising=False)
        two = write_feedbacks(batch.scored, shipped, tmp_path / "two", jobs=2)
        started = start_feedbacks(batch.scored, shipped, tmp_path / "few", jobs=2, in_flight=1)
        with started:
            in_flight = sum(map(len, started._futures.values()))
            waiting = len(started._groups)
            few = started.wait()
    assert in_flight == 1 and waiting >= 5  # ten offices in several provinces' groups
    assert [p.name for p in one] == [p.name for p in two] == [p.name for p in few]
    assert len(one) == 10
    for a, b, c in zip(one, two, few, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes(), a.name
