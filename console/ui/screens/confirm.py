"""A yes/no question before a dangerous action (cancel all, flatten all), answered with one specific key.

Why any other key cancels: the trader reached this dialog with a keystroke, and a second reflexive or
repeated keystroke must never be taken for a yes; only the key the dialog names confirms.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True on ``confirm_key``, and with False on Escape, ``n`` or any other key.

    Args:
        message: The question, e.g. "Cancel all 7 working orders?".
        confirm_key: The one key that confirms (a Textual key name: ``y``, ``X``, ``F``, ``ctrl+x``). A
            single letter is matched in either case, since the hint shows it in capitals.
        confirm_label: What confirming does, shown next to the key (e.g. "Flatten all").
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("n", "cancel", "No"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen #confirm {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 2;
        background: $surface;
        border: thick $error;
    }
    ConfirmScreen #confirm-message {
        width: 1fr;
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmScreen #confirm-keys {
        width: 1fr;
        color: $text-muted;
    }
    ConfirmScreen #confirm-hint {
        width: 1fr;
        color: $warning;
    }
    """

    def __init__(self, message: str, confirm_key: str = "y", confirm_label: str = "Yes") -> None:
        super().__init__()
        self._message = message
        self._confirm_key = confirm_key
        self._confirm_label = confirm_label

    @property
    def key_name(self) -> str:
        """The confirming key as the dialog shows it: ``Y``, ``X``, ``ctrl+x``."""
        key = self._confirm_key
        return key.upper() if len(key) == 1 else key

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self._message, id="confirm-message", markup=False)
            yield Label(
                f"{self.key_name}  {self._confirm_label}    Esc  Cancel", id="confirm-keys", markup=False
            )
            yield Label(f"Press {self.key_name} to confirm, Esc to cancel", id="confirm-hint", markup=False)

    def on_key(self, event: events.Key) -> None:
        """Confirm on the named key; any key this screen does not bind cancels."""
        if self._confirms(event):
            event.stop()
            event.prevent_default()
            self.dismiss(True)
        elif event.key not in ("escape", "n"):
            event.stop()
            event.prevent_default()
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _confirms(self, event: events.Key) -> bool:
        key = self._confirm_key
        if event.key == key:
            return True
        single_letter = len(key) == 1 and key.isalpha()
        return single_letter and event.character is not None and event.character.lower() == key.lower()
