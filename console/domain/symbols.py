"""Symbol validation and OCC option symbols.

An OCC symbol, as Alpaca writes it, is ROOT (1-6 characters, unpadded) + YYMMDD + C|P + the strike times
1000 in eight digits: ``AAPL240119C00190000`` is the AAPL call expiring 2024-01-19 at a strike of 190.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from console.domain.enums import OptionType

EQUITY_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]{0,5}([./][A-Z0-9]{1,3})?$")
_OCC = re.compile(r"^(?P<root>[A-Z0-9.]{1,6}) *(?P<date>\d{6})(?P<kind>[CP])(?P<strike>\d{8})$")
_STRIKE_SCALE = Decimal(1000)
MAX_STRIKE = Decimal("99999.999")


class SymbolError(ValueError):
    """A symbol that is neither a valid equity ticker nor a valid OCC option symbol."""


@dataclass(frozen=True, slots=True)
class OccSymbol:
    """The parts of an OCC option symbol."""

    root: str
    expiry: date
    option_type: OptionType
    strike: Decimal

    def format(self) -> str:
        """The compact OCC symbol (no padding), as Alpaca writes it."""
        return format_occ(self.root, self.expiry, self.option_type, self.strike)

    def __str__(self) -> str:
        return self.format()


def is_option_symbol(symbol: str) -> bool:
    """True when ``symbol`` has the shape of an OCC option symbol."""
    return len(symbol) > 15 and _OCC.match(symbol) is not None


def parse_occ(symbol: str) -> OccSymbol:
    """Parse an OCC option symbol.

    Args:
        symbol: compact (``AAPL240119C00190000``) or space-padded OSI form.

    Returns:
        Its root, expiry, type and strike.

    Raises:
        SymbolError: the text is not a valid OCC symbol, with the reason.
    """
    text = symbol.strip().upper()
    match = _OCC.match(text)
    if match is None:
        raise SymbolError(
            f"{symbol!r} is not an OCC option symbol (ROOT + YYMMDD + C or P + 8-digit strike x 1000, "
            "e.g. AAPL240119C00190000)"
        )
    raw = match["date"]
    try:
        expiry = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        raise SymbolError(f"{symbol!r} has an impossible expiry date {raw!r} (YYMMDD)") from None
    strike = Decimal(int(match["strike"])) / _STRIKE_SCALE
    if strike <= 0:
        raise SymbolError(f"{symbol!r} has a zero strike")
    kind = OptionType.CALL if match["kind"] == "C" else OptionType.PUT
    return OccSymbol(match["root"], expiry, kind, strike)


def format_occ(root: str, expiry: date, option_type: OptionType, strike: Decimal) -> str:
    """Build a compact OCC symbol.

    Raises:
        SymbolError: a root, expiry or strike that cannot be written in OCC form.
    """
    root = root.upper()
    if not re.fullmatch(r"[A-Z0-9.]{1,6}", root):
        raise SymbolError(f"option root {root!r} must be 1 to 6 letters or digits")
    if not 2000 <= expiry.year <= 2099:
        raise SymbolError(f"expiry {expiry} is outside the years OCC symbols can hold (2000-2099)")
    milli = Decimal(strike) * _STRIKE_SCALE
    if strike <= 0 or strike > MAX_STRIKE or milli != milli.to_integral_value():
        raise SymbolError(f"strike {strike} must be positive, below 100000, with at most 3 decimals")
    kind = "C" if option_type is OptionType.CALL else "P"
    return f"{root}{expiry:%y%m%d}{kind}{int(milli):08d}"


def validate_symbol(symbol: str) -> str:
    """Return the canonical (upper-case) form of an equity or OCC symbol.

    Raises:
        SymbolError: neither an equity ticker nor an OCC option symbol.
    """
    text = symbol.strip().upper()
    if EQUITY_SYMBOL.match(text):
        return text
    if is_option_symbol(text):
        return parse_occ(text).format()
    raise SymbolError(
        f"{symbol!r} is not a valid symbol (a ticker such as AAPL or BRK.B, or an OCC option symbol)"
    )
