"""A real console over a real sim session on a manual clock, for app-level UI tests and snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.brokers.sim.broker import SimBroker
from console.journal import Journal
from console.order_ids import OrderIdMinter
from console.session import Session
from console.session_factory import watched_symbols
from console.settings_schema import PathSettings, Settings, SimSettings, UiSettings
from console.ui.app import ConsoleApp, build_app

FROZEN = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
"""Monday 5 January 2026, 10:00 in New York."""


def console_settings(tmp_path: Path, theme: str = "dark") -> Settings:
    return Settings(
        watchlists={"default": ["AAPL", "MSFT", "NVDA", "SPY"], "tech": ["AMD", "META"]},
        ui=UiSettings(theme=theme, refresh_hz=20),
        sim=SimSettings(seed=11),
        paths=PathSettings(data_dir=tmp_path / "data", log_dir=tmp_path / "log"),
    )


class SimConsole:
    """A console app, its session and its manual-clock sim broker, wired as in production."""

    def __init__(self, tmp_path: Path, theme: str = "dark") -> None:
        self.settings = console_settings(tmp_path, theme)
        (tmp_path / "data").mkdir(exist_ok=True)
        self.journal = Journal.open(tmp_path / "data" / "journal.sqlite3")
        self.broker = SimBroker(self.settings.sim, start=FROZEN, clock="manual")
        self.session = Session(self.broker, self.journal, minter=OrderIdMinter("test"))
        self.session.start(watched_symbols(self.settings))
        self.broker.advance(90)  # a minute and a half of tape: quotes, trades and a bar
        self.app: ConsoleApp = build_app(
            self.settings, self.session, clock=lambda: FROZEN, start_session=False
        )

    def close(self) -> None:
        self.session.stop()
        self.journal.close()
