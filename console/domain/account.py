"""Account and positions."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from console.domain.base import DomainModel, Money, UtcDatetime, utc_now
from console.domain.enums import AccountType, AssetClass


class Position(DomainModel):
    """A holding in one symbol. ``qty`` is signed: negative is short."""

    symbol: str
    qty: Money
    avg_entry_price: Money
    current_price: Money | None = None
    asset_class: AssetClass = AssetClass.US_EQUITY
    multiplier: Money = Decimal(1)
    realized_pl: Money = Decimal(0)
    lastday_price: Money | None = None

    @property
    def cost_basis(self) -> Decimal:
        return self.qty * self.avg_entry_price * self.multiplier

    @property
    def market_value(self) -> Decimal:
        price = self.current_price if self.current_price is not None else self.avg_entry_price
        return self.qty * price * self.multiplier

    @property
    def unrealized_pl(self) -> Decimal:
        return self.market_value - self.cost_basis

    @property
    def is_short(self) -> bool:
        return self.qty < 0


class Account(DomainModel):
    """A snapshot of the account's money."""

    account_number: str = ""
    account_type: AccountType = AccountType.CASH
    currency: str = "USD"
    cash: Money
    equity: Money
    last_equity: Money = Field(description="Equity at the previous close: the base of day P&L.")
    buying_power: Money
    long_market_value: Money = Decimal(0)
    short_market_value: Money = Decimal(0)
    multiplier: int = 1
    shorting_enabled: bool = False
    trading_blocked: bool = False
    pattern_day_trader: bool = False
    timestamp: UtcDatetime = Field(default_factory=utc_now)

    @property
    def day_pl(self) -> Decimal:
        return self.equity - self.last_equity
