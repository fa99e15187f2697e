"""The positions pane: figures per holding, the totals line, colours by sign, and flatten on ``f``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Static

from console.domain import Account, Position
from console.ui.panes.positions import PositionsPane

ACCOUNT = Account(
    cash=Decimal(90_000), equity=Decimal(100_000), last_equity=Decimal(99_000), buying_power=Decimal(180_000)
)


@pytest.fixture
def long_aapl() -> Position:
    return Position(
        symbol="AAPL",
        qty=Decimal(10),
        avg_entry_price=Decimal(180),
        current_price=Decimal("190.12"),
        realized_pl=Decimal("-12.5"),
    )


@pytest.fixture
def short_tsla() -> Position:
    return Position(symbol="TSLA", qty=Decimal(-5), avg_entry_price=Decimal(250), current_price=Decimal(240))


class PositionsApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.flattens: list[str] = []

    def compose(self) -> ComposeResult:
        yield PositionsPane()

    def on_positions_pane_flatten_requested(self, message: PositionsPane.FlattenRequested) -> None:
        self.flattens.append(message.symbol)


def plain_row(pane: PositionsPane, symbol: str) -> list[str]:
    return [cell.plain for cell in pane.table.get_row(symbol)]


def totals_text(pane: PositionsPane) -> str:
    return str(pane.query_one("#positions-totals", Static).render())


async def test_a_long_position_shows_every_figure(long_aapl: Position) -> None:
    app = PositionsApp()
    async with app.run_test(size=(140, 20)) as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl], ACCOUNT)
        await pilot.pause()
        assert plain_row(pane, "AAPL") == [
            "AAPL", "10", "180.00", "190.12", "1,901.20", "+101.20", "+5.62%", "-12.50", "1.90%",
        ]  # fmt: skip


async def test_a_short_position_gains_when_the_price_falls(short_tsla: Position) -> None:
    app = PositionsApp()
    async with app.run_test(size=(140, 20)) as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([short_tsla], ACCOUNT)
        await pilot.pause()
        assert plain_row(pane, "TSLA")[1:7] == ["-5", "250.00", "240.00", "-1,200.00", "+50.00", "+4.00%"]


async def test_without_an_account_the_equity_share_is_blank(long_aapl: Position) -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl], None)
        await pilot.pause()
        assert plain_row(pane, "AAPL")[-1] == ""


async def test_the_totals_line_sums_value_and_pnl(long_aapl: Position, short_tsla: Position) -> None:
    app = PositionsApp()
    async with app.run_test(size=(140, 20)) as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl, short_tsla], ACCOUNT)
        await pilot.pause()
        assert totals_text(pane) == "Total  mkt value 701.20  unrealized +151.20  realized -12.50"


async def test_the_title_counts_positions(long_aapl: Position, short_tsla: Position) -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([short_tsla, long_aapl], ACCOUNT)
        await pilot.pause()
        assert pane.border_title == "3 Positions (2)"
        assert [str(row.key.value) for row in pane.table.ordered_rows] == ["AAPL", "TSLA"]


async def test_profit_and_loss_take_the_themes_success_and_error_colours(long_aapl: Position) -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl], ACCOUNT)
        await pilot.pause()
        for theme in ("textual-dark", "nord"):
            app.theme = theme
            await pilot.pause()
            row = pane.table.get_row("AAPL")
            assert row[5].style.color == Color.parse(app.theme_variables["success"]).rich_color
            assert row[7].style.color == Color.parse(app.theme_variables["error"]).rich_color


async def test_price_moves_keep_the_cursor_on_the_selected_symbol(
    long_aapl: Position, short_tsla: Position
) -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl, short_tsla], ACCOUNT)
        pane.focus()
        await pilot.pause()
        await pilot.press("down")
        assert pane.selected_symbol == "TSLA"
        moved = long_aapl.model_copy(update={"current_price": Decimal(191)})
        msft = Position(symbol="MSFT", qty=Decimal(1), avg_entry_price=Decimal(400))
        pane.update_positions([moved, msft, short_tsla], ACCOUNT)
        await pilot.pause()
        assert pane.selected_symbol == "TSLA"
        assert plain_row(pane, "AAPL")[3] == "191.00"


async def test_f_asks_to_flatten_the_selected_symbol(long_aapl: Position, short_tsla: Position) -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([long_aapl, short_tsla], ACCOUNT)
        pane.focus()
        await pilot.pause()
        await pilot.press("down", "f")
        assert app.flattens == ["TSLA"]


async def test_f_when_flat_posts_nothing() -> None:
    app = PositionsApp()
    async with app.run_test() as pilot:
        pane = app.query_one(PositionsPane)
        pane.update_positions([], ACCOUNT)
        pane.focus()
        await pilot.pause()
        await pilot.press("f")
        assert pane.selected_symbol is None
        assert app.flattens == []


def test_the_default_css_uses_theme_variables_and_no_hex_colours() -> None:
    assert "$success" in PositionsPane.DEFAULT_CSS
    assert "$error" in PositionsPane.DEFAULT_CSS
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", PositionsPane.DEFAULT_CSS)
