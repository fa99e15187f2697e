"""Admission: an accepted request becomes working orders, and a replace swaps one order for another.

Accepting creates the order (``new``), any bracket/OTO exits (``held``) or OCO leg (``new``) with their
group, or a multi-leg order's legs (orders of their own that only ever fill with their parent), and sets
aside the buying power and shares the order commits. Replacing ends the old order ``replaced`` and puts
the new one in its place: in its group, as the parent of its legs, with its trailing stop's water mark.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from console.brokers.sim import contingent
from console.brokers.sim.account import Ledger
from console.brokers.sim.book import OrderBook, WorkingOrder
from console.brokers.sim.execution import Executor
from console.brokers.sim.ids import IdSource
from console.brokers.sim.rules import Commitment
from console.brokers.sim.store import OrderStore
from console.domain import Order, OrderClass, OrderRequest, OrderStatus, Side, TimeInForce, TradeEvent
from console.domain.symbols import is_option_symbol, parse_occ
from console.market.calendar import CalendarName

_ZERO = Decimal(0)


def book_symbol(request: OrderRequest) -> str:
    """The symbol whose quotes drive an order: the underlying of an option or of a multi-leg order."""
    symbol = request.legs[0].symbol if request.order_class is OrderClass.MLEG else request.symbol
    return parse_occ(symbol).root if is_option_symbol(symbol) else symbol


class Admission:
    """Creates working orders for accepted requests and replacements."""

    def __init__(
        self,
        store: OrderStore,
        book: OrderBook,
        ledger: Ledger,
        executor: Executor,
        *,
        ids: IdSource,
        calendar: CalendarName,
    ) -> None:
        self.store = store
        self.book = book
        self.ledger = ledger
        self.executor = executor
        self.ids = ids
        self.calendar: CalendarName = calendar
        self._sequence = itertools.count()

    def accept(
        self, request: OrderRequest, client_order_id: str, commitment: Commitment, now: datetime
    ) -> WorkingOrder:
        """Create the order (and its exits or legs) and announce it; returns the working parent."""
        exits = contingent.exit_requests(request)
        child_ids = [self.ids.order_id() for _ in exits or request.legs]
        order = Order(
            id=self.ids.order_id(),
            client_order_id=client_order_id,
            request=request,
            status=OrderStatus.NEW,
            created_at=now,
            updated_at=now,
            leg_ids=tuple(child_ids),
        )
        # Auction orders wait for their auction; with no open or close (always calendar) that is the
        # next trade, so they are armed at once.
        auction = request.time_in_force in (TimeInForce.OPG, TimeInForce.CLS)
        working = self._working(order, active=not auction)
        working.armed = auction and self.calendar == "always"
        self._commit(working, commitment)
        self.store.add(order, TradeEvent.NEW, now)
        if exits:
            self._add_exits(working, exits, child_ids, now)
        elif request.order_class is OrderClass.MLEG:
            self._add_legs(order, child_ids, now)
        return working

    def exit_commitment(self, working: WorkingOrder, request: OrderRequest) -> Commitment:
        """What a replaced exit commits: no buying power (it closes what the entry opened); the group's
        holder keeps holding shares."""
        group = working.group
        holds = group is not None and group.holder() == working.id and working.active
        held = request.qty if holds and request.side is Side.SELL and request.qty is not None else _ZERO
        return Commitment(_ZERO, _ZERO, held)

    def swap(
        self, working: WorkingOrder, request: OrderRequest, commitment: Commitment, now: datetime
    ) -> WorkingOrder:
        """End the old order ``replaced`` and put the new one in its place (group, legs, water mark)."""
        old = working.order
        new_id = self.ids.order_id()
        base, suffix = self.ids.replacement_suffix(old.client_order_id)
        client_id = self.ids.derived(base, suffix, self.store.client_ids)
        self.store.record(old, OrderStatus.REPLACED, TradeEvent.REPLACED, now, replaced_by=new_id)
        self.executor.retire(working)
        held = old.status is OrderStatus.HELD
        order = Order(
            id=new_id,
            client_order_id=client_id,
            request=request,
            status=OrderStatus.HELD if held else OrderStatus.NEW,
            created_at=now,
            updated_at=now,
            parent_id=old.parent_id,
            leg_ids=old.leg_ids,
            replaces=old.id,
        )
        new = self._working(order, active=working.active)
        new.water_mark, new.armed, new.group = working.water_mark, working.armed, working.group
        if new.group is not None:
            new.group.rename(old.id, new_id, old.filled_qty)
        self._commit(new, commitment)
        self._repoint_children(old.leg_ids, new_id)
        self.store.add(order, TradeEvent.HELD if held else TradeEvent.NEW, now)
        return new

    def _working(self, order: Order, *, active: bool) -> WorkingOrder:
        working = WorkingOrder(
            order,
            next(self._sequence),
            book_symbol(order.request),
            active=active,
            target_qty=order.request.qty,
        )
        self.book.add(working)
        return working

    def _commit(self, working: WorkingOrder, commitment: Commitment) -> None:
        working.rate = commitment.rate
        self.ledger.reserve(working.id, commitment.buying_power)
        if commitment.held_qty > 0:
            self.ledger.hold_qty(working.id, working.order.symbol, commitment.held_qty)

    def _add_exits(
        self,
        entry: WorkingOrder,
        exits: list[tuple[str, OrderRequest]],
        child_ids: list[str],
        now: datetime,
    ) -> None:
        """Create a contingent order's exits: held until the entry fills, or live at once for an OCO."""
        order = entry.order
        oco = order.request.order_class is OrderClass.OCO
        group = contingent.Group(order.request.order_class, None if oco else order.id)
        group.exit_ids = [order.id, *child_ids] if oco else list(child_ids)
        entry.group = group
        status, event = (OrderStatus.NEW, TradeEvent.NEW) if oco else (OrderStatus.HELD, TradeEvent.HELD)
        for (suffix, request), child_id in zip(exits, child_ids, strict=True):
            client_id = self.ids.derived(order.client_order_id, suffix, self.store.client_ids)
            child = Order(
                id=child_id,
                client_order_id=client_id,
                request=request,
                status=status,
                created_at=now,
                updated_at=now,
                parent_id=order.id,
            )
            self._working(child, active=oco).group = group
            self.store.add(child, event, now)

    def _add_legs(self, order: Order, leg_ids: list[str], now: datetime) -> None:
        """A multi-leg order's legs: orders of their own, filled with the parent, never working alone."""
        qty = order.request.qty
        assert qty is not None  # OrderRequest requires a quantity of multi-leg orders
        for number, (leg, leg_id) in enumerate(zip(order.request.legs, leg_ids, strict=True), start=1):
            request = OrderRequest(
                symbol=leg.symbol,
                side=leg.side,
                qty=qty * leg.ratio_qty,
                position_intent=leg.position_intent,
                strategy=order.request.strategy,
            )
            client_id = self.ids.derived(order.client_order_id, f"l{number}", self.store.client_ids)
            leg_order = Order(
                id=leg_id,
                client_order_id=client_id,
                request=request,
                status=OrderStatus.NEW,
                created_at=now,
                updated_at=now,
                parent_id=order.id,
            )
            self.store.add(leg_order, TradeEvent.NEW, now)

    def _repoint_children(self, child_ids: tuple[str, ...], parent_id: str) -> None:
        """The exits or legs of a replaced order now belong to its replacement (no status change)."""
        for child_id in child_ids:
            child = self.store.amend(self.store.get(child_id).model_copy(update={"parent_id": parent_id}))
            child_working = self.book.get(child_id)
            if child_working is not None:
                child_working.order = child
