"""The session: the one road to a broker, with the journal written before the broker sees an order."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from console.brokers.base import OrderChanges
from console.brokers.sim.broker import SimBroker
from console.domain import ErrorEvent, OrderRequest, OrderStatus, OrderType, OrderUpdate, Side, TradeEvent
from console.journal import Journal, JournalKind
from console.risk.gate import RiskDecision
from console.session import Session
from console.settings_schema import SimSettings


class DenyLargeOrders:
    """A gate that refuses orders above 100 shares: enough to prove the session obeys its gate."""

    def check(self, request: OrderRequest) -> RiskDecision:
        if request.qty is not None and request.qty > 100:
            return RiskDecision.deny("max_order_qty", f"quantity {request.qty} exceeds 100", limit=100)
        return RiskDecision.approve()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        yield journal


@pytest.fixture
def broker() -> SimBroker:
    return SimBroker(SimSettings(seed=3), ["AAPL"], clock="manual")


@pytest.fixture
def session(broker: SimBroker, journal: Journal) -> Iterator[Session]:
    session = Session(broker, journal, gate=DenyLargeOrders())
    session.start(["AAPL"])
    broker.advance(2)  # quotes arrive
    yield session
    session.stop()


def kinds_for(journal: Journal, client_order_id: str) -> list[str]:
    return [e.kind for e in journal.query(client_order_id=client_order_id)]


def test_market_order_is_journaled_before_the_broker_and_fills(session: Session, journal: Journal) -> None:
    updates: list[OrderUpdate] = []
    session.bus.subscribe(OrderUpdate, updates.append)
    result = session.submit(OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(10)))
    assert result.accepted
    kinds = kinds_for(journal, result.client_order_id)
    assert kinds[:2] == [JournalKind.RISK_DECISION, JournalKind.ORDER_INTENT]
    assert JournalKind.FILL in kinds
    assert [u.event for u in updates][-1] is TradeEvent.FILL
    position = {p.symbol: p.qty for p in session.positions()}
    assert position == {"AAPL": Decimal(10)}


def test_denied_order_never_reaches_the_broker(session: Session, journal: Journal, broker: SimBroker) -> None:
    errors: list[ErrorEvent] = []
    session.bus.subscribe(ErrorEvent, errors.append)
    result = session.submit(OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(500)))
    assert not result.accepted
    assert "exceeds 100" in result.message
    assert kinds_for(journal, result.client_order_id) == [JournalKind.RISK_DECISION]
    assert broker.orders("all") == []
    assert "max_order_qty" in errors[-1].message


def test_broker_rejection_is_one_sentence_and_journaled(session: Session, journal: Journal) -> None:
    errors: list[ErrorEvent] = []
    session.bus.subscribe(ErrorEvent, errors.append)
    # 100 shares at 5,000 pass this gate, but $500,000 is beyond the margin account's buying power.
    result = session.submit(
        OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(100), type=OrderType.LIMIT, limit_price=5000)
    )
    assert not result.accepted
    assert "buying power" in result.message
    assert "\n" not in errors[-1].message
    assert kinds_for(journal, result.client_order_id)[-1] == JournalKind.ERROR


def test_cancel_and_replace_go_through_the_session(session: Session, broker: SimBroker) -> None:
    result = session.submit(
        OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(5), type=OrderType.LIMIT, limit_price=1)
    )
    assert result.order is not None
    replaced = session.replace(result.order.id, OrderChanges(limit_price=Decimal(2)))
    assert replaced is not None
    assert replaced.request.limit_price == Decimal(2)
    assert session.cancel(replaced.id)
    broker.advance(1)
    statuses = {o.id: o.status for o in session.orders()}
    assert statuses[result.order.id] is OrderStatus.REPLACED
    assert statuses[replaced.id] is OrderStatus.CANCELED


def test_cancel_of_unknown_order_reports_instead_of_raising(session: Session) -> None:
    errors: list[ErrorEvent] = []
    session.bus.subscribe(ErrorEvent, errors.append)
    assert not session.cancel("00000000-0000-4000-8000-000000000000")
    assert errors and "Could not cancel" in errors[-1].message


def test_flatten_closes_the_position(session: Session, broker: SimBroker) -> None:
    session.submit(OrderRequest(symbol="AAPL", side=Side.BUY, qty=Decimal(3)))
    broker.advance(1)
    session.flatten("AAPL")
    broker.advance(2)
    assert session.positions() == []


def test_strategy_tag_is_in_the_client_order_id(session: Session) -> None:
    result = session.submit(OrderRequest(symbol="AAPL", qty=Decimal(1), strategy="sma_rsi"))
    assert result.client_order_id.startswith("sma_rsi.")


def test_factory_builds_a_sim_session_by_default(tmp_path: Path) -> None:
    from console.paths import resolve_paths
    from console.session_factory import build_session, watched_symbols
    from console.settings_schema import PathSettings, Settings

    settings = Settings(paths=PathSettings(data_dir=tmp_path / "data"))
    session = build_session(settings)
    try:
        assert session.broker.name == "sim"
        assert "AAPL" in watched_symbols(settings)
        assert resolve_paths(settings).journal_path.exists()
    finally:
        session.journal.close()


def test_factory_refuses_paper_mode_until_alpaca_lands(tmp_path: Path) -> None:
    from console.config import ConfigError
    from console.session_factory import build_broker
    from console.settings_schema import BrokerSettings, Settings

    with pytest.raises(ConfigError, match="Alpaca adapter"):
        build_broker(Settings(broker=BrokerSettings(mode="paper")))
