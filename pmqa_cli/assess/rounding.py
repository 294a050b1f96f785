"""Human numbers: half-up rounding (what analysts do by hand), not Python's banker's rounding."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_number", "round_half_up"]


def round_half_up(value: float, decimals: int) -> float:
    """Round ``value`` to ``decimals`` places, halves away from zero.

    The float's shortest repr is what people see and check by hand, so 2.675 rounds to 2.68
    here, where ``round(2.675, 2)`` gives 2.67 (binary representation) and ``round(0.125, 2)``
    gives 0.12 (half-even).
    """
    if not math.isfinite(value):
        return value
    quantum = Decimal(1).scaleb(-decimals)
    rounded = float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return rounded + 0.0  # normalise -0.0 to 0.0


def format_number(value: float | None, decimals: int) -> str:
    """A rounded number with exactly ``decimals`` places, or an empty string for None."""
    if value is None:
        return ""
    return f"{round_half_up(value, decimals):.{decimals}f}"
