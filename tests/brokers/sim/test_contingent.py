"""Bracket, OCO and OTO orders."""

from decimal import Decimal as D

import pytest

from console.brokers.base import OrderRejected
from console.domain import (
    OrderClass,
    OrderStatus,
    OrderType,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
    TradeEvent,
)


def bracket(sim, qty=10, take=105, stop=95, **fields):
    fields.setdefault("symbol", "AAPL")
    fields.setdefault("side", Side.BUY)
    return sim.submit(
        qty=qty,
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(take)),
        stop_loss=StopLoss(stop_price=D(stop)),
        **fields,
    )


def legs(sim, order):
    take, stop = (sim.order(leg_id) for leg_id in order.leg_ids)
    return take, stop


def test_bracket_exits_are_held_until_the_entry_fills(sim):
    sim.trade("AAPL", 100)
    entry = bracket(sim, type=OrderType.LIMIT, limit_price=99)
    take, stop = legs(sim, entry)
    assert (take.status, stop.status) == (OrderStatus.HELD, OrderStatus.HELD)
    assert take.parent_id == stop.parent_id == entry.id
    assert (take.client_order_id, stop.client_order_id) == ("t.run.1.tp", "t.run.1.sl")
    sim.quote("AAPL", "98.90", "98.95")
    take, stop = legs(sim, entry)
    assert (take.status, stop.status) == (OrderStatus.NEW, OrderStatus.NEW)
    assert sim.events(take.id) == [TradeEvent.HELD, TradeEvent.NEW]


def test_held_exits_do_not_fill_even_when_marketable(sim):
    sim.trade("AAPL", 100)
    entry = bracket(sim, type=OrderType.LIMIT, limit_price=99, take="99.50")
    sim.quote("AAPL", "99.60", "99.70")  # take-profit would be marketable, but the entry has not filled
    take, _stop = legs(sim, entry)
    assert take.status is OrderStatus.HELD


def test_take_profit_fill_cancels_the_stop_loss(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = bracket(sim)
    sim.quote("AAPL", "105.00", "105.02")
    take, stop = legs(sim, entry)
    assert take.status is OrderStatus.FILLED
    assert stop.status is OrderStatus.CANCELED
    assert sim.updates[-1].reason == "the other leg of its one-cancels-other pair filled"
    assert sim.venue.ledger.position_qty("AAPL") == 0


def test_stop_loss_fill_cancels_the_take_profit(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    entry = bracket(sim)
    sim.quote("AAPL", "94.80", "94.82")
    sim.trade("AAPL", "94.90")
    take, stop = legs(sim, entry)
    assert (take.status, stop.status) == (OrderStatus.CANCELED, OrderStatus.FILLED)
    assert sim.fills(stop.id) == [(D(10), D("94.80"))]


def test_partial_exit_fill_cancels_the_sibling_and_keeps_working(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = bracket(sim)
    sim.quote("AAPL", "105.00", "105.02", bid_size=4, ask_size=100)
    take, stop = legs(sim, entry)
    assert (take.status, take.filled_qty, stop.status) == (
        OrderStatus.PARTIALLY_FILLED,
        D(4),
        OrderStatus.CANCELED,
    )


def test_entry_canceled_after_a_partial_fill_releases_exits_for_the_filled_qty(sim):
    sim.trade("AAPL", 100)
    sim.quote("AAPL", "99.99", "100.01", size=4)
    entry = bracket(sim)
    sim.venue.cancel(entry.id)
    take, stop = legs(sim, entry)
    assert (take.status, stop.status) == (OrderStatus.NEW, OrderStatus.NEW)
    assert take.qty == stop.qty == D(4)


def test_entry_canceled_unfilled_cancels_its_exits(sim):
    sim.trade("AAPL", 100)
    entry = bracket(sim, type=OrderType.LIMIT, limit_price=99)
    sim.venue.cancel(entry.id)
    take, stop = legs(sim, entry)
    assert (take.status, stop.status) == (OrderStatus.CANCELED, OrderStatus.CANCELED)
    assert sim.updates[-1].reason == "its entry order canceled unfilled"


def test_canceling_one_exit_cancels_the_other(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = bracket(sim)
    take, stop = legs(sim, entry)
    sim.venue.cancel(stop.id)
    assert sim.order(take.id).status is OrderStatus.CANCELED


def test_bracket_stop_loss_with_a_limit_is_a_stop_limit(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = sim.submit(
        symbol="AAPL",
        side=Side.BUY,
        qty=10,
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(105)),
        stop_loss=StopLoss(stop_price=D(95), limit_price=D(94)),
    )
    _take, stop = legs(sim, entry)
    assert (stop.request.type, stop.request.stop_price, stop.request.limit_price) == (
        OrderType.STOP_LIMIT,
        D(95),
        D(94),
    )


def test_short_bracket_exits_buy_back(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = bracket(sim, side=Side.SELL, take=95, stop=105)
    take, stop = legs(sim, entry)
    assert take.side is Side.BUY and stop.side is Side.BUY
    sim.quote("AAPL", "94.98", "95.00")
    assert sim.order(take.id).status is OrderStatus.FILLED
    assert sim.venue.ledger.position_qty("AAPL") == 0


def test_oto_has_one_exit_released_by_the_entry(sim):
    sim.quote("AAPL", "99.99", "100.01")
    entry = sim.submit(
        symbol="AAPL", side=Side.BUY, qty=10, order_class=OrderClass.OTO, stop_loss=StopLoss(stop_price=D(95))
    )
    (stop_id,) = entry.leg_ids
    assert sim.order(stop_id).status is OrderStatus.NEW  # the entry filled at once
    assert sim.order(stop_id).request.type is OrderType.STOP


def test_oco_legs_are_live_at_once_and_one_cancels_the_other(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    sim.trade("AAPL", 100)
    oco = sim.submit(
        symbol="AAPL",
        side=Side.SELL,
        qty=10,
        type=OrderType.LIMIT,
        order_class=OrderClass.OCO,
        take_profit=TakeProfit(limit_price=D(110)),
        stop_loss=StopLoss(stop_price=D(90)),
    )
    (stop_id,) = oco.leg_ids
    assert (oco.status, sim.order(stop_id).status) == (OrderStatus.NEW, OrderStatus.NEW)
    sim.quote("AAPL", "110.00", "110.02")
    assert sim.order(oco.id).status is OrderStatus.FILLED
    assert sim.order(stop_id).status is OrderStatus.CANCELED


def test_oco_shares_are_held_once_not_twice(make_sim):
    sim = make_sim(allow_short=False)
    sim.quote("AAPL", "99.99", "100.01")
    sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    sim.trade("AAPL", 100)
    sim.submit(
        symbol="AAPL",
        side=Side.SELL,
        qty=10,
        type=OrderType.LIMIT,
        order_class=OrderClass.OCO,
        take_profit=TakeProfit(limit_price=D(110)),
        stop_loss=StopLoss(stop_price=D(90)),
    )
    assert sim.venue.ledger.held_for_orders("AAPL") == D(10)


@pytest.mark.parametrize(
    ("take", "stop", "message"),
    [
        ("100.00", 95, "take_profit.limit_price must be >= base_price + 0.01"),
        (105, "100.00", "stop_loss.stop_price must be <= base_price - 0.01"),
    ],
)
def test_bracket_exits_on_the_wrong_side_of_the_base_price_are_refused(sim, take, stop, message):
    sim.trade("AAPL", 100)
    with pytest.raises(OrderRejected, match=message.replace(".", r"\.").replace("+", r"\+")):
        bracket(sim, take=take, stop=stop)


def test_bracket_with_a_stop_entry_is_refused(sim):
    sim.trade("AAPL", 100)
    with pytest.raises(OrderRejected, match="bracket orders must be market or limit orders"):
        bracket(sim, type=OrderType.STOP, stop_price=101, take=110, stop=90)


def test_bracket_with_ioc_is_refused(sim):
    sim.trade("AAPL", 100)
    with pytest.raises(OrderRejected, match="bracket orders must be DAY or GTC orders"):
        bracket(sim, time_in_force=TimeInForce.IOC)
