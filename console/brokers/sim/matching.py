"""The matching engine: which working orders a quote fills, which stops a trade triggers, and the auctions.

Liquidity is the displayed quote. A marketable order takes at most the size shown at each quote; orders
compete for it in time priority, and what they leave waits for the next quote. Market orders take the far
side (a buy pays the ask, a sell receives the bid); limits fill at the far side when it is at the limit
or better, so a buy limit above the ask fills at the ask. Stops trigger on trades only, then act as market
(stop, trailing stop) or limit (stop-limit) orders against the current quote.

Options trade off quotes derived from the sim option chain at the underlying's current price and vol, so
the underlying's quote drives them. The chain shows no size, so an option quote is as deep as needed. A
multi-leg order fills all its legs at once when the net of its legs' prices (buy legs at the ask, sell legs
at the bid; positive is a debit) is at its limit or better.

Auctions (opg/cls) fill the whole order at one price, limit permitting: see ``SimVenue`` for when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Protocol

from console.brokers.sim.book import OrderBook, WorkingOrder
from console.brokers.sim.order_types import (
    acceptable,
    can_match,
    effective_limit,
    follow_trade,
    is_stop_type,
    triggered_by,
)
from console.brokers.sim.session import SessionTracker
from console.domain import OrderType, Quote, Side, Trade
from console.domain.symbols import is_option_symbol

QTY_QUANTUM = Decimal("0.000000001")
"""Fractional quantities resolve to 9 decimals (notional orders), as at Alpaca."""
OPTION_DEPTH = Decimal(1_000_000)
"""Displayed size of a derived option quote: the chain shows none, so it never limits a fill."""
_ZERO = Decimal(0)


class OptionQuotes(Protocol):
    def option_quote(self, symbol: str) -> Quote | None:
        """The current derived quote of an option contract, or None when it cannot be priced."""


@dataclass(slots=True)
class Liquidity:
    """What one quote still shows on each side after the orders before have taken their share."""

    bid: Decimal
    bid_size: Decimal
    ask: Decimal
    ask_size: Decimal

    @classmethod
    def from_quote(cls, quote: Quote, depth: Decimal | None = None) -> Liquidity:
        if depth is not None:
            return cls(quote.bid, depth, quote.ask, depth)
        return cls(quote.bid, quote.bid_size, quote.ask, quote.ask_size)

    def price(self, side: Side) -> Decimal | None:
        """The price an order on ``side`` would take, or None when that side shows nothing."""
        if side is Side.BUY:
            return self.ask if self.ask > 0 and self.ask_size > 0 else None
        return self.bid if self.bid > 0 and self.bid_size > 0 else None

    def size(self, side: Side) -> Decimal:
        return self.ask_size if side is Side.BUY else self.bid_size

    def take(self, side: Side, qty: Decimal) -> None:
        if side is Side.BUY:
            self.ask_size -= qty
        else:
            self.bid_size -= qty


def resolve_notional(working: WorkingOrder, price: Decimal) -> Decimal:
    """Fix a notional order's quantity at its first execution price (rounded down to 9 decimals)."""
    if working.target_qty is None:
        notional = working.order.request.notional
        assert notional is not None  # only notional orders start without a target
        working.target_qty = (notional / price).quantize(QTY_QUANTUM, rounding=ROUND_DOWN)
    return working.target_qty


class Executor(Protocol):
    """What the matcher hands its decisions to (``execution.Executor``)."""

    def execute(self, working: WorkingOrder, qty: Decimal, price: Decimal, ts: datetime) -> None: ...

    def execute_multi_leg(
        self, working: WorkingOrder, prices: list[Decimal], net: Decimal, ts: datetime
    ) -> None: ...

    def cancel(self, working: WorkingOrder, reason: str, ts: datetime) -> None: ...


class Matcher:
    """Turns quotes, trades and submissions into executions, in time priority."""

    def __init__(
        self, book: OrderBook, executor: Executor, options: OptionQuotes, session: SessionTracker
    ) -> None:
        self.book = book
        self.executor = executor
        self.options = options
        self.session = session
        self.liquidity: dict[str, Liquidity] = {}
        self.quotes: dict[str, Quote] = {}
        self.last_trade: dict[str, Decimal] = {}

    # ---- market events ---------------------------------------------------------------------------

    def on_quote(self, quote: Quote) -> None:
        """A new quote refreshes the displayed size; working orders on the symbol take from it."""
        symbol = quote.symbol
        self.quotes[symbol] = quote
        self.liquidity[symbol] = Liquidity.from_quote(quote)
        if not self.book.has_symbol(symbol):
            return
        derived: dict[str, Liquidity | None] = {}
        for working in self.book.for_symbol(symbol):
            if working.id in self.book and can_match(working) and self.in_session(working):
                self._match(working, quote.timestamp, derived)

    def on_trade(self, trade: Trade) -> None:
        """A trade moves trailing stops, triggers stops and runs armed auctions of its symbol."""
        symbol, price = trade.symbol, trade.price
        self.last_trade[symbol] = price
        if not self.book.has_symbol(symbol):
            return
        for working in self.book.for_symbol(symbol):
            if working.id not in self.book or working.order.symbol != symbol:
                continue
            if working.is_auction:
                if working.armed:
                    self.run_auction(working, price, trade.timestamp)
                continue
            if not working.active or working.triggered or not is_stop_type(working.order.request.type):
                continue
            follow_trade(working, price)
            if self.in_session(working) and triggered_by(working, price):
                working.triggered = True
                self._match(working, trade.timestamp, {})

    # ---- submissions -----------------------------------------------------------------------------

    def match_now(self, working: WorkingOrder, ts: datetime) -> None:
        """Give a newly live order its chance at the current quote (after what earlier orders took).

        A stop whose stop the last trade is already through triggers at once (a bracket's stop-loss
        released after the market fell through it, say).
        """
        request = working.order.request
        if is_stop_type(request.type) and not working.triggered:
            last = self.last_trade.get(working.order.symbol)
            if request.type is OrderType.TRAILING_STOP and working.water_mark is None and last is not None:
                working.water_mark = last
            if last is not None and self.in_session(working) and triggered_by(working, last):
                working.triggered = True
        if can_match(working) and self.in_session(working):
            self._match(working, ts, {})

    def can_fill_completely(self, working: WorkingOrder) -> bool:
        """Fill-or-kill: whether the current quote shows enough at an acceptable price for the whole order."""
        if not self.in_session(working):
            return False
        liquidity = self._liquidity_for(working.order.symbol, {})
        if liquidity is None:
            return False
        side = working.order.side
        price = liquidity.price(side)
        if price is None or not acceptable(side, effective_limit(working.order.request), price):
            return False
        target = resolve_notional(working, price)
        return liquidity.size(side) >= target - working.order.filled_qty

    def in_session(self, working: WorkingOrder) -> bool:
        return self.session.is_open or working.order.request.extended_hours

    # ---- auctions --------------------------------------------------------------------------------

    def run_auction(self, working: WorkingOrder, price: Decimal, ts: datetime) -> None:
        """Fill the whole order at the auction price, or cancel it if the price misses its limit."""
        side = working.order.side
        if not acceptable(side, effective_limit(working.order.request), price):
            self.executor.cancel(working, f"the auction price {price} did not reach the limit", ts)
            return
        target = resolve_notional(working, price)
        self.executor.execute(working, target - working.order.filled_qty, price, ts)

    # ---- matching --------------------------------------------------------------------------------

    def _match(self, working: WorkingOrder, ts: datetime, derived: dict[str, Liquidity | None]) -> None:
        if working.is_multi_leg:
            self._match_multi_leg(working, ts, derived)
            return
        liquidity = self._liquidity_for(working.order.symbol, derived)
        if liquidity is None:
            return
        side = working.order.side
        price = liquidity.price(side)
        if price is None or not acceptable(side, effective_limit(working.order.request), price):
            return
        target = resolve_notional(working, price)
        if target <= 0:
            self.executor.cancel(working, "the notional amount buys less than the smallest quantity", ts)
            return
        qty = min(target - working.order.filled_qty, liquidity.size(side))
        if qty > 0:
            liquidity.take(side, qty)
            self.executor.execute(working, qty, price, ts)

    def _match_multi_leg(
        self, working: WorkingOrder, ts: datetime, derived: dict[str, Liquidity | None]
    ) -> None:
        request = working.order.request
        prices: list[Decimal] = []
        net = _ZERO
        for leg in request.legs:
            liquidity = self._liquidity_for(leg.symbol, derived)
            price = liquidity.price(leg.side) if liquidity is not None else None
            if price is None:
                return
            prices.append(price)
            net += leg.ratio_qty * (price if leg.side is Side.BUY else -price)
        if request.type is OrderType.LIMIT and request.limit_price is not None and net > request.limit_price:
            return
        self.executor.execute_multi_leg(working, prices, net, ts)

    def _liquidity_for(self, symbol: str, derived: dict[str, Liquidity | None]) -> Liquidity | None:
        """The live liquidity of a stock, or a derived option quote (cached for one market event)."""
        liquidity = self.liquidity.get(symbol)
        if liquidity is not None or not is_option_symbol(symbol):
            return liquidity  # a stock before its first quote has none yet
        if symbol not in derived:
            quote = self.options.option_quote(symbol)
            derived[symbol] = None if quote is None else Liquidity.from_quote(quote, OPTION_DEPTH)
        return derived[symbol]
