"""The order ticket: a modal form that returns one valid ``OrderRequest``, or None when the trader backs out.

The form is checked on every change by ``console.ui.order_ticket_model`` (no Textual), which names one
plain reason and the field at fault; this screen only shows it, hides the fields the order type does not
use, and previews the order's cost and the risk gate's verdict. ``b`` and ``s`` are not bound here, so they
type into the fields; the side switches with ctrl+b / ctrl+s or its own select.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from console.domain import Account, OrderRequest, OrderType, Side, TimeInForce
from console.market.quote_book import QuoteBookRow
from console.risk.gate import RiskDecision
from console.ui.formatting import format_price
from console.ui.order_ticket_model import (
    OPTIONAL_FIELDS,
    TYPE_FIELDS,
    TicketCheck,
    TicketField,
    TicketForm,
    check_form,
    estimate,
    passive_price,
    risk_text,
)

_TYPE_NAMES = {
    OrderType.MARKET: "market",
    OrderType.LIMIT: "limit",
    OrderType.STOP: "stop",
    OrderType.STOP_LIMIT: "stop limit",
    OrderType.TRAILING_STOP: "trailing stop",
}
_TYPES = tuple(OrderType)
Choice = TypeVar("Choice")


class OrderTicketScreen(ModalScreen[OrderRequest | None]):
    """A modal order form: Enter sends the order when it is valid, Escape backs out with None.

    Args:
        symbol: The symbol to start with (ignored when ``prefill`` is given).
        side: The side to start with (ignored when ``prefill`` is given).
        quote: The symbol's quote: the default limit price and the estimate of a market order.
        account: The account whose buying power the preview measures the order against.
        prefill: An order to start from, e.g. the working order being replaced.
        verdict: The risk gate's check, run on every valid form to show "Risk: OK" or the reason.
        title: The dialog's title; "Order ticket" unless given (e.g. "Replace order 1a2b").
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "submit", "Send", show=False),
        Binding("ctrl+b", "switch_side('buy')", "Buy side"),
        Binding("ctrl+s", "switch_side('sell')", "Sell side"),
        Binding("ctrl+t", "next_type", "Next type"),
    ]

    DEFAULT_CSS = """
    OrderTicketScreen {
        align: center middle;
    }
    OrderTicketScreen #ticket {
        width: 84;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        background: $surface;
        border: thick $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        &.-buy { border: thick $success; }
        &.-sell { border: thick $error; }
    }
    OrderTicketScreen .row {
        height: auto;
    }
    OrderTicketScreen .field {
        width: 50%;
        height: auto;
        & > Label {
            width: 12;
            padding: 1 1 0 0;
            text-align: right;
            color: $text-muted;
        }
        & > Input, & > Select {
            width: 1fr;
        }
    }
    OrderTicketScreen Select.-invalid > SelectCurrent, OrderTicketScreen Checkbox.-invalid {
        border: tall $error 60%;
    }
    OrderTicketScreen #ticket-error {
        color: $error;
        width: 1fr;
    }
    OrderTicketScreen #ticket-preview {
        color: $foreground;
        width: 1fr;
    }
    OrderTicketScreen #ticket-risk {
        width: 1fr;
        &.-ok { color: $success; }
        &.-denied { color: $error; text-style: bold; }
        &.-failed { color: $warning; }
    }
    """

    side: reactive[Side] = reactive(Side.BUY, init=False)
    """The order's side; colours the dialog's border and moves a default limit price across the spread."""
    order_type: reactive[OrderType] = reactive(OrderType.MARKET, init=False)
    """The order's type; decides which price fields are shown."""

    def __init__(
        self,
        symbol: str = "",
        side: Side = Side.BUY,
        *,
        quote: QuoteBookRow | None = None,
        account: Account | None = None,
        prefill: OrderRequest | None = None,
        verdict: Callable[[OrderRequest], RiskDecision] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self._form = TicketForm.from_request(prefill) if prefill else TicketForm(symbol=symbol, side=side)
        self._quote = quote
        self._account = account
        self._verdict = verdict
        self._title = title or "Order ticket"
        self._check = TicketCheck()
        self.set_reactive(OrderTicketScreen.side, self._form.side)
        self.set_reactive(OrderTicketScreen.order_type, self._form.type)

    @property
    def check(self) -> TicketCheck:
        """The verdict on the form as it stands: the request Enter would send, or why there is none."""
        return self._check

    def watch_side(self, old: Side, new: Side) -> None:
        self.query_one("#side", Select).value = new
        self._show_side()
        limit = self.query_one(f"#{TicketField.LIMIT_PRICE}", Input)
        if limit.value == self._default_limit(old):
            limit.value = self._default_limit(new)
        self._revalidate()

    def watch_order_type(self, new: OrderType) -> None:
        self.query_one("#type", Select).value = new
        self._show_type_fields()
        limit = self.query_one(f"#{TicketField.LIMIT_PRICE}", Input)
        if new is OrderType.LIMIT and not limit.value:
            limit.value = self._default_limit(self.side)
        self._revalidate()

    def compose(self) -> ComposeResult:
        form = self._form
        with VerticalScroll(id="ticket") as ticket:
            ticket.border_title = self._title
            ticket.border_subtitle = "Enter send · Esc cancel · ^B buy · ^S sell · ^T type"
            with Horizontal(classes="row"):
                yield _field("Symbol", _input(TicketField.SYMBOL, form.symbol, "AAPL"))
                yield _field("Side", _select(TicketField.SIDE, [(s.value, s) for s in Side], form.side))
            with Horizontal(classes="row"):
                yield _field("Size", _input(TicketField.SIZE, form.size, "100 or $500"))
                types = [(_TYPE_NAMES[t], t) for t in _TYPES]
                yield _field("Type", _select(TicketField.TYPE, types, form.type))
            with Horizontal(classes="row"):
                yield _field("Stop", _input(TicketField.STOP_PRICE, form.stop_price))
                yield _field("Limit", _input(TicketField.LIMIT_PRICE, form.limit_price))
                yield _field("Trail", _input(TicketField.TRAIL, form.trail, "1.5 or 2%"))
            with Horizontal(classes="row"):
                tifs = [(t.value, t) for t in TimeInForce]
                yield _field("TIF", _select(TicketField.TIME_IN_FORCE, tifs, form.time_in_force))
                ext = Checkbox("Extended hours", form.extended_hours, id=TicketField.EXTENDED_HOURS)
                yield _field("", ext)
            with Horizontal(classes="row"):
                yield _field("Take-profit", _input(TicketField.TAKE_PROFIT, form.take_profit, "optional"))
                stop_loss = _input(TicketField.STOP_LOSS, form.stop_loss, "185 or 185/184.5")
                yield _field("Stop-loss", stop_loss)
            yield Label(id="ticket-error", markup=False)
            yield Static(id="ticket-preview", markup=False)
            yield Label(id="ticket-risk", markup=False)

    def on_mount(self) -> None:
        self._show_side()
        self._show_type_fields()
        self._revalidate()
        first = TicketField.SIZE if self._form.symbol else TicketField.SYMBOL
        self.query_one(f"#{first}").focus()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed, f"#{TicketField.TIME_IN_FORCE}")
    def _field_changed(self) -> None:
        self._revalidate()

    @on(Select.Changed, f"#{TicketField.SIDE}")
    def _side_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, Side):
            self.side = event.value

    @on(Select.Changed, f"#{TicketField.TYPE}")
    def _type_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, OrderType):
            self.order_type = event.value

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        """Send the order when the form is valid; otherwise move to the field at fault and stay."""
        self._revalidate()
        if self._check.request is not None:
            self.dismiss(self._check.request)
        elif self._check.field is not None:
            self.query_one(f"#{self._check.field}").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_switch_side(self, side: str) -> None:
        self.side = Side(side)

    def action_next_type(self) -> None:
        self.order_type = _TYPES[(_TYPES.index(self.order_type) + 1) % len(_TYPES)]

    def _show_side(self) -> None:
        ticket = self.query_one("#ticket")
        ticket.set_class(self.side is Side.BUY, "-buy")
        ticket.set_class(self.side is Side.SELL, "-sell")

    def _show_type_fields(self) -> None:
        used = TYPE_FIELDS[self.order_type]
        for field in OPTIONAL_FIELDS:
            self.query_one(f"#{field}-field").display = field in used

    def _default_limit(self, side: Side) -> str:
        """The passive limit price for ``side`` as text, or "" without a quote for the symbol."""
        symbol = self.query_one(f"#{TicketField.SYMBOL}", Input).value.strip().upper()
        if self._quote is None or self._quote.symbol != symbol:
            return ""
        price = passive_price(side, self._quote)
        return "" if price is None else format_price(price).replace(",", "")

    def _read_form(self) -> TicketForm:
        def text(field: TicketField) -> str:
            return self.query_one(f"#{field}", Input).value

        time_in_force = self.query_one(f"#{TicketField.TIME_IN_FORCE}", Select).value
        return TicketForm(
            symbol=text(TicketField.SYMBOL),
            side=self.side,
            size=text(TicketField.SIZE),
            type=self.order_type,
            limit_price=text(TicketField.LIMIT_PRICE),
            stop_price=text(TicketField.STOP_PRICE),
            trail=text(TicketField.TRAIL),
            time_in_force=time_in_force if isinstance(time_in_force, TimeInForce) else TimeInForce.DAY,
            extended_hours=self.query_one(f"#{TicketField.EXTENDED_HOURS}", Checkbox).value,
            take_profit=text(TicketField.TAKE_PROFIT),
            stop_loss=text(TicketField.STOP_LOSS),
        )

    def _revalidate(self) -> None:
        """Check the form, mark the field at fault, and refresh the error, the preview and the risk line."""
        self._check = check = check_form(self._read_form())
        for field in TicketField:
            self.query_one(f"#{field}").set_class(check.field is field, "-invalid")
        self.query_one("#ticket-error", Label).update(check.error)
        preview = self.query_one("#ticket-preview", Static)
        if check.request is None:
            preview.update("")
        else:
            preview.update("\n".join(estimate(check.request, self._quote, self._account).lines))
        self._show_risk(check.request)

    def _show_risk(self, request: OrderRequest | None) -> None:
        risk = self.query_one("#ticket-risk", Label)
        text, state = "", ""
        if request is not None and self._verdict is not None:
            try:
                decision = self._verdict(request)
            except Exception as error:  # a failing check must not take the ticket down with it
                text, state = f"Risk: could not check ({error})", "-failed"
            else:
                text, state = risk_text(decision), "-ok" if decision.approved else "-denied"
        risk.update(text)
        for name in ("-ok", "-denied", "-failed"):
            risk.set_class(name == state, name)


def _field(label: str, widget: Widget) -> Horizontal:
    """A labelled field, wrapped so that it can be hidden with its label."""
    return Horizontal(Label(label), widget, id=f"{widget.id}-field", classes="field")


def _input(field: TicketField, value: str, placeholder: str = "") -> Input:
    """A text field whose ``-invalid`` mark the ticket owns.

    The Input's own validation is switched off: it would clear the mark whenever the field loses focus.
    """
    return Input(value, placeholder=placeholder, id=field, validate_on=())


def _select(field: TicketField, options: Sequence[tuple[str, Choice]], value: Choice) -> Select[Choice]:
    """A select that always holds one of ``options`` (no blank)."""
    return Select(options, value=value, allow_blank=False, id=field)
