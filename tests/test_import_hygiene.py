"""The engine runs headless: importing it must not load Textual, alpaca-py or Backtrader.

Each check runs in a fresh interpreter, because this test process has likely imported them already.
"""

import subprocess
import sys

import pytest

HEAVY = ("textual", "alpaca", "backtrader")

ENGINE_MODULES = [
    "console.domain",
    "console.config",
    "console.bus",
    "console.journal",
    "console.brokers.base",
    "console.brokers.sim.broker",
    "console.session",
    "console.orderline",
    "console.market.sim_generator",
]


def loaded_after_import(module: str) -> set[str]:
    code = (
        f"import sys, {module}\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_module_does_not_load_ui_or_broker_sdks(module: str) -> None:
    assert loaded_after_import(module) == set()


def test_the_check_itself_can_fail() -> None:
    # Guards against a check that always passes: importing Textual must be seen.
    assert "textual" in loaded_after_import("textual")
