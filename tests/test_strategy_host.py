"""The strategy host: configured strategies load (broken ones become sentences), start and stop by name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from console.brokers.sim.broker import SimBroker
from console.domain import OrderRequest, OrderType, Side
from console.engine.events import StrategyState
from console.engine.registry import StrategyError, default_dirs
from console.engine.runner import StrategyRunner
from console.engine.strategy_host import StrategyHost
from console.journal import Journal
from console.order_ids import OrderIdMinter
from console.session import Session
from console.settings_schema import SimSettings, StrategySettings

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
WAIT = 10.0

GOOD = """
import backtrader as bt


class Quiet(bt.Strategy):
    params = (("period", 5), ("scale", 1.0))

    def __init__(self):
        self.signal = "watching"

    def next(self):
        pass
"""


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    broker = SimBroker(SimSettings(seed=3), ["AAPL", "MSFT"], start=T0, clock="manual")
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        session = Session(broker, journal, minter=OrderIdMinter("test"))
        session.start(["AAPL", "MSFT"])
        broker.advance(1)
        yield session
        session.stop()


@pytest.fixture
def strategies_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / "quiet.py").write_text(GOOD)
    (folder / "broken.py").write_text("import backtrader as bt\n\nclass Broken(bt.Strategy:\n    pass\n")
    return folder


def config(name: str, cls: str, **extra: object) -> StrategySettings:
    return StrategySettings.model_validate({"name": name, "class": cls, "symbols": ["AAPL"], **extra})


def host_over(session: Session, folder: Path, *configs: StrategySettings) -> StrategyHost:
    runner = StrategyRunner(session, warmup=3, poll_s=0.01)
    return StrategyHost(session, configs, dirs=[folder], runner=runner)


def test_configured_strategies_load_and_bad_ones_are_sentences(session, strategies_dir):
    host = host_over(
        session,
        strategies_dir,
        config("good", "quiet", params={"period": 7}),
        config("badparam", "quiet", params={"period": "seven"}),
        config("missing", "Nope"),
        config("fromfile", "broken"),
    )
    try:
        assert host.names() == ["good"]
        assert host.params("good") == {"period": 7, "scale": 1.0}
        assert len(host.problems) == 4  # the broken file itself, then three entries
        assert all("\n" not in p for p in host.problems)
        assert any("broken.py" in p and "syntax error" in p for p in host.problems)
        assert any("badparam" in p and "'period'" in p for p in host.problems)
        with pytest.raises(StrategyError, match="badparam was not loaded"):
            host.start("badparam")
        with pytest.raises(StrategyError, match="no strategy named 'zzz'; strategies: good"):
            host.start("zzz")
    finally:
        host.stop_all()


def test_start_stop_pause_resume_by_name(session, strategies_dir):
    host = host_over(session, strategies_dir, config("good", "quiet"))
    try:
        assert host.state("good") is StrategyState.STOPPED
        assert host.toggle("good") == "strategy good started"
        assert host.runner.wait_for("good", StrategyState.RUNNING, timeout=WAIT)
        assert host.start("good") == "strategy good is already running"
        assert "paused" in host.toggle_pause("good")
        assert host.state("good") is StrategyState.PAUSED
        assert host.resume("good") == "strategy good resumed"
        assert host.runner.wait_for("good", StrategyState.RUNNING, timeout=WAIT)
        [row] = host.rows()
        assert (row.name, row.state, row.symbols) == ("good", StrategyState.RUNNING, ("AAPL",))
        assert row.signal == "watching"
        assert host.toggle("good") == "strategy good stopped"
        assert host.state("good") is StrategyState.STOPPED
        assert host.stop("good") == "strategy good is already stopped"
        assert host.rows()[0].signal == ""
        assert host.journal_lines("good")
    finally:
        host.stop_all()


def test_enabled_strategies_start_and_stop_all_stops_them(session, strategies_dir):
    host = host_over(session, strategies_dir, config("on", "quiet", enabled=True), config("off", "quiet"))
    try:
        assert host.start_enabled() == ["on"]
        assert host.runner.wait_for("on", StrategyState.RUNNING, timeout=WAIT)
        assert host.state("off") is StrategyState.STOPPED
    finally:
        host.stop_all()
    assert host.state("on") is StrategyState.STOPPED


def test_rows_count_the_strategy_s_own_orders_and_fills(session, strategies_dir):
    host = host_over(session, strategies_dir, config("good", "quiet"))
    session.submit(OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(10), strategy="good"))
    session.submit(OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(5)))  # manual: not counted
    session.submit(
        OrderRequest(
            symbol="AAPL",
            side=Side.BUY,
            qty=Decimal(3),
            type=OrderType.LIMIT,
            limit_price=Decimal(1),
            strategy="good",
        )
    )
    session.submit(OrderRequest(symbol="AAPL", side=Side.SELL, qty=Decimal(4), strategy="good"))
    [row] = host.rows()
    assert row.position == Decimal(6)
    assert row.open_orders == 1
    assert row.trades == 2
    assert row.realized_pl is not None and row.unrealized_pl is not None
    assert row.pl == row.realized_pl + row.unrealized_pl


def test_the_shipped_sma_rsi_loads_from_the_repo_folder(session):
    host = StrategyHost(
        session,
        [config("trend", "sma_rsi:SmaRsi", params={"sma_period": 10})],
        dirs=default_dirs(),
        runner=StrategyRunner(session, warmup=3, poll_s=0.01),
    )
    assert host.names() == ["trend"]
    assert host.params("trend")["sma_period"] == 10
