"""The hand-over from engine threads to the UI: events are queued, quotes coalesced, one drain a frame.

Broker and strategy threads publish on the bus at any rate. Calling into Textual per event would stall
input (``call_from_thread`` is a ~170 µs blocking round trip), so the feed's bus handlers only append to
thread-safe structures, and the app's frame timer calls ``drain()`` on the event loop at ``ui.refresh_hz``.
Quotes collapse to the latest row per symbol (the QuoteBook already keeps that); order updates, errors,
connection changes and strategy state changes are kept in order, bounded so a stalled UI cannot grow
memory without limit.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field

from console.bus import EventBus, Subscription
from console.domain import ConnectionStatus, ErrorEvent, OrderUpdate
from console.domain.events import ClockUpdate
from console.engine.events import StrategyStateChanged
from console.market.quote_book import QuoteBook, QuoteBookRow

MAX_PENDING_EVENTS = 5_000
"""Order updates and errors kept between two frames; older ones are dropped (the journal has them)."""


@dataclass(frozen=True, slots=True)
class UiSnapshot:
    """What changed since the previous frame."""

    quotes: dict[str, QuoteBookRow] = field(default_factory=dict)
    order_updates: tuple[OrderUpdate, ...] = ()
    errors: tuple[ErrorEvent, ...] = ()
    connections: dict[str, ConnectionStatus] = field(default_factory=dict)
    clock: ClockUpdate | None = None
    strategy_changes: tuple[StrategyStateChanged, ...] = ()
    dropped: int = 0
    """Events discarded because the UI fell behind."""

    @property
    def empty(self) -> bool:
        return not (
            self.quotes
            or self.order_updates
            or self.errors
            or self.connections
            or self.clock
            or self.strategy_changes
        )


class UiFeed:
    """Collects bus events for the UI; ``drain`` is called on the event loop, the rest on any thread."""

    def __init__(self, bus: EventBus, quotes: QuoteBook) -> None:
        self._quotes = quotes
        self._lock = threading.Lock()
        self._events: collections.deque[OrderUpdate | ErrorEvent | StrategyStateChanged] = collections.deque()
        self._connections: dict[str, ConnectionStatus] = {}
        self._clock: ClockUpdate | None = None
        self._dropped = 0
        self._subscriptions: list[Subscription] = [
            bus.subscribe(OrderUpdate, self._keep),
            bus.subscribe(ErrorEvent, self._keep),
            bus.subscribe(StrategyStateChanged, self._keep),
            bus.subscribe(ConnectionStatus, self._on_connection),
            bus.subscribe(ClockUpdate, self._on_clock),
        ]

    def close(self) -> None:
        for subscription in self._subscriptions:
            subscription.close()

    def drain(self) -> UiSnapshot:
        """Everything since the last drain, with the latest quote row per changed symbol."""
        with self._lock:
            events, self._events = self._events, collections.deque()
            connections, self._connections = self._connections, {}
            clock, self._clock = self._clock, None
            dropped, self._dropped = self._dropped, 0
        return UiSnapshot(
            quotes=self._quotes.take_changed(),
            order_updates=tuple(e for e in events if isinstance(e, OrderUpdate)),
            errors=tuple(e for e in events if isinstance(e, ErrorEvent)),
            connections=connections,
            clock=clock,
            strategy_changes=tuple(e for e in events if isinstance(e, StrategyStateChanged)),
            dropped=dropped,
        )

    def _keep(self, event: OrderUpdate | ErrorEvent | StrategyStateChanged) -> None:
        with self._lock:
            if len(self._events) >= MAX_PENDING_EVENTS:
                self._events.popleft()
                self._dropped += 1
            self._events.append(event)

    def _on_connection(self, status: ConnectionStatus) -> None:
        with self._lock:
            self._connections[status.name] = status

    def _on_clock(self, clock: ClockUpdate) -> None:
        with self._lock:
            self._clock = clock
