"""Bracket, OCO and OTO orders: which legs exist, when they come alive, and who cancels whom.

* bracket: an entry and two exits (take-profit limit, stop-loss stop or stop-limit). The exits are held
  until the entry fills completely; then they go live together and the first exit to fill (even partly)
  cancels the other, so both can never fill.
* OTO: an entry and one exit, held until the entry fills.
* OCO: two exits live at once (the order itself is the take-profit limit, its leg the stop-loss); the
  first to fill cancels the other.

An entry that ends (canceled or expired) after a partial fill releases its exits for the quantity that
did fill, so a position is never left without the protection the trader asked for; with no fill the
exits are canceled. Canceling one exit cancels its sibling, as at Alpaca.

The rules return actions rather than performing them, so the venue applies every state change (and its
event) in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from console.domain import OrderClass, OrderRequest, OrderType, Side


@dataclass(slots=True, eq=False)
class Group:
    """The orders of one bracket, OCO or OTO, by id (ids follow replaces)."""

    order_class: OrderClass
    entry_id: str | None
    """The entry of a bracket or OTO; None for an OCO, whose legs are both exits."""
    exit_ids: list[str] = field(default_factory=list)
    filled_exit: str | None = None
    """The exit that filled first: the one that won."""
    settled: bool = False
    """The exits' fate is decided (one filled, or they were canceled together): no further cascades."""
    carried_qty: Decimal = Decimal(0)
    """What replaced entries filled before their replacement: the exits cover it too."""

    def rename(self, old_id: str, new_id: str, old_filled: Decimal) -> None:
        """Follow a replace: the new order takes the old one's place in the group."""
        if self.entry_id == old_id:
            self.entry_id = new_id
            self.carried_qty += old_filled
        self.exit_ids = [new_id if i == old_id else i for i in self.exit_ids]
        if self.filled_exit == old_id:
            self.filled_exit = new_id

    def holder(self) -> str | None:
        """The one exit that counts as holding shares (two exits sell the same shares only once)."""
        return self.exit_ids[0] if self.exit_ids else None


@dataclass(frozen=True, slots=True)
class Activate:
    """Release a held exit for ``qty`` (the entry's filled quantity)."""

    order_id: str
    qty: Decimal


@dataclass(frozen=True, slots=True)
class Cancel:
    order_id: str
    reason: str


Action = Activate | Cancel


def exit_requests(request: OrderRequest) -> list[tuple[str, OrderRequest]]:
    """The exits a contingent order creates besides itself, each with its client-id suffix.

    Bracket and OTO exits are the take-profit (``tp``) and stop-loss (``sl``); an OCO creates only its
    stop-loss, since the OCO order itself is the take-profit limit.
    """
    match request.order_class:
        case OrderClass.SIMPLE | OrderClass.MLEG:
            return []
        case OrderClass.OCO:
            return [("sl", _stop_loss(request, request.side))]
        case OrderClass.BRACKET | OrderClass.OTO:
            legs = []
            if request.take_profit is not None:
                legs.append(("tp", _take_profit(request)))
            if request.stop_loss is not None:
                legs.append(("sl", _stop_loss(request, request.side.opposite)))
            return legs


def _take_profit(request: OrderRequest) -> OrderRequest:
    assert request.take_profit is not None and request.qty is not None
    return OrderRequest(
        symbol=request.symbol,
        side=request.side.opposite,
        type=OrderType.LIMIT,
        qty=request.qty,
        time_in_force=request.time_in_force,
        limit_price=request.take_profit.limit_price,
        strategy=request.strategy,
    )


def _stop_loss(request: OrderRequest, side: Side) -> OrderRequest:
    assert request.stop_loss is not None and request.qty is not None
    stop = request.stop_loss
    return OrderRequest(
        symbol=request.symbol,
        side=side,
        type=OrderType.STOP if stop.limit_price is None else OrderType.STOP_LIMIT,
        qty=request.qty,
        time_in_force=request.time_in_force,
        stop_price=stop.stop_price,
        limit_price=stop.limit_price,
        strategy=request.strategy,
    )


def on_fill(group: Group, order_id: str, fully_filled: bool, filled_qty: Decimal) -> list[Action]:
    """What a fill of ``order_id`` sets off in its group.

    Args:
        group: the order's group.
        order_id: the order that filled (partly or fully).
        fully_filled: whether it is now completely filled.
        filled_qty: its filled quantity now.
    """
    if order_id == group.entry_id:
        if not fully_filled:
            return []
        return [Activate(exit_id, group.carried_qty + filled_qty) for exit_id in group.exit_ids]
    if group.settled:
        return []
    group.filled_exit = order_id
    group.settled = True
    return [
        Cancel(other, "the other leg of its one-cancels-other pair filled")
        for other in group.exit_ids
        if other != order_id
    ]


def on_end(group: Group, order_id: str, filled_qty: Decimal, ended: str) -> list[Action]:
    """What the end (cancel or expiry, not fill or replace) of ``order_id`` sets off in its group.

    Args:
        group: the order's group.
        order_id: the order that ended.
        filled_qty: how much of it filled before it ended.
        ended: how it ended, for the reason given to the orders this cancels (``canceled``, ``expired``).
    """
    if order_id == group.entry_id:
        total = group.carried_qty + filled_qty
        if total > 0:
            return [Activate(exit_id, total) for exit_id in group.exit_ids]
        group.settled = True
        return [Cancel(exit_id, f"its entry order {ended} unfilled") for exit_id in group.exit_ids]
    if group.settled:
        return []
    group.settled = True
    return [
        Cancel(other, f"the other leg of its one-cancels-other pair {ended}")
        for other in group.exit_ids
        if other != order_id
    ]
