"""Order actions of the console: tickets, submit, cancel, replace, flatten, each off the event loop.

A mixin of ``ConsoleApp``, kept apart so the app module stays about layout and the frame loop. Every
broker call runs in a thread worker that ends by posting a message; dangerous actions on many orders or
positions (cancel all, flatten) ask for a confirming key first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from textual import work

from console.brokers.base import OrderChanges
from console.domain import Order, OrderRequest, Side
from console.ui.messages import ActionFailed, OrderSubmitted
from console.ui.panes.orders import OrdersPane
from console.ui.panes.positions import PositionsPane
from console.ui.panes.watchlist import WatchlistPane
from console.ui.screens.confirm import ConfirmScreen
from console.ui.screens.order_ticket import OrderTicketScreen

if TYPE_CHECKING:
    from console.ui.app import ConsoleApp

    _Base = ConsoleApp
else:
    _Base = object


class OrderActions(_Base):
    """Keyboard order entry and order management, mixed into the app."""

    # -- tickets ---------------------------------------------------------------------------------

    def action_buy(self) -> None:
        """Open a buy ticket for the selected symbol."""
        self.open_ticket(Side.BUY)

    def action_sell(self) -> None:
        """Open a sell ticket for the selected symbol."""
        self.open_ticket(Side.SELL)

    def open_ticket(self, side: Side, symbol: str | None = None) -> None:
        symbol = symbol or self.selected_symbol() or ""
        ticket = OrderTicketScreen(
            symbol,
            side,
            quote=self.session.quotes.snapshot().get(symbol),
            account=self.last_account,
            verdict=self.session.gate.check,
        )
        self.push_screen(ticket, self._ticket_closed)

    def _ticket_closed(self, request: OrderRequest | None) -> None:
        if request is not None:
            self.submit_order(request)

    def selected_symbol(self) -> str | None:
        """The symbol the focused pane points at, else the watchlist's selection."""
        focused = self.focused
        positions = self.query_one(PositionsPane)
        if focused is not None and positions in focused.ancestors_with_self and positions.selected_symbol:
            return positions.selected_symbol
        return self.query_one(WatchlistPane).selected_symbol

    # -- submit ----------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="orders")
    def submit_order(self, request: OrderRequest) -> None:
        """Send an order down the session's one road, off the event loop."""
        self.post_message(OrderSubmitted(self.session.submit(request)))

    def on_order_submitted(self, message: OrderSubmitted) -> None:
        result = message.result
        if result.order is not None:
            request = result.order.request
            size = f"${request.notional}" if request.notional is not None else f"{request.qty}"
            self.notify(f"Sent {request.side.value} {size} {request.symbol or 'spread'}", timeout=3)
        # A refusal was already published as an ErrorEvent: the frame loop shows it once.
        self.refresh_orders()

    def on_action_failed(self, message: ActionFailed) -> None:
        self.notify(message.message, severity="error", timeout=8)

    # -- working orders --------------------------------------------------------------------------

    def on_orders_pane_cancel_requested(self, message: OrdersPane.CancelRequested) -> None:
        self.cancel_order(message.order.id)

    @work(thread=True, exit_on_error=False, group="orders")
    def cancel_order(self, order_id: str) -> None:
        self.session.cancel(order_id)

    def on_orders_pane_replace_requested(self, message: OrdersPane.ReplaceRequested) -> None:
        order = message.order
        ticket = OrderTicketScreen(
            order.symbol,
            order.side,
            quote=self.session.quotes.snapshot().get(order.symbol),
            account=self.last_account,
            prefill=order.request,
            title=f"Replace order {order.client_order_id}",
        )
        self.push_screen(ticket, lambda request: self._replace_closed(order, request))

    def _replace_closed(self, order: Order, request: OrderRequest | None) -> None:
        if request is None:
            return
        changes = changes_between(order.request, request)
        if changes == OrderChanges():
            self.notify("Nothing changed; the order stands as it was.", timeout=3)
            return
        self.replace_order(order.id, changes)

    @work(thread=True, exit_on_error=False, group="orders")
    def replace_order(self, order_id: str, changes: OrderChanges) -> None:
        self.session.replace(order_id, changes)

    def action_cancel_all(self) -> None:
        """Cancel every working order, after a confirming key."""
        count = len(self.session.working_orders())
        self.push_screen(
            ConfirmScreen(f"Cancel all {count} working orders?", confirm_key="y"),
            lambda ok: self.cancel_all_orders() if ok else None,
        )

    @work(thread=True, exit_on_error=False, group="orders")
    def cancel_all_orders(self) -> None:
        self.session.cancel_all()

    # -- positions -------------------------------------------------------------------------------

    def on_positions_pane_flatten_requested(self, message: PositionsPane.FlattenRequested) -> None:
        self.confirm_flatten(message.symbol)

    def action_flatten_all(self) -> None:
        """Close every position at market, after a confirming key."""
        self.confirm_flatten(None)

    def confirm_flatten(self, symbol: str | None) -> None:
        what = symbol or "ALL positions"
        self.push_screen(
            ConfirmScreen(f"Flatten {what} at market?", confirm_key="y"),
            lambda ok: self.flatten(symbol) if ok else None,
        )

    @work(thread=True, exit_on_error=False, group="orders")
    def flatten(self, symbol: str | None) -> None:
        self.session.flatten(symbol)


def changes_between(old: OrderRequest, new: OrderRequest) -> OrderChanges:
    """What a replace must send to turn ``old`` into ``new`` (only the fields a replace may change)."""

    def changed(name: str) -> Decimal | None:
        value = getattr(new, name)
        return value if value != getattr(old, name) else None

    trail = new.trail_price if new.trail_price is not None else new.trail_percent
    old_trail = old.trail_price if old.trail_price is not None else old.trail_percent
    return OrderChanges(
        qty=changed("qty"),
        limit_price=changed("limit_price"),
        stop_price=changed("stop_price"),
        trail=trail if trail != old_trail else None,
        time_in_force=new.time_in_force if new.time_in_force != old.time_in_force else None,
    )
