"""The orders pane: views, diffing that keeps the cursor, and the cancel/replace requests it posts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from console.domain import Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from console.ui.panes.orders import OrdersPane, OrderView

T0 = datetime(2024, 3, 5, 19, 31, 5, tzinfo=UTC)  # 14:31:05 in New York (EST)


def make_order(
    number: int,
    status: OrderStatus = OrderStatus.NEW,
    *,
    side: Side = Side.BUY,
    filled: str = "0",
    strategy: str | None = "sma_rsi",
    **request: object,
) -> Order:
    fields: dict[str, object] = {
        "symbol": "AAPL",
        "side": side,
        "type": OrderType.LIMIT,
        "qty": Decimal(10),
        "limit_price": Decimal("190.12"),
        "strategy": strategy,
    }
    fields.update(request)
    return Order(
        id=f"{number:08d}-4a2b-9c1d",
        client_order_id=f"{strategy or 'man'}.s4k2jd.{number}",
        request=OrderRequest(**fields),
        status=status,
        filled_qty=Decimal(filled),
        created_at=T0 + timedelta(seconds=number),
    )


class OrdersApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[OrdersPane.CancelRequested | OrdersPane.ReplaceRequested] = []
        self.notices: list[str] = []

    def notify(self, message: str, **kwargs: Any) -> None:
        self.notices.append(message)

    def compose(self) -> ComposeResult:
        yield OrdersPane()

    def on_orders_pane_cancel_requested(self, message: OrdersPane.CancelRequested) -> None:
        self.requests.append(message)

    def on_orders_pane_replace_requested(self, message: OrdersPane.ReplaceRequested) -> None:
        self.requests.append(message)


def shown_ids(pane: OrdersPane) -> list[str]:
    return [str(row.key.value) for row in pane.table.ordered_rows]


def plain_row(pane: OrdersPane, order_id: str) -> list[str]:
    return [cell.plain for cell in pane.table.get_row(order_id)]


@pytest.fixture
def mixed_orders() -> list[Order]:
    """Newest first, one order in every status group."""
    return [
        make_order(7, OrderStatus.REPLACED),
        make_order(6, OrderStatus.EXPIRED),
        make_order(5, OrderStatus.REJECTED),
        make_order(4, OrderStatus.CANCELED),
        make_order(3, OrderStatus.FILLED, filled="10"),
        make_order(2, OrderStatus.PARTIALLY_FILLED, filled="4"),
        make_order(1, OrderStatus.NEW),
    ]


async def test_a_working_order_is_shown_with_every_column_formatted() -> None:
    app = OrdersApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders([make_order(1)])
        await pilot.pause()
        assert plain_row(pane, "00000001-4a2b-9c1d") == [
            "AAPL", "BUY", "10", "limit", "190.12", "", "new", "0", "14:31:06", "DAY",
            "sma_rsi", "sma_rsi.s4k2jd.1", "00000001",
        ]  # fmt: skip


async def test_numbers_are_right_aligned_and_a_manual_order_says_manual() -> None:
    app = OrdersApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders([make_order(1, strategy=None, limit_price=Decimal("0.4567"))])
        await pilot.pause()
        row = pane.table.get_row("00000001-4a2b-9c1d")
        assert row[4].plain == "0.4567"
        assert row[2].justify == row[4].justify == "right"
        assert row[10].plain == "manual"  # strategy column


async def test_notional_and_trailing_stop_orders_fill_the_qty_and_stop_columns() -> None:
    app = OrdersApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(OrdersPane)
        notional = make_order(2, type=OrderType.MARKET, qty=None, notional=Decimal(500), limit_price=None)
        trailing = make_order(
            1,
            side=Side.SELL,
            type=OrderType.TRAILING_STOP,
            limit_price=None,
            trail_percent=Decimal("1.5"),
            time_in_force=TimeInForce.GTC,
        )
        pane.update_orders([notional, trailing])
        await pilot.pause()
        assert plain_row(pane, notional.id)[2:4] == ["$500.00", "market"]
        assert plain_row(pane, notional.id)[7] == "0"
        assert plain_row(pane, trailing.id)[1:8] == ["SELL", "10", "trail", "", "1.50%", "new", "0"]
        assert plain_row(pane, trailing.id)[9] == "GTC"


async def test_the_title_names_the_pane_the_view_and_the_count(mixed_orders: list[Order]) -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders(mixed_orders)
        await pilot.pause()
        assert pane.border_title == "2 Orders · working (2)"


async def test_v_cycles_working_filled_cancelled_and_all(mixed_orders: list[Order]) -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders(mixed_orders)
        pane.focus()
        await pilot.pause()
        seen = {}
        for _ in range(4):
            seen[pane.view] = [pane.table.get_row(key)[6].plain for key in shown_ids(pane)]
            await pilot.press("v")
        assert pane.view is OrderView.WORKING
        assert seen == {
            OrderView.WORKING: ["partially filled", "new"],
            OrderView.FILLED: ["filled"],
            OrderView.CANCELLED: ["replaced", "expired", "rejected", "canceled"],
            OrderView.ALL: [
                "replaced", "expired", "rejected", "canceled", "filled", "partially filled", "new",
            ],
        }  # fmt: skip


async def test_a_new_order_at_the_top_keeps_the_cursor_on_the_selected_order() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        older = [make_order(2), make_order(1)]
        pane.update_orders(older)
        pane.focus()
        await pilot.pause()
        await pilot.press("down")
        assert pane.selected_order == older[1]
        pane.update_orders([make_order(3), *older])
        await pilot.pause()
        assert shown_ids(pane) == [make_order(3).id, older[0].id, older[1].id]
        assert pane.selected_order == older[1]


async def test_an_order_leaving_the_view_above_the_cursor_keeps_the_cursor_on_its_order() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        orders = [make_order(3), make_order(2), make_order(1)]
        pane.update_orders(orders)
        pane.focus()
        await pilot.pause()
        await pilot.press("down", "down")
        assert pane.selected_order == orders[2]
        filled = make_order(3, OrderStatus.FILLED, filled="10")
        pane.update_orders([filled, *orders[1:]])
        await pilot.pause()
        assert shown_ids(pane) == [orders[1].id, orders[2].id]
        assert pane.selected_order == orders[2]


async def test_a_fill_updates_its_row_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders([make_order(2), make_order(1)])
        await pilot.pause()
        rebuilt: list[bool] = []
        monkeypatch.setattr(pane.table, "clear", lambda *a, **k: rebuilt.append(True))
        part = make_order(1, OrderStatus.PARTIALLY_FILLED, filled="4")
        pane.update_orders([make_order(2), part])
        await pilot.pause()
        assert plain_row(pane, part.id)[7] == "4"
        assert plain_row(pane, part.id)[6] == "partially filled"
        assert rebuilt == []


async def test_c_asks_to_cancel_the_selected_working_order() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        orders = [make_order(2), make_order(1)]
        pane.update_orders(orders)
        pane.focus()
        await pilot.pause()
        await pilot.press("down", "c")
        assert [(type(m), m.order) for m in app.requests] == [(OrdersPane.CancelRequested, orders[1])]


async def test_r_asks_to_replace_the_selected_working_order() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        orders = [make_order(1)]
        pane.update_orders(orders)
        pane.focus()
        await pilot.pause()
        await pilot.press("r")
        assert [(type(m), m.order) for m in app.requests] == [(OrdersPane.ReplaceRequested, orders[0])]


@pytest.mark.parametrize("key", ["c", "r"])
async def test_a_finished_order_cannot_be_cancelled_or_replaced(key: str) -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.update_orders([make_order(1, OrderStatus.FILLED, filled="10")])
        pane.view = OrderView.FILLED
        pane.focus()
        await pilot.pause()
        await pilot.press(key)
        assert app.requests == []
        done_to = "cancelled" if key == "c" else "replaced"
        assert app.notices == [f"Order 00000001 is filled; only a working order can be {done_to}."]


async def test_keys_on_an_empty_view_post_nothing() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.focus()
        await pilot.pause()
        await pilot.press("c", "r")
        assert pane.selected_order is None
        assert app.requests == []


async def test_sides_and_rejections_take_the_themes_success_and_error_colours() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        buy, sell = make_order(2), make_order(1, OrderStatus.REJECTED, side=Side.SELL)
        pane.update_orders([buy, sell])
        pane.view = OrderView.ALL
        await pilot.pause()
        for theme in ("textual-dark", "nord"):
            app.theme = theme
            await pilot.pause()
            success = Color.parse(app.theme_variables["success"]).rich_color
            error = Color.parse(app.theme_variables["error"]).rich_color
            assert pane.table.get_row(buy.id)[1].style.color == success
            assert pane.table.get_row(sell.id)[1].style.color == error
            assert pane.table.get_row(sell.id)[6].style.color == error


def test_the_default_css_uses_theme_variables_and_no_hex_colours() -> None:
    assert "$success" in OrdersPane.DEFAULT_CSS
    assert "$error" in OrdersPane.DEFAULT_CSS
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", OrdersPane.DEFAULT_CSS)


async def test_focusing_the_pane_focuses_its_table() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        pane.focus()
        await pilot.pause()
        assert app.focused is pane.table


async def test_many_orders_leaving_at_once_keep_the_cursor_on_its_order() -> None:
    app = OrdersApp()
    async with app.run_test() as pilot:
        pane = app.query_one(OrdersPane)
        orders = [make_order(number) for number in range(12, 0, -1)]
        pane.update_orders(orders)
        pane.focus()
        await pilot.pause()
        await pilot.press("ctrl+end")
        assert pane.selected_order == orders[-1]
        filled = [make_order(number, OrderStatus.FILLED, filled="10") for number in range(12, 2, -1)]
        pane.update_orders([*filled, *orders[-2:]])
        await pilot.pause()
        assert shown_ids(pane) == [orders[-2].id, orders[-1].id]
        assert pane.selected_order == orders[-1]


async def test_the_view_can_be_set_before_the_pane_is_mounted() -> None:
    pane = OrdersPane(id="second-orders")
    pane.view = OrderView.ALL
    pane.update_orders([make_order(1, OrderStatus.FILLED, filled="10")])
    app = OrdersApp()
    async with app.run_test() as pilot:
        await app.mount(pane, before=0)  # a second pane, given its data before it existed on screen
        await pilot.pause()
        assert shown_ids(pane) == [make_order(1).id]
