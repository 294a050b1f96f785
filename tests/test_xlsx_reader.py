"""The xlsx reader on hand-written parts: what Excel, LibreOffice and other writers produce,
not only what openpyxl writes (openpyxl uses inline strings; Excel uses shared strings)."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pmqa_cli.io.xlsx import Limits, WorkbookReadError, column_letter, open_workbook, sniff

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

STYLES = f"""<styleSheet {NS}>
<numFmts count="2"><numFmt numFmtId="164" formatCode="[$-107041E]d mmmm yyyy;@"/>
<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="9"/><xf numFmtId="164"/>
<xf numFmtId="165"/><xf numFmtId="11"/></cellXfs></styleSheet>"""

SHARED = f"""<sst {NS} count="4" uniqueCount="4">
<si><t>ผ่าน</t></si>
<si><r><rPr><b/></rPr><t>ไม่</t></r><r><t>ผ่าน</t></r></si>
<si><t>日本</t><rPh sb="0" eb="2"><t>ニホン</t></rPh></si>
<si><t>line_x000D_break</t></si>
</sst>"""

SHEET = f"""<worksheet {NS}><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>
<c r="D1" t="s"><v>3</v></c></row>
<row r="2"><c r="A2"><v>85.5</v></c><c r="B2" s="2"><v>0.85</v></c><c r="C2" s="4"><v>0.5</v></c>
<c r="D2" s="5"><v>1E+3</v></c></row>
<row r="3"><c r="A3" s="1"><v>45519</v></c><c r="B3" s="3"><v>45519</v></c></row>
<row r="4"><c r="A4" t="b"><v>1</v></c><c r="B4" t="e"><v>#DIV/0!</v></c>
<c r="C4"><f>1/0</f></c><c r="D4" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>inline</t></is></c><c t="n"><v>7</v></c>
<c><v>8</v></c></row>
<row><c><v>9</v></c></row>
</sheetData></worksheet>"""


def build(path: Path, *, date1904: bool = False, absolute: bool = True, extra: str = "") -> Path:
    target = "/xl/worksheets/data.xml" if absolute else "worksheets/data.xml"
    workbook = f"""<workbook {NS} {R_NS}><workbookPr {'date1904="1"' if date1904 else ""}/>
<sheets><sheet name="ข้อมูล" sheetId="1" r:id="rId1"/>
<sheet name="ซ่อน" sheetId="2" state="hidden" r:id="rId2"/>{extra}</sheets></workbook>"""
    rels = f"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="{target}"/>
<Relationship Id="rId2" Type="{REL}/worksheet" Target="worksheets/hidden.xml"/>
<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/>
<Relationship Id="rId9" Type="{REL}/hyperlink" Target="http://x" TargetMode="External"/>
</Relationships>"""
    root = f"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", root)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", SHARED)
        z.writestr("xl/worksheets/data.xml", SHEET)
        z.writestr("xl/worksheets/hidden.xml", f"<worksheet {NS}><sheetData/></worksheet>")
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return build(tmp_path / "excel.xlsx")


def test_sheet_names_and_state(book: Path) -> None:
    with open_workbook(book) as wb:
        assert wb.sheet_names == ["ข้อมูล", "ซ่อน"]
        hidden = wb.sheet("ซ่อน")
        assert hidden is not None and hidden.hidden
        assert wb.sheet("ไม่มี") is None


def test_shared_strings_rich_text_phonetics_and_escapes(book: Path) -> None:
    with open_workbook(book) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None
    values = [sheet.cell(1, c).value for c in range(1, 5)]  # type: ignore[union-attr]
    assert values == ["ผ่าน", "ไม่ผ่าน", "日本", "line\rbreak"]


def test_numbers_percent_and_date_formats(book: Path) -> None:
    with open_workbook(book) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None
    a2, b2, c2, d2 = (sheet.cell(2, c) for c in range(1, 5))
    assert a2 is not None and (a2.value, a2.kind, a2.percent) == (Decimal("85.5"), "n", False)
    assert b2 is not None and (b2.value, b2.percent) == (Decimal("0.85"), True)
    assert c2 is not None and c2.percent  # a custom 0.0% format
    assert d2 is not None and (d2.value, d2.kind) == (1000.0, "n")  # scientific is not a date
    a3, b3 = sheet.cell(3, 1), sheet.cell(3, 2)
    assert a3 is not None and (a3.value, a3.kind) == (datetime(2024, 8, 15), "d")
    assert b3 is not None and b3.value == datetime(2024, 8, 15)  # the Thai date format


def test_booleans_errors_and_formulas(book: Path) -> None:
    with open_workbook(book) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None
    a4, b4, c4, d4 = (sheet.cell(4, c) for c in range(1, 5))
    assert a4 is not None and (a4.value, a4.kind) == (True, "b")
    assert b4 is not None and (b4.value, b4.kind) == ("#DIV/0!", "e")
    assert c4 is not None and (c4.kind, c4.formula, c4.value) == ("f", True, None)
    assert d4 is not None and (d4.value, d4.kind, d4.formula) == ("ab", "s", True)


def test_cells_and_rows_without_references(book: Path) -> None:
    with open_workbook(book) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None
    assert [sheet.cell(5, c).value for c in (1, 2, 3)] == ["inline", 7.0, 8.0]  # type: ignore[union-attr]
    six = sheet.cell(6, 1)
    assert six is not None and six.value == 9.0 and six.ref == "A6"


def test_relative_targets_and_1904_dates(tmp_path: Path) -> None:
    path = build(tmp_path / "mac.xlsx", date1904=True, absolute=False)
    with open_workbook(path) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None
    a3 = sheet.cell(3, 1)
    assert a3 is not None and a3.value == datetime(2028, 8, 16)


def test_limits(book: Path) -> None:
    with open_workbook(book, Limits(max_rows=3, max_text_length=3)) as wb:
        sheet = wb.sheet("ข้อมูล")
    assert sheet is not None and sheet.over_limit
    assert max(sheet.rows) == 3
    first = sheet.cell(1, 4)
    assert first is not None and first.value == "lin" and first.truncated_from == 10


def test_a_sheet_pointing_nowhere_is_ignored(tmp_path: Path) -> None:
    path = build(tmp_path / "x.xlsx", extra='<sheet name="ghost" sheetId="3" r:id="rId42"/>')
    with open_workbook(path) as wb:
        assert "ghost" not in wb.sheet_names


@pytest.mark.parametrize(
    ("head", "size", "expected"),
    [
        (b"", 0, "file-empty"),
        (b"PK\x03\x04rest", 10, None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "file-ole"),
        (b"code;name\nP001;x", 16, "file-csv"),
        ("รหัส\tชื่อ\n".encode(), 20, "file-csv"),
        (b"<?xml version='1.0'?><a/>", 25, "file-not-workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 10, "file-not-workbook"),
    ],
)
def test_sniff(head: bytes, size: int, expected: str | None) -> None:
    assert sniff(head, size) == expected


def test_unsafe_shared_strings_are_refused(tmp_path: Path) -> None:
    path = build(tmp_path / "x.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><sst ' + NS.encode() + b">"
                    b"<si><t>&b;</t></si></sst>"
                )
            dst.writestr(info.filename, data)
    with pytest.raises(WorkbookReadError) as raised:
        open_workbook(bomb)
    assert raised.value.code == "file-unsafe-xml"


@pytest.mark.parametrize(("col", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letters(col: int, letters: str) -> None:
    assert column_letter(col) == letters
