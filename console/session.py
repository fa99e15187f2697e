"""The session: owns the broker, journal, bus and risk gate, and is the one road to a broker.

Every order, typed or from a strategy, goes ``submit → risk gate → journal (intent) → Broker.submit``.
Broker events are journaled before anything else sees them, then cached here and published on the bus.
The session never imports Textual: the console and the headless engine both drive it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from console.brokers.base import Broker, BrokerCallbacks, BrokerError, OrderChanges, OrderNotFound
from console.bus import EventBus
from console.domain import (
    Account,
    Bar,
    ConnectionStatus,
    ErrorEvent,
    Order,
    OrderRequest,
    OrderUpdate,
    Position,
    Quote,
    Trade,
    TradeEvent,
)
from console.domain.events import ClockUpdate
from console.journal import Journal, JournalKind
from console.market.quote_book import QuoteBook
from console.order_ids import OrderIdMinter
from console.risk.gate import OpenGate, PreTradeGate, RiskDecision

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """What became of a submitted order. ``message`` is one plain sentence when it did not go through."""

    client_order_id: str
    order: Order | None = None
    decision: RiskDecision | None = None
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.order is not None


class Session:
    """Wires broker, journal, bus and gate; safe to call from any thread."""

    def __init__(
        self,
        broker: Broker,
        journal: Journal,
        *,
        bus: EventBus | None = None,
        gate: PreTradeGate | None = None,
        minter: OrderIdMinter | None = None,
    ) -> None:
        self.broker = broker
        self.journal = journal
        self.bus = bus or EventBus()
        self.gate: PreTradeGate = gate or OpenGate()
        self.quotes = QuoteBook()
        self._minter = minter or OrderIdMinter()
        self._lock = threading.Lock()
        self._orders: dict[str, Order] = {}
        self._started = False

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self, symbols: Iterable[str] = ()) -> None:
        """Connect the broker, subscribe ``symbols`` and load the broker's open orders.

        Raises:
            BrokerError: the broker could not connect.
        """
        self.journal.append(JournalKind.SESSION, {"event": "start", "broker": self.broker.name})
        self.broker.connect(
            BrokerCallbacks(
                on_order_update=self._on_order_update,
                on_quote=self._on_quote,
                on_trade=self._on_trade,
                on_bar=self._on_bar,
                on_connection=self._on_connection,
                on_clock=self._on_clock,
            )
        )
        self._started = True
        self.subscribe(symbols)
        open_orders = self.broker.orders("open")
        with self._lock:
            self._orders.update((o.id, o) for o in open_orders)
        self.journal.append(
            JournalKind.RECONCILE,
            {
                "open_orders": [o.client_order_id for o in open_orders],
                "positions": {p.symbol: str(p.qty) for p in self.broker.positions()},
            },
        )

    def stop(self, *, cancel_working: bool = False) -> None:
        """Close the broker; first cancel working orders when asked. Idempotent."""
        if not self._started:
            return
        self._started = False
        if cancel_working:
            self.cancel_all(source="shutdown")
        self.broker.close()
        self.journal.append(JournalKind.SESSION, {"event": "stop", "cancel_working": cancel_working})

    def subscribe(self, symbols: Iterable[str]) -> None:
        wanted = [s for s in symbols if s]
        if wanted:
            self.broker.subscribe(wanted)

    # -- the order road --------------------------------------------------------------------------

    def submit(self, request: OrderRequest, *, source: str = "operator") -> SubmitResult:
        """Send ``request`` down the one road: gate, journal, broker. Never raises for a refusal."""
        client_id = self._minter.mint(request.strategy)
        decision = self.gate.check(request)
        self.journal.append(
            JournalKind.RISK_DECISION,
            {
                "approved": decision.approved,
                "rule": decision.rule,
                "reason": decision.reason,
                "figures": decision.figures,
            },
            client_order_id=client_id,
            symbol=request.symbol,
            strategy=request.strategy,
        )
        if not decision.approved:
            self._report("risk", f"Order refused by risk check ({decision.rule}): {decision.reason}")
            return SubmitResult(client_id, decision=decision, message=decision.reason)
        self.journal.append(
            JournalKind.ORDER_INTENT,
            {"source": source, "request": request.model_dump(mode="json")},
            client_order_id=client_id,
            symbol=request.symbol,
            strategy=request.strategy,
        )
        try:
            order = self._submit_idempotent(request, client_id)
        except BrokerError as error:
            message = f"Broker refused the order to {request.side.value} {request.symbol}: {error}"
            self.journal.append(
                JournalKind.ERROR,
                {"where": "submit", "message": str(error), "code": error.code},
                client_order_id=client_id,
                symbol=request.symbol,
                strategy=request.strategy,
            )
            self._report("broker", message)
            return SubmitResult(client_id, decision=decision, message=message)
        self._remember(order)
        return SubmitResult(client_id, order=order, decision=decision)

    def _submit_idempotent(self, request: OrderRequest, client_id: str) -> Order:
        try:
            return self.broker.submit(request, client_id)
        except BrokerError as error:
            if not error.retryable:
                raise
        # The request may have reached the broker before the failure: look before sending again.
        try:
            return self.broker.order_by_client_id(client_id)
        except OrderNotFound:
            return self.broker.submit(request, client_id)

    def cancel(self, order_id: str, *, source: str = "operator") -> bool:
        """Ask the broker to cancel one order. Returns False (and reports why) when it cannot."""
        self.journal.append(JournalKind.OPERATOR, {"command": "cancel", "source": source}, order_id=order_id)
        try:
            self.broker.cancel(order_id)
        except BrokerError as error:
            self._report("broker", f"Could not cancel order {order_id[:8]}: {error}")
            return False
        return True

    def cancel_all(self, *, source: str = "operator") -> list[str]:
        self.journal.append(JournalKind.OPERATOR, {"command": "cancel_all", "source": source})
        try:
            return self.broker.cancel_all()
        except BrokerError as error:
            self._report("broker", f"Could not cancel all orders: {error}")
            return []

    def replace(self, order_id: str, changes: OrderChanges, *, source: str = "operator") -> Order | None:
        self.journal.append(
            JournalKind.OPERATOR,
            {"command": "replace", "source": source, "changes": _changes_payload(changes)},
            order_id=order_id,
        )
        try:
            order = self.broker.replace(order_id, changes)
        except BrokerError as error:
            self._report("broker", f"Could not replace order {order_id[:8]}: {error}")
            return None
        self._remember(order)
        return order

    def flatten(self, symbol: str | None = None, *, source: str = "operator") -> list[Order]:
        """Close one position, or all of them when ``symbol`` is None."""
        self.journal.append(JournalKind.OPERATOR, {"command": "flatten", "source": source}, symbol=symbol)
        try:
            orders = self.broker.close_position(symbol)
        except BrokerError as error:
            self._report("broker", f"Could not flatten {symbol or 'all positions'}: {error}")
            return []
        for order in orders:
            self._remember(order)
        return orders

    # -- views -----------------------------------------------------------------------------------

    def orders(self) -> list[Order]:
        """Every order this session has seen, newest first."""
        with self._lock:
            orders = list(self._orders.values())
        return sorted(orders, key=lambda o: o.created_at, reverse=True)

    def working_orders(self) -> list[Order]:
        return [o for o in self.orders() if not o.is_terminal]

    def positions(self) -> list[Position]:
        return self.broker.positions()

    def account(self) -> Account:
        return self.broker.account()

    # -- broker callbacks (broker thread) ----------------------------------------------------------

    def _on_order_update(self, update: OrderUpdate) -> None:
        order = update.order
        payload = update.model_dump(mode="json", exclude={"order": {"request"}})
        kind = JournalKind.FILL if update.fill is not None else JournalKind.BROKER_EVENT
        self.journal.append(
            kind,
            payload,
            order_id=order.id,
            client_order_id=order.client_order_id,
            symbol=order.symbol or None,
            strategy=order.strategy,
        )
        if update.event is TradeEvent.REJECTED:
            self._report("broker", f"Order {order.client_order_id} rejected: {update.reason or 'no reason'}")
        self._remember(order)
        self.bus.publish(update)

    def _on_quote(self, quote: Quote) -> None:
        self.quotes.update_quote(quote)
        self.bus.publish(quote)

    def _on_trade(self, trade: Trade) -> None:
        self.quotes.update_trade(trade)
        self.bus.publish(trade)

    def _on_bar(self, bar: Bar) -> None:
        self.bus.publish(bar)

    def _on_connection(self, status: ConnectionStatus) -> None:
        self.journal.append(JournalKind.SESSION, status.model_dump(mode="json"))
        self.bus.publish(status)

    def _on_clock(self, clock: ClockUpdate) -> None:
        self.bus.publish(clock)

    # -- helpers ---------------------------------------------------------------------------------

    def _remember(self, order: Order) -> None:
        with self._lock:
            known = self._orders.get(order.id)
            # Events can arrive out of order across threads; never let an older state overwrite a newer.
            if known is None or known.updated_at <= order.updated_at or order.is_terminal:
                self._orders[order.id] = order

    def _report(self, source: str, message: str) -> None:
        log.warning("%s", message)
        self.bus.publish(ErrorEvent(source=source, message=message))


def _changes_payload(changes: OrderChanges) -> dict[str, str]:
    return {
        name: str(value)
        for name in ("qty", "limit_price", "stop_price", "trail", "time_in_force")
        if (value := getattr(changes, name)) is not None
    }
