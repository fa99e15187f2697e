"""Pane 1, the watchlist: named lists of symbols on a live quote board, edited in place.

The pane keeps the lists and the edit keys; the board (``QuoteBoard``) keeps the quotes and the cursor.
Edits go up as ``WatchlistChanged`` so the app can subscribe the new symbols and save the lists; the pane
never talks to the session itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label

from console.domain.symbols import SymbolError, validate_symbol
from console.market.quote_book import QuoteBookRow
from console.ui.widgets.quote_board import QuoteBoard

PANE_NUMBER = 1
_ADD_ID = "watchlist-add"


class WatchlistPane(Vertical):
    """Several named watchlists, one shown at a time; ``[`` / ``]`` switch, ``a`` adds, ``d`` removes."""

    BINDINGS = [
        Binding("left_square_bracket", "previous_list", "Prev list"),
        Binding("right_square_bracket", "next_list", "Next list"),
        Binding("a", "add_symbol", "Add"),
        Binding("d,delete", "remove_symbol", "Remove"),
        Binding("escape", "cancel_add", "Cancel", show=False),
    ]

    DEFAULT_CSS = """
    WatchlistPane {
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        &:focus-within {
            border: round $accent;
            border-title-color: $accent;
        }
        & > #watchlist-add, & > #watchlist-add:focus {
            display: none;
            height: 1;
            border: none;
            padding: 0 1;
            background: $panel;
        }
        & > #watchlist-error { display: none; width: 1fr; padding: 0 1; color: $error; }
        &.-adding > #watchlist-add, &.-error > #watchlist-error { display: block; }
    }
    """

    ALLOW_MAXIMIZE = True

    @dataclass
    class SymbolSelected(Message):
        """The cursor moved to ``symbol``."""

        symbol: str

    @dataclass
    class WatchlistChanged(Message):
        """The list ``name`` was edited and now holds ``symbols``."""

        name: str
        symbols: tuple[str, ...]

    def __init__(
        self,
        watchlists: Mapping[str, Sequence[str]],
        active: str | None = None,
        *,
        id: str | None = "watchlist",
        classes: str | None = None,
    ) -> None:
        """Show ``watchlists``, starting with ``active`` (default: the first list).

        Args:
            watchlists: List name to symbols; an empty mapping gives one empty list named "default".
            active: The list shown first; an unknown name falls back to the first list.
            id: The pane's id.
            classes: Extra CSS classes.
        """
        super().__init__(id=id, classes=classes)
        self._lists = {name: list(dict.fromkeys(symbols)) for name, symbols in watchlists.items()}
        self._lists = self._lists or {"default": []}
        self._active = active if active in self._lists else next(iter(self._lists))
        self._selections: dict[str, str | None] = {}
        """The symbol each list had selected when the user switched away from it."""
        self._board = QuoteBoard(self._lists[self._active], id="watchlist-board")

    @property
    def active_list(self) -> str:
        """The name of the list shown."""
        return self._active

    @property
    def watchlists(self) -> dict[str, tuple[str, ...]]:
        """Every list as it stands after the user's edits."""
        return {name: tuple(symbols) for name, symbols in self._lists.items()}

    @property
    def symbols(self) -> list[str]:
        """The symbols of the list shown, in list order."""
        return list(self._lists[self._active])

    @property
    def selected_symbol(self) -> str | None:
        """The symbol under the board's cursor, or None when the list is empty."""
        return self._board.highlighted_symbol

    @property
    def board(self) -> QuoteBoard:
        return self._board

    def compose(self) -> ComposeResult:
        yield self._board
        yield Input(placeholder="symbols to add, e.g. AAPL MSFT (Enter adds, Esc cancels)", id=_ADD_ID)
        yield Label(id="watchlist-error", markup=False)

    def on_mount(self) -> None:
        self._show_title()

    def update_quotes(self, rows: Mapping[str, QuoteBookRow]) -> None:
        """Hand the latest rows to the board; rows of other lists' symbols wait there for a switch."""
        self._board.update_rows(rows)

    def focus(self, scroll_visible: bool = True) -> WatchlistPane:
        """Focus the board: the pane itself holds no cursor."""
        self._board.focus(scroll_visible)
        return self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_add":
            return self.has_class("-adding")
        if action == "remove_symbol":
            return self.selected_symbol is not None
        return True

    @on(QuoteBoard.Highlighted)
    def _forward_highlight(self, event: QuoteBoard.Highlighted) -> None:
        event.stop()
        self.post_message(self.SymbolSelected(event.symbol))

    @on(Input.Submitted, f"#{_ADD_ID}")
    def _add_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            entered = [validate_symbol(word) for word in event.value.replace(",", " ").split()]
        except SymbolError as error:
            self._show_error(f"{error}.")
            return
        new = [symbol for symbol in dict.fromkeys(entered) if symbol not in self._lists[self._active]]
        if entered and not new:
            self._show_error(f"{', '.join(entered)} is already on {self._active}.")
            return
        self.action_cancel_add()
        if new:
            self._edit([*self._lists[self._active], *new], select=new[0])

    @on(Input.Changed, f"#{_ADD_ID}")
    def _clear_error(self) -> None:
        self.remove_class("-error")

    def action_previous_list(self) -> None:
        self._switch(-1)

    def action_next_list(self) -> None:
        self._switch(1)

    def action_add_symbol(self) -> None:
        """Open the inline input under the board."""
        self.add_class("-adding")
        self.query_one(f"#{_ADD_ID}", Input).focus()

    def action_cancel_add(self) -> None:
        """Close the inline input, dropping what was typed."""
        self.remove_class("-adding", "-error")
        self.query_one(f"#{_ADD_ID}", Input).clear()
        self._board.focus()

    def action_remove_symbol(self) -> None:
        """Take the selected symbol off the list shown."""
        symbol = self.selected_symbol
        if symbol is not None:
            self._edit([s for s in self._lists[self._active] if s != symbol])

    def add_symbols(self, symbols: Sequence[str], list_name: str | None = None) -> None:
        """Append ``symbols`` to ``list_name`` (default: the list shown), creating the list if new."""
        name = list_name or self._active
        current = self._lists.setdefault(name, [])
        new = [symbol for symbol in dict.fromkeys(symbols) if symbol not in current]
        if new:
            self._edit_list(name, [*current, *new], select=new[0])

    def remove_symbols(self, symbols: Sequence[str], list_name: str | None = None) -> None:
        """Take ``symbols`` off ``list_name`` (default: the list shown); unknown ones are ignored."""
        name = list_name or self._active
        current = self._lists.get(name, [])
        kept = [symbol for symbol in current if symbol not in set(symbols)]
        if len(kept) != len(current):
            self._edit_list(name, kept)

    def _switch(self, step: int) -> None:
        names = list(self._lists)
        self._selections[self._active] = self.selected_symbol
        self._active = names[(names.index(self._active) + step) % len(names)]
        symbols = self._lists[self._active]
        self._board.set_symbols(symbols, select=self._selections.get(self._active, next(iter(symbols), None)))
        self._show_title()

    def _edit(self, symbols: list[str], select: str | None = None) -> None:
        self._edit_list(self._active, symbols, select)

    def _edit_list(self, name: str, symbols: list[str], select: str | None = None) -> None:
        self._lists[name] = symbols
        if name == self._active:
            self._board.set_symbols(symbols, select=select)
            self._show_title()
        self.post_message(self.WatchlistChanged(name, tuple(symbols)))

    def _show_error(self, sentence: str) -> None:
        self.query_one("#watchlist-error", Label).update(sentence)
        self.add_class("-error")

    def _show_title(self) -> None:
        self.border_title = f"{PANE_NUMBER} Watchlist · {self._active} ({len(self._lists[self._active])})"
