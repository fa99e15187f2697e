"""Simulated history: deterministic, consistent across ranges and timeframes, joined to the live tape."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain import Timeframe
from console.market.bars import resample
from console.market.calendar import NEW_YORK, is_market_open, is_trading_day
from console.market.history import HISTORY_ANCHOR, history_close_at, sim_history
from console.settings_schema import SimSettings, SimSymbol

PARAMS = {"seed": 7, "price": Decimal("190.00"), "vol": 0.3}
JAN = datetime(2025, 12, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)


def test_same_arguments_give_the_same_bars() -> None:
    first = sim_history("AAPL", Timeframe.MINUTE_5, JAN, FEB, **PARAMS)
    assert first == sim_history("AAPL", Timeframe.MINUTE_5, JAN, FEB, **PARAMS)


def test_seed_and_symbol_change_the_bars() -> None:
    base = sim_history("AAPL", Timeframe.DAY_1, JAN, FEB, **PARAMS)
    other_seed = sim_history("AAPL", Timeframe.DAY_1, JAN, FEB, **{**PARAMS, "seed": 8})
    other_symbol = sim_history("MSFT", Timeframe.DAY_1, JAN, FEB, **PARAMS)
    assert [b.close for b in base] != [b.close for b in other_seed]
    assert [b.close for b in base] != [b.close for b in other_symbol]


@settings(max_examples=15, deadline=None)
@given(
    timeframe=st.sampled_from(list(Timeframe)),
    offset_hours=st.integers(0, 24 * 40),
    length_hours=st.integers(1, 24 * 20),
)
def test_a_sub_range_is_exactly_the_slice_of_a_larger_range(
    timeframe: Timeframe, offset_hours: int, length_hours: int
) -> None:
    big = sim_history("SPY", timeframe, JAN, JAN + timedelta(days=70), **PARAMS)
    lo = JAN + timedelta(hours=offset_hours)
    hi = lo + timedelta(hours=length_hours)
    assert sim_history("SPY", timeframe, lo, hi, **PARAMS) == [b for b in big if lo <= b.timestamp < hi]


@pytest.mark.parametrize(
    "timeframe", [Timeframe.MINUTE_5, Timeframe.MINUTE_15, Timeframe.HOUR_1, Timeframe.DAY_1]
)
def test_coarser_timeframes_are_the_resampled_minutes(timeframe: Timeframe) -> None:
    start, end = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 7, tzinfo=UTC)
    minutes = sim_history("QQQ", Timeframe.MINUTE_1, start, end, **PARAMS)
    assert resample(minutes, timeframe) == sim_history("QQQ", timeframe, start, end, **PARAMS)


def test_intraday_bars_only_in_regular_hours() -> None:
    bars = sim_history("AAPL", Timeframe.MINUTE_1, JAN, JAN + timedelta(days=10), **PARAMS)
    assert all(is_market_open(b.timestamp, "nyse") for b in bars)
    days = {b.timestamp.astimezone(NEW_YORK).date() for b in bars}
    assert all(len([b for b in bars if b.timestamp.astimezone(NEW_YORK).date() == d]) == 390 for d in days)


def test_daily_bars_only_on_trading_days() -> None:
    bars = sim_history("AAPL", Timeframe.DAY_1, datetime(2025, 1, 1, tzinfo=UTC), FEB, **PARAMS)
    assert all(is_trading_day(b.timestamp.date()) for b in bars)
    assert datetime(2025, 12, 25).date() not in {b.timestamp.date() for b in bars}


def test_prices_are_on_the_cent_and_bars_are_consistent() -> None:
    for bar in sim_history("AAPL", Timeframe.MINUTE_1, JAN, JAN + timedelta(days=3), **PARAMS):
        for price in (bar.open, bar.high, bar.low, bar.close):
            assert price > 0
            assert price == price.quantize(Decimal("0.01"))
        assert bar.low <= bar.vwap <= bar.high  # type: ignore[operator]


def test_price_is_the_close_of_the_anchor_day() -> None:
    friday = datetime(2026, 1, 2, tzinfo=UTC)
    [bar] = sim_history("AAPL", Timeframe.DAY_1, friday, friday + timedelta(days=1), **PARAMS)
    assert bar.close == Decimal("190.00")
    assert history_close_at("AAPL", HISTORY_ANCHOR, **PARAMS) == Decimal("190.00")


def test_daily_returns_have_the_configured_volatility() -> None:
    bars = sim_history("VOL", Timeframe.DAY_1, datetime(2006, 1, 1, tzinfo=UTC), FEB, **PARAMS)
    returns = np.diff(np.log([float(b.close) for b in bars]))
    assert returns.std() == pytest.approx(0.3 / np.sqrt(252), rel=0.1)


def test_history_close_at_is_the_last_minute_that_ended() -> None:
    ts = datetime(2026, 3, 4, 15, 0, 30, tzinfo=UTC)  # 10:00:30 New York
    minutes = sim_history("AAPL", Timeframe.MINUTE_1, ts - timedelta(hours=1), ts, **PARAMS)
    ended = [b for b in minutes if b.timestamp + timedelta(minutes=1) <= ts]
    assert history_close_at("AAPL", ts, **PARAMS) == ended[-1].close
    assert ended[-1].timestamp == datetime(2026, 3, 4, 14, 59, tzinfo=UTC)


def test_live_market_starts_at_the_history_close() -> None:
    from console.market.sim_generator import SimMarket

    start = datetime(2026, 3, 4, 15, 0, 30, tzinfo=UTC)
    settings_ = SimSettings(seed=7, symbols={"AAPL": SimSymbol(price=Decimal("190.00"), vol=0.3)})
    market = SimMarket(settings_, ["AAPL"], start=start)
    warm_up = sim_history("AAPL", Timeframe.MINUTE_1, start - timedelta(days=3), start, **PARAMS)
    ended = [bar for bar in warm_up if bar.timestamp + timedelta(minutes=1) <= start]
    assert market.last_price("AAPL") == ended[-1].close
    market.step(5)
    quote = market.last_quote("AAPL")
    assert quote is not None
    assert abs(quote.mid - ended[-1].close) < Decimal("1.00")


def test_empty_and_invalid_ranges() -> None:
    assert sim_history("AAPL", Timeframe.DAY_1, FEB, JAN, **PARAMS) == []
    with pytest.raises(ValueError, match="timezone"):
        sim_history("AAPL", Timeframe.DAY_1, datetime(2026, 1, 1), FEB, **PARAMS)
    with pytest.raises(ValueError, match="positive"):
        sim_history("AAPL", Timeframe.DAY_1, JAN, FEB, seed=1, price=Decimal(0), vol=0.3)
