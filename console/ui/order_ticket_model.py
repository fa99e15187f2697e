"""The order ticket's logic without Textual: form values in, an ``OrderRequest`` or one plain sentence out.

Why a module of its own: the ticket validates on every keystroke, and its rules (which fields an order
type uses, how ``$500``, ``2%`` and ``185/184.5`` read, which field a mistake belongs to, what the order
costs) are easier to hold in a table of tests than through a screen. The text fields are read with the
command line's readers and the domain's ``OrderRequest`` has the last word, so the ticket and the command
line say the same thing about the same mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pydantic import ValidationError

from console.domain import (
    Account,
    OrderClass,
    OrderRequest,
    OrderType,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
)
from console.market.quote_book import QuoteBookRow
from console.orderline.errors import OrderLineError, plain_message
from console.orderline.tokens import positive, symbol
from console.risk.gate import RiskDecision
from console.ui.formatting import format_money, format_price, format_qty


class TicketField(StrEnum):
    """A field of the ticket; the value is the id of its widget."""

    SYMBOL = "symbol"
    SIDE = "side"
    SIZE = "size"
    TYPE = "type"
    LIMIT_PRICE = "limit-price"
    STOP_PRICE = "stop-price"
    TRAIL = "trail"
    TIME_IN_FORCE = "time-in-force"
    EXTENDED_HOURS = "extended-hours"
    TAKE_PROFIT = "take-profit"
    STOP_LOSS = "stop-loss"


TYPE_FIELDS: dict[OrderType, frozenset[TicketField]] = {
    OrderType.MARKET: frozenset(),
    OrderType.LIMIT: frozenset({TicketField.LIMIT_PRICE, TicketField.EXTENDED_HOURS}),
    OrderType.STOP: frozenset({TicketField.STOP_PRICE}),
    OrderType.STOP_LIMIT: frozenset({TicketField.STOP_PRICE, TicketField.LIMIT_PRICE}),
    OrderType.TRAILING_STOP: frozenset({TicketField.TRAIL}),
}
"""The fields each order type uses beyond those every order has; the others are hidden and ignored."""

OPTIONAL_FIELDS = frozenset().union(*TYPE_FIELDS.values())
"""Every field that only some order types use."""

_TIMES = " \u00d7 "

SIZE_HINT = "enter a quantity, or $ and an amount for a notional order (100 or $500)"


class TicketError(ValueError):
    """The form does not make a valid order. ``message`` is one plain sentence; ``field`` is at fault."""

    def __init__(self, message: str, field: TicketField | None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class TicketForm:
    """The ticket's values as typed: prices and sizes are text, choices are enums."""

    symbol: str = ""
    side: Side = Side.BUY
    size: str = ""
    """A quantity (``100``, ``0.5``) or, after ``$``, a notional amount (``$500``)."""
    type: OrderType = OrderType.MARKET
    limit_price: str = ""
    stop_price: str = ""
    trail: str = ""
    """A trail amount (``1.5``) or percent (``2%``)."""
    time_in_force: TimeInForce = TimeInForce.DAY
    extended_hours: bool = False
    take_profit: str = ""
    stop_loss: str = ""
    """A stop price (``185``), or a stop and a limit (``185/184.5``) for a stop-limit exit."""

    @classmethod
    def from_request(cls, request: OrderRequest) -> TicketForm:
        """The form that shows ``request`` (to prefill a ticket, e.g. to replace an order).

        The ticket has no OCO shape (the command line does): an OCO comes back as a limit order with
        both exits, which the form then reads as a bracket.
        """
        take, stop = request.take_profit, request.stop_loss
        trail = _text(request.trail_price)
        if request.trail_percent is not None:
            trail = f"{_text(request.trail_percent)}%"
        stop_loss = ""
        if stop is not None:
            stop_loss = _text(stop.stop_price)
            if stop.limit_price is not None:
                stop_loss += f"/{_text(stop.limit_price)}"
        return cls(
            symbol=request.symbol,
            side=request.side,
            size=_text(request.qty) if request.notional is None else f"${_text(request.notional)}",
            type=request.type,
            limit_price=_text(request.limit_price),
            stop_price=_text(request.stop_price),
            trail=trail,
            time_in_force=request.time_in_force,
            extended_hours=request.extended_hours,
            take_profit="" if take is None else _text(take.limit_price),
            stop_loss=stop_loss,
        )


@dataclass(frozen=True, slots=True)
class TicketCheck:
    """The verdict on a form: the request it makes, or why it makes none and which field is at fault."""

    request: OrderRequest | None = None
    error: str = ""
    field: TicketField | None = None


def check_form(form: TicketForm) -> TicketCheck:
    """Validate ``form`` without raising: what the ticket does on every keystroke."""
    try:
        return TicketCheck(build_request(form))
    except TicketError as error:
        return TicketCheck(error=error.message, field=error.field)


def build_request(form: TicketForm) -> OrderRequest:
    """The ``OrderRequest`` the form asks for. Fields its order type does not use are ignored.

    One exit (take-profit or stop-loss) makes an OTO order, both make a bracket. The request carries no
    client order id or strategy: the session mints the id when it sends the order.

    Raises:
        TicketError: the first mistake, reading the form top to bottom, as one plain sentence.
    """
    used = TYPE_FIELDS[form.type]
    with _reading(TicketField.SYMBOL):
        if not form.symbol.strip():
            raise OrderLineError("enter a symbol, such as AAPL")
        ticker = symbol(form.symbol.strip())
    with _reading(TicketField.SIZE):
        qty, notional = _size(form.size.strip())
    with _reading(TicketField.STOP_PRICE):
        stop_price = _price(form.stop_price, "stop price") if TicketField.STOP_PRICE in used else None
    with _reading(TicketField.LIMIT_PRICE):
        limit_price = _price(form.limit_price, "limit price") if TicketField.LIMIT_PRICE in used else None
    with _reading(TicketField.TRAIL):
        trail_price, trail_percent = _trail(form.trail.strip()) if TicketField.TRAIL in used else (None, None)
    with _reading(TicketField.TAKE_PROFIT):
        take_price = _price(form.take_profit, "take-profit price")
    with _reading(TicketField.STOP_LOSS):
        stop_loss = _stop_loss(form.stop_loss.strip())
    exits = (take_price is not None) + (stop_loss is not None)
    try:
        return OrderRequest(
            symbol=ticker,
            side=form.side,
            type=form.type,
            qty=qty,
            notional=notional,
            time_in_force=form.time_in_force,
            limit_price=limit_price,
            stop_price=stop_price,
            trail_price=trail_price,
            trail_percent=trail_percent,
            extended_hours=form.extended_hours and TicketField.EXTENDED_HOURS in used,
            order_class=(OrderClass.SIMPLE, OrderClass.OTO, OrderClass.BRACKET)[exits],
            take_profit=None if take_price is None else TakeProfit(limit_price=take_price),
            stop_loss=stop_loss,
        )
    except ValidationError as error:
        message = plain_message(error)
        raise TicketError(message, _field_named_in(message)) from None


@contextmanager
def _reading(field: TicketField) -> Iterator[None]:
    """Turn the command line's reader errors into a ``TicketError`` on ``field``."""
    try:
        yield
    except OrderLineError as error:
        raise TicketError(error.message, field) from None


def _size(text: str) -> tuple[Decimal | None, Decimal | None]:
    if not text:
        raise OrderLineError(SIZE_HINT)
    if text.startswith("$"):
        return None, positive(text[1:].strip().replace(",", ""), "notional amount", shown=text)
    return positive(text.replace(",", ""), "quantity", shown=text), None


def _price(text: str, what: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    return positive(text, what) if text else None


def _trail(text: str) -> tuple[Decimal | None, Decimal | None]:
    if not text:
        raise OrderLineError("a trailing stop needs a trail: an amount (1.5) or a percent (2%)")
    if text.endswith("%"):
        return None, positive(text[:-1].strip(), "trail percent", shown=text)
    return _price(text, "trail amount"), None


def _stop_loss(text: str) -> StopLoss | None:
    if not text:
        return None
    stop, slash, limit = text.partition("/")
    stop_price = positive(stop.strip(), "stop-loss price", shown=text)
    limit_price = positive(limit.strip(), "stop-loss limit price", shown=text) if slash else None
    return StopLoss(stop_price=stop_price, limit_price=limit_price)


_FIELD_WORDS = (
    ("take-profit", TicketField.TAKE_PROFIT),
    ("stop-loss", TicketField.STOP_LOSS),
    ("limit price", TicketField.LIMIT_PRICE),
    ("stop price", TicketField.STOP_PRICE),
    ("trail", TicketField.TRAIL),
    ("extended-hours", TicketField.EXTENDED_HOURS),
    ("time in force", TicketField.TIME_IN_FORCE),
    ("quantity", TicketField.SIZE),
    ("notional", TicketField.SIZE),
    ("contracts", TicketField.SIZE),
    ("symbol", TicketField.SYMBOL),
)


def _field_named_in(message: str) -> TicketField | None:
    """The field a rule's sentence is about: the first field it names.

    The fields were read one by one before the request was built, so what ``OrderRequest`` still refuses
    is a rule across fields, written as a sentence; its first field name is the one to fix.
    """
    named = [(message.find(word), field) for word, field in _FIELD_WORDS if word in message]
    return min(named)[1] if named else None


def passive_price(side: Side, quote: QuoteBookRow | None) -> Decimal | None:
    """The limit price a ticket starts from: a buy joins the bid, a sell the ask."""
    if quote is None:
        return None
    return quote.bid if side is Side.BUY else quote.ask


def _market_price(side: Side, quote: QuoteBookRow) -> tuple[Decimal | None, str]:
    """What a market order would pay: the ask for a buy, the bid for a sell, else the last price."""
    price, label = (quote.ask, "ask") if side is Side.BUY else (quote.bid, "bid")
    return (price, label) if price is not None else (quote.last, "last")


@dataclass(frozen=True, slots=True)
class TicketPreview:
    """What an order is estimated to cost, and what it leaves of the buying power.

    A sell is counted like a buy, as if it opened a short (the worst case): the ticket does not know the
    position, and a sell that closes a long frees buying power instead.
    """

    notional: Decimal | None
    """Estimated value of the order; None when no price is known."""
    basis: str
    """How the estimate was made (``100 × 190.50 limit``, ``notional``), or why there is none."""  # noqa: RUF001
    buying_power: Decimal | None
    buying_power_after: Decimal | None

    @property
    def lines(self) -> tuple[str, str]:
        """The preview as two lines of text: the estimate and the buying power."""
        estimate = "—" if self.notional is None else format_money(self.notional)
        if self.buying_power is None:
            power = "Buying power —"
        elif self.notional is None or self.buying_power_after is None:
            power = f"Buying power {format_money(self.buying_power)}"
        else:
            power = (
                f"Buying power {format_money(self.buying_power)} - {format_money(self.notional)}"
                f" → {format_money(self.buying_power_after)}"
            )
        return f"Estimated {estimate} ({self.basis})", power


def estimate(request: OrderRequest, quote: QuoteBookRow | None, account: Account | None) -> TicketPreview:
    """Estimate ``request``'s value: qty times price times multiplier, or its notional.

    The price is the limit price of a limit or stop-limit order, the stop price of a stop order, and for a
    market or trailing-stop order the quote's ask (buy) or bid (sell), when the quote is for the symbol.
    """
    power = None if account is None else account.buying_power
    if request.notional is not None:
        value, basis = request.notional, "notional"
    else:
        price, label = _estimate_price(request, quote)
        qty = request.qty or Decimal(0)
        if price is None:
            return TicketPreview(None, f"no quote for {request.symbol}", power, None)
        value = qty * price * request.multiplier
        basis = f"{format_qty(qty)}{_TIMES}{format_price(price)} {label}"
        if request.multiplier != 1:
            basis += f"{_TIMES}{format_qty(request.multiplier)}"
    return TicketPreview(value, basis, power, None if power is None else power - value)


def _estimate_price(request: OrderRequest, quote: QuoteBookRow | None) -> tuple[Decimal | None, str]:
    match request.type:
        case OrderType.LIMIT | OrderType.STOP_LIMIT:
            return request.limit_price, "limit"
        case OrderType.STOP:
            return request.stop_price, "stop"
        case OrderType.MARKET | OrderType.TRAILING_STOP:
            if quote is None or quote.symbol != request.symbol:
                return None, ""
            return _market_price(request.side, quote)


def risk_text(decision: RiskDecision) -> str:
    """``Risk: OK``, or ``Risk:`` and the gate's reason."""
    if decision.approved:
        return "Risk: OK"
    return f"Risk: {decision.reason or decision.rule or 'denied'}"


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
