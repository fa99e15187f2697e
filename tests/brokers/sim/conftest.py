"""Fixtures for the sim venue: a venue driven by hand-made quotes and trades, and a manual-clock broker."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from console.brokers.base import BrokerCallbacks
from console.brokers.sim.broker import SimBroker
from console.brokers.sim.venue import SimVenue
from console.domain import Order, OrderRequest, OrderUpdate, Quote, Trade, TradeEvent
from console.settings_schema import SimSettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
"""Monday 5 January 2026, 10:00 New York: the NYSE session is open."""


def D(value: object) -> Decimal:
    return Decimal(str(value))


class StubPrices:
    """Option quotes and reference prices set by the test."""

    def __init__(self) -> None:
        self.options: dict[str, Quote] = {}
        # The tape's last prices before any trade in the test (the real market always knows one).
        self.references: dict[str, Decimal] = {"AAPL": Decimal(100), "MSFT": Decimal(300)}

    def option_quote(self, symbol: str) -> Quote | None:
        return self.options.get(symbol)

    def reference_price(self, symbol: str) -> Decimal | None:
        return self.references.get(symbol)


class Sim:
    """A ``SimVenue`` on a hand-made tape: each quote or trade one second after the previous event."""

    def __init__(self, venue: SimVenue, prices: StubPrices) -> None:
        self.venue = venue
        self.prices = prices
        self.now = venue.now
        self._ids = itertools.count(1)

    def tick(self, seconds: float = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def quote(self, symbol: str, bid: object, ask: object, size: object = 100, **sizes: object) -> Quote:
        quote = Quote(
            symbol=symbol,
            bid=D(bid),
            ask=D(ask),
            bid_size=D(sizes.get("bid_size", size)),
            ask_size=D(sizes.get("ask_size", size)),
            timestamp=self.tick(),
        )
        self.venue.on_quote(quote)
        return quote

    def trade(self, symbol: str, price: object, size: object = 100) -> None:
        self.venue.on_trade(Trade(symbol=symbol, price=D(price), size=D(size), timestamp=self.tick()))

    def option_quote(self, symbol: str, bid: object, ask: object) -> None:
        self.prices.options[symbol] = Quote(
            symbol=symbol, bid=D(bid), ask=D(ask), bid_size=D(0), ask_size=D(0), timestamp=self.now
        )

    def wait(self, seconds: float) -> None:
        self.venue.advance_to(self.tick(seconds))

    def submit(self, client_order_id: str | None = None, **fields: Any) -> Order:
        for name in ("qty", "notional", "limit_price", "stop_price", "trail_price", "trail_percent"):
            if fields.get(name) is not None:
                fields[name] = D(fields[name])
        client_id = client_order_id or f"t.run.{next(self._ids)}"
        return self.venue.submit(OrderRequest(**fields), client_id)

    def order(self, order_id: str) -> Order:
        return self.venue.store.get(order_id)

    @property
    def updates(self) -> list[OrderUpdate]:
        return [item for item in self.venue.outbox if isinstance(item, OrderUpdate)]

    def events(self, order_id: str) -> list[TradeEvent]:
        return [u.event for u in self.updates if u.order.id == order_id]

    def fills(self, order_id: str) -> list[tuple[Decimal, Decimal]]:
        return [(u.fill.qty, u.fill.price) for u in self.updates if u.order.id == order_id and u.fill]


SimFactory = Callable[..., Sim]


@pytest.fixture
def make_sim() -> SimFactory:
    """Build a ``Sim``; keyword arguments override ``SimSettings`` (and ``start``)."""

    def build(start: datetime = T0, **overrides: Any) -> Sim:
        prices = StubPrices()
        venue = SimVenue(SimSettings(**overrides), prices, start)
        return Sim(venue, prices)

    return build


@pytest.fixture
def sim(make_sim: SimFactory) -> Sim:
    """A margin account with $100,000, shorting allowed, always-open calendar, no commissions."""
    return make_sim()


class Recorder:
    """Collects everything a broker delivers, in order."""

    def __init__(self) -> None:
        self.items: list[object] = []

    def callbacks(self) -> BrokerCallbacks:
        add = self.items.append
        return BrokerCallbacks(
            on_order_update=add, on_quote=add, on_trade=add, on_bar=add, on_connection=add, on_clock=add
        )

    @property
    def updates(self) -> list[OrderUpdate]:
        return [item for item in self.items if isinstance(item, OrderUpdate)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def broker(recorder: Recorder) -> Iterator[SimBroker]:
    """A connected manual-clock broker on AAPL and MSFT, one second into the tape."""
    sim_broker = SimBroker(SimSettings(), ["AAPL", "MSFT"], start=T0, clock="manual")
    sim_broker.connect(recorder.callbacks())
    sim_broker.advance(1)
    yield sim_broker
    sim_broker.close()
