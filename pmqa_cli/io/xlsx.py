"""A small, strict, streaming reader for untrusted .xlsx files.

Why not openpyxl or python-calamine here: a submission's score depends on three things per cell,
its cached value (a number cell reads as the :class:`~decimal.Decimal` of the shortest decimal
text of the double it stores: the digits people typed and see), whether it holds a formula (a
formula with no cached value is a finding) and whether its number format is a percentage or a date
(0.85 in a percent cell means 85). openpyxl gives values *or* formulas per load, and calamine
gives neither formulas nor formats. Reading the parts directly gives all three in one pass,
bounds every size before anything is parsed, and does not depend on any one writer's quirks
(Excel, LibreOffice, xlsxwriter, openpyxl).

Safety: the file type is sniffed from its first bytes; zip members' declared sizes and ratios
are checked before decompression; every XML part is parsed by defusedxml with DTDs forbidden
(no entity expansion, no external entities); rows, columns and text length are capped.
Anything wrong raises :class:`WorkbookReadError` carrying a finding code.
"""

from __future__ import annotations

import math
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from pmqa_cli.io.cells import (
    Cell,
    CellValue,
    column_letter,
    format_flags,
    ref_to_rc,
    unescape,
)
from pmqa_cli.io.files import InputRefusedError, check_input, megabytes, sniff
from pmqa_cli.io.limits import InputKind, Limits

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Cell",
    "CellValue",
    "InputKind",
    "Limits",
    "Sheet",
    "Workbook",
    "WorkbookReadError",
    "column_letter",
    "open_workbook",
    "sniff",
]

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30


class WorkbookReadError(Exception):
    """The file cannot be read as a workbook. ``code`` is a finding code."""

    def __init__(self, code: str, detail: str = "", **params: Any) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.params = params


@dataclass
class Sheet:
    """One worksheet's non-empty cells, by row then column."""

    name: str
    hidden: bool
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)
    over_limit: str = ""  # "rows" or "columns": the sheet was not read whole

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), or None when it is empty."""
        return self.rows.get(row, {}).get(col)

    def ordered_rows(self) -> Iterator[tuple[int, dict[int, Cell]]]:
        """Rows in sheet order."""
        for number in sorted(self.rows):
            yield number, self.rows[number]


_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
_DATE_FORMAT_IDS |= set(range(27, 37)) | set(range(50, 59)) | set(range(71, 82))
_PERCENT_FORMAT_IDS = {9, 10}
_MACRO_CONTENT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _bare(name: str) -> str:
    """An element name without its namespace prefix."""
    return name[name.rfind(":") + 1 :] if ":" in name else name


class _RowLimitError(Exception):
    """Raised from a handler to stop reading a sheet: at the row limit, or past the last row
    the caller wants."""


def _refuse_dtd(*_: object) -> NoReturn:
    # xlsx parts never carry a DTD; refusing any DTD rules out entity expansion and XXE.
    raise WorkbookReadError("file-unsafe-xml")


def _expat_parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None],
) -> Any:
    """An expat parser for the large parts (sheets, shared strings): no tree, no DTD.

    The handlers receive element names as written: strip a namespace prefix ("x:c"), which
    Strict OOXML and some writers use, with :func:`_bare`.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


class Workbook:
    """An opened workbook: sheet names known, sheets parsed on demand."""

    def __init__(
        self, path: Path, limits: Limits | None = None, kind: InputKind = InputKind.SUBMISSION
    ) -> None:
        self.path = path
        self.kind = kind
        self.limits = limits or Limits()
        self.macro = False
        self._zip: zipfile.ZipFile | None = None
        self._sheets: dict[str, tuple[str, bool]] = {}
        self._shared: list[str] = []
        self._formats: list[tuple[bool, bool]] = []
        self._date1904 = False
        self._open()

    # --- opening ---------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            size = check_input(self.path, self.kind, self.limits)
            with self.path.open("rb") as handle:
                head = handle.read(8192)
        except InputRefusedError as exc:
            if exc.code == "input-over-limit" and self.kind is InputKind.SUBMISSION:
                size = self.path.stat().st_size  # the submissions' own finding, as before
                limit = megabytes(self.limits.max_file_bytes)
                raise WorkbookReadError(
                    "file-too-large", size=megabytes(size), limit=limit
                ) from None
            raise WorkbookReadError(exc.code, exc.detail, **exc.params) from None
        except FileNotFoundError:
            raise WorkbookReadError("file-not-found", path=str(self.path)) from None
        except OSError as exc:
            raise WorkbookReadError("file-unreadable", exc.strerror or str(exc)) from None
        kind = sniff(head, size)
        if kind == "file-ole":
            raise WorkbookReadError(self._ole_kind())
        if kind is not None:
            raise WorkbookReadError(kind)
        try:
            self._zip = zipfile.ZipFile(self.path)
            self._check_zip(self._zip)
            self._read_structure()
        except WorkbookReadError:
            self.close()
            raise
        except zipfile.BadZipFile as exc:
            self.close()
            raise WorkbookReadError("file-corrupt", f"damaged zip archive: {exc}") from None
        except (zlib.error, EOFError) as exc:
            self.close()
            raise WorkbookReadError("file-corrupt", f"damaged compressed data: {exc}") from None

    def _ole_kind(self) -> str:
        with self.path.open("rb") as handle:
            data = handle.read(self.limits.max_file_bytes)
        return "file-encrypted" if _ENCRYPTED in data else "file-legacy-xls"

    def _check_zip(self, archive: zipfile.ZipFile) -> None:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > 1_000_000 and info.compress_size > 0:
                ratio = info.file_size / info.compress_size
                if ratio > self.limits.max_compression_ratio:
                    raise WorkbookReadError(
                        "file-zip-bomb",
                        f"{info.filename} expands {ratio:.0f} times to {megabytes(info.file_size)}",
                    )
        if total > self.limits.max_uncompressed_bytes:
            raise WorkbookReadError(
                "file-zip-bomb",
                f"{megabytes(total)} uncompressed, over the "
                f"{megabytes(self.limits.max_uncompressed_bytes)} limit",
            )

    def _member(self, name: str) -> IO[bytes] | None:
        assert self._zip is not None
        try:
            return self._zip.open(name)
        except KeyError:
            return None

    def _parse(self, name: str) -> Iterator[tuple[str, Element]]:
        stream = self._member(name)
        if stream is None:
            return
        with stream:
            try:
                yield from iterparse(stream, events=("start", "end"), forbid_dtd=True)
            except DefusedXmlException:
                raise WorkbookReadError("file-unsafe-xml") from None
            except ParseError as exc:
                raise WorkbookReadError("file-corrupt", f"malformed XML in {name}: {exc}") from None

    def _stream(self, name: str, parser: Any) -> None:
        """Feed a part to an expat parser in blocks; errors become WorkbookReadError."""
        stream = self._member(name)
        if stream is None:
            return
        with stream:
            try:
                while block := stream.read(1 << 16):
                    parser.Parse(block, False)
                parser.Parse(b"", True)
            except _RowLimitError:
                return
            except expat.ExpatError as exc:
                raise WorkbookReadError(
                    "file-corrupt",
                    f"malformed XML in {name}: {expat.errors.messages.get(exc.code, exc)}",
                ) from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, absolute part name) for a part."""
        directory, base = posixpath.split(part)
        rels: dict[str, tuple[str, str]] = {}
        for event, elem in self._parse(posixpath.join(directory, "_rels", base + ".rels")):
            if event == "end" and _local(elem.tag) == "Relationship":
                target = elem.get("Target", "")
                if elem.get("TargetMode") == "External":
                    continue
                absolute = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(directory, target))
                )
                rels[elem.get("Id", "")] = (elem.get("Type", ""), absolute)
        return rels

    def _read_structure(self) -> None:
        assert self._zip is not None
        names = set(self._zip.namelist())
        workbook_part = next(
            (
                target
                for kind, target in self._rels("").values()
                if kind.endswith("/officeDocument")
            ),
            "xl/workbook.xml",
        )
        if workbook_part not in names:
            if not any(n.startswith("xl/") for n in names):
                raise WorkbookReadError("file-not-workbook")
            raise WorkbookReadError("file-corrupt", "the workbook part is missing")
        self.macro = "xl/vbaProject.bin" in names or self._content_type_is_macro()
        rels = self._rels(workbook_part)
        for event, elem in self._parse(workbook_part):
            if event != "end":
                continue
            tag = _local(elem.tag)
            if tag == "workbookPr":
                self._date1904 = elem.get("date1904") in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in elem.attrib.items() if _local(k) == "id"), "")
                kind, target = rels.get(rid, ("", ""))
                if target and kind.endswith("/worksheet"):
                    hidden = elem.get("state", "visible") != "visible"
                    self._sheets[elem.get("name", "")] = (target, hidden)
        for kind, target in rels.values():
            if kind.endswith("/sharedStrings"):
                self._read_shared_strings(target)
            elif kind.endswith("/styles"):
                self._read_styles(target)

    def _content_type_is_macro(self) -> bool:
        for event, elem in self._parse("[Content_Types].xml"):
            if event == "end" and elem.get("ContentType") == _MACRO_CONTENT:
                return True
        return False

    def _read_shared_strings(self, part: str) -> None:
        parts: list[str] = []
        buffer: list[str] = []
        state = {"capture": False, "phonetic": False}

        def start(name: str, attrs: dict[str, str]) -> None:
            name = _bare(name)
            if name == "si":
                parts.clear()
            elif name == "rPh":
                state["phonetic"] = True  # phonetic guides (furigana) are not the text
            elif name == "t" and not state["phonetic"]:
                state["capture"] = True
                buffer.clear()

        def end(name: str) -> None:
            name = _bare(name)
            if name == "t" and state["capture"]:
                parts.append("".join(buffer))
                state["capture"] = False
            elif name == "rPh":
                state["phonetic"] = False
            elif name == "si":
                self._shared.append(unescape("".join(parts)))

        def text(data: str) -> None:
            if state["capture"]:
                buffer.append(data)

        self._stream(part, _expat_parser(start, end, text))

    def _read_styles(self, part: str) -> None:
        custom: dict[int, tuple[bool, bool]] = {}
        in_cell_xfs = False
        for event, elem in self._parse(part):
            tag = _local(elem.tag)
            if tag == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                try:
                    custom[int(elem.get("numFmtId", "-1"))] = format_flags(
                        elem.get("formatCode", "")
                    )
                except ValueError:
                    continue
            elif event == "end" and tag == "xf" and in_cell_xfs:
                try:
                    fmt = int(elem.get("numFmtId", "0"))
                except ValueError:
                    fmt = 0
                if fmt in custom:
                    self._formats.append(custom[fmt])
                else:
                    self._formats.append((fmt in _PERCENT_FORMAT_IDS, fmt in _DATE_FORMAT_IDS))

    # --- sheets --------------------------------------------------------------------------

    @property
    def sheet_names(self) -> list[str]:
        """Sheet names in workbook order."""
        return list(self._sheets)

    def sheet(
        self,
        name: str,
        header: Callable[[dict[int, Cell]], set[int] | None] | None = None,
        *,
        last_row: int | None = None,
    ) -> Sheet | None:
        """Parse one sheet by name; None when the workbook has no such sheet.

        ``header`` is shown each of the first rows as it is read; once it returns a set of
        columns, only those columns are kept for the rows below (the rest of a template is
        text for people, and skipping it makes reading a submission about a third faster).
        With ``last_row`` the rows below it are not read at all.
        """
        if name not in self._sheets:
            return None
        part, hidden = self._sheets[name]
        sheet = Sheet(name, hidden)
        limits = self.limits
        rows = sheet.rows
        buffer: list[str] = []
        inline: list[str] = []
        # The cell being read: [row, col, type, style, value, formula, inline, capture, phonetic]
        cur: list[Any] = [0, 0, "n", None, None, False, False, None, False]
        position = {"row": 0, "col": 1}
        keep: set[int] | None = None
        watching = header is not None

        def start(tag: str, attrs: dict[str, str]) -> None:
            if ":" in tag:
                tag = _bare(tag)
            if tag == "c":
                ref = attrs.get("r")
                rc = ref_to_rc(ref) if ref else None
                row, col = rc if rc else (position["row"], position["col"])
                position["col"] = col + 1
                if keep is not None and col not in keep:
                    col = 0  # not wanted: read past it
                cur[0:9] = [row, col, attrs.get("t", "n"), attrs.get("s"), None, False, False,
                            None, False]  # fmt: skip
            elif tag == "row":
                r = attrs.get("r")
                position["row"] = int(r) if r and r.isdigit() else position["row"] + 1
                position["col"] = 1
                if last_row is not None and position["row"] > last_row:
                    raise _RowLimitError  # the rest is not wanted
                if position["row"] > limits.max_rows:
                    sheet.over_limit = "rows"
                    raise _RowLimitError
            elif cur[1] == 0:
                return  # inside a cell that is not wanted
            elif tag == "v":
                cur[7] = "v"
                buffer.clear()
            elif tag == "f":
                cur[5] = True
            elif tag == "is":
                cur[6] = True
                inline.clear()
            elif tag == "t" and cur[6] and not cur[8]:
                cur[7] = "t"
                buffer.clear()
            elif tag == "rPh":
                cur[8] = True

        def end(tag: str) -> None:
            nonlocal keep, watching
            if ":" in tag:
                tag = _bare(tag)
            if tag == "row":
                if watching and header is not None:
                    if position["row"] > HEADER_SEARCH_ROWS:
                        watching = False
                    else:
                        keep = header(rows.get(position["row"], {}))
                        watching = keep is None
                return
            if tag == "c":
                row, col = cur[0], cur[1]
                if col == 0:
                    return
                if col > limits.max_columns:
                    sheet.over_limit = "columns"
                    return
                raw_inline = "".join(inline) if cur[6] else None
                cell = self._make_cell(row, col, cur[2], cur[3], cur[4], cur[5], raw_inline)
                if cell is not None:
                    rows.setdefault(row, {})[col] = cell
            elif tag == "v":
                cur[4] = "".join(buffer)
                cur[7] = None
            elif tag == "t" and cur[7] == "t":
                inline.append("".join(buffer))
                cur[7] = None
            elif tag == "rPh":
                cur[8] = False

        def text(data: str) -> None:
            if cur[7] is not None:
                buffer.append(data)

        self._stream(part, _expat_parser(start, end, text))
        return sheet

    def _make_cell(
        self,
        row: int,
        col: int,
        kind: str,
        style: str | None,
        raw: str | None,
        formula: bool,
        inline: str | None,
    ) -> Cell | None:
        percent = date = False
        if style and style.isdigit() and int(style) < len(self._formats):
            percent, date = self._formats[int(style)]
        # <v/> and <v></v> read alike: a formula whose cached value is empty was never
        # calculated, except a text formula, whose result may be the empty string.
        if formula and (raw is None or (raw == "" and kind != "str")):
            return Cell(row, col, None, "f", formula=True)
        value: CellValue
        if kind == "s":
            try:
                value = self._shared[int(raw or "")]
            except (ValueError, IndexError):
                return None
        elif kind == "inlineStr":
            if inline is None:
                return None
            value, kind = unescape(inline), "s"
        elif kind == "str":
            value, kind = unescape(raw or ""), "s"
        elif kind == "b":
            value = (raw or "").strip() in ("1", "true")
        elif kind == "e":
            value = raw or "#ERROR"
        elif kind == "d":
            try:
                value = datetime.fromisoformat((raw or "").strip())
            except ValueError:
                value, kind = raw or "", "s"
        else:
            if raw is None or not raw.strip():
                return None
            try:
                double = float(raw)  # the binary double the cell holds (Excel's number type)
            except ValueError:
                double = math.nan
            if not math.isfinite(double):
                value, kind = raw, "s"  # "NaN", "inf", "1e999": text, which is not a number
            else:
                # Its shortest decimal: the digits Excel shows and the office typed. Excel and
                # LibreOffice store exactly those ("84.15"); openpyxl stores 17 digits
                # ("84.15000000000001"), the same double, read here as 84.15 too.
                number = Decimal(repr(double))
                value, kind = number, "n"
                if date:
                    converted = self._serial_to_datetime(number)
                    if converted is not None:
                        value, kind = converted, "d"
        truncated = 0
        if isinstance(value, str) and len(value) > self.limits.max_text_length:
            truncated = len(value)
            value = value[: self.limits.max_text_length]
        return Cell(row, col, value, kind, formula, percent, truncated)

    def _serial_to_datetime(self, serial: Decimal) -> datetime | None:
        if not 0 <= serial < 2_958_466:  # 9999-12-31
            return None
        epoch = datetime(1904, 1, 1) if self._date1904 else datetime(1899, 12, 30)
        return epoch + timedelta(days=float(serial))

    def close(self) -> None:
        """Release the file."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbook(
    path: Path | str, limits: Limits | None = None, kind: InputKind = InputKind.SUBMISSION
) -> Workbook:
    """Open a workbook for reading; raises :class:`WorkbookReadError` (with a finding code).
    Anything but a regular file is refused by ``stat`` before it is opened."""
    return Workbook(Path(path), limits, kind)
