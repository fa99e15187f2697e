"""The Textual application. Until the full console lands, a minimal screen that says so."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from console.settings_schema import Settings


class ConsoleApp(App[int]):
    """The trading console."""

    TITLE = "btconsole"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"btconsole — mode {self.settings.broker.mode.value.upper()}\n\n"
            "The full console (watchlists, orders, positions, order entry) is being built.\n"
            "Press q to quit.",
            id="placeholder",
        )
        yield Footer()


def build_app(settings: Settings) -> ConsoleApp:
    """The one app factory, shared by the CLI and the tests."""
    return ConsoleApp(settings)
