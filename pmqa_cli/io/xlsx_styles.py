"""What a cell's raw XML means (used by :mod:`pmqa_cli.io.xlsx`): the workbook's shared strings,
its cell styles' number formats (percent? date?) and its date system, and the decoding of one
cell's type, style, cached value and formula flag into a :class:`~pmqa_cli.io.cells.Cell`."""

from __future__ import annotations

import contextlib
import math
from datetime import datetime, timedelta
from decimal import Decimal

from pmqa_cli.io.cells import Cell, CellValue, format_flags, unescape
from pmqa_cli.io.xlsx_archive import Archive, bare_name, expat_parser

__all__ = ["CellDecoder", "read_shared_strings", "read_styles"]

_DATE_FORMAT_IDS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47}
_DATE_FORMAT_IDS |= set(range(27, 37)) | set(range(50, 59)) | set(range(71, 82))
_PERCENT_FORMAT_IDS = {9, 10}


def read_shared_strings(archive: Archive, part: str) -> list[str]:
    """The shared strings part's texts, in order (phonetic guides left out)."""
    shared: list[str] = []
    parts: list[str] = []
    buffer: list[str] = []
    state = {"capture": False, "phonetic": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        name = bare_name(name)
        if name == "si":
            parts.clear()
        elif name == "rPh":
            state["phonetic"] = True  # phonetic guides (furigana) are not the text
        elif name == "t" and not state["phonetic"]:
            state["capture"] = True
            buffer.clear()

    def end(name: str) -> None:
        name = bare_name(name)
        if name == "t" and state["capture"]:
            parts.append("".join(buffer))
            state["capture"] = False
        elif name == "rPh":
            state["phonetic"] = False
        elif name == "si":
            shared.append(unescape("".join(parts)))

    def text(data: str) -> None:
        if state["capture"]:
            buffer.append(data)

    archive.stream(part, expat_parser(start, end, text))
    return shared


#: Styles parts already read, by their bytes: a batch's workbooks come from one template and
#: mostly share theirs (parsing it was a twentieth of reading a submission). Only parts of one
#: block, and the last few: memory stays bounded; equal bytes are parsed alike.
_KNOWN_STYLES: dict[bytes, tuple[tuple[bool, bool], ...]] = {}
_KNOWN_MOST = 8


def read_styles(archive: Archive, part: str) -> list[tuple[bool, bool]]:
    """Each cell style's (percent, date) flags, by style index, from the styles part; the
    flags of a part with the same bytes as one read before are not worked out again."""
    data = archive.one_block(part)
    known = _KNOWN_STYLES.get(data) if data is not None else None
    if known is not None:
        return list(known)
    formats = _parse_styles(archive, part)
    if data is not None:
        if len(_KNOWN_STYLES) >= _KNOWN_MOST:
            del _KNOWN_STYLES[next(iter(_KNOWN_STYLES))]
        _KNOWN_STYLES[data] = tuple(formats)
    return formats


def _parse_styles(archive: Archive, part: str) -> list[tuple[bool, bool]]:
    """The styles part read with expat, as the sheets are: no tree, no DTD."""
    formats: list[tuple[bool, bool]] = []
    custom: dict[int, tuple[bool, bool]] = {}
    in_cell_xfs = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal in_cell_xfs
        if ":" in tag:
            tag = bare_name(tag)
        if tag == "cellXfs":
            in_cell_xfs = True
        elif tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = format_flags(attrs.get("formatCode", ""))
        elif tag == "xf" and in_cell_xfs:
            try:
                fmt = int(attrs.get("numFmtId", "0"))
            except ValueError:
                fmt = 0
            if fmt in custom:
                formats.append(custom[fmt])
            else:
                formats.append((fmt in _PERCENT_FORMAT_IDS, fmt in _DATE_FORMAT_IDS))

    def end(tag: str) -> None:
        nonlocal in_cell_xfs
        if tag == "cellXfs" or tag.endswith(":cellXfs"):
            in_cell_xfs = False

    archive.stream(part, expat_parser(start, end, lambda data: None))
    return formats


class CellDecoder:
    """Turns one cell's raw parts into a :class:`Cell`, with the workbook's shared strings,
    number formats and date system; text longer than ``max_text_length`` is cut."""

    def __init__(
        self,
        shared: list[str],
        formats: list[tuple[bool, bool]],
        date1904: bool,
        max_text_length: int,
    ) -> None:
        self.shared = shared
        self.formats = formats
        self.date1904 = date1904
        self.max_text_length = max_text_length

    def make_cell(
        self,
        row: int,
        col: int,
        kind: str,
        style: str | None,
        raw: str | None,
        formula: bool,
        inline: str | None,
    ) -> Cell | None:
        """The cell, or None when it holds nothing that can be read."""
        percent = date = False
        # isdecimal, not isdigit: "²" is a digit int() refuses (a hand-made file once had one).
        if style and style.isdecimal() and int(style) < len(self.formats):
            percent, date = self.formats[int(style)]
        # <v/> and <v></v> read alike: a formula whose cached value is empty was never
        # calculated, except a text formula, whose result may be the empty string.
        if formula and (raw is None or (raw == "" and kind != "str")):
            return Cell(row, col, None, "f", formula=True)
        value: CellValue
        if kind == "s":
            try:
                value = self.shared[int(raw or "")]
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
                    converted = self.serial_to_datetime(number)
                    if converted is not None:
                        value, kind = converted, "d"
        truncated = 0
        if isinstance(value, str) and len(value) > self.max_text_length:
            truncated = len(value)
            value = value[: self.max_text_length]
        return Cell(row, col, value, kind, formula, percent, truncated)

    def serial_to_datetime(self, serial: Decimal) -> datetime | None:
        """A date cell's serial number as a datetime, in the workbook's date system."""
        if not 0 <= serial < 2_958_466:  # 9999-12-31
            return None
        epoch = datetime(1904, 1, 1) if self.date1904 else datetime(1899, 12, 30)
        return epoch + timedelta(days=float(serial))
