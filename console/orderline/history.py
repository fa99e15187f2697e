"""Command-line history with shell-style up/down navigation. Pure Python: the UI binds the keys."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

DEFAULT_LIMIT = 500


class History:
    """A bounded list of past command lines, newest last, with a navigation cursor.

    ``prev`` steps towards older entries and ``next`` back towards newer ones; stepping past the newest
    returns the draft, the text that was in the input when navigation began. ``add`` ends navigation.
    A line equal to the newest entry is not stored again.
    """

    def __init__(self, entries: Iterable[str] = (), *, limit: int = DEFAULT_LIMIT) -> None:
        """Start with ``entries`` (oldest first), keeping at most ``limit`` of them.

        Raises:
            ValueError: ``limit`` is below one.
        """
        if limit < 1:
            raise ValueError(f"history limit must be at least 1, got {limit}")
        self._entries: deque[str] = deque(maxlen=limit)
        self._cursor: int | None = None
        self._draft = ""
        for entry in entries:
            self.add(entry)

    @property
    def entries(self) -> tuple[str, ...]:
        """The stored lines, oldest first."""
        return tuple(self._entries)

    @property
    def navigating(self) -> bool:
        """True while ``prev`` has moved away from the draft."""
        return self._cursor is not None

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry: str) -> None:
        """Store a submitted line (blank lines and repeats of the newest entry are skipped)."""
        line = entry.strip()
        if line and (not self._entries or self._entries[-1] != line):
            self._entries.append(line)
        self.reset()

    def prev(self, current: str = "") -> str:
        """The next older entry; the oldest stays put. ``current`` is kept as the draft on the first step.

        Args:
            current: what the input holds now; returned unchanged when there is no history.
        """
        if self._cursor is None:
            if not self._entries:
                return current
            self._draft = current
            self._cursor = len(self._entries)
        self._cursor = max(self._cursor - 1, 0)
        return self._entries[self._cursor]

    def next(self, current: str = "") -> str:
        """The next newer entry, or the draft after the newest.

        Args:
            current: what the input holds now; returned unchanged when not navigating.
        """
        if self._cursor is None:
            return current
        self._cursor += 1
        if self._cursor >= len(self._entries):
            self._cursor = None
            return self._draft
        return self._entries[self._cursor]

    def reset(self) -> None:
        """Leave navigation and forget the draft."""
        self._cursor = None
        self._draft = ""
