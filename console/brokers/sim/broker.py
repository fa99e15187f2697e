"""``SimBroker``: the default broker, a simulated venue in-process, speaking the Broker port.

It puts the pieces together: the ``SimMarket`` tape, the ``SimVenue`` (matching engine and account), and
a clock. With ``clock="real"`` a ``SimClock`` thread steps the market at ``sim.speed`` x wall time; with
``clock="manual"`` nothing moves until ``advance(seconds)``, which steps the market, feeds every event
through the venue in time order and delivers the callbacks before it returns: deterministic, for tests.

Threading: one lock guards the market and the venue. Commands may come from any thread while the clock
steps. Events are collected in an outbox under the lock and delivered after it is released, by one thread
at a time and in order; a callback may call back into the broker (its events are delivered after the
current batch), and never deadlocks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeVar

from console.brokers.base import BrokerCallbacks, BrokerError, OrderChanges
from console.brokers.sim.admission import book_symbol
from console.brokers.sim.options import OptionPricer
from console.brokers.sim.venue import SimVenue
from console.domain import (
    Account,
    Bar,
    OptionChain,
    Order,
    OrderRequest,
    OrderUpdate,
    Position,
    Quote,
    Timeframe,
    Trade,
)
from console.domain.events import ClockUpdate, ConnectionState, ConnectionStatus
from console.domain.symbols import is_option_symbol, parse_occ, validate_symbol
from console.market.calendar import is_market_open
from console.market.sim_generator import SimMarket
from console.settings_schema import SimSettings

if TYPE_CHECKING:
    from console.market.clock import SimClock

log = logging.getLogger(__name__)

ClockMode = Literal["real", "manual"]
T = TypeVar("T")


class _MarketPrices:
    """The venue's window on the market: option quotes and prices of symbols it has not seen trade."""

    def __init__(self, market: SimMarket, options: OptionPricer) -> None:
        self._market = market
        self._options = options

    def option_quote(self, symbol: str) -> Quote | None:
        return self._options.quote(symbol, self._market.now)

    def reference_price(self, symbol: str) -> Decimal | None:
        return self._market.last_price(symbol)


class SimBroker:
    """The simulated venue behind the Broker port. See the module docstring for clocks and threads."""

    name = "sim"

    def __init__(
        self,
        settings: SimSettings,
        symbols: Iterable[str] = (),
        *,
        start: datetime | None = None,
        clock: ClockMode = "real",
    ) -> None:
        self._settings = settings
        self._market = SimMarket(settings, symbols, start=start)
        self._options = OptionPricer(self._market, settings.seed)
        self._outbox: list[object] = []
        self._venue = SimVenue(
            settings, _MarketPrices(self._market, self._options), self._market.now, self._outbox
        )
        self._lock = threading.Lock()
        self._subscribed: set[str] = set()
        self._callbacks: BrokerCallbacks | None = None
        self._delivering = False
        self._clock_mode: ClockMode = clock
        self._clock: SimClock | None = None

    # ---- beyond the Broker port ------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The venue's time (the market clock)."""
        with self._lock:
            return self._market.now

    @property
    def clock(self) -> SimClock | None:
        """The real-time clock while connected in ``real`` mode (its ``speed`` can be changed live)."""
        return self._clock

    @property
    def market(self) -> SimMarket:
        """The tape (for the emulator's market-data endpoints). Not thread-safe: hold no reference long."""
        return self._market

    def advance(self, seconds: float) -> None:
        """Step the market ``seconds`` of sim time and process and deliver everything that happened.

        The clock thread calls this in ``real`` mode; tests call it in ``manual`` mode.
        """
        with self._lock:
            self._feed(self._market.step(seconds))
            now = self._market.now
            self._venue.advance_to(now)
            self._outbox.append(ClockUpdate(is_open=self._venue.session.is_open, timestamp=now))
        self._flush()

    def order(self, order_id: str) -> Order:
        """One order by id, working or ended.

        Raises:
            OrderNotFound: unknown id.
        """
        with self._guard():
            return self._venue.store.get(order_id)

    # ---- Broker port -----------------------------------------------------------------------------

    def connect(self, callbacks: BrokerCallbacks) -> None:
        with self._lock:
            self._callbacks = callbacks
            now = self._market.now
            self._outbox.append(ConnectionStatus(name="sim", state=ConnectionState.CONNECTED, timestamp=now))
            self._outbox.append(ClockUpdate(is_open=self._venue.session.is_open, timestamp=now))
        self._flush()
        if self._clock_mode == "real" and self._clock is None:
            from console.market.clock import SimClock

            interval = self._settings.tick_interval_ms / 1000
            self._clock = SimClock(self.advance, speed=self._settings.speed, interval_s=interval)
            self._clock.start()

    def close(self) -> None:
        clock, self._clock = self._clock, None
        if clock is not None:
            clock.stop()  # outside the lock: the clock thread may be waiting for it
        with self._lock:
            if self._callbacks is None:
                return
            now = self._market.now
            self._outbox.append(
                ConnectionStatus(name="sim", state=ConnectionState.DISCONNECTED, timestamp=now)
            )
        self._flush()
        with self._lock:
            self._callbacks = None

    def account(self) -> Account:
        with self._guard():
            return self._venue.account()

    def positions(self) -> list[Position]:
        with self._guard():
            return self._venue.positions()

    def orders(self, status: str = "open") -> list[Order]:
        with self._guard():
            try:
                return self._venue.orders(status)
            except ValueError as error:
                raise BrokerError(str(error)) from None

    def order_by_client_id(self, client_order_id: str) -> Order:
        with self._guard():
            return self._venue.order_by_client_id(client_order_id)

    def submit(self, request: OrderRequest, client_order_id: str) -> Order:
        return self._command(lambda: self._submit(request, client_order_id))

    def cancel(self, order_id: str) -> None:
        self._command(lambda: self._venue.cancel(order_id))

    def cancel_all(self) -> list[str]:
        return self._command(self._venue.cancel_all)

    def replace(self, order_id: str, changes: OrderChanges) -> Order:
        return self._command(lambda: self._venue.replace(order_id, changes))

    def close_position(self, symbol: str | None = None) -> list[Order]:
        return self._command(lambda: self._venue.close_position(symbol))

    def subscribe(self, symbols: Iterable[str]) -> None:
        with self._guard():
            for symbol in map(validate_symbol, symbols):
                underlying = parse_occ(symbol).root if is_option_symbol(symbol) else symbol
                self._market.add_symbol(underlying)
                self._subscribed.add(symbol)

    def unsubscribe(self, symbols: Iterable[str]) -> None:
        with self._guard():
            self._subscribed.difference_update(map(validate_symbol, symbols))

    def latest_quote(self, symbol: str) -> Quote | None:
        with self._guard():
            if is_option_symbol(symbol):
                return self._options.quote(symbol, self._market.now)
            return self._market.last_quote(symbol)

    def bars(self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime) -> Sequence[Bar]:
        with self._guard():
            return self._market.bars(symbol, timeframe, start, end)

    def option_expirations(self, underlying: str) -> list[date]:
        with self._guard():
            return self._options.expirations(self._market.now)

    def option_chain(self, underlying: str, expiry: date) -> OptionChain:
        with self._guard():
            try:
                return self._options.chain(validate_symbol(underlying), expiry, self._market.now)
            except ValueError as error:
                raise BrokerError(str(error)) from None

    def is_market_open(self) -> bool:
        with self._guard():
            return is_market_open(self._market.now, self._settings.calendar)

    # ---- internals -------------------------------------------------------------------------------

    def _submit(self, request: OrderRequest, client_order_id: str) -> Order:
        self._market.add_symbol(book_symbol(request))
        return self._venue.submit(request, client_order_id)

    def _command(self, action: Callable[[], T]) -> T:
        """Run a venue command at the market's time under the lock, then deliver what it caused."""
        try:
            with self._guard():
                self._venue.advance_to(self._market.now)
                return action()
        finally:
            self._flush()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Hold the lock; let ``BrokerError`` out as is and turn anything else into one (logged)."""
        with self._lock:
            try:
                yield
            except BrokerError:
                raise
            except Exception as error:
                log.exception("sim venue failed")
                raise BrokerError(f"the sim venue failed: {error}") from error

    def _feed(self, events: list[Quote | Trade | Bar]) -> None:
        """Pass the tape through the venue in time order, queueing what subscribers asked for."""
        venue, outbox, subscribed = self._venue, self._outbox, self._subscribed
        for event in events:
            if event.symbol in subscribed:
                outbox.append(event)
            match event:
                case Quote():
                    venue.on_quote(event)
                case Trade():
                    venue.on_trade(event)
                case Bar():
                    venue.advance_to(event.timestamp)

    def _flush(self) -> None:
        """Deliver the outbox in order, from one thread at a time (see the module docstring)."""
        while True:
            with self._lock:
                callbacks = self._callbacks
                if self._delivering or not self._outbox:
                    return
                batch = self._outbox.copy()
                self._outbox.clear()
                if callbacks is None:
                    return  # not connected: nobody to tell
                self._delivering = True
            try:
                for item in batch:
                    _deliver(callbacks, item)
            finally:
                with self._lock:
                    self._delivering = False


def _deliver(callbacks: BrokerCallbacks, item: object) -> None:
    try:
        match item:
            case Quote():
                callbacks.on_quote(item)
            case Trade():
                callbacks.on_trade(item)
            case OrderUpdate():
                callbacks.on_order_update(item)
            case Bar():
                callbacks.on_bar(item)
            case ClockUpdate():
                callbacks.on_clock(item)
            case ConnectionStatus():
                callbacks.on_connection(item)
            case _:
                raise TypeError(f"the sim outbox holds an unknown item {item!r}")
    except Exception:  # one failing subscriber must not stop the venue or starve the others
        log.exception("a sim broker callback failed on %r", type(item).__name__)
