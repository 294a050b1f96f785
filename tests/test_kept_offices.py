"""A batch's offices kept in a scratch file beyond a count (assess/kept.py): every output is
the same whether the offices are held in memory or read back one at a time."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pmqa_cli.assess.batch import BatchOptions
from pmqa_cli.assess.kept import Offices, OfficeStore
from pmqa_cli.assess.office import ScoredOffice, score_office
from pmqa_cli.core.limits import Limits
from pmqa_cli.io.registry import Office
from pmqa_cli.report import given, run
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete, hand_case_submission, write


@pytest.fixture
def offices(mini: Rubric, make_submission: SubmissionFactory) -> list[ScoredOffice]:
    paths = [
        make_submission(mini, complete(mini, Filled(Office(code, f"สพป.{code}", OfficeType.PRIMARY,
                                                            "ทดสอบ"))), name=f"{code}.xlsx")
        for code in ("P003", "P001", "P002", "P004")
    ]  # fmt: skip
    return [score_office(path, mini) for path in paths]


def _stored(offices: list[ScoredOffice], store: OfficeStore) -> OfficeStore:
    for office in offices:
        store.append(office)
    return store


def test_offices_past_the_count_are_read_back_equal_and_placed(
    offices: list[ScoredOffice], tmp_path: Path
) -> None:
    store = _stored(offices, OfficeStore(in_memory=1, scratch=tmp_path))
    assert (len(store), store.on_disk) == (4, 3)
    assert [store[n] for n in range(4)] == offices  # read back from the file, equal
    store.place(lambda n, office: replace(office, rank=n + 1))
    assert [store[n].rank for n in range(4)] == [1, 2, 3, 4]  # placed, in memory and on disk
    view = Offices(store)
    assert list(view) == [replace(o, rank=n + 1) for n, o in enumerate(offices)]
    assert [o.rank for o in view.picked([3, 0])] == [4, 1]
    assert [o.rank for o in view[1:3]] == [2, 3] and view[-1].rank == 4
    assert view == list(view) and view != list(view)[:3]
    store.close()
    assert len(store) == 0


def test_a_store_under_its_count_makes_no_file(offices: list[ScoredOffice], tmp_path: Path) -> None:
    store = _stored(offices, OfficeStore(in_memory=10, scratch=tmp_path))
    assert store.on_disk == 0 and store[2] is offices[2]
    store.close()


@pytest.mark.skipif(not hasattr(os, "pread"), reason="no os.pread: Windows, which has no fork")
def test_a_read_never_moves_the_position_a_forked_worker_shares(
    offices: list[ScoredOffice], tmp_path: Path
) -> None:
    store = _stored(offices, OfficeStore(in_memory=0, scratch=tmp_path))
    assert store[3] == offices[3]  # read before the last office is flushed to the file
    assert store._file is not None
    store._file.seek(7)  # where another process sharing the handle left it
    assert [store[n] for n in range(4)] == offices
    assert store._file.tell() == 7
    store.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork (Windows)")
def test_a_forked_process_reads_the_offices_while_the_parent_does(
    offices: list[ScoredOffice], tmp_path: Path
) -> None:
    """The feedback workers read the offices on disk through the handle they inherit, while
    the parent writes the other outputs from the same file."""
    store = _stored(offices * 50, OfficeStore(in_memory=0, scratch=tmp_path))
    store.place(lambda n, office: office)
    codes = [o.office.code for o in offices] * 50
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def read_all() -> None:
        writer.send([[store[n].office.code for n in range(len(store))] for _ in range(3)])

    child = context.Process(target=read_all)
    child.start()
    for _ in range(3):
        assert [store[n].office.code for n in range(len(store))] == codes
    assert reader.recv() == [codes] * 3
    child.join(30)
    assert child.exitcode == 0
    store.close()


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    book.close()
    sheets.pop("เกี่ยวกับ")  # when it was written
    return sheets


def _outputs(folder: Path) -> tuple[dict[str, Any], dict[str, str], dict[str, Any], list[str]]:
    data = json.loads((folder / "r.json").read_text(encoding="utf-8"))
    data.pop("generated")
    tables = {p.name: p.read_text(encoding="utf-8-sig") for p in (folder / "csv").glob("*.csv")
              if p.name != "about.csv"}  # fmt: skip
    feedback = sorted(p.name for p in (folder / "fb").glob("*.xlsx"))
    return data, tables, _cells(folder / "results.xlsx"), feedback


def test_every_output_is_the_same_with_the_offices_on_disk(
    mini: Rubric, make_submission: SubmissionFactory, tmp_path: Path
) -> None:
    """Ranks, duplicates, an unreadable file, provisional results and verified scores: the
    places laid on offices read back from the file."""
    hand_case_submission(mini, make_submission)
    for code, k1 in (("P002", 20), ("S001", 45), ("P003", 20)):
        office = Office(code, f"สพ.{code}", OfficeType.SECONDARY if code[0] == "S" else
                        OfficeType.PRIMARY, "ทดสอบ")  # fmt: skip
        make_submission(
            mini, complete(mini, Filled(office, values={"K1": k1})), name=f"{code}.xlsx"
        )
    shutil.copy(tmp_path / "P002.xlsx", tmp_path / "P002 copy.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    submissions = tmp_path / "in"
    submissions.mkdir()
    for path in tmp_path.glob("*.xlsx"):
        path.rename(submissions / path.name)
    corrections = write(tmp_path / "corrections.csv",
                        "office,item,value,reason,by\nP001,K5,3.5,พิมพ์ผิด,นายค\n")  # fmt: skip
    verification = given.load_verification_option(mini, None, None, [corrections], None, Limits())
    seen = []
    for in_memory in (1000, 0):
        out = tmp_path / f"out-{in_memory}"
        out.mkdir()
        outputs = run.Outputs(out / "results.xlsx", json=out / "r.json", csv=out / "csv",
                              feedback=out / "fb")  # fmt: skip
        options = BatchOptions(jobs=1, steps=True, offices_in_memory=in_memory, scratch=tmp_path)
        found = run.find_submissions([submissions])
        with run.write_batch(found, [submissions], mini, outputs, registry=None,
                             options=options, command="pmqa batch",
                             verification=verification) as done:  # fmt: skip
            store = done.batch.store
            assert store is not None and store.on_disk == (6 if in_memory == 0 else 0)
            ranks = [(f.office.code, f.rank) for f in done.batch.scored]
        assert len(store) == 0  # closed with the batch
        seen.append(_outputs(out))
    assert ranks == [("P001", 2), ("P002", 3), ("P003", 3), ("S001", 1)]
    data, tables, cells, feedback = seen[0]
    assert data["counts"]["unreadable"] == 1 and len(data["duplicates"]) == 2
    assert len(tables) > 5 and len(feedback) == 4 and len(cells["สรุปผล"]) == 5
    assert seen[1] == seen[0]
