"""One run, one set of outputs: staged, committed together or not at all, locked while written."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pmqa_cli.core.errors import OutputError, UsageError
from pmqa_cli.core.hashing import sha256_file
from pmqa_cli.io.mark import WRITTEN_RECORD, written_record
from pmqa_cli.report.staging import STAGING_PREFIX, OutputSet, lock_path


def leftovers(folder: Path) -> list[str]:
    """What a run left behind: staging folders and locks (pmqa's record of the files it wrote
    is an output)."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(".") and p.name != WRITTEN_RECORD)  # fmt: skip


def test_outputs_reach_their_places_only_on_commit(tmp_path: Path) -> None:
    results, feedback = tmp_path / "results.xlsx", tmp_path / "feedback"
    with OutputSet([results, feedback]) as outputs:
        outputs.stage(results).write_bytes(b"new results")
        staged = outputs.stage(feedback)
        staged.mkdir()
        (staged / "P001.xlsx").write_bytes(b"one")
        assert not results.exists() and not feedback.exists()
        records = [tmp_path / WRITTEN_RECORD, feedback / WRITTEN_RECORD]
        assert sorted(outputs.commit()) == sorted([feedback / "P001.xlsx", results, *records])
    assert results.read_bytes() == b"new results"
    assert (feedback / "P001.xlsx").read_bytes() == b"one"
    # Each workbook recorded in its folder, so a later run replaces it only as written here.
    assert written_record(tmp_path) == {"results.xlsx": sha256_file(results)}
    assert written_record(feedback) == {"P001.xlsx": sha256_file(feedback / "P001.xlsx")}
    assert leftovers(tmp_path) == []  # no staging folder, no lock


def test_an_error_part_way_leaves_the_previous_set_whole(tmp_path: Path) -> None:
    results, feedback = tmp_path / "results.xlsx", tmp_path / "feedback"
    results.write_bytes(b"old results")
    feedback.mkdir()
    (feedback / "P001.xlsx").write_bytes(b"old one")
    (feedback / "notes.txt").write_text("the analyst's own file")
    with pytest.raises(OutputError) as failed, OutputSet([results, feedback]) as outputs:
        outputs.stage(results).write_bytes(b"new results")
        staged = outputs.stage(feedback)
        staged.mkdir()
        (staged / "P001.xlsx").write_bytes(b"new one")
        raise OSError(errno.ENOSPC, "No space left on device")
    said = str(failed.value)
    assert f"Cannot write {results}, {feedback}: No space left on device" in said
    assert said.endswith("Nothing was written: the previous outputs are as they were.")
    assert results.read_bytes() == b"old results"
    assert (feedback / "P001.xlsx").read_bytes() == b"old one"
    assert (feedback / "notes.txt").exists()
    assert leftovers(tmp_path) == []


def test_a_commit_keeps_files_of_the_folder_it_did_not_write(tmp_path: Path) -> None:
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    (feedback / "notes.txt").write_text("keep me")
    (feedback / "P001.xlsx").write_bytes(b"old")
    with OutputSet([feedback]) as outputs:
        outputs.stage(feedback).mkdir()
        (outputs.stage(feedback) / "P001.xlsx").write_bytes(b"new")
        outputs.commit()
    assert (feedback / "notes.txt").read_text() == "keep me"
    assert (feedback / "P001.xlsx").read_bytes() == b"new"


def test_a_second_run_aimed_at_the_same_output_is_refused_naming_the_first(tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    with OutputSet([results], command="pmqa batch first"):
        with pytest.raises(UsageError) as refused, OutputSet([results], command="second"):
            pass
        message = str(refused.value)
        assert "pmqa batch first" in message and str(os.getpid()) in message
        assert str(lock_path(results)) in message
        assert lock_path(results).exists()  # the refused run did not take the first one's lock
    assert not lock_path(results).exists()


def test_a_lock_left_by_a_run_that_ended_is_taken_over(tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    record = {"pid": int(ended.stdout), "host": socket.gethostname(), "command": "old"}
    lock_path(results).write_text(json.dumps(record))
    with OutputSet([results]) as outputs:
        outputs.stage(results).write_bytes(b"x")
        outputs.commit()
    assert results.read_bytes() == b"x"
    assert not lock_path(results).exists()


def test_a_lock_from_another_machine_is_never_taken_over(tmp_path: Path) -> None:
    results = tmp_path / "results.xlsx"
    lock_path(results).write_text(json.dumps({"pid": 1, "host": "other-pc", "command": "c"}))
    with pytest.raises(UsageError, match="other-pc"), OutputSet([results]):
        pass
    assert lock_path(results).exists()


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="permission bits are POSIX")
def test_the_runs_temporary_files_are_beside_the_outputs_and_private(tmp_path: Path) -> None:
    with OutputSet([tmp_path / "results.xlsx"]) as outputs:
        scratch = outputs.scratch
        assert scratch.parent.parent == tmp_path
        assert scratch.parent.name.startswith(STAGING_PREFIX)
        assert stat.S_IMODE(scratch.stat().st_mode) == 0o700
        assert stat.S_IMODE(scratch.parent.stat().st_mode) == 0o700
    assert not scratch.exists()


STOPPABLE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pmqa_cli.core.portable import stop_on_signals
    from pmqa_cli.report.staging import OutputSet
    stop_on_signals()
    target = Path(sys.argv[1])
    try:
        with OutputSet([target]) as outputs:
            outputs.stage(target).write_bytes(b"half")
            print("staged", flush=True)
            time.sleep(30)
            outputs.commit()
    except KeyboardInterrupt as stop:
        print("stopped", getattr(stop, "name", "SIGINT"), flush=True)
        sys.exit(143)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or not hasattr(os, "getpgid"), reason="POSIX")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_leaves_the_previous_output_whole_and_nothing_behind(
    tmp_path: Path, signame: str
) -> None:
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"previous")
    run = subprocess.Popen([sys.executable, "-c", STOPPABLE, str(target)],
                           stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert run.stdout is not None
    assert run.stdout.readline().strip() == "staged"
    started = time.monotonic()
    run.send_signal(getattr(signal, signame))
    out, _ = run.communicate(timeout=10)
    assert time.monotonic() - started < 5
    assert run.returncode == 143
    assert out.split() == ["stopped", signame]
    assert target.read_bytes() == b"previous"
    assert leftovers(tmp_path) == []


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    abandoned = tmp_path / f"{STAGING_PREFIX}{int(ended.stdout)}-0badf00d"
    (abandoned / "new").mkdir(parents=True)
    (abandoned / "new" / "results.xlsx").write_bytes(b"half")
    with OutputSet([tmp_path / "results.xlsx"]) as outputs:
        outputs.stage(tmp_path / "results.xlsx").write_bytes(b"whole")
        outputs.commit()
    assert not abandoned.exists()
    assert leftovers(tmp_path) == []


def test_files_are_named_as_the_caller_named_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with OutputSet([Path("out.xlsx"), Path("fb")]) as outputs:
        outputs.stage(Path("out.xlsx")).write_bytes(b"x")
        folder = outputs.stage(Path("fb"))
        folder.mkdir()
        (folder / "P001.xlsx").write_bytes(b"y")
        assert outputs.final(outputs.stage(Path("out.xlsx"))) == Path("out.xlsx")
        assert outputs.final(folder / "P001.xlsx") == Path("fb") / "P001.xlsx"
        outputs.commit()
    assert Path("out.xlsx").read_bytes() == b"x"


def test_a_failed_write_is_told_with_the_paths_the_user_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError) as failed, OutputSet([Path("fb")]) as outputs:
        place = outputs.stage(Path("fb")) / "P001.xlsx"
        raise OutputError(f"Cannot write {place}: No space left on device.")
    assert str(failed.value) == (
        f"Cannot write {Path('fb') / 'P001.xlsx'}: No space left on device. Nothing was "
        "written: the previous outputs are as they were."
    )
    assert leftovers(tmp_path) == []


def test_an_error_that_is_no_output_problem_passes_unchanged(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="a bug"), OutputSet([tmp_path / "r.xlsx"]):
        raise ValueError("a bug")
    assert leftovers(tmp_path) == []


def test_a_committed_record_adds_to_the_one_in_place(tmp_path: Path) -> None:
    """The record of the files pmqa wrote (report/guard.py) is merged on commit: files of an
    earlier run still there unchanged stay recorded; changed, gone or odd names do not."""
    from pmqa_cli.report.guard import WRITTEN_RECORD, record_written

    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("old.csv", "edited.csv", "gone.csv", "both.csv"):
        (folder / name).write_text(f"{name} by the first run\n")
    record_written(folder, sorted(folder.iterdir()))
    first = json.loads((folder / WRITTEN_RECORD).read_text("utf-8"))["files"]
    (folder / "edited.csv").write_text("changed by hand\n")
    (folder / "gone.csv").unlink()
    data = json.loads((folder / WRITTEN_RECORD).read_text("utf-8"))
    data["files"]["../outside.csv"] = first["old.csv"]
    (folder / WRITTEN_RECORD).write_text(json.dumps(data), encoding="utf-8")
    with OutputSet([folder]) as outputs:
        staged = outputs.stage(folder)
        staged.mkdir()
        for name in ("both.csv", "new.csv"):
            (staged / name).write_text(f"{name} by the second run\n")
        record_written(staged, sorted(staged.iterdir()))
        outputs.commit()
    files = json.loads((folder / WRITTEN_RECORD).read_text("utf-8"))["files"]
    assert sorted(files) == ["both.csv", "new.csv", "old.csv"]
    assert files["old.csv"] == first["old.csv"]
    assert files["both.csv"] != first["both.csv"]  # this run's copy
    assert leftovers(folder) == []  # the record alone, no staging folder or lock
