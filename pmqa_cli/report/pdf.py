"""Workbooks as PDF, printed by LibreOffice: what offices and executives open anywhere.

pmqa does not draw PDFs itself: LibreOffice prints the very workbooks pmqa wrote, with their
page setup (A4, headers and footers, repeated header rows, one page wide), so the PDF and a
printout from Excel or LibreOffice look the same. LibreOffice is found on PATH (``soffice`` or
``libreoffice``), in its usual install folders on Windows and macOS, or at ``PMQA_SOFFICE``.
Without it, :func:`to_pdf` stops with a message that names the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pmqa_cli.core.errors import PmqaError
from pmqa_cli.report.outputs import write_bytes_atomic

__all__ = ["LibreOfficeMissingError", "find_soffice", "to_pdf"]

INSTALL_HINT = (
    "--pdf needs LibreOffice, which prints the workbooks to PDF. Install it (Windows and macOS: "
    "from libreoffice.org; Debian or Ubuntu: apt-get install libreoffice-calc-nogui "
    "fonts-tlwg-laksaman), or set PMQA_SOFFICE to its soffice program, or leave out --pdf."
)
INSTALL_HINT_TH = (
    "--pdf ต้องใช้ LibreOffice ในการพิมพ์สมุดงานเป็น PDF ติดตั้ง LibreOffice ก่อน (Windows และ "
    "macOS: ดาวน์โหลดจาก libreoffice.org; Debian หรือ Ubuntu: apt-get install "
    "libreoffice-calc-nogui fonts-tlwg-laksaman) หรือตั้งตัวแปร PMQA_SOFFICE เป็นที่อยู่ของโปรแกรม "
    "soffice หรือเรียกคำสั่งโดยไม่ใส่ --pdf"
)
_USUAL_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
BATCH = 40  # files per LibreOffice call: fewer start-ups, bounded command lines


class LibreOfficeMissingError(PmqaError):
    """--pdf was asked for but LibreOffice is not installed (exit code 2)."""

    exit_code = 2

    def __init__(
        self, message: str = INSTALL_HINT, *args: object, th: str = INSTALL_HINT_TH
    ) -> None:
        super().__init__(message, *args, th=th)


def find_soffice() -> str | None:
    """The LibreOffice program, or None."""
    chosen = os.environ.get("PMQA_SOFFICE")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _USUAL_PLACES if Path(p).is_file()), None)


def to_pdf(workbooks: Sequence[Path], *, scratch: Path, timeout: float = 600) -> list[Path]:
    """Print each workbook to a PDF beside it (same name, .pdf); return the PDFs written.

    LibreOffice prints into a folder of its own inside ``scratch`` (the run's private scratch
    folder, report/staging.py: never the shared system temporary folder), with a private
    profile there, and each PDF is moved beside its workbook, so a failed run leaves no
    half-written PDF. Raises :class:`LibreOfficeMissingError` without LibreOffice and
    :class:`PmqaError` when it fails on a file.
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeMissingError(INSTALL_HINT)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=scratch) as folder:
        out = Path(folder) / "out"
        for start in range(0, len(workbooks), BATCH):
            chunk = list(workbooks[start : start + BATCH])
            _convert(soffice, chunk, out, Path(folder), timeout)
            for workbook in chunk:
                made = out / f"{workbook.stem}.pdf"
                if not made.is_file() or made.stat().st_size == 0:
                    raise PmqaError(
                        f"LibreOffice did not print {workbook} to PDF.",
                        th=f"LibreOffice พิมพ์ {workbook} เป็น PDF ไม่สำเร็จ",
                    )
                target = workbook.with_suffix(".pdf")
                write_bytes_atomic(target, made.read_bytes())
                made.unlink()
                written.append(target)
    return written


def _convert(soffice: str, files: list[Path], out: Path, scratch: Path, timeout: float) -> None:
    # A private profile: no clash with a LibreOffice the user has open, no first-start dialogs;
    # LibreOffice's own temporary files go to the run's scratch folder too.
    profile = scratch / "profile"
    command = [soffice, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation={profile.resolve().as_uri()}",
               "--convert-to", "pdf", "--outdir", str(out), *(str(f) for f in files)]  # fmt: skip
    temp = str(scratch.resolve())
    env = {**os.environ, "TMPDIR": temp, "TMP": temp, "TEMP": temp}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PmqaError(
            f"LibreOffice could not print to PDF ({exc}).",
            th=f"LibreOffice พิมพ์เป็น PDF ไม่ได้ ('{exc}')",
        ) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        raise PmqaError(
            f"LibreOffice stopped with exit code {done.returncode} while printing to PDF. "
            f"{detail[0]}",
            th=f"LibreOffice หยุดทำงานระหว่างพิมพ์เป็น PDF (รหัสออก {done.returncode})"
            + (f" แจ้งว่า '{detail[0]}'" if detail[0] else ""),
        )
