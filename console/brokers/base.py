"""The Broker port: what the console needs from a venue, whichever venue it is.

Every broker (the simulated venue, Alpaca paper and live) implements this Protocol. Events reach the
console through the callbacks given to ``connect``, in Alpaca's trade-update vocabulary, on the broker's
own thread; the session republishes them on the bus after the journal has them.

Only the session calls ``submit``, after the risk gate and the journal (DESIGN.md: one road to a broker).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from console.domain import (
    Account,
    Bar,
    OptionChain,
    Order,
    OrderRequest,
    OrderUpdate,
    Position,
    Quote,
    Timeframe,
    TimeInForce,
    Trade,
)
from console.domain.events import ClockUpdate, ConnectionStatus


class BrokerError(Exception):
    """A broker refused or failed a request. ``str(error)`` is one plain sentence for the user."""

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class OrderRejected(BrokerError):
    """The broker refused the order (insufficient buying power, unknown asset, ...)."""


class OrderNotFound(BrokerError):
    """No order with that id (or client order id) at the broker."""


class PositionNotFound(BrokerError):
    """No open position in that symbol."""


@dataclass(frozen=True, slots=True)
class OrderChanges:
    """What ``replace`` may change; ``None`` keeps the current value."""

    qty: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trail: Decimal | None = None
    time_in_force: TimeInForce | None = None


@dataclass(frozen=True, slots=True)
class BrokerCallbacks:
    """Where a broker delivers its events. Each is called on the broker's thread and must not block."""

    on_order_update: Callable[[OrderUpdate], None]
    on_quote: Callable[[Quote], None] = lambda _quote: None
    on_trade: Callable[[Trade], None] = lambda _trade: None
    on_bar: Callable[[Bar], None] = lambda _bar: None
    on_connection: Callable[[ConnectionStatus], None] = lambda _status: None
    on_clock: Callable[[ClockUpdate], None] = lambda _clock: None


@runtime_checkable
class Broker(Protocol):
    """A venue the console trades on. Methods are blocking and thread-safe unless stated.

    Errors are ``BrokerError`` subclasses carrying one plain sentence; nothing else escapes.
    """

    name: str
    """Shown in the header: ``sim``, ``alpaca-paper``, ``alpaca-live``."""

    def connect(self, callbacks: BrokerCallbacks) -> None:
        """Open connections and start delivering events to ``callbacks``. Required.

        Raises:
            BrokerError: could not connect (bad keys: not retryable).
        """

    def close(self) -> None:
        """Stop streams and release resources. Idempotent. Working orders are left as they are."""

    def account(self) -> Account:
        """The account's money now."""

    def positions(self) -> list[Position]:
        """Open positions (qty != 0), marked at the latest price."""

    def orders(self, status: str = "open") -> list[Order]:
        """Orders by ``status``: ``open`` (working), ``closed`` (terminal) or ``all``; newest first."""

    def order_by_client_id(self, client_order_id: str) -> Order:
        """Look an order up by the id the console minted (after a submit timeout, say).

        Raises:
            OrderNotFound: the broker never received it.
        """

    def submit(self, request: OrderRequest, client_order_id: str) -> Order:
        """Send an order. Returns the order as accepted (``pending_new``, ``new`` or already filled).

        Raises:
            OrderRejected: refused, with the broker's reason.
        """

    def cancel(self, order_id: str) -> None:
        """Ask to cancel one order; the outcome arrives as an event (``canceled``).

        Raises:
            OrderNotFound: unknown id.
            BrokerError: the order can no longer be canceled.
        """

    def cancel_all(self) -> list[str]:
        """Ask to cancel every working order. Returns the ids asked to cancel."""

    def replace(self, order_id: str, changes: OrderChanges) -> Order:
        """Replace a working order; returns the new order (the old one ends ``replaced``).

        Raises:
            OrderNotFound: unknown id.
            BrokerError: the order cannot be replaced in its state, or the changes are invalid.
        """

    def close_position(self, symbol: str | None = None) -> list[Order]:
        """Flatten one symbol (or every position when ``symbol`` is None) with market orders.

        Raises:
            PositionNotFound: no position in ``symbol``.
        """

    def subscribe(self, symbols: Iterable[str]) -> None:
        """Add symbols to the one market-data subscription (quotes, trades and 1-minute bars)."""

    def unsubscribe(self, symbols: Iterable[str]) -> None:
        """Remove symbols from the market-data subscription."""

    def latest_quote(self, symbol: str) -> Quote | None:
        """The freshest quote known for ``symbol``, or None."""

    def bars(self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime) -> Sequence[Bar]:
        """Historical bars in [start, end), oldest first."""

    def option_expirations(self, underlying: str) -> list[date]:
        """Listed expirations of ``underlying``, nearest first."""

    def option_chain(self, underlying: str, expiry: date) -> OptionChain:
        """Every quoted contract of ``underlying`` expiring on ``expiry``."""

    def is_market_open(self) -> bool:
        """Whether the venue's regular session is open now."""
