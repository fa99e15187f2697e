"""Partial fills limited by the displayed size, time priority, notional and fractional orders."""

from decimal import Decimal as D

import pytest

from console.brokers.base import OrderRejected
from console.domain import OrderClass, OrderStatus, OrderType, Side, StopLoss, TakeProfit, TimeInForce


def test_a_market_order_takes_at_most_the_displayed_size_per_quote(sim):
    sim.quote("AAPL", 100, "100.02", size=40)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=100)
    assert order.status is OrderStatus.PARTIALLY_FILLED
    sim.quote("AAPL", 100, "100.03", size=40)
    sim.quote("AAPL", 100, "100.04", size=40)
    assert sim.fills(order.id) == [(D(40), D("100.02")), (D(40), D("100.03")), (D(20), D("100.04"))]
    assert sim.order(order.id).status is OrderStatus.FILLED


def test_orders_share_one_quote_in_time_priority(sim):
    sim.prices.references["AAPL"] = D(100)
    first = sim.submit(symbol="AAPL", side=Side.BUY, qty=30)
    second = sim.submit(symbol="AAPL", side=Side.BUY, qty=30)
    sim.quote("AAPL", 100, "100.02", size=50)
    assert sim.fills(first.id) == [(D(30), D("100.02"))]
    assert sim.fills(second.id) == [(D(20), D("100.02"))]


def test_a_new_order_gets_only_what_earlier_orders_left_of_the_quote(sim):
    sim.quote("AAPL", 100, "100.02", size=50)
    sim.submit(symbol="AAPL", side=Side.BUY, qty=45)
    late = sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    assert sim.fills(late.id) == [(D(5), D("100.02"))]


def test_buys_and_sells_take_opposite_sides_of_the_quote_independently(sim):
    sim.quote("AAPL", 100, "100.02", bid_size=10, ask_size=20)
    buy = sim.submit(symbol="AAPL", side=Side.BUY, qty=50)
    sell = sim.submit(symbol="AAPL", side=Side.SELL, qty=50)
    assert sim.order(buy.id).filled_qty == D(20)
    assert sim.order(sell.id).filled_qty == D(10)


def test_notional_buy_resolves_its_quantity_at_the_fill_price(sim):
    sim.quote("AAPL", "149.98", 150)
    order = sim.submit(symbol="AAPL", side=Side.BUY, notional=1000)
    assert sim.order(order.id).status is OrderStatus.FILLED
    ((qty, price),) = sim.fills(order.id)
    assert (qty, price) == (D("6.666666666"), D(150))
    assert sim.venue.account().buying_power > 0


def test_notional_order_partly_filled_keeps_its_resolved_quantity(sim):
    sim.quote("AAPL", "99.98", 100, size=3)
    order = sim.submit(symbol="AAPL", side=Side.BUY, notional=1000)
    sim.quote("AAPL", "109.98", 110, size=100)
    assert sim.fills(order.id) == [(D(3), D(100)), (D(7), D(110))]


def test_fractional_qty_market_day_order_is_accepted(sim):
    sim.quote("AAPL", 100, "100.02")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty="0.5")
    assert sim.fills(order.id) == [(D("0.5"), D("100.02"))]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"qty": "0.5", "time_in_force": TimeInForce.GTC}, "fractional orders must be DAY orders"),
        ({"notional": 100, "time_in_force": TimeInForce.GTC}, "fractional orders must be DAY orders"),
        (
            {"qty": "0.5", "type": OrderType.STOP, "stop_price": 120},
            "fractional orders must be market or limit orders",
        ),
        ({"notional": "0.5"}, "notional must be at least 1"),
    ],
)
def test_fractional_rules_follow_alpaca(sim, fields, message):
    sim.quote("AAPL", 100, "100.02")
    with pytest.raises(OrderRejected, match=message):
        sim.submit(symbol="AAPL", side=Side.BUY, **fields)


def test_fractional_bracket_is_refused(sim):
    sim.trade("AAPL", 100)
    with pytest.raises(OrderRejected, match="fractional orders must be simple orders"):
        sim.submit(
            symbol="AAPL",
            side=Side.BUY,
            qty="1.5",
            order_class=OrderClass.BRACKET,
            take_profit=TakeProfit(limit_price=D(110)),
            stop_loss=StopLoss(stop_price=D(90)),
        )


def test_fractional_sale_beyond_the_position_is_never_a_short(sim):
    sim.quote("AAPL", 100, "100.02")
    sim.submit(symbol="AAPL", side=Side.BUY, qty="0.5")
    with pytest.raises(OrderRejected, match="fractional orders are not allowed to short"):
        sim.submit(symbol="AAPL", side=Side.SELL, qty="0.75")


def test_fractional_sale_of_the_whole_position_is_accepted(sim):
    sim.quote("AAPL", 100, "100.02")
    sim.submit(symbol="AAPL", side=Side.BUY, qty="0.5")
    sim.submit(symbol="AAPL", side=Side.SELL, qty="0.5")
    assert sim.venue.ledger.position_qty("AAPL") == 0
