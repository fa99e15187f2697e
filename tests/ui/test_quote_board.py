"""The quote board: values and colours on screen, repainting only what changed, sorting, cursor, widths."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from textual.app import App, ComposeResult
from textual.color import Color

from console.market.quote_book import QuoteBookRow
from console.ui.widgets.quote_board import BARS, QuoteBoard, sparkline_text

STAMP = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
SYMBOLS = ["AAPL", "MSFT", "NVDA", "SPY"]


def quote(
    symbol: str,
    last: str | None,
    change: str | None = None,
    *,
    volume: int = 1_000,
    sparkline: tuple[float, ...] = (),
) -> QuoteBookRow:
    """A board row; bid and ask a cent either side of ``last``, % change from the implied open."""
    price = None if last is None else Decimal(last)
    moved = None if change is None else Decimal(change)
    pct = None
    if price is not None and moved is not None:
        pct = (moved / (price - moved) * 100).quantize(Decimal("0.01"))
    cent = Decimal("0.01")
    return QuoteBookRow(
        symbol=symbol,
        bid=None if price is None else price - cent,
        ask=None if price is None else price + cent,
        last=price,
        change=moved,
        pct_change=pct,
        volume=Decimal(volume),
        sparkline=sparkline,
        timestamp=STAMP,
    )


class BoardApp(App[None]):
    def __init__(self, symbols: Iterable[str] = SYMBOLS) -> None:
        super().__init__()
        self.symbols = list(symbols)
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield QuoteBoard(self.symbols)

    def on_quote_board_highlighted(self, message: QuoteBoard.Highlighted) -> None:
        self.highlighted.append(message.symbol)


def line_of(board: QuoteBoard, symbol: str) -> str:
    """The painted text of ``symbol``'s row (it must be on screen)."""
    row = board.ordered_symbols.index(symbol)
    return board.render_line(row + 1 - board.scroll_offset.y).text


def words_of(board: QuoteBoard, symbol: str) -> list[str]:
    return line_of(board, symbol).split()


def colour_of(board: QuoteBoard, symbol: str, text: str) -> Color:
    """The foreground colour of the cell showing ``text`` in ``symbol``'s row."""
    row = board.ordered_symbols.index(symbol)
    segment = next(s for s in board.render_line(row + 1) if text in s.text)
    assert segment.style is not None and segment.style.color is not None
    return Color.from_rich_color(segment.style.color)


def close_colours(painted: Color, theme_colour: str) -> bool:
    """Equal but for the rounding Textual's colour blending adds."""
    expected = Color.parse(theme_colour)
    return all(abs(a - b) <= 2 for a, b in zip(painted.rgb, expected.rgb, strict=True))


async def test_a_row_shows_every_field_formatted() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"AAPL": quote("AAPL", "190.5", "1.5", volume=1_234_567, sparkline=(1.0, 2.0))})
        await pilot.pause()
        words = words_of(board, "AAPL")
        assert words[:7] == ["AAPL", "190.50", "+1.50", "+0.79%", "190.49", "190.51", "1,234,567"]
        assert words[7] == BARS[0] + BARS[-1]


async def test_prices_below_one_show_four_decimals() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"MSFT": quote("MSFT", "0.5123", "-0.01")})
        await pilot.pause()
        assert words_of(board, "MSFT")[:3] == ["MSFT", "0.5123", "-0.0100"]


async def test_a_symbol_without_quotes_shows_blank_cells() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        assert words_of(app.query_one(QuoteBoard), "NVDA") == ["NVDA"]


async def test_a_number_too_wide_for_its_column_is_hidden_not_cut() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"SPY": quote("SPY", "12345678.9")})
        await pilot.pause()
        assert words_of(board, "SPY")[1] == "#" * 10


async def test_the_header_names_the_columns() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        header = app.query_one(QuoteBoard).render_line(0).text.split()
        assert header == ["Symbol", "Last", "Chg", "Chg%", "Bid", "Ask", "Volume", "Session"]


async def test_change_is_coloured_with_the_themes_success_and_error() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"MSFT": quote("MSFT", "101", "1"), "NVDA": quote("NVDA", "99", "-1")})
        await pilot.pause()
        theme = app.current_theme
        assert theme.success is not None and theme.error is not None

        assert close_colours(colour_of(board, "MSFT", "+1.00"), theme.success)
        assert close_colours(colour_of(board, "NVDA", "-1.00"), theme.error)
        assert close_colours(colour_of(board, "NVDA", "-1.00%"), theme.error)


async def test_a_theme_change_recolours_the_rows() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"MSFT": quote("MSFT", "101", "1")})
        await pilot.pause()
        before = colour_of(board, "MSFT", "+1.00")
        app.theme = "nord"
        await pilot.pause()
        assert app.current_theme.success is not None
        assert colour_of(board, "MSFT", "+1.00") != before
        assert close_colours(colour_of(board, "MSFT", "+1.00"), app.current_theme.success)


async def test_an_update_rerenders_only_the_changed_rows() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({symbol: quote(symbol, "10", "1") for symbol in SYMBOLS})
        await pilot.pause()
        rendered, spy_line = board.rows_rendered, board.render_line(4)
        board.update_rows({"MSFT": quote("MSFT", "11", "2")})
        await pilot.pause()
        assert board.rows_rendered == rendered + 1
        assert board.render_line(4) is spy_line
        assert "11.00" in line_of(board, "MSFT")


async def test_updates_to_rows_scrolled_out_of_view_render_nothing() -> None:
    symbols = [f"S{i:03d}" for i in range(100)]
    app = BoardApp(symbols)
    async with app.run_test(size=(120, 12)) as pilot:
        board = app.query_one(QuoteBoard)
        await pilot.pause()
        rendered = board.rows_rendered
        board.update_rows({symbol: quote(symbol, "5", "1") for symbol in symbols[50:]})
        await pilot.pause()
        assert board.rows_rendered == rendered
        await pilot.press("end")
        await pilot.pause()
        assert "5.00" in line_of(board, "S099")


async def test_rows_of_symbols_not_on_the_board_are_kept_for_later() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"TSLA": quote("TSLA", "250", "5")})
        board.set_symbols([*SYMBOLS, "TSLA"])
        await pilot.pause()
        assert words_of(board, "TSLA")[:2] == ["TSLA", "250.00"]


async def test_o_cycles_the_sort_column_and_the_header_shows_the_arrow() -> None:
    app = BoardApp(["NVDA", "AAPL", "SPY"])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows(
            {"NVDA": quote("NVDA", "900"), "AAPL": quote("AAPL", "190"), "SPY": quote("SPY", "500")}
        )
        await pilot.press("o")
        assert board.sort_column == "symbol"
        assert board.ordered_symbols == ("AAPL", "NVDA", "SPY")
        assert "Symbol▲" in board.render_line(0).text
        await pilot.press("o")
        assert board.sort_column == "last"
        assert board.ordered_symbols == ("AAPL", "SPY", "NVDA")
        assert "Last▲" in board.render_line(0).text


async def test_capital_o_reverses_the_sort() -> None:
    app = BoardApp(["NVDA", "AAPL", "SPY"])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.sort_column = "symbol"
        await pilot.press("O")
        assert board.ordered_symbols == ("SPY", "NVDA", "AAPL")
        assert "Symbol▼" in board.render_line(0).text
        await pilot.pause()
        assert [line_of(board, s).split()[0] for s in ("SPY", "NVDA")] == ["SPY", "NVDA"]


async def test_the_sort_cycle_returns_to_the_lists_own_order() -> None:
    app = BoardApp(["NVDA", "AAPL", "SPY"])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        await pilot.press(*["o"] * 8)
        assert board.sort_column is None
        assert board.ordered_symbols == ("NVDA", "AAPL", "SPY")


async def test_rows_without_a_value_sort_last_either_way() -> None:
    app = BoardApp(["NVDA", "AAPL", "SPY"])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"NVDA": quote("NVDA", "900"), "SPY": quote("SPY", "500")})
        board.sort_column = "last"
        assert board.ordered_symbols == ("SPY", "NVDA", "AAPL")
        board.sort_reverse = True
        await pilot.pause()
        assert board.ordered_symbols == ("NVDA", "SPY", "AAPL")


async def test_a_live_sort_follows_updates_and_the_cursor_keeps_its_symbol() -> None:
    app = BoardApp(["NVDA", "AAPL", "SPY"])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows(
            {
                "NVDA": quote("NVDA", "13", "3"),
                "AAPL": quote("AAPL", "12", "2"),
                "SPY": quote("SPY", "11", "1"),
            }
        )
        board.sort_column = "change"
        board.select_symbol("NVDA")
        await pilot.pause()
        assert board.ordered_symbols == ("SPY", "AAPL", "NVDA")
        board.update_rows({"NVDA": quote("NVDA", "7", "-3")})
        await pilot.pause()
        assert board.ordered_symbols == ("NVDA", "SPY", "AAPL")
        assert board.highlighted_symbol == "NVDA"
        assert app.highlighted[-1] == "NVDA"
        assert "-3.00" in board.render_line(1).text


async def test_cursor_keys_move_the_selection_and_post_highlighted() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        await pilot.press("down", "down")
        assert board.highlighted_symbol == "NVDA"
        await pilot.press("end")
        assert board.highlighted_symbol == "SPY"
        await pilot.press("home", "up")
        assert board.highlighted_symbol == "AAPL"
        await pilot.pause()
        assert app.highlighted == ["AAPL", "MSFT", "NVDA", "SPY", "AAPL"]


async def test_the_cursor_row_is_painted_with_the_cursor_style() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        await pilot.press("down")
        await pilot.pause()
        cursor = board.get_component_rich_style("quote-board--cursor")
        assert {s.style.bgcolor for s in board.render_line(2)} == {cursor.bgcolor}
        assert cursor.bgcolor not in {s.style.bgcolor for s in board.render_line(1)}


async def test_page_keys_move_a_screenful_and_scroll_the_cursor_into_view() -> None:
    symbols = [f"S{i:03d}" for i in range(100)]
    app = BoardApp(symbols)
    async with app.run_test(size=(120, 12)) as pilot:
        board = app.query_one(QuoteBoard)
        page = board.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert board.cursor_row == page
        await pilot.press("end")
        await pilot.pause()
        assert board.highlighted_symbol == "S099"
        assert board.scroll_offset.y > 0
        assert board.render_line(page).text.split()[0] == "S099"
        await pilot.press("pageup")
        assert board.cursor_row == 99 - page


async def test_a_click_selects_the_row_under_the_pointer() -> None:
    app = BoardApp()
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        await pilot.click(QuoteBoard, offset=(3, 3))
        assert board.highlighted_symbol == "NVDA"


async def test_a_narrow_board_drops_the_sparkline_then_the_volume() -> None:
    app = BoardApp()
    async with app.run_test(size=(80, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({"AAPL": quote("AAPL", "190.5", "1.5", sparkline=(1.0, 2.0))})
        await pilot.pause()
        assert "Session" not in board.render_line(0).text
        assert "Volume" in board.render_line(0).text
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        assert board.render_line(0).text.split() == ["Symbol", "Last", "Chg", "Chg%", "Bid", "Ask"]
        assert words_of(board, "AAPL") == ["AAPL", "190.50", "+1.50", "+0.79%", "190.49", "190.51"]


async def test_a_long_option_symbol_widens_the_symbol_column() -> None:
    option = "AAPL240119C00190000"
    app = BoardApp(["AAPL", option])
    async with app.run_test(size=(120, 10)) as pilot:
        board = app.query_one(QuoteBoard)
        board.update_rows({option: quote(option, "2.5", "0.25")})
        await pilot.pause()
        assert words_of(board, option)[:2] == [option, "2.50"]


def test_a_sparkline_spans_its_min_to_max() -> None:
    assert sparkline_text([1, 2, 3, 4, 5, 6, 7, 8]) == BARS
    assert sparkline_text([5.0, 5.0, 5.0]) == BARS[0] * 3
    assert sparkline_text([]) == ""


def test_a_long_series_is_shown_by_the_last_point_of_each_span() -> None:
    ends = [float(i) for i in range(20)]
    spiky = [
        point for end in ends for point in (1000.0, end)
    ]  # spans of two; each ends on a point of ``ends``
    assert sparkline_text(spiky, width=20) == sparkline_text(ends, width=20)
    assert sparkline_text(ends)[0] == BARS[0] and sparkline_text(ends)[-1] == BARS[-1]
    assert len(sparkline_text(list(range(120)), width=20)) == 20


async def test_500_symbols_under_a_quote_storm_keep_rendering() -> None:
    symbols = [f"S{i:03d}" for i in range(500)]
    app = BoardApp(symbols)
    async with app.run_test(size=(120, 40)) as pilot:
        board = app.query_one(QuoteBoard)
        board.sort_column = "pct_change"
        for batch in range(20):
            board.update_rows(
                {
                    s: quote(
                        s, str(100 + (i * 7 + batch) % 50), str((i + batch) % 11 - 5), sparkline=(1.0, 2.0)
                    )
                    for i, s in enumerate(symbols)
                }
            )
            await pilot.pause()
        await pilot.press("pagedown", "end")
        await pilot.pause()
        visible = board.scrollable_content_region.height - 1
        assert board.rows_rendered <= 21 * visible + 2 * visible
        assert len(board.render_line(1).text.split()) == 8
