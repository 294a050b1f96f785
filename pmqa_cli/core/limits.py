"""How much pmqa reads of each kind of input: one table, in one place (docs/security.md), and
the ``stat`` check every input passes before it is opened.

The table lives in core/ because the rubric (rubric/, a layer below io/) is an input too: the
rubric loader and every io/ reader take their limits from here.

Every input is read whole or refused: a file over any limit is refused with the finding
``input-over-limit`` (or, for a submission, ``file-too-large`` / ``sheet-too-large``) that names
the file, the limit and the environment variable that raises it; nothing is ever cut silently.
The defaults fit the national scale with room to spare: a committee review workbook for 2,450
offices (ten times today's 245, about 150,000 rows) is read whole.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from pmqa_cli.core.errors import UsageError

__all__ = [
    "KIND_LIMITS",
    "InputKind",
    "InputRefusedError",
    "LimitSettingError",
    "Limits",
    "check_input",
    "limits_for",
    "megabytes",
    "over_limit",
    "read_input",
    "variable_for",
]

_MB = 1024 * 1024


class LimitSettingError(UsageError, ValueError):
    """A limit's environment variable is not a positive number: a usage error (exit 2) that is
    also the ValueError :meth:`Limits.from_env` has always raised."""


class InputKind(str, Enum):
    """What a file is to pmqa; each kind has its own limits."""

    SUBMISSION = "submission"
    REVIEW = "review"
    DATA = "data"
    CORRECTIONS = "corrections"
    PREVIOUS = "previous"
    REGISTRY = "registry"
    RUBRIC = "rubric"

    @property
    def th(self) -> str:
        """The kind in Thai, as findings name it."""
        return _KIND_TH[self]

    @property
    def en(self) -> str:
        """The kind in English, as findings name it."""
        return _KIND_EN[self]


_KIND_TH = {
    InputKind.SUBMISSION: "แบบประเมินของหน่วยงาน",
    InputKind.REVIEW: "ไฟล์ผลการตรวจของคณะกรรมการ (--review)",
    InputKind.DATA: "ไฟล์ข้อมูลส่วนกลาง (--data)",
    InputKind.CORRECTIONS: "ไฟล์แก้ไขข้อมูล (--corrections)",
    InputKind.PREVIOUS: "ไฟล์ผลการประเมินครั้งก่อน (--previous)",
    InputKind.REGISTRY: "ทะเบียนหน่วยงาน (--registry)",
    InputKind.RUBRIC: "ไฟล์เกณฑ์ (--rubric)",
}
_KIND_EN = {
    InputKind.SUBMISSION: "submission",
    InputKind.REVIEW: "review file (--review)",
    InputKind.DATA: "central-data file (--data)",
    InputKind.CORRECTIONS: "corrections file (--corrections)",
    InputKind.PREVIOUS: "previous results (--previous)",
    InputKind.REGISTRY: "registry (--registry)",
    InputKind.RUBRIC: "rubric (--rubric)",
}


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may make pmqa read. The defaults are a submission's; the
    other kinds' are in :data:`KIND_LIMITS`."""

    max_file_bytes: int = 50 * _MB
    max_uncompressed_bytes: int = 200 * _MB
    max_compression_ratio: float = 200.0
    max_rows: int = 5_000
    max_columns: int = 200
    max_text_length: int = 32_767  # Excel's own limit for one cell
    max_depth: int = 64  # nesting of a JSON document
    max_nodes: int = 1_000_000  # a YAML document's nodes, every alias expanded

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """A submission's defaults, overridden by PMQA_MAX_FILE_MB, PMQA_MAX_UNCOMPRESSED_MB,
        PMQA_MAX_RATIO, PMQA_MAX_ROWS, PMQA_MAX_COLUMNS and PMQA_MAX_TEXT."""
        return _override(cls(), "PMQA_MAX_", environ, "")


#: Every input kind's limits. A review workbook from ``pmqa review-sheet`` has one row per item
#: per office (about 60): 14,703 rows for 245 offices, about 150,000 for 2,450; so has the audit
#: trail sheet of a results.xlsx read back as previous results (every visible sheet is read).
KIND_LIMITS: Mapping[InputKind, Limits] = {
    InputKind.SUBMISSION: Limits(),
    InputKind.REVIEW: Limits(200 * _MB, 2_000 * _MB, 200.0, 400_000, 200),
    InputKind.DATA: Limits(200 * _MB, 2_000 * _MB, 200.0, 400_000, 1_000),
    InputKind.CORRECTIONS: Limits(200 * _MB, 2_000 * _MB, 200.0, 400_000, 200),
    InputKind.PREVIOUS: Limits(200 * _MB, 2_000 * _MB, 200.0, 400_000, 1_000),
    InputKind.REGISTRY: Limits(20 * _MB, 200 * _MB, 200.0, 100_000, 200),
    InputKind.RUBRIC: Limits(5 * _MB, 5 * _MB, 200.0, 100_000, 200, max_nodes=1_000_000),
}

# Setting -> (variable suffix, unit). A submission's variables keep their names (PMQA_MAX_ROWS);
# another kind's carry the kind: PMQA_MAX_REVIEW_ROWS, PMQA_MAX_PREVIOUS_FILE_MB.
_SETTINGS = {
    "max_file_bytes": ("FILE_MB", _MB),
    "max_uncompressed_bytes": ("UNCOMPRESSED_MB", _MB),
    "max_compression_ratio": ("RATIO", 1),
    "max_rows": ("ROWS", 1),
    "max_columns": ("COLUMNS", 1),
    "max_text_length": ("TEXT", 1),
    "max_depth": ("DEPTH", 1),
    "max_nodes": ("NODES", 1),
}


_SEE = " (see docs/security.md for the reading limits)"


def _prefix(kind: InputKind) -> str:
    if kind is InputKind.SUBMISSION:
        return "PMQA_MAX_"
    return f"PMQA_MAX_{kind.name}_"


def variable_for(kind: InputKind, setting: str) -> str:
    """The environment variable that raises one limit: ``variable_for(REVIEW, "max_rows")`` is
    PMQA_MAX_REVIEW_ROWS."""
    return _prefix(kind) + _SETTINGS[setting][0]


def _override(
    base: Limits, prefix: str, environ: Mapping[str, str] | None, see: str = _SEE
) -> Limits:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, (suffix, unit) in _SETTINGS.items():
        variable = prefix + suffix
        raw = env.get(variable, "").strip()
        if not raw:
            continue
        see_th = " (ดูขีดจำกัดการอ่านใน docs/security.md)" if see else ""
        try:
            number = float(raw)
        except ValueError:
            raise LimitSettingError(
                f"{variable}={raw!r} is not a number{see}",
                th=f"{variable}={raw!r} ไม่ใช่ตัวเลข ตั้งเป็นจำนวนบวก{see_th}",
            ) from None
        if number <= 0:
            raise LimitSettingError(
                f"{variable} must be positive{see}",
                th=f"{variable} ต้องเป็นจำนวนบวก (มากกว่า 0){see_th}",
            )
        values[name] = number * unit if name == "max_compression_ratio" else int(number * unit)
    return replace(base, **values)


def limits_for(kind: InputKind, environ: Mapping[str, str] | None = None) -> Limits:
    """One kind's limits: the table's defaults, overridden by the kind's environment variables
    (docs/security.md). Raises ValueError for a variable that is not a positive number."""
    return _override(KIND_LIMITS[kind], _prefix(kind), environ)


# --- the check before a file is opened ------------------------------------------------------


class InputRefusedError(Exception):
    """A file pmqa will not read: ``code`` is a finding code, ``params`` its parameters."""

    def __init__(self, code: str, detail: str, **params: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.params = params


def megabytes(size: float) -> str:
    """A size as findings show it: 1.5 MB; under 0.1 MB in KB (0.5 KB), so a small limit or
    file never shows as "0.0 MB"."""
    if size == 0 or size >= 0.1 * 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    kilobytes = size / 1024
    return f"{kilobytes:.1f} KB" if kilobytes >= 0.1 else f"{kilobytes:.2f} KB"


def _special(mode: int) -> tuple[str, str]:
    """What a file that is not a regular file is, in Thai and English."""
    if stat.S_ISFIFO(mode):
        return "เป็นท่อส่งข้อมูลแบบมีชื่อ (FIFO)", "a named pipe, FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "เป็นอุปกรณ์ของระบบ", "a device"
    if stat.S_ISSOCK(mode):
        return "เป็นซ็อกเก็ต", "a socket"
    return "ไม่ใช่ไฟล์ปกติ", "not a regular file"


_WHAT = {
    "max_file_bytes": ("ขนาดไฟล์", "file size"),
    "max_uncompressed_bytes": ("ขนาดเมื่อคลายการบีบอัด", "uncompressed size"),
    "max_rows": ("จำนวนแถว", "number of rows"),
    "max_columns": ("จำนวนคอลัมน์", "number of columns"),
    "max_depth": ("ความลึกของโครงสร้าง JSON", "JSON nesting depth"),
    "max_nodes": ("จำนวนโหนด YAML เมื่อขยาย alias (*) แล้ว", "YAML nodes with aliases (*) expanded"),
}


def over_limit(
    path: Path, kind: InputKind, setting: str, found: str, limit: str
) -> InputRefusedError:
    """The refusal of a file past one of its kind's limits, saying how to raise it (the
    finding ``input-over-limit``'s parameters)."""
    what = _WHAT[setting]
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
    size limit; raises :class:`InputRefusedError` (or FileNotFoundError / OSError).

    Anything that is not a regular file (a FIFO, a device such as /dev/zero, a socket) is
    refused before it is opened, so it can neither block pmqa nor fill its memory."""
    info = path.stat()
    # A folder is left to open(), whose "Is a directory" each caller already reports.
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        what_th, what = _special(info.st_mode)
        raise InputRefusedError(
            "file-not-regular", what, path=str(path), what=what, what_th=what_th
        )
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
