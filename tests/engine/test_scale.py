"""100 strategies at once on the sim: each in its own thread and Cerebro, over one session and one broker.

The clock is manual and advanced one minute at a time, each only once every strategy has seen the
previous bar; every wait has a timeout and nothing asserts on timing, so the test is deterministic on a
loaded 2-core machine. It checks that all of them run, that each one's orders reach the broker under its
own tag, and that all stop cleanly (threads joined, none errored).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import backtrader as bt
import pytest

from console.brokers.sim.broker import SimBroker
from console.engine.events import StrategyState
from console.engine.runner import StrategyRunner
from console.journal import Journal
from console.order_ids import tag_of
from console.session import Session
from console.settings_schema import SimSettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
STRATEGIES = 100
WARMUP = 2
LIVE_BARS = 3
WAIT = 60.0  # generous: 100 threads share two cores and one GIL


class Board:
    """What every strategy saw, shared with the test thread."""

    def __init__(self) -> None:
        self.bars: dict[str, int] = {}
        self.filled: dict[str, list[str]] = {}
        self._changed = threading.Condition()

    def bar(self, name: str) -> None:
        with self._changed:
            self.bars[name] = self.bars.get(name, 0) + 1
            self._changed.notify_all()

    def fill(self, name: str, client_order_id: str) -> None:
        with self._changed:
            self.filled.setdefault(name, []).append(client_order_id)
            self._changed.notify_all()

    def wait(self, predicate: Callable[[], bool], what: str) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, WAIT), f"timed out waiting for {what}"


class Alternate(bt.Strategy):
    """Buys one share on odd live bars and sells it on even ones."""

    params = (("board", None), ("tag", ""))

    def __init__(self) -> None:
        self.live = False
        self.count = 0

    def notify_data(self, data: Any, status: int, *args: Any, **kwargs: Any) -> None:
        if status == data.LIVE:
            self.live = True

    def next(self) -> None:
        if self.live:
            self.count += 1
            if self.count % 2:
                self.buy(size=1)
            else:
                self.sell(size=1)
        self.p.board.bar(self.p.tag)

    def notify_order(self, order: Any) -> None:
        if order.status == order.Completed:
            self.p.board.fill(self.p.tag, order.info["client_order_id"])


@pytest.fixture
def broker() -> SimBroker:
    return SimBroker(SimSettings(seed=5), ["AAPL"], start=T0, clock="manual")


@pytest.fixture
def session(broker: SimBroker, tmp_path: Path) -> Iterator[Session]:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        session = Session(broker, journal)
        session.start(["AAPL"])
        broker.advance(1)
        yield session
        session.stop()


@pytest.fixture
def runner(session: Session) -> Iterator[StrategyRunner]:
    runner = StrategyRunner(session, warmup=WARMUP)
    yield runner
    runner.stop_all()  # a no-op once the test has stopped them


def alive_threads(names: list[str]) -> list[str]:
    wanted = {f"strategy-{name}" for name in names}
    return [t.name for t in threading.enumerate() if t.name in wanted]


def test_a_hundred_strategies_run_trade_under_their_own_tags_and_stop_cleanly(runner, broker, session):
    board = Board()
    names = [f"s{i:03d}" for i in range(STRATEGIES)]
    for name in names:
        runner.add(name, Alternate, ["AAPL"], params={"board": board, "tag": name})
        runner.start(name)
    for name in names:
        assert runner.wait_for(name, StrategyState.RUNNING, timeout=WAIT), f"{name} did not start"
    board.wait(lambda: all(board.bars.get(n, 0) == WARMUP for n in names), "the warm-up bars")

    for minute in range(1, LIVE_BARS + 1):
        broker.advance(60)
        seen = WARMUP + minute
        board.wait(lambda seen=seen: all(board.bars.get(n, 0) == seen for n in names), f"live bar {minute}")
    board.wait(lambda: all(len(board.filled.get(n, ())) == LIVE_BARS for n in names), "every fill")

    assert {runner.state(n) for n in names} == {StrategyState.RUNNING}
    orders = broker.orders("all")
    assert len(orders) == STRATEGIES * LIVE_BARS
    by_tag: dict[str, list[str]] = {}
    for order in orders:
        assert order.client_order_id.startswith(f"{order.strategy}.")
        by_tag.setdefault(tag_of(order.client_order_id) or "", []).append(order.client_order_id)
    assert sorted(by_tag) == names
    for name in names:
        assert sorted(by_tag[name]) == sorted(board.filled[name])  # each fill went to its own strategy

    runner.stop_all()
    assert alive_threads(names) == []
    states = {runner.state(n) for n in names}
    assert states == {StrategyState.STOPPED}
    assert broker.orders("open") == []
