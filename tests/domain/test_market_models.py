"""Market data and account models."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from console.domain import Account, Bar, Position, Quote


def test_timestamps_must_be_timezone_aware_and_become_utc() -> None:
    eastern = timezone(timedelta(hours=-5))
    quote = Quote(symbol="AAPL", bid=1, ask=2, timestamp=datetime(2026, 1, 5, 9, 30, tzinfo=eastern))
    assert quote.timestamp == datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
    assert quote.timestamp.tzinfo is UTC
    with pytest.raises(ValidationError, match="timezone-aware"):
        Quote(symbol="AAPL", bid=1, ask=2, timestamp=datetime(2026, 1, 5, 9, 30))


def test_quote_mid_and_spread_are_exact() -> None:
    quote = Quote(symbol="AAPL", bid="190.01", ask="190.04", timestamp=datetime.now(UTC))
    assert quote.mid == Decimal("190.025")
    assert quote.spread == Decimal("0.03")


def test_bar_range_must_contain_open_and_close() -> None:
    with pytest.raises(ValidationError, match="high/low"):
        Bar(symbol="X", timestamp=datetime.now(UTC), open=10, high=11, low=10.5, close=10.7)


def test_money_serialises_to_json_as_strings() -> None:
    quote = Quote(symbol="AAPL", bid="0.1", ask="0.3", timestamp=datetime(2026, 1, 1, tzinfo=UTC))
    assert '"bid":"0.1"' in quote.model_dump_json()


def test_short_position_pnl() -> None:
    short = Position(symbol="TSLA", qty=-20, avg_entry_price=240, current_price=230)
    assert short.is_short
    assert short.market_value == Decimal(-4600)
    assert short.unrealized_pl == Decimal(200)


def test_option_position_uses_multiplier() -> None:
    position = Position(
        symbol="AAPL250117C00190000", qty=2, avg_entry_price="3.10", current_price="3.60", multiplier=100
    )
    assert position.unrealized_pl == Decimal(100)


def test_account_day_pl() -> None:
    account = Account(cash=1000, equity=10_500, last_equity=10_000, buying_power=2000)
    assert account.day_pl == Decimal(500)
