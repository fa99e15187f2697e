"""Invariants of the matching engine and the ledger over random tapes and random order flow.

Hypothesis drives a venue with hand-made quotes and trades (fast, any prices) and a manual-clock broker on
the real sim tape, submitting, canceling and replacing random orders, then checks what must always hold.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.brokers.base import BrokerError, OrderChanges
from console.brokers.sim.broker import SimBroker
from console.brokers.sim.venue import SimVenue
from console.domain import (
    Order,
    OrderClass,
    OrderRequest,
    OrderStatus,
    OrderType,
    OrderUpdate,
    Quote,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
    Trade,
    TradeEvent,
)
from console.settings_schema import SimSettings

from .conftest import Recorder

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
STARTING_CASH = Decimal(100_000)
TERMINAL_EVENTS = {TradeEvent.FILL, TradeEvent.CANCELED, TradeEvent.EXPIRED, TradeEvent.REPLACED}
SYMBOLS = ("AAPL", "MSFT")

moves = st.integers(-60, 60).map(lambda c: Decimal(c).scaleb(-2))
"""Price moves and offsets from the current mid, so orders land near the market and really trade."""
offsets = st.integers(1, 300).map(lambda c: Decimal(c).scaleb(-2))
KINDS = ["market", "limit", "stop", "stop_limit", "trailing", "bracket", "oco", "oto", "fraction", "notional"]


@st.composite
def order_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A random order of any type, class and time in force, its prices relative to the market."""
    return {
        "kind": draw(st.sampled_from(KINDS)),
        "symbol": draw(st.sampled_from(SYMBOLS)),
        "side": draw(st.sampled_from(Side)),
        "qty": Decimal(draw(st.integers(1, 250))),
        "fraction": draw(offsets),
        "tif": draw(st.sampled_from(TimeInForce)),
        "persistent_tif": draw(st.sampled_from([TimeInForce.DAY, TimeInForce.GTC])),
        "prices": draw(st.lists(moves, min_size=3, max_size=3)),
        "distances": draw(st.lists(offsets, min_size=2, max_size=2)),
        "trail": draw(st.sampled_from(["trail_price", "trail_percent"])),
        "oto_exit": draw(st.sampled_from(["take_profit", "stop_loss"])),
        "limit_entry": draw(st.booleans()),
    }


def build_request(spec: dict[str, Any], mid: Decimal) -> OrderRequest | None:
    """The spec as an OrderRequest around ``mid``; None when OrderRequest refuses it."""
    near = [mid + move for move in spec["prices"]]
    fields: dict[str, Any] = {
        "symbol": spec["symbol"],
        "side": spec["side"],
        "qty": spec["qty"],
        "time_in_force": spec["persistent_tif"],
    }
    match spec["kind"]:
        case "market":
            fields["time_in_force"] = spec["tif"]
        case "limit":
            fields |= {"type": OrderType.LIMIT, "limit_price": near[0], "time_in_force": spec["tif"]}
        case "stop":
            fields |= {"type": OrderType.STOP, "stop_price": near[0]}
        case "stop_limit":
            fields |= {"type": OrderType.STOP_LIMIT, "stop_price": near[0], "limit_price": near[1]}
        case "trailing":
            fields |= {"type": OrderType.TRAILING_STOP, spec["trail"]: spec["distances"][0]}
        case "bracket" | "oto" | "oco":
            fields |= _contingent(spec, near[0])
        case "fraction":
            fields |= {"qty": spec["fraction"], "time_in_force": TimeInForce.DAY}
        case "notional":
            fields |= {"qty": None, "notional": spec["fraction"] * 100, "time_in_force": TimeInForce.DAY}
    try:
        return OrderRequest(**fields)
    except ValueError:
        return None


def _contingent(spec: dict[str, Any], base: Decimal) -> dict[str, Any]:
    kind = spec["kind"]
    closes_long = (spec["side"] is Side.BUY) != (kind == "oco")
    sign = 1 if closes_long else -1
    take, stop = spec["distances"]
    fields: dict[str, Any] = {
        "order_class": OrderClass(kind),
        "take_profit": TakeProfit(limit_price=base + sign * take),
        "stop_loss": StopLoss(stop_price=base - sign * stop),
    }
    if kind == "oto":
        fields.pop(spec["oto_exit"])
    if kind == "oco" or spec["limit_entry"]:
        fields |= {"type": OrderType.LIMIT, "limit_price": base}
    return fields


quotes = st.tuples(
    st.just("quote"),
    st.sampled_from(SYMBOLS),
    moves,
    st.integers(1, 5).map(lambda c: Decimal(c).scaleb(-2)),
    st.integers(0, 300).map(Decimal),
    st.integers(0, 300).map(Decimal),
)
trades = st.tuples(st.just("trade"), st.sampled_from(SYMBOLS), moves)
submits = st.tuples(st.just("submit"), order_specs())
cancels = st.tuples(st.just("cancel"), st.integers(0, 1_000))
replaces = st.tuples(
    st.just("replace"),
    st.integers(0, 1_000),
    st.one_of(st.none(), st.integers(1, 400).map(Decimal)),
    st.one_of(st.none(), moves),
)
waits = st.tuples(st.just("wait"), st.sampled_from([1, 60, 3_600, 6 * 3_600]))
actions = st.lists(
    st.one_of(quotes, quotes, trades, trades, submits, submits, submits, cancels, replaces, waits),
    min_size=20,
    max_size=80,
)


class Driver:
    """Applies drawn actions to a venue, keeping the ids it has seen and the replaces it asked for."""

    def __init__(self) -> None:
        self.prices = _Prices()
        self.venue = SimVenue(SimSettings(starting_cash=STARTING_CASH), self.prices, START)
        self.now = START
        self.mid = {symbol: Decimal(100) for symbol in SYMBOLS}
        self.ids: list[str] = []
        self.replaced: list[tuple[Order, Decimal | None, Order]] = []

    def run(self, steps: list[tuple[Any, ...]]) -> None:
        for step in steps:
            # Refusals are part of the game; anything else fails the test.
            with contextlib.suppress(BrokerError):
                self._apply(step)

    def _apply(self, step: tuple[Any, ...]) -> None:
        match step:
            case ("quote", symbol, move, spread, bid_size, ask_size):
                self.mid[symbol] = max(Decimal(1), self.mid[symbol] + move)
                bid = self.mid[symbol] - spread
                quote = Quote(
                    symbol=symbol,
                    bid=bid,
                    ask=bid + 2 * spread,
                    bid_size=bid_size,
                    ask_size=ask_size,
                    timestamp=self._tick(),
                )
                self.venue.on_quote(quote)
            case ("trade", symbol, move):
                price = max(Decimal("0.5"), self.mid[symbol] + move / 4)
                self.prices.last[symbol] = price
                self.venue.on_trade(
                    Trade(symbol=symbol, price=price, size=Decimal(100), timestamp=self._tick())
                )
            case ("submit", spec):
                request = build_request(spec, self.mid[spec["symbol"]])
                if request is not None:
                    self.ids.append(self.venue.submit(request, f"p.run.{len(self.ids)}").id)
            case ("cancel", index):
                if self.ids:
                    self.venue.cancel(self.ids[index % len(self.ids)])
            case ("replace", index, qty, price):
                self._replace(index, qty, price)
            case ("wait", seconds):
                self.venue.advance_to(self._tick(seconds))

    def _replace(self, index: int, qty: Decimal | None, move: Decimal | None) -> None:
        if not self.ids:
            return
        old = self.venue.store.get(self.ids[index % len(self.ids)])
        has_limit = old.request.type in (OrderType.LIMIT, OrderType.STOP_LIMIT) and move is not None
        limit = self.mid[old.symbol] + move if has_limit and move is not None else None
        new = self.venue.replace(old.id, OrderChanges(qty=qty, limit_price=limit))
        self.ids.append(new.id)
        self.replaced.append((self.venue.store.get(old.id), qty, new))

    def _tick(self, seconds: float = 1) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    @property
    def updates(self) -> list[OrderUpdate]:
        return [u for u in self.venue.outbox if isinstance(u, OrderUpdate)]


class _Prices:
    def __init__(self) -> None:
        self.last = {symbol: Decimal(100) for symbol in SYMBOLS}

    def option_quote(self, symbol: str) -> Quote | None:
        return None

    def reference_price(self, symbol: str) -> Decimal | None:
        return self.last.get(symbol)


def assert_fills_reconcile(updates: list[OrderUpdate], cash: Decimal, positions: dict[str, Decimal]) -> None:
    """Cash = start - signed fill notional - fees; each position = signed fill quantity."""
    expected_cash = STARTING_CASH
    expected_positions: dict[str, Decimal] = defaultdict(Decimal)
    for update in updates:
        if update.fill is not None:
            sign = 1 if update.fill.side is Side.BUY else -1
            expected_cash -= sign * update.fill.notional + update.fill.fee
            expected_positions[update.fill.symbol] += sign * update.fill.qty
            assert update.position_qty == expected_positions[update.fill.symbol]
    assert cash == expected_cash
    assert {s: q for s, q in positions.items() if q} == {s: q for s, q in expected_positions.items() if q}


def assert_never_overfilled(updates: list[OrderUpdate], orders: list[Order]) -> None:
    """Each order's fills add up to its filled quantity, which never exceeds its quantity."""
    filled: dict[str, Decimal] = defaultdict(Decimal)
    for update in updates:
        if update.fill is not None:
            filled[update.order.id] += update.fill.qty
    for order in orders:
        if order.qty is not None:
            assert order.filled_qty <= order.qty
        if order.request.order_class is not OrderClass.MLEG:
            assert filled[order.id] == order.filled_qty


def assert_one_terminal_event_each(updates: list[OrderUpdate], orders: list[Order]) -> None:
    ends: dict[str, list[TradeEvent]] = defaultdict(list)
    after_end: dict[str, list[TradeEvent]] = defaultdict(list)
    for update in updates:
        if ends[update.order.id]:
            after_end[update.order.id].append(update.event)
        if update.event in TERMINAL_EVENTS:
            ends[update.order.id].append(update.event)
    for order in orders:
        assert order.status.is_terminal, order
        assert len(ends[order.id]) == 1, (order.id, ends[order.id])
        assert after_end[order.id] == []


def assert_exits_never_both_fill(orders: list[Order]) -> None:
    by_id = {o.id: o for o in orders}

    def chain_filled(order_id: str) -> Decimal:
        total = Decimal(0)
        current: str | None = order_id
        while current is not None:
            total += by_id[current].filled_qty
            current = by_id[current].replaced_by
        return total

    for order in orders:
        if order.replaces is None and order.request.order_class in (OrderClass.BRACKET, OrderClass.OCO):
            exits = [*order.leg_ids, *([order.id] if order.request.order_class is OrderClass.OCO else [])]
            assert sum(1 for e in exits if chain_filled(e) > 0) <= 1


def assert_replaces_keep_fills(driver: Driver) -> None:
    for old, qty, new in driver.replaced:
        final_old = driver.venue.store.get(old.id)
        assert final_old.status is OrderStatus.REPLACED
        assert final_old.filled_qty == old.filled_qty  # nothing fills on a replaced order
        expected = (qty if qty is not None else old.qty) - old.filled_qty
        assert new.qty == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=actions)
def test_random_order_flow_keeps_every_invariant(steps: list[tuple[Any, ...]]) -> None:
    driver = Driver()
    driver.run(steps)
    venue = driver.venue
    orders = venue.orders("all")
    assert_fills_reconcile(
        driver.updates, venue.ledger.cash, {s: h.qty for s, h in venue.ledger.holdings.items()}
    )
    assert_never_overfilled(driver.updates, orders)
    assert_exits_never_both_fill(orders)
    assert_replaces_keep_fills(driver)

    venue.cancel_all()
    assert len(venue.book) == 0
    driver.run([("quote", s, Decimal(0), Decimal("0.01"), Decimal(1000), Decimal(1000)) for s in SYMBOLS])
    orders = venue.orders("all")
    assert_one_terminal_event_each(driver.updates, orders)
    assert_exits_never_both_fill(orders)
    assert_fills_reconcile(
        driver.updates, venue.ledger.cash, {s: h.qty for s, h in venue.ledger.holdings.items()}
    )


broker_actions = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), order_specs()),
        st.tuples(st.just("advance"), st.sampled_from([0.5, 2, 30, 600])),
        st.tuples(st.just("cancel"), st.integers(0, 1_000)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=broker_actions, seed=st.integers(0, 10))
def test_broker_on_the_sim_tape_reconciles_and_ends_cleanly(steps: list[tuple[Any, ...]], seed: int) -> None:
    recorder = Recorder()
    broker = SimBroker(SimSettings(seed=seed), SYMBOLS, start=START, clock="manual")
    broker.connect(recorder.callbacks())
    broker.advance(1)
    ids: list[str] = []
    for step in steps:
        try:
            match step:
                case ("submit", spec):
                    quote = broker.latest_quote(spec["symbol"])
                    request = build_request(spec, quote.mid if quote else Decimal(100))
                    if request is not None:
                        ids.append(broker.submit(request, f"b.run.{len(ids)}").id)
                case ("advance", seconds):
                    broker.advance(seconds)
                case ("cancel", index):
                    if ids:
                        broker.cancel(ids[index % len(ids)])
        except BrokerError:
            pass
    broker.cancel_all()
    broker.advance(5)
    orders = broker.orders("all")
    positions = {p.symbol: p.qty for p in broker.positions()}
    assert_fills_reconcile(recorder.updates, broker.account().cash, positions)
    assert_never_overfilled(recorder.updates, orders)
    assert_one_terminal_event_each(recorder.updates, orders)
    assert_exits_never_both_fill(orders)
    assert broker.orders("open") == []
