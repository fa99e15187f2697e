"""The status header: mode badge (LIVE unmistakable), connections, New York clock, market and money."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from console.domain import ConnectionState, ConnectionStatus, Mode
from console.ui.panes.header import StatusHeader

T0 = datetime(2024, 3, 5, 19, 31, 5, tzinfo=UTC)  # 14:31:05 in New York (EST)


class HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusHeader()


def lines(header: StatusHeader) -> list[str]:
    return header.render().plain.split("\n")


def colour_of(header: StatusHeader, text: str) -> Color | None:
    """The foreground colour the header paints ``text`` in, searching its rendered lines."""
    for y in range(header.size.height):
        for segment in header.render_line(y):
            if segment.text == text and segment.style is not None and segment.style.color is not None:
                return Color.from_rich_color(segment.style.color)
    raise AssertionError(f"{text!r} is not on the header")


def theme_colour(app: App[None], name: str) -> Color:
    return Color.parse(app.theme_variables[name])


def connections(**states: ConnectionState) -> dict[str, ConnectionStatus]:
    return {name: ConnectionStatus(name=name, state=state) for name, state in states.items()}


async def test_the_header_shows_mode_connections_clock_market_and_money() -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 10)) as pilot:
        header = app.query_one(StatusHeader)
        header.connections = connections(trading=ConnectionState.CONNECTED, market_data=ConnectionState.STALE)
        header.clock = T0
        header.market_open = True
        header.equity = Decimal(100_000)
        header.day_pl = Decimal(1_000)
        header.buying_power = Decimal(180_000)
        await pilot.pause()
        assert lines(header) == [
            " SIM   │  trading: connected  │  market data: stale  │  14:31:05 ET  │  OPEN",
            "Equity 100,000.00  │  Day P&L +1,000.00 (+1.01%)  │  Buying power 180,000.00",
        ]


async def test_unknown_figures_show_a_dash_and_no_market_state() -> None:
    app = HeaderApp()
    async with app.run_test() as pilot:
        header = app.query_one(StatusHeader)
        await pilot.pause()
        assert lines(header) == [
            " SIM   │  —",
            "Equity —  │  Day P&L —  │  Buying power —",
        ]


async def test_a_closed_market_and_a_reconnect_detail_are_shown() -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 10)) as pilot:
        header = app.query_one(StatusHeader)
        header.connections = {
            "trading": ConnectionStatus(name="trading", state=ConnectionState.RECONNECTING, detail="try 3")
        }
        header.market_open = False
        header.clock = T0
        await pilot.pause()
        assert lines(header)[0] == " SIM   │  trading: reconnecting (try 3)  │  14:31:05 ET  │  CLOSED"


@pytest.mark.parametrize("mode", ["SIM", "PAPER", "sim", Mode.PAPER])
async def test_only_live_mode_marks_the_header_live(mode: str) -> None:
    app = HeaderApp()
    async with app.run_test() as pilot:
        header = app.query_one(StatusHeader)
        header.mode = mode
        await pilot.pause()
        assert not header.has_class("-live")
        assert lines(header)[0].startswith(f" {str(mode).upper()} ")


@pytest.mark.parametrize("mode", ["LIVE", "live", Mode.LIVE])
async def test_live_mode_is_unmistakable(mode: str) -> None:
    app = HeaderApp()
    async with app.run_test() as pilot:
        header = app.query_one(StatusHeader)
        header.mode = mode
        await pilot.pause()
        assert header.has_class("-live")
        assert header.styles.background == theme_colour(app, "error")
        assert header.styles.border_top[0] == "heavy"
        badge = next(span for span in header.render().spans if span.start == 0)
        assert "bold" in str(badge.style) and "reverse" in str(badge.style)


async def test_leaving_live_mode_removes_the_live_class() -> None:
    app = HeaderApp()
    async with app.run_test() as pilot:
        header = app.query_one(StatusHeader)
        header.mode = "LIVE"
        await pilot.pause()
        header.mode = "PAPER"
        await pilot.pause()
        assert not header.has_class("-live")


@pytest.mark.parametrize(
    ("state", "variable"),
    [
        (ConnectionState.CONNECTED, "success"),
        (ConnectionState.CONNECTING, "warning"),
        (ConnectionState.RECONNECTING, "warning"),
        (ConnectionState.STALE, "warning"),
        (ConnectionState.DISCONNECTED, "error"),
        (ConnectionState.FAILED, "error"),
    ],
)
async def test_connection_states_take_theme_colours(state: ConnectionState, variable: str) -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 10)) as pilot:
        header = app.query_one(StatusHeader)
        header.connections = connections(trading=state)
        await pilot.pause()
        assert colour_of(header, state.value) == theme_colour(app, variable)


@pytest.mark.parametrize(("day_pl", "variable"), [(Decimal(250), "success"), (Decimal(-250), "error")])
async def test_day_pnl_is_coloured_by_sign_in_every_theme(day_pl: Decimal, variable: str) -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 10)) as pilot:
        header = app.query_one(StatusHeader)
        header.equity = Decimal(10_250) if day_pl > 0 else Decimal(9_750)
        header.day_pl = day_pl
        for theme in ("textual-dark", "nord"):
            app.theme = theme
            await pilot.pause()
            text = "+250.00 (+2.50%)" if day_pl > 0 else "-250.00 (-2.50%)"
            assert colour_of(header, text) == theme_colour(app, variable)


async def test_a_new_connections_dict_merged_from_the_old_one_repaints() -> None:
    app = HeaderApp()
    async with app.run_test(size=(120, 10)) as pilot:
        header = app.query_one(StatusHeader)
        header.connections = connections(trading=ConnectionState.CONNECTING)
        await pilot.pause()
        header.connections = {**header.connections, **connections(trading=ConnectionState.CONNECTED)}
        await pilot.pause()
        assert "trading: connected" in lines(header)[0]


def test_the_default_css_uses_theme_variables_and_no_hex_colours() -> None:
    assert "$error" in StatusHeader.DEFAULT_CSS
    assert "heavy" in StatusHeader.DEFAULT_CSS
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", StatusHeader.DEFAULT_CSS)
