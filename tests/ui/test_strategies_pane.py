"""The strategies pane in the whole console over a sim session: it lists, toggles and reports strategies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from console.brokers.sim.broker import SimBroker
from console.engine.events import StrategyState
from console.engine.strategy_host import StrategyRow
from console.journal import Journal
from console.order_ids import OrderIdMinter
from console.session import Session
from console.session_factory import watched_symbols
from console.settings_schema import PathSettings, StrategySettings
from console.ui.app import ConsoleApp, build_app
from console.ui.panes.strategies import StrategiesPane, StrategyDetailScreen
from tests.ui.sim_console import FROZEN, console_settings

WAIT = 10.0

QUIET = '''
import backtrader as bt


class Quiet(bt.Strategy):
    """Trades nothing; says what it is doing."""

    params = (("period", 5),)

    def __init__(self):
        self.signal = "watching"
'''


class StrategyConsole:
    """A console over a manual-clock sim session with two configured strategies (one broken)."""

    def __init__(self, tmp_path: Path) -> None:
        folder = tmp_path / "strategies"
        folder.mkdir()
        (folder / "quiet.py").write_text(QUIET)
        base = console_settings(tmp_path)
        self.settings = base.model_copy(
            update={
                "paths": PathSettings(
                    data_dir=tmp_path / "data", log_dir=tmp_path / "log", strategies_dir=folder
                ),
                "strategies": [
                    StrategySettings.model_validate(
                        {"name": "calm", "class": "quiet:Quiet", "symbols": ["AAPL"], "params": {"period": 3}}
                    ),
                    StrategySettings.model_validate(
                        {"name": "bad", "class": "quiet:Quiet", "symbols": ["AAPL"], "params": {"nope": 1}}
                    ),
                ],
            }
        )
        (tmp_path / "data").mkdir(exist_ok=True)
        self.journal = Journal.open(tmp_path / "data" / "journal.sqlite3")
        self.broker = SimBroker(self.settings.sim, start=FROZEN, clock="manual")
        self.session = Session(self.broker, self.journal, minter=OrderIdMinter("test"))
        self.session.start(watched_symbols(self.settings))
        self.broker.advance(90)
        self.app: ConsoleApp = build_app(
            self.settings, self.session, clock=lambda: FROZEN, start_session=False
        )

    def close(self) -> None:
        if self.app.strategy_host is not None:
            self.app.strategy_host.stop_all()
        self.session.stop()
        self.journal.close()


@pytest.fixture
def console(tmp_path: Path) -> Iterator[StrategyConsole]:
    console = StrategyConsole(tmp_path)
    yield console
    console.close()


async def settle(pilot, app: ConsoleApp) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.apply_frame()
    await pilot.pause()


def messages(app: ConsoleApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_pane_lists_the_configured_strategy_and_reports_the_broken_one(
    console: StrategyConsole,
) -> None:
    app = console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        pane = app.query_one(StrategiesPane)
        assert [row.name for row in pane.rows] == ["calm"]
        assert pane.rows[0].state is StrategyState.STOPPED
        assert pane.table.row_count == 1
        assert "1 not loaded" in str(pane.border_title)
        assert any("could not be loaded" in m for m in messages(app))


async def test_space_toggles_running_then_stopped(console: StrategyConsole) -> None:
    app = console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("space")
        await settle(pilot, app)
        host = app.strategy_host
        assert host is not None
        assert host.runner.wait_for("calm", StrategyState.RUNNING, timeout=WAIT)
        await settle(pilot, app)
        pane = app.query_one(StrategiesPane)
        assert pane.rows[0].state is StrategyState.RUNNING
        assert pane.rows[0].signal == "watching"
        await pilot.press("p")
        await settle(pilot, app)
        assert host.state("calm") is StrategyState.PAUSED
        await pilot.press("p")
        await settle(pilot, app)
        assert host.runner.wait_for("calm", StrategyState.RUNNING, timeout=WAIT)
        await pilot.press("space")
        await settle(pilot, app)
        assert host.state("calm") is StrategyState.STOPPED
        assert pane.rows[0].state is StrategyState.STOPPED


async def test_i_and_l_show_params_and_journal_rows(console: StrategyConsole) -> None:
    app = console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, StrategyDetailScreen)
        assert any("period" in line and "3" in line for line in app.screen.lines)
        await pilot.press("escape")
        await pilot.press("l")
        await settle(pilot, app)
        assert isinstance(app.screen, StrategyDetailScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StrategyDetailScreen)


async def test_start_and_stop_commands_and_an_unknown_name(console: StrategyConsole) -> None:
    app = console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        host = app.strategy_host
        assert host is not None
        app.run_command("start calm")
        await settle(pilot, app)
        assert host.runner.wait_for("calm", StrategyState.RUNNING, timeout=WAIT)
        app.run_command("stop calm")
        await settle(pilot, app)
        assert host.state("calm") is StrategyState.STOPPED
        app.run_command("start nosuch")
        await settle(pilot, app)
        [answer] = [m for m in messages(app) if "nosuch" in m]
        assert "\n" not in answer and "calm" in answer


async def test_quit_stops_running_strategies(console: StrategyConsole) -> None:
    app = console.app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        host = app.strategy_host
        assert host is not None
        app.run_command("start calm")
        await settle(pilot, app)
        assert host.runner.wait_for("calm", StrategyState.RUNNING, timeout=WAIT)
        await pilot.press("q")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert host.state("calm") is StrategyState.STOPPED


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StrategiesPane()


def row(name: str, state: StrategyState, **extra: object) -> StrategyRow:
    values: dict[str, object] = {
        "name": name,
        "state": state,
        "symbols": ("AAPL",),
        "position": 0,
        "open_orders": 0,
        "realized_pl": None,
        "unrealized_pl": None,
        "trades": 0,
        "signal": "",
        **extra,
    }
    return StrategyRow(**values)  # type: ignore[arg-type]


async def test_pane_alone_posts_messages_for_the_selected_row() -> None:
    app = PaneApp()
    seen: list[object] = []
    async with app.run_test(size=(120, 20)) as pilot:
        pane = app.query_one(StrategiesPane)
        pane.update_strategies(
            [row("a", StrategyState.RUNNING), row("b", StrategyState.ERRORED, detail="boom")]
        )
        pane.focus()
        await pilot.pause()
        original = pane.post_message

        def spy(message):  # type: ignore[no-untyped-def]
            seen.append(message)
            return original(message)

        pane.post_message = spy  # type: ignore[method-assign]
        await pilot.press("down", "space", "p", "enter")
        await pilot.pause()
        kinds = [(type(m).__name__, getattr(m, "name", None)) for m in seen]
        assert ("ToggleRequested", "b") in kinds and ("PauseRequested", "b") in kinds
        assert kinds.count(("ToggleRequested", "b")) == 2
        assert pane.table.get_row("b")[-1].plain == "boom"
