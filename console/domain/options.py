"""Option contracts, chain rows and Greeks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator

from console.domain.base import DomainModel, Money, UtcDatetime
from console.domain.enums import OptionType
from console.domain.orders import OPTION_MULTIPLIER
from console.domain.symbols import format_occ, parse_occ


class Greeks(DomainModel):
    """Sensitivities of one contract: theta per calendar day, vega and rho per one point (0.01)."""

    delta: float
    gamma: float
    theta: float
    vega: float
    rho: float = 0.0


class GreeksSource(StrEnum):
    """Where a chain row's IV and Greeks came from; the options pane shows it."""

    BROKER = "broker"
    COMPUTED = "computed"
    NONE = "none"


class OptionContract(DomainModel):
    """A listed option, identified by its OCC symbol."""

    symbol: str
    underlying: str
    expiry: date
    option_type: OptionType
    strike: Money = Field(gt=0)
    multiplier: Money = OPTION_MULTIPLIER
    open_interest: int = 0

    @field_validator("symbol")
    @classmethod
    def _occ(cls, value: str) -> str:
        return parse_occ(value).format()

    @classmethod
    def from_symbol(cls, symbol: str, underlying: str | None = None) -> OptionContract:
        """Build a contract from its OCC symbol.

        Raises:
            SymbolError: the symbol is not a valid OCC symbol.
        """
        occ = parse_occ(symbol)
        return cls(
            symbol=occ.format(),
            underlying=underlying or occ.root,
            expiry=occ.expiry,
            option_type=occ.option_type,
            strike=occ.strike,
        )

    @classmethod
    def build(cls, underlying: str, expiry: date, option_type: OptionType, strike: Decimal) -> OptionContract:
        symbol = format_occ(underlying, expiry, option_type, strike)
        return cls(
            symbol=symbol, underlying=underlying, expiry=expiry, option_type=option_type, strike=strike
        )


class OptionQuote(DomainModel):
    """A contract's market with its implied volatility and Greeks, as one row side of a chain."""

    contract: OptionContract
    bid: Money | None = None
    ask: Money | None = None
    last: Money | None = None
    volume: int = 0
    open_interest: int = 0
    implied_volatility: float | None = None
    greeks: Greeks | None = None
    greeks_source: GreeksSource = GreeksSource.NONE
    timestamp: UtcDatetime | None = None


class OptionChain(DomainModel):
    """All quoted contracts of one underlying and expiry, with the underlying's price at that moment."""

    underlying: str
    expiry: date
    underlying_price: Money
    quotes: tuple[OptionQuote, ...]
    timestamp: UtcDatetime
