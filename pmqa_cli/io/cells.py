"""One cell of a worksheet as pmqa reads it, and the small rules for naming and reading cells:
A1 references, number formats (percent, date) and OOXML's escaped characters."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

__all__ = ["Cell", "CellValue", "column_letter", "format_flags", "ref_to_rc", "unescape"]

#: A number cell's value is the Decimal of the text the file stores ("0.57" is exactly 0.57).
CellValue = str | Decimal | bool | datetime | None

_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class Cell(NamedTuple):
    """One cell as stored: its cached value and what kind of value it is.

    ``kind`` is ``n`` number, ``s`` text, ``b`` boolean, ``d`` date, ``e`` an error such as
    ``#DIV/0!``, or ``f`` a formula with no cached value. (A NamedTuple: a sheet holds
    hundreds of these and they are made in the hot loop of the reader.)
    """

    row: int
    col: int
    value: CellValue
    kind: str
    formula: bool = False
    percent: bool = False
    truncated_from: int = 0  # original text length when longer than the limit

    @property
    def ref(self) -> str:
        """The A1 reference."""
        return f"{column_letter(self.col)}{self.row}"


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def ref_to_rc(ref: str) -> tuple[int, int] | None:
    """ "B7" -> (7, 2); None for what is no cell reference. The same few thousand references
    come in every sheet of every file: remembered (short ones only: memory stays bounded)."""
    return _short_ref(ref) if len(ref) <= 12 else _ref_to_rc(ref)


@lru_cache(maxsize=1 << 15)
def _short_ref(ref: str) -> tuple[int, int] | None:
    return _ref_to_rc(ref)


def _ref_to_rc(ref: str) -> tuple[int, int] | None:
    match = _REF.match(ref.replace("$", "").upper())
    if not match:
        return None
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def format_flags(code: str) -> tuple[bool, bool]:
    """(is percent, is date) for a custom number-format code."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    # Only the first section (positive numbers) decides.
    first = re.sub(r"e[+-]", "", plain.split(";")[0].lower())  # scientific, not era years
    percent = "%" in first
    date = bool(re.search(r"[dmyhseb]", first.replace("general", ""))) and not percent
    return percent, date


def unescape(text: str) -> str:
    """OOXML writes some characters as _xHHHH_ (e.g. _x000D_ for a carriage return)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
