"""Throughput of the simulated venue on one core: quotes through the broker, and orders submitted.

* Quote path: ``SimMarket.step`` with 50 symbols, bare (the baseline) and through a manual-clock
  ``SimBroker`` that matches every quote (a few resting orders on the book) and delivers every quote to a
  subscriber callback. Target: at least 50,000 quotes/s through the broker.
* Order path: submits of limit orders that rest (submit -> ``new``), and of marketable orders that fill
  inside ``submit`` (submit -> ``fill``). Target: at least 10,000 orders/s. The baseline is the bare cost
  of the domain objects every accepted order needs (one ``Order`` and one ``OrderUpdate``).
* Domain costs: what the pydantic models cost per object, validated and not, to show where time goes.

Each figure is the median over ``RUNS`` runs in this process, with the p99 of per-operation latencies
(per ``advance`` step for quotes, per submit for orders) and the ratio against the baseline.

Run: ``.venv/bin/python bench/sim_throughput.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from console.brokers.base import BrokerCallbacks
from console.brokers.sim.broker import SimBroker
from console.domain import Order, OrderRequest, OrderStatus, OrderType, OrderUpdate, Quote, Side, TradeEvent
from console.market.sim_generator import SimMarket
from console.settings_schema import SimSettings

SYMBOLS = tuple(f"S{i:02d}" for i in range(50))
START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
STEP_SECONDS = 0.25
QUICK = "--quick" in sys.argv
RUNS = 3 if QUICK else 7
STEPS = 40 if QUICK else 200
ORDERS = 1_000 if QUICK else 5_000


@dataclass
class Run:
    rate: float
    latencies_us: list[float]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def settings() -> SimSettings:
    # Plenty of cash so the order runs never hit buying power.
    return SimSettings(starting_cash=Decimal(10_000_000_000))


# ---- quote path -----------------------------------------------------------------------------------


def bare_market_run() -> Run:
    market = SimMarket(settings(), SYMBOLS, start=START)
    market.step(1)
    quotes, latencies = 0, []
    begin = time.perf_counter()
    for _ in range(STEPS):
        t0 = time.perf_counter()
        quotes += sum(1 for event in market.step(STEP_SECONDS) if type(event) is Quote)
        latencies.append((time.perf_counter() - t0) * 1e6)
    return Run(quotes / (time.perf_counter() - begin), latencies)


def broker_quote_run() -> Run:
    delivered = [0]

    def on_quote(_quote: Quote) -> None:
        delivered[0] += 1

    broker = SimBroker(settings(), SYMBOLS, start=START, clock="manual")
    broker.connect(BrokerCallbacks(on_order_update=lambda _update: None, on_quote=on_quote))
    broker.subscribe(SYMBOLS)
    broker.advance(1)
    for i, symbol in enumerate(SYMBOLS[:10]):  # a few resting orders keep the matching engine busy
        broker.submit(_limit(symbol, Side.BUY, Decimal(1)), f"rest.{i}")
        broker.submit(
            OrderRequest(
                symbol=symbol, side=Side.SELL, qty=Decimal(1), type=OrderType.STOP, stop_price=Decimal(1)
            ),
            f"stop.{i}",
        )
    delivered[0], latencies = 0, []
    begin = time.perf_counter()
    for _ in range(STEPS):
        t0 = time.perf_counter()
        broker.advance(STEP_SECONDS)
        latencies.append((time.perf_counter() - t0) * 1e6)
    elapsed = time.perf_counter() - begin
    broker.close()
    return Run(delivered[0] / elapsed, latencies)


# ---- order path -----------------------------------------------------------------------------------


def _limit(symbol: str, side: Side, price: Decimal) -> OrderRequest:
    return OrderRequest(symbol=symbol, side=side, qty=Decimal(1), type=OrderType.LIMIT, limit_price=price)


def _connected_broker() -> SimBroker:
    broker = SimBroker(settings(), SYMBOLS, start=START, clock="manual")
    broker.connect(BrokerCallbacks(on_order_update=lambda _update: None))
    broker.advance(1)
    return broker


def resting_orders_run() -> Run:
    broker = _connected_broker()
    requests = [_limit(SYMBOLS[i % len(SYMBOLS)], Side.BUY, Decimal(1)) for i in range(ORDERS)]
    latencies = []
    begin = time.perf_counter()
    for i, request in enumerate(requests):
        t0 = time.perf_counter()
        order = broker.submit(request, f"rest.{i}")
        latencies.append((time.perf_counter() - t0) * 1e6)
    elapsed = time.perf_counter() - begin
    assert order.status is OrderStatus.NEW
    return Run(ORDERS / elapsed, latencies)


def marketable_orders_run() -> Run:
    """Market orders for 1 share, one per symbol per batch, sides alternating; the tape moves between
    batches (untimed) so every order meets a fresh quote and fills inside submit."""
    broker = _connected_broker()
    latencies, filled, elapsed = [], 0, 0.0
    for batch in range(ORDERS // len(SYMBOLS)):
        side = Side.BUY if batch % 2 == 0 else Side.SELL
        requests = [OrderRequest(symbol=s, side=side, qty=Decimal(1)) for s in SYMBOLS]
        for n, request in enumerate(requests):
            t0 = time.perf_counter()
            order = broker.submit(request, f"mkt.{batch}.{n}")
            took = time.perf_counter() - t0
            elapsed += took
            latencies.append(took * 1e6)
            filled += order.status is OrderStatus.FILLED
        broker.advance(STEP_SECONDS)
    assert filled == len(latencies), f"only {filled} of {len(latencies)} filled at once"
    return Run(len(latencies) / elapsed, latencies)


def domain_baseline_run() -> Run:
    """The bare domain cost of one accepted order: a validated ``Order`` and an ``OrderUpdate``."""
    request = _limit("AAPL", Side.BUY, Decimal(1))
    latencies = []
    begin = time.perf_counter()
    for i in range(ORDERS):
        t0 = time.perf_counter()
        order = Order(
            id=f"id-{i}",
            client_order_id=f"c{i}",
            request=request,
            status=OrderStatus.NEW,
            created_at=START,
            updated_at=START,
        )
        OrderUpdate(event=TradeEvent.NEW, order=order, timestamp=START)
        latencies.append((time.perf_counter() - t0) * 1e6)
    return Run(ORDERS / (time.perf_counter() - begin), latencies)


# ---- domain costs ---------------------------------------------------------------------------------


def per_call_us(action: Callable[[], object], count: int = 20_000) -> float:
    begin = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - begin) / count * 1e6


def domain_costs() -> list[tuple[str, float]]:
    request = _limit("AAPL", Side.BUY, Decimal(1))
    # Every field given, as the venue gives them (defaults with factories would add their own cost).
    fields = {
        "id": "id",
        "client_order_id": "c",
        "request": request,
        "status": OrderStatus.NEW,
        "created_at": START,
        "updated_at": START,
        "leg_ids": (),
    }
    order = Order(**fields)
    update = {"event": TradeEvent.NEW, "order": order, "fill": None, "position_qty": None, "reason": None}
    update_construct = {**update, "timestamp": START}
    return [
        ("OrderRequest(...) validated", per_call_us(lambda: _limit("AAPL", Side.BUY, Decimal(1)))),
        ("Order(...) validated", per_call_us(lambda: Order(**fields))),
        ("Order.model_construct(...)", per_call_us(lambda: Order.model_construct(**fields))),
        ("Order.transition (model_copy)", per_call_us(lambda: order.transition(OrderStatus.CANCELED))),
        ("OrderUpdate(...) validated", per_call_us(lambda: OrderUpdate(**update, timestamp=START))),
        (
            "OrderUpdate.model_construct(...)",
            per_call_us(lambda: OrderUpdate.model_construct(**update_construct)),
        ),
    ]


# ---- report ---------------------------------------------------------------------------------------


def measure(name: str, run: Callable[[], Run]) -> tuple[float, float]:
    runs = [run() for _ in range(RUNS)]
    rates = [r.rate for r in runs]
    latencies = [value for r in runs for value in r.latencies_us]
    median = statistics.median(rates)
    print(
        f"  {name:<44} median {median:>10,.0f}/s   worst run {min(rates):>10,.0f}/s   "
        f"latency p50 {statistics.median(latencies):>8.1f} us  p99 {p99(latencies):>8.1f} us"
    )
    return median, min(rates)


def main() -> None:
    print(f"sim venue throughput, {len(SYMBOLS)} symbols, {RUNS} runs each, one core")
    print("quote path (quotes/s; latency per advance of 0.25 s)")
    bare, _ = measure("baseline: bare SimMarket.step", bare_market_run)
    through, worst = measure("SimBroker.advance (matching + delivery)", broker_quote_run)
    verdict = "ok" if worst >= 50_000 else "MISSED"
    print(f"  ratio broker/bare {through / bare:.2f}   target >= 50,000/s: {verdict}")
    print("order path (orders/s; latency per submit)")
    base, _ = measure("baseline: Order + OrderUpdate validated", domain_baseline_run)
    resting, worst_rest = measure("submit -> new (resting limit)", resting_orders_run)
    filling, worst_fill = measure("submit -> fill (marketable, fills in submit)", marketable_orders_run)
    print(
        f"  ratio resting/baseline {resting / base:.2f}   marketable/baseline {filling / base:.2f}   "
        f"target >= 10,000/s: {'ok' if min(worst_rest, worst_fill) >= 10_000 else 'MISSED'}"
    )
    print("domain model costs (us per object)")
    for label, cost in domain_costs():
        print(f"  {label:<44} {cost:>6.2f}")


if __name__ == "__main__":
    main()
