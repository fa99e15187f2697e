"""The multi-leg option grammar: ``spread QTY LEG LEG [LEG [LEG]] [@ NET] [day]``.

Each leg is a side word (``buy``/``sell``, or ``bto``/``sto``/``btc``/``stc`` to state the position
intent), an optional whole ratio, and an OCC symbol. ``@ NET`` is Alpaca's signed net price: positive is
a debit, negative a credit; without it the spread goes at market.
"""

from __future__ import annotations

from decimal import Decimal

from console.domain import OptionLeg, OrderClass, OrderRequest, OrderType, TimeInForce
from console.orderline.commands import PlaceOrder
from console.orderline.errors import OrderLineError, build, did_you_mean
from console.orderline.order_parser import check_option_time_in_force
from console.orderline.tokens import Tokens, decimal_or_none, option_symbol, positive, value_after
from console.orderline.vocabulary import LEG_SIDES, LIMIT_WORDS, TIME_IN_FORCE

SPREAD_EXAMPLE = "spread 1 buy AAPL250117C00190000 sell AAPL250117C00200000 @ 3.50"
MIN_LEGS, MAX_LEGS = 2, 4
MAX_RATIO = 99


def parse_spread(tokens: Tokens) -> PlaceOrder:
    """Parse what follows ``spread``.

    Raises:
        OrderLineError: the words do not make a valid multi-leg order.
    """
    qty = _whole(tokens.take(), "spread quantity", f"spread needs a quantity and legs: {SPREAD_EXAMPLE}")
    legs = _read_legs(tokens)
    net, time_in_force = _read_tail(tokens)
    if not MIN_LEGS <= len(legs) <= MAX_LEGS:
        raise OrderLineError(f"a spread needs 2 to 4 legs, got {len(legs)}: {SPREAD_EXAMPLE}")
    request = build(
        OrderRequest,
        order_class=OrderClass.MLEG,
        type=OrderType.MARKET if net is None else OrderType.LIMIT,
        qty=qty,
        limit_price=net,
        time_in_force=time_in_force,
        legs=tuple(legs),
    )
    return PlaceOrder(request)


def _whole(word: str | None, what: str, missing: str) -> Decimal:
    if word is None:
        raise OrderLineError(missing)
    value = positive(word, what)
    if value != value.to_integral_value():
        raise OrderLineError(f"{what} must be a whole number, got {word!r}")
    return value


def _read_legs(tokens: Tokens) -> list[OptionLeg]:
    legs = []
    while (word := tokens.peek()) is not None and word.lower() in LEG_SIDES:
        tokens.take()
        legs.append(_read_leg(word.lower(), tokens))
    return legs


def _read_leg(side_word: str, tokens: Tokens) -> OptionLeg:
    side, intent = LEG_SIDES[side_word]
    missing = f"{side_word} needs an OCC option symbol: {SPREAD_EXAMPLE}"
    word = tokens.take()
    ratio = Decimal(1)
    if decimal_or_none(word) is not None:
        ratio = _whole(word, "leg ratio", missing)
        if ratio > MAX_RATIO:
            raise OrderLineError(f"leg ratio must be at most {MAX_RATIO}, got {word!r}")
        word = tokens.take()
    if word is None:
        raise OrderLineError(missing)
    return build(
        OptionLeg, symbol=option_symbol(word), ratio_qty=int(ratio), side=side, position_intent=intent
    )


def _read_tail(tokens: Tokens) -> tuple[Decimal | None, TimeInForce]:
    net: Decimal | None = None
    time_in_force = TimeInForce.DAY
    while (word := tokens.take()) is not None:
        key = word.lower()
        if key in LIMIT_WORDS or decimal_or_none(word) is not None:
            if net is not None:
                raise OrderLineError("the net price is given twice")
            net = _net_price(word, tokens)
        elif key in TIME_IN_FORCE:
            check_option_time_in_force(TIME_IN_FORCE[key])
        elif key in LEG_SIDES:
            raise OrderLineError(f"legs come before the net price: {SPREAD_EXAMPLE}")
        else:
            raise _unexpected(word)
    return net, time_in_force


def _net_price(word: str, tokens: Tokens) -> Decimal:
    if word.lower() in LIMIT_WORDS:
        example = f"{SPREAD_EXAMPLE} (debit) or @ -1.20 (credit)"
        word = value_after(tokens, word.lower(), "a net price", example)
    net = decimal_or_none(word)
    if net is None:
        raise OrderLineError(f"net price must be a number (positive debit, negative credit), got {word!r}")
    return net


def _unexpected(word: str) -> OrderLineError:
    hint = did_you_mean(word, [*LEG_SIDES, *LIMIT_WORDS, "day"])
    if hint:
        return OrderLineError(f"unknown word {word!r}{hint}")
    return OrderLineError(
        f"unexpected {word!r} in a spread; expected legs, then @ NET and day: {SPREAD_EXAMPLE}"
    )
