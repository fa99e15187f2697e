"""Prices on a tick: the float/integer arithmetic of the generators meets the domain's Decimal here."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

CENT = Decimal("0.01")


def from_cents(cents: int) -> Decimal:
    """``12345`` -> ``Decimal('123.45')``: always two decimals, exact."""
    return Decimal(cents).scaleb(-2)


def to_cents(price: Decimal) -> int:
    """``Decimal('123.456')`` -> ``12346``: the nearest cent (half to even)."""
    return int((price / CENT).to_integral_value())


def round_to_cents(prices: np.ndarray) -> np.ndarray:
    """Float dollar prices to integer cents (at least one cent), vectorised."""
    return np.maximum(np.rint(np.asarray(prices) * 100.0), 1).astype(np.int64)
