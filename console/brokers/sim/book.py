"""The venue's working orders: per-order matching state, and an index of them by the symbol that drives them.

An ``Order`` is an immutable snapshot for the outside world; the venue also needs mutable state the
snapshot does not carry (has the stop been touched, the trailing stop's water mark, the quantity a notional
order resolved to, whether a bracket leg is still held). ``WorkingOrder`` keeps both together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from console.domain import Order, OrderClass, TimeInForce

if TYPE_CHECKING:
    from console.brokers.sim.contingent import Group


@dataclass(slots=True, eq=False)
class WorkingOrder:
    """A live order and the matching state its ``Order`` snapshot does not carry."""

    order: Order
    seq: int
    """Arrival sequence: time priority when several orders compete for one quote's size."""
    book_symbol: str
    """The symbol whose quotes and trades drive this order: the underlying for options."""
    active: bool = True
    """False while a contingent leg is held, or while an auction order waits for its auction."""
    triggered: bool = False
    """Stop types: the stop was touched, so the order now acts as a market (or limit) order."""
    water_mark: Decimal | None = None
    """Trailing stops: the best trade price since submission (high for a sell, low for a buy)."""
    target_qty: Decimal | None = None
    """The quantity to fill: ``qty``, or for a notional order the quantity fixed at its first execution."""
    armed: bool = False
    """Auction orders (opg/cls): the auction may run at the next trade."""
    rate: Decimal = Decimal(0)
    """Buying power reserved per unit of quantity still to fill."""
    group: Group | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.order.id

    @property
    def remaining(self) -> Decimal | None:
        """Quantity still to fill; None for a notional order not yet priced."""
        return None if self.target_qty is None else self.target_qty - self.order.filled_qty

    @property
    def is_auction(self) -> bool:
        return self.order.request.time_in_force in (TimeInForce.OPG, TimeInForce.CLS)

    @property
    def is_multi_leg(self) -> bool:
        return self.order.request.order_class is OrderClass.MLEG


class OrderBook:
    """Working orders indexed by id and by the symbol that drives them, in time priority."""

    def __init__(self) -> None:
        self._by_id: dict[str, WorkingOrder] = {}
        # dicts keep insertion order, which is time priority; removal is O(1).
        self._by_symbol: dict[str, dict[str, WorkingOrder]] = {}

    def add(self, working: WorkingOrder) -> None:
        self._by_id[working.id] = working
        self._by_symbol.setdefault(working.book_symbol, {})[working.id] = working

    def remove(self, order_id: str) -> WorkingOrder | None:
        working = self._by_id.pop(order_id, None)
        if working is not None:
            orders = self._by_symbol.get(working.book_symbol)
            if orders is not None:
                orders.pop(order_id, None)
                if not orders:
                    del self._by_symbol[working.book_symbol]
        return working

    def get(self, order_id: str) -> WorkingOrder | None:
        return self._by_id.get(order_id)

    def has_symbol(self, symbol: str) -> bool:
        return symbol in self._by_symbol

    def for_symbol(self, symbol: str) -> list[WorkingOrder]:
        """A snapshot, in time priority, safe to iterate while orders fill and leave the book."""
        orders = self._by_symbol.get(symbol)
        return list(orders.values()) if orders else []

    def __iter__(self) -> Iterator[WorkingOrder]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._by_id
