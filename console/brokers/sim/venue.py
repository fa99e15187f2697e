"""The simulated venue: accepts, cancels and replaces orders, and feeds them the tape. Single-threaded.

``SimVenue`` is the whole exchange-plus-broker without threads, clocks or callbacks: it takes market
events and commands in order and appends every resulting ``OrderUpdate`` to an outbox. ``SimBroker`` wraps
it with the market, a lock and callback delivery; tests and the property tests drive it directly.

Time in force:

* day: expires at the session close (``nyse``), or at New York midnight with the ``always`` calendar;
* gtc: until canceled;
* ioc / fok: market and limit only, decided at once against the current quote (ioc cancels what it could
  not fill; fok fills all or is canceled);
* opg / cls: a single-price auction for the whole order, limit permitting. With ``nyse``, opg runs at the
  first trade after the open (refused while the market is open) and cls at the last trade before the
  close. The ``always`` calendar has no open or close, so both run at the next trade after submission.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

from console.brokers.base import BrokerError, OrderChanges, PositionNotFound
from console.brokers.sim import rules
from console.brokers.sim.account import Ledger
from console.brokers.sim.admission import Admission
from console.brokers.sim.book import OrderBook, WorkingOrder
from console.brokers.sim.execution import Executor
from console.brokers.sim.ids import IdSource
from console.brokers.sim.matching import Matcher
from console.brokers.sim.replacing import cannot_replace, replacement_request
from console.brokers.sim.session import SessionEdge, SessionTracker
from console.brokers.sim.store import OrderStore
from console.domain import (
    Account,
    Order,
    OrderClass,
    OrderRequest,
    OrderStatus,
    OrderType,
    Position,
    Quote,
    Side,
    TimeInForce,
    Trade,
)
from console.domain.symbols import is_option_symbol
from console.settings_schema import SimSettings


class PriceSource(Protocol):
    """What the venue asks the market for: option quotes and a price for symbols it has not seen trade."""

    def option_quote(self, symbol: str) -> Quote | None: ...

    def reference_price(self, symbol: str) -> Decimal | None: ...


class SimVenue:
    """Orders, matching and the account of the simulated venue."""

    def __init__(
        self, settings: SimSettings, prices: PriceSource, start: datetime, outbox: list[object] | None = None
    ) -> None:
        self.outbox: list[object] = outbox if outbox is not None else []
        self.prices = prices
        self.now = start
        self.ids = IdSource(settings.seed)
        self.store = OrderStore(self.outbox)
        self.book = OrderBook()
        self.ledger = Ledger(settings)
        self.session = SessionTracker(settings.calendar, start)
        self.executor = Executor(self.store, self.book, self.ledger)
        self.matcher = Matcher(self.book, self.executor, prices, self.session)
        self.executor.match_now = self.matcher.match_now
        self.admission = Admission(
            self.store, self.book, self.ledger, self.executor, ids=self.ids, calendar=settings.calendar
        )

    # ---- the tape --------------------------------------------------------------------------------

    def on_quote(self, quote: Quote) -> None:
        self.advance_to(quote.timestamp)
        self.matcher.on_quote(quote)

    def on_trade(self, trade: Trade) -> None:
        self.advance_to(trade.timestamp)
        self.ledger.marks[trade.symbol] = trade.price
        self.matcher.on_trade(trade)

    def advance_to(self, now: datetime) -> None:
        """Move the venue's clock, running the session edges crossed on the way."""
        self.now = now
        for edge in self.session.advance(now):
            match edge:
                case SessionEdge.OPEN:
                    self._open_session()
                case SessionEdge.CLOSE:
                    self._close_session()

    def _open_session(self) -> None:
        for working in self.book:
            if working.order.request.time_in_force is TimeInForce.OPG:
                working.armed = True

    def _close_session(self) -> None:
        """Run the closing auction, drop what missed the opening one, expire day orders, roll day P&L."""
        nyse = self.session.calendar == "nyse"
        for working in self.book:
            if working.id not in self.book:
                continue
            match working.order.request.time_in_force:
                case TimeInForce.CLS:
                    self._closing_auction(working, nyse)
                case TimeInForce.OPG:
                    if nyse and working.armed:
                        self.executor.cancel(working, "no trade in the opening auction", self.now)
                case TimeInForce.DAY:
                    self.executor.end(
                        working, OrderStatus.EXPIRED, "day order expired at the close", self.now
                    )
                case TimeInForce.GTC | TimeInForce.IOC | TimeInForce.FOK:
                    pass
        self.ledger.roll_day()

    def _closing_auction(self, working: WorkingOrder, nyse: bool) -> None:
        last = self.matcher.last_trade.get(working.order.symbol)
        if last is not None:
            self.matcher.run_auction(working, last, self.now)
        elif nyse:
            self.executor.cancel(working, "no trade to set the closing auction price", self.now)

    # ---- commands --------------------------------------------------------------------------------

    def submit(self, request: OrderRequest, client_order_id: str) -> Order:
        """Accept an order, or refuse it with Alpaca's reason. Returns its latest snapshot.

        Raises:
            OrderRejected: a duplicate client order id, or a venue or account rule refused the order.
        """
        if self.store.client_id_taken(client_order_id):
            raise rules.reject("client_order_id must be unique", rules.INVALID)
        view = self._view(request)
        rules.check_shape(request, view)
        self._check_listed(request)
        rules.check_prices(request, view.reference)
        commitment = rules.check_account(request, self.ledger, view)
        working = self.admission.accept(request, client_order_id, commitment, self.now)
        self._start(working)
        return working.order

    def cancel(self, order_id: str) -> None:
        """Cancel a working order (a leg of a multi-leg order cancels the whole order).

        Raises:
            OrderNotFound: unknown id.
            BrokerError: the order has already ended.
        """
        working = self.book.get(order_id)
        if working is None:
            order = self.store.get(order_id)
            parent = self.book.get(order.parent_id) if order.parent_id else None
            if parent is None or not parent.is_multi_leg:
                raise BrokerError(
                    f'order is already in "{order.status.value}" state', code=rules.UNPROCESSABLE
                )
            working = parent
        self.executor.cancel(working, "canceled on request", self.now)

    def cancel_all(self) -> list[str]:
        """Cancel every working order; returns their ids (legs canceled with their parent included)."""
        ids = []
        for working in self.book:
            ids.append(working.id)
            if working.id in self.book:
                self.executor.cancel(working, "canceled on request (cancel all)", self.now)
        return ids

    def replace(self, order_id: str, changes: OrderChanges) -> Order:
        """Replace a working order by a new one (see ``replacing``). Returns the new order.

        Raises:
            OrderNotFound: unknown id.
            BrokerError: the order cannot be replaced in its state, or the changes are refused.
        """
        working = self.book.get(order_id)
        if working is None:
            self.store.get(order_id)
            raise cannot_replace()
        request = replacement_request(working, changes)
        view = self._view(request)
        rules.check_shape(request, view)
        is_exit = working.group is not None and working.group.entry_id != working.id
        saved = self.ledger.commitment(order_id)
        self.ledger.release(order_id)
        try:
            if working.active and request.order_class is OrderClass.SIMPLE and not is_exit:
                rules.check_prices(request, view.reference)
            if is_exit:
                commitment = self.admission.exit_commitment(working, request)
            else:
                commitment = rules.check_account(request, self.ledger, view)
        except BrokerError:
            self.ledger.restore(order_id, saved)
            raise
        new = self.admission.swap(working, request, commitment, self.now)
        if new.active:
            self._start(new)
        return new.order

    def close_position(self, symbol: str | None) -> list[Order]:
        """Flatten ``symbol`` (or every position) with market orders, canceling its working orders first.

        Raises:
            PositionNotFound: no open position in ``symbol``.
            OrderRejected: the closing order was refused.
        """
        if symbol is not None and self.ledger.position_qty(symbol) == 0:
            raise PositionNotFound("position does not exist", code="40410000")
        symbols = [symbol] if symbol is not None else [p.symbol for p in self.ledger.positions()]
        orders = []
        for name in symbols:
            for working in self.book:
                if working.order.symbol == name and working.id in self.book:
                    self.executor.cancel(working, "canceled to close the position", self.now)
            qty = self.ledger.position_qty(name)
            request = OrderRequest(
                symbol=name, side=Side.SELL if qty > 0 else Side.BUY, type=OrderType.MARKET, qty=abs(qty)
            )
            orders.append(self.submit(request, f"close-{self.ids.order_id()}"))
        return orders

    # ---- queries ---------------------------------------------------------------------------------

    def orders(self, status: str = "open") -> list[Order]:
        return self.store.listing(status)

    def order_by_client_id(self, client_order_id: str) -> Order:
        return self.store.by_client_id(client_order_id)

    def account(self) -> Account:
        self._mark_options()
        return self.ledger.account(self.now)

    def positions(self) -> list[Position]:
        self._mark_options()
        return self.ledger.positions()

    def _mark_options(self) -> None:
        for holding in self.ledger.holdings.values():
            if holding.qty != 0 and is_option_symbol(holding.symbol):
                quote = self.prices.option_quote(holding.symbol)
                if quote is not None:
                    self.ledger.marks[holding.symbol] = quote.mid

    # ---- internals -------------------------------------------------------------------------------

    def _check_listed(self, request: OrderRequest) -> None:
        """Refuse option contracts the venue cannot quote: unlisted expiries, strikes off the grid."""
        if not request.is_option:
            return
        symbols = [leg.symbol for leg in request.legs] if request.legs else [request.symbol]
        for symbol in symbols:
            if self.prices.option_quote(symbol) is None:
                raise rules.reject(f'asset "{symbol}" is not tradable')

    def _view(self, request: OrderRequest) -> rules.MarketView:
        open_ = self.session.is_open
        calendar = self.session.calendar
        if request.order_class is OrderClass.MLEG:
            quotes = tuple(self.prices.option_quote(leg.symbol) for leg in request.legs)
            legs = tuple(None if q is None else (q.bid, q.ask) for q in quotes)
            return rules.MarketView(None, market_open=open_, calendar=calendar, leg_quotes=legs)
        symbol = request.symbol
        if request.is_option:
            quote = self.prices.option_quote(symbol)
            reference = quote.mid if quote is not None else None
        else:
            quote = self.matcher.quotes.get(symbol)
            reference = self.matcher.last_trade.get(symbol) or self.prices.reference_price(symbol)
            if reference is None and quote is not None:
                reference = quote.mid
        bid, ask = (quote.bid, quote.ask) if quote is not None else (None, None)
        return rules.MarketView(reference, bid, ask, market_open=open_, calendar=calendar)

    def _start(self, working: WorkingOrder) -> None:
        """A newly live order: match it now, then apply its time in force's immediate rules."""
        match working.order.request.time_in_force:
            case TimeInForce.IOC:
                self.matcher.match_now(working, self.now)
                if working.id in self.book:
                    self.executor.cancel(
                        working, "immediate-or-cancel: the unfilled rest was canceled", self.now
                    )
            case TimeInForce.FOK:
                if self.matcher.can_fill_completely(working):
                    self.matcher.match_now(working, self.now)
                else:
                    self.executor.cancel(
                        working, "fill-or-kill: the quote cannot fill the whole order", self.now
                    )
            case TimeInForce.DAY | TimeInForce.GTC:
                if working.active:
                    self.matcher.match_now(working, self.now)
            case TimeInForce.OPG | TimeInForce.CLS:
                pass
