"""What people really type, turned into values: numbers, yes/no answers, dates, office types.

Every function here is pure and takes a cell's stored value (str, Decimal, bool, datetime or
None; a float, from library callers, is taken as its shortest repr). Numbers come back as exact
:class:`~decimal.Decimal` values. The rules are documented value by value in
docs/workbook-format.md, and tested the same way.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pmqa_cli.core.thai import BE_OFFSET, MONTHS_TH, MONTHS_TH_SHORT
from pmqa_cli.rubric.model import OfficeType
from pmqa_cli.rubric.units import unit_label

__all__ = [
    "Parsed",
    "clean_text",
    "code_text",
    "is_blank",
    "number_in_text",
    "number_problem",
    "parse_date",
    "parse_flag",
    "parse_number",
    "parse_office_type",
    "parse_yes_no",
    "plain",
]

CellValue = str | Decimal | float | bool | datetime | None

# Thai and full-width digits become ASCII digits. (Not NFKC: it decomposes Thai SARA AM.)
_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙０１２３４５６７８９", "01234567890123456789")
# Invisible characters that arrive with copy-paste: zero-width spaces and joiners, BOM,
# word joiner, soft hyphen and bidirectional marks.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# A comma is a thousands separator only in a well-formed grouping: 1 to 3 leading digits (not a
# leading 0), then groups of exactly 3 digits, then an optional decimal point: 1,234 and
# 12,345,678.5. Any other comma between digits is a decimal comma (7,5 0,48 85,50 1.234,5).
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+")
#: Numbers beyond these are not values a spreadsheet holds (Excel keeps 15-17 significant
#: digits, up to about 1e308); they are not read as numbers, so exact arithmetic stays cheap.
MAX_DIGITS = 30
MAX_EXPONENT = 308

#: Text that means "no answer" in a number, text or evidence cell.
NO_ANSWER = {"", "-", "–", "—", "ไม่มี", "ไม่ระบุ"}
YES = {"ผ่าน", "ใช่", "มี", "y", "yes", "true", "✓", "✔", "☑", "1", "pass", "met", "ได้"}
NO = {"ไม่ผ่าน", "ไม่ใช่", "ไม่มี", "n", "no", "false", "✗", "✘", "×", "0", "fail", "ไม่ได้"}
NOT_APPLICABLE = {"n/a", "na", "ไม่เกี่ยวข้อง", "ไม่ประเมิน"}
FLAG_TRUE = YES | NOT_APPLICABLE | {"x", "/"}
_PRIMARY = {"สพป", "ประถม", "ประถมศึกษา", "primary", "p"}
_SECONDARY = {"สพม", "มัธยม", "มัธยมศึกษา", "secondary", "s"}
_THAI_MONTHS = {
    name: number
    for names in (MONTHS_TH, MONTHS_TH_SHORT)
    for number, name in enumerate(names, start=1)
}


@dataclass(frozen=True)
class Parsed:
    """A parsed value, or why it could not be parsed (``problem`` is a finding code)."""

    value: Decimal | bool | date | None = None
    problem: str | None = None
    not_applicable: bool = False
    suggestion: str = ""  # for decimal-comma: the number as it should be typed


def clean_text(value: str) -> str:
    """Strip invisible and control characters and surrounding or repeated white space;
    Thai and full-width digits become Arabic digits; Unicode is composed (NFC)."""
    # Short texts (ids, answers, headers) repeat in every row and every file: remembered.
    return _clean_short(value) if len(value) <= _SHORT else _clean(value)


_SHORT = 64  # characters; a longer text is cleaned each time, so memory stays bounded


@lru_cache(maxsize=8192)
def _clean_short(value: str) -> str:
    return _clean(value)


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = text.translate(_DIGITS)
    return _SPACES.sub(" ", text).strip()


def is_blank(value: CellValue) -> bool:
    """Whether a cell means "no answer" (empty, a dash, ไม่มี)."""
    return value is None or (isinstance(value, str) and clean_text(value) in NO_ANSWER)


def code_text(value: CellValue) -> str:
    """An office code as text: 1001.0 typed into a number cell comes back as "1001"."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() < MAX_DIGITS:
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, datetime):
        return value.date().isoformat()
    return clean_text(str(value))


def plain(number: Decimal) -> str:
    """A Decimal as people write it: 0.57, 85.50 as stored, 1000 rather than 1E+3."""
    if number.is_finite() and -MAX_DIGITS < number.adjusted() < MAX_DIGITS:
        return f"{number:f}"
    return str(number)


def parse_number(
    value: CellValue, *, percent_cell: bool = False, percent_unit: bool = False
) -> Parsed:
    """A number from a cell, exactly: the Decimal of the text the cell stores or shows.

    "1,234.5", " ๘๕ ", "85%", "−3" and numbers stored as text are numbers. For a percentage
    indicator, "85%" means 85 and so does 0.85 in a percent-formatted cell (scaled exactly:
    0.57 is 57, 0.0045 is 0.45). "N/A" and ไม่เกี่ยวข้อง mark the indicator not applicable;
    "-", ไม่มี and blank are no answer. A decimal comma ("7,5") is the problem
    ``decimal-comma``, never a guess; booleans, dates, NaN and infinities are not numbers.
    """
    if value is None:
        return Parsed()
    if isinstance(value, (bool, datetime)):
        return Parsed(problem="value-not-number")
    if isinstance(value, (Decimal, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if number.is_finite() and percent_cell and percent_unit:
            number = number.scaleb(2)
        # Checked after scaling: 1.7976931348623157e308 in a percent cell is beyond any double.
        return Parsed(number) if _usable(number) else Parsed(problem="value-not-number")
    text = clean_text(value).replace("\u2212", "-")
    if text in NO_ANSWER:
        return Parsed()
    if text.casefold() in NOT_APPLICABLE:
        return Parsed(not_applicable=True)
    # "85%" means 85: percentages are entered as percentages, the sign is decoration.
    text = text.replace(" ", "").removesuffix("%")
    if "," in text:
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.fullmatch(text):
            fixed = text.replace(".", "").replace(",", ".")
            return Parsed(problem="decimal-comma", suggestion=fixed)
        else:
            return Parsed(problem="value-not-number")
    if not _NUMBER.fullmatch(text):
        return Parsed(problem="value-not-number")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return Parsed(problem="value-not-number")
    return Parsed(number) if _usable(number) else Parsed(problem="value-not-number")


_NUMBER_IN_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?")


def number_in_text(value: CellValue) -> Decimal | None:
    """The one number a text that is not a number holds ("ประมาณ 84.82" holds 84.82, "7,5"
    holds 7.5), exactly; None when it holds none or more than one ("80-85", "ปี 2567: 84")."""
    if not isinstance(value, str):
        return None
    found = [m.group(0) for m in _NUMBER_IN_TEXT.finditer(clean_text(value))]
    if len(found) != 1:
        return None
    parsed = parse_number(found[0])
    if isinstance(parsed.value, Decimal):
        return parsed.value
    return Decimal(parsed.suggestion) if parsed.suggestion else None


def number_problem(parsed: Parsed, shown: str, unit: str) -> tuple[str, dict[str, str]]:
    """The finding code and parameters for a number :func:`parse_number` could not take, the
    same for every input kind (a submission's cell, a verified value, central data, a
    correction): ``decimal-comma`` with the number as it should be typed, else
    ``value-not-number`` with the unit."""
    code = "decimal-comma" if parsed.problem == "decimal-comma" else "value-not-number"
    return code, {
        "value": shown,
        "unit": unit_label(unit, "en"),
        "unit_th": unit_label(unit),
        "suggested": parsed.suggestion,
    }


def _usable(number: Decimal) -> bool:
    """Finite, at most MAX_DIGITS significant digits, within 10^±MAX_EXPONENT, and no larger
    than the largest double (1.797693134862316E+308, as openpyxl writes the largest double,
    is past it): every output can then show the value as a number."""
    if not number.is_finite():
        return False
    digits = number.as_tuple().digits
    return (
        len(digits) <= MAX_DIGITS
        and -MAX_EXPONENT - MAX_DIGITS <= number.adjusted() <= MAX_EXPONENT
        and abs(number) <= _LARGEST_DOUBLE
    )


_LARGEST_DOUBLE = Decimal(repr(sys.float_info.max))


def parse_yes_no(value: CellValue) -> Parsed:
    """A met / not-met answer: ผ่าน/ไม่ผ่าน, ใช่/ไม่ใช่, มี/ไม่มี, Y/N, ✓/✗, TRUE/FALSE, 1/0.

    Blank and "-" are no answer. (In this yes/no column ไม่มี is the answer "no"; in number and
    evidence cells it means nothing was given.)
    """
    if value is None:
        return Parsed()
    if isinstance(value, bool):
        return Parsed(value)
    if isinstance(value, (Decimal, float)):
        if value in (0, 1):
            return Parsed(value == 1)
        return Parsed(problem="answer-invalid")
    if isinstance(value, datetime):
        return Parsed(problem="answer-invalid")
    text = clean_text(value).casefold()
    if text in YES:
        return Parsed(True)
    if text in NO:
        return Parsed(False)
    if text in NO_ANSWER:
        return Parsed()
    return Parsed(problem="answer-invalid")


def parse_flag(value: CellValue) -> bool:
    """A tick-box style cell (the N/A column): any yes-like mark, ✓, x or N/A is ticked."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (Decimal, float)):
        return value == 1
    if isinstance(value, datetime):
        return False
    return clean_text(value).casefold() in FLAG_TRUE


def parse_date(value: CellValue) -> Parsed:
    """A date in the Buddhist or common era: a date cell, 15/8/2567, 2024-08-15,
    15 สิงหาคม 2567, 15 ส.ค. 67. Years above 2400 are Buddhist era (CE + 543)."""
    if value is None:
        return Parsed()
    if isinstance(value, datetime):
        return Parsed(_era(value.date()))
    if isinstance(value, (bool, Decimal, float)):
        return Parsed(problem="date-invalid")
    text = clean_text(value)
    if text in NO_ANSWER:
        return Parsed()
    try:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if match:
            return Parsed(_era(date(*(int(g) for g in match.groups()))))
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return Parsed(_era(date(_full_year(year), month, day)))
        match = re.fullmatch(r"(\d{1,2})\s*([^\d\s]+)\s*(\d{2,4})", text)
        if match and match.group(2) in _THAI_MONTHS:
            day, year = int(match.group(1)), int(match.group(3))
            return Parsed(_era(date(_full_year(year), _THAI_MONTHS[match.group(2)], day)))
    except ValueError:
        pass
    return Parsed(problem="date-invalid")


def _full_year(year: int) -> int:
    # Two-digit years are Buddhist era, as Thai forms write them (67 = 2567).
    return year + 2500 if year < 100 else year


def _era(day: date) -> date:
    """Buddhist-era years (above 2400) become common era."""
    if day.year > 2400:
        return day.replace(year=day.year - BE_OFFSET)
    return day


def parse_office_type(value: CellValue) -> OfficeType | None:
    """สพป. / ประถมศึกษา / primary -> primary; สพม. / มัธยมศึกษา / secondary -> secondary."""
    if not isinstance(value, str):
        return None
    text = clean_text(value).casefold().rstrip(".").replace(" ", "")
    if text.startswith("สพป") or text in _PRIMARY or "ประถม" in text:
        return OfficeType.PRIMARY
    if text.startswith("สพม") or text in _SECONDARY or "มัธยม" in text:
        return OfficeType.SECONDARY
    return None
