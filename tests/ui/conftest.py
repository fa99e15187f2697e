"""Fixtures for app-level UI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.sim_console import SimConsole


@pytest.fixture
def sim_console(tmp_path: Path) -> Iterator[SimConsole]:
    console = SimConsole(tmp_path)
    yield console
    console.close()
