"""The order ticket's logic without a screen: form to request, the one reason and its field, the preview."""

# ruff: noqa: RUF001 (the preview writes a multiplication sign)

from dataclasses import replace
from decimal import Decimal

import pytest

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
from console.risk.gate import RiskDecision
from console.ui.order_ticket_model import (
    TicketCheck,
    TicketError,
    TicketField,
    TicketForm,
    build_request,
    check_form,
    estimate,
    passive_price,
    risk_text,
)

D = Decimal
OPTION = "AAPL250117C00190000"
BASE = TicketForm(symbol="AAPL", size="10")
QUOTE = QuoteBookRow("AAPL", D("190.50"), D("190.55"), D("190.52"), None, None, D(0), (), None)
ACCOUNT = Account(cash=D(100_000), equity=D(100_000), last_equity=D(100_000), buying_power=D(100_000))


def form(**changes: object) -> TicketForm:
    return replace(BASE, **changes)  # type: ignore[arg-type]


def request(**fields: object) -> OrderRequest:
    return OrderRequest(**{"symbol": "AAPL", "qty": D(10), **fields})  # type: ignore[arg-type]


VALID = [
    ("market", form(), request()),
    ("lower-case symbol with spaces", form(symbol=" aapl "), request()),
    ("fractional quantity", form(size="0.5"), request(qty=D("0.5"))),
    ("thousands separator", form(size="1,000"), request(qty=D(1000))),
    (
        "price with a thousands separator",
        form(type=OrderType.LIMIT, limit_price="1,234.5"),
        request(type=OrderType.LIMIT, limit_price=D("1234.5")),
    ),
    ("notional", form(size="$500"), request(qty=None, notional=D(500))),
    ("notional with a space", form(size="$ 2,500"), request(qty=None, notional=D(2500))),
    ("sell", form(side=Side.SELL), request(side=Side.SELL)),
    (
        "limit gtc",
        form(type=OrderType.LIMIT, limit_price="190.5", time_in_force=TimeInForce.GTC),
        request(type=OrderType.LIMIT, limit_price=D("190.5"), time_in_force=TimeInForce.GTC),
    ),
    (
        "limit in extended hours",
        form(type=OrderType.LIMIT, limit_price="190", extended_hours=True),
        request(type=OrderType.LIMIT, limit_price=D(190), extended_hours=True),
    ),
    ("stop", form(type=OrderType.STOP, stop_price="240"), request(type=OrderType.STOP, stop_price=D(240))),
    (
        "stop limit",
        form(type=OrderType.STOP_LIMIT, stop_price="240", limit_price="241"),
        request(type=OrderType.STOP_LIMIT, stop_price=D(240), limit_price=D(241)),
    ),
    (
        "trailing stop by price",
        form(type=OrderType.TRAILING_STOP, trail="1.5"),
        request(type=OrderType.TRAILING_STOP, trail_price=D("1.5")),
    ),
    (
        "trailing stop by percent",
        form(type=OrderType.TRAILING_STOP, trail="2%"),
        request(type=OrderType.TRAILING_STOP, trail_percent=D(2)),
    ),
    (
        "bracket",
        form(type=OrderType.LIMIT, limit_price="190", take_profit="200", stop_loss="185"),
        request(
            type=OrderType.LIMIT,
            limit_price=D(190),
            order_class=OrderClass.BRACKET,
            take_profit=TakeProfit(limit_price=D(200)),
            stop_loss=StopLoss(stop_price=D(185)),
        ),
    ),
    (
        "bracket with a stop-limit exit",
        form(take_profit="200", stop_loss="185/184.5"),
        request(
            order_class=OrderClass.BRACKET,
            take_profit=TakeProfit(limit_price=D(200)),
            stop_loss=StopLoss(stop_price=D(185), limit_price=D("184.5")),
        ),
    ),
    (
        "take-profit alone is OTO",
        form(take_profit="200"),
        request(order_class=OrderClass.OTO, take_profit=TakeProfit(limit_price=D(200))),
    ),
    (
        "stop-loss alone is OTO",
        form(stop_loss="185"),
        request(order_class=OrderClass.OTO, stop_loss=StopLoss(stop_price=D(185))),
    ),
    (
        "fields the type does not use are ignored",
        form(limit_price="junk", stop_price="1", trail="2%", extended_hours=True),
        request(),
    ),
    ("option in whole contracts", form(symbol=OPTION.lower(), size="2"), request(symbol=OPTION, qty=D(2))),
]


@pytest.mark.parametrize(("ticket", "expected"), [case[1:] for case in VALID], ids=[c[0] for c in VALID])
def test_a_valid_form_makes_the_exact_request(ticket: TicketForm, expected: OrderRequest) -> None:
    assert check_form(ticket) == TicketCheck(request=expected)


INVALID = [
    (form(symbol=""), "enter a symbol, such as AAPL", TicketField.SYMBOL),
    (
        form(symbol="A@PL"),
        "'A@PL' is not a valid symbol (a ticker such as AAPL or BRK.B, or an OCC option symbol)",
        TicketField.SYMBOL,
    ),
    (
        form(size=""),
        "enter a quantity, or $ and an amount for a notional order (100 or $500)",
        TicketField.SIZE,
    ),
    (form(size="abc"), "quantity must be a positive number, got 'abc'", TicketField.SIZE),
    (form(size="0"), "quantity must be a positive number, got '0'", TicketField.SIZE),
    (form(size="-5"), "quantity must be a positive number, got '-5'", TicketField.SIZE),
    (form(size="$"), "notional amount must be a positive number, got '$'", TicketField.SIZE),
    (
        form(size="$500", type=OrderType.LIMIT, limit_price="190"),
        "notional orders must be market orders on stocks",
        TicketField.SIZE,
    ),
    (form(type=OrderType.LIMIT), "a limit order needs a limit price", TicketField.LIMIT_PRICE),
    (
        form(type=OrderType.LIMIT, limit_price="x"),
        "limit price must be a positive number, got 'x'",
        TicketField.LIMIT_PRICE,
    ),
    (form(type=OrderType.STOP), "a stop order needs a stop price", TicketField.STOP_PRICE),
    (
        form(type=OrderType.STOP_LIMIT, stop_price="240"),
        "a stop-limit order needs a limit price",
        TicketField.LIMIT_PRICE,
    ),
    (
        form(type=OrderType.TRAILING_STOP),
        "a trailing stop needs a trail: an amount (1.5) or a percent (2%)",
        TicketField.TRAIL,
    ),
    (
        form(type=OrderType.TRAILING_STOP, trail="150%"),
        "a trail percent must be below 100",
        TicketField.TRAIL,
    ),
    (
        form(type=OrderType.TRAILING_STOP, trail="%"),
        "trail percent must be a positive number, got '%'",
        TicketField.TRAIL,
    ),
    (
        form(type=OrderType.LIMIT, limit_price="190", take_profit="185"),
        "take-profit 185 must be on the profit side of the entry 190",
        TicketField.TAKE_PROFIT,
    ),
    (
        form(type=OrderType.LIMIT, limit_price="190", stop_loss="195"),
        "stop-loss 195 must be on the loss side of the entry 190",
        TicketField.STOP_LOSS,
    ),
    (
        form(take_profit="180", stop_loss="185"),
        "take-profit 180 must be above stop-loss 185 when closing a long position",
        TicketField.TAKE_PROFIT,
    ),
    (
        form(stop_loss="185/abc"),
        "stop-loss limit price must be a positive number, got '185/abc'",
        TicketField.STOP_LOSS,
    ),
    (form(take_profit="0"), "take-profit price must be a positive number, got '0'", TicketField.TAKE_PROFIT),
    (
        form(type=OrderType.LIMIT, limit_price="190", extended_hours=True, time_in_force=TimeInForce.GTC),
        "extended-hours orders must be stock limit orders with time in force day",
        TicketField.EXTENDED_HOURS,
    ),
    (
        form(symbol=OPTION, size="1.5"),
        "option orders are for whole contracts, got 1.5",
        TicketField.SIZE,
    ),
    (
        form(symbol=OPTION, time_in_force=TimeInForce.GTC),
        "option orders must have time in force day",
        TicketField.TIME_IN_FORCE,
    ),
]


@pytest.mark.parametrize(("ticket", "message", "field"), INVALID, ids=[case[1] for case in INVALID])
def test_an_invalid_form_gives_one_plain_reason_and_its_field(
    ticket: TicketForm, message: str, field: TicketField
) -> None:
    assert check_form(ticket) == TicketCheck(error=message, field=field)
    with pytest.raises(TicketError) as raised:
        build_request(ticket)
    assert (raised.value.message, raised.value.field) == (message, field)


def test_the_first_mistake_reading_down_the_form_is_the_one_shown() -> None:
    check = check_form(TicketForm(symbol="", size="abc", type=OrderType.LIMIT))
    assert check.field is TicketField.SYMBOL


@pytest.mark.parametrize("case", VALID, ids=[case[0] for case in VALID])
def test_a_request_shown_in_a_form_reads_back_as_the_same_request(case: tuple) -> None:
    _, _, original = case
    assert build_request(TicketForm.from_request(original)) == original


def test_a_prefilled_form_shows_the_request_as_typed_text() -> None:
    original = request(
        side=Side.SELL,
        type=OrderType.LIMIT,
        limit_price=D("190.50"),
        order_class=OrderClass.BRACKET,
        take_profit=TakeProfit(limit_price=D(180)),
        stop_loss=StopLoss(stop_price=D(195), limit_price=D("195.5")),
    )
    assert TicketForm.from_request(original) == TicketForm(
        symbol="AAPL",
        side=Side.SELL,
        size="10",
        type=OrderType.LIMIT,
        limit_price="190.50",
        take_profit="180",
        stop_loss="195/195.5",
    )


@pytest.mark.parametrize(
    ("side", "quote", "expected"),
    [(Side.BUY, QUOTE, D("190.50")), (Side.SELL, QUOTE, D("190.55")), (Side.BUY, None, None)],
)
def test_a_limit_starts_on_the_traders_own_side_of_the_book(
    side: Side, quote: QuoteBookRow | None, expected: Decimal | None
) -> None:
    assert passive_price(side, quote) == expected


ESTIMATES = [
    ("market buy pays the ask", request(qty=D(100)), QUOTE, D("19055.00"), "100 × 190.55 ask"),
    ("market sell gets the bid", request(qty=D(100), side=Side.SELL), QUOTE, D("19050"), "100 × 190.50 bid"),
    (
        "limit at its limit",
        request(type=OrderType.LIMIT, limit_price=D(190)),
        None,
        D(1900),
        "10 × 190.00 limit",
    ),
    ("stop at its stop", request(type=OrderType.STOP, stop_price=D(240)), None, D(2400), "10 × 240.00 stop"),
    (
        "trailing stop at the market",
        request(type=OrderType.TRAILING_STOP, side=Side.SELL, trail_percent=D(2)),
        QUOTE,
        D("1905.00"),
        "10 × 190.50 bid",
    ),
    ("notional as given", request(qty=None, notional=D(500)), None, D(500), "notional"),
    (
        "option contracts carry the multiplier",
        request(symbol=OPTION, qty=D(2), type=OrderType.LIMIT, limit_price=D("3.10")),
        None,
        D(620),
        "2 × 3.10 limit × 100",
    ),
    (
        "no bid or ask falls back to the last price",
        request(),
        replace(QUOTE, bid=None, ask=None),
        D("1905.20"),
        "10 × 190.52 last",
    ),
    ("market without a quote", request(), None, None, "no quote for AAPL"),
    ("a quote for another symbol", request(symbol="MSFT"), QUOTE, None, "no quote for MSFT"),
]


@pytest.mark.parametrize(
    ("order", "quote", "value", "basis"), [c[1:] for c in ESTIMATES], ids=[c[0] for c in ESTIMATES]
)
def test_the_estimate_of_an_order(
    order: OrderRequest, quote: QuoteBookRow | None, value: Decimal | None, basis: str
) -> None:
    preview = estimate(order, quote, ACCOUNT)
    assert (preview.notional, preview.basis) == (value, basis)
    assert preview.buying_power == D(100_000)
    assert preview.buying_power_after == (None if value is None else D(100_000) - value)


def test_the_preview_lines() -> None:
    preview = estimate(request(qty=D(100)), QUOTE, ACCOUNT)
    assert preview.lines == (
        "Estimated 19,055.00 (100 × 190.55 ask)",
        "Buying power 100,000.00 - 19,055.00 → 80,945.00",
    )


def test_the_preview_without_a_price_or_an_account() -> None:
    assert estimate(request(), None, ACCOUNT).lines == (
        "Estimated — (no quote for AAPL)",
        "Buying power 100,000.00",
    )
    assert estimate(request(), QUOTE, None).lines[1] == "Buying power —"


@pytest.mark.parametrize(
    ("decision", "text"),
    [
        (RiskDecision.approve(), "Risk: OK"),
        (
            RiskDecision.deny("max_notional", "notional 19,055.00 is above the limit 10,000.00"),
            "Risk: notional 19,055.00 is above the limit 10,000.00",
        ),
        (RiskDecision.deny("kill_switch", ""), "Risk: kill_switch"),
    ],
)
def test_the_risk_line(decision: RiskDecision, text: str) -> None:
    assert risk_text(decision) == text
