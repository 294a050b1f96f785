"""How much room text takes when a spreadsheet client wraps it in a cell: lines and row heights.

Neither Excel nor LibreOffice grows a row to fit wrapped text when it opens a file, so every
row holding wrapped text gets a height from here. The widths are TH Sarabun New's (as the TLWG
font Laksaman has them: LibreOffice substitutes Laksaman where TH Sarabun New is not installed,
and Laksaman is TH SarabunPSK's design), in hundredths of an em; the line spacing and the cell
padding were measured by printing through LibreOffice 7 (tests/test_libreoffice.py prints a
sheet of such rows and checks that no text runs past its row).

Thai is written without spaces between words and clients wrap it at word boundaries they find
with a dictionary; without one here, a line is assumed to end up to ``THAI_SLACK`` short of full
where it breaks inside a run of Thai.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from pmqa_cli.report.outputs import FONT_SIZE

__all__ = [
    "BOLD_WIDER",
    "LINE_PITCH",
    "LINE_SPACING",
    "PADDING",
    "UNIT_POINTS",
    "WIDEST_CHARACTER",
    "break_at_spaces",
    "column_points",
    "line_height",
    "row_height",
    "text_lines",
    "text_points",
    "wrapped_lines",
]

# Advance widths, hundredths of an em: printable ASCII (U+0020..U+007E), two digits each ...
_ASCII = (
    "3222316154886418282843622432244154545454545454545454242462626242816057616553536466224056"
    "538266735773575357705988635564293929625331526050605631475922234830905960606033423659517648"
    "514831233162"
)
# ... and the Thai block from U+0E01 (0 for the marks above and below a consonant).
_THAI = (
    "58,57,57,59,59,61,44,55,57,57,57,78,78,64,64,52,69,80,82,59,59,57,65,50,63,64,64,57,57,67,"
    "67,64,60,56,48,57,57,64,50,59,66,57,64,68,58,56,59,54,0,48,48,0,0,0,0,0,0,0,0,0,0,0,62,30,"
    "57,36,36,37,31,60,0,0,0,0,0,0,0,0,68,68,68,68,68,68,68,68,68,68,78,105"
)
_WIDTH: dict[str, int] = {chr(32 + n): int(_ASCII[2 * n : 2 * n + 2]) for n in range(95)}
_WIDTH.update({chr(0x0E01 + n): int(w) for n, w in enumerate(_THAI.split(","))})
_OTHER = 70  # anything else (≥, …, other scripts): a wide guess
#: The widest character, in ems: text of n characters is never wider than n of these.
WIDEST_CHARACTER = max(*_WIDTH.values(), _OTHER) / 100

#: A line's height as a share of the font size, as LibreOffice prints Laksaman (26.5 pt at
#: 16 pt, 23.2 at 14) ...
LINE_PITCH = 1.66
#: ... and as pmqa allows for it, with a margin.
LINE_SPACING = 1.70
#: What a cell keeps free of text: its inner margins, left and right together, in points.
PADDING = 4.0
#: How far short of full a line may end where a client breaks a run of Thai between words:
#: about one Thai word, in ems.
THAI_SLACK = 2.0
#: Bold text is this much wider (Laksaman Bold over Regular, over pmqa's texts).
BOLD_WIDER = 1.05
#: Column width units in points, by the workbook's default font (Normal style): openpyxl's
#: Calibri 11 and pmqa's xlsxwriter books' TH Sarabun New 16 (its digit), as LibreOffice
#: lays them out.
UNIT_POINTS = {"openpyxl": 7.0, "xlsxwriter": 8.7}

_THAI_RUN = re.compile("[\u0e01-\u0e5b]")
_BREAK_AFTER = re.compile(r"(?<=[ \-/])")


def _em(text: str) -> float:
    return sum(_WIDTH.get(ch, _OTHER) for ch in text) / 100


def text_points(text: str, size: float) -> float:
    """The width of one line of ``text`` at ``size`` points, unwrapped."""
    return max((_em(line) for line in str(text).split("\n")), default=0.0) * size


def column_points(width: float, unit: float = UNIT_POINTS["openpyxl"]) -> float:
    """The room for text in a column ``width`` units wide (``unit`` points each)."""
    return max(1.0, width * unit - PADDING)


def _paragraph_lines(text: str, room: float) -> int:
    """Greedy wrapping as clients do: at spaces, after hyphens and slashes, between Thai
    words (inside a Thai run at any letter, a line then counted ``THAI_SLACK`` shorter); a
    word wider than a line is broken where it must."""
    lines, used = 1, 0.0
    for word in _BREAK_AFTER.split(text):
        width = _em(word.rstrip(" "))
        if used + width <= room:
            used += _em(word)
            continue
        if _THAI_RUN.search(word):
            # The run fills this line up to a word short, then as many lines as it needs.
            rest = width - max(0.0, room - THAI_SLACK - used)
            lines += 1
            while rest > room:
                rest -= room - THAI_SLACK
                lines += 1
            used = rest + (_em(word) - width)
            continue
        if used > 0:
            lines += 1
        lines += max(0, math.ceil(width / room) - 1)
        used = width - room * (math.ceil(width / room) - 1) + (_em(word) - width)
    return lines


def wrapped_lines(text: str, room: float, size: float) -> int:
    """How many lines ``text`` takes in a cell with ``room`` points for text, at ``size``."""
    em_room = max(room / size, THAI_SLACK + 1)
    return sum(_paragraph_lines(part, em_room) for part in str(text).split("\n"))


def line_height(size: float) -> float:
    """The height of one line of text at ``size`` points."""
    return LINE_SPACING * size


def row_height(lines: int, size: float) -> float:
    """A row's height for ``lines`` lines at ``size`` points, with room above and below."""
    return round(lines * line_height(size) + 0.3 * size, 1)


_COMBINING = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0300-\u036f]")


def break_at_spaces(text: str, width: int) -> str:
    """``text`` with line breaks at its spaces, each line at most ``width`` visible characters
    where it can be: a client wrapping Thai itself may break inside a word (ผล / ลัพธ์), but
    never inside a line that fits."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(_COMBINING.sub("", f"{lines[-1]} {word}")) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


@lru_cache(maxsize=8192)
def text_lines(
    text: str, width: float, *, size: float = FONT_SIZE, bold: bool = False,
    unit: float = UNIT_POINTS["openpyxl"],
) -> int:  # fmt: skip
    """How many lines ``text`` wraps to in a column (or merged range) ``width`` units wide, at
    ``size`` points (report/text_width.py: TH Sarabun New's widths, Thai broken between words).
    ``unit`` is a width unit in points: openpyxl's books' (the default) or xlsxwriter's.
    Kept for the texts asked again: a batch's workbooks repeat their headers and titles."""
    room = column_points(width, unit) / (BOLD_WIDER if bold else 1.0)
    return wrapped_lines(text, room, size)
