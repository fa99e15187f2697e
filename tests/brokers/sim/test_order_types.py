"""Each order type fills where and when it should."""

from decimal import Decimal as D

from console.domain import OrderStatus, OrderType, Side, TradeEvent


def test_market_buy_fills_at_the_ask(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    assert order.status is OrderStatus.FILLED
    assert sim.fills(order.id) == [(D(10), D("100.01"))]


def test_market_sell_fills_at_the_bid(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=10)
    assert sim.fills(order.id) == [(D(10), D("99.99"))]


def test_market_order_without_a_quote_waits_for_the_first_one(sim):
    sim.prices.references["AAPL"] = D(100)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    assert order.status is OrderStatus.NEW
    sim.quote("AAPL", "100.00", "100.02")
    assert sim.order(order.id).status is OrderStatus.FILLED
    assert sim.fills(order.id) == [(D(10), D("100.02"))]


def test_buy_limit_below_the_ask_rests(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price="99.50")
    assert order.status is OrderStatus.NEW
    assert sim.fills(order.id) == []


def test_buy_limit_fills_when_the_ask_comes_down_to_it(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price="99.50")
    sim.quote("AAPL", "99.40", "99.45")
    assert sim.fills(order.id) == [(D(10), D("99.45"))]


def test_marketable_limit_fills_at_the_better_quote_not_the_limit(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price="101")
    assert sim.fills(order.id) == [(D(10), D("100.01"))]


def test_sell_limit_fills_at_the_bid_when_it_reaches_the_limit(sim):
    sim.quote("AAPL", "99.99", "100.01")
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=5, type=OrderType.LIMIT, limit_price="100.50")
    sim.quote("AAPL", "100.49", "100.51")
    assert sim.fills(order.id) == []
    sim.quote("AAPL", "100.60", "100.62")
    assert sim.fills(order.id) == [(D(5), D("100.60"))]


def test_sell_stop_ignores_quotes_and_triggers_on_a_trade_at_the_stop(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=10, type=OrderType.STOP, stop_price=95)
    sim.quote("AAPL", "94.00", "94.02")
    assert sim.fills(order.id) == []
    sim.trade("AAPL", "95.00")
    assert sim.fills(order.id) == [(D(10), D("94.00"))]


def test_buy_stop_triggers_on_a_trade_above_the_stop_then_pays_the_ask(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.STOP, stop_price=102)
    sim.trade("AAPL", "101.99")
    assert sim.fills(order.id) == []
    sim.quote("AAPL", "102.10", "102.12")
    sim.trade("AAPL", "102.11")
    assert sim.fills(order.id) == [(D(10), D("102.12"))]


def test_stop_limit_acts_as_a_limit_after_its_trigger(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(
        symbol="AAPL", side=Side.SELL, qty=10, type=OrderType.STOP_LIMIT, stop_price=95, limit_price=94
    )
    sim.quote("AAPL", "93.00", "93.02")
    sim.trade("AAPL", 93)
    assert sim.fills(order.id) == []  # triggered, but the bid is below the limit
    sim.quote("AAPL", "94.50", "94.52")
    assert sim.fills(order.id) == [(D(10), D("94.50"))]


def test_trailing_stop_by_price_follows_the_high_and_triggers_on_the_pullback(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=10, type=OrderType.TRAILING_STOP, trail_price=2)
    for price in ("101", "104", "103", "102.50"):
        sim.trade("AAPL", price)
    assert sim.fills(order.id) == []  # high 104, stop 102
    sim.quote("AAPL", "101.90", "101.92")
    sim.trade("AAPL", "102.00")
    assert sim.fills(order.id) == [(D(10), D("101.90"))]


def test_trailing_stop_by_percent_for_a_buy_follows_the_low(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.TRAILING_STOP, trail_percent=5)
    sim.trade("AAPL", 90)  # low 90: stop 94.5
    sim.trade("AAPL", "94.49")
    assert sim.fills(order.id) == []
    sim.quote("AAPL", "94.50", "94.55")
    sim.trade("AAPL", "94.50")
    assert sim.fills(order.id) == [(D(10), D("94.55"))]


def test_trailing_stop_water_mark_never_moves_against_the_order(sim):
    sim.quote("AAPL", "99.99", "100.01")
    sim.trade("AAPL", 100)
    order = sim.submit(symbol="AAPL", side=Side.SELL, qty=10, type=OrderType.TRAILING_STOP, trail_price=5)
    working = sim.venue.book.get(order.id)
    sim.trade("AAPL", 99)
    assert working.water_mark == D(100)
    sim.trade("AAPL", 103)
    assert working.water_mark == D(103)


def test_every_fill_event_carries_the_increment_and_the_position_after_it(sim):
    sim.quote("AAPL", "99.99", "100.01", size=30)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=50)
    sim.quote("AAPL", "99.99", "100.02", size=30)
    fills = [u for u in sim.updates if u.order.id == order.id and u.fill]
    assert [(u.event, u.fill.qty, u.position_qty) for u in fills] == [
        (TradeEvent.PARTIAL_FILL, D(30), D(30)),
        (TradeEvent.FILL, D(20), D(50)),
    ]
    assert sim.order(order.id).filled_avg_price == (30 * D("100.01") + 20 * D("100.02")) / 50
