"""Option orders (multiplier 100, day only) and multi-leg orders filled at a net price."""

from decimal import Decimal as D

import pytest

from console.brokers.base import OrderRejected
from console.domain import (
    OptionLeg,
    OrderClass,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    TradeEvent,
)

CALL_100 = "AAPL260116C00100000"
CALL_105 = "AAPL260116C00105000"
PUT_95 = "AAPL260116P00095000"
PUT_90 = "AAPL260116P00090000"


@pytest.fixture
def chain(sim):
    sim.option_quote(CALL_100, "2.00", "2.10")
    sim.option_quote(CALL_105, "0.80", "0.90")
    sim.option_quote(PUT_95, "1.50", "1.60")
    sim.option_quote(PUT_90, "0.50", "0.60")
    return sim


def spread(sim, legs, qty=1, limit=None):
    fields = {"type": OrderType.LIMIT, "limit_price": limit} if limit is not None else {}
    return sim.submit(
        qty=qty,
        order_class=OrderClass.MLEG,
        legs=tuple(OptionLeg(symbol=s, side=side, ratio_qty=ratio) for s, side, ratio in legs),
        **fields,
    )


def test_option_buy_fills_at_the_ask_times_the_multiplier(chain):
    order = chain.submit(symbol=CALL_100, side=Side.BUY, qty=2)
    assert chain.fills(order.id) == [(D(2), D("2.10"))]
    fill = next(u.fill for u in chain.updates if u.fill)
    assert (fill.multiplier, fill.notional, fill.fee) == (D(100), D(420), D("1.30"))
    (position,) = chain.venue.positions()
    assert (position.qty, position.multiplier, position.current_price) == (D(2), D(100), D("2.05"))


def test_option_limit_waits_for_the_derived_quote_to_reach_it(chain):
    order = chain.submit(symbol=CALL_100, side=Side.BUY, qty=1, type=OrderType.LIMIT, limit_price="1.90")
    chain.quote("AAPL", 100, "100.02")
    assert chain.fills(order.id) == []
    chain.option_quote(CALL_100, "1.80", "1.88")
    chain.quote("AAPL", "99.50", "99.52")  # the underlying's quote re-prices its options
    assert chain.fills(order.id) == [(D(1), D("1.88"))]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"time_in_force": TimeInForce.GTC},
            "order_time_in_force provided not supported for options trading",
        ),
        ({"qty": D("1.5")}, "qty must be integer"),
        ({"type": OrderType.STOP, "stop_price": D(3)}, "options orders must be market or limit orders"),
    ],
)
def test_option_orders_follow_alpacas_rules(chain, fields, message):
    # OrderRequest refuses the first two itself; the venue must not rely on it (the emulator builds
    # requests from the wire), so build them unvalidated.
    fields = {"symbol": CALL_100, "side": Side.BUY, "qty": D(1), **fields}
    with pytest.raises(OrderRejected, match=message):
        chain.venue.submit(OrderRequest.model_construct(**fields), "c1")


def test_an_unquoted_contract_is_not_tradable(chain):
    with pytest.raises(OrderRejected, match='asset "AAPL260116C00101000" is not tradable'):
        chain.submit(symbol="AAPL260116C00101000", side=Side.BUY, qty=1)


def test_debit_spread_fills_all_legs_at_once_at_the_net_price(chain):
    order = spread(chain, [(CALL_100, Side.BUY, 1), (CALL_105, Side.SELL, 1)], qty=2, limit="1.50")
    parent = chain.order(order.id)
    assert (parent.status, parent.filled_qty, parent.filled_avg_price) == (
        OrderStatus.FILLED,
        D(2),
        D("1.30"),
    )
    long_leg, short_leg = (chain.order(i) for i in order.leg_ids)
    assert chain.fills(long_leg.id) == [(D(2), D("2.10"))]
    assert chain.fills(short_leg.id) == [(D(2), D("0.80"))]
    parent_fill = [u for u in chain.updates if u.order.id == order.id and u.event is TradeEvent.FILL]
    assert parent_fill[0].fill is None  # the executions are the legs' fills
    assert chain.venue.ledger.cash == D(100_000) - D(260) - 4 * D("0.65")


def test_debit_spread_above_its_limit_waits(chain):
    order = spread(chain, [(CALL_100, Side.BUY, 1), (CALL_105, Side.SELL, 1)], limit="1.20")
    assert chain.order(order.id).status is OrderStatus.NEW
    chain.option_quote(CALL_105, "0.95", "1.00")
    chain.quote("AAPL", 100, "100.02")
    assert chain.order(order.id).filled_avg_price == D("1.15")


def test_credit_spread_limit_is_negative_and_fills_at_a_better_credit(chain):
    order = spread(chain, [(PUT_95, Side.SELL, 1), (PUT_90, Side.BUY, 1)], limit="-0.80")
    assert chain.order(order.id).filled_avg_price == D("-0.90")
    assert chain.venue.ledger.cash == D(100_000) + D(90) - 2 * D("0.65")


def test_credit_spread_asking_more_credit_than_the_legs_give_waits(chain):
    order = spread(chain, [(PUT_95, Side.SELL, 1), (PUT_90, Side.BUY, 1)], limit="-1.00")
    assert chain.order(order.id).status is OrderStatus.NEW


def test_ratio_spread_fills_each_leg_times_its_ratio(chain):
    order = spread(chain, [(CALL_100, Side.BUY, 1), (CALL_105, Side.SELL, 2)], qty=3)
    assert chain.order(order.id).filled_avg_price == D("0.50")  # 2.10 - 2 x 0.80
    assert chain.venue.ledger.position_qty(CALL_105) == D(-6)
    assert chain.venue.ledger.position_qty(CALL_100) == D(3)


def test_canceling_a_multi_leg_order_cancels_its_legs(chain):
    order = spread(chain, [(CALL_100, Side.BUY, 1), (CALL_105, Side.SELL, 1)], limit="0.50")
    chain.venue.cancel(order.leg_ids[0])  # a leg cancels the whole order
    assert [chain.order(i).status for i in (order.id, *order.leg_ids)] == [OrderStatus.CANCELED] * 3


def test_legs_of_different_underlyings_are_refused(chain):
    chain.option_quote("MSFT260116C00300000", "5.00", "5.10")
    with pytest.raises(OrderRejected, match="same underlying"):
        spread(chain, [(CALL_100, Side.BUY, 1), ("MSFT260116C00300000", Side.SELL, 1)])
