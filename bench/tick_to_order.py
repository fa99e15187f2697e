"""Tick to order: a bar entering the venue until each strategy's order reaches the broker port.

What is measured: for every live 1-minute bar and every running strategy, the time from the broker
handing the bar to the session (``BrokerCallbacks.on_bar``, where a live venue's bar enters the console)
to that strategy's order arriving at ``Broker.submit``. In between: session -> bus -> each strategy's
``SessionFeed`` queue -> its Cerebro thread wakes -> ``next()`` -> ``buy``/``sell`` ->
``SessionBroker.submit`` -> the session's road (risk gate, two journal commits) -> ``Broker.submit``.

How: one ``SimBroker`` on a manual clock and one ``Session`` (real SQLite journal in a temp folder), and a
``StrategyRunner`` running 1, 10 or 100 copies of a trivial strategy, each in its own thread with its own
Cerebro, all on the same symbol (the worst case: every strategy wakes on every bar). Each strategy sends a
one-share market order on every live bar, alternately buying and selling. A ``SimBroker`` subclass stamps
``time.perf_counter()`` when it delivers a bar (a side table keyed by ``(symbol, timestamp)``) and when
``submit`` is entered; the strategy writes the bar it is trading on into a per-strategy slot just before
ordering, and since ``Broker.submit`` runs on the strategy's own thread the stamp pairs with that bar.
The clock is advanced one minute at a time, each only once every strategy's order for the previous bar
has arrived, so bars never queue behind each other. The first live bars are not counted (warm-up).

Prints p50 and p99 per configuration and each one's ratio to the 1-strategy baseline of the same
process. Targets: p99 < 5 ms with one strategy, < 50 ms with 100.

Run: ``.venv/bin/python bench/tick_to_order.py [bars] [counts...]`` (defaults: 60 bars; 1 10 100).
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import backtrader as bt

from console.brokers.base import BrokerCallbacks
from console.brokers.sim.broker import SimBroker
from console.domain import Bar, Order, OrderRequest
from console.engine.events import StrategyState
from console.engine.runner import StrategyRunner
from console.journal import Journal
from console.session import Session
from console.settings_schema import SimSettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # a Monday, 10:00 New York: the market is open
SYMBOL = "AAPL"
WARMUP_BARS = 5  # history each feed replays before going live
SKIPPED_LIVE_BARS = 3  # live bars traded but not counted
WAIT_S = 60.0
TARGETS_MS = {1: 5.0, 100: 50.0}

Key = tuple[str, datetime]


class Probe:
    """Stamps bars in and orders out; shared by the broker (any thread) and the strategies."""

    def __init__(self) -> None:
        self.entered: dict[Key, float] = {}
        self.trading_on: dict[str, Key] = {}  # strategy -> the bar its next order is for
        self.latencies: dict[Key, list[float]] = {}
        self._changed = threading.Condition()

    def bar_entered(self, bar: Bar) -> None:
        stamp = time.perf_counter()
        with self._changed:
            self.entered[(bar.symbol, bar.timestamp.replace(tzinfo=None))] = stamp
            self._changed.notify_all()

    def wait_bar(self, seen: int) -> Key:
        """The newest bar once more than ``seen`` have entered (a strategy thread may deliver it)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.entered) > seen, WAIT_S):
                raise RuntimeError("no bar entered the venue")
            return max(self.entered, key=lambda key: key[1])

    def order_arrived(self, request: OrderRequest) -> None:
        now = time.perf_counter()
        key = self.trading_on.get(request.strategy or "")
        if key is None or key not in self.entered:
            return
        with self._changed:
            self.latencies.setdefault(key, []).append(now - self.entered[key])
            self._changed.notify_all()

    def wait_orders(self, key: Key, count: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.latencies.get(key, ())) >= count, WAIT_S)


class StampedSim(SimBroker):
    """The sim venue, stamping each bar it delivers and each order that reaches its ``submit``."""

    def __init__(self, probe: Probe, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.probe = probe

    def connect(self, callbacks: BrokerCallbacks) -> None:
        inner = callbacks.on_bar

        def on_bar(bar: Bar) -> None:
            self.probe.bar_entered(bar)
            inner(bar)

        super().connect(dataclasses.replace(callbacks, on_bar=on_bar))

    def submit(self, request: OrderRequest, client_order_id: str) -> Order:
        self.probe.order_arrived(request)
        return super().submit(request, client_order_id)


class EveryBar(bt.Strategy):
    """Orders one share on every live bar, buying and selling in turn."""

    params = (("probe", None), ("tag", ""))

    def __init__(self) -> None:
        self.live = False
        self.count = 0

    def notify_data(self, data: Any, status: int, *args: Any, **kwargs: Any) -> None:
        if status == data.LIVE:
            self.live = True

    def next(self) -> None:
        if not self.live:
            return
        self.count += 1
        self.p.probe.trading_on[self.p.tag] = (SYMBOL, self.data.datetime.datetime(0))
        if self.count % 2:
            self.buy(size=1)
        else:
            self.sell(size=1)


def measure(strategies: int, bars: int, folder: Path) -> list[float]:
    """Latencies (seconds) of every counted (bar, strategy) pair with ``strategies`` running."""
    probe = Probe()
    broker = StampedSim(probe, SimSettings(seed=3), [SYMBOL], start=T0, clock="manual")
    with Journal.open(folder / f"journal-{strategies}.sqlite3") as journal:
        session = Session(broker, journal)
        session.start([SYMBOL])
        broker.advance(1)
        runner = StrategyRunner(session, warmup=WARMUP_BARS)
        names = [f"s{i:03d}" for i in range(strategies)]
        try:
            for name in names:
                runner.add(name, EveryBar, [SYMBOL], params={"probe": probe, "tag": name})
                runner.start(name)
            for name in names:
                if not runner.wait_for(name, StrategyState.RUNNING, timeout=WAIT_S):
                    raise RuntimeError(f"{name} did not reach running")
            samples: list[float] = []
            for index in range(SKIPPED_LIVE_BARS + bars):
                seen = len(probe.entered)
                broker.advance(60)
                key = probe.wait_bar(seen)
                if not probe.wait_orders(key, strategies):
                    got = len(probe.latencies.get(key, ()))
                    raise RuntimeError(f"bar {key}: {got} of {strategies} orders arrived")
                if index >= SKIPPED_LIVE_BARS:
                    samples.extend(probe.latencies[key])
        finally:
            runner.stop_all()
            session.stop()
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main(bars: int, counts: list[int]) -> None:
    results: dict[int, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="tick-to-order-") as tmp:
        measure(1, 3, Path(tmp))  # warm-up: imports, caches
        for count in counts:
            started = time.perf_counter()
            samples = measure(count, bars, Path(tmp))
            elapsed = time.perf_counter() - started
            results[count] = (statistics.median(samples), p99(samples), len(samples))
            print(f"  {count:3d} strategies: {len(samples)} orders in {elapsed:.1f} s", flush=True)
    base_p50, base_p99, _ = results[min(results)]
    print(f"Tick to order, {bars} bars per configuration, one symbol, one SimBroker and one Session")
    print(f"{'strategies':>10} {'p50 ms':>9} {'p99 ms':>9} {'ratio p50':>10} {'ratio p99':>10}  target")
    for count, (median, worst, _n) in results.items():
        target = TARGETS_MS.get(count)
        verdict = ""
        if target is not None:
            verdict = f"p99 < {target:g} ms {'met' if worst * 1000 < target else 'NOT met'}"
        print(
            f"{count:>10} {median * 1000:9.2f} {worst * 1000:9.2f} "
            f"{median / base_p50:10.2f} {worst / base_p99:10.2f}  {verdict}"
        )


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(int(arguments[0]) if arguments else 60, [int(a) for a in arguments[1:]] or [1, 10, 100])
