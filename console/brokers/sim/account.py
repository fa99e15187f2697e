"""The simulated account's ledger: cash, positions, P&L, fees, buying power and what open orders hold.

Every amount is a ``Decimal``; nothing is rounded, so cash always equals the starting cash minus the signed
notional of every fill minus every fee (the property tests hold the ledger to exactly that).

Buying power, kept simple on purpose (and documented in ``docs``):

* cash account: cash, less what open buy orders have reserved. Cash accounts cannot sell short.
* margin account (Reg-T): ``2 x (equity - requirement)`` where the requirement is 50% of the gross value of
  stock positions plus 100% of the value of option positions, less what open orders have reserved. No
  day-trading buying power, no maintenance calls, no interest.
* options need full premium: an option dollar costs two dollars of margin buying power (its requirement is
  100%, a stock's 50%) and one in a cash account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from console.domain import Account, AccountType, AssetClass, Position, Side
from console.settings_schema import SimSettings

_ZERO = Decimal(0)
_HALF = Decimal("0.5")
_TWO = Decimal(2)


@dataclass(slots=True)
class Holding:
    """One symbol's position as the ledger keeps it (mutable; ``Position`` is the outward snapshot)."""

    symbol: str
    asset_class: AssetClass
    multiplier: Decimal
    qty: Decimal = _ZERO
    avg_price: Decimal = _ZERO
    realized_pl: Decimal = _ZERO


class Ledger:
    """Cash, positions and the buying power open orders have reserved, for one simulated account."""

    def __init__(self, settings: SimSettings) -> None:
        self.account_type = settings.account_type
        self.cash = settings.starting_cash
        self.last_equity = settings.starting_cash
        # Cash accounts cannot sell short whatever the setting says (as at Alpaca).
        self.shorting_enabled = settings.allow_short and settings.account_type is AccountType.MARGIN
        self.equity_commission = settings.equity_commission
        self.option_fee = settings.option_fee_per_contract
        self.holdings: dict[str, Holding] = {}
        self.marks: dict[str, Decimal] = {}
        self.fees_paid = _ZERO
        self.realized_pl = _ZERO
        self._reserved: dict[str, Decimal] = {}
        self._reserved_total = _ZERO
        self._held: dict[str, tuple[str, Decimal]] = {}
        self._held_by_symbol: dict[str, Decimal] = {}

    # ---- fills ----------------------------------------------------------------------------------

    def fee(self, asset_class: AssetClass, qty: Decimal) -> Decimal:
        """The fee of a fill: commission per share for stocks, per contract for options."""
        match asset_class:
            case AssetClass.US_EQUITY:
                return qty * self.equity_commission
            case AssetClass.US_OPTION:
                return qty * self.option_fee

    def apply_fill(
        self,
        symbol: str,
        side: Side,
        qty: Decimal,
        price: Decimal,
        *,
        asset_class: AssetClass,
        multiplier: Decimal,
        fee: Decimal,
    ) -> Decimal:
        """Book one execution and return the symbol's position quantity after it (signed).

        The average entry price is the quantity-weighted price of the open lots. A reduction realises
        ``(price - average) x closed qty x multiplier`` (sign flipped for shorts) and leaves the average
        alone; a fill through zero closes the old side and opens the rest at the fill price.
        """
        holding = self.holdings.get(symbol)
        if holding is None:
            holding = self.holdings[symbol] = Holding(symbol, asset_class, multiplier)
        signed = qty if side is Side.BUY else -qty
        self.cash -= signed * price * multiplier + fee
        self.fees_paid += fee
        old = holding.qty
        new = old + signed
        if old == 0 or (old > 0) == (signed > 0):
            holding.avg_price = (abs(old) * holding.avg_price + qty * price) / abs(new)
        else:
            closed = min(abs(old), qty)
            direction = 1 if old > 0 else -1
            pnl = (price - holding.avg_price) * closed * direction * multiplier
            holding.realized_pl += pnl
            self.realized_pl += pnl
            if new == 0:
                holding.avg_price = _ZERO
            elif (new > 0) != (old > 0):
                holding.avg_price = price
        holding.qty = new
        self.marks.setdefault(symbol, price)
        return new

    def position_qty(self, symbol: str) -> Decimal:
        holding = self.holdings.get(symbol)
        return holding.qty if holding is not None else _ZERO

    # ---- what open orders hold ---------------------------------------------------------------------

    def reserve(self, order_id: str, amount: Decimal) -> None:
        """Set aside ``amount`` of buying power for an open order (replacing what it held before)."""
        self.release(order_id)
        if amount > 0:
            self._reserved[order_id] = amount
            self._reserved_total += amount

    def consume(self, order_id: str, amount: Decimal) -> None:
        """Reduce an order's reservation as it fills (never below zero)."""
        held = self._reserved.get(order_id)
        if held is not None:
            used = min(held, amount)
            self._reserved[order_id] = held - used
            self._reserved_total -= used

    def release(self, order_id: str) -> None:
        """Free everything an order reserved or held: it has ended."""
        held = self._reserved.pop(order_id, None)
        if held is not None:
            self._reserved_total -= held
        qty_hold = self._held.pop(order_id, None)
        if qty_hold is not None:
            symbol, qty = qty_hold
            self._held_by_symbol[symbol] -= qty

    def hold_qty(self, order_id: str, symbol: str, qty: Decimal) -> None:
        """Count ``qty`` of a long position as promised to an open sell order."""
        previous = self._held.get(order_id)
        if previous is not None:
            self._held_by_symbol[previous[0]] -= previous[1]
        self._held[order_id] = (symbol, qty)
        self._held_by_symbol[symbol] = self._held_by_symbol.get(symbol, _ZERO) + qty

    def unhold_qty(self, order_id: str, qty: Decimal) -> None:
        """An open sell order filled ``qty``: that much is no longer merely promised."""
        previous = self._held.get(order_id)
        if previous is not None:
            symbol, held = previous
            used = min(held, qty)
            self._held[order_id] = (symbol, held - used)
            self._held_by_symbol[symbol] -= used

    def commitment(self, order_id: str) -> tuple[Decimal | None, tuple[str, Decimal] | None]:
        """What an order reserves and holds now, to ``restore`` if a replace of it is refused."""
        return self._reserved.get(order_id), self._held.get(order_id)

    def restore(self, order_id: str, saved: tuple[Decimal | None, tuple[str, Decimal] | None]) -> None:
        self.release(order_id)
        reserved, held = saved
        if reserved is not None:
            self.reserve(order_id, reserved)
        if held is not None:
            self.hold_qty(order_id, *held)

    def held_for_orders(self, symbol: str) -> Decimal:
        return self._held_by_symbol.get(symbol, _ZERO)

    def available_qty(self, symbol: str) -> Decimal:
        """Long shares not yet promised to open sell orders."""
        return max(_ZERO, self.position_qty(symbol)) - self.held_for_orders(symbol)

    # ---- valuation -------------------------------------------------------------------------------

    def mark(self, holding: Holding) -> Decimal:
        return self.marks.get(holding.symbol, holding.avg_price)

    def market_values(self) -> tuple[Decimal, Decimal, Decimal]:
        """(long value, short value (negative), requirement) of every open position."""
        long_value = short_value = requirement = _ZERO
        for holding in self.holdings.values():
            if holding.qty == 0:
                continue
            value = holding.qty * self.mark(holding) * holding.multiplier
            if value > 0:
                long_value += value
            else:
                short_value += value
            rate = _HALF if holding.asset_class is AssetClass.US_EQUITY else Decimal(1)
            requirement += abs(value) * rate
        return long_value, short_value, requirement

    def equity(self) -> Decimal:
        long_value, short_value, _ = self.market_values()
        return self.cash + long_value + short_value

    def buying_power(self) -> Decimal:
        """Buying power left for new orders, in dollars of stock notional."""
        match self.account_type:
            case AccountType.CASH:
                raw = self.cash
            case AccountType.MARGIN:
                long_value, short_value, requirement = self.market_values()
                raw = _TWO * (self.cash + long_value + short_value - requirement)
        return max(_ZERO, raw - self._reserved_total)

    def cost_factor(self, asset_class: AssetClass) -> Decimal:
        """Buying power one dollar of ``asset_class`` notional uses (options need full premium)."""
        if asset_class is AssetClass.US_OPTION and self.account_type is AccountType.MARGIN:
            return _TWO
        return Decimal(1)

    def roll_day(self) -> None:
        """The session ended: today's closing equity becomes the base of tomorrow's day P&L."""
        self.last_equity = self.equity()

    # ---- snapshots -------------------------------------------------------------------------------

    def account(self, now: datetime) -> Account:
        long_value, short_value, _ = self.market_values()
        return Account(
            account_number="SIM-000001",
            account_type=self.account_type,
            cash=self.cash,
            equity=self.cash + long_value + short_value,
            last_equity=self.last_equity,
            buying_power=self.buying_power(),
            long_market_value=long_value,
            short_market_value=short_value,
            multiplier=2 if self.account_type is AccountType.MARGIN else 1,
            shorting_enabled=self.shorting_enabled,
            timestamp=now,
        )

    def positions(self) -> list[Position]:
        return [
            Position(
                symbol=h.symbol,
                qty=h.qty,
                avg_entry_price=h.avg_price,
                current_price=self.marks.get(h.symbol),
                asset_class=h.asset_class,
                multiplier=h.multiplier,
                realized_pl=h.realized_pl,
            )
            for h in self.holdings.values()
            if h.qty != 0
        ]
