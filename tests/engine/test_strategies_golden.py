"""Golden values: each shipped strategy on the sample data gives the recorded final value and trades.

The numbers were computed once with plain Backtrader (``bt.Cerebro`` with its own CSV feeds, cash
100,000, zero commission); a change to a strategy or to the backtest path that moves them fails here.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from console.engine.backtest import run_backtest
from console.engine.registry import default_dirs, discover
from console.market.calendar import NEW_YORK
from console.market.csv_bars import read_csv_bars

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"the sample data folder {DATA} is absent")

GOLDEN = [
    # strategy, file, first day, last day, final value, closed trades
    ("sma_rsi", "orcl-1995-2014.txt", date(2005, 1, 1), date(2014, 12, 31), "103113.83", 153),
    ("sma_rsi", "2006-day-001.txt", None, None, "101808.62", 11),
    ("bollinger_reversion", "orcl-1995-2014.txt", date(2005, 1, 1), date(2014, 12, 31), "120888.97", 56),
    ("bollinger_reversion", "2006-day-001.txt", None, None, "100296.99", 5),
    ("atr_breakout", "orcl-1995-2014.txt", date(2005, 1, 1), date(2014, 12, 31), "102190.26", 35),
    ("atr_breakout", "2006-day-001.txt", None, None, "100650.46", 4),
]


@pytest.mark.parametrize(("strategy", "file", "first", "last", "final_value", "trades"), GOLDEN)
def test_strategy_reproduces_its_golden_values(strategy, file, first, last, final_value, trades) -> None:
    bars = [
        bar
        for bar in read_csv_bars(DATA / file, "X")
        if (first or date.min) <= bar.timestamp.astimezone(NEW_YORK).date() <= (last or date.max)
    ]
    info = discover(default_dirs()).resolve(strategy)
    result = run_backtest(info.cls, {"X": bars}, cash=Decimal(100_000))
    assert result.final_value == Decimal(final_value)
    assert len(result.trades) == trades
    assert result.last_signal and result.last_signal != "waiting for indicators"
