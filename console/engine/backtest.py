"""Run a strategy over historical bars with Backtrader's own broker, and report in domain terms.

The point is trust: a backtest here must give exactly what the same strategy gives under a plain
``bt.Cerebro`` on the same bars (the tests check it to the cent). So Backtrader's ``BackBroker`` fills the
orders (zero commission by default, as at Alpaca), the data goes in through ``feeds.bars_to_feed``, and
the only addition is one recording analyzer; ``stdstats`` is off because observers only slow the run.
Floats stay inside Backtrader; results come out as ``Decimal`` money and UTC times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import backtrader as bt

from console.domain import Bar, Timeframe
from console.engine.backtest_metrics import BacktestMetrics, compute_metrics
from console.engine.feeds import bars_to_feed

_CENT = Decimal("0.01")


class BacktestError(ValueError):
    """A backtest that cannot run (no bars) or whose strategy raised; the message is one sentence."""


@dataclass(frozen=True)
class BacktestTrade:
    """One closed round trip. Times are the starts of the bars that filled the entry and the exit;
    ``exit_price`` is the average price that realised ``pnl`` (entry + pnl / size)."""

    symbol: str
    side: str
    size: Decimal
    entry_time: datetime
    exit_time: datetime
    entry_price: Decimal
    exit_price: Decimal
    pnl: Decimal


@dataclass(frozen=True)
class BacktestResult:
    """What a backtest produced: the summary, the trades and the equity curve (for a plot)."""

    strategy: str
    symbols: tuple[str, ...]
    timeframe: Timeframe
    cash: Decimal
    final_value: Decimal
    metrics: BacktestMetrics
    trades: tuple[BacktestTrade, ...]
    equity_times: tuple[datetime, ...]
    equity_values: tuple[float, ...]
    last_signal: str | None


class _Recorder(bt.Analyzer):
    """Records the portfolio value and whether a position is open after every bar, and each trade."""

    def start(self) -> None:
        self.times: list[float] = []
        self.values: list[float] = []
        self.in_market: list[bool] = []
        self.opened: dict[int, tuple[float, float]] = {}
        self.closed: list[tuple[str, float, float, float, float, float]] = []

    def next(self) -> None:
        strategy = self.strategy
        self.times.append(strategy.datetime[0])
        self.values.append(strategy.broker.getvalue())
        self.in_market.append(any(strategy.getposition(data).size for data in strategy.datas))

    def notify_trade(self, trade: bt.Trade) -> None:
        if trade.isclosed:
            size, price = self.opened.pop(trade.ref, (trade.size, trade.price))
            self.closed.append((trade.data._name, trade.dtopen, trade.dtclose, size, price, trade.pnl))
        elif trade.justopened:
            self.opened[trade.ref] = (trade.size, trade.price)


def run_backtest(
    strategy: type,
    bars: Mapping[str, Sequence[Bar]],
    *,
    cash: Decimal,
    params: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> BacktestResult:
    """Run ``strategy`` on ``bars`` (symbol -> bars of one timeframe, oldest first).

    Args:
        strategy: a ``bt.Strategy`` subclass.
        bars: the bars of each symbol; one Backtrader feed each, in this order.
        cash: starting cash.
        params: keyword params for the strategy (validated by the caller, see ``registry``).
        name: the strategy's name in the result (default: the class name).

    Returns:
        The result.

    Raises:
        BacktestError: a symbol has no bars, or the strategy raised while running.
    """
    empty = [symbol for symbol, rows in bars.items() if not rows]
    if not bars or empty:
        raise BacktestError(f"no bars to backtest for {', '.join(empty) or 'any symbol'}")
    cerebro = bt.Cerebro(stdstats=False)
    feeds = [bars_to_feed(rows, symbol) for symbol, rows in bars.items()]
    for feed in feeds:
        cerebro.adddata(feed)
    cerebro.broker.setcash(float(cash))
    cerebro.addstrategy(strategy, **dict(params or {}))
    cerebro.addanalyzer(_Recorder, _name="recorder")
    label = name or strategy.__name__
    try:
        ran = cerebro.run()[0]
    except Exception as error:  # a strategy bug must reach the user as a sentence, not a traceback
        raise BacktestError(f"strategy {label} failed: {type(error).__name__}: {error}") from error
    stamps: dict[float, datetime] = {}
    for feed in feeds:
        stamps.update(feed.stamps)
    recorder: _Recorder = ran.analyzers.recorder
    trades = tuple(_trade(row, stamps) for row in recorder.closed)
    times = [_when(num, stamps) for num in recorder.times]
    values = [float(cash), *recorder.values]
    return BacktestResult(
        strategy=label,
        symbols=tuple(bars),
        timeframe=next(iter(bars.values()))[0].timeframe,
        cash=cash,
        final_value=money(cerebro.broker.getvalue()),
        metrics=compute_metrics(times, values, recorder.in_market, [t.pnl for t in trades]),
        trades=trades,
        equity_times=tuple(times),
        equity_values=tuple(values[1:]),
        last_signal=getattr(ran, "signal", None),
    )


def money(value: float) -> Decimal:
    """A Backtrader float amount as Decimal cents, rounded as ``round(value, 2)`` rounds."""
    return Decimal(repr(round(value, 2))).quantize(_CENT)


def _when(num: float, stamps: Mapping[float, datetime]) -> datetime:
    found = stamps.get(num)
    return found if found is not None else bt.num2date(num).replace(tzinfo=UTC)


def _trade(
    row: tuple[str, float, float, float, float, float], stamps: Mapping[float, datetime]
) -> BacktestTrade:
    symbol, opened, closed, size, price, pnl = row
    exit_price = price + pnl / size if size else price
    return BacktestTrade(
        symbol=symbol,
        side="long" if size > 0 else "short",
        size=Decimal(repr(abs(size))),
        entry_time=_when(opened, stamps),
        exit_time=_when(closed, stamps),
        entry_price=money(price),
        exit_price=money(exit_price),
        pnl=money(pnl),
    )
