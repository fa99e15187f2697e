"""Translate a Backtrader order into a domain ``OrderRequest``: one place, one explicit ``match``.

The old Backtrader-Alpaca bridge got this edge wrong in ways that cost money, so each is pinned here:
a stop-limit sends Backtrader's ``price`` as the stop trigger and ``plimit`` as the limit (it sent the
limit as the trigger); sizes stay fractional (it rounded to whole shares); and time in force follows the
order's ``valid`` or the strategy's setting, defaulting to day (it forced GTC on everything).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import backtrader as bt

from console.domain import OrderRequest, OrderType, Side, TimeInForce

_CENT = Decimal("0.01")
_SUB_PENNY = Decimal("0.0001")


class UnsupportedOrder(ValueError):
    """The Backtrader order has no faithful domain equivalent; the bridge rejects it, never guesses."""


def price_of(value: float) -> Decimal:
    """A Backtrader float price as the tick the US venues accept: cents at $1 and above, else 1/100 c."""
    price = Decimal(str(value))
    quantum = _CENT if price >= 1 else _SUB_PENNY
    return price.quantize(quantum, rounding=ROUND_HALF_UP)


def size_of(value: float) -> Decimal:
    """A Backtrader size as an unsigned quantity; fractions are kept (fractional shares are allowed)."""
    return Decimal(str(abs(value))).normalize()


def time_in_force_of(order: Any, default: TimeInForce) -> TimeInForce:
    """The order's time in force: an explicit ``time_in_force=`` keyword, else its ``valid``, else default.

    Backtrader turns ``valid`` into a date number: one that ends on the bar's own day is a day order
    (``bt.Order.DAY``); any later expiry becomes good-till-canceled, since US brokers have no GTD.
    """
    explicit = order.info.get("time_in_force")
    if explicit is not None:
        return TimeInForce(explicit)
    if order.valid is None:
        return default
    return TimeInForce.DAY if int(order.valid) <= int(order.data.datetime[0]) else TimeInForce.GTC


def request_for(order: Any, strategy: str, default_tif: TimeInForce) -> OrderRequest:
    """Build the domain request for a Backtrader order placed by ``strategy``.

    Raises:
        UnsupportedOrder: an execution type, bracket or OCO the bridge does not carry yet.
        ValueError: the resulting request is not a valid order (pydantic's plain message).
    """
    if order.parent is not None or not order.transmit or order.oco is not None:
        raise UnsupportedOrder("bracket and OCO orders are not bridged yet")
    created = order.created
    fields: dict[str, Any] = {
        "symbol": order.data._name or order.data.p.dataname,
        "side": Side.BUY if order.isbuy() else Side.SELL,
        "qty": size_of(created.size),
        "time_in_force": time_in_force_of(order, default_tif),
        "strategy": strategy,
    }
    match order.exectype:
        case None | bt.Order.Market:
            fields["type"] = OrderType.MARKET
        case bt.Order.Limit:
            fields.update(type=OrderType.LIMIT, limit_price=price_of(created.price))
        case bt.Order.Stop:
            fields.update(type=OrderType.STOP, stop_price=price_of(created.price))
        case bt.Order.StopLimit:
            # Backtrader: ``price`` triggers, ``plimit`` limits. Never the other way round.
            fields.update(
                type=OrderType.STOP_LIMIT,
                stop_price=price_of(created.price),
                limit_price=price_of(created.pricelimit),
            )
        case bt.Order.StopTrail:
            fields["type"] = OrderType.TRAILING_STOP
            if order.trailamount:
                fields["trail_price"] = price_of(order.trailamount)
            else:
                fields["trail_percent"] = Decimal(str(order.trailpercent * 100)).normalize()
        case _:
            name = bt.Order.ExecTypes[order.exectype]
            raise UnsupportedOrder(f"{name} orders are not supported by the live bridge")
    return OrderRequest(**fields)
