"""A ``DataTable`` whose rows are named by a key and updated by diffing: for slow, keyed tables.

Orders and positions arrive as whole lists; redrawing every row each time would repaint the table and
lose the cursor. ``KeyedTable.show_rows`` changes only what changed and keeps the cursor on its row.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable


class KeyedTable(DataTable[Text]):
    """A row-cursor ``DataTable`` whose rows are named by a key and replaced by diffing.

    ``show_rows`` takes the wanted rows in order: rows that left are removed, changed cells are updated
    in place, and only an insertion, a reordering (which ``DataTable`` cannot do in place) or many
    removals (each one costs a pass over the rows) rebuild the rows. The cursor follows its row's key.
    """

    MAX_REMOVALS_IN_PLACE = 8

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._shown: dict[str, tuple[Sequence[Text], _Signature]] = {}
        """Each row's cells and their signature, in display order."""

    def add_keyed_columns(self, columns: Sequence[tuple[str, str, bool]]) -> None:
        """Add the columns, each ``(key, label, right_aligned)``."""
        for key, label, right in columns:
            self.add_column(Text(label, justify="right" if right else "left"), key=key)

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or ``None`` for an empty table."""
        if not self.row_count:
            return None
        return str(self.ordered_rows[self.cursor_row].key.value)

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        """Make the table show ``rows`` (``(key, cells)``, in display order), changing as little as it can."""
        selected = self.selected_key
        wanted = [key for key, _cells in rows]
        wanted_set = set(wanted)
        gone = [key for key in self._shown if key not in wanted_set]
        kept = [key for key in self._shown if key in wanted_set]
        if kept != wanted or len(gone) > self.MAX_REMOVALS_IN_PLACE:
            self._rebuild(rows)
        else:
            for key in gone:
                self.remove_row(key)
                del self._shown[key]
            for key, cells in rows:
                self._update_row(key, cells)
        if selected is not None and selected in wanted_set and self.selected_key != selected:
            self.move_cursor(row=self.get_row_index(selected))

    def _rebuild(self, rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
        self.clear()
        self._shown.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
            self._shown[key] = (cells, _signature(cells))

    def _update_row(self, key: str, cells: Sequence[Text]) -> None:
        old_cells, old = self._shown[key]
        if cells is old_cells:
            return
        new = _signature(cells)
        if old != new:
            for column, cell, before, after in zip(self.ordered_columns, cells, old, new, strict=True):
                if before != after:
                    self.update_cell(key, column.key, cell)
        self._shown[key] = (cells, new)


_Signature = tuple[tuple[str, str, str | None], ...]


def _signature(cells: Sequence[Text]) -> _Signature:
    # Rich's Text equality ignores the base style, so a recoloured cell would look unchanged.
    return tuple((cell.plain, str(cell.style), cell.justify) for cell in cells)
