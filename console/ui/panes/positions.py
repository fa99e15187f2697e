"""The positions pane: what the account holds, its P&L, and a key to flatten the selected holding.

Positions arrive with the account once a second; the table diffs them by symbol (see ``KeyedTable``),
so the cursor stays on the symbol the trader picked while prices move under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from console.domain import Account, Position
from console.ui.formatting import format_money, format_percent, format_price, format_qty, percent_of
from console.ui.widgets.table_pane import TablePane

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # key, label, right-aligned
    ("symbol", "symbol", False),
    ("qty", "qty", True),
    ("avg_price", "avg price", True),
    ("last", "last", True),
    ("market_value", "mkt value", True),
    ("unrealized", "unrl P&L", True),
    ("unrealized_pct", "unrl %", True),
    ("realized", "rlzd P&L", True),
    ("equity_pct", "% equity", True),
)


class PositionsPane(TablePane):
    """Open positions with unrealized and realized P&L, a totals line, and flatten on ``f``."""

    BINDINGS = [Binding("f", "flatten_position", "Flatten")]

    COMPONENT_CLASSES = {"positions--gain", "positions--loss"}

    DEFAULT_CSS = """
    PositionsPane {
        & > #positions-totals {
            height: 1;
            padding: 0 1;
            background: $panel;
            color: $foreground;
        }
        & > .positions--gain { color: $success; }
        & > .positions--loss { color: $error; }
    }
    """

    COLUMNS = COLUMNS
    TABLE_ID = "positions-table"

    @dataclass
    class FlattenRequested(Message):
        """The trader asked to close the position in ``symbol`` at market (the app confirms first)."""

        symbol: str

    def __init__(self, *, id: str = "positions", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._positions: tuple[Position, ...] = ()
        self._account: Account | None = None

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(id="positions-totals")

    @property
    def selected_symbol(self) -> str | None:
        """The symbol under the cursor, or ``None`` when flat."""
        return self.table.selected_key

    def update_positions(self, positions: Sequence[Position], account: Account | None) -> None:
        """Show ``positions`` (sorted by symbol) and their totals.

        Args:
            positions: Every open position.
            account: The account, for each position's share of equity; ``None`` leaves that column blank.
        """
        self._positions = tuple(sorted(positions, key=lambda position: position.symbol))
        self._account = account
        if self.is_mounted:
            self._show()

    def action_flatten_position(self) -> None:
        symbol = self.selected_symbol
        if symbol is not None:
            self.post_message(self.FlattenRequested(symbol))

    def _show(self) -> None:
        gain, loss = (self.get_component_rich_style(f"positions--{name}") for name in ("gain", "loss"))
        equity = self._account.equity if self._account is not None else None
        self.table.show_rows(
            [(p.symbol, position_cells(p, equity, gain=gain, loss=loss)) for p in self._positions]
        )
        self.query_one("#positions-totals", Static).update(totals_line(self._positions))
        self.border_title = f"3 Positions ({len(self._positions)})"


def position_cells(
    position: Position, equity: Decimal | None, *, gain: Style, loss: Style
) -> tuple[Text, ...]:
    """One table row for ``position``, in ``COLUMNS`` order.

    Args:
        position: The holding.
        equity: Account equity, the base of the "% equity" column; ``None`` leaves it blank.
        gain: Style of a positive P&L.
        loss: Style of a negative P&L.
    """
    unrealized = position.unrealized_pl

    def pl(value: Decimal, text: str) -> Text:
        style = gain if value > 0 else loss if value < 0 else ""
        return Text(text, style=style, justify="right")

    return (
        Text(position.symbol),
        Text(format_qty(position.qty), justify="right"),
        Text(format_price(position.avg_entry_price), justify="right"),
        Text(format_price(position.current_price), justify="right"),
        Text(format_money(position.market_value), justify="right"),
        pl(unrealized, format_money(unrealized, signed=True)),
        pl(unrealized, format_percent(percent_of(unrealized, position.cost_basis))),
        pl(position.realized_pl, format_money(position.realized_pl, signed=True)),
        Text(format_percent(percent_of(position.market_value, equity), signed=False), justify="right"),
    )


def totals_line(positions: Sequence[Position]) -> Content:
    """The line under the table: total market value, unrealized and realized P&L, coloured by sign."""
    market_value = sum((p.market_value for p in positions), Decimal(0))
    unrealized = sum((p.unrealized_pl for p in positions), Decimal(0))
    realized = sum((p.realized_pl for p in positions), Decimal(0))
    return Content.assemble(
        "Total  mkt value ",
        format_money(market_value),
        "  unrealized ",
        (format_money(unrealized, signed=True), pl_style(unrealized)),
        "  realized ",
        (format_money(realized, signed=True), pl_style(realized)),
    )


def pl_style(value: Decimal) -> str:
    """The theme colour of a profit or loss: ``$success`` above zero, ``$error`` below, none at zero."""
    return "$success" if value > 0 else "$error" if value < 0 else ""
