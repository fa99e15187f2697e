"""Market data: assets, quotes, trades and bars."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from console.domain.base import DomainModel, Money, UtcDatetime
from console.domain.enums import AssetClass, Timeframe


class Asset(DomainModel):
    symbol: str
    name: str = ""
    asset_class: AssetClass = AssetClass.US_EQUITY
    tradable: bool = True
    shortable: bool = True
    fractionable: bool = True
    exchange: str = ""


class Quote(DomainModel):
    """The national best bid and offer at one moment."""

    symbol: str
    bid: Money
    ask: Money
    bid_size: Money = Decimal(0)
    ask_size: Money = Decimal(0)
    timestamp: UtcDatetime

    @property
    def mid(self) -> Decimal:
        return (self.bid + self.ask) / 2

    @property
    def spread(self) -> Decimal:
        return self.ask - self.bid


class Trade(DomainModel):
    """One print on the tape."""

    symbol: str
    price: Money = Field(gt=0)
    size: Money = Field(ge=0)
    timestamp: UtcDatetime


class Bar(DomainModel):
    """An OHLCV bar; ``timestamp`` is the bar's start."""

    symbol: str
    timeframe: Timeframe = Timeframe.MINUTE_1
    timestamp: UtcDatetime
    open: Money
    high: Money
    low: Money
    close: Money
    volume: Money = Decimal(0)
    trade_count: int = 0
    vwap: Money | None = None

    @model_validator(mode="after")
    def _check_range(self) -> Bar:
        if not (self.low <= min(self.open, self.close) and self.high >= max(self.open, self.close)):
            raise ValueError(
                f"bar {self.symbol} {self.timestamp:%Y-%m-%d %H:%M}: high/low do not contain open/close"
            )
        return self
