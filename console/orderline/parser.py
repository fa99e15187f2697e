"""``parse``: one command line to one ``Command``, through a table of per-command parsers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from console.brokers.base import OrderChanges
from console.domain import TimeInForce
from console.orderline.commands import (
    CancelAll,
    CancelOrder,
    Command,
    Flatten,
    Help,
    Kill,
    PauseStrategy,
    Quit,
    Replace,
    ResumeStrategy,
    ResumeTrading,
    StartStrategy,
    StopStrategy,
    Theme,
    Unwatch,
    Watch,
)
from console.orderline.errors import OrderLineError, did_you_mean
from console.orderline.help import help_topic
from console.orderline.order_parser import parse_order
from console.orderline.spread_parser import parse_spread
from console.orderline.tokens import Tokens, name, order_ref, positive, symbol, tokenize, value_after
from console.orderline.vocabulary import ALIASES, COMMANDS, ORDER_VERBS, REPLACE_FIELDS, TIME_IN_FORCE

_Parser = Callable[[str, Tokens], Command]


def parse(text: str) -> Command:
    """Parse one command line.

    Args:
        text: what the user typed; keywords are case-insensitive, symbols are upper-cased.

    Returns:
        The command, e.g. ``PlaceOrder(OrderRequest(...))`` for ``buy 100 AAPL``.

    Raises:
        OrderLineError: the line is not a valid command; its message is one plain sentence saying
            what is wrong and what was expected.
    """
    words = tokenize(text)
    if not words:
        raise OrderLineError("the command line is empty; type help to see the commands")
    verb = words[0].lower()
    parser = _PARSERS.get(ALIASES.get(verb, verb))
    if parser is None:
        hint = did_you_mean(verb, [*COMMANDS, *ALIASES]) or "; type help to see the commands"
        raise OrderLineError(f"unknown command {words[0]!r}{hint}")
    return parser(verb, Tokens(words[1:]))


def _order(verb: str, tokens: Tokens) -> Command:
    return parse_order(verb, tokens)


def _spread(verb: str, tokens: Tokens) -> Command:
    return parse_spread(tokens)


def _cancel(verb: str, tokens: Tokens) -> Command:
    word = tokens.take()
    if word is not None and word.lower() == "all":
        tokens.expect_end("cancel all")
        return CancelAll()
    ref = order_ref(word, "cancel", "cancel 1a2b, or cancel all")
    tokens.expect_end(f"cancel {ref}")
    return CancelOrder(ref)


def _flatten(verb: str, tokens: Tokens) -> Command:
    word = tokens.take()
    if word is None:
        raise OrderLineError("flatten needs a symbol or all: flatten AAPL, flatten all")
    command = Flatten(None) if word.lower() == "all" else Flatten(symbol(word))
    tokens.expect_end(f"flatten {word}")
    return command


def _replace(verb: str, tokens: Tokens) -> Command:
    ref = order_ref(tokens.take(), "replace", _REPLACE_EXAMPLE)
    changes: dict[str, Any] = {}
    while (word := tokens.take()) is not None:
        field, what, value = _replace_change(word, tokens)
        if field in changes:
            raise OrderLineError(f"the {what} is given twice")
        changes[field] = value
    if not changes:
        raise OrderLineError(f"replace needs something to change: {_REPLACE_EXAMPLE}")
    return Replace(ref, OrderChanges(**changes))


def _replace_change(word: str, tokens: Tokens) -> tuple[str, str, Decimal | TimeInForce]:
    """One ``KEYWORD VALUE`` pair (or a time in force) of a replace: its field, its name and its value."""
    key = word.lower()
    if key in TIME_IN_FORCE:
        return "time_in_force", "time in force", TIME_IN_FORCE[key]
    if key not in _REPLACE_FIELDS:
        hint = did_you_mean(word, [*REPLACE_FIELDS, *TIME_IN_FORCE]) or f"; try {_REPLACE_EXAMPLE}"
        raise OrderLineError(f"replace cannot change {word!r}{hint}")
    field, what = _REPLACE_FIELDS[key]
    return field, what, positive(value_after(tokens, key, f"a {what}", _REPLACE_EXAMPLE), what)


_REPLACE_EXAMPLE = "replace 1a2b price 191.5, or replace 1a2b qty 50"
_REPLACE_FIELDS = {
    "qty": ("qty", "quantity"),
    "price": ("limit_price", "limit price"),
    "limit": ("limit_price", "limit price"),
    "lmt": ("limit_price", "limit price"),
    "stop": ("stop_price", "stop price"),
    "stp": ("stop_price", "stop price"),
    "trail": ("trail", "trail"),
}


def _strategy(command: Callable[[str], Command]) -> _Parser:
    def parse_strategy(verb: str, tokens: Tokens) -> Command:
        strategy = name(tokens.take(), verb, "a strategy name", f"{verb} sma_cross")
        tokens.expect_end(f"{verb} {strategy}")
        return command(strategy)

    return parse_strategy


def _watchlist(command: Callable[[tuple[str, ...], str | None], Command]) -> _Parser:
    def parse_watchlist(verb: str, tokens: Tokens) -> Command:
        symbols: list[str] = []
        list_name = None
        while (word := tokens.take()) is not None:
            if word.lower() == "in":
                list_name = name(tokens.take(), "in", "a watchlist name", f"{verb} TSLA in tech")
                tokens.expect_end(f"in {list_name}")
            else:
                symbols.extend(symbol(part) for part in word.split(",") if part)
        if not symbols:
            raise OrderLineError(f"{verb} needs at least one symbol: {verb} TSLA AMD")
        return command(tuple(dict.fromkeys(symbols)), list_name)

    return parse_watchlist


def _theme(verb: str, tokens: Tokens) -> Command:
    theme = name(tokens.take(), "theme", "a theme name", "theme light").lower()
    tokens.expect_end(f"theme {theme}")
    return Theme(theme)


def _help(verb: str, tokens: Tokens) -> Command:
    word = tokens.take()
    topic = None if word is None else help_topic(word)
    tokens.expect_end(f"help {word}" if word else "help")
    return Help(topic)


def _bare(command: Callable[[], Command]) -> _Parser:
    def parse_bare(verb: str, tokens: Tokens) -> Command:
        tokens.expect_end(verb)
        return command()

    return parse_bare


_PARSERS: dict[str, _Parser] = {
    **dict.fromkeys(ORDER_VERBS, _order),
    "spread": _spread,
    "cancel": _cancel,
    "replace": _replace,
    "flatten": _flatten,
    "start": _strategy(StartStrategy),
    "stop": _strategy(StopStrategy),
    "pause": _strategy(PauseStrategy),
    "resume": _strategy(ResumeStrategy),
    "watch": _watchlist(Watch),
    "unwatch": _watchlist(Unwatch),
    "kill": _bare(Kill),
    "resume-trading": _bare(ResumeTrading),
    "theme": _theme,
    "help": _help,
    "quit": _bare(Quit),
}
