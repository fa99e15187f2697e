"""The command line: ``:`` focuses it, Enter runs a line of the order grammar, Esc leaves it.

It stays on screen as one line above the footer (as in vim): a hidden input cannot take focus until the
next refresh, and keys typed in that instant would reach the app's bindings (``b`` opens a ticket).

The grammar, completion and history live in ``console.orderline`` (no Textual); this widget only binds
keys to them: up/down walk the history, Tab completes the word being typed (again to cycle), and the
completions on offer show as the input's suggestion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from console.orderline import History, complete


class CommandLine(Input):
    """A one-line Input for console commands, with history and completion."""

    BINDINGS = [
        Binding("up", "history_prev", "Previous", show=False),
        Binding("down", "history_next", "Next", show=False),
        Binding("tab", "complete", "Complete", show=False, priority=True),
        Binding("escape", "leave", "Leave", show=False),
    ]

    DEFAULT_CSS = """
    CommandLine {
        height: 1;
        border: none;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    CommandLine:focus {
        border: none;
        background: $boost;
        color: $foreground;
    }
    """

    @dataclass
    class Run(Message):
        """The user pressed Enter on a non-empty line."""

        text: str

    def __init__(
        self,
        *,
        symbols: Callable[[], Sequence[str]] = tuple,
        strategies: Callable[[], Sequence[str]] = tuple,
        themes: Sequence[str] = (),
        id: str | None = "command-line",
    ) -> None:
        # No select-on-focus: the focus event lands after the first keys typed after ":", and selecting
        # then would let the next key replace them.
        super().__init__(placeholder=": command (help lists them)", id=id, select_on_focus=False)
        self.history = History()
        self._symbols = symbols
        self._strategies = strategies
        self._themes = themes
        self._return_to: Widget | None = None
        self._cycle: list[str] = []
        self._cycle_index = 0
        self._cycle_base = ""

    def open(self) -> None:
        """Focus the line. It is always on screen, so keys typed right after ``:`` land in it."""
        if self.screen.focused is not self:
            self._return_to = self.screen.focused
        # Synchronously, not with focus() (which defers to call_later): in ":buy" typed fast, the "b"
        # is already queued and must find the line focused, not reach the app's buy-ticket binding.
        self.screen.set_focus(self)

    def close(self) -> None:
        """Clear the line and give focus back to where it was before ``:``."""
        self.value = ""
        self.history.reset()
        back = self._return_to
        self._return_to = None
        if back is not None and back.is_attached:
            back.focus()
        else:
            self.screen.focus_next()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.history.add(text)
        self.close()
        if text:
            self.post_message(self.Run(text))

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self._cycle or event.value != self._cycle_value():
            self._cycle = []

    def action_history_prev(self) -> None:
        self._set(self.history.prev(self.value))

    def action_history_next(self) -> None:
        self._set(self.history.next(self.value))

    def action_complete(self) -> None:
        if self._cycle:
            self._cycle_index = (self._cycle_index + 1) % len(self._cycle)
        else:
            text = self.value[: self.cursor_position]
            words = complete(
                text, symbols=self._symbols(), strategies=self._strategies(), themes=self._themes
            )
            if not words:
                return
            partial = "" if not text or text[-1].isspace() else text.rsplit(maxsplit=1)[-1]
            self._cycle, self._cycle_index, self._cycle_base = words, 0, text[: len(text) - len(partial)]
        self._set(self._cycle_value())

    def action_leave(self) -> None:
        self.close()

    def _cycle_value(self) -> str:
        return f"{self._cycle_base}{self._cycle[self._cycle_index]} "

    def _set(self, value: str) -> None:
        self.value = value
        self.cursor_position = len(value)
