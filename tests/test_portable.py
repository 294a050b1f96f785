"""Windows portability, proven on Linux: what Windows lacks is removed (PMQA_SIMULATE_WINDOWS=1),
consoles that cannot encode Thai, Thai paths with spaces, and a full disk (RLIMIT_FSIZE)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pmqa_cli.io.registry import Office
from pmqa_cli.rubric.model import OfficeType, Rubric

from .builders import Filled, SubmissionFactory, complete


def pmqa(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """Run pmqa as a user would: a separate process, with its own console encoding."""
    full = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "pmqa_cli", *args], capture_output=True, env=full, timeout=300,
        check=False, **kwargs
    )  # fmt: skip


def test_simulated_windows_removes_what_windows_lacks_in_every_process() -> None:
    code = (
        "import os, signal, multiprocessing\n"
        "import pmqa_cli\n"
        "from pmqa_cli.core import portable\n"
        "from pmqa_cli.report.outputs import write_bytes_atomic\n"
        "from pathlib import Path\n"
        "import tempfile\n"
        "assert not hasattr(os, 'fork') and not hasattr(os, 'fchmod')\n"
        "assert not hasattr(signal, 'SIGALRM') and not hasattr(signal, 'setitimer')\n"
        "try:\n"
        "    import resource\n"
        "    raise SystemExit('resource importable')\n"
        "except ImportError:\n"
        "    pass\n"
        "assert portable.start_method() == 'spawn'\n"
        "assert portable.limit_memory(100) is False\n"
        "d = Path(tempfile.mkdtemp())\n"
        "write_bytes_atomic(d / 'x.txt', b'ok')\n"
        "assert (d / 'x.txt').read_bytes() == b'ok'\n"
        "print('simulated')\n"
    )
    env = {**os.environ, "PMQA_SIMULATE_WINDOWS": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip() == b"simulated"
    # Without the variable, this Linux machine keeps its features.
    plain = {k: v for k, v in os.environ.items() if k != "PMQA_SIMULATE_WINDOWS"}
    check = (
        "import os, pmqa_cli; from pmqa_cli.core import portable; print(portable.start_method())"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, env=plain, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    if hasattr(os, "fork"):
        assert done.stdout.strip() == b"fork"


@pytest.fixture
def thai_folder(tmp_path: Path, shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    """Two submissions in a folder whose path has Thai words and spaces; one has an error."""
    folder = tmp_path / "งาน ประเมิน" / "ไฟล์ ที่ส่ง"
    folder.mkdir(parents=True)
    good = make_submission(shipped, complete(shipped), name="good.xlsx")
    shutil.move(good, folder / "สพป. ทดสอบ เขต 1.xlsx")
    office = Office("P002", "สพป.ทดสอบ เขต 2", OfficeType.PRIMARY, "ทดสอบ")
    filled = complete(shipped, Filled(office))
    filled.answers[next(iter(filled.answers))] = "ผ่านบางส่วน"  # not a valid answer: an error
    bad = make_submission(shipped, filled, name="bad.xlsx")
    shutil.move(bad, folder / "สพป. ทดสอบ เขต 2.xlsx")
    return folder


@pytest.mark.parametrize("encoding", ["cp1252", "cp874", "ascii"])
def test_consoles_that_cannot_encode_thai_degrade_and_keep_the_exit_code(
    thai_folder: Path, encoding: str
) -> None:
    good, bad = sorted(thai_folder.glob("*.xlsx"))
    env = {"PYTHONIOENCODING": encoding}
    for command, code in ((["score", str(good)], 0), (["validate", str(bad)], 1)):
        done = pmqa(*command, env=env)
        assert done.returncode == code, done.stderr.decode(encoding, "replace")
        assert b"Traceback" not in done.stderr
        shown = done.stdout.decode(encoding)  # valid in the console's encoding
        if encoding == "cp874":  # the Thai code page shows Thai as it is
            assert "ทดสอบ" in shown or "ข้อผิดพลาด" in shown or "ไม่" in shown, shown
    as_json = pmqa("score", "--json", str(bad), env=env)
    assert as_json.returncode == 1
    reference = pmqa("score", "--json", str(bad), env={"PYTHONIOENCODING": "utf-8"})
    # JSON stays lossless: \\u escapes where the console cannot show Thai.
    assert json.loads(as_json.stdout.decode(encoding)) == json.loads(reference.stdout)
    # A usage error that names a Thai path is still a message, not a crash.
    done = pmqa("batch", str(thai_folder / "ไม่มี"), "-o", "r.xlsx", env=env)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    if encoding == "cp1252":
        out = thai_folder.parent / "ผล รวม.xlsx"
        done = pmqa("batch", str(thai_folder), "-o", str(out), env=env)
        assert done.returncode == 1, done.stderr.decode(encoding, "replace")
        assert b"Traceback" not in done.stderr
        assert out.exists()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.xlsx")}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_FSIZE is set in a forked child")
def test_a_full_disk_gives_a_clear_error_and_no_partial_file(thai_folder: Path) -> None:
    try:
        import resource
    except ImportError:
        pytest.skip("no RLIMIT_FSIZE on this OS")
    before = _digests(thai_folder)
    out_dir = thai_folder.parent / "ผล"
    out_dir.mkdir()
    out = out_dir / "ผล รวม.xlsx"

    def small_disk() -> None:  # runs in the child before pmqa starts: files stop at 20 KB
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = pmqa("batch", str(thai_folder), "-o", str(out), "--json", str(out_dir / "r.json"),
                preexec_fn=small_disk)  # fmt: skip
    message = " ".join(done.stderr.decode().split())
    assert done.returncode == 1, message
    assert "Traceback" not in message
    assert "internal error" not in message
    assert "Cannot write" in message
    assert list(out_dir.iterdir()) == []  # no partial file, no temporary file
    assert _digests(thai_folder) == before
