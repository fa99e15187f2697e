"""The help screen: bindings by section, the command grammar, and the keys that close it."""

import pytest
from textual.app import App
from textual.widgets import Static

from console.orderline import help_text
from console.ui.screens.help import HelpScreen, group_bindings

BINDINGS = [
    ("Console", ":", "Command line"),
    ("Console", "b", "Buy ticket"),
    ("Watchlist", "[", "Previous list"),
    ("Console", "X", "Cancel all orders (confirm)"),
    ("Orders", "c", "Cancel selected order"),
]


class HelpApp(App[None]):
    """Pushes the help screen and records that it closed."""

    def __init__(self, bindings: list[tuple[str, str, str]] = BINDINGS) -> None:
        super().__init__()
        self.help = HelpScreen(bindings, help_text())
        self.closed: list[None] = []

    def on_mount(self) -> None:
        self.push_screen(self.help, self.closed.append)


def shown_text(screen: HelpScreen) -> str:
    return "\n".join(str(widget.visual) for widget in screen.query(Static))


async def test_every_binding_is_listed_under_its_section() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = shown_text(app.help)
    assert "Console\n  :  Command line\n  b  Buy ticket\n  X  Cancel all orders (confirm)\n" in text
    assert "Watchlist\n  [  Previous list\n" in text
    assert "Orders\n  c  Cancel selected order\n" in text


async def test_keys_line_up_across_sections() -> None:
    app = HelpApp([("Console", "ctrl+c", "Quit"), ("Orders", "c", "Cancel selected order")])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = shown_text(app.help)
    assert "  ctrl+c  Quit\n" in text
    assert "  c       Cancel selected order\n" in text


async def test_the_command_grammar_is_shown() -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = shown_text(app.help)
    assert help_text() in text
    assert "buy 10 AAPL 190 tp 200 sl 185" in text


async def test_the_help_scrolls_at_80_by_24() -> None:
    app = HelpApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        scroll = app.help.query_one("#help")
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_escape_q_and_question_mark_close_it(key: str) -> None:
    app = HelpApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is not app.help
    assert app.closed == [None]


def test_sections_keep_the_order_they_first_appear_in() -> None:
    assert list(group_bindings(BINDINGS)) == ["Console", "Watchlist", "Orders"]
    assert group_bindings(BINDINGS)["Console"] == [
        (":", "Command line"),
        ("b", "Buy ticket"),
        ("X", "Cancel all orders (confirm)"),
    ]
