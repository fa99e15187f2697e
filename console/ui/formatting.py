"""How the panes write numbers and times: one place, so every pane reads the same.

Pure functions of ``Decimal`` and ``datetime`` (no Textual), unit-tested with golden strings. ``None``
always formats as an empty string, so a table cell with nothing to say stays blank. Rounding is half-up,
the way a trader rounds, not Python's default banker's rounding.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from console.market.calendar import NEW_YORK

_CENT = Decimal("0.01")
_SUB_PENNY = Decimal("0.0001")
_HUNDRED = Decimal(100)
ELLIPSIS = "…"


def format_price(value: Decimal | None) -> str:
    """A price with two decimals, or four below 1 (where sub-penny prices are allowed).

    Args:
        value: The price; may be negative (a multi-leg net credit).

    Returns:
        ``"1,234.50"``, ``"190.12"``, ``"0.4567"``; ``""`` for ``None``.
    """
    if value is None:
        return ""
    rounded = value.quantize(_SUB_PENNY, ROUND_HALF_UP)
    if abs(rounded) >= 1:
        rounded = value.quantize(_CENT, ROUND_HALF_UP)
    return _plain(rounded)


def format_qty(value: Decimal | None) -> str:
    """A quantity without trailing zeros, with thousands separators; signed when negative (short).

    Returns:
        ``"10"``, ``"0.5"``, ``"-1,500"``; ``""`` for ``None``.
    """
    if value is None:
        return ""
    return _plain(value.normalize())


def format_money(value: Decimal | None, *, signed: bool = False) -> str:
    """An amount of money with two decimals and thousands separators.

    Args:
        value: The amount.
        signed: Prefix ``+`` to a positive amount (P&L); a negative amount always shows ``-``.

    Returns:
        ``"100,000.00"``, ``"+1,234.57"``, ``"-12.30"``; zero never has a sign; ``""`` for ``None``.
    """
    if value is None:
        return ""
    return _signed(value.quantize(_CENT, ROUND_HALF_UP), signed)


def format_percent(value: Decimal | None, *, signed: bool = True) -> str:
    """A percentage (``1.5`` means 1.5%) with two decimals.

    Args:
        value: The percentage, already multiplied by 100.
        signed: Prefix ``+`` to a positive percentage.

    Returns:
        ``"+1.25%"``, ``"-0.40%"``, ``"0.00%"``; ``""`` for ``None``.
    """
    if value is None:
        return ""
    return _signed(value.quantize(_CENT, ROUND_HALF_UP), signed) + "%"


def percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``abs(whole)``, or ``None`` when either is missing or ``whole`` is 0.

    The base is the absolute value so that a short position's gain stays positive.
    """
    if part is None or whole is None or whole == 0:
        return None
    return part / abs(whole) * _HUNDRED


def format_time_et(timestamp: datetime) -> str:
    """The New York wall-clock time of ``timestamp``, ``"14:31:05"``.

    A naive datetime is taken as UTC, the domain's convention.
    """
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(NEW_YORK).strftime("%H:%M:%S")


def format_clock_et(timestamp: datetime) -> str:
    """The header's clock: New York time with its zone, ``"14:31:05 ET"``."""
    return f"{format_time_et(timestamp)} ET"


def truncate_start(text: str, width: int) -> str:
    """Keep the end of ``text`` within ``width`` characters, marking a cut with ``…`` at the start.

    The end of a client order id (its sequence number) is what tells two orders apart.
    """
    if len(text) <= width:
        return text
    return ELLIPSIS + text[len(text) - width + 1 :]


def _signed(value: Decimal, signed: bool) -> str:
    if value == 0:
        return _plain(abs(value))
    sign = "+" if signed and value > 0 else ""
    return sign + _plain(value)


def _plain(value: Decimal) -> str:
    if value == 0:
        value = abs(value)  # never "-0.00"
    return format(value, ",f")
