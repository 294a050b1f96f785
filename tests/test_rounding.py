"""Half-up rounding of reported numbers."""

from __future__ import annotations

import math

import pytest

from pmqa_cli.assess.rounding import format_number, round_half_up


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
    assert round_half_up(value, decimals) == expected
    if python_round is not None:
        assert round(value, decimals) == python_round


def test_non_finite_pass_through() -> None:
    assert math.isnan(round_half_up(math.nan, 2))
    assert round_half_up(math.inf, 2) == math.inf


def test_format_number_pads_to_the_decimals() -> None:
    assert format_number(255.83333, 4) == "255.8333"
    assert format_number(300, 4) == "300.0000"
    assert format_number(None, 4) == ""
    assert format_number(-0.00001, 2) == "0.00"
