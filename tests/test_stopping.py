"""A batch stopped by SIGTERM or SIGHUP, or raced by a second run: the previous outputs stay
whole, nothing is left behind (staging folders, locks, temporary files, workers)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmqa_cli.report.staging import lock_path

POSIX = hasattr(os, "getpgid") and hasattr(signal, "SIGTERM")
pytestmark = pytest.mark.skipif(not POSIX, reason="signals are sent the POSIX way here")


def pmqa(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pmqa_cli", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stopping") / "samples"
    made = pmqa("sample", "--count", "60", "--out", folder, "--seed", "4")
    assert made.wait(timeout=300) == 0, made.communicate()[0]
    return folder


def wait_for(path: Path, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.05)


def processes_naming(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in command and entry.name.isdigit():
            found.append(command)
    return found


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_stopped_batch_leaves_the_previous_outputs_and_nothing_else(
    tmp_path: Path, samples: Path, signame: str
) -> None:
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    (out / "r.xlsx").write_bytes(b"the previous results")
    run = pmqa("batch", samples, "-o", out / "r.xlsx", "--feedback", out / "fb", "--force",
               "--json", out / "r.json", env={"TMPDIR": str(temp)})  # fmt: skip
    wait_for(lock_path(out / "r.xlsx"))
    time.sleep(1.5)  # workers started, files being scored
    stopped_at = time.monotonic()
    run.send_signal(getattr(signal, signame))
    text, _ = run.communicate(timeout=30)
    assert time.monotonic() - stopped_at < 10
    assert run.returncode == 128 + getattr(signal, signame), text
    assert f"Stopped ({signame})" in " ".join(text.split())
    assert sorted(p.name for p in out.iterdir()) == ["r.xlsx"]  # no staging, lock, JSON, feedback
    assert (out / "r.xlsx").read_bytes() == b"the previous results"
    assert list(temp.iterdir()) == []  # nothing in the temporary folder either
    time.sleep(0.5)
    assert processes_naming(str(out / "r.xlsx")) == []  # no worker outlives pmqa


def test_a_second_run_at_the_same_outputs_is_refused_at_once(tmp_path: Path, samples: Path) -> None:
    first = pmqa("batch", samples, "-o", tmp_path / "r.xlsx")
    wait_for(lock_path(tmp_path / "r.xlsx"))
    started = time.monotonic()
    second = pmqa("batch", samples, "-o", tmp_path / "r.xlsx", "--force")
    text, _ = second.communicate(timeout=60)
    assert time.monotonic() - started < 15  # refused before reading any submission
    assert second.returncode == 2, text
    words = " ".join(text.split())
    assert "is being written by another pmqa run" in words and str(first.pid) in words
    first_text, _ = first.communicate(timeout=600)
    assert first.returncode in (0, 1), first_text
    assert not lock_path(tmp_path / "r.xlsx").exists()
    assert (tmp_path / "r.xlsx").stat().st_size > 0


def processes_with(marker: str) -> list[int]:
    """The processes whose environment holds ``marker`` (a worker inherits it, forked or
    spawned, whatever its command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker.encode() in environment:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not Path("/proc/self/environ").exists(),
    reason="needs SIGKILL and /proc to find the workers",
)
def test_workers_stop_when_their_parent_is_killed_outright(tmp_path: Path, samples: Path) -> None:
    marker = f"PMQA_TEST_RUN={tmp_path.name}"
    run = pmqa("batch", samples, "-o", tmp_path / "r.xlsx", "--jobs", "2", "--feedback",
               tmp_path / "fb", env=dict([marker.split("=", 1)]))  # fmt: skip
    wait_for(lock_path(tmp_path / "r.xlsx"))
    end = time.monotonic() + 30
    while len(processes_with(marker)) < 3:  # pmqa and its two workers
        assert time.monotonic() < end and run.poll() is None, "the workers never started"
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=10)  # not communicate(): a surviving worker would hold its output open
    killed_at = time.monotonic()
    try:
        while processes_with(marker):
            assert time.monotonic() - killed_at < 5, "a worker outlived its killed parent"
            time.sleep(0.1)
        # The values read and the offices kept were in nameless files: nothing to clean up.
        left = [p.name for p in tmp_path.rglob("pmqa-*") if p.is_file()]
        assert left == [], left
    finally:
        for pid in processes_with(marker):  # this test's own processes, by their id
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        assert run.stdout is not None
        run.stdout.close()


#: A parent that starts a worker and is gone before the worker watches it: the worker starts
#: watching only once its parent has ended (the moment a `kill -9` can hit any batch).
_ORPHAN = """
import multiprocessing, os, sys, time
from pmqa_cli.core import portable

def worker(parent):
    while os.getppid() == parent:  # handed on to another process once the parent has ended
        time.sleep(0.01)
    portable.exit_with_parent(every=0.05)
    time.sleep(60)  # a worker waiting on its pipe

if __name__ == "__main__":
    context = multiprocessing.get_context(portable.start_method())
    child = context.Process(target=worker, args=(os.getpid(),))
    child.start()
    print(child.pid, flush=True)
    os._exit(0)  # killed outright: nothing stops the worker
"""


def _running(pid: int) -> bool:
    """Whether the process runs (an ended one not yet reaped by its new parent does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the worker")
def test_a_worker_whose_parent_died_while_it_started_ends_itself(tmp_path: Path) -> None:
    """The worker takes its parent from multiprocessing, not from getppid() once it runs: by
    then the dead parent's children belong to another process, which never dies."""
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN)
    said = tmp_path / "pid"
    with said.open("w") as out:  # not a pipe: the worker holds it open as long as it runs
        subprocess.run([sys.executable, str(script)], stdout=out, timeout=60, check=True)
    pid = int(said.read_text())
    try:
        end = time.monotonic() + 10
        while _running(pid):
            assert time.monotonic() < end, "the worker outlived the parent that started it"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def test_a_stopped_sample_run_leaves_the_previous_folder_whole(
    tmp_path: Path, samples: Path
) -> None:
    """Not only batch: every command that writes stages its outputs (tests/test_output_sets.py
    fills the disk of each one); here SIGTERM stops a folder of 200 samples part-way."""
    previous = tmp_path / "samples"
    shutil.copytree(samples, previous)
    before = {p.name: p.read_bytes() for p in previous.iterdir()}
    marker = f"PMQA_TEST_RUN={tmp_path.name}"
    run = pmqa("sample", "--count", "200", "--seed", "5", "--jobs", "2", "--out", previous,
               env=dict([marker.split("=", 1)]))  # fmt: skip
    wait_for(lock_path(previous))
    time.sleep(1.5)  # samples being written into the staging folder
    stopped_at = time.monotonic()
    run.send_signal(signal.SIGTERM)
    text, _ = run.communicate(timeout=60)
    assert time.monotonic() - stopped_at < 10
    assert run.returncode == 143, text
    assert "Stopped (SIGTERM). Nothing was written" in " ".join(text.split())
    assert {p.name: p.read_bytes() for p in previous.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples"]  # no staging, no lock
    time.sleep(0.5)
    if Path("/proc/self/environ").exists():  # where the workers can be looked for
        assert processes_with(marker) == []


#: A batch whose SIGTERM arrives while Python runs the hooks of its Nth fork (logging's, in
#: the CI run that found it): the handler's exception is only printed there, never raised.
STOPPED_IN_A_FORK_HOOK = """
import os, signal, sys
nth, signum, forks = int(sys.argv[1]), getattr(signal, sys.argv[2]), []
def after() -> None:
    forks.append(1)
    if len(forks) == nth:
        os.kill(os.getpid(), signum)  # handled at once, inside this hook
os.register_at_fork(after_in_parent=after)
from pmqa_cli.cli.app import main
sys.argv = ["pmqa", *sys.argv[3:]]
main()
"""


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork hooks (Windows)")
@pytest.mark.parametrize(
    ("fork", "signame", "shown"),
    [
        (1, "SIGTERM", "SIGTERM"),
        (2, "SIGTERM", "SIGTERM"),
        (4, "SIGTERM", "SIGTERM"),
        (2, "SIGINT", "Ctrl+C"),
    ],
)  # forks: the map drawer, a scoring worker, a feedback worker; SIGINT is Ctrl+C
def test_a_stop_python_swallowed_in_a_fork_hook_still_stops_the_batch(
    tmp_path: Path, samples: Path, fork: int, signame: str, shown: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.xlsx").write_bytes(b"the previous results")
    args = ["batch", samples, "-o", out / "r.xlsx", "--feedback", out / "fb", "--force",
            "--json", out / "r.json", "--jobs", "2"]  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-c", STOPPED_IN_A_FORK_HOOK, str(fork), signame, *map(str, args)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    text = run.stdout + run.stderr
    # Python did swallow it (the case this is about), and the batch stopped all the same.
    swallowed = "KeyboardInterrupt" if signame == "SIGINT" else "Stopped: 15"
    assert "Exception ignored" in text and swallowed in text, text
    assert run.returncode == 128 + getattr(signal, signame), text
    assert f"Stopped ({shown})" in " ".join(text.split())
    assert sorted(p.name for p in out.iterdir()) == ["r.xlsx"]
    assert (out / "r.xlsx").read_bytes() == b"the previous results"
