"""Human numbers: exact decimals, rounded half-up once for reporting (what analysts do by hand).

Scores are computed as :class:`decimal.Decimal` from the decimal text a workbook stores and the
decimal text of the rubric, so no binary fraction ever enters a score. A score is rounded once,
half-up, to the rubric's decimals, by :func:`round_half_up`; everything shown or written (JSON,
CSV, workbooks, the terminal) is that one rounded number. Where a file format needs a binary
number (a JSON number, an Excel cell), :func:`reported` converts the *rounded* decimal: a short
decimal survives that trip exactly (``repr`` of the float gives back the same digits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "Number",
    "as_decimal",
    "competition_ranks",
    "exact",
    "format_number",
    "json_number",
    "reported",
    "round_half_up",
    "rounded",
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
    sign = 1 if numerator < 0 and units else 0  # -0.00 becomes 0.00
    return Decimal((sign, tuple(int(d) for d in str(units)), -decimals))


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
    """A rounded number with exactly ``decimals`` places, or an empty string for None."""
    if value is None:
        return ""
    return f"{round_half_up(value, decimals):.{decimals}f}"


def competition_ranks(scores: Sequence[Decimal | float | None]) -> list[int | None]:
    """Standard competition ranking, highest first: 1, 2, 2, 4. None stays unranked."""
    ordered = sorted((s for s in scores if s is not None), reverse=True)
    first: dict[Decimal | float, int] = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return [None if s is None else first[s] for s in scores]
