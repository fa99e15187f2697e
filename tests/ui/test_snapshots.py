"""Snapshots of the main screen in every theme, wide and on an 80x24 terminal, on a frozen sim clock.

Regenerate after an intended visual change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.ui.themes import THEME_NAMES
from tests.ui.sim_console import SimConsole


async def settled(pilot: Pilot) -> None:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.apply_frame()  # type: ignore[attr-defined]
    await pilot.pause()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("theme", THEME_NAMES)
def test_main_screen(
    theme: str, size: tuple[int, int], tmp_path: Path, snap_compare: Callable[..., bool]
) -> None:
    console = SimConsole(tmp_path, theme=theme)
    try:
        assert snap_compare(console.app, terminal_size=size, run_before=settled)
    finally:
        console.close()
