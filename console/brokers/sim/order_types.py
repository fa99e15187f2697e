"""What each order type means at the venue: its limit, its stop level, when a trade triggers it.

Pure functions over one ``WorkingOrder``, so the rules of each type read in one place and the matching
engine only asks questions ("what price may this order take?", "does this trade trigger it?").

Stops trigger on trades, never on quotes (as at US exchanges): a sell stop when a trade prints at or
below the stop, a buy stop at or above it. A trailing stop's stop follows its water mark: the highest trade
since submission for a sell (stop = mark - trail), the lowest for a buy (stop = mark + trail).
"""

from __future__ import annotations

from decimal import Decimal

from console.brokers.sim.book import WorkingOrder
from console.domain import Order, OrderClass, OrderRequest, OrderType, Side

_HUNDRED = Decimal(100)


def effective_limit(request: OrderRequest) -> Decimal | None:
    """The worst price the order accepts once active, or None for a market order.

    An OCO order's own leg is the take-profit limit; its limit price may be left out of the request.
    """
    match request.type:
        case OrderType.LIMIT | OrderType.STOP_LIMIT:
            if request.limit_price is None and request.order_class is OrderClass.OCO:
                return request.take_profit.limit_price if request.take_profit else None
            return request.limit_price
        case OrderType.MARKET | OrderType.STOP | OrderType.TRAILING_STOP:
            return None


def is_stop_type(order_type: OrderType) -> bool:
    """True for the types that wait for a trade to touch a stop before they can fill."""
    match order_type:
        case OrderType.STOP | OrderType.STOP_LIMIT | OrderType.TRAILING_STOP:
            return True
        case OrderType.MARKET | OrderType.LIMIT:
            return False


def trailing_stop(side: Side, water_mark: Decimal, request: OrderRequest) -> Decimal:
    """The stop of a trailing stop whose water mark is ``water_mark``."""
    if request.trail_price is not None:
        offset = request.trail_price
    else:
        assert request.trail_percent is not None  # OrderRequest guarantees exactly one trail
        offset = water_mark * request.trail_percent / _HUNDRED
    return water_mark - offset if side is Side.SELL else water_mark + offset


def stop_level(working: WorkingOrder) -> Decimal | None:
    """The price a trade must touch to trigger the order now, or None (not a stop, or no mark yet)."""
    request = working.order.request
    match request.type:
        case OrderType.STOP | OrderType.STOP_LIMIT:
            return request.stop_price
        case OrderType.TRAILING_STOP:
            if working.water_mark is None:
                return None
            return trailing_stop(request.side, working.water_mark, request)
        case OrderType.MARKET | OrderType.LIMIT:
            return None


def follow_trade(working: WorkingOrder, price: Decimal) -> None:
    """Move a trailing stop's water mark with a trade: up only for a sell, down only for a buy."""
    if working.order.request.type is not OrderType.TRAILING_STOP:
        return
    mark = working.water_mark
    if mark is None:
        working.water_mark = price
    elif working.order.side is Side.SELL:
        working.water_mark = max(mark, price)
    else:
        working.water_mark = min(mark, price)


def touches(side: Side, stop: Decimal, price: Decimal) -> bool:
    """Whether a trade at ``price`` touches the stop of an order on ``side``."""
    return price <= stop if side is Side.SELL else price >= stop


def triggered_by(working: WorkingOrder, price: Decimal) -> bool:
    """Whether a trade at ``price`` triggers the (untriggered) stop of ``working``."""
    stop = stop_level(working)
    return stop is not None and touches(working.order.side, stop, price)


def can_match(working: WorkingOrder) -> bool:
    """Whether the order may take liquidity now: active, and triggered if it is a stop type."""
    if not working.active:
        return False
    return working.triggered or not is_stop_type(working.order.request.type)


def acceptable(side: Side, limit: Decimal | None, price: Decimal) -> bool:
    """Whether ``price`` is at the limit or better for an order on ``side`` (always, for no limit)."""
    if limit is None:
        return True
    return price <= limit if side is Side.BUY else price >= limit


def describe(order: Order) -> str:
    """A short text for reasons and logs, e.g. ``buy 10 AAPL limit 150``."""
    request = order.request
    size = f"{request.qty}" if request.qty is not None else f"${request.notional}"
    price = effective_limit(request)
    tail = f" {request.type.value.replace('_', ' ')}" + (f" {price}" if price is not None else "")
    return f"{request.side.value} {size} {request.symbol or 'mleg'}{tail}"
