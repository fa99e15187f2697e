"""Builds a ready Session from settings: the broker the mode asks for, the journal, the gate.

One factory shared by the CLI, the headless engine and the tests, so they cannot wire things apart.
"""

from __future__ import annotations

from datetime import UTC, datetime

from console.brokers.base import Broker
from console.config import ConfigError
from console.domain import Mode
from console.journal import Journal
from console.paths import resolve_paths
from console.session import Session
from console.settings_schema import Settings


def build_broker(settings: Settings) -> Broker:
    """The broker ``settings.broker.mode`` names.

    Raises:
        ConfigError: the mode cannot be served by this version.
    """
    match settings.broker.mode:
        case Mode.SIM:
            from console.brokers.sim.broker import SimBroker

            # The sim's clock starts at the wall clock, so its times read as today's.
            return SimBroker(settings.sim, watched_symbols(settings), start=datetime.now(UTC))
        case Mode.PAPER | Mode.LIVE:
            raise ConfigError(
                f"broker.mode {settings.broker.mode.value} needs the Alpaca adapter, which this version "
                "does not have yet; use broker.mode sim"
            )


def watched_symbols(settings: Settings) -> list[str]:
    """Every symbol in every watchlist and strategy, once, in first-seen order."""
    symbols = [s for lst in settings.watchlists.values() for s in lst]
    symbols += [s for strategy in settings.strategies for s in strategy.symbols]
    return list(dict.fromkeys(symbols))


def build_session(settings: Settings, broker: Broker | None = None) -> Session:
    """A Session over ``broker`` (default: the one the mode names) with the journal opened."""
    paths = resolve_paths(settings).ensure()
    journal = Journal.open(paths.journal_path)
    return Session(broker or build_broker(settings), journal)
