"""The order ticket screen: what Enter returns, what a mistake shows, the preview and the risk line."""

# ruff: noqa: RUF001 (the preview writes a multiplication sign)

from decimal import Decimal

import pytest
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input, Select

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
from console.ui.screens.order_ticket import OrderTicketScreen

QUOTE = QuoteBookRow(
    symbol="AAPL",
    bid=Decimal("190.50"),
    ask=Decimal("190.55"),
    last=Decimal("190.52"),
    change=None,
    pct_change=None,
    volume=Decimal(0),
    sparkline=(),
    timestamp=None,
)
ACCOUNT = Account(
    cash=Decimal(100_000),
    equity=Decimal(100_000),
    last_equity=Decimal(100_000),
    buying_power=Decimal(100_000),
)


class TicketApp(App[None]):
    """Pushes one ticket and records what it dismisses with."""

    def __init__(self, ticket: OrderTicketScreen) -> None:
        super().__init__()
        self.ticket = ticket
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.ticket, self.results.append)


def ticket_app(symbol: str = "AAPL", **options: object) -> TicketApp:
    options.setdefault("quote", QUOTE)
    options.setdefault("account", ACCOUNT)
    return TicketApp(OrderTicketScreen(symbol, **options))  # type: ignore[arg-type]


def text_of(widget: Widget) -> str:
    return str(widget.visual)  # type: ignore[attr-defined]


async def fill(app: TicketApp, pilot, **values: str) -> None:
    """Type each value into the input of that id (underscores for dashes), as a trader would."""
    for field, value in values.items():
        field_input = app.ticket.query_one(f"#{field.replace('_', '-')}", Input)
        field_input.focus()
        field_input.value = ""
        await pilot.press(*value)
    await pilot.pause()


async def choose(app: TicketApp, pilot, field: str, value: object) -> None:
    app.ticket.query_one(f"#{field}", Select).value = value
    await pilot.pause()


async def test_enter_returns_a_market_order() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100", "enter")
        await pilot.pause()
    assert app.results == [OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(100))]


async def test_a_limit_ticket_starts_at_the_bid_for_a_buy_and_the_ask_for_a_sell() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.LIMIT)
        limit = app.ticket.query_one("#limit-price", Input)
        assert limit.value == "190.50"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert limit.value == "190.55"


async def test_enter_returns_a_limit_order_at_the_typed_price() -> None:
    app = ticket_app(side=Side.SELL)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.LIMIT)
        await fill(app, pilot, size="50", limit_price="190.5")
        await choose(app, pilot, "time-in-force", TimeInForce.GTC)
        app.ticket.query_one("#limit-price").focus()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        OrderRequest(
            symbol="AAPL",
            side=Side.SELL,
            type=OrderType.LIMIT,
            qty=Decimal(50),
            limit_price=Decimal("190.5"),
            time_in_force=TimeInForce.GTC,
        )
    ]


async def test_ctrl_t_steps_through_the_order_types() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        seen = []
        for _ in OrderType:
            await pilot.press("ctrl+t")
            await pilot.pause()
            seen.append(app.ticket.query_one("#type", Select).value)
    assert seen == [*list(OrderType)[1:], OrderType.MARKET]


async def test_enter_returns_a_stop_limit_order() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.STOP_LIMIT)
        await fill(app, pilot, size="10", stop_price="240", limit_price="241")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        OrderRequest(
            symbol="AAPL",
            type=OrderType.STOP_LIMIT,
            qty=Decimal(10),
            stop_price=Decimal(240),
            limit_price=Decimal(241),
        )
    ]


async def test_enter_returns_a_trailing_stop_by_percent() -> None:
    app = ticket_app(side=Side.SELL)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.TRAILING_STOP)
        await fill(app, pilot, size="10", trail="2%")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        OrderRequest(
            symbol="AAPL",
            side=Side.SELL,
            type=OrderType.TRAILING_STOP,
            qty=Decimal(10),
            trail_percent=Decimal(2),
        )
    ]


async def test_a_dollar_size_is_a_notional_market_order() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"$500", "enter")
        await pilot.pause()
    assert app.results == [OrderRequest(symbol="AAPL", notional=Decimal(500))]


async def test_take_profit_and_stop_loss_make_a_bracket() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.LIMIT)
        await fill(app, pilot, size="10", limit_price="190", take_profit="200", stop_loss="185/184.5")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        OrderRequest(
            symbol="AAPL",
            type=OrderType.LIMIT,
            qty=Decimal(10),
            limit_price=Decimal(190),
            order_class=OrderClass.BRACKET,
            take_profit=TakeProfit(limit_price=Decimal(200)),
            stop_loss=StopLoss(stop_price=Decimal(185), limit_price=Decimal("184.5")),
        )
    ]


async def test_a_take_profit_alone_makes_an_oto_order() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(app, pilot, size="10", take_profit="200")
        await pilot.press("enter")
        await pilot.pause()
    (request,) = app.results
    assert isinstance(request, OrderRequest)
    assert request.order_class is OrderClass.OTO
    assert request.take_profit == TakeProfit(limit_price=Decimal(200))


async def test_an_invalid_size_shows_the_reason_in_place_and_enter_does_nothing() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"abc")
        await pilot.pause()
        assert (
            text_of(app.ticket.query_one("#ticket-error")) == "quantity must be a positive number, got 'abc'"
        )
        assert app.ticket.query_one("#size").has_class("-invalid")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.ticket
    assert app.results == []


async def test_the_mark_stays_on_the_field_at_fault_after_leaving_it() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"abc", "tab")
        await pilot.pause()
        assert app.ticket.focused is not app.ticket.query_one("#size")
        assert app.ticket.query_one("#size").has_class("-invalid")


async def test_text_that_looks_like_markup_is_shown_as_typed() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(app, pilot, symbol="[b]X")
        assert text_of(app.ticket.query_one("#ticket-error")) == (
            "'[b]X' is not a valid symbol (a ticker such as AAPL or BRK.B, or an OCC option symbol)"
        )


async def test_a_rule_broken_across_fields_marks_the_field_named_in_the_reason() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.LIMIT)
        await fill(app, pilot, size="10", limit_price="190", stop_loss="195")
        assert text_of(app.ticket.query_one("#ticket-error")) == (
            "stop-loss 195 must be on the loss side of the entry 190"
        )
        assert app.ticket.query_one("#stop-loss").has_class("-invalid")
        assert not app.ticket.query_one("#size").has_class("-invalid")


async def test_correcting_the_mistake_clears_the_reason() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"0")
        await pilot.pause()
        await pilot.press("backspace", *"5")
        await pilot.pause()
        assert text_of(app.ticket.query_one("#ticket-error")) == ""
        assert not app.ticket.query_one("#size").has_class("-invalid")


async def test_escape_returns_none() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100", "escape")
        await pilot.pause()
    assert app.results == [None]


async def test_b_and_s_type_into_the_fields_and_leave_the_side_alone() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(app, pilot, symbol="bbs")
        assert app.ticket.query_one("#symbol", Input).value == "bbs"
        assert app.ticket.side is Side.BUY


async def test_ctrl_s_and_ctrl_b_switch_the_side() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.ticket.query_one("#side", Select).value is Side.SELL
        assert app.ticket.query_one("#ticket").has_class("-sell")
        await pilot.press("ctrl+b", *"5", "enter")
        await pilot.pause()
    assert app.results == [OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(5))]


@pytest.mark.parametrize(
    ("order_type", "shown"),
    [
        (OrderType.MARKET, set()),
        (OrderType.LIMIT, {"limit-price", "extended-hours"}),
        (OrderType.STOP, {"stop-price"}),
        (OrderType.STOP_LIMIT, {"stop-price", "limit-price"}),
        (OrderType.TRAILING_STOP, {"trail"}),
    ],
)
async def test_only_the_fields_the_type_uses_are_shown(order_type: OrderType, shown: set[str]) -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", order_type)
        optional = {"limit-price", "stop-price", "trail", "extended-hours"}
        displayed = {field for field in optional if app.ticket.query_one(f"#{field}-field").display}
        assert displayed == shown


async def test_the_preview_estimates_a_market_buy_at_the_ask() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100")
        await pilot.pause()
        assert text_of(app.ticket.query_one("#ticket-preview")) == (
            "Estimated 19,055.00 (100 × 190.55 ask)\nBuying power 100,000.00 - 19,055.00 → 80,945.00"
        )


async def test_the_preview_estimates_a_limit_order_at_its_limit() -> None:
    app = ticket_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await choose(app, pilot, "type", OrderType.LIMIT)
        await fill(app, pilot, size="20", limit_price="190")
        assert text_of(app.ticket.query_one("#ticket-preview")) == (
            "Estimated 3,800.00 (20 × 190.00 limit)\nBuying power 100,000.00 - 3,800.00 → 96,200.00"
        )


async def test_the_risk_line_says_ok_when_the_gate_approves() -> None:
    seen: list[OrderRequest] = []

    def approve(request: OrderRequest) -> RiskDecision:
        seen.append(request)
        return RiskDecision.approve()

    app = ticket_app(verdict=approve)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100")
        await pilot.pause()
        risk = app.ticket.query_one("#ticket-risk")
        assert text_of(risk) == "Risk: OK"
        assert risk.has_class("-ok")
    assert seen[-1] == OrderRequest(symbol="AAPL", qty=Decimal(100))


async def test_the_risk_line_gives_the_gates_reason_and_follows_each_change() -> None:
    def at_most_50(request: OrderRequest) -> RiskDecision:
        if request.qty is not None and request.qty > 50:
            return RiskDecision.deny("max_qty", "quantity 100 is above the limit of 50")
        return RiskDecision.approve()

    app = ticket_app(verdict=at_most_50)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100")
        await pilot.pause()
        risk = app.ticket.query_one("#ticket-risk")
        assert text_of(risk) == "Risk: quantity 100 is above the limit of 50"
        assert risk.has_class("-denied")
        await fill(app, pilot, size="50")
        assert text_of(risk) == "Risk: OK"


async def test_a_failing_risk_check_is_shown_without_taking_the_ticket_down() -> None:
    def broken(request: OrderRequest) -> RiskDecision:
        raise RuntimeError("gate offline")

    app = ticket_app(verdict=broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"100")
        await pilot.pause()
        risk = app.ticket.query_one("#ticket-risk")
        assert text_of(risk) == "Risk: could not check (gate offline)"
        assert risk.has_class("-failed")


async def test_a_prefilled_ticket_returns_the_order_it_was_given() -> None:
    order = OrderRequest(
        symbol="MSFT",
        side=Side.SELL,
        type=OrderType.STOP_LIMIT,
        qty=Decimal(3),
        stop_price=Decimal(400),
        limit_price=Decimal("399.5"),
        time_in_force=TimeInForce.GTC,
    )
    app = ticket_app("", prefill=order, title="Replace order 1a2b")
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.ticket.query_one("#ticket").border_title == "Replace order 1a2b"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [order]


async def test_the_whole_ticket_fits_an_80_by_24_terminal() -> None:
    app = ticket_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await choose(app, pilot, "type", OrderType.STOP_LIMIT)
        await fill(app, pilot, size="10", stop_price="190", limit_price="191", take_profit="200")
        ticket = app.ticket.query_one("#ticket")
        assert ticket.max_scroll_y == 0
        assert app.ticket.query_one("#ticket-risk").region.bottom <= 24
        await pilot.press("enter")
        await pilot.pause()
    assert len(app.results) == 1
