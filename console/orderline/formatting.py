"""``format_order``: the command line for an ``OrderRequest``, the inverse of ``parse`` for orders.

The UI echoes an order back in this form (confirmations, history), and the property tests use it to check
that formatting and parsing agree.
"""

from __future__ import annotations

from decimal import Decimal

from console.domain import OptionLeg, OrderClass, OrderRequest, OrderType, TimeInForce
from console.orderline.errors import OrderLineError
from console.orderline.vocabulary import LEG_SIDES

_LEG_WORDS = {sides: word for word, sides in LEG_SIDES.items()}


def format_order(request: OrderRequest) -> str:
    """The command line that ``parse`` reads back as ``request``.

    ``client_order_id``, ``strategy`` and ``position_intent`` are not part of the grammar and are left out;
    a multi-leg order is written without its (unused) ``side``. ``short`` and ``cover`` come back as
    ``sell`` and ``buy``.

    Raises:
        OrderLineError: the request has a shape the grammar cannot write: an OTO with both exits, an OCO
            whose limit is not its take-profit, or a leg whose position intent contradicts its side.
    """
    if request.order_class is OrderClass.MLEG:
        return _format_spread(request)
    size = _number(request.qty) if request.notional is None else f"${_number(request.notional)}"
    words = [request.side.value, size, request.symbol, *_prices(request)]
    if request.time_in_force is not TimeInForce.DAY:
        words.append(request.time_in_force.value)
    if request.extended_hours:
        words.append("ext")
    words.extend(_exits(request))
    return " ".join(words)


def _number(value: Decimal | None) -> str:
    if value is None:
        raise OrderLineError("the order is missing a number it needs, so it cannot be written as a command")
    return format(value, "f")


def _prices(request: OrderRequest) -> list[str]:
    match request.type:
        case OrderType.MARKET:
            return []
        case OrderType.LIMIT if request.order_class is OrderClass.OCO:
            take = request.take_profit
            if take is None or request.limit_price != take.limit_price:
                raise OrderLineError("an OCO order is written with its limit equal to its take-profit")
            return []
        case OrderType.LIMIT:
            return [_number(request.limit_price)]
        case OrderType.STOP:
            return ["stop", _number(request.stop_price)]
        case OrderType.STOP_LIMIT:
            return ["stop", _number(request.stop_price), "limit", _number(request.limit_price)]
        case OrderType.TRAILING_STOP:
            if request.trail_percent is not None:
                return ["trail", f"{_number(request.trail_percent)}%"]
            return ["trail", _number(request.trail_price)]


def _exits(request: OrderRequest) -> list[str]:
    take, stop = request.take_profit, request.stop_loss
    if request.order_class is OrderClass.OTO and take and stop:
        raise OrderLineError("an OTO order with both exits is written as a bracket, so it cannot be written")
    words = ["oco"] if request.order_class is OrderClass.OCO else []
    if take is not None:
        words += ["tp", _number(take.limit_price)]
    if stop is not None:
        limit = "" if stop.limit_price is None else f"/{_number(stop.limit_price)}"
        words += ["sl", f"{_number(stop.stop_price)}{limit}"]
    return words


def _format_spread(request: OrderRequest) -> str:
    words = ["spread", _number(request.qty)]
    for leg in request.legs:
        words += _leg(leg)
    if request.limit_price is not None:
        words += ["@", _number(request.limit_price)]
    if request.time_in_force is not TimeInForce.DAY:
        words.append(request.time_in_force.value)
    return " ".join(words)


def _leg(leg: OptionLeg) -> list[str]:
    word = _LEG_WORDS.get((leg.side, leg.position_intent))
    if word is None:
        raise OrderLineError(f"leg {leg.symbol} has a position intent that contradicts its side")
    ratio = [] if leg.ratio_qty == 1 else [str(leg.ratio_qty)]
    return [word, *ratio, leg.symbol]
