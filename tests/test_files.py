"""Whole files that are not usable workbooks: each is a finding with a fix, through the CLI."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmqa_cli.cli.app import app
from pmqa_cli.rubric.model import Rubric

from .conftest import SubmissionFactory, complete

pytestmark = pytest.mark.hostile  # part of the hostile-input catalogue (pytest -k hostile)
runner = CliRunner()
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
    "zero bytes": ("file-empty", lambda d, good: _write(d / "empty.xlsx", b"")),
    "legacy xls": (
        "file-legacy-xls",
        lambda d, good: _write(d / "old.xlsx", OLE + b"\0" * 500 + "Workbook".encode("utf-16-le")),
    ),
    "password-protected": (
        "file-encrypted",
        lambda d, good: _write(
            d / "locked.xlsx", OLE + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le")
        ),
    ),
    "csv renamed": (
        "file-csv",
        lambda d, good: _write(d / "csv.xlsx", "code,name\nP001,สพป.\n".encode()),
    ),
    "plain text renamed": (
        "file-not-workbook",
        lambda d, good: _write(d / "text.xlsx", b"hello world\n"),
    ),
    "html renamed": (
        "file-not-workbook",
        lambda d, good: _write(d / "page.xlsx", b"<html><body>table</body></html>"),
    ),
    "truncated zip": (
        "file-corrupt",
        lambda d, good: _write(d / "cut.xlsx", good.read_bytes()[: good.stat().st_size // 2]),
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
    "zip bomb": ("file-zip-bomb", lambda d, good: zip_bomb(d / "bomb.xlsx")),
    "over 50 MB": ("file-too-large", lambda d, good: _sparse(d / "huge.xlsx", 51 * 1024 * 1024)),
    "a folder": ("file-unreadable", lambda d, good: _folder(d / "folder.xlsx")),
    "macro workbook": (
        "file-macro",
        lambda d, good: rezip(good, d / "macro.xlsm", {"xl/vbaProject.bin": b"\0" * 64}),
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.fixture
def good_file(shipped: Rubric, make_submission: SubmissionFactory) -> Path:
    return make_submission(shipped, complete(shipped))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_a_finding_through_the_cli(tmp_path: Path, good_file: Path, case: str) -> None:
    code, make = CASES[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    path = make(folder, good_file)
    result = runner.invoke(app, ["validate", "--json", str(path)])
    assert "Traceback" not in result.output
    data = json.loads(result.output)
    found = [f["code"] for f in data["files"][0]["findings"]]
    assert code in found, found
    if code == "file-macro":
        # Only a warning: the values are read (and nothing is ever run).
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1, result.output
    table = runner.invoke(app, ["validate", str(path)])
    assert table.exit_code == result.exit_code
    assert code in table.output
    assert "Traceback" not in table.output


def test_score_of_an_unreadable_file_says_why(tmp_path: Path) -> None:
    path = _write(tmp_path / "old.xlsx", OLE + b"\0" * 100)
    result = runner.invoke(app, ["score", str(path)])
    assert result.exit_code == 1, result.output
    assert "could not be read" in result.output
    assert "file-legacy-xls" in result.output
    data = json.loads(runner.invoke(app, ["score", "--json", str(path)]).output)
    assert data["readable"] is False and data["overall"] is None


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path, good_file: Path) -> None:
    bad = _write(tmp_path / "empty.xlsx", b"")
    result = runner.invoke(app, ["validate", str(bad), str(good_file)])
    assert result.exit_code == 1, result.output
    assert "2 file(s): 1 without errors, 1 with errors" in result.output


def test_no_file_given_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2, result.output
