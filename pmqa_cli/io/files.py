"""Opening an input file: checked by ``stat`` before it is opened, read whole or refused.

Anything that is not a regular file (a FIFO, a device such as /dev/zero, a socket) is refused
before it is opened, so it can neither block pmqa nor fill its memory; a file over its kind's
size limit is refused before it is read (:mod:`.limits`). Both are :class:`InputRefusedError`, which
carries a finding code and its parameters, so each caller reports it its own way (a finding,
or a usage error for the registry).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from pmqa_cli.io.limits import InputKind, Limits, variable_for

__all__ = ["InputRefusedError", "check_input", "megabytes", "over_limit", "read_input", "sniff"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class InputRefusedError(Exception):
    """A file pmqa will not read: ``code`` is a finding code, ``params`` its parameters."""

    def __init__(self, code: str, detail: str, **params: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.params = params


def megabytes(size: float) -> str:
    """A size as findings show it: 1.5 MB."""
    return f"{size / (1024 * 1024):.1f} MB"


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe, FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def over_limit(
    path: Path, kind: InputKind, setting: str, found: str, limit: str
) -> InputRefusedError:
    """The refusal of a file past one of its kind's limits, saying how to raise it."""
    what = {
        "max_file_bytes": ("ขนาดไฟล์", "file size"),
        "max_uncompressed_bytes": ("ขนาดเมื่อคลายการบีบอัด", "uncompressed size"),
        "max_rows": ("จำนวนแถว", "number of rows"),
        "max_columns": ("จำนวนคอลัมน์", "number of columns"),
        "max_depth": ("ความลึกของโครงสร้าง JSON", "JSON nesting depth"),
    }[setting]
    return InputRefusedError(
        "input-over-limit",
        f"{what[1]} {found} is over the limit {limit}",
        path=str(path),
        what_th=what[0],
        what_en=what[1],
        found=found,
        limit=limit,
        kind_th=kind.th,
        kind_en=kind.en,
        variable=variable_for(kind, setting),
    )


def check_input(path: Path, kind: InputKind, limits: Limits) -> int:
    """The file's size, after checking by ``stat`` that it is a regular file within its kind's
    size limit; raises :class:`InputRefusedError` (or FileNotFoundError / OSError)."""
    info = path.stat()
    # A folder is left to open(), whose "Is a directory" each caller already reports.
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        what = _special(info.st_mode)
        raise InputRefusedError("file-not-regular", what, path=str(path), what=what)
    if info.st_size > limits.max_file_bytes:
        raise over_limit(
            path, kind, "max_file_bytes", megabytes(info.st_size), megabytes(limits.max_file_bytes)
        )
    return info.st_size


def read_input(path: Path, kind: InputKind, limits: Limits) -> bytes:
    """A whole input file's bytes, checked first (:func:`check_input`). A file that grows past
    the limit while it is read is refused too, never cut."""
    check_input(path, kind, limits)
    with path.open("rb") as handle:
        data = handle.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise over_limit(
            path, kind, "max_file_bytes", megabytes(len(data)), megabytes(limits.max_file_bytes)
        )
    return data


def sniff(head: bytes, size: int) -> str | None:
    """What a file's first bytes say it is: None for a zip, else a finding code."""
    if size == 0:
        return "file-empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip (PK 05 06: an empty one)
        return None
    if head.startswith(_OLE):
        return "file-ole"  # resolved by the caller: encrypted xlsx or legacy .xls
    text = head[:4096]
    for encoding in ("utf-8-sig", "utf-16", "cp874"):
        try:
            decoded = text.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return "file-not-workbook"
    stripped = decoded.lstrip().lower()
    if stripped.startswith(("<", "{")):
        return "file-not-workbook"  # HTML or XML saved as .xlsx, or JSON
    lines = [line for line in decoded.splitlines() if line.strip()]
    if lines and any(sep in lines[0] for sep in (",", ";", "\t")):
        return "file-csv"
    return "file-not-workbook"
