"""``SessionBroker``: a Backtrader broker whose orders take the console's one road to a broker.

A strategy's ``buy``/``sell``/``cancel`` become domain requests sent through ``Session.submit`` (risk gate,
journal, broker); the session's ``OrderUpdate`` events come back as Backtrader notifications. It exists to
avoid, one by one, the failures of the old Backtrader-Alpaca bridge:

- every trade-update event has an explicit meaning here (canceled, expired and replaced are never
  mapped to Rejected; pending_* only wait), and ``fill`` always ends in Completed;
- a partial fill executes the fill's *increment* at its own price, and every later fill still
  notifies (never the cumulative quantity, never a dropped fill);
- a replaced order (Alpaca replaces bracket legs) is followed to its new id, so its fill still reaches
  the same Backtrader order;
- cash, value and positions come from a cache refreshed after fills, never a REST call per ``next()``.

Threads: bus handlers run on the broker's thread and only enqueue; everything else runs on the
strategy's own Cerebro thread inside ``next()``.
"""

from __future__ import annotations

import logging
import queue
from collections import deque
from typing import Any

import backtrader as bt

from console.bus import Subscription
from console.domain import Account, Fill, Order, OrderUpdate, Side, TimeInForce, TradeEvent
from console.engine.bridge_orders import UnsupportedOrder, request_for
from console.order_ids import tag_of
from console.session import Session

log = logging.getLogger(__name__)


class SessionBroker(bt.BrokerBase):
    """Backtrader broker for one strategy, trading through ``session``.

    Args:
        session: The console session (the one road to the broker).
        strategy: The strategy's name: the tag on every order and the filter on every event.
        time_in_force: Default time in force for orders without ``valid``.
    """

    def __init__(self, session: Session, strategy: str, time_in_force: TimeInForce = TimeInForce.DAY) -> None:
        super().__init__()
        self.session = session
        self.strategy = strategy
        self.time_in_force = time_in_force
        self.paused = False
        self.trading = False
        """False while feeds warm up: orders placed on history bars are refused, not sent."""
        self._updates: queue.SimpleQueue[OrderUpdate] = queue.SimpleQueue()
        self._subscription: Subscription | None = None
        self._by_id: dict[str, Any] = {}
        self._ids: dict[int, str] = {}
        self._notifs: deque[Any] = deque()
        self._positions: dict[str, bt.Position] = {}
        self._account: Account | None = None
        self._account_stale = True

    # -- lifecycle (Cerebro calls these) -----------------------------------------------------------

    def start(self) -> None:
        super().start()
        self.startingcash = self.getcash()  # Backtrader's writers read it
        if self._subscription is None:
            self._subscription = self.session.bus.subscribe(OrderUpdate, self._on_update)

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None
        super().stop()

    # -- money and positions -----------------------------------------------------------------------

    def getcash(self) -> float:
        return float(self._cached_account().cash)

    def getvalue(self, datas: Any = None) -> float:
        if datas:
            return sum(self.getposition(d).size * d.close[0] for d in datas)
        return float(self._cached_account().equity)

    def getposition(self, data: Any, clone: bool = True) -> Any:
        position = self._positions.setdefault(_symbol(data), bt.Position())
        return position.clone() if clone else position

    def set_position(self, symbol: str, size: float, price: float) -> None:
        """Seed a position (re-adoption after a restart) before the strategy starts."""
        self._positions[symbol] = bt.Position(size, price)

    def _cached_account(self) -> Account:
        if self._account is None or self._account_stale:
            self._account = self.session.account()
            self._account_stale = False
        return self._account

    # -- orders ------------------------------------------------------------------------------------

    def buy(self, owner: Any, data: Any, size: float, **kwargs: Any) -> Any:
        return self._place(bt.BuyOrder, owner, data, size, **kwargs)

    def sell(self, owner: Any, data: Any, size: float, **kwargs: Any) -> Any:
        return self._place(bt.SellOrder, owner, data, size, **kwargs)

    def _place(self, kind: Any, owner: Any, data: Any, size: float, **kwargs: Any) -> Any:
        fields = {
            name: kwargs.pop(name, default)
            for name, default in (
                ("price", None),
                ("plimit", None),
                ("exectype", None),
                ("valid", None),
                ("tradeid", 0),
                ("oco", None),
                ("trailamount", None),
                ("trailpercent", None),
                ("parent", None),
                ("transmit", True),
            )
        }
        fields["pricelimit"] = fields.pop("plimit")
        order = kind(owner=owner, data=data, size=size, **fields)
        order.addinfo(**kwargs)
        order.addcomminfo(self.getcommissioninfo(data))
        return self.submit(order)

    def submit(self, order: Any) -> Any:
        """Send ``order`` down the session's road; a refusal anywhere becomes Rejected, with the reason."""
        order.submit(self)
        self._notify(order)
        refusal = self._refusal()
        if refusal is None:
            try:
                request = request_for(order, self.strategy, self.time_in_force)
            except (UnsupportedOrder, ValueError) as error:
                refusal = str(error)
        if refusal is None:
            result = self.session.submit(request, source=f"strategy:{self.strategy}")
            if result.order is not None:
                self.adopt(order, result.order)
                return order
            refusal = result.message or "refused"
        log.warning("strategy %s: order rejected: %s", self.strategy, refusal)
        order.addinfo(reject_reason=refusal)
        order.reject(self)
        self._notify(order)
        return order

    def _refusal(self) -> str | None:
        if self.paused:
            return "the strategy is paused: no new orders"
        if not self.trading:
            return "the strategy is warming up on history: no orders yet"
        return None

    def adopt(self, bt_order: Any, order: Order) -> None:
        """Follow broker order ``order`` as ``bt_order`` (a new submit, or an open order after a restart)."""
        self._by_id[order.id] = bt_order
        self._ids[bt_order.ref] = order.id
        bt_order.addinfo(order_id=order.id, client_order_id=order.client_order_id)

    def cancel(self, order: Any) -> Any:
        order_id = self._ids.get(order.ref)
        if order_id is not None and order.alive():
            self.session.cancel(order_id, source=f"strategy:{self.strategy}")
        return order

    def working_order_ids(self) -> list[str]:
        """Broker ids of this strategy's orders still alive on the Backtrader side."""
        return [oid for oid, o in self._by_id.items() if o.alive() and self._ids.get(o.ref) == oid]

    def get_notification(self) -> Any:
        return self._notifs.popleft() if self._notifs else None

    def _notify(self, order: Any) -> None:
        self._notifs.append(order.clone())

    # -- events ------------------------------------------------------------------------------------

    def _on_update(self, update: OrderUpdate) -> None:
        """Bus handler (broker thread): keep only this strategy's orders, and only enqueue."""
        order = update.order
        if order.strategy == self.strategy or tag_of(order.client_order_id) == self.strategy:
            self._updates.put(update)

    def next(self) -> None:
        """Apply queued events on the strategy's thread (Cerebro calls this every loop)."""
        while True:
            try:
                update = self._updates.get_nowait()
            except queue.Empty:
                return
            self._apply(update)

    def _apply(self, update: OrderUpdate) -> None:
        order = update.order
        bt_order = self._by_id.get(order.id)
        if bt_order is None and order.replaces is not None:
            bt_order = self._by_id.get(order.replaces)
            if bt_order is not None:
                self.adopt(bt_order, order)
        if bt_order is None or not bt_order.alive():
            return
        match update.event:
            case TradeEvent.NEW | TradeEvent.HELD:
                self._accept(bt_order)
            case TradeEvent.PARTIAL_FILL | TradeEvent.FILL:
                self._accept(bt_order)
                if update.fill is not None:
                    self._execute(bt_order, update.fill)
                if update.event is TradeEvent.FILL:
                    bt_order.completed()
                else:
                    bt_order.partial()
                self._notify(bt_order)
            case TradeEvent.CANCELED:
                bt_order.cancel()
                self._notify(bt_order)
            case TradeEvent.EXPIRED:
                bt_order.expire()
                self._notify(bt_order)
            case TradeEvent.REJECTED:
                log.warning("strategy %s: broker rejected %s: %s", self.strategy, order.id, update.reason)
                bt_order.addinfo(reject_reason=update.reason or "rejected by the broker")
                bt_order.reject(self)
                self._notify(bt_order)
            case TradeEvent.REPLACED:
                if order.replaced_by is not None:
                    self.adopt(bt_order, order.model_copy(update={"id": order.replaced_by}))
            case (
                TradeEvent.PENDING_NEW
                | TradeEvent.PENDING_CANCEL
                | TradeEvent.PENDING_REPLACE
                | TradeEvent.DONE_FOR_DAY
            ):
                pass  # in flight: the order is still alive and its Backtrader status stands

    def _accept(self, bt_order: Any) -> None:
        if bt_order.status == bt.Order.Submitted:
            bt_order.accept(self)
            self._notify(bt_order)

    def _execute(self, bt_order: Any, fill: Fill) -> None:
        """Execute one fill's increment on ``bt_order``, splitting it into closed and opened parts."""
        size = float(fill.qty) * (1 if fill.side is Side.BUY else -1)
        price = float(fill.price)
        position = self.getposition(bt_order.data, clone=False)
        old_price = position.price
        psize, pprice, opened, closed = position.update(size, price)
        fee = float(fill.fee)
        closed_fee = fee * closed / size
        comminfo = bt_order.comminfo
        pnl = comminfo.profitandloss(-closed, old_price, price) if closed else 0.0
        moment = bt.date2num(fill.timestamp.replace(tzinfo=None))
        bt_order.execute(
            moment,
            size,
            price,
            closed,
            comminfo.getoperationcost(closed, old_price),
            closed_fee,
            opened,
            comminfo.getoperationcost(opened, price),
            fee - closed_fee,
            0.0,
            pnl,
            psize,
            pprice,
        )
        self._account_stale = True


def _symbol(data: Any) -> str:
    return str(data._name or data.p.dataname)
