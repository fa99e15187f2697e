"""The confirm dialog: only its named key confirms; Escape, n and any other key cancel."""

import pytest
from textual.app import App

from console.ui.screens.confirm import ConfirmScreen


class ConfirmApp(App[None]):
    """Pushes one confirm dialog and records its answer."""

    def __init__(self, dialog: ConfirmScreen) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[bool] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


async def answer(dialog: ConfirmScreen, *keys: str) -> list[bool]:
    app = ConfirmApp(dialog)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return app.answers


@pytest.mark.parametrize("key", ["y", "Y"])
async def test_the_confirm_key_confirms_in_either_case(key: str) -> None:
    assert await answer(ConfirmScreen("Cancel all 7 working orders?"), key) == [True]


@pytest.mark.parametrize("key", ["escape", "n", "x", "enter", "space", "tab"])
async def test_any_other_key_cancels(key: str) -> None:
    assert await answer(ConfirmScreen("Cancel all 7 working orders?"), key) == [False]


async def test_a_dangerous_action_needs_its_own_key_not_y() -> None:
    assert await answer(ConfirmScreen("Flatten all positions?", "F", "Flatten all"), "y") == [False]
    assert await answer(ConfirmScreen("Flatten all positions?", "F", "Flatten all"), "F") == [True]


async def test_only_the_first_key_counts() -> None:
    assert await answer(ConfirmScreen("Cancel all?"), "x", "y") == [False]


async def test_the_dialog_says_which_key_confirms() -> None:
    app = ConfirmApp(ConfirmScreen("Flatten all 3 positions?", "X", "Flatten all"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        texts = [str(widget.visual) for widget in app.dialog.query("#confirm > *")]
    assert texts == [
        "Flatten all 3 positions?",
        "X  Flatten all    Esc  Cancel",
        "Press X to confirm, Esc to cancel",
    ]


async def test_the_default_hint_reads_press_y() -> None:
    app = ConfirmApp(ConfirmScreen("Cancel all?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.dialog.query_one("#confirm-hint").visual) == "Press Y to confirm, Esc to cancel"
