"""What a file's first bytes say it is (a zip, an OLE file, CSV text, something else).

The check before any input is opened (``stat``: a regular file within its kind's size limit)
is :func:`pmqa_cli.core.limits.check_input`, with the limits table, so the rubric (a layer
below io/) uses it too.
"""

from __future__ import annotations

__all__ = ["sniff"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
