"""The command line's grammar: every command form, every malformed line, completion, help and history."""

import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.brokers.base import OrderChanges
from console.domain import (
    OptionLeg,
    OptionType,
    OrderClass,
    OrderRequest,
    OrderType,
    PositionIntent,
    Side,
    StopLoss,
    TakeProfit,
    TimeInForce,
    format_occ,
)
from console.orderline import (
    HELP,
    TOPICS,
    CancelAll,
    CancelOrder,
    Command,
    Flatten,
    Help,
    History,
    Kill,
    OrderLineError,
    PauseStrategy,
    PlaceOrder,
    Quit,
    Replace,
    ResumeStrategy,
    ResumeTrading,
    StartStrategy,
    StopStrategy,
    Theme,
    Unwatch,
    Watch,
    complete,
    format_order,
    help_text,
    parse,
)
from console.orderline.parser import _PARSERS
from console.orderline.vocabulary import ALIASES, COMMANDS

CALL_190 = "AAPL250117C00190000"
CALL_200 = "AAPL250117C00200000"
CALL_210 = "AAPL250117C00210000"
PUT_180 = "AAPL250117P00180000"
PUT_170 = "AAPL250117P00170000"
SYMBOLS = ["AAPL", "AMD", "MSFT", CALL_190, CALL_200]
D = Decimal


def order(text: str) -> OrderRequest:
    command = parse(text)
    assert isinstance(command, PlaceOrder)
    return command.request


def stock(**fields: object) -> OrderRequest:
    return OrderRequest(**{"symbol": "AAPL", "qty": D(10), **fields})


def refusal(text: str) -> str:
    with pytest.raises(OrderLineError) as info:
        parse(text)
    return str(info.value)


# --- orders ---------------------------------------------------------------------------------------

ORDER_FORMS = [
    ("buy 100 AAPL", stock(qty=D(100))),
    ("BUY 100 aapl", stock(qty=D(100))),
    ("cover 20 TSLA", stock(symbol="TSLA", qty=D(20))),
    ("sell 50 MSFT 412.5 gtc", stock(symbol="MSFT", side=Side.SELL, qty=D(50), type=OrderType.LIMIT,
                                     limit_price=D("412.5"), time_in_force=TimeInForce.GTC)),
    ("buy 10 AAPL 190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL @190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL@190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL @ 190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL limit 190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL LMT 190", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL gtc 190", stock(type=OrderType.LIMIT, limit_price=D(190), time_in_force=TimeInForce.GTC)),
    ("buy 10 AAPL 190 ioc", stock(type=OrderType.LIMIT, limit_price=D(190), time_in_force=TimeInForce.IOC)),
    ("buy 10 AAPL fok", stock(time_in_force=TimeInForce.FOK)),
    ("buy 10 AAPL opg", stock(time_in_force=TimeInForce.OPG)),
    ("buy 10 AAPL cls", stock(time_in_force=TimeInForce.CLS)),
    ("buy 10 AAPL 190 day", stock(type=OrderType.LIMIT, limit_price=D(190))),
    ("buy 10 AAPL 190 ext", stock(type=OrderType.LIMIT, limit_price=D(190), extended_hours=True)),
    ("buy 10 brk.b 400.25", stock(symbol="BRK.B", type=OrderType.LIMIT, limit_price=D("400.25"))),
    ("buy 0.5 AAPL", stock(qty=D("0.5"))),
    ("buy $500 AAPL", stock(qty=None, notional=D(500))),
    ("buy $250.75 AAPL", stock(qty=None, notional=D("250.75"))),
    ("short 20 TSLA stop 240", stock(symbol="TSLA", side=Side.SELL, qty=D(20), type=OrderType.STOP,
                                     stop_price=D(240))),
    ("buy 10 AAPL stop 240 limit 241", stock(type=OrderType.STOP_LIMIT, stop_price=D(240),
                                             limit_price=D(241))),
    ("buy 10 AAPL 241 stp 240", stock(type=OrderType.STOP_LIMIT, stop_price=D(240), limit_price=D(241))),
    ("sell 10 AAPL trail 2%", stock(side=Side.SELL, type=OrderType.TRAILING_STOP, trail_percent=D(2))),
    ("sell 10 AAPL trail 1.5", stock(side=Side.SELL, type=OrderType.TRAILING_STOP, trail_price=D("1.5"))),
    ("buy 10 AAPL 190 tp 200 sl 185", stock(
        type=OrderType.LIMIT, limit_price=D(190), order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(200)), stop_loss=StopLoss(stop_price=D(185)))),
    ("buy 10 AAPL 190 sl 185/184.5 tp 200", stock(
        type=OrderType.LIMIT, limit_price=D(190), order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(200)),
        stop_loss=StopLoss(stop_price=D(185), limit_price=D("184.5")))),
    ("buy 10 AAPL tp 200", stock(order_class=OrderClass.OTO, take_profit=TakeProfit(limit_price=D(200)))),
    ("buy 10 AAPL 190 sl 185", stock(type=OrderType.LIMIT, limit_price=D(190), order_class=OrderClass.OTO,
                                     stop_loss=StopLoss(stop_price=D(185)))),
    ("sell 10 AAPL oco tp 200 sl 180", stock(
        side=Side.SELL, type=OrderType.LIMIT, limit_price=D(200), order_class=OrderClass.OCO,
        take_profit=TakeProfit(limit_price=D(200)), stop_loss=StopLoss(stop_price=D(180)))),
    ("buy 10 TSLA tp 180 sl 200/201 oco", stock(
        symbol="TSLA", type=OrderType.LIMIT, limit_price=D(180), order_class=OrderClass.OCO,
        take_profit=TakeProfit(limit_price=D(180)),
        stop_loss=StopLoss(stop_price=D(200), limit_price=D(201)))),
    (f"buy 2 {CALL_190} 3.10", stock(symbol=CALL_190, qty=D(2), type=OrderType.LIMIT, limit_price=D("3.10"))),
    (f"sell 2 {CALL_190.lower()} day", stock(symbol=CALL_190, side=Side.SELL, qty=D(2))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ORDER_FORMS, ids=[text for text, _ in ORDER_FORMS])
def test_order_forms_parse_to_their_request(text: str, expected: OrderRequest) -> None:
    assert order(text) == expected


def test_prices_are_exact_decimals() -> None:
    request = order("sell 0.001 AAPL 190.10 tp 180.05 sl 195.3/195.35")
    assert request.qty == D("0.001")
    assert request.limit_price == D("190.10")
    assert request.take_profit == TakeProfit(limit_price=D("180.05"))
    assert request.stop_loss == StopLoss(stop_price=D("195.3"), limit_price=D("195.35"))
    assert isinstance(request.limit_price, Decimal)


def leg(symbol: str, side: Side, ratio: int = 1, intent: PositionIntent | None = None) -> OptionLeg:
    return OptionLeg(symbol=symbol, side=side, ratio_qty=ratio, position_intent=intent)


def spread(qty: int, net: str | None, *legs: OptionLeg) -> OrderRequest:
    return OrderRequest(
        order_class=OrderClass.MLEG,
        type=OrderType.MARKET if net is None else OrderType.LIMIT,
        qty=D(qty),
        limit_price=None if net is None else D(net),
        legs=legs,
    )


SPREAD_FORMS = [
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ 3.50",
     spread(1, "3.50", leg(CALL_190, Side.BUY), leg(CALL_200, Side.SELL))),
    (f"spread 1 sell {PUT_180} buy {PUT_170} @-1.20",
     spread(1, "-1.20", leg(PUT_180, Side.SELL), leg(PUT_170, Side.BUY))),
    (f"spread 3 buy {CALL_190} sell {CALL_200} limit 2 day",
     spread(3, "2", leg(CALL_190, Side.BUY), leg(CALL_200, Side.SELL))),
    (f"spread 1 buy {CALL_190} sell {CALL_200} 2.25",
     spread(1, "2.25", leg(CALL_190, Side.BUY), leg(CALL_200, Side.SELL))),
    (f"SPREAD 2 BTO {CALL_190} STO 2 {CALL_200.lower()}",
     spread(2, None, leg(CALL_190, Side.BUY, 1, PositionIntent.BUY_TO_OPEN),
            leg(CALL_200, Side.SELL, 2, PositionIntent.SELL_TO_OPEN))),
    (f"spread 1 stc {CALL_190} btc {CALL_200} @ 0.5",
     spread(1, "0.5", leg(CALL_190, Side.SELL, 1, PositionIntent.SELL_TO_CLOSE),
            leg(CALL_200, Side.BUY, 1, PositionIntent.BUY_TO_CLOSE))),
    (f"spread 1 sell {PUT_180} buy {PUT_170} sell {CALL_200} buy {CALL_210} @ -0.85",
     spread(1, "-0.85", leg(PUT_180, Side.SELL), leg(PUT_170, Side.BUY), leg(CALL_200, Side.SELL),
            leg(CALL_210, Side.BUY))),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SPREAD_FORMS, ids=[text[:40] for text, _ in SPREAD_FORMS])
def test_spread_forms_parse_to_a_multi_leg_request(text: str, expected: OrderRequest) -> None:
    assert order(text) == expected


# --- other commands -------------------------------------------------------------------------------

COMMAND_FORMS: list[tuple[str, Command]] = [
    ("cancel 1a2b", CancelOrder("1a2b")),
    ("cancel 6f1c2d3e-aaaa-bbbb-cccc-1234567890ab", CancelOrder("6f1c2d3e-aaaa-bbbb-cccc-1234567890ab")),
    ("cancel sma:42", CancelOrder("sma:42")),
    ("cancel all", CancelAll()),
    ("CANCEL ALL", CancelAll()),
    ("flatten aapl", Flatten("AAPL")),
    ("flatten all", Flatten(None)),
    ("replace 1a2b price 191.5", Replace("1a2b", OrderChanges(limit_price=D("191.5")))),
    ("replace 1a2b qty 50", Replace("1a2b", OrderChanges(qty=D(50)))),
    ("replace 1a2b limit 1 stop 2 trail 0.5 gtc",
     Replace("1a2b", OrderChanges(limit_price=D(1), stop_price=D(2), trail=D("0.5"),
                                  time_in_force=TimeInForce.GTC))),
    ("start sma_cross", StartStrategy("sma_cross")),
    ("stop SMA_Cross", StopStrategy("SMA_Cross")),
    ("pause rsi-2", PauseStrategy("rsi-2")),
    ("resume rsi-2", ResumeStrategy("rsi-2")),
    ("watch TSLA AMD", Watch(("TSLA", "AMD"))),
    ("watch tsla,amd nvda tsla", Watch(("TSLA", "AMD", "NVDA"))),
    ("watch NVDA in chips", Watch(("NVDA",), "chips")),
    ("unwatch TSLA", Unwatch(("TSLA",))),
    ("unwatch TSLA IN chips", Unwatch(("TSLA",), "chips")),
    ("help", Help()),
    ("?", Help()),
    ("help oco", Help("orders")),
    ("help cancel", Help("working")),
    ("help spread", Help("spread")),
    ("theme Light", Theme("light")),
    ("kill", Kill()),
    ("resume-trading", ResumeTrading()),
    ("quit", Quit()),
    ("exit", Quit()),
    ("  kill  ", Kill()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), COMMAND_FORMS, ids=[text for text, _ in COMMAND_FORMS])
def test_command_forms_parse_to_their_dataclass(text: str, expected: Command) -> None:
    assert parse(text) == expected


def test_commands_are_frozen() -> None:
    command = StartStrategy("sma")
    with pytest.raises(AttributeError):
        command.name = "other"  # type: ignore[misc]


def test_every_command_word_has_a_parser_and_a_help_topic() -> None:
    assert set(_PARSERS) == set(COMMANDS)
    assert set(ALIASES.values()) <= set(COMMANDS)
    for word in COMMANDS:
        assert help_text(word) in HELP


# --- malformed lines ------------------------------------------------------------------------------

REFUSALS = [
    # the line and the command word
    ("", "the command line is empty; type help to see the commands"),
    ("   ", "the command line is empty; type help to see the commands"),
    ("buyy 10 AAPL", "unknown command 'buyy' — did you mean 'buy'?"),
    ("canel 1a2b", "unknown command 'canel' — did you mean 'cancel'?"),
    ("xyzzy", "unknown command 'xyzzy'; type help to see the commands"),
    # quantity
    ("buy", "buy needs a quantity and a symbol: buy 100 AAPL"),
    ("buy AAPL", "buy needs a quantity before the symbol: buy 100 AAPL"),
    ("sell aapl 100", "sell needs a quantity before the symbol: sell 100 AAPL"),
    ("buy 0 AAPL", "quantity must be a positive number, got '0'"),
    ("buy 0.000 AAPL", "quantity must be a positive number, got '0.000'"),
    ("buy -5 AAPL", "quantity must be a positive number, got '-5'"),
    ("buy abc AAPL", "quantity must be a positive number, got 'abc'"),
    ("buy 1e3 AAPL", "quantity must be a positive number, got '1e3'"),
    ("buy nan AAPL", "quantity must be a positive number, got 'nan'"),
    ("buy $0 AAPL", "a notional amount must be a positive number of dollars, got '$0'"),
    ("buy $abc AAPL", "a notional amount must be a positive number of dollars, got '$abc'"),
    ("buy $ AAPL", "a notional amount must be a positive number of dollars, got '$'"),
    # symbol
    ("buy 10", "the order needs a symbol after the quantity: buy 100 AAPL"),
    ("buy 10 190", "'190' is not a valid symbol (a ticker such as AAPL or BRK.B, or an OCC option symbol)"),
    ("buy 10 AAPL!", "'AAPL!' is not a valid symbol"),
    ("buy 1 AAPL251399C00190000", "has an impossible expiry date '251399' (YYMMDD)"),
    # prices
    ("buy 10 AAPL 0", "limit price must be a positive number, got '0'"),
    ("buy 10 AAPL -190", "limit price must be a positive number, got '-190'"),
    ("buy 10 AAPL @ abc", "limit price must be a positive number, got 'abc'"),
    ("buy 10 AAPL @", "@ needs a limit price: buy 10 AAPL limit 190"),
    ("buy 10 AAPL limit gtc", "limit needs a limit price: buy 10 AAPL limit 190"),
    ("buy 10 AAPL 190 191", "the limit price is given twice"),
    ("buy 10 AAPL 190 limit 191", "the limit price is given twice"),
    ("buy 10 AAPL 19o", "unexpected '19o'; after the symbol come a price, a time in force"),
    # time in force and modifiers
    ("buy 10 AAPL 190 gtd", "unknown word 'gtd' — did you mean 'gtc'?"),
    ("buy 10 AAPL 190 tpp 200", "unknown word 'tpp' — did you mean 'tp'?"),
    ("buy 10 AAPL 190 banana", "unexpected 'banana'; after the symbol come a price, a time in force "
                               "(day gtc ioc fok opg cls) or modifiers (tp sl stop limit trail ext oco)"),
    ("buy 10 AAPL 190 gtc day", "the time in force is given twice"),
    ("buy 10 AAPL 190 ext ext", "ext is given twice"),
    ("buy 10 AAPL ext", "extended-hours orders must be stock limit orders with time in force day"),
    ("buy 10 AAPL 190 gtc ext", "extended-hours orders must be stock limit orders with time in force day"),
    # exits
    ("buy 10 AAPL 190 tp", "tp needs a take-profit price: buy 10 AAPL 190 tp 200 sl 185"),
    ("buy 10 AAPL 190 tp sl 185", "tp needs a take-profit price: buy 10 AAPL 190 tp 200 sl 185"),
    ("buy 10 AAPL 190 sl", "sl needs a stop-loss price: buy 10 AAPL 190 tp 200 sl 185 (or sl 185/184.5)"),
    ("buy 10 AAPL 190 tp 0", "take-profit price must be a positive number, got '0'"),
    ("buy 10 AAPL 190 sl x", "stop-loss price must be a positive number, got 'x'"),
    ("buy 10 AAPL 190 sl 185/abc", "stop-loss limit price must be a positive number, got '185/abc'"),
    ("buy 10 AAPL 190 tp 200 tp 201", "the take-profit is given twice"),
    ("buy 10 AAPL 190 tp 180 sl 185", "take-profit 180 must be above stop-loss 185 when closing a long"),
    ("sell 10 AAPL 190 tp 200 sl 195", "take-profit 200 must be below stop-loss 195 when closing a short"),
    ("sell 10 AAPL oco tp 200", "an OCO order needs both tp and sl: sell 10 AAPL oco tp 200 sl 180"),
    ("sell 10 AAPL oco", "an OCO order needs both tp and sl: sell 10 AAPL oco tp 200 sl 180"),
    ("sell 10 AAPL 190 oco tp 200 sl 180",
     "an OCO order takes its prices from tp and sl only: sell 10 AAPL oco tp 200 sl 180"),
    ("sell 10 AAPL oco tp 180 sl 200",
     "an OCO sell closes a long, so take-profit 180 must be above stop-loss 200"),
    ("buy 10 AAPL oco tp 200 sl 180",
     "an OCO buy closes a short, so take-profit 200 must be below stop-loss 180"),
    # stops and trails
    ("buy 10 AAPL stop limit 241", "a stop-limit order needs a stop price: buy 10 AAPL stop 240 limit 241"),
    ("buy 10 AAPL stop", "stop needs a stop price: short 20 TSLA stop 240"),
    ("buy 10 AAPL stop 0", "stop price must be a positive number, got '0'"),
    ("sell 10 AAPL trail", "trail needs an amount or a percent: sell 10 AAPL trail 2% or trail 1.5"),
    ("sell 10 AAPL trail x%", "trail percent must be a positive number, got 'x%'"),
    ("sell 10 AAPL trail 0%", "trail percent must be a positive number, got '0%'"),
    ("sell 10 AAPL trail 120%", "a trail percent must be below 100"),
    ("sell 10 AAPL trail 2% trail 1", "the trail is given twice"),
    ("sell 10 AAPL trail 2% 190", "a trailing stop order takes no limit price"),
    # notional and options
    ("buy $500 AAPL 190", "notional orders must be market orders on stocks"),
    (f"buy $500 {CALL_190}", "notional orders must be market orders on stocks"),
    (f"buy 2 {CALL_190} 3.10 gtc", "options trade with time in force day only, got gtc"),
    (f"buy 0.5 {CALL_190} 3.10", "options trade in whole contracts, got 0.5"),
    # spreads
    ("spread", "spread needs a quantity and legs: spread 1 buy AAPL250117C00190000 sell "
               "AAPL250117C00200000 @ 3.50"),
    ("spread x", "spread quantity must be a positive number, got 'x'"),
    (f"spread 1.5 buy {CALL_190} sell {CALL_200}", "spread quantity must be a whole number, got '1.5'"),
    (f"spread 1 buy {CALL_190}", "a spread needs 2 to 4 legs, got 1: spread 1 buy"),
    ("spread 1 @ 3", "a spread needs 2 to 4 legs, got 0"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} buy {CALL_210} sell {PUT_180} buy {PUT_170}",
     "a spread needs 2 to 4 legs, got 5"),
    (f"spread 1 buy AAPL sell {CALL_200}", "'AAPL' is not an OCC option symbol such as AAPL250117C00190000"),
    (f"spread 1 buy {CALL_190} sel {CALL_200}", "unknown word 'sel' — did you mean 'sell'?"),
    ("spread 1 buy", "buy needs an OCC option symbol: spread 1 buy"),
    (f"spread 1 buy 0 {CALL_190} sell {CALL_200}", "leg ratio must be a positive number, got '0'"),
    (f"spread 1 buy 1.5 {CALL_190} sell {CALL_200}", "leg ratio must be a whole number, got '1.5'"),
    (f"spread 1 buy 100 {CALL_190} sell {CALL_200}", "leg ratio must be at most 99, got '100'"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @", "@ needs a net price: spread 1 buy"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ abc",
     "net price must be a number (positive debit, negative credit), got 'abc'"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ 3 gtc",
     "options trade with time in force day only, got gtc"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ 3 @ 4", "the net price is given twice"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ 3 buy {CALL_210}", "legs come before the net price"),
    (f"spread 1 buy {CALL_190} sell {CALL_190} @ 3", "the legs of a multi-leg order must be different"),
    (f"spread 1 buy {CALL_190} sell {CALL_200} banana",
     "unexpected 'banana' in a spread; expected legs, then @ NET and day"),
    # working orders
    ("cancel", "cancel needs an order id (or the start of one): cancel 1a2b, or cancel all"),
    ("cancel ab cd", "unexpected 'cd' after cancel ab"),
    ("cancel ab!", "order id must be letters, digits, '_', '.', ':' or '-', got 'ab!'"),
    ("cancel all now", "unexpected 'now' after cancel all"),
    ("flatten", "flatten needs a symbol or all: flatten AAPL, flatten all"),
    ("flatten 123", "'123' is not a valid symbol"),
    ("flatten AAPL MSFT", "unexpected 'MSFT' after flatten AAPL"),
    ("replace", "replace needs an order id (or the start of one): replace 1a2b price 191.5, or replace "
                "1a2b qty 50"),
    ("replace 1a2b", "replace needs something to change: replace 1a2b price 191.5, or replace 1a2b qty 50"),
    ("replace 1a2b price", "price needs a limit price: replace 1a2b price 191.5"),
    ("replace 1a2b price 0", "limit price must be a positive number, got '0'"),
    ("replace 1a2b qty -1", "quantity must be a positive number, got '-1'"),
    ("replace 1a2b prise 5", "replace cannot change 'prise' — did you mean 'price'?"),
    ("replace 1a2b colour red", "replace cannot change 'colour'; try replace 1a2b price 191.5"),
    ("replace 1a2b price 5 limit 6", "the limit price is given twice"),
    ("replace 1a2b gtc day", "the time in force is given twice"),
    # strategies, watchlists and the console
    ("start", "start needs a strategy name: start sma_cross"),
    ("resume", "resume needs a strategy name: resume sma_cross"),
    ("start a b", "unexpected 'b' after start a"),
    ("stop bad/name", "a strategy name must be letters, digits, '_', '.' or '-', got 'bad/name'"),
    ("watch", "watch needs at least one symbol: watch TSLA AMD"),
    ("unwatch", "unwatch needs at least one symbol: unwatch TSLA AMD"),
    ("watch 123", "'123' is not a valid symbol"),
    ("watch TSLA in", "in needs a watchlist name: watch TSLA in tech"),
    ("watch TSLA in tech AMD", "unexpected 'AMD' after in tech"),
    ("theme", "theme needs a theme name: theme light"),
    ("theme so/dark", "a theme name must be letters, digits, '_', '.' or '-', got 'so/dark'"),
    ("help nonsense",
     "no help on 'nonsense'; topics are orders, spread, working, strategies, watch, console"),
    ("help orderz", "no help on 'orderz' — did you mean 'orders'?"),
    ("kill now", "unexpected 'now' after kill"),
    ("resume-trading please", "unexpected 'please' after resume-trading"),
    ("quit now", "unexpected 'now' after quit"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), REFUSALS, ids=[text or "<empty>" for text, _ in REFUSALS])
def test_malformed_lines_are_refused_with_a_specific_sentence(text: str, message: str) -> None:
    refused = refusal(text)
    assert message in refused
    assert "\n" not in refused
    assert "alue error" not in refused
    assert "validation error" not in refused


def test_refusal_is_a_value_error_with_the_message_attribute() -> None:
    with pytest.raises(ValueError, match="did you mean 'sell'") as info:
        parse("sel 10 AAPL")
    assert isinstance(info.value, OrderLineError)
    assert info.value.message == str(info.value)


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [text for text, _ in ORDER_FORMS + SPREAD_FORMS])
def test_formatted_orders_parse_back_to_the_same_request(text: str) -> None:
    request = order(text)
    assert order(format_order(request)) == request


def test_format_writes_the_canonical_form() -> None:
    assert format_order(order("SHORT 20 tsla @ 240.50 GTC")) == "sell 20 TSLA 240.50 gtc"
    assert format_order(order(f"spread 1 sell {PUT_180} buy {PUT_170} @-1.2")) == (
        f"spread 1 sell {PUT_180} buy {PUT_170} @ -1.2"
    )


def test_format_leaves_out_what_the_grammar_does_not_carry() -> None:
    request = stock(client_order_id="sma-1", strategy="sma")
    assert format_order(request) == "buy 10 AAPL"


def test_format_refuses_what_the_grammar_cannot_write() -> None:
    both_exits = stock(
        order_class=OrderClass.OTO,
        take_profit=TakeProfit(limit_price=D(200)),
        stop_loss=StopLoss(stop_price=D(180)),
    )
    with pytest.raises(OrderLineError, match="written as a bracket"):
        format_order(both_exits)
    contradiction = spread(
        1, "1", leg(CALL_190, Side.BUY, 1, PositionIntent.SELL_TO_OPEN), leg(CALL_200, Side.SELL)
    )
    with pytest.raises(OrderLineError, match="contradicts its side"):
        format_order(contradiction)


# --- completion -----------------------------------------------------------------------------------

TIFS = ["day", "gtc", "ioc", "fok", "opg", "cls"]
MODIFIERS = ["tp", "sl", "stop", "limit", "trail", "ext", "oco"]

COMPLETIONS = [
    ("", list(COMMANDS)),
    ("b", ["buy"]),
    ("S", ["sell", "short", "spread", "start", "stop"]),
    ("re", ["replace", "resume", "resume-trading"]),
    ("buy ", []),
    ("buy 10 ", SYMBOLS),
    ("buy 10 a", ["AAPL", "AMD", CALL_190, CALL_200]),
    ("buy 10 AAPL ", TIFS + MODIFIERS),
    ("buy 10 AAPL 190 G", ["gtc"]),
    ("buy 10 AAPL 190 ", [*TIFS, "tp", "sl", "stop", "trail", "ext", "oco"]),
    ("buy 10 AAPL stop 240 ", [*TIFS, "tp", "sl", "limit", "trail", "ext", "oco"]),
    ("buy 10 AAPL 190 gtc ", ["tp", "sl", "stop", "trail", "ext", "oco"]),
    ("buy 10 AAPL 190 tp 200 t", ["trail"]),
    ("buy 10 AAPL tp ", []),
    ("buy 10 AAPL @", []),
    ("start ", ["sma_cross", "rsi"]),
    ("stop s", ["sma_cross"]),
    ("flatten ", ["all", *SYMBOLS]),
    ("cancel ", ["all"]),
    ("cancel all ", []),
    ("help o", ["orders"]),
    ("help ", list(TOPICS)),
    ("theme ", ["dark", "light"]),
    ("watch ", SYMBOLS),
    ("watch AAPL ", ["AMD", "MSFT", CALL_190, CALL_200, "in"]),
    ("watch AAPL in ", []),
    ("spread ", []),
    ("spread 1 ", ["buy", "sell", "bto", "btc", "sto", "stc", "@", "day"]),
    ("spread 1 buy ", [CALL_190, CALL_200]),
    ("spread 1 buy 2 ", [CALL_190, CALL_200]),
    (f"spread 1 buy {CALL_190} s", ["sell", "sto", "stc"]),
    (f"spread 1 buy {CALL_190} sell {CALL_200} @ 3 ", ["day"]),
    ("replace ", []),
    ("replace 1a2b ", ["qty", "price", "stop", "trail", *TIFS]),
    ("replace 1a2b price ", []),
    ("replace 1a2b price 5 ", ["qty", "stop", "trail", *TIFS]),
    ("kill ", []),
    ("nonsense ", []),
]


@pytest.mark.parametrize(("text", "expected"), COMPLETIONS, ids=[repr(text) for text, _ in COMPLETIONS])
def test_completion_offers_the_words_that_fit(text: str, expected: list[str]) -> None:
    found = complete(text, symbols=SYMBOLS, strategies=["sma_cross", "rsi"], themes=["dark", "light"])
    assert found == expected


# --- help -----------------------------------------------------------------------------------------


def test_help_names_every_command() -> None:
    for word in COMMANDS:
        assert word in HELP


def test_help_text_without_topic_is_the_whole_grammar() -> None:
    assert help_text() == HELP
    assert help_text(None) == HELP


@pytest.mark.parametrize("topic", TOPICS)
def test_each_topic_is_a_part_of_the_grammar(topic: str) -> None:
    assert help_text(topic) in HELP
    assert help_text(topic.upper()) == help_text(topic)


def test_help_text_for_an_unknown_topic_is_refused() -> None:
    with pytest.raises(OrderLineError, match="no help on 'zzz'"):
        help_text("zzz")


def help_examples() -> list[str]:
    """The first example on each help line that starts with a command word (placeholders excluded)."""
    examples = []
    for line in HELP.splitlines():
        first = re.split(r"\s{2,}", line.strip())[0]
        if line.startswith("  ") and first.split()[0] in COMMANDS and "[" not in first and "|" not in first:
            examples.append(first)
    return examples


@pytest.mark.parametrize("example", help_examples())
def test_examples_in_help_parse(example: str) -> None:
    parse(example)


def test_help_has_examples_of_every_order_kind() -> None:
    kinds = {order(example).type for example in help_examples() if isinstance(parse(example), PlaceOrder)}
    assert kinds == set(OrderType)


# --- history --------------------------------------------------------------------------------------


@pytest.fixture
def history() -> History:
    return History(["buy 1 AAPL", "sell 1 AAPL", "kill"])


def test_prev_walks_from_newest_to_oldest_and_stays_at_the_oldest(history: History) -> None:
    assert history.prev() == "kill"
    assert history.prev() == "sell 1 AAPL"
    assert history.prev() == "buy 1 AAPL"
    assert history.prev() == "buy 1 AAPL"


def test_next_walks_back_and_returns_the_draft_after_the_newest(history: History) -> None:
    history.prev("buy 5 MS")
    history.prev()
    assert history.next() == "kill"
    assert history.next() == "buy 5 MS"
    assert not history.navigating
    assert history.next("buy 5 MSFT") == "buy 5 MSFT"


def test_next_without_navigation_keeps_the_input(history: History) -> None:
    assert history.next("typing") == "typing"


def test_prev_on_an_empty_history_keeps_the_input() -> None:
    assert History().prev("typing") == "typing"


def test_repeating_the_newest_entry_does_not_store_it_again(history: History) -> None:
    history.add("kill")
    history.add("  kill ")
    history.add("buy 1 AAPL")
    assert history.entries == ("buy 1 AAPL", "sell 1 AAPL", "kill", "buy 1 AAPL")


def test_blank_lines_are_not_stored(history: History) -> None:
    history.add("   ")
    assert len(history) == 3


def test_history_keeps_only_the_newest_entries() -> None:
    history = History([f"buy {n} AAPL" for n in range(1, 6)], limit=3)
    assert history.entries == ("buy 3 AAPL", "buy 4 AAPL", "buy 5 AAPL")


def test_adding_ends_navigation(history: History) -> None:
    history.prev("draft")
    history.prev()
    history.add("cancel all")
    assert not history.navigating
    assert history.prev() == "cancel all"


def test_history_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        History(limit=0)


# --- properties -----------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0.0001"), max_value=D(100_000), places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=D(100_000), places=4)
tickers = st.from_regex(r"\A[A-Z][A-Z0-9]{0,5}\Z")
verbs = st.sampled_from([("buy", Side.BUY), ("sell", Side.SELL), ("short", Side.SELL), ("cover", Side.BUY)])


def cased(word: str, upper: bool) -> str:
    return word.upper() if upper else word


@given(
    verb=verbs,
    qty=quantities,
    symbol=tickers,
    price=st.none() | prices,
    tif=st.sampled_from(TimeInForce),
    price_form=st.sampled_from(["{}", "@{}", "@ {}", "limit {}", "lmt {}"]),
    upper=st.booleans(),
)
def test_a_typed_order_parses_to_the_request_it_describes(
    verb: tuple[str, Side],
    qty: Decimal,
    symbol: str,
    price: Decimal | None,
    tif: TimeInForce,
    price_form: str,
    upper: bool,
) -> None:
    word, side = verb
    price_text = "" if price is None else price_form.format(price)
    line = f"{cased(word, upper)} {qty} {symbol.lower()} {price_text} {cased(tif.value, upper)}"
    expected = OrderRequest(
        symbol=symbol,
        side=side,
        type=OrderType.MARKET if price is None else OrderType.LIMIT,
        qty=qty,
        limit_price=price,
        time_in_force=tif,
    )
    assert order(line) == expected
    assert order(format_order(expected)) == expected


@given(
    side=st.sampled_from(Side),
    qty=quantities,
    symbol=tickers,
    kind=st.sampled_from(["stop", "stop_limit", "trail_price", "trail_percent"]),
    first=prices,
    second=prices,
    tif=st.sampled_from(TimeInForce),
)
def test_stop_and_trailing_orders_survive_formatting(
    side: Side, qty: Decimal, symbol: str, kind: str, first: Decimal, second: Decimal, tif: TimeInForce
) -> None:
    fields: dict[str, Any] = {
        "stop": {"type": OrderType.STOP, "stop_price": first},
        "stop_limit": {"type": OrderType.STOP_LIMIT, "stop_price": first, "limit_price": second},
        "trail_price": {"type": OrderType.TRAILING_STOP, "trail_price": first},
        "trail_percent": {"type": OrderType.TRAILING_STOP, "trail_percent": min(first, D("99.9999"))},
    }[kind]
    request = OrderRequest(symbol=symbol, side=side, qty=qty, time_in_force=tif, **fields)
    assert order(format_order(request)) == request


@given(
    side=st.sampled_from(Side),
    contracts=st.integers(min_value=1, max_value=1000),
    root=st.from_regex(r"\A[A-Z]{1,6}\Z"),
    expiry=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    option_type=st.sampled_from(OptionType),
    strike=st.decimals(min_value=D("0.001"), max_value=D("99999.999"), places=3),
    price=st.none() | prices,
)
def test_option_orders_parse_back_from_their_formatted_line(
    side: Side,
    contracts: int,
    root: str,
    expiry: date,
    option_type: OptionType,
    strike: Decimal,
    price: Decimal | None,
) -> None:
    request = OrderRequest(
        symbol=format_occ(root, expiry, option_type, strike),
        side=side,
        qty=D(contracts),
        type=OrderType.MARKET if price is None else OrderType.LIMIT,
        limit_price=price,
    )
    assert order(format_order(request)) == request


WORDS = st.sampled_from(
    [*COMMANDS, *ALIASES, "all", "in", "tp", "sl", "oco", "ext", "trail", "2%", "1.5", "-1", "0", "$5", "$",
     "@", "185/", "/3", "185/184.5", "AAPL", CALL_190, CALL_200, "AAPL991399C00190000", "gtc", "day", "limit",
     "qty", "price", "bto", "stc", "2", "99", "1e5", "nan", "inf", ".", ",", "ß", "\u0661", "9" * 5000]
)  # fmt: skip
LINES = st.lists(st.one_of(WORDS, st.text(max_size=10)), max_size=10).map(" ".join) | st.text()


@given(LINES)
def test_any_text_parses_or_raises_only_an_order_line_error(text: str) -> None:
    try:
        command = parse(text)
    except OrderLineError as error:
        assert str(error)
        assert "\n" not in str(error)
    else:
        assert command is not None


@given(LINES)
def test_completion_never_raises(text: str) -> None:
    assert isinstance(complete(text, symbols=SYMBOLS, strategies=["sma"]), list)


# --- boundaries -----------------------------------------------------------------------------------


def test_the_command_line_does_not_load_textual() -> None:
    code = "import sys, console.orderline; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
