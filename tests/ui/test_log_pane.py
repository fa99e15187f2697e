"""The log pane: compact lines per event, errors in the error colour, bounded, following the newest line."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from console.domain import (
    ErrorEvent,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    OrderUpdate,
    Side,
    TradeEvent,
)
from console.ui.panes.log import MAX_LINES, LogPane, describe_update

T0 = datetime(2024, 3, 5, 19, 31, 5, tzinfo=UTC)  # 14:31:05 in New York (EST)


def make_order(status: OrderStatus = OrderStatus.NEW, filled: str = "0", **request: object) -> Order:
    fields: dict[str, object] = {
        "symbol": "AAPL",
        "side": Side.BUY,
        "qty": Decimal(10),
        "strategy": "sma_rsi",
    }
    fields.update(request)
    return Order(
        id="ord-1",
        client_order_id="sma_rsi.s4k2jd.1",
        request=OrderRequest(**fields),
        status=status,
        filled_qty=Decimal(filled),
    )


def fill_update(qty: str, filled: str, event: TradeEvent = TradeEvent.FILL) -> OrderUpdate:
    status = OrderStatus.FILLED if event is TradeEvent.FILL else OrderStatus.PARTIALLY_FILLED
    order = make_order(status, filled)
    fill = Fill(
        order_id=order.id,
        client_order_id=order.client_order_id,
        symbol="AAPL",
        side=Side.BUY,
        qty=Decimal(qty),
        price=Decimal("190.12"),
        strategy="sma_rsi",
    )
    return OrderUpdate(event=event, order=order, fill=fill, timestamp=T0)


class LogApp(App[None]):
    CSS = "LogPane { height: 12; }"

    def compose(self) -> ComposeResult:
        yield LogPane()


class EarlyLogApp(LogApp):
    def on_mount(self) -> None:
        self.query_one(LogPane).add_info("before the first layout", timestamp=T0)


def shown(pane: LogPane) -> list[str]:
    return [strip.text.rstrip() for strip in pane.rich_log.lines]


def test_a_fill_is_one_compact_line() -> None:
    assert describe_update(fill_update("10", "10")) == "fill BUY 10 AAPL @ 190.12 (sma_rsi)"


def test_a_partial_fill_shows_its_own_size_and_the_progress() -> None:
    update = fill_update("4", "4", TradeEvent.PARTIAL_FILL)
    assert describe_update(update) == "partial fill BUY 4 AAPL @ 190.12 [4/10] (sma_rsi)"


@pytest.mark.parametrize(
    ("request_fields", "expected"),
    [
        ({"strategy": None}, "new BUY 10 AAPL market (manual)"),
        ({"type": OrderType.LIMIT, "limit_price": Decimal("0.5")}, "new BUY 10 AAPL limit 0.5000 (sma_rsi)"),
        (
            {
                "side": Side.SELL,
                "type": OrderType.STOP_LIMIT,
                "stop_price": Decimal(180),
                "limit_price": Decimal(179),
            },
            "new SELL 10 AAPL stop 180.00 limit 179.00 (sma_rsi)",
        ),
        (
            {"type": OrderType.TRAILING_STOP, "trail_percent": Decimal("1.5")},
            "new BUY 10 AAPL trail 1.50% (sma_rsi)",
        ),
        ({"qty": None, "notional": Decimal(1500)}, "new BUY $1,500.00 AAPL market (sma_rsi)"),
    ],
)
def test_an_order_event_names_the_order(request_fields: dict[str, object], expected: str) -> None:
    update = OrderUpdate(event=TradeEvent.NEW, order=make_order(**request_fields), timestamp=T0)
    assert describe_update(update) == expected


def test_a_rejection_carries_its_reason() -> None:
    update = OrderUpdate(
        event=TradeEvent.REJECTED,
        order=make_order(OrderStatus.REJECTED),
        reason="insufficient buying power",
        timestamp=T0,
    )
    assert describe_update(update) == "rejected BUY 10 AAPL market (sma_rsi) - insufficient buying power"


async def test_updates_errors_and_notices_are_shown_with_new_york_times() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        pane.add_update(fill_update("10", "10"))
        pane.add_error(ErrorEvent(source="risk", message="max position exceeded", timestamp=T0))
        pane.add_info("connected to sim", timestamp=T0)
        await pilot.pause()
        assert shown(pane) == [
            "14:31:05 fill BUY 10 AAPL @ 190.12 (sma_rsi)",
            "14:31:05 error from risk: max position exceeded",
            "14:31:05 connected to sim",
        ]
        assert pane.border_title == "4 Log"


async def test_errors_and_rejections_take_the_themes_error_colour() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        pane.add_error(ErrorEvent(source="broker", message="connection lost", timestamp=T0))
        rejected = OrderUpdate(
            event=TradeEvent.REJECTED, order=make_order(OrderStatus.REJECTED), timestamp=T0
        )
        pane.add_update(rejected)
        pane.add_info("plain notice", timestamp=T0)
        await pilot.pause()
        for theme in ("textual-dark", "nord"):
            app.theme = theme
            await pilot.pause()
            error = Color.parse(app.theme_variables["error"]).rich_color
            body_colours = [
                {seg.style.color for seg in strip if seg.text.strip() and not seg.text.startswith("14:")}
                for strip in pane.rich_log.lines
            ]
            assert body_colours[0] == {error}
            assert body_colours[1] == {error}
            assert error not in body_colours[2]


async def test_the_log_keeps_only_the_newest_lines() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        for number in range(MAX_LINES + 5):
            pane.add_info(f"notice {number}", timestamp=T0)
        await pilot.pause()
        assert len(pane.lines) == len(pane.rich_log.lines) == MAX_LINES
        assert shown(pane)[0] == "14:31:05 notice 5"


async def test_the_log_follows_new_lines_unless_scrolled_up() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        log = pane.rich_log
        for number in range(40):
            pane.add_info(f"notice {number}", timestamp=T0)
        await pilot.pause()
        assert log.max_scroll_y > 0
        assert log.scroll_y == log.max_scroll_y

        log.scroll_to(y=0, animate=False)
        await pilot.pause()
        pane.add_info("while reading history", timestamp=T0)
        await pilot.pause()
        assert log.scroll_y == 0

        log.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        pane.add_info("back at the bottom", timestamp=T0)
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y


async def test_lines_added_while_hidden_appear_when_shown() -> None:
    app = LogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        pane.display = False
        await pilot.pause()
        pane.add_info("while hidden", timestamp=T0)
        await pilot.pause()
        assert shown(pane) == []
        pane.display = True
        await pilot.pause()
        assert shown(pane) == ["14:31:05 while hidden"]


async def test_lines_added_before_the_first_layout_appear() -> None:
    app = EarlyLogApp()
    async with app.run_test() as pilot:
        pane = app.query_one(LogPane)
        await pilot.pause()
        assert shown(pane) == ["14:31:05 before the first layout"]


async def test_lines_do_not_wrap() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(LogPane)
        pane.add_info("x" * 200, timestamp=T0)
        await pilot.pause()
        assert len(pane.rich_log.lines) == 1


def test_the_default_css_uses_theme_variables_and_no_hex_colours() -> None:
    assert "$error" in LogPane.DEFAULT_CSS
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", LogPane.DEFAULT_CSS)
