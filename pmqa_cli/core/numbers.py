"""Human numbers: exact decimals, rounded half-up once for reporting (what analysts do by hand).

Scores are computed as :class:`decimal.Decimal` from the decimal text a workbook stores and the
decimal text of the rubric, so no binary fraction ever enters a score. A score is rounded once,
half-up, to the rubric's decimals, by :func:`round_half_up`; everything shown or written (JSON,
CSV, workbooks, the terminal) is that one rounded number. Where a file format needs a binary
number (a JSON number, an Excel cell), :func:`reported` converts the *rounded* decimal: a short
decimal survives that trip exactly (``repr`` of the float gives back the same digits).

How many digits a number shows depends only on what kind of number it is (:class:`Shown`), by
one table, :data:`DIGITS`: a score, a mean, a median and a change of score at the rubric's
decimals (a change with its sign), a percentage of offices with one decimal and ``%``, counts,
levels and ranks as whole numbers (counts with a thousands separator), and a rank's change as a
signed whole number (+7: seven places up). The terminal and PDF
text (:func:`show_number`), a workbook cell's number format (:func:`excel_format`) and a CSV
field (:func:`csv_number`) are all read from that table, so the same stored number shows the
same digits everywhere; JSON keeps the exact value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "DIGITS",
    "Number",
    "Shown",
    "as_decimal",
    "competition_ranks",
    "csv_number",
    "exact",
    "excel_format",
    "format_number",
    "json_number",
    "reported",
    "round_half_up",
    "rounded",
    "show_number",
]

#: What the rounding accepts: exact scores (Fraction), exact values (Decimal), whole numbers,
#: and floats (taken at their shortest repr, the digits people see).
Number = Fraction | Decimal | int | float


def as_decimal(value: Decimal | int | float) -> Decimal:
    """A number as a Decimal. A float is taken at its shortest repr (the digits people see)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def exact(value: Number) -> Fraction:
    """A number as an exact Fraction; a float is taken at its shortest repr (the digits people
    see). The one conversion the engine uses: rubric numbers (thresholds, weights, points)
    recur for every office, so their Fractions are cached."""
    if isinstance(value, Fraction):
        return value
    return _fraction(value)


@lru_cache(maxsize=8192)
def _fraction(value: Decimal | int | float) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def round_half_up(value: Number, decimals: int) -> Decimal:
    """Round ``value`` to ``decimals`` places, halves away from zero, exactly.

    An exact 2.675 rounds to 2.68 (``round(2.675, 2)`` gives 2.67: binary representation) and
    0.125 to 0.13 (``round`` is half-even); an exact 332.34535 to 332.3454. The result is a
    Decimal with exactly ``decimals`` places. Non-finite values pass through unchanged.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return Decimal(value)
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        return value
    if isinstance(value, Decimal):
        numerator, denominator = value.as_integer_ratio()
    elif isinstance(value, int):
        numerator, denominator = value, 1
    else:
        numerator, denominator = value.numerator, value.denominator
    # floor(|x| * 10^d + 1/2) in integers: exact, and without building Fractions.
    units = (2 * abs(numerator) * 10**decimals + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and units else ""  # -0.00 becomes 0.00
    if decimals <= 0:
        return Decimal((len(sign), tuple(map(int, str(units))), -decimals))
    # From text (exact at any length, and the quickest way to a Decimal: tables and
    # feedback round tens of thousands of scores).
    digits = str(units).rjust(decimals + 1, "0")
    return Decimal(f"{sign}{digits[:-decimals]}.{digits[-decimals:]}")


def rounded(value: Number | None, decimals: int) -> Decimal | None:
    """:func:`round_half_up` of a value that may be missing (None stays None)."""
    return None if value is None else round_half_up(value, decimals)


def reported(value: Number | None, decimals: int) -> float | None:
    """The reported number for a JSON number or a spreadsheet cell: rounded, then a float.

    The float of a rounded short decimal prints back as the same digits (0.45, never
    0.44999999999999996).
    """
    if value is None:
        return None
    return float(round_half_up(value, decimals))


def json_number(value: Decimal | None) -> float | None:
    """A Decimal that is already short (a rubric weight, a value as typed) as a JSON number."""
    return None if value is None else float(value)


def format_number(value: Number | None, decimals: int) -> str:
    """A score as text, at the rubric's ``decimals`` (:func:`show_number` of a
    :attr:`Shown.SCORE`), or an empty string for None."""
    return show_number(value, Shown.SCORE, decimals)


class Shown(str, Enum):
    """What kind of number is shown, which alone decides its digits (:data:`DIGITS`)."""

    SCORE = "score"  # a score, mean or median of scores: the rubric's decimals
    CHANGE = "change"  # a change of score between rounds or layers: the rubric's decimals, signed
    PERCENT = "percent"  # a percentage of offices (stored as 45.45): one decimal and %
    COUNT = "count"  # offices, files, findings: a whole number with a thousands separator
    LEVEL = "level"  # a whole level (a steps indicator's 0-5)
    RANK = "rank"  # a rank, 1 first: a whole number
    RANK_CHANGE = "rank-change"  # places gained between rounds: a whole number, signed (+7 up)


@dataclass(frozen=True)
class Digits:
    """How a kind of number is shown: ``places`` (None: the rubric's decimals), a thousands
    separator, a sign on positive numbers, and a suffix (text and workbooks; CSV carries the
    digits only, so it reads back as numbers)."""

    places: int | None
    separator: bool = False
    signed: bool = False
    suffix: str = ""


#: The one rule for the digits shown, per kind of number.
DIGITS: dict[Shown, Digits] = {
    Shown.SCORE: Digits(None),
    Shown.CHANGE: Digits(None, signed=True),
    Shown.PERCENT: Digits(1, suffix="%"),
    Shown.COUNT: Digits(0, separator=True),
    Shown.LEVEL: Digits(0),
    Shown.RANK: Digits(0),
    Shown.RANK_CHANGE: Digits(0, separator=True, signed=True),
}


def places(kind: Shown, decimals: int) -> int:
    """The decimal places of a number of ``kind``; ``decimals`` is the rubric's."""
    found = DIGITS[kind].places
    return decimals if found is None else found


def show_number(value: Number | None, kind: Shown, decimals: int) -> str:
    """A number as text (terminal, PDF, a sentence in a workbook): rounded half-up once to its
    kind's places, with its kind's separator, sign and suffix; "" for None."""
    if value is None:
        return ""
    rule = DIGITS[kind]
    shown = round_half_up(value, places(kind, decimals))
    text = f"{shown:{'+' if rule.signed and shown else ''}{',' if rule.separator else ''}f}"
    return text + rule.suffix


def csv_number(value: Number | None, kind: Shown, decimals: int) -> str:
    """A number as a CSV field: the same digits as :func:`show_number`, with no separator, sign
    or suffix, so a spreadsheet or pmqa reads it back as the number."""
    if value is None:
        return ""
    return f"{round_half_up(value, places(kind, decimals)):f}"


def excel_format(kind: Shown, decimals: int) -> str:
    """The Excel number format that shows a cell as :func:`show_number` shows its value."""
    rule = DIGITS[kind]
    count = places(kind, decimals)
    digits = ("#,##0" if rule.separator else "0") + ("." + "0" * count if count else "")
    suffix = f'"{rule.suffix}"' if rule.suffix else ""
    if rule.signed:
        return f"+{digits}{suffix};[Red]-{digits}{suffix};{digits}{suffix}"
    return digits + suffix


def competition_ranks(scores: Sequence[Decimal | float | None]) -> list[int | None]:
    """Standard competition ranking, highest first: 1, 2, 2, 4. None stays unranked."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first: dict[Decimal | float, int] = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return [None if s is None else first[s] for s in scores]
