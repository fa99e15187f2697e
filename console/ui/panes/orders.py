"""The orders pane: today's orders in four views, with cancel and replace on the selected one.

The app hands the pane the full order list (newest first) every frame something changed; the pane diffs
it by order id, so a fill repaints a few cells and the cursor stays on the order the trader picked.
Orders change at human (or strategy) pace, so a ``DataTable`` is fast enough here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.theme import Theme

from console.domain import Order, OrderClass, OrderStatus, OrderType, Side
from console.ui.formatting import (
    format_money,
    format_percent,
    format_price,
    format_qty,
    format_time_et,
    truncate_start,
)
from console.ui.widgets.table_pane import TablePane

CLIENT_ID_WIDTH = 16
"""Characters of a client order id shown; its end (the sequence number) is kept."""
ORDER_ID_WIDTH = 8


class OrderView(StrEnum):
    """Which orders the pane lists; ``v`` cycles through them in this order."""

    WORKING = "working"
    FILLED = "filled"
    CANCELLED = "cancelled"
    ALL = "all"

    def includes(self, status: OrderStatus) -> bool:
        """True when an order with ``status`` belongs in this view."""
        match self:
            case OrderView.WORKING:
                return status.is_working
            case OrderView.FILLED:
                return status is OrderStatus.FILLED
            case OrderView.CANCELLED:
                return status in _CANCELLED
            case OrderView.ALL:
                return True

    @property
    def next(self) -> OrderView:
        views = list(OrderView)
        return views[(views.index(self) + 1) % len(views)]


_CANCELLED = frozenset(
    {OrderStatus.CANCELED, OrderStatus.EXPIRED, OrderStatus.REJECTED, OrderStatus.REPLACED}
)
"""Orders that ended without filling completely (a replaced order lives on as its replacement)."""

_TYPE_LABELS = {
    OrderType.MARKET: "market",
    OrderType.LIMIT: "limit",
    OrderType.STOP: "stop",
    OrderType.STOP_LIMIT: "stop limit",
    OrderType.TRAILING_STOP: "trail",
}

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # key, label, right-aligned. The first columns read as the trader says an order ("BUY 10 limit 1.00
    # new"), because the pane is narrow beside the watchlist and the rest scrolls sideways.
    ("symbol", "symbol", False),
    ("side", "side", False),
    ("qty", "qty", True),
    ("type", "type", False),
    ("limit", "limit", True),
    ("stop", "stop", True),
    ("status", "status", False),
    ("filled", "filled", True),
    ("time", "time (ET)", False),
    ("tif", "TIF", False),
    ("strategy", "strategy", False),
    ("client_id", "client id", False),
    ("id", "id", False),
)


class OrdersPane(TablePane):
    """Today's orders: working, filled, cancelled or all; cancel or replace the one under the cursor."""

    BINDINGS = [
        Binding("c", "cancel_order", "Cancel"),
        Binding("r", "replace_order", "Replace"),
        Binding("v", "cycle_view", "View"),
    ]

    COMPONENT_CLASSES = {"orders--buy", "orders--sell", "orders--rejected"}

    DEFAULT_CSS = """
    OrdersPane {
        & > .orders--buy { color: $success; }
        & > .orders--sell { color: $error; }
        & > .orders--rejected { color: $error; }
    }
    """

    COLUMNS = COLUMNS
    TABLE_ID = "orders-table"

    view: reactive[OrderView] = reactive(OrderView.WORKING, init=False)
    """Which orders the table lists; ``v`` cycles working → filled → cancelled → all."""

    @dataclass
    class CancelRequested(Message):
        """The trader asked to cancel a working order (the app cancels it)."""

        order: Order

    @dataclass
    class ReplaceRequested(Message):
        """The trader asked to change a working order (the app opens the ticket to replace it)."""

        order: Order

    def __init__(self, *, id: str = "orders", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._orders: tuple[Order, ...] = ()
        self._by_id: dict[str, Order] = {}
        self._cells: dict[str, tuple[Order, tuple[Text, ...]]] = {}
        """Cells of the orders shown, kept while the order is unchanged: a busy day has many orders."""

    @property
    def selected_order(self) -> Order | None:
        """The order under the cursor, or ``None`` when the view is empty."""
        key = self.table.selected_key
        return None if key is None else self._by_id.get(key)

    def update_orders(self, orders: Sequence[Order]) -> None:
        """Show ``orders`` (the full list, newest first), repainting only what changed.

        Args:
            orders: Every order the console knows of today; the pane filters them by its view.
        """
        self._orders = tuple(orders)
        self._by_id = {order.id: order for order in self._orders}
        if self.is_mounted:
            self._show()

    def watch_view(self) -> None:
        if self.is_mounted:
            self._show()

    def action_cycle_view(self) -> None:
        self.view = self.view.next

    def action_cancel_order(self) -> None:
        order = self._working_selection("cancelled")
        if order is not None:
            self.post_message(self.CancelRequested(order))

    def action_replace_order(self) -> None:
        order = self._working_selection("replaced")
        if order is not None:
            self.post_message(self.ReplaceRequested(order))

    def _working_selection(self, done_to: str) -> Order | None:
        order = self.selected_order
        if order is not None and order.is_terminal:
            status = order.status.value.replace("_", " ")
            self.notify(
                f"Order {order.id[:ORDER_ID_WIDTH]} is {status}; only a working order can be {done_to}."
            )
            return None
        return order

    def _recolour(self, _theme: Theme) -> None:
        self._cells.clear()
        self._show()

    def _show(self) -> None:
        styles = {name: self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES}
        cells: dict[str, tuple[Order, tuple[Text, ...]]] = {}
        for order in self._orders:
            if not self.view.includes(order.status):
                continue
            cached = self._cells.get(order.id)
            if cached is None or (cached[0] is not order and cached[0] != order):
                cached = (order, order_cells(order, styles))
            cells[order.id] = cached
        self._cells = cells
        self.table.show_rows([(order_id, row) for order_id, (_order, row) in cells.items()])
        self.border_title = f"2 Orders · {self.view.value} ({len(cells)})"


def order_cells(order: Order, styles: dict[str, Style]) -> tuple[Text, ...]:
    """One table row for ``order``, in ``COLUMNS`` order.

    Args:
        order: The order.
        styles: Rich styles of the pane's component classes (``orders--buy`` and so on).
    """
    request = order.request
    side_style = styles["orders--buy"] if order.side is Side.BUY else styles["orders--sell"]
    status_style = styles["orders--rejected"] if order.status is OrderStatus.REJECTED else ""
    type_label = _TYPE_LABELS[request.type]
    if request.order_class is not OrderClass.SIMPLE:
        type_label = f"{type_label} {request.order_class.value}"
    qty = format_qty(request.qty) if request.qty is not None else f"${format_money(request.notional)}"
    stop = format_price(request.stop_price or request.trail_price)
    if request.trail_percent is not None:
        stop = format_percent(request.trail_percent, signed=False)
    return (
        Text(order.symbol or f"{len(request.legs)} legs"),
        Text(order.side.value.upper(), style=side_style),
        Text(qty, justify="right"),
        Text(type_label),
        Text(format_price(request.limit_price), justify="right"),
        Text(stop, justify="right"),
        Text(order.status.value.replace("_", " "), style=status_style),
        Text(format_qty(order.filled_qty), justify="right"),
        Text(format_time_et(order.created_at)),
        Text(request.time_in_force.value.upper()),
        Text(order.strategy or "manual"),
        Text(truncate_start(order.client_order_id, CLIENT_ID_WIDTH)),
        Text(order.id[:ORDER_ID_WIDTH]),
    )
