"""Output files: atomic writes, reproducible timestamps and the constants every writer shares.

Kept free of openpyxl and xlsxwriter so that any writer can use it without importing the other.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from pmqa_cli.core.errors import DISK_ERRORS, OutputError
from pmqa_cli.core.portable import set_mode

__all__ = [
    "FONT_NAME",
    "FONT_SIZE",
    "MAX_CELL_TEXT",
    "output_timestamp",
    "remove_unfinished",
    "safe_text",
    "write_bytes_atomic",
]

FONT_NAME = "TH Sarabun New"
FONT_SIZE = 16
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
# Characters a workbook cannot hold (openpyxl raises IllegalCharacterError on them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: str) -> str:
    """Text any writer can put in a cell: no control characters, at most Excel's 32,767."""
    return _ILLEGAL.sub(" ", value)[:MAX_CELL_TEXT]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def output_timestamp() -> datetime:
    """The time written into outputs: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return datetime.now()


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_unfinished(path: Path) -> None:
    """Remove what a writer of ``path`` killed outright (no ``finally`` runs) left beside it:
    :func:`write_bytes_atomic`'s temporary files, never the file itself."""
    for temp in path.parent.glob(f"{glob.escape(_temp_prefix(path))}*.tmp"):
        temp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write bytes (or chunks of them, given one at a time) through a temporary file in the
    same folder, then rename into place."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise OutputError(
            f"Cannot write {path}: the folder {directory} does not exist.",
            th=f"เขียน {path} ไม่ได้ เพราะไม่มีโฟลเดอร์ {directory}",
        )
    if path.is_dir():
        raise OutputError(
            f"Cannot write {path}: it is a folder.", th=f"เขียน {path} ไม่ได้ เพราะเป็นโฟลเดอร์"
        )
    try:
        prefix = _temp_prefix(path)
        handle, temp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(
            f"Cannot write {path}: {exc.strerror or exc}. Choose a folder you can write to.",
            th=f"เขียน {path} ไม่ได้ ('{exc.strerror or exc}') เลือกโฟลเดอร์ที่มีสิทธิ์เขียน",
        ) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            # mkstemp makes the file private (0600); give the output the permissions any new
            # file of the user's gets, so results on a shared drive can be read by colleagues.
            set_mode(temp.fileno(), temp_name, 0o666 & ~_umask())
            for chunk in (data,) if isinstance(data, bytes) else data:
                temp.write(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        Path(temp_name).replace(path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        disk = exc.errno in DISK_ERRORS
        hint = (
            "Free some space, or choose a folder on another disk."
            if disk
            else "Close it if it is open in Excel, or choose another path."
        )
        hint_th = (
            "เพิ่มพื้นที่ว่าง หรือเลือกโฟลเดอร์บนดิสก์อื่น" if disk else "ปิดไฟล์นี้หากเปิดอยู่ใน Excel หรือเลือกที่เก็บอื่น"
        )
        raise OutputError(
            f"Cannot write {path}: {reason}. {hint}", th=f"เขียน {path} ไม่ได้ ('{reason}') {hint_th}"
        ) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
