"""The status header: mode, connections, New York clock, market state and the account's money at a glance.

It repaints once a second (the clock), so it is one widget rendering two lines of ``Content`` from its
reactives: no child widgets, no layout work. Colours are theme variables resolved when it paints, so a
theme change needs nothing from this module. In live mode the whole header turns the error colour with a
heavy border: nobody should mistake live trading for the simulator.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from console.domain import ConnectionState, ConnectionStatus
from console.ui.formatting import format_clock_et, format_money, format_percent, percent_of

LIVE = "LIVE"
MISSING = "—"

_CHIP = " on $panel"
"""Coloured figures sit on a panel-coloured chip, so they stay legible on the live header's red."""

_BADGE_STYLES = {
    "SIM": "bold reverse $primary",
    "PAPER": "bold reverse $warning",
    LIVE: "bold reverse",
}

_STATE_COLOURS = {
    ConnectionState.CONNECTED: "$success",
    ConnectionState.CONNECTING: "$warning",
    ConnectionState.RECONNECTING: "$warning",
    ConnectionState.STALE: "$warning",
    ConnectionState.DISCONNECTED: "$error",
    ConnectionState.FAILED: "$error",
}

_SEPARATOR = "  │  "


class StatusHeader(Widget):
    """Two lines: mode badge, connections, clock and market state; then equity, day P&L, buying power."""

    DEFAULT_CSS = """
    StatusHeader {
        height: auto;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        &.-live {
            background: $error;
            color: $text;
            border: heavy $warning;
        }
    }
    """

    mode: reactive[str] = reactive("SIM")
    """Where orders go: ``"SIM"``, ``"PAPER"`` or ``"LIVE"`` (any case; a ``Mode`` works too)."""

    connections: reactive[dict[str, ConnectionStatus]] = reactive(dict, always_update=True)
    """The state of each connection by name, shown in insertion order; assigning always repaints."""

    clock: reactive[datetime | None] = reactive(None)
    """Now, shown in New York time."""

    market_open: reactive[bool | None] = reactive(None)
    """Whether the market is open; ``None`` until the broker has said."""

    equity: reactive[Decimal | None] = reactive(None)
    """Account equity."""

    day_pl: reactive[Decimal | None] = reactive(None)
    """Profit or loss since the previous close (equity minus last equity)."""

    buying_power: reactive[Decimal | None] = reactive(None)
    """What the account can still buy."""

    def __init__(self, *, id: str = "status", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)

    def validate_mode(self, mode: str) -> str:
        return str(mode).upper()

    def watch_mode(self, mode: str) -> None:
        self.set_class(mode == LIVE, "-live")

    def render(self) -> RenderResult:
        return Content("\n").join([self._status_line(), self._money_line()])

    def _status_line(self) -> Content:
        badge = Content.styled(f" {self.mode} ", _BADGE_STYLES.get(self.mode, "bold reverse"))
        parts = [badge, *(connection_text(status) for status in self.connections.values())]
        parts.append(Content(format_clock_et(self.clock) if self.clock is not None else MISSING))
        if self.market_open is not None:
            parts.append(
                Content.styled("OPEN", "$success" + _CHIP)
                if self.market_open
                else Content.styled("CLOSED", "$warning" + _CHIP)
            )
        return Content(_SEPARATOR).join(parts)

    def _money_line(self) -> Content:
        return Content(_SEPARATOR).join(
            [
                Content.assemble("Equity ", money_or_missing(self.equity)),
                Content.assemble("Day P&L ", day_pl_text(self.day_pl, self.equity)),
                Content.assemble("Buying power ", money_or_missing(self.buying_power)),
            ]
        )


def connection_text(status: ConnectionStatus) -> Content:
    """``trading: connected``, the state in its colour, with the detail when not connected."""
    state = status.state.value
    if status.detail and status.state is not ConnectionState.CONNECTED:
        state = f"{state} ({status.detail})"
    name = status.name.replace("_", " ")
    return Content.assemble(f"{name}: ", (state, _STATE_COLOURS[status.state] + _CHIP))


def day_pl_text(day_pl: Decimal | None, equity: Decimal | None) -> Content:
    """``+1,234.56 (+1.25%)`` coloured by sign; the percentage is of the previous close's equity."""
    if day_pl is None:
        return Content(MISSING)
    base = equity - day_pl if equity is not None else None
    percent = percent_of(day_pl, base)
    text = format_money(day_pl, signed=True)
    if percent is not None:
        text = f"{text} ({format_percent(percent)})"
    colour = "$success" if day_pl > 0 else "$error" if day_pl < 0 else ""
    return Content.styled(text, colour + _CHIP if colour else "")


def money_or_missing(value: Decimal | None) -> str:
    return MISSING if value is None else format_money(value)
