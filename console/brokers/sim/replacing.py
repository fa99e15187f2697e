"""What a replace may change, and the request of the order that replaces the old one.

Semantics (Alpaca's, as far as its docs say, and FIX's cancel/replace where they do not):

* The replacement is a new order (new id, ``replaces`` = the old id); the old one ends ``replaced`` with
  ``replaced_by`` = the new id, keeping the fills it had. Nothing filled is ever lost or counted twice.
* ``qty`` in the changes is the order's new total, as its ``qty`` field reads (FIX's OrderQty): it must
  exceed what the order already filled, and the new order is for the remainder (``qty - filled``), so the
  old order's fills plus the new order's quantity make the new total. Without a new ``qty`` the new order
  is for the old one's remainder.
* Limit, stop and trail may change where the order type has them; the time in force may change too.
* Market orders, triggered stops, multi-leg orders and their legs cannot be replaced, nor can an order
  move into or out of an auction (opg/cls): the request is refused with Alpaca's ``unable to replace
  order in current state``.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import ValidationError

from console.brokers.base import BrokerError, OrderChanges
from console.brokers.sim.book import WorkingOrder
from console.brokers.sim.order_types import effective_limit
from console.brokers.sim.rules import INVALID, UNPROCESSABLE, fmt
from console.domain import OrderClass, OrderRequest, OrderType, TimeInForce

_AUCTIONS = (TimeInForce.OPG, TimeInForce.CLS)


def cannot_replace() -> BrokerError:
    return BrokerError("unable to replace order in current state", code=UNPROCESSABLE)


def replacement_request(working: WorkingOrder, changes: OrderChanges) -> OrderRequest:
    """The request of the order that replaces ``working`` with ``changes`` applied.

    Raises:
        BrokerError: the order cannot be replaced in its state, or the changes do not fit it.
    """
    order = working.order
    request = order.request
    if (
        request.order_class is OrderClass.MLEG
        or request.type is OrderType.MARKET
        or request.qty is None
        or working.triggered
    ):
        raise cannot_replace()
    update: dict[str, object] = {"qty": _remaining(request.qty, order.filled_qty, changes.qty)}
    if changes.limit_price is not None:
        if effective_limit(request) is None:
            raise BrokerError(f"a {request.type.value} order has no limit price to change", code=INVALID)
        update["limit_price"] = changes.limit_price
    if changes.stop_price is not None:
        if request.type not in (OrderType.STOP, OrderType.STOP_LIMIT):
            raise BrokerError(f"a {request.type.value} order has no stop price to change", code=INVALID)
        update["stop_price"] = changes.stop_price
    if changes.trail is not None:
        if request.type is not OrderType.TRAILING_STOP:
            raise BrokerError(f"a {request.type.value} order has no trail to change", code=INVALID)
        update["trail_price" if request.trail_price is not None else "trail_percent"] = changes.trail
    if changes.time_in_force is not None:
        if working.is_auction != (changes.time_in_force in _AUCTIONS):
            raise cannot_replace()  # an order cannot move into or out of an auction
        update["time_in_force"] = changes.time_in_force
    data = request.model_dump()
    data.update(update)
    try:
        return OrderRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise BrokerError(str(first.get("msg", error)).removeprefix("Value error, "), code=INVALID) from None


def _remaining(qty: Decimal, filled: Decimal, new_total: Decimal | None) -> Decimal:
    if new_total is None:
        return qty - filled
    if new_total <= filled:
        raise BrokerError(
            f"qty must be greater than the filled qty (requested: {fmt(new_total)}, filled: {fmt(filled)})",
            code=INVALID,
        )
    return new_total - filled
