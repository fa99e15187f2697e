"""Bar aggregation from trades and resampling to coarser timeframes."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain import Bar, Timeframe, Trade
from console.market.bars import BarAggregator, bucket_start, daily_bar_timestamp, resample

T0 = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def trade(seconds: float, price: str, size: int = 100) -> Trade:
    return Trade(
        symbol="AAPL", price=Decimal(price), size=Decimal(size), timestamp=T0 + timedelta(seconds=seconds)
    )


def test_trades_in_one_minute_make_one_bar_with_ohlcv() -> None:
    aggregator = BarAggregator("AAPL")
    for t in (
        trade(1, "10.00", 100),
        trade(20, "10.50", 200),
        trade(40, "9.80", 300),
        trade(59, "10.10", 400),
    ):
        assert aggregator.add_trade(t) == []
    [bar] = aggregator.advance(T0 + timedelta(minutes=1))
    assert (bar.open, bar.high, bar.low, bar.close) == tuple(
        map(Decimal, ("10.00", "10.50", "9.80", "10.10"))
    )
    assert bar.volume == 1000
    assert bar.trade_count == 4
    assert bar.timestamp == T0
    assert bar.vwap == Decimal("10.0800")  # (1000 + 2100 + 2940 + 4040) / 1000


def test_a_trade_in_the_next_minute_completes_the_bar() -> None:
    aggregator = BarAggregator("AAPL")
    aggregator.add_trade(trade(10, "10.00"))
    [bar] = aggregator.add_trade(trade(61, "11.00"))
    assert bar.close == Decimal("10.00")
    assert aggregator.current is not None
    assert aggregator.current.open == Decimal("11.00")


def test_advance_before_the_minute_ends_emits_nothing() -> None:
    aggregator = BarAggregator("AAPL")
    aggregator.add_trade(trade(10, "10.00"))
    assert aggregator.advance(T0 + timedelta(seconds=59)) == []
    assert len(aggregator.advance(T0 + timedelta(seconds=60))) == 1
    assert aggregator.advance(T0 + timedelta(minutes=5)) == []


def test_late_trades_are_counted_and_ignored() -> None:
    aggregator = BarAggregator("AAPL")
    aggregator.add_trade(trade(70, "10.00"))
    assert aggregator.add_trade(trade(10, "99.00")) == []
    assert aggregator.late_trades == 1
    [bar] = aggregator.advance(T0 + timedelta(minutes=2))
    assert bar.high == Decimal("10.00")


def test_daily_bars_are_stamped_at_new_york_midnight() -> None:
    assert daily_bar_timestamp(datetime(2026, 1, 5).date()) == datetime(2026, 1, 5, 5, tzinfo=UTC)
    assert daily_bar_timestamp(datetime(2026, 7, 6).date()) == datetime(2026, 7, 6, 4, tzinfo=UTC)
    late_evening = datetime(2026, 1, 6, 3, 0, tzinfo=UTC)  # still 5 January in New York
    assert bucket_start(late_evening, Timeframe.DAY_1) == datetime(2026, 1, 5, 5, tzinfo=UTC)


def minute_bars(closes: list[int]) -> list[Bar]:
    return [
        Bar(
            symbol="AAPL",
            timestamp=T0 + timedelta(minutes=i),
            open=Decimal(c),
            high=Decimal(c + 1),
            low=Decimal(c - 1),
            close=Decimal(c),
            volume=Decimal(10 * (i + 1)),
            trade_count=1,
            vwap=Decimal(c),
        )
        for i, c in enumerate(closes)
    ]


def test_resample_to_five_minutes() -> None:
    bars = resample(minute_bars([10, 12, 9, 11, 13, 20, 21]), Timeframe.MINUTE_5)
    assert [b.timestamp for b in bars] == [T0, T0 + timedelta(minutes=5)]
    first = bars[0]
    assert (first.open, first.high, first.low, first.close) == (10, 14, 8, 13)
    assert first.volume == 150
    assert first.trade_count == 5
    assert bars[1].volume == 60 + 70


def test_resample_refuses_finer_targets_and_disorder() -> None:
    five = resample(minute_bars([10, 11]), Timeframe.MINUTE_5)
    with pytest.raises(ValueError, match="finer"):
        resample(five, Timeframe.MINUTE_1)
    with pytest.raises(ValueError, match="order"):
        resample(list(reversed(minute_bars([10, 11]))), Timeframe.MINUTE_5)


@given(
    st.lists(
        st.tuples(st.integers(0, 3600), st.integers(1, 10_000), st.integers(1, 1_000)),
        min_size=1,
        max_size=80,
    )
)
def test_aggregated_bars_account_for_every_trade(prints: list[tuple[int, int, int]]) -> None:
    trades = [trade(s, str(Decimal(c).scaleb(-2)), n) for s, c, n in sorted(prints)]
    aggregator = BarAggregator("AAPL")
    bars = [bar for t in trades for bar in aggregator.add_trade(t)]
    bars += aggregator.advance(T0 + timedelta(hours=2))
    assert sum(b.volume for b in bars) == sum(t.size for t in trades)
    assert sum(b.trade_count for b in bars) == len(trades)
    assert max(b.high for b in bars) == max(t.price for t in trades)
    assert min(b.low for b in bars) == min(t.price for t in trades)
    assert bars[0].open == trades[0].price
    assert bars[-1].close == trades[-1].price
    assert all(a.timestamp < b.timestamp for a, b in itertools.pairwise(bars))
    hourly = resample(bars, Timeframe.HOUR_1)
    assert sum(b.volume for b in hourly) == sum(b.volume for b in bars)
