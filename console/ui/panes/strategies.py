"""The strategies pane: every configured strategy, its state, position, orders, P&L and last signal.

The app hands the pane a snapshot of rows from the engine's ``StrategyHost`` whenever a strategy changes
state or its orders move; the pane diffs them by name (a ``KeyedTable``), so the cursor stays put. Keys
post messages up and the app acts on them in thread workers: the pane never touches the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.engine.events import StrategyState
from console.ui.formatting import format_money, format_qty
from console.ui.widgets.table_pane import TablePane

if TYPE_CHECKING:
    from console.engine.strategy_host import StrategyRow

SIGNAL_WIDTH = 40
"""Characters of the last signal shown; the rest is cut with an ellipsis."""

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("name", "name", False),
    ("state", "state", False),
    ("symbols", "symbols", False),
    ("position", "position", True),
    ("orders", "orders", True),
    ("pl", "P&L", True),
    ("trades", "trades", True),
    ("signal", "last signal", False),
)


class StrategiesPane(TablePane):
    """The configured strategies; start/stop, pause/resume, and look at their log and params."""

    BINDINGS = [
        Binding("space", "toggle", "Start/stop"),
        Binding("p", "pause", "Pause/resume"),
        Binding("l", "show_log", "Log"),
        Binding("i", "show_params", "Params"),
    ]

    COMPONENT_CLASSES = {
        "strategies--running",
        "strategies--paused",
        "strategies--errored",
        "strategies--muted",
        "strategies--gain",
        "strategies--loss",
    }

    DEFAULT_CSS = """
    StrategiesPane {
        & > .strategies--running { color: $success; }
        & > .strategies--paused { color: $warning; }
        & > .strategies--errored { color: $error; }
        & > .strategies--muted { color: $text-muted; }
        & > .strategies--gain { color: $success; }
        & > .strategies--loss { color: $error; }
    }
    """

    COLUMNS = COLUMNS
    TABLE_ID = "strategies-table"

    @dataclass
    class ToggleRequested(Message):
        """Start the strategy if it is stopped, stop it if it is active (the app asks the engine)."""

        name: str

    @dataclass
    class PauseRequested(Message):
        """Pause the strategy if it runs, resume it if it is paused."""

        name: str

    @dataclass
    class ShowLog(Message):
        """Show the strategy's recent journal rows."""

        name: str

    @dataclass
    class ShowParams(Message):
        """Show the strategy's params."""

        name: str

    def __init__(self, *, id: str = "strategies", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: tuple[StrategyRow, ...] = ()
        self.problems: tuple[str, ...] = ()

    @property
    def selected_name(self) -> str | None:
        """The name of the strategy under the cursor, or ``None`` when there are none."""
        return self.table.selected_key

    @property
    def rows(self) -> tuple[StrategyRow, ...]:
        return self._rows

    def update_strategies(self, rows: Sequence[StrategyRow], problems: Sequence[str] = ()) -> None:
        """Show ``rows`` (every loaded strategy, in configuration order), repainting only what changed.

        Args:
            rows: The host's snapshot.
            problems: Sentences about strategies that could not be loaded (counted in the title).
        """
        if tuple(rows) == self._rows and tuple(problems) == self.problems:
            return
        self._rows = tuple(rows)
        self.problems = tuple(problems)
        if self.is_mounted:
            self._show()

    # -- keys --------------------------------------------------------------------------------------

    def action_toggle(self) -> None:
        if (name := self._selection()) is not None:
            self.post_message(self.ToggleRequested(name))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row toggles it, like space."""
        event.stop()
        self.action_toggle()

    def action_pause(self) -> None:
        if (name := self._selection()) is not None:
            self.post_message(self.PauseRequested(name))

    def action_show_log(self) -> None:
        if (name := self._selection()) is not None:
            self.post_message(self.ShowLog(name))

    def action_show_params(self) -> None:
        if (name := self._selection()) is not None:
            self.post_message(self.ShowParams(name))

    def _selection(self) -> str | None:
        name = self.selected_name
        if name is None:
            self.notify("No strategy is configured; add one under strategies: in settings.yaml.")
        return name

    # -- drawing -----------------------------------------------------------------------------------

    def _show(self) -> None:
        styles = {name: self.get_component_rich_style(name, partial=True) for name in self.COMPONENT_CLASSES}
        self.table.show_rows([(row.name, strategy_cells(row, styles)) for row in self._rows])
        active = sum(1 for row in self._rows if row.state is not StrategyState.STOPPED)
        title = f"5 Strategies ({active}/{len(self._rows)} on)"
        if self.problems:
            title += f" · {len(self.problems)} not loaded"
        self.border_title = title


_STATE_STYLE = {
    StrategyState.RUNNING: "strategies--running",
    StrategyState.WARMING_UP: "strategies--paused",
    StrategyState.PAUSED: "strategies--paused",
    StrategyState.ERRORED: "strategies--errored",
    StrategyState.STOPPED: "strategies--muted",
}


def strategy_cells(row: StrategyRow, styles: dict[str, Style]) -> tuple[Text, ...]:
    """One table row for ``row``, in ``COLUMNS`` order."""
    pl = row.pl
    pl_style = "" if not pl else styles["strategies--gain" if pl > 0 else "strategies--loss"]
    signal = row.detail if row.state is StrategyState.ERRORED and row.detail else row.signal
    if len(signal) > SIGNAL_WIDTH:
        signal = signal[: SIGNAL_WIDTH - 1] + "…"
    return (
        Text(row.name),
        Text(row.state.value.replace("_", " "), style=styles[_STATE_STYLE[row.state]]),
        Text(" ".join(row.symbols)),
        Text(format_qty(row.position) if row.position else "", justify="right"),
        Text(str(row.open_orders) if row.open_orders else "", justify="right"),
        Text(format_money(pl, signed=True), style=pl_style, justify="right"),
        Text(str(row.trades) if row.trades else "", justify="right"),
        Text(signal),
    )


class StrategyDetailScreen(ModalScreen[None]):
    """A strategy's recent log lines or its params, one per line; Escape or ``q`` closes it."""

    BINDINGS = [Binding("escape,q,l,i", "close", "Close")]

    DEFAULT_CSS = """
    StrategyDetailScreen {
        align: center middle;
    }
    StrategyDetailScreen #strategy-detail {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        background: $surface;
        border: thick $primary;
        border-title-style: bold;
    }
    """

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = tuple(lines) or ("(nothing yet)",)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="strategy-detail") as scroll:
            scroll.border_title = self.title_text
            scroll.border_subtitle = "Esc closes"
            yield Static(Text("\n".join(self.lines)), id="strategy-detail-text")

    def action_close(self) -> None:
        self.dismiss(None)
