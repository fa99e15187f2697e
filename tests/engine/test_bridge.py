"""The bridge: Backtrader orders become domain requests, and trade updates become notifications.

Partial fills and replacements are hand-made ``OrderUpdate`` events published on the session's bus for a
resting order at the real sim broker, so their sizes are exact; everything else is the real sim.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import backtrader as bt
import pytest

from console.brokers.sim.broker import SimBroker
from console.domain import Fill, Order, OrderStatus, OrderType, OrderUpdate, TimeInForce, TradeEvent
from console.engine.events import StrategyState
from console.engine.runner import StrategyRunner
from console.journal import Journal
from console.session import Session
from console.settings_schema import SimSettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
WAIT = 10.0


class Seen:
    """Notifications and bars a strategy saw, shared with the test thread."""

    def __init__(self, place: Callable[[Any], Any]) -> None:
        self.place = place
        self.bars = 0
        self.orders: list[tuple[str, float]] = []
        self.changed = threading.Condition()

    def add(self, item: tuple[str, float]) -> None:
        with self.changed:
            self.orders.append(item)
            self.changed.notify_all()

    def wait(self, predicate: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, WAIT), "the strategy thread did not get there"

    @property
    def statuses(self) -> list[str]:
        return [status for status, _ in self.orders]


class PlaceOnce(bt.Strategy):
    """Calls ``seen.place(self)`` on the first live bar; ``seen.place`` may return a follow-up to run next."""

    params = (("seen", None),)

    def __init__(self) -> None:
        self.live = False
        self.then: Callable[[], Any] | None = None

    def notify_data(self, data: Any, status: int, *args: Any, **kwargs: Any) -> None:
        self.live = self.live or status == data.LIVE

    def next(self) -> None:
        seen: Seen = self.p.seen
        if self.live:
            if self.then is not None:
                self.then()
                self.then = None
            elif seen.bars == 0:
                self.then = seen.place(self)
            seen.bars += 1
        with seen.changed:
            seen.changed.notify_all()

    def notify_order(self, order: Any) -> None:
        self.p.seen.add((order.getstatusname(), order.executed.size))


@pytest.fixture
def broker() -> SimBroker:
    return SimBroker(SimSettings(seed=3), ["AAPL"], start=T0, clock="manual")


@pytest.fixture
def session(broker: SimBroker, tmp_path: Path) -> Iterator[Session]:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        session = Session(broker, journal)
        session.start(["AAPL"])
        broker.advance(1)
        yield session
        session.stop()


@pytest.fixture
def run(session: Session, broker: SimBroker) -> Iterator[Callable[[Callable[[Any], Any]], Seen]]:
    runner = StrategyRunner(session, warmup=3, poll_s=0.01)

    def start(place: Callable[[Any], Any]) -> Seen:
        seen = Seen(place)
        runner.add("br", PlaceOnce, ["AAPL"], params={"seen": seen})
        runner.start("br")
        assert runner.wait_for("br", StrategyState.RUNNING, timeout=WAIT)
        broker.advance(60)
        seen.wait(lambda: "Accepted" in seen.statuses or "Rejected" in seen.statuses)
        return seen

    yield start
    runner.stop_all()


def resting(session: Session) -> Order:
    (order,) = [o for o in session.orders() if o.strategy == "br"]
    return order


def fill_update(order: Order, event: TradeEvent, qty: str, price: str, filled: str) -> OrderUpdate:
    status = OrderStatus.FILLED if event is TradeEvent.FILL else OrderStatus.PARTIALLY_FILLED
    fill = Fill(
        order_id=order.id,
        client_order_id=order.client_order_id,
        symbol=order.symbol,
        side=order.side,
        qty=Decimal(qty),
        price=Decimal(price),
    )
    moved = order.model_copy(update={"status": status, "filled_qty": Decimal(filled)})
    return OrderUpdate(event=event, order=moved, fill=fill)


def test_partial_fills_notify_increments_that_sum_to_the_total(run, session):
    seen = run(lambda s: s.buy(size=10, price=1.0, exectype=bt.Order.Limit))
    order = resting(session)
    session.bus.publish(fill_update(order, TradeEvent.PARTIAL_FILL, "3", "1", "3"))
    session.bus.publish(fill_update(order, TradeEvent.PARTIAL_FILL, "4", "1", "7"))
    session.bus.publish(fill_update(order, TradeEvent.FILL, "3", "0.99", "10"))
    seen.wait(lambda: "Completed" in seen.statuses)
    assert seen.statuses == ["Submitted", "Accepted", "Partial", "Partial", "Completed"]
    cumulative = [size for _, size in seen.orders[1:]]
    increments = [later - earlier for earlier, later in itertools.pairwise(cumulative)]
    assert increments == [3, 4, 3]


def test_a_replaced_order_is_followed_to_its_new_id(run, session):
    seen = run(lambda s: s.buy(size=5, price=1.0, exectype=bt.Order.Limit))
    order = resting(session)
    session.bus.publish(
        OrderUpdate(
            event=TradeEvent.REPLACED,
            order=order.model_copy(update={"status": OrderStatus.REPLACED, "replaced_by": "new-id"}),
        )
    )
    replacement = order.model_copy(update={"id": "new-id", "replaces": order.id})
    session.bus.publish(fill_update(replacement, TradeEvent.FILL, "5", "1", "5"))
    seen.wait(lambda: "Completed" in seen.statuses)
    assert seen.statuses == ["Submitted", "Accepted", "Completed"]
    assert seen.orders[-1][1] == 5


def test_cancel_notifies_canceled(run, session, broker):
    def place(strategy: Any) -> Callable[[], Any]:
        order = strategy.buy(size=2, price=1.0, exectype=bt.Order.Limit)
        return lambda: strategy.cancel(order)

    seen = run(place)
    broker.advance(60)
    seen.wait(lambda: "Canceled" in seen.statuses)
    assert seen.statuses == ["Submitted", "Accepted", "Canceled"]
    assert resting(session).status is OrderStatus.CANCELED


def test_stop_limit_sends_the_stop_as_trigger_and_the_limit_as_limit(run, session):
    run(lambda s: s.buy(size=1, price=900.0, plimit=905.0, exectype=bt.Order.StopLimit))
    request = resting(session).request
    assert request.type is OrderType.STOP_LIMIT
    assert (request.stop_price, request.limit_price) == (Decimal(900), Decimal(905))
    assert request.time_in_force is TimeInForce.DAY


def test_an_explicit_time_in_force_is_kept(run, session):
    run(lambda s: s.buy(size=1, price=1.0, exectype=bt.Order.Limit, time_in_force="gtc"))
    assert resting(session).request.time_in_force is TimeInForce.GTC


def test_a_trailing_stop_takes_its_percent(run, session):
    run(lambda s: s.sell(size=1, exectype=bt.Order.StopTrail, trailpercent=0.02))
    request = resting(session).request
    assert (request.type, request.trail_percent) == (OrderType.TRAILING_STOP, Decimal(2))
