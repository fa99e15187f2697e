"""OrderRequest validation and the Order status state machine."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from console.domain import (
    IllegalTransition,
    OptionLeg,
    Order,
    OrderClass,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
)
from console.domain.enums import TERMINAL_STATUSES
from console.domain.orders import ALLOWED_TRANSITIONS

CALL = "AAPL250117C00190000"
PUT = "AAPL250117P00180000"


def rejected(**fields: object) -> str:
    with pytest.raises(ValidationError) as info:
        OrderRequest(**fields)
    return str(info.value)


def test_market_order_by_quantity_is_valid() -> None:
    order = OrderRequest(symbol="aapl", side=Side.BUY, qty=Decimal("10"))
    assert order.symbol == "AAPL"
    assert order.type is OrderType.MARKET
    assert order.time_in_force is TimeInForce.DAY


def test_prices_are_exact_decimals_even_from_floats() -> None:
    order = OrderRequest(symbol="MSFT", side=Side.SELL, type=OrderType.LIMIT, qty=1, limit_price=412.1)
    assert order.limit_price == Decimal("412.1")


@pytest.mark.parametrize("qty", [0, -1, Decimal("-0.5")])
def test_quantity_must_be_positive(qty: object) -> None:
    assert "quantity must be greater than zero" in rejected(symbol="AAPL", qty=qty)


def test_quantity_and_notional_are_exclusive() -> None:
    assert "not both" in rejected(symbol="AAPL", qty=1, notional=100)
    assert "neither" in rejected(symbol="AAPL")


def test_notional_orders_are_market_orders_on_stocks() -> None:
    assert OrderRequest(symbol="AAPL", notional=Decimal("250.50")).notional == Decimal("250.50")
    assert "notional orders" in rejected(symbol="AAPL", notional=100, type=OrderType.LIMIT, limit_price=1)


def test_limit_order_needs_a_limit_price() -> None:
    assert "limit order needs a limit price" in rejected(symbol="AAPL", qty=1, type=OrderType.LIMIT)


def test_stop_limit_needs_a_stop_price() -> None:
    message = rejected(symbol="AAPL", qty=1, type=OrderType.STOP_LIMIT, limit_price=10)
    assert "stop-limit order needs a stop price" in message


def test_market_order_takes_no_prices() -> None:
    assert "takes no limit price" in rejected(symbol="AAPL", qty=1, limit_price=10)
    assert "takes no stop price" in rejected(symbol="AAPL", qty=1, stop_price=10)


def test_trailing_stop_needs_exactly_one_trail() -> None:
    ok = OrderRequest(symbol="AAPL", qty=1, side=Side.SELL, type=OrderType.TRAILING_STOP, trail_percent=2)
    assert ok.trail_percent == Decimal(2)
    message = rejected(symbol="AAPL", qty=1, type=OrderType.TRAILING_STOP, trail_price=1, trail_percent=1)
    assert "exactly one" in message
    assert "exactly one" in rejected(symbol="AAPL", qty=1, type=OrderType.TRAILING_STOP)


def test_bracket_needs_both_exits_on_the_right_sides() -> None:
    order = OrderRequest(
        symbol="AAPL",
        qty=10,
        type=OrderType.LIMIT,
        limit_price=190,
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=200),
        stop_loss=StopLoss(stop_price=185),
    )
    assert order.take_profit is not None
    assert "needs a take-profit and a stop-loss" in rejected(
        symbol="AAPL", qty=1, order_class=OrderClass.BRACKET, take_profit={"limit_price": 200}
    )
    assert "must be above stop-loss" in rejected(
        symbol="AAPL",
        qty=1,
        order_class=OrderClass.BRACKET,
        take_profit={"limit_price": 180},
        stop_loss={"stop_price": 185},
    )


def test_exits_need_an_order_class() -> None:
    assert "bracket, OCO or OTO" in rejected(symbol="AAPL", qty=1, take_profit={"limit_price": 200})


def test_oto_needs_one_exit() -> None:
    assert "OTO order needs" in rejected(symbol="AAPL", qty=1, order_class=OrderClass.OTO)
    oto = OrderRequest(symbol="AAPL", qty=1, order_class=OrderClass.OTO, stop_loss={"stop_price": 100})
    assert oto.stop_loss is not None


def test_multi_leg_option_order() -> None:
    spread = OrderRequest(
        qty=1,
        type=OrderType.LIMIT,
        limit_price=Decimal("-1.25"),
        order_class=OrderClass.MLEG,
        legs=(OptionLeg(symbol=CALL, side=Side.BUY), OptionLeg(symbol=PUT, side=Side.SELL)),
    )
    assert spread.is_option
    assert spread.multiplier == 100


def test_multi_leg_needs_two_to_four_distinct_legs() -> None:
    one_leg = ({"symbol": CALL, "side": "buy"},)
    assert "2 to 4 legs" in rejected(qty=1, order_class=OrderClass.MLEG, legs=one_leg)
    twice = ({"symbol": CALL, "side": "buy"}, {"symbol": CALL, "side": "sell"})
    assert "different contracts" in rejected(qty=1, order_class=OrderClass.MLEG, legs=twice)


def test_leg_must_be_an_option() -> None:
    legs = ({"symbol": "AAPL", "side": "buy"}, {"symbol": CALL, "side": "sell"})
    assert "OCC option symbol" in rejected(qty=1, order_class=OrderClass.MLEG, legs=legs)


def test_extended_hours_needs_limit_day() -> None:
    assert "extended-hours" in rejected(symbol="AAPL", qty=1, extended_hours=True)


def test_bad_symbol_is_refused() -> None:
    assert "not a valid symbol" in rejected(symbol="NOT A SYMBOL", qty=1)


def test_client_order_id_is_at_most_128_characters() -> None:
    assert "128" in rejected(symbol="AAPL", qty=1, client_order_id="x" * 129)


def test_requests_are_frozen() -> None:
    order = OrderRequest(symbol="AAPL", qty=1)
    with pytest.raises(ValidationError):
        order.qty = Decimal(2)  # type: ignore[misc]


def make_order(status: OrderStatus = OrderStatus.PENDING_NEW) -> Order:
    return Order(
        id="1", client_order_id="manual-1", request=OrderRequest(symbol="AAPL", qty=10), status=status
    )


def test_order_lifecycle_to_filled() -> None:
    order = make_order().transition(OrderStatus.NEW)
    order = order.transition(OrderStatus.PARTIALLY_FILLED, filled_qty=Decimal(4))
    order = order.transition(OrderStatus.FILLED, filled_qty=Decimal(10), filled_avg_price=Decimal("190.1"))
    assert order.status is OrderStatus.FILLED
    assert order.remaining_qty == 0
    assert order.is_terminal


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATUSES))
def test_terminal_orders_never_change(terminal: OrderStatus) -> None:
    for target in OrderStatus:
        with pytest.raises(IllegalTransition):
            make_order(terminal).transition(target)


def test_filled_cannot_go_back_to_new() -> None:
    with pytest.raises(IllegalTransition, match="cannot go from filled to new"):
        make_order(OrderStatus.FILLED).transition(OrderStatus.NEW)


def test_transition_cannot_overfill() -> None:
    with pytest.raises(ValueError, match="exceeds the order quantity"):
        make_order(OrderStatus.NEW).transition(OrderStatus.FILLED, filled_qty=Decimal(11))


def test_every_status_has_a_rule_and_only_terminals_are_dead_ends() -> None:
    assert set(ALLOWED_TRANSITIONS) == set(OrderStatus)
    dead_ends = {status for status, targets in ALLOWED_TRANSITIONS.items() if not targets}
    assert dead_ends == TERMINAL_STATUSES


def test_option_orders_are_day_orders_for_whole_contracts() -> None:
    assert "time in force day" in rejected(symbol=CALL, qty=1, time_in_force=TimeInForce.GTC)
    assert "whole contracts" in rejected(symbol=CALL, qty=Decimal("1.5"))


def test_oco_exit_for_a_long_needs_target_above_stop() -> None:
    message = rejected(
        symbol="AAPL",
        qty=1,
        side=Side.SELL,
        type=OrderType.LIMIT,
        order_class=OrderClass.OCO,
        take_profit={"limit_price": 180},
        stop_loss={"stop_price": 200},
    )
    assert "closing a long position" in message


def test_bracket_exits_must_straddle_the_entry() -> None:
    message = rejected(
        symbol="AAPL",
        qty=1,
        type=OrderType.LIMIT,
        limit_price=190,
        order_class=OrderClass.BRACKET,
        take_profit={"limit_price": 185},
        stop_loss={"stop_price": 180},
    )
    assert "profit side of the entry 190" in message
