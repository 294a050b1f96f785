"""Half-up rounding of reported numbers."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from pmqa_cli.core.numbers import format_number, reported, round_half_up


@pytest.mark.parametrize(
    ("value", "decimals", "expected", "python_round"),
    [
        (0.125, 2, 0.13, 0.12),  # half-even would go down
        (2.5, 0, 3.0, 2.0),
        (2.675, 2, 2.68, 2.67),  # binary representation would go down
        (12.34565, 4, 12.3457, None),
        (-2.5, 0, -3.0, -2.0),  # halves go away from zero
        (1.23444, 4, 1.2344, 1.2344),
    ],
)
def test_round_half_up(
    value: float, decimals: int, expected: float, python_round: float | None
) -> None:
    rounded = round_half_up(value, decimals)
    assert isinstance(rounded, Decimal)
    assert rounded == Decimal(repr(expected))
    if python_round is not None:
        assert round(value, decimals) == python_round


def test_non_finite_pass_through() -> None:
    assert round_half_up(math.nan, 2).is_nan()
    assert round_half_up(math.inf, 2) == Decimal("Infinity")


@pytest.mark.parametrize(
    ("exact", "decimals", "expected"),
    [
        (Fraction(33234535, 100000), 4, "332.3454"),  # an exact half at the fifth decimal
        (Fraction(30001005, 100000), 4, "300.0101"),
        (Decimal("1.315"), 2, "1.32"),
        (Fraction(1, 3), 4, "0.3333"),
        (Fraction(-5, 1000), 2, "-0.01"),
        (Fraction(-1, 1000), 2, "0.00"),  # no negative zero
        (Decimal("300"), 4, "300.0000"),
    ],
)
def test_exact_values_round_half_up_exactly(exact: Any, decimals: int, expected: str) -> None:
    assert str(round_half_up(exact, decimals)) == expected


def test_reported_numbers_print_as_their_digits() -> None:
    assert reported(Decimal("0.0045") * 100, 4) == 0.45
    assert repr(reported(Fraction(44999999999999996, 10**17), 4)) == "0.45"
    assert reported(None, 4) is None


def test_format_number_pads_to_the_decimals() -> None:
    assert format_number(255.83333, 4) == "255.8333"
    assert format_number(300, 4) == "300.0000"
    assert format_number(None, 4) == ""
    assert format_number(-0.00001, 2) == "0.00"


def test_rounding_gives_exactly_the_digits_of_integer_arithmetic() -> None:
    """The Decimal is built from text (quick): its sign, digits and exponent are those of
    floor(|x| * 10^d + 1/2) worked out in integers, for long numbers and every sign, and zero
    is never negative."""
    generator = random.Random(2567)
    values: list[Any] = [Decimal("-0.004"), Decimal("-0.00"), 0, -7, Fraction(-2, 3)]
    values.append(Decimal("123456789012345678901234567890.123456789"))  # beyond 28 digits
    for _ in range(2000):
        values.append(Fraction(generator.randint(-(10**12), 10**12), generator.randint(1, 10**6)))
        values.append(Decimal(generator.randint(-(10**9), 10**9)).scaleb(-generator.randint(0, 8)))
    for value in values:
        numerator, denominator = Fraction(value).as_integer_ratio()
        for decimals in (0, 1, 2, 4, 30):
            units = (2 * abs(numerator) * 10**decimals + denominator) // (2 * denominator)
            sign = 1 if numerator < 0 and units else 0
            expected = (sign, tuple(int(d) for d in str(units)), -decimals)
            assert round_half_up(value, decimals).as_tuple() == expected, (value, decimals)
