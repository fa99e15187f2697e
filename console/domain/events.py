"""Events: facts that happened, published on the bus and written to the journal.

Broker events use Alpaca's trade-update vocabulary (``TradeEvent``) whichever broker produced them.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from console.domain.base import DomainModel, Money, UtcDatetime, utc_now
from console.domain.enums import TradeEvent
from console.domain.orders import Fill, Order


class OrderUpdate(DomainModel):
    """Something happened to an order. ``fill`` is set on partial_fill and fill events."""

    event: TradeEvent
    order: Order
    fill: Fill | None = None
    position_qty: Money | None = Field(default=None, description="The symbol's position after a fill.")
    reason: str | None = Field(default=None, description="Why, for rejected and canceled events.")
    timestamp: UtcDatetime = Field(default_factory=utc_now)


class ConnectionState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STALE = "stale"
    RECONNECTING = "reconnecting"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


class ConnectionStatus(DomainModel):
    """The state of one connection (``trading``, ``market_data``, ...), for the header."""

    name: str
    state: ConnectionState
    detail: str = ""
    timestamp: UtcDatetime = Field(default_factory=utc_now)


class ErrorEvent(DomainModel):
    """A problem the user must see as one plain sentence."""

    source: str
    message: str
    timestamp: UtcDatetime = Field(default_factory=utc_now)


class AccountUpdate(DomainModel):
    """Equity or cash moved."""

    equity: Money
    cash: Money
    buying_power: Money
    day_pl: Money = Decimal(0)
    timestamp: UtcDatetime = Field(default_factory=utc_now)


class ClockUpdate(DomainModel):
    """The venue's clock: whether the market is open, and the venue's time."""

    is_open: bool
    timestamp: UtcDatetime
