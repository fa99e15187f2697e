"""The single-leg order grammar: ``VERB SIZE SYMBOL`` and then clauses in any order.

The clauses are gathered into a draft first and the order type and class are decided from what was given
(a stop and a limit make a stop-limit, a tp and an sl make a bracket), so the user never names a type.
The domain's ``OrderRequest`` has the last word on validity; rules it does not hold but the command line
must (options trade day-only in whole contracts, an OCO's exits face the position) are checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from console.domain import (
    OrderClass,
    OrderRequest,
    OrderType,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
    is_option_symbol,
)
from console.orderline.commands import PlaceOrder
from console.orderline.errors import OrderLineError, build, did_you_mean
from console.orderline.tokens import Tokens, decimal_or_none, positive, symbol, value_after
from console.orderline.vocabulary import ORDER_MODIFIERS, ORDER_VERBS, TIME_IN_FORCE

BRACKET_EXAMPLE = "buy 10 AAPL 190 tp 200 sl 185"
OCO_EXAMPLE = "sell 10 AAPL oco tp 200 sl 180"


@dataclass
class _Draft:
    """What the words of an order said, before it is an ``OrderRequest``."""

    side: Side
    qty: Decimal | None = None
    notional: Decimal | None = None
    symbol: str = ""
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    trail_price: Decimal | None = None
    trail_percent: Decimal | None = None
    time_in_force: TimeInForce | None = None
    extended_hours: bool = False
    oco: bool = False
    take_profit: Decimal | None = None
    stop_loss: Decimal | None = None
    stop_loss_limit: Decimal | None = None

    def set(self, field: str, value: object, label: str) -> None:
        """Set ``field`` once; a second value for it is an error, never a silent overwrite."""
        if getattr(self, field) not in (None, False):
            raise OrderLineError(f"{label} is given twice")
        setattr(self, field, value)


def parse_order(verb: str, tokens: Tokens) -> PlaceOrder:
    """Parse what follows ``buy``, ``sell``, ``short`` or ``cover``.

    Raises:
        OrderLineError: the words do not make a valid order.
    """
    draft = _Draft(side=ORDER_VERBS[verb.lower()])
    _read_size(draft, verb.lower(), tokens)
    draft.symbol = _read_symbol(verb.lower(), tokens)
    _read_clauses(draft, tokens)
    return PlaceOrder(_request(draft))


def _read_size(draft: _Draft, verb: str, tokens: Tokens) -> None:
    word = tokens.take()
    if word is None:
        raise OrderLineError(f"{verb} needs a quantity and a symbol: {verb} 100 AAPL")
    if word.startswith("$"):
        amount = decimal_or_none(word[1:])
        if amount is None or amount <= 0:
            raise OrderLineError(f"a notional amount must be a positive number of dollars, got {word!r}")
        draft.notional = amount
    elif decimal_or_none(word) is None and (tokens.done or decimal_or_none(tokens.peek()) is not None):
        # `buy AAPL` or `buy AAPL 100`: a symbol stands where the quantity belongs.
        raise OrderLineError(f"{verb} needs a quantity before the symbol: {verb} 100 {word.upper()}")
    else:
        draft.qty = positive(word, "quantity")


def _read_symbol(verb: str, tokens: Tokens) -> str:
    word = tokens.take()
    if word is None:
        raise OrderLineError(f"the order needs a symbol after the quantity: {verb} 100 AAPL")
    return symbol(word)


def _read_clauses(draft: _Draft, tokens: Tokens) -> None:
    while (word := tokens.take()) is not None:
        key = word.lower()
        if decimal_or_none(word) is not None:
            draft.set("limit_price", positive(word, "limit price"), "the limit price")
        elif key in TIME_IN_FORCE:
            draft.set("time_in_force", TIME_IN_FORCE[key], "the time in force")
        elif key in _CLAUSES:
            _CLAUSES[key](draft, tokens, key)
        else:
            raise _unexpected(word)


def _unexpected(word: str) -> OrderLineError:
    hint = did_you_mean(word, [*ORDER_MODIFIERS, *TIME_IN_FORCE])
    if hint:
        return OrderLineError(f"unknown word {word!r}{hint}")
    return OrderLineError(
        f"unexpected {word!r}; after the symbol come a price, a time in force "
        f"({' '.join(TIME_IN_FORCE)}) or modifiers ({' '.join(ORDER_MODIFIERS)})"
    )


def _limit(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    word = value_after(tokens, keyword, "a limit price", "buy 10 AAPL limit 190")
    draft.set("limit_price", positive(word, "limit price"), "the limit price")


def _stop(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    if (tokens.peek() or "").lower() in ("limit", "lmt"):
        raise OrderLineError("a stop-limit order needs a stop price: buy 10 AAPL stop 240 limit 241")
    word = value_after(tokens, keyword, "a stop price", "short 20 TSLA stop 240")
    draft.set("stop_price", positive(word, "stop price"), "the stop price")


def _trail(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    word = value_after(tokens, keyword, "an amount or a percent", "sell 10 AAPL trail 2% or trail 1.5")
    if draft.trail_price is not None or draft.trail_percent is not None:
        raise OrderLineError("the trail is given twice")
    if word.endswith("%"):
        draft.trail_percent = positive(word[:-1], "trail percent", shown=word)
    else:
        draft.trail_price = positive(word, "trail amount")


def _take_profit(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    word = value_after(tokens, keyword, "a take-profit price", BRACKET_EXAMPLE)
    draft.set("take_profit", positive(word, "take-profit price"), "the take-profit")


def _stop_loss(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    word = value_after(tokens, keyword, "a stop-loss price", f"{BRACKET_EXAMPLE} (or sl 185/184.5)")
    stop, slash, limit = word.partition("/")
    draft.set("stop_loss", positive(stop, "stop-loss price", shown=word), "the stop-loss")
    if slash:
        draft.stop_loss_limit = positive(limit, "stop-loss limit price", shown=word)


def _extended_hours(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    draft.set("extended_hours", True, "ext")


def _oco(draft: _Draft, tokens: Tokens, keyword: str) -> None:
    draft.set("oco", True, "oco")


_CLAUSES: dict[str, Callable[[_Draft, Tokens, str], None]] = {
    "limit": _limit,
    "lmt": _limit,
    "@": _limit,
    "stop": _stop,
    "stp": _stop,
    "trail": _trail,
    "tp": _take_profit,
    "sl": _stop_loss,
    "ext": _extended_hours,
    "oco": _oco,
}


def _request(draft: _Draft) -> OrderRequest:
    order_class = _order_class(draft)
    if order_class is OrderClass.OCO:
        _check_oco(draft)
    if is_option_symbol(draft.symbol):
        check_option_time_in_force(draft.time_in_force)
        if draft.qty is not None and draft.qty != draft.qty.to_integral_value():
            raise OrderLineError(f"options trade in whole contracts, got {draft.qty}")
    take_profit = stop_loss = None
    if draft.take_profit is not None:
        take_profit = build(TakeProfit, limit_price=draft.take_profit)
    if draft.stop_loss is not None:
        stop_loss = build(StopLoss, stop_price=draft.stop_loss, limit_price=draft.stop_loss_limit)
    return build(
        OrderRequest,
        symbol=draft.symbol,
        side=draft.side,
        type=_order_type(draft),
        qty=draft.qty,
        notional=draft.notional,
        time_in_force=draft.time_in_force or TimeInForce.DAY,
        # Alpaca takes an OCO as a limit order whose limit is the take-profit.
        limit_price=draft.take_profit if draft.oco else draft.limit_price,
        stop_price=draft.stop_price,
        trail_price=draft.trail_price,
        trail_percent=draft.trail_percent,
        extended_hours=draft.extended_hours,
        order_class=order_class,
        take_profit=take_profit,
        stop_loss=stop_loss,
    )


def _order_type(draft: _Draft) -> OrderType:
    if draft.oco:
        return OrderType.LIMIT
    if draft.trail_price is not None or draft.trail_percent is not None:
        return OrderType.TRAILING_STOP
    if draft.stop_price is not None:
        return OrderType.STOP if draft.limit_price is None else OrderType.STOP_LIMIT
    return OrderType.MARKET if draft.limit_price is None else OrderType.LIMIT


def _order_class(draft: _Draft) -> OrderClass:
    if draft.oco:
        return OrderClass.OCO
    exits = (draft.take_profit is not None) + (draft.stop_loss is not None)
    return (OrderClass.SIMPLE, OrderClass.OTO, OrderClass.BRACKET)[exits]


def _check_oco(draft: _Draft) -> None:
    take, stop = draft.take_profit, draft.stop_loss
    if take is None or stop is None:
        raise OrderLineError(f"an OCO order needs both tp and sl: {OCO_EXAMPLE}")
    prices = (draft.limit_price, draft.stop_price, draft.trail_price, draft.trail_percent)
    if any(price is not None for price in prices):
        raise OrderLineError(f"an OCO order takes its prices from tp and sl only: {OCO_EXAMPLE}")
    # An OCO exits a position: a sell closes a long (target above the stop), a buy closes a short.
    if draft.side is Side.SELL and take <= stop:
        raise OrderLineError(
            f"an OCO sell closes a long, so take-profit {take} must be above stop-loss {stop}"
        )
    if draft.side is Side.BUY and take >= stop:
        raise OrderLineError(
            f"an OCO buy closes a short, so take-profit {take} must be below stop-loss {stop}"
        )


def check_option_time_in_force(time_in_force: TimeInForce | None) -> None:
    """Options trade day-only at Alpaca; the domain model does not hold this rule, so the grammar does.

    Raises:
        OrderLineError: any other time in force.
    """
    if time_in_force is not None and time_in_force is not TimeInForce.DAY:
        raise OrderLineError(f"options trade with time in force day only, got {time_in_force.value}")
