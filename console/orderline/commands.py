"""What a command line asks for: one frozen dataclass per command, named as a request."""

from __future__ import annotations

from dataclasses import dataclass

from console.brokers.base import OrderChanges
from console.domain import OrderRequest


@dataclass(frozen=True, slots=True)
class PlaceOrder:
    """Send an order (single-leg, bracket, OTO, OCO or a multi-leg option spread)."""

    request: OrderRequest


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """Cancel one working order, named by its id, client order id, or a unique prefix of either."""

    order_ref: str


@dataclass(frozen=True, slots=True)
class CancelAll:
    """Cancel every working order."""


@dataclass(frozen=True, slots=True)
class Flatten:
    """Close the position in ``symbol`` with a market order, or every position when ``symbol`` is None."""

    symbol: str | None


@dataclass(frozen=True, slots=True)
class Replace:
    """Change a working order; ``changes`` holds only what the user named."""

    order_ref: str
    changes: OrderChanges


@dataclass(frozen=True, slots=True)
class StartStrategy:
    name: str


@dataclass(frozen=True, slots=True)
class StopStrategy:
    name: str


@dataclass(frozen=True, slots=True)
class PauseStrategy:
    name: str


@dataclass(frozen=True, slots=True)
class ResumeStrategy:
    name: str


@dataclass(frozen=True, slots=True)
class Watch:
    """Add symbols to a watchlist (the current one when ``list_name`` is None)."""

    symbols: tuple[str, ...]
    list_name: str | None = None


@dataclass(frozen=True, slots=True)
class Unwatch:
    """Remove symbols from a watchlist (the current one when ``list_name`` is None)."""

    symbols: tuple[str, ...]
    list_name: str | None = None


@dataclass(frozen=True, slots=True)
class Help:
    """Show the grammar, or one topic of it (a canonical topic name from ``help.TOPICS``)."""

    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Quit:
    """Leave the console."""


@dataclass(frozen=True, slots=True)
class Theme:
    name: str


@dataclass(frozen=True, slots=True)
class Kill:
    """Engage the kill switch: cancel everything and refuse new orders until trading is resumed."""


@dataclass(frozen=True, slots=True)
class ResumeTrading:
    """Release the kill switch."""


Command = (
    PlaceOrder
    | CancelOrder
    | CancelAll
    | Flatten
    | Replace
    | StartStrategy
    | StopStrategy
    | PauseStrategy
    | ResumeStrategy
    | Watch
    | Unwatch
    | Help
    | Quit
    | Theme
    | Kill
    | ResumeTrading
)
"""Everything ``parse`` can return."""
