"""Our backtest path equals plain Backtrader on the same CSV file, to the cent; the metrics add up."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import backtrader as bt
import pytest

from console.domain import Bar, Timeframe
from console.engine.backtest import BacktestError, run_backtest
from console.engine.backtest_metrics import compute_metrics
from console.engine.registry import default_dirs, discover
from console.market.calendar import NEW_YORK
from console.market.csv_bars import read_csv_bars

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CASH = 100_000
needs_data = pytest.mark.skipif(not DATA.exists(), reason=f"the sample data folder {DATA} is absent")


class PlainTrades(bt.Analyzer):
    """What plain Backtrader says about each closed trade."""

    def start(self) -> None:
        self.opened: dict[int, tuple[float, float]] = {}
        self.rows: list[tuple] = []

    def notify_trade(self, trade: bt.Trade) -> None:
        if trade.justopened:
            self.opened[trade.ref] = (trade.size, trade.price)
        elif trade.isclosed:
            size, price = self.opened.pop(trade.ref)
            opened, closed = bt.num2date(trade.dtopen), bt.num2date(trade.dtclose)
            self.rows.append((opened, closed, size, round(price, 2), round(trade.pnl, 2)))


def plain_run(strategy: type, feed: bt.feed.DataBase) -> tuple[Decimal, list[tuple]]:
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(feed)
    cerebro.broker.setcash(CASH)
    cerebro.addstrategy(strategy)
    cerebro.addanalyzer(PlainTrades, _name="trades")
    ran = cerebro.run()[0]
    value = Decimal(repr(round(cerebro.broker.getvalue(), 2))).quantize(Decimal("0.01"))
    return value, ran.analyzers.trades.rows


def plain_feed(file: str) -> bt.feed.DataBase:
    path = str(DATA / file)
    if file.startswith("orcl"):
        return bt.feeds.YahooFinanceCSVData(dataname=path)
    if "min" in file:
        return bt.feeds.BacktraderCSVData(dataname=path, timeframe=bt.TimeFrame.Minutes, compression=5)
    return bt.feeds.GenericCSVData(dataname=path, dtformat="%Y-%m-%d")


def bar_time_as_backtrader(moment: datetime, timeframe: Timeframe) -> datetime:
    if timeframe is Timeframe.DAY_1:
        return datetime.combine(moment.astimezone(NEW_YORK).date(), datetime.min.time())
    return (moment + timedelta(seconds=timeframe.seconds)).astimezone(UTC).replace(tzinfo=None)


@needs_data
@pytest.mark.parametrize("strategy", ["sma_rsi", "bollinger_reversion", "atr_breakout"])
@pytest.mark.parametrize("file", ["orcl-1995-2014.txt", "2006-day-001.txt", "2006-min-005.txt"])
def test_backtest_equals_plain_backtrader_to_the_cent(strategy: str, file: str) -> None:
    cls = discover(default_dirs()).resolve(strategy).cls
    bars = read_csv_bars(DATA / file, "X")
    ours = run_backtest(cls, {"X": bars}, cash=Decimal(CASH))
    value, plain_trades = plain_run(cls, plain_feed(file))
    assert ours.final_value == value
    daily = bars[0].timeframe is Timeframe.DAY_1
    as_plain = [
        (
            bar_time_as_backtrader(t.entry_time, bars[0].timeframe),
            bar_time_as_backtrader(t.exit_time, bars[0].timeframe),
            float(t.size),
            float(t.entry_price),
            float(t.pnl),
        )
        for t in ours.trades
    ]
    if daily:  # plain daily stamps carry the session end; compare the dates
        plain_trades = [(o.replace(hour=0, minute=0, second=0, microsecond=0),
                         c.replace(hour=0, minute=0, second=0, microsecond=0), *rest)
                        for o, c, *rest in plain_trades]  # fmt: skip
    assert as_plain == plain_trades
    assert len(ours.trades) > 0


def bar(day: int, close: str) -> Bar:
    price = Decimal(close)
    stamp = datetime(2024, 1, day, 5, tzinfo=UTC)
    return Bar(
        symbol="X", timeframe=Timeframe.DAY_1, timestamp=stamp, open=price, high=price, low=price, close=price
    )


def test_a_symbol_without_bars_is_a_backtest_error() -> None:
    cls = discover(default_dirs()).resolve("sma_rsi").cls
    with pytest.raises(BacktestError, match="no bars to backtest for X"):
        run_backtest(cls, {"X": []}, cash=Decimal(CASH))


def test_a_strategy_that_raises_is_a_backtest_error_naming_it() -> None:
    class Crashes(bt.Strategy):
        def next(self) -> None:
            raise ZeroDivisionError("oops")

    with pytest.raises(BacktestError, match="strategy Crashes failed: ZeroDivisionError: oops"):
        run_backtest(Crashes, {"X": [bar(2, "10")]}, cash=Decimal(CASH))


def test_metrics_of_a_known_curve() -> None:
    times = [datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i) for i in range(5)]
    values = [100.0, 110.0, 99.0, 105.0, 121.0, 120.0]
    metrics = compute_metrics(
        times, values, [False, True, True, True, False], [Decimal(30), Decimal(-10), Decimal(-5)]
    )
    assert metrics.total_return_pct == pytest.approx(20.0)
    assert metrics.max_drawdown_pct == pytest.approx(10.0)  # 110 -> 99
    assert metrics.max_drawdown_bars == 3  # from the 110 peak to the recovery at 121
    assert metrics.trades == 3
    assert metrics.win_rate_pct == pytest.approx(100 / 3)
    assert metrics.profit_factor == pytest.approx(2.0)
    assert metrics.exposure_pct == pytest.approx(60.0)
    assert metrics.sharpe is not None and metrics.sortino is not None


def test_metrics_without_losses_or_moves_are_undefined_not_infinite() -> None:
    times = [datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
    metrics = compute_metrics(times, [100.0] * 4, [False] * 3, [])
    assert (metrics.sharpe, metrics.sortino, metrics.profit_factor, metrics.win_rate_pct) == (None,) * 4
    assert (metrics.max_drawdown_pct, metrics.max_drawdown_bars, metrics.exposure_pct) == (0.0, 0, 0.0)
