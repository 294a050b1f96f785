"""Whole files that are not usable workbooks, each made from a good submission: the cases of
tests/test_files.py, which tests/test_hostile.py's catalogue counts too."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def rezip(source: Path, target: Path, replace: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (bytes), removing (None) or adding members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                continue
            dst.writestr(info.filename, src.read(info.filename))
        for name, data in replace.items():
            if data is not None:
                dst.writestr(name, data)
    return target


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 3_000_000 + b"</a>")
    return path


UNSAFE_WORKBOOK = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"""
XXE_WORKBOOK = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&xxe;</workbook>"""

Maker = Callable[[Path, Path], Path]

CASES: dict[str, tuple[str, Maker]] = {
    "not found": ("file-not-found", lambda d, good: d / "nope.xlsx"),
    "zero bytes": ("file-empty", lambda d, good: write_bytes(d / "empty.xlsx", b"")),
    "legacy xls": (
        "file-legacy-xls",
        lambda d, good: write_bytes(
            d / "old.xlsx", OLE + b"\0" * 500 + "Workbook".encode("utf-16-le")
        ),
    ),
    "password-protected": (
        "file-encrypted",
        lambda d, good: write_bytes(
            d / "locked.xlsx", OLE + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
        ),
    ),
    "csv renamed": (
        "file-csv",
        lambda d, good: write_bytes(d / "csv.xlsx", "code,name\nP001,สพป.\n".encode()),
    ),
    "plain text renamed": (
        "file-not-workbook",
        lambda d, good: write_bytes(d / "text.xlsx", b"hello world\n"),
    ),
    "html renamed": (
        "file-not-workbook",
        lambda d, good: write_bytes(d / "page.xlsx", b"<html><body>table</body></html>"),
    ),
    "truncated zip": (
        "file-corrupt",
        lambda d, good: write_bytes(d / "cut.xlsx", good.read_bytes()[: good.stat().st_size // 2]),
    ),
    "missing workbook part": (
        "file-corrupt",
        lambda d, good: rezip(good, d / "noworkbook.xlsx", {"xl/workbook.xml": None}),
    ),
    "malformed sheet xml": (
        "file-corrupt",
        lambda d, good: rezip(good, d / "badxml.xlsx", {"xl/worksheets/sheet3.xml": b"<a><b></a>"}),
    ),
    "entity expansion": (
        "file-unsafe-xml",
        lambda d, good: rezip(good, d / "lol.xlsx", {"xl/workbook.xml": UNSAFE_WORKBOOK}),
    ),
    "external entity": (
        "file-unsafe-xml",
        lambda d, good: rezip(good, d / "xxe.xlsx", {"xl/workbook.xml": XXE_WORKBOOK}),
    ),
    "unknown text encoding": (
        "file-corrupt",
        lambda d, good: declared(good, d / "klingon.xlsx", "xl/workbook.xml", "klingon"),
    ),
    "multi-byte text encoding": (
        "file-corrupt",
        lambda d, good: declared(good, d / "sjis.xlsx", "xl/worksheets/sheet3.xml", "shift_jis"),
    ),
    "zip bomb": ("file-zip-bomb", lambda d, good: zip_bomb(d / "bomb.xlsx")),
    "over 50 MB": ("file-too-large", lambda d, good: sparse(d / "huge.xlsx", 51 * 1024 * 1024)),
    "a folder": ("file-unreadable", lambda d, good: folder(d / "folder.xlsx")),
    "macro workbook": (
        "file-macro",
        lambda d, good: rezip(good, d / "macro.xlsm", {"xl/vbaProject.bin": b"\0" * 64}),
    ),
}


def declared(source: Path, target: Path, part: str, encoding: str) -> Path:
    """A part whose XML declaration names ``encoding`` (its bytes unchanged: ASCII-only text
    reads the same in any of them), as a script that rewrote it might leave it."""
    with zipfile.ZipFile(source) as archive:
        text = archive.read(part).decode("utf-8")
    body = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    xml = f'<?xml version="1.0" encoding="{encoding}"?>{body}'
    return rezip(source, target, {part: xml.encode("utf-8")})


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path
