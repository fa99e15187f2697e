"""Time in force: day, gtc, ioc, fok, opg and cls, on the always-open and NYSE calendars."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from console.brokers.base import OrderRejected
from console.domain import OrderStatus, OrderType, Side, TimeInForce, TradeEvent

PRE_OPEN = datetime(2026, 1, 5, 13, 0, tzinfo=UTC)
"""Monday 8:00 New York: before the NYSE open."""
HOURS = 3600


def rest_limit(sim, tif=TimeInForce.DAY, symbol="AAPL"):
    return sim.submit(
        symbol=symbol, side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price=90, time_in_force=tif
    )


def test_day_order_expires_at_new_york_midnight_on_the_always_calendar(sim):
    sim.quote("AAPL", 100, "100.02")
    order = rest_limit(sim)
    sim.wait(13 * HOURS)  # 23:00 New York
    assert sim.order(order.id).status is OrderStatus.NEW
    sim.wait(1.5 * HOURS)
    expired = sim.updates[-1]
    assert (expired.event, expired.order.status) == (TradeEvent.EXPIRED, OrderStatus.EXPIRED)
    assert expired.reason == "day order expired at the close"


def test_day_order_expires_at_the_nyse_close(make_sim):
    sim = make_sim(calendar="nyse")
    sim.quote("AAPL", 100, "100.02")
    order = rest_limit(sim)
    sim.wait(5.9 * HOURS)  # 15:54
    assert sim.order(order.id).status is OrderStatus.NEW
    sim.wait(0.2 * HOURS)
    assert sim.order(order.id).status is OrderStatus.EXPIRED


def test_gtc_order_survives_the_close(make_sim):
    sim = make_sim(calendar="nyse")
    sim.quote("AAPL", 100, "100.02")
    order = rest_limit(sim, TimeInForce.GTC)
    sim.wait(30 * HOURS)
    assert sim.order(order.id).status is OrderStatus.NEW


def test_nyse_orders_wait_for_the_open_and_then_match(make_sim):
    sim = make_sim(calendar="nyse", start=PRE_OPEN)
    sim.quote("AAPL", 100, "100.02")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    assert order.status is OrderStatus.NEW
    sim.wait(1.6 * HOURS)  # 9:36
    sim.quote("AAPL", 101, "101.02")
    assert sim.fills(order.id) == [(D(10), D("101.02"))]


def test_ioc_fills_what_the_quote_shows_and_cancels_the_rest(sim):
    sim.quote("AAPL", 100, "100.02", size=30)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=50, time_in_force=TimeInForce.IOC)
    assert sim.events(order.id) == [TradeEvent.NEW, TradeEvent.PARTIAL_FILL, TradeEvent.CANCELED]
    assert sim.order(order.id).filled_qty == D(30)
    assert sim.order(order.id).status is OrderStatus.CANCELED


def test_ioc_limit_away_from_the_market_is_canceled_at_once(sim):
    sim.quote("AAPL", 100, "100.02")
    order = rest_limit(sim, TimeInForce.IOC)
    assert sim.events(order.id) == [TradeEvent.NEW, TradeEvent.CANCELED]


def test_fok_that_the_quote_cannot_fill_whole_is_canceled_without_a_fill(sim):
    sim.quote("AAPL", 100, "100.02", size=30)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=50, time_in_force=TimeInForce.FOK)
    assert sim.events(order.id) == [TradeEvent.NEW, TradeEvent.CANCELED]
    assert sim.order(order.id).filled_qty == 0


def test_fok_that_the_quote_can_fill_fills_whole(sim):
    sim.quote("AAPL", 100, "100.02", size=60)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=50, time_in_force=TimeInForce.FOK)
    assert sim.events(order.id) == [TradeEvent.NEW, TradeEvent.FILL]


def test_ioc_and_fok_take_only_market_and_limit_orders(sim):
    sim.quote("AAPL", 100, "100.02")
    sim.trade("AAPL", 100)
    with pytest.raises(OrderRejected, match="ioc orders must be market or limit orders"):
        sim.submit(
            symbol="AAPL", side=Side.SELL, qty=1, type=OrderType.STOP, stop_price=90, time_in_force="ioc"
        )


def test_opg_on_the_always_calendar_fills_whole_at_the_next_trade(sim):
    sim.quote("AAPL", 100, "100.02", size=5)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=500, time_in_force=TimeInForce.OPG)
    sim.quote("AAPL", 99, "99.02", size=5)
    assert sim.fills(order.id) == []  # quotes do not run an auction
    sim.trade("AAPL", "99.01")
    assert sim.fills(order.id) == [(D(500), D("99.01"))]


def test_opg_limit_missed_by_the_auction_price_is_canceled(sim):
    order = sim.submit(
        symbol="AAPL", side=Side.BUY, qty=5, type=OrderType.LIMIT, limit_price=98, time_in_force="opg"
    )
    sim.trade("AAPL", "99.01")
    last = sim.updates[-1]
    assert (last.order.id, last.event) == (order.id, TradeEvent.CANCELED)
    assert "did not reach the limit" in last.reason


def test_cls_on_the_always_calendar_fills_at_the_next_trade(sim):
    sim.trade("AAPL", 101)
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=5, time_in_force=TimeInForce.CLS)
    sim.trade("AAPL", "101.50")
    assert sim.fills(order.id) == [(D(5), D("101.50"))]


def test_nyse_opg_fills_at_the_first_trade_after_the_open(make_sim):
    sim = make_sim(calendar="nyse", start=PRE_OPEN)
    sim.trade("AAPL", 100)  # pre-market print: no auction yet
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, time_in_force=TimeInForce.OPG)
    sim.trade("AAPL", 100)
    assert sim.fills(order.id) == []
    sim.wait(1.5 * HOURS)  # 9:30
    sim.trade("AAPL", "100.40")
    assert sim.fills(order.id) == [(D(10), D("100.40"))]


def test_nyse_opg_is_refused_while_the_market_is_open(make_sim):
    sim = make_sim(calendar="nyse")
    with pytest.raises(OrderRejected, match="opg orders are not accepted while the market is open"):
        sim.submit(symbol="AAPL", side=Side.BUY, qty=10, time_in_force=TimeInForce.OPG)


def test_nyse_cls_fills_at_the_last_trade_before_the_close(make_sim):
    sim = make_sim(calendar="nyse")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, time_in_force=TimeInForce.CLS)
    sim.trade("AAPL", "100.10")
    sim.trade("AAPL", "100.20")
    assert sim.fills(order.id) == []
    sim.wait(6.5 * HOURS)
    assert sim.fills(order.id) == [(D(10), D("100.20"))]


def test_nyse_opg_without_any_trade_all_day_is_canceled_at_the_close(make_sim):
    sim = make_sim(calendar="nyse", start=PRE_OPEN)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, time_in_force=TimeInForce.OPG)
    sim.wait(9 * HOURS)
    assert sim.order(order.id).status is OrderStatus.CANCELED
