"""The whole console driven by Pilot over a real sim session: panes fill, both entry paths trade."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import DataTable

from console.domain import OrderStatus, Side
from console.journal import JournalKind
from console.ui.app import ConsoleApp
from console.ui.panes.header import StatusHeader
from console.ui.panes.orders import OrdersPane
from console.ui.panes.watchlist import WatchlistPane
from console.ui.screens.confirm import ConfirmScreen
from console.ui.screens.help import HelpScreen
from console.ui.screens.order_ticket import OrderTicketScreen
from tests.ui.sim_console import SimConsole


async def settle(pilot, app: ConsoleApp) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and a frame or two apply their results."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.apply_frame()
    await pilot.pause()


async def test_watchlist_shows_live_quotes_from_the_sim(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        watchlist = app.query_one(WatchlistPane)
        assert watchlist.symbols == ["AAPL", "MSFT", "NVDA", "SPY"]
        assert watchlist.selected_symbol == "AAPL"


async def test_header_says_sim_and_shows_equity(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        header = app.query_one(StatusHeader)
        assert header.mode == "SIM"
        assert header.equity == Decimal(100_000)
        assert not header.has_class("-live")


async def test_command_line_order_fills_in_the_sim_and_is_journaled(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon")
        await pilot.press(*"buy 10 AAPL", "enter")
        await settle(pilot, app)
        orders = sim_console.session.orders()
        assert [(o.symbol, o.side, o.status) for o in orders] == [("AAPL", Side.BUY, OrderStatus.FILLED)]
        table = app.query_one(OrdersPane).query_one(DataTable)
        app.query_one(OrdersPane).focus()
        await pilot.press("v")  # working -> filled view
        await pilot.pause()
        assert table.row_count == 1
        kinds = [e.kind for e in sim_console.journal.query(client_order_id=orders[0].client_order_id)]
        assert JournalKind.ORDER_INTENT in kinds and JournalKind.FILL in kinds


async def test_malformed_command_is_one_sentence_and_nothing_is_sent(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon")
        await pilot.press(*"buy -5 AAPL", "enter")
        await settle(pilot, app)
        assert sim_console.session.orders() == []
        messages = [n.message for n in app._notifications]
        assert any("quantity" in m and "\n" not in m for m in messages)


async def test_ticket_order_from_the_b_key_reaches_the_broker(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, OrderTicketScreen)
        await pilot.press(*"5")
        await pilot.press("enter")
        await settle(pilot, app)
        filled = [o for o in sim_console.session.orders() if o.status is OrderStatus.FILLED]
        assert [(o.symbol, o.qty) for o in filled] == [("AAPL", Decimal(5))]


async def test_cancel_all_needs_a_confirming_key(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("colon")
        await pilot.press(*"buy 10 AAPL 1 gtc", "enter")
        await settle(pilot, app)
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(sim_console.session.working_orders()) == 1
        await pilot.press("X")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        sim_console.broker.advance(1)
        await settle(pilot, app)
        assert sim_console.session.working_orders() == []


async def test_help_lists_bindings_and_grammar(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_theme_switches_at_runtime(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "btconsole-dark"
        await pilot.press("t")
        await pilot.pause()
        assert app.theme != "btconsole-dark"
        app.run_command("theme high-contrast")
        await pilot.pause()
        assert app.theme == "btconsole-high-contrast"


async def test_narrow_terminal_shows_one_pane_at_a_time(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.screen.has_class("-narrow")
        await pilot.press("2")
        await pilot.pause()
        assert app.query_one("#orders").display
        assert not app.query_one("#watchlist").display


async def test_quit_stops_the_session_in_order(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await app.workers.wait_for_complete()
        await pilot.pause()
    stops = [
        e for e in sim_console.journal.query(kinds=[JournalKind.SESSION]) if e.payload.get("event") == "stop"
    ]
    assert stops


async def test_watch_command_adds_and_subscribes_symbols(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        app.run_command("watch TSLA AMD")
        await settle(pilot, app)
        assert app.query_one(WatchlistPane).symbols[-2:] == ["TSLA", "AMD"]
        sim_console.broker.advance(2)
        assert sim_console.session.quotes.quote("TSLA") is not None
        app.run_command("unwatch TSLA")
        await settle(pilot, app)
        assert "TSLA" not in app.query_one(WatchlistPane).symbols


async def test_command_palette_carries_every_console_action(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for binding in app.BINDINGS:
            if not binding.action.startswith("show_pane"):
                assert binding.description in titles
        assert {"Go to orders", "Theme: light"} <= titles


async def test_colon_in_a_ticket_field_types_a_colon_not_the_command_line(sim_console: SimConsole) -> None:
    app = sim_console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, OrderTicketScreen)
