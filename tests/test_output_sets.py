"""Every command that writes files writes them as one set (report/staging.py): a full disk
part-way leaves the previous outputs byte-identical, a second run at the same outputs is refused
naming the first, and a normal run leaves no staging folder or lock behind.

Each case runs its command twice, with different inputs, so that the second run would write
other bytes: the previous outputs staying the same is then something the staging does.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.io.registry import Office
from pmqa_cli.report.pdf import find_soffice
from pmqa_cli.report.staging import LOCK_SUFFIX, STAGING_PREFIX, lock_path
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    """A command that writes: its arguments for run 0 and run 1 (different bytes), its
    outputs, and the write (counted from 1) that fails when the disk fills up."""

    args: Callable[[int], list[str]]
    outputs: list[Path]
    fail_at: int


def said(result: object) -> str:
    return " ".join(str(getattr(result, "output", "")).split())


def digests(paths: list[Path]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        found.update({str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files})
    return found


def leftovers(folder: Path) -> list[str]:
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.name.startswith(STAGING_PREFIX) or p.name.endswith((LOCK_SUFFIX, ".tmp"))
    )


def submissions(tmp_path: Path, rubric: Rubric, make: SubmissionFactory) -> list[Path]:
    folder = tmp_path / "subs"
    folder.mkdir()
    made = []
    for n in (1, 2):
        office = Office(f"P00{n}", f"สพป.ทดสอบ เขต {n}", OfficeType.PRIMARY, "ทดสอบ")
        path = make(rubric, complete(rubric, Filled(office)), name=f"P00{n}.xlsx")
        made.append(path.replace(folder / path.name))
    return made


def case(name: str, tmp_path: Path, rubric: Rubric, make: SubmissionFactory) -> Case:
    out = tmp_path / "out"
    out.mkdir()
    if name in ("score", "score --pdf"):
        subs = submissions(tmp_path, rubric, make)
        pdf = ["--pdf"] if name == "score --pdf" else []
        outputs = [out / "fb.xlsx", *([out / "fb.pdf"] if pdf else [])]
        return Case(lambda v: ["score", str(subs[v]), "-o", str(out / "fb.xlsx"), *pdf],
                    outputs, len(outputs))  # fmt: skip
    if name == "review-sheet":
        subs = submissions(tmp_path, rubric, make)
        return Case(lambda v: ["review-sheet", *map(str, subs[: v + 1]), "-o",
                               str(out / "review.xlsx")], [out / "review.xlsx"], 1)  # fmt: skip
    if name == "template":
        office = ["--office", "P001"]
        return Case(lambda v: ["template", "-o", str(out / "t.xlsx"), *office[: 2 - 2 * v]],
                    [out / "t.xlsx"], 1)  # fmt: skip
    if name == "sample":
        return Case(lambda v: ["sample", "--out", str(out / "samples"), "--count", "3",
                               "--jobs", "1", "--seed", str(v + 1)],
                    [out / "samples"], 2)  # fmt: skip
    assert name == "compare"
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("รหัส,คะแนนรวม\nP001,300\nP002,310\n", encoding="utf-8")
    new.write_text("รหัส,คะแนนรวม\nP001,320\nP002,305\n", encoding="utf-8")
    outputs = [out / "c.xlsx", out / "c.json", out / "csv"]
    return Case(lambda v: ["compare", str(old), str(new), "-o", str(outputs[0]), "--json",
                           str(outputs[1]), "--csv", str(outputs[2]), "--new-label", f"รอบ {v}"],
                outputs, 2)  # fmt: skip


COMMANDS = [
    "score",
    pytest.param(
        "score --pdf",
        marks=pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed"),
    ),
    "review-sheet",
    "template",
    "sample",
    "compare",
]


@pytest.mark.parametrize("name", COMMANDS)
def test_a_full_disk_part_way_leaves_the_previous_outputs_whole(
    name: str,
    tmp_path: Path,
    shipped: Rubric,
    make_submission: SubmissionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = case(name, tmp_path, shipped, make_submission)
    system_temp = tmp_path / "system-temp"  # where temporary files would go without the set
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))  # LibreOffice's, for --pdf
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    first = runner.invoke(app, run.args(0))
    assert first.exit_code == 0, first.output
    assert all(p.exists() for p in run.outputs)
    assert leftovers(tmp_path) == []  # a normal run: no staging folder, lock or temporary file
    before = digests(run.outputs)

    writes: list[int] = []
    real_fsync = os.fsync

    def filling_disk(fd: int) -> None:  # every output is flushed to disk before its rename
        writes.append(fd)
        if len(writes) >= run.fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", filling_disk)
    failed = runner.invoke(app, run.args(1))
    monkeypatch.setattr(os, "fsync", real_fsync)
    words = said(failed)
    assert failed.exit_code == 1, failed.output
    assert len(writes) == run.fail_at  # the disk filled up after the first file was written
    assert "No space left on device" in words
    assert "Nothing was written: the previous outputs are as they were" in words
    assert STAGING_PREFIX not in words and "Traceback" not in words and "Excel" not in words
    assert str(run.outputs[0]) in words or str(run.outputs[0].parent) in words
    assert digests(run.outputs) == before
    assert leftovers(tmp_path) == []

    again = runner.invoke(app, run.args(1))  # the same run with room on the disk: written
    assert again.exit_code == 0, again.output
    assert digests(run.outputs) != before
    assert leftovers(tmp_path) == []
    assert list(system_temp.iterdir()) == []


@pytest.mark.parametrize("name", [c for c in COMMANDS if isinstance(c, str)])
def test_outputs_another_run_is_writing_are_refused_naming_it(
    name: str, tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory
) -> None:
    run = case(name, tmp_path, shipped, make_submission)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        lock = lock_path(run.outputs[-1])
        record = {"pid": other.pid, "host": socket.gethostname(), "started": "2026-01-05T09:00:00",
                  "command": "pmqa batch ส่งแล้ว -o elsewhere.xlsx"}  # fmt: skip
        lock.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        refused = runner.invoke(app, run.args(0))
        words = said(refused)
        assert refused.exit_code == 2, refused.output
        assert f"is being written by another pmqa run {other.pid}" in words
        assert "pmqa batch ส่งแล้ว -o elsewhere.xlsx" in words and str(lock) in words
        assert not any(p.exists() for p in run.outputs)  # nothing written, not even half
        assert lock.exists()  # the other run's lock is left to it
        lock.unlink()
        assert leftovers(tmp_path) == []
    finally:
        other.kill()
        other.wait()
