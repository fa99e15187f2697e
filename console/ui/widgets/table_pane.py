"""A pane around one ``KeyedTable``: the frame, focus, zoom and recolouring the slow-table panes share.

Orders, positions and strategies are each a titled, zoomable pane holding one keyed table whose cells are
coloured from the pane's component classes. A subclass names its ``COLUMNS`` and ``TABLE_ID`` and draws
its rows in ``_show``; a theme change calls ``_recolour``, which redraws.
"""

from __future__ import annotations

from typing import ClassVar, Self

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.theme import Theme

from console.ui.widgets.keyed_table import KeyedTable


class TablePane(Vertical):
    """A bordered pane whose one ``KeyedTable`` takes the focus and the pane's keys."""

    DEFAULT_CSS = """
    TablePane {
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        &:focus-within {
            border: round $accent;
            border-title-color: $accent;
        }
        & > KeyedTable {
            height: 1fr;
            background: $surface;
        }
    }
    """

    ALLOW_MAXIMIZE = True

    COLUMNS: ClassVar[tuple[tuple[str, str, bool], ...]] = ()
    """The table's columns: ``(key, label, right_aligned)``."""
    TABLE_ID: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield KeyedTable(id=self.TABLE_ID or None)

    def on_mount(self) -> None:
        self.table.add_keyed_columns(self.COLUMNS)
        self.app.theme_changed_signal.subscribe(self, self._recolour)
        self._show()

    @property
    def table(self) -> KeyedTable:
        return self.query_one(KeyedTable)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the table, which takes the pane's keys."""
        self.table.focus(scroll_visible)
        return self

    def _recolour(self, _theme: Theme) -> None:
        self._show()

    def _show(self) -> None:
        """Draw the rows; each pane says how."""
        raise NotImplementedError
