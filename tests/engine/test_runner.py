"""The runner: an unmodified Backtrader strategy trades live over the session, one thread per strategy.

Every test drives a real ``SimBroker`` on a manual clock one minute at a time and waits (with a timeout)
until the strategy thread has seen that bar, so nothing depends on timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import backtrader as bt
import pytest

from console.brokers.sim.broker import SimBroker
from console.domain import OrderRequest
from console.engine.events import StrategyState, StrategyStateChanged
from console.engine.runner import StrategyRunner
from console.journal import Journal, JournalKind
from console.order_ids import tag_of
from console.risk.gate import RiskDecision
from console.session import Session
from console.settings_schema import SimSettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
WAIT = 10.0


class Record:
    """What a strategy saw, shared with the test thread."""

    def __init__(self) -> None:
        self.bars: list[datetime] = []
        self.orders: list[tuple[str, float, float, Any]] = []
        self.trades: list[float] = []
        self.live_bars = 0
        self._changed = threading.Condition()

    def add(self, target: list[Any], item: Any) -> None:
        with self._changed:
            target.append(item)
            self._changed.notify_all()

    def wait(self, predicate: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, WAIT), "the strategy thread did not get there"


class BuySell(bt.Strategy):
    """Buys ``size`` on the 2nd live bar and sells it on the 5th (an ordinary Backtrader strategy)."""

    params = (("record", None), ("size", 10), ("buy_on", 2), ("sell_on", 5), ("fail_on", 0))

    def __init__(self) -> None:
        self.live = False

    def notify_data(self, data: Any, status: int, *args: Any, **kwargs: Any) -> None:
        if status == data.LIVE:
            self.live = True

    def next(self) -> None:
        record: Record = self.p.record
        if self.live:
            record.live_bars += 1
            if record.live_bars == self.p.fail_on:
                raise RuntimeError("strategy bug")
            if record.live_bars == self.p.buy_on:
                self.buy(size=self.p.size)
            if record.live_bars == self.p.sell_on:
                self.sell(size=self.p.size)
        record.add(record.bars, self.data.datetime.datetime(0))

    def notify_order(self, order: Any) -> None:
        item = (order.getstatusname(), order.executed.size, order.executed.price, order.info)
        self.p.record.add(self.p.record.orders, item)

    def notify_trade(self, trade: Any) -> None:
        if trade.isclosed:
            self.p.record.add(self.p.record.trades, trade.pnl)


class DenyAbove:
    """A gate refusing orders above ``limit`` shares."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def check(self, request: OrderRequest) -> RiskDecision:
        if request.qty is not None and request.qty > self.limit:
            return RiskDecision.deny("max_order_qty", f"quantity {request.qty} exceeds {self.limit}")
        return RiskDecision.approve()


@pytest.fixture
def broker() -> SimBroker:
    return SimBroker(SimSettings(seed=3), ["AAPL", "MSFT"], start=T0, clock="manual")


@pytest.fixture
def session(broker: SimBroker, tmp_path: Path) -> Iterator[Session]:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        session = Session(broker, journal, gate=DenyAbove(1000))
        session.start(["AAPL", "MSFT"])
        broker.advance(1)
        yield session
        session.stop()


@pytest.fixture
def runner(session: Session) -> Iterator[StrategyRunner]:
    runner = StrategyRunner(session, warmup=5, poll_s=0.01)
    yield runner
    runner.stop_all()


def minutes(broker: SimBroker, record: Record, count: int) -> None:
    """Advance ``count`` minutes, each only once the strategy has seen the previous bar."""
    for _ in range(count):
        seen = len(record.bars)
        broker.advance(60)
        record.wait(lambda seen=seen: len(record.bars) > seen)


def started(runner: StrategyRunner, name: str, record: Record, **params: Any) -> None:
    runner.add(name, BuySell, ["AAPL"], params={"record": record, **params})
    runner.start(name)
    assert runner.wait_for(name, StrategyState.RUNNING, timeout=WAIT)
    record.wait(lambda: len(record.bars) == 5)  # the warm-up


def statuses(record: Record) -> list[str]:
    return [status for status, *_ in record.orders]


def test_a_round_trip_notifies_submitted_accepted_completed_and_a_trade(runner, broker, session):
    record = Record()
    started(runner, "rt", record)
    minutes(broker, record, 5)
    record.wait(lambda: len(record.trades) == 1)
    assert statuses(record) == ["Submitted", "Accepted", "Completed"] * 2
    fills = [o for o in session.orders() if o.strategy == "rt"]
    buy, sell = sorted(fills, key=lambda o: o.created_at)
    completed = [item for item in record.orders if item[0] == "Completed"]
    assert completed[0][1] == 10 and completed[0][2] == pytest.approx(float(buy.filled_avg_price))
    assert completed[1][1] == -10 and completed[1][2] == pytest.approx(float(sell.filled_avg_price))
    expected = (sell.filled_avg_price - buy.filled_avg_price) * 10
    assert record.trades[0] == pytest.approx(float(expected))


def test_orders_carry_the_strategy_tag(runner, broker, session):
    record = Record()
    started(runner, "tagged", record)
    minutes(broker, record, 2)
    record.wait(lambda: "Completed" in statuses(record))
    (order,) = [o for o in session.orders()]
    assert tag_of(order.client_order_id) == "tagged"
    assert order.strategy == "tagged"


def test_fractional_sizes_reach_the_broker(runner, broker, session):
    record = Record()
    started(runner, "frac", record, size=0.5)
    minutes(broker, record, 2)
    record.wait(lambda: "Completed" in statuses(record))
    assert {p.symbol: p.qty for p in session.positions()} == {"AAPL": Decimal("0.5")}


def test_a_risk_refusal_is_rejected_with_the_reason(runner, broker, session):
    record = Record()
    started(runner, "big", record, size=5000)
    minutes(broker, record, 2)
    record.wait(lambda: "Rejected" in statuses(record))
    assert statuses(record) == ["Submitted", "Rejected"]
    assert "exceeds 1000" in record.orders[-1][3]["reject_reason"]


def test_warm_up_then_live_bars_are_consecutive_minutes(runner, broker):
    record = Record()
    started(runner, "join", record, buy_on=0, sell_on=0)
    minutes(broker, record, 4)
    steps = {later - earlier for earlier, later in zip(record.bars, record.bars[1:], strict=False)}
    assert steps == {timedelta(minutes=1)}
    assert len(record.bars) == 9


def test_a_crash_marks_one_strategy_errored_and_the_other_keeps_running(runner, broker, session):
    good, bad = Record(), Record()
    events: list[StrategyStateChanged] = []
    session.bus.subscribe(StrategyStateChanged, events.append)
    started(runner, "good", good, buy_on=0, sell_on=0)
    started(runner, "bad", bad, buy_on=0, sell_on=0, fail_on=1)
    broker.advance(60)
    assert runner.wait_for("bad", StrategyState.ERRORED, timeout=WAIT)
    good.wait(lambda: len(good.bars) == 6)
    minutes(broker, good, 2)
    assert runner.state("good") is StrategyState.RUNNING
    errors = session.journal.query(kinds=[JournalKind.ERROR], strategy="bad")
    assert "strategy bug" in errors[-1].payload["traceback"]
    assert any(e.name == "bad" and e.state is StrategyState.ERRORED for e in events)


def test_paused_strategy_runs_but_sends_no_orders(runner, broker, session):
    record = Record()
    started(runner, "paused", record)
    runner.pause("paused")
    assert runner.state("paused") is StrategyState.PAUSED
    minutes(broker, record, 2)
    record.wait(lambda: "Rejected" in statuses(record))
    assert session.orders() == []
    runner.resume("paused")
    assert runner.state("paused") is StrategyState.RUNNING


def test_stop_cancels_working_orders_and_can_flatten(runner, broker, session):
    record = Record()
    started(runner, "stopper", record, sell_on=0)
    minutes(broker, record, 2)
    record.wait(lambda: "Completed" in statuses(record))
    resting = OrderRequest(
        symbol="AAPL", type="limit", qty=Decimal(1), limit_price=Decimal(1), strategy="stopper"
    )
    assert session.submit(resting).accepted
    runner.stop("stopper", flatten=True)
    assert runner.state("stopper") is StrategyState.STOPPED
    assert [o for o in broker.orders("open")] == []
    assert {p.symbol: p.qty for p in session.positions()} == {}
