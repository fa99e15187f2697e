"""A live quote board on Textual's line API: one cached Strip per symbol, repainted only where it changed.

Why not ``DataTable``: its ``update_cell`` repaints the whole visible table, which held ~8 frames/s under a
quote storm (DESIGN.md). Here ``update_rows`` drops the cached strips of the changed symbols and marks only
their visible lines dirty, once per batch; a line is rebuilt when Textual next paints it. The cost of a
batch is a dict update per changed row plus one row render per changed *visible* row (a re-sort, when the
board is sorted by a live column, adds one sort of the board's symbols).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.market.quote_book import QuoteBookRow
from console.ui.formatting import format_money, format_percent, format_price, format_qty

BARS = "▁▂▃▄▅▆▇█"
SPARKLINE_WIDTH = 20
"""Cells of the session sparkline."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the board; ``key`` names the QuoteBookRow field it shows."""

    key: str
    label: str
    width: int
    numeric: bool = True
    sortable: bool = True


COLUMNS = (
    Column("symbol", "Symbol", 6, numeric=False),
    Column("last", "Last", 10),
    Column("change", "Chg", 9),
    Column("pct_change", "Chg%", 8),
    Column("bid", "Bid", 10),
    Column("ask", "Ask", 10),
    Column("volume", "Volume", 12),
    Column("sparkline", "Session", SPARKLINE_WIDTH, sortable=False),
)
DROP_ORDER = ("sparkline", "volume", "ask", "bid", "change")
"""Columns left out, in this order, until the rest fit the board's width."""
_MAX_SYMBOL_WIDTH = 21


class _Palette(NamedTuple):
    base: Style
    header: Style
    cursor: Style
    up: Style
    down: Style
    spark: Style


class QuoteBoard(ScrollView, can_focus=True):
    """Symbols down, quote fields across, a cursor row, and sorting by any column."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("o", "cycle_sort", "Sort"),
        Binding("O", "reverse_sort", "Reverse"),
    ]

    DEFAULT_CSS = """
    QuoteBoard {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        & > .quote-board--header { background: $panel; color: $foreground; text-style: bold; }
        & > .quote-board--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .quote-board--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .quote-board--up { color: $success; }
        & > .quote-board--down { color: $error; }
        & > .quote-board--sparkline { color: $accent; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quote-board--header",
        "quote-board--cursor",
        "quote-board--up",
        "quote-board--down",
        "quote-board--sparkline",
    }
    """
    | Class | Description |
    | :- | :- |
    | `quote-board--header` | The header line. |
    | `quote-board--cursor` | The selected row. |
    | `quote-board--up` | Change, % change and sparkline of a symbol above its session open. |
    | `quote-board--down` | The same, below its session open. |
    | `quote-board--sparkline` | A sparkline with no change to colour it by. |
    """

    cursor_row: reactive[int] = reactive(0, repaint=False, init=False)
    """Index of the selected row in display order."""
    sort_column: reactive[str | None] = reactive[str | None](None, init=False)
    """Key of the column the rows are sorted by, or None for the list's own order."""
    sort_reverse: reactive[bool] = reactive(False, init=False)
    """Sort descending (or, in list order, bottom to top)."""

    @dataclass
    class Highlighted(Message):
        """The cursor is on a different symbol."""

        quote_board: QuoteBoard
        symbol: str

        @property
        def control(self) -> QuoteBoard:
            return self.quote_board

    def __init__(
        self,
        symbols: Iterable[str] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self._symbols: list[str] = []
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._quotes: dict[str, QuoteBookRow] = {}
        self._strips: dict[str, Strip] = {}
        self._header: Strip | None = None
        self._columns: tuple[Column, ...] = ()
        self._layout_key: tuple[int, int] | None = None
        self._width = 0
        self._symbol_width = COLUMNS[0].width
        self._palette: _Palette | None = None
        self._announced: str | None = None
        self.rows_rendered = 0
        """Row strips built so far: tests and benchmarks read it to see what a batch cost."""
        super().__init__(name=name, id=id, classes=classes)
        self.set_symbols(symbols)

    @property
    def symbols(self) -> tuple[str, ...]:
        """The board's symbols in list order."""
        return tuple(self._symbols)

    @property
    def ordered_symbols(self) -> tuple[str, ...]:
        """The board's symbols in display order."""
        return tuple(self._order)

    @property
    def highlighted_symbol(self) -> str | None:
        """The symbol under the cursor, or None on an empty board."""
        return self._order[self.cursor_row] if self._order else None

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown at the board's last painted width."""
        return self._columns

    def set_symbols(self, symbols: Iterable[str], *, select: str | None = None) -> None:
        """Show ``symbols`` (duplicates dropped).

        Args:
            symbols: The new rows, in list order.
            select: The symbol to put the cursor on; by default the cursor stays on its symbol if that
                is still there, or else on its row.
        """
        selected = select or self.highlighted_symbol
        self._symbols = list(dict.fromkeys(symbols))
        longest = max((len(symbol) for symbol in self._symbols), default=0)
        self._symbol_width = max(COLUMNS[0].width, min(_MAX_SYMBOL_WIDTH, longest))
        kept = set(self._symbols)
        self._strips = {symbol: strip for symbol, strip in self._strips.items() if symbol in kept}
        self.virtual_size = Size(0, len(self._symbols) + 1)
        self._reorder(keep=selected)
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)  # once the new virtual size is laid out

    def select_symbol(self, symbol: str) -> None:
        """Move the cursor to ``symbol`` and scroll it into view, if it is on the board."""
        if (row := self._index.get(symbol)) is not None:
            self._move_cursor(row)

    def update_rows(self, rows: Mapping[str, QuoteBookRow]) -> None:
        """Take the latest rows; repaint the visible lines of the board's symbols among them.

        Rows of symbols not on the board are kept too, so a later ``set_symbols`` shows them at once.
        """
        if not rows:
            return
        self._quotes.update(rows)
        changed = self._index.keys() & rows.keys()
        if not changed:
            return
        for symbol in changed:
            self._strips.pop(symbol, None)
        top = self.scroll_offset.y
        shown = self._order[top : top + max(0, self._page_rows())]
        dirty = {top + offset for offset, symbol in enumerate(shown) if symbol in changed}
        if self.sort_column not in (None, "symbol"):
            dirty |= self._reorder(keep=self.highlighted_symbol)
        self._refresh_rows(dirty)

    def watch_cursor_row(self, old_row: int, new_row: int) -> None:
        self._refresh_rows((old_row, new_row))
        self._announce()

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._order) - 1))

    def watch_sort_column(self) -> None:
        self._reorder(keep=self.highlighted_symbol)
        self._header = None

    def watch_sort_reverse(self) -> None:
        self.watch_sort_column()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare(self.scrollable_content_region.width)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        palette = self._palette or self._prepare(self.scrollable_content_region.width)
        if y == 0:
            if self._header is None:
                self._header = self._render_header()
            return self._header.apply_style(palette.header)
        row = y - 1 + self.scroll_offset.y
        if row >= len(self._order):
            return Strip.blank(self.scrollable_content_region.width, palette.base)
        symbol = self._order[row]
        strip = self._strips.get(symbol)
        if strip is None:
            strip = self._strips[symbol] = self._render_row(symbol, palette)
        return strip.apply_style(palette.cursor if row == self.cursor_row else palette.base)

    def on_mount(self) -> None:
        self._announce()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self._move_cursor(offset.y - 1 + self.scroll_offset.y)

    def action_cursor_up(self) -> None:
        self._move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self.cursor_row - max(1, self._page_rows()))

    def action_page_down(self) -> None:
        self._move_cursor(self.cursor_row + max(1, self._page_rows()))

    def action_first(self) -> None:
        self._move_cursor(0)

    def action_last(self) -> None:
        self._move_cursor(len(self._order) - 1)

    def action_cycle_sort(self) -> None:
        """Sort by the next visible column; after the last, back to the list's order."""
        keys: list[str | None] = [None, *(c.key for c in self._columns or COLUMNS if c.sortable)]
        position = keys.index(self.sort_column) if self.sort_column in keys else 0
        self.sort_column = keys[(position + 1) % len(keys)]

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse

    def _page_rows(self) -> int:
        return self.scrollable_content_region.height - 1

    def _move_cursor(self, row: int) -> None:
        self.cursor_row = row
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        row, top, page = self.cursor_row, self.scroll_offset.y, self._page_rows()
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif page > 0 and row >= top + page:
            self.scroll_to(y=row - page + 1, animate=False)

    def _announce(self) -> None:
        """Post Highlighted if the cursor's symbol changed since the last one posted (from mount on)."""
        if not self.is_running:
            return
        symbol = self.highlighted_symbol
        if symbol is not None and symbol != self._announced:
            self.post_message(self.Highlighted(self, symbol))
        self._announced = symbol

    def _reorder(self, keep: str | None) -> set[int]:
        """Sort the rows again, keep the cursor on ``keep``; return the visible rows that moved."""
        old = self._order
        self._order = _sorted(self._symbols, self._quotes, self.sort_column, self.sort_reverse)
        self._index = {symbol: row for row, symbol in enumerate(self._order)}
        if keep in self._index:
            self.set_reactive(QuoteBoard.cursor_row, self._index[keep])
        else:
            self.set_reactive(QuoteBoard.cursor_row, self.validate_cursor_row(self.cursor_row))
        self._announce()
        top = self.scroll_offset.y
        bottom = min(len(self._order), top + self._page_rows())
        return {row for row in range(top, bottom) if row >= len(old) or old[row] != self._order[row]}

    def _refresh_rows(self, rows: Iterable[int]) -> None:
        """Mark the visible lines of ``rows`` dirty, in as few regions as they make runs."""
        top, page = self.scroll_offset.y, self._page_rows()
        lines = sorted(row - top + 1 for row in set(rows) if top <= row < top + page)
        regions: list[Region] = []
        width = self.size.width
        for line in lines:
            if regions and regions[-1].bottom == line:
                regions[-1] = regions[-1].grow((0, 0, 1, 0))
            else:
                regions.append(Region(0, line, width, 1))
        if regions:
            self.refresh(*regions)

    def _prepare(self, width: int) -> _Palette:
        """Fit the columns to ``width`` and read the theme's styles, dropping caches they invalidate."""
        if self._layout_key != (width, self._symbol_width):
            self._layout_key, self._width = (width, self._symbol_width), width
            symbol_column = replace(COLUMNS[0], width=self._symbol_width)
            self._columns = _fit((symbol_column, *COLUMNS[1:]), width)
            self._strips.clear()
            self._header = None
        style = self.get_component_rich_style
        palette = _Palette(
            self.rich_style,
            style("quote-board--header"),
            style("quote-board--cursor"),
            style("quote-board--up", partial=True),
            style("quote-board--down", partial=True),
            style("quote-board--sparkline", partial=True),
        )
        if self._palette is not None and palette[3:] != self._palette[3:]:
            # Cached rows carry the old colours; lines not repainted this frame would keep them.
            self._strips.clear()
            self.call_later(self.refresh)
        self._palette = palette
        return palette

    def _render_header(self) -> Strip:
        arrow = "▼" if self.sort_reverse else "▲"
        cells = []
        for column in self._columns:
            label = column.label + (arrow if column.key == self.sort_column else "")
            cells.append(label.rjust(column.width) if column.numeric else label.ljust(column.width))
        return Strip([Segment(" " + " ".join(cells))]).adjust_cell_length(self._width)

    def _render_row(self, symbol: str, palette: _Palette) -> Strip:
        """One row as a bare strip: only change colours, so the cursor or base style goes on top."""
        self.rows_rendered += 1
        row = self._quotes.get(symbol)
        change = None if row is None else row.change
        trend = None if not change else (palette.up if change > 0 else palette.down)
        segments: list[Segment] = []
        plain: list[str] = []  # unstyled text is joined into one segment: fewer for Textual to handle
        for column in self._columns:
            text, width, style = _cell(column.key, symbol, row), column.width, None
            if column.key in ("change", "pct_change"):
                style = trend
            elif column.key == "sparkline":
                style = trend or palette.spark
            if not column.numeric:
                text = (text if len(text) <= width else text[: width - 1] + "…").ljust(width)
            else:
                text = text.rjust(width) if len(text) <= width else "#" * width  # never a cut number
            plain.append(" ")
            if style is None:
                plain.append(text)
            else:
                segments += [Segment("".join(plain)), Segment(text, style)]
                plain = []
        segments.append(Segment("".join(plain)))
        return Strip(segments).adjust_cell_length(self._width)


def sparkline_text(points: Sequence[float], width: int = SPARKLINE_WIDTH) -> str:
    """``points`` as block characters scaled to their min/max, at most ``width`` of them.

    Longer series are cut into ``width`` equal spans, each shown by its last point (the price at the
    end of that span), so the rightmost character is always the latest price.
    """
    if len(points) > width:
        step = len(points) / width
        points = [points[int((i + 1) * step) - 1] for i in range(width)]
    if not points:
        return ""
    low, high = min(points), max(points)
    if high == low:
        return BARS[0] * len(points)
    scale = (len(BARS) - 1) / (high - low)
    return "".join(BARS[round((point - low) * scale)] for point in points)


def _cell(key: str, symbol: str, row: QuoteBookRow | None) -> str:
    if key == "symbol":
        return symbol
    if row is None:
        return ""
    match key:
        case "last" | "bid" | "ask":
            return format_price(getattr(row, key))
        case "change":
            return _format_change(row.change, row.last)
        case "pct_change":
            return format_percent(row.pct_change)
        case "volume":
            return format_qty(row.volume)
        case "sparkline":
            return sparkline_text(row.sparkline)
        case _:
            raise KeyError(key)


def _format_change(change: Decimal | None, last: Decimal | None) -> str:
    """Signed, to the precision of the price it moved: four decimals only for a price below 1."""
    if change is None or last is None or abs(last) >= 1:
        return format_money(change, signed=True)
    return ("+" if change > 0 else "") + format_price(change)


def _fit(columns: Sequence[Column], width: int) -> tuple[Column, ...]:
    """``columns`` less those in DROP_ORDER, in turn, until the rest fit ``width`` (one space each)."""
    kept = list(columns)
    for key in DROP_ORDER:
        if sum(column.width + 1 for column in kept) <= width:
            break
        kept = [column for column in kept if column.key != key]
    return tuple(kept)


def _sorted(
    symbols: list[str], quotes: Mapping[str, QuoteBookRow], key: str | None, reverse: bool
) -> list[str]:
    """``symbols`` by the field ``key`` (None: list order), rows without a value last either way."""
    if key is None:
        return symbols[::-1] if reverse else list(symbols)
    if key == "symbol":
        return sorted(symbols, reverse=reverse)
    valued, missing = [], []
    for symbol in symbols:
        row = quotes.get(symbol)
        value = None if row is None else getattr(row, key)
        (missing if value is None else valued).append((value, symbol))
    valued.sort(key=lambda pair: pair[0], reverse=reverse)
    return [symbol for _, symbol in valued] + [symbol for _, symbol in missing]
