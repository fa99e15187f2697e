"""Cancel, cancel all and replace."""

from decimal import Decimal as D

import pytest

from console.brokers.base import BrokerError, OrderChanges, OrderNotFound
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


def resting(sim, qty=10, limit=90, **fields):
    fields.setdefault("symbol", "AAPL")
    fields.setdefault("side", Side.BUY)
    return sim.submit(qty=qty, type=OrderType.LIMIT, limit_price=limit, **fields)


def test_cancel_ends_the_order_with_a_reason(sim):
    sim.quote("AAPL", 100, "100.02")
    order = resting(sim)
    sim.venue.cancel(order.id)
    last = sim.updates[-1]
    assert (last.event, last.order.status, last.reason) == (
        TradeEvent.CANCELED,
        OrderStatus.CANCELED,
        "canceled on request",
    )


def test_cancel_of_an_unknown_order_raises_not_found(sim):
    with pytest.raises(OrderNotFound, match="order not found"):
        sim.venue.cancel("00000000-0000-4000-8000-000000000000")


def test_cancel_of_a_filled_order_is_refused(sim):
    sim.quote("AAPL", 100, "100.02")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=1)
    with pytest.raises(BrokerError, match='order is already in "filled" state'):
        sim.venue.cancel(order.id)


def test_cancel_keeps_what_already_filled(sim):
    sim.quote("AAPL", 100, "100.02", size=3)
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10)
    sim.venue.cancel(order.id)
    assert (sim.order(order.id).status, sim.order(order.id).filled_qty) == (OrderStatus.CANCELED, D(3))


def test_cancel_all_ends_every_working_order_once(sim):
    sim.quote("AAPL", 100, "100.02")
    sim.trade("AAPL", 100)
    orders = [resting(sim), resting(sim, side=Side.SELL, limit=110)]
    bracket = sim.submit(
        symbol="AAPL",
        side=Side.BUY,
        qty=5,
        type=OrderType.LIMIT,
        limit_price=95,
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(105)),
        stop_loss=StopLoss(stop_price=D(90)),
    )
    asked = sim.venue.cancel_all()
    assert set(asked) == {o.id for o in orders} | {bracket.id, *bracket.leg_ids}
    assert sim.venue.orders("open") == []
    for order_id in asked:
        terminal = [e for e in sim.events(order_id) if e in (TradeEvent.CANCELED, TradeEvent.FILL)]
        assert terminal == [TradeEvent.CANCELED]


def test_replace_answers_replaced_on_the_old_order_and_new_on_the_new_one(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    new = sim.venue.replace(old.id, OrderChanges(limit_price=D(91)))
    assert new.id != old.id
    assert (new.replaces, new.request.limit_price, new.status) == (old.id, D(91), OrderStatus.NEW)
    assert new.client_order_id == f"{old.client_order_id}.r1"
    replaced = sim.order(old.id)
    assert (replaced.status, replaced.replaced_by) == (OrderStatus.REPLACED, new.id)
    assert [(u.event, u.order.id) for u in sim.updates[-2:]] == [
        (TradeEvent.REPLACED, old.id),
        (TradeEvent.NEW, new.id),
    ]


def test_replace_chain_numbers_client_ids(sim):
    sim.quote("AAPL", 100, "100.02")
    first = resting(sim)
    second = sim.venue.replace(first.id, OrderChanges(limit_price=D(91)))
    third = sim.venue.replace(second.id, OrderChanges(limit_price=D(92)))
    assert third.client_order_id == f"{first.client_order_id}.r2"


def test_replace_of_a_partly_filled_order_never_loses_the_filled_qty(sim):
    sim.quote("AAPL", 100, "100.02", size=4)
    old = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price="100.02")
    new = sim.venue.replace(old.id, OrderChanges(qty=D(12), limit_price=D(99)))
    assert sim.order(old.id).filled_qty == D(4)
    assert new.qty == D(8)  # the new total 12, less the 4 the old order filled
    assert sim.venue.ledger.position_qty("AAPL") == D(4)


def test_replace_qty_must_exceed_what_filled(sim):
    sim.quote("AAPL", 100, "100.02", size=4)
    old = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price="100.02")
    with pytest.raises(BrokerError, match="qty must be greater than the filled qty"):
        sim.venue.replace(old.id, OrderChanges(qty=D(4)))
    assert sim.order(old.id).status is OrderStatus.PARTIALLY_FILLED


def test_replace_that_becomes_marketable_fills_at_once(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    new = sim.venue.replace(old.id, OrderChanges(limit_price=D(101)))
    assert new.status is OrderStatus.FILLED
    assert sim.fills(new.id) == [(D(10), D("100.02"))]


def test_replace_can_change_the_time_in_force(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    new = sim.venue.replace(old.id, OrderChanges(time_in_force=TimeInForce.GTC))
    assert new.request.time_in_force is TimeInForce.GTC


def test_replace_of_a_trailing_stop_changes_its_trail_and_keeps_its_water_mark(sim):
    sim.quote("AAPL", 100, "100.02")
    sim.trade("AAPL", 100)
    old = sim.submit(symbol="AAPL", side=Side.SELL, qty=5, type=OrderType.TRAILING_STOP, trail_percent=5)
    sim.trade("AAPL", 110)
    new = sim.venue.replace(old.id, OrderChanges(trail=D(2)))
    assert new.request.trail_percent == D(2)
    assert sim.venue.book.get(new.id).water_mark == D(110)


def test_replace_refuses_a_change_the_type_does_not_have(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    with pytest.raises(BrokerError, match="a limit order has no stop price to change"):
        sim.venue.replace(old.id, OrderChanges(stop_price=D(95)))


def test_replace_of_an_ended_order_is_refused(sim):
    sim.quote("AAPL", 100, "100.02")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=1)
    with pytest.raises(BrokerError, match="unable to replace order in current state"):
        sim.venue.replace(order.id, OrderChanges(qty=D(2)))


def test_replace_of_a_held_bracket_stop_keeps_it_held_and_in_the_group(sim):
    sim.trade("AAPL", 100)
    entry = sim.submit(
        symbol="AAPL",
        side=Side.BUY,
        qty=5,
        type=OrderType.LIMIT,
        limit_price=99,
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(105)),
        stop_loss=StopLoss(stop_price=D(90)),
    )
    take_id, stop_id = entry.leg_ids
    new_stop = sim.venue.replace(stop_id, OrderChanges(stop_price=D(92)))
    assert (new_stop.status, new_stop.parent_id) == (OrderStatus.HELD, entry.id)
    sim.quote("AAPL", "98.90", "98.95")  # the entry fills: both current exits go live
    assert sim.order(new_stop.id).status is OrderStatus.NEW
    sim.quote("AAPL", 105, "105.02")  # take-profit fills and cancels the replacement stop
    assert sim.order(take_id).status is OrderStatus.FILLED
    assert sim.order(new_stop.id).status is OrderStatus.CANCELED


def test_replace_refused_for_buying_power_leaves_the_old_order_working(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    with pytest.raises(BrokerError, match="insufficient buying power"):
        sim.venue.replace(old.id, OrderChanges(qty=D(100_000)))
    assert sim.order(old.id).status is OrderStatus.NEW
    assert sim.venue.ledger.commitment(old.id)[0] == D(900)


def test_replace_cannot_move_an_order_into_an_auction(sim):
    sim.quote("AAPL", 100, "100.02")
    old = resting(sim)
    with pytest.raises(BrokerError, match="unable to replace order in current state"):
        sim.venue.replace(old.id, OrderChanges(time_in_force=TimeInForce.OPG))


def test_replace_of_a_triggered_stop_is_refused(sim):
    sim.quote("AAPL", 100, "100.02", size=1)
    sim.trade("AAPL", 100)
    stop = sim.submit(symbol="AAPL", side=Side.SELL, qty=5, type=OrderType.STOP, stop_price=99)
    sim.trade("AAPL", 99)  # triggered: takes the 1 share shown, then works as a market order
    assert sim.order(stop.id).status is OrderStatus.PARTIALLY_FILLED
    with pytest.raises(BrokerError, match="unable to replace order in current state"):
        sim.venue.replace(stop.id, OrderChanges(stop_price=D(98)))
