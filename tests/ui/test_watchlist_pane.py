"""The watchlist pane: its title, switching lists, adding and removing symbols, and the messages it posts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Input, Label

from console.market.quote_book import QuoteBookRow
from console.ui.panes.watchlist import WatchlistPane
from console.ui.widgets.quote_board import QuoteBoard

LISTS = {"default": ["AAPL", "MSFT", "SPY"], "tech": ["NVDA", "AMD"]}


def quote(symbol: str, last: str) -> QuoteBookRow:
    price = Decimal(last)
    return QuoteBookRow(
        symbol, price, price, price, None, None, Decimal(0), (), datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
    )


class PaneApp(App[None]):
    def __init__(self, watchlists: dict[str, list[str]] = LISTS, active: str | None = None) -> None:
        super().__init__()
        self.watchlists = watchlists
        self.active = active
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield WatchlistPane(self.watchlists, self.active)

    def on_watchlist_pane_symbol_selected(self, message: WatchlistPane.SymbolSelected) -> None:
        self.messages.append(message)

    def on_watchlist_pane_watchlist_changed(self, message: WatchlistPane.WatchlistChanged) -> None:
        self.messages.append(message)

    def changes(self) -> list[WatchlistPane.WatchlistChanged]:
        return [m for m in self.messages if isinstance(m, WatchlistPane.WatchlistChanged)]

    def selections(self) -> list[str]:
        return [m.symbol for m in self.messages if isinstance(m, WatchlistPane.SymbolSelected)]


def error_text(pane: WatchlistPane) -> str:
    return str(pane.query_one("#watchlist-error", Label).render())


async def test_the_title_shows_number_list_name_and_count() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)):
        pane = app.query_one(WatchlistPane)
        assert pane.id == "watchlist"
        assert pane.border_title == "1 Watchlist · default (3)"
        assert pane.symbols == ["AAPL", "MSFT", "SPY"]


async def test_active_picks_the_first_list_shown() -> None:
    app = PaneApp(active="tech")
    async with app.run_test(size=(100, 20)):
        assert app.query_one(WatchlistPane).symbols == ["NVDA", "AMD"]


async def test_no_lists_gives_one_empty_default_list() -> None:
    app = PaneApp(watchlists={})
    async with app.run_test(size=(100, 20)):
        pane = app.query_one(WatchlistPane)
        assert pane.border_title == "1 Watchlist · default (0)"
        assert pane.selected_symbol is None


async def test_brackets_switch_lists_and_wrap_around() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("right_square_bracket")
        assert pane.border_title == "1 Watchlist · tech (2)"
        assert pane.symbols == ["NVDA", "AMD"]
        assert pane.selected_symbol == "NVDA"
        await pilot.press("right_square_bracket")
        assert pane.active_list == "default"
        await pilot.press("left_square_bracket")
        assert pane.active_list == "tech"
        await pilot.pause()
        assert app.selections() == ["AAPL", "NVDA", "AAPL", "NVDA"]


async def test_quotes_for_another_list_are_shown_when_it_comes_up() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        pane.update_quotes({"AAPL": quote("AAPL", "190"), "NVDA": quote("NVDA", "900")})
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert pane.board.render_line(1).text.split()[:2] == ["NVDA", "900.00"]


async def test_moving_the_cursor_posts_symbol_selected() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("down", "end")
        await pilot.pause()
        assert app.query_one(WatchlistPane).selected_symbol == "SPY"
        assert app.selections() == ["AAPL", "MSFT", "SPY"]


async def test_a_adds_a_valid_symbol_and_posts_the_new_list() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", *"tsla", "enter")
        await pilot.pause()
        assert pane.symbols == ["AAPL", "MSFT", "SPY", "TSLA"]
        assert app.changes()[-1] == WatchlistPane.WatchlistChanged("default", ("AAPL", "MSFT", "SPY", "TSLA"))
        assert pane.selected_symbol == "TSLA"
        assert pane.border_title == "1 Watchlist · default (4)"
        assert not pane.query_one(Input).display
        assert isinstance(app.focused, QuoteBoard)


async def test_several_symbols_can_be_added_at_once() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("a", *"qqq, iwm msft", "enter")
        assert app.query_one(WatchlistPane).symbols == ["AAPL", "MSFT", "SPY", "QQQ", "IWM"]


async def test_a_bad_symbol_shows_a_sentence_and_loses_nothing() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", *"qqq 12$", "enter")
        await pilot.pause()
        assert error_text(pane).startswith("'12$' is not a valid symbol")
        assert error_text(pane).endswith(".")
        assert pane.query_one("#watchlist-error", Label).display
        assert pane.query_one(Input).value == "qqq 12$"
        assert pane.symbols == ["AAPL", "MSFT", "SPY"]
        assert app.changes() == []


async def test_typing_again_clears_the_error() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", *"12$", "enter", "backspace")
        await pilot.pause()
        assert not pane.query_one("#watchlist-error", Label).display


async def test_a_symbol_already_on_the_list_is_refused_with_a_sentence() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", *"msft", "enter")
        await pilot.pause()
        assert error_text(pane) == "MSFT is already on default."
        assert app.changes() == []


async def test_escape_cancels_adding() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", *"tsla", "escape")
        await pilot.pause()
        assert pane.symbols == ["AAPL", "MSFT", "SPY"]
        assert not pane.query_one(Input).display
        assert isinstance(app.focused, QuoteBoard)


async def test_pane_keys_type_into_the_input_while_adding() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("a", "d", "left_square_bracket")
        assert pane.query_one(Input).value == "d["
        assert pane.symbols == ["AAPL", "MSFT", "SPY"]
        assert pane.active_list == "default"


async def test_d_removes_the_selected_symbol_and_posts_the_new_list() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("down", "d")
        await pilot.pause()
        assert pane.symbols == ["AAPL", "SPY"]
        assert app.changes() == [WatchlistPane.WatchlistChanged("default", ("AAPL", "SPY"))]
        assert pane.selected_symbol == "SPY"
        assert app.selections()[-1] == "SPY"


async def test_delete_removes_too_and_an_empty_list_stays_calm() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("right_square_bracket", "delete", "delete", "delete")
        await pilot.pause()
        assert pane.symbols == []
        assert pane.selected_symbol is None
        assert pane.border_title == "1 Watchlist · tech (0)"
        assert [c.symbols for c in app.changes()] == [("AMD",), ()]
        assert pane.watchlists == {"default": ("AAPL", "MSFT", "SPY"), "tech": ()}


async def test_focusing_the_pane_focuses_its_board() -> None:
    app = PaneApp()
    async with app.run_test(size=(100, 20)) as pilot:
        pane = app.query_one(WatchlistPane)
        app.set_focus(None)
        pane.focus()
        await pilot.pause()
        assert app.focused is pane.board


async def test_each_list_keeps_its_selection_across_switches() -> None:
    app = PaneApp({"long": [f"S{i:03d}" for i in range(100)], "short": ["AAPL", "MSFT"]})
    async with app.run_test(size=(100, 15)) as pilot:
        pane = app.query_one(WatchlistPane)
        await pilot.press("end", "right_square_bracket")
        await pilot.pause()
        assert pane.selected_symbol == "AAPL"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert pane.selected_symbol == "S099"
        assert pane.board.scroll_offset.y > 0
