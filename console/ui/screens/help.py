"""The help screen: every key binding, grouped by section, and the command-line grammar, in one scroll.

The app hands the rows in (it knows its panes and their bindings) and the grammar text from
``console.orderline.help_text()``, so the help can never drift from the keys and words that work.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class HelpScreen(ModalScreen[None]):
    """Lists key bindings by section, then the command grammar; Escape, ``q`` or ``?`` closes it.

    Args:
        bindings: ``(section, key, description)`` rows; sections keep the order they first appear in.
        grammar: The command-line help text (``console.orderline.help_text()``).
    """

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen #help {
        width: 110;
        max-width: 100%;
        height: 100%;
        padding: 0 1;
        background: $surface;
        border: thick $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        &:focus {
            border: thick $accent;
        }
    }
    HelpScreen .help-section {
        width: 1fr;
        margin-top: 1;
        color: $accent;
        text-style: bold;
    }
    HelpScreen .help-rows, HelpScreen #help-grammar {
        width: 1fr;
    }
    """

    def __init__(self, bindings: Sequence[tuple[str, str, str]], grammar: str) -> None:
        super().__init__()
        self._sections = group_bindings(bindings)
        self._grammar = grammar

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Help"
            scroll.border_subtitle = "up/down/PgUp/PgDn scroll · Esc, q or ? close"
            key_width = max((len(key) for rows in self._sections.values() for key, _ in rows), default=0)
            for section, rows in self._sections.items():
                yield Label(section, classes="help-section", markup=False)
                yield Static(_rows_content(rows, key_width), classes="help-rows")
            yield Label("Command line (:)", classes="help-section")
            yield Static(self._grammar, id="help-grammar", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def group_bindings(bindings: Sequence[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Group ``(section, key, description)`` rows by section, keeping first-seen order throughout."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for section, key, description in bindings:
        sections.setdefault(section, []).append((key, description))
    return sections


def _rows_content(rows: Sequence[tuple[str, str]], key_width: int) -> Content:
    """One line a binding: the key in bold, padded to the widest key of all sections, then what it does."""
    lines = [Content.assemble((f"  {key:<{key_width}}  ", "bold"), description) for key, description in rows]
    return Content("\n").join(lines)
