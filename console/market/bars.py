"""Bars from trades, and coarser bars from finer ones.

The sim tape, the emulator and the quote board all need the same bar rules, so they live here once:

* a bar's ``timestamp`` is its start; intraday buckets are aligned to the epoch in UTC (a 5-minute bar
  starts at :00, :05, ...; an hourly bar on the hour);
* a daily bar covers one New York calendar date and is stamped at midnight America/New_York, in UTC
  (Alpaca's convention: ``2026-01-05T05:00:00Z``), so ``bar.timestamp.date()`` is the trading date;
* a bucket with no trades has no bar;
* ``vwap`` is the volume-weighted average price, rounded to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from console.domain import Bar, Timeframe, Trade
from console.market.calendar import NEW_YORK

_VWAP_QUANTUM = Decimal("0.0001")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def daily_bar_timestamp(day: date) -> datetime:
    """The timestamp of the daily bar of ``day``: midnight America/New_York, in UTC."""
    return datetime.combine(day, datetime.min.time(), NEW_YORK).astimezone(UTC)


def bucket_start(ts: datetime, timeframe: Timeframe) -> datetime:
    """The start of the ``timeframe`` bucket holding the instant ``ts`` (UTC)."""
    if timeframe is Timeframe.DAY_1:
        return daily_bar_timestamp(ts.astimezone(NEW_YORK).date())
    seconds = timeframe.seconds
    elapsed = int((ts - _EPOCH).total_seconds() // seconds) * seconds
    return _EPOCH + timedelta(seconds=elapsed)


def bucket_end(start: datetime, timeframe: Timeframe) -> datetime:
    """The end (exclusive) of the bucket starting at ``start``: the next bucket's start."""
    if timeframe is Timeframe.DAY_1:
        return daily_bar_timestamp(start.astimezone(NEW_YORK).date() + timedelta(days=1))
    return start + timedelta(seconds=timeframe.seconds)


@dataclass(slots=True)
class _OpenBar:
    start: datetime
    end: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    notional: Decimal
    count: int


class BarAggregator:
    """Builds the bars of one symbol from its trades, in time order.

    Feed trades with ``add_trade`` (or the allocation-free ``add``) and the clock with ``advance``; each
    returns the bars completed by then. A trade older than the open bucket (a late print) is counted in
    ``late_trades`` and otherwise ignored: a bar once emitted never changes.
    """

    def __init__(self, symbol: str, timeframe: Timeframe = Timeframe.MINUTE_1) -> None:
        self.symbol = symbol
        self.timeframe = timeframe
        self.late_trades = 0
        self._bar: _OpenBar | None = None

    @property
    def current(self) -> Bar | None:
        """The bar still being built, or None when no trade has arrived in the open bucket."""
        return None if self._bar is None else self._to_bar(self._bar)

    def add_trade(self, trade: Trade) -> list[Bar]:
        """Add one trade; returns the bar it completed (a trade in a later bucket closes the open bar)."""
        done = self.add(trade.timestamp, trade.price, trade.size)
        return [] if done is None else [done]

    def add(self, ts: datetime, price: Decimal, size: Decimal) -> Bar | None:
        """Add one print at ``ts``; returns the bar this print completed, if any."""
        bar = self._bar
        if bar is not None and ts < bar.end:
            if ts < bar.start:
                self.late_trades += 1
                return None
            if price > bar.high:
                bar.high = price
            elif price < bar.low:
                bar.low = price
            bar.close = price
            bar.volume += size
            bar.notional += price * size
            bar.count += 1
            return None
        done = None if bar is None else self._to_bar(bar)
        start = bucket_start(ts, self.timeframe)
        end = bucket_end(start, self.timeframe)
        self._bar = _OpenBar(start, end, price, price, price, price, size, price * size, 1)
        return done

    def advance(self, now: datetime) -> list[Bar]:
        """Tell the aggregator the time is ``now``; returns the open bar if its bucket has ended."""
        bar = self._bar
        if bar is None or now < bar.end:
            return []
        self._bar = None
        return [self._to_bar(bar)]

    def pending_end(self) -> datetime | None:
        """When the open bar completes, or None when there is none."""
        return None if self._bar is None else self._bar.end

    def _to_bar(self, bar: _OpenBar) -> Bar:
        vwap = (bar.notional / bar.volume).quantize(_VWAP_QUANTUM) if bar.volume else None
        return Bar(
            symbol=self.symbol,
            timeframe=self.timeframe,
            timestamp=bar.start,
            open=bar.open,
            high=bar.high,
            low=bar.low,
            close=bar.close,
            volume=bar.volume,
            trade_count=bar.count,
            vwap=vwap,
        )


def resample(bars: Iterable[Bar], timeframe: Timeframe) -> list[Bar]:
    """Combine bars of one symbol into ``timeframe`` bars (open first, high max, low min, close last).

    Args:
        bars: bars of one symbol, oldest first, of a timeframe no coarser than ``timeframe``.
        timeframe: the target bar size.

    Returns:
        One bar per bucket that holds at least one input bar. ``vwap`` is the volume-weighted average of
        the inputs' vwap when all of them have one, else None.

    Raises:
        ValueError: mixed symbols, a coarser input timeframe, or bars out of order.
    """
    groups: list[list[Bar]] = []
    current_start: datetime | None = None
    previous: Bar | None = None
    for bar in bars:
        _check_resample_input(previous, bar, timeframe)
        start = bucket_start(bar.timestamp, timeframe)
        if start != current_start:
            groups.append([])
            current_start = start
        groups[-1].append(bar)
        previous = bar
    return [_merge(group, timeframe) for group in groups]


def _check_resample_input(previous: Bar | None, bar: Bar, timeframe: Timeframe) -> None:
    if bar.timeframe.seconds > timeframe.seconds:
        raise ValueError(f"cannot resample {bar.timeframe} bars into finer {timeframe} bars")
    if previous is None:
        return
    if bar.symbol != previous.symbol:
        raise ValueError(f"cannot resample bars of two symbols together ({previous.symbol}, {bar.symbol})")
    if bar.timestamp <= previous.timestamp:
        raise ValueError(f"bars out of order at {bar.timestamp.isoformat()}: resample needs oldest first")


def _merge(group: Sequence[Bar], timeframe: Timeframe) -> Bar:
    first, last = group[0], group[-1]
    volume = sum((bar.volume for bar in group), Decimal(0))
    vwap = None
    if volume and all(bar.vwap is not None for bar in group):
        notional = sum((bar.vwap * bar.volume for bar in group if bar.vwap is not None), Decimal(0))
        vwap = (notional / volume).quantize(_VWAP_QUANTUM)
    return Bar(
        symbol=first.symbol,
        timeframe=timeframe,
        timestamp=bucket_start(first.timestamp, timeframe),
        open=first.open,
        high=max(bar.high for bar in group),
        low=min(bar.low for bar in group),
        close=last.close,
        volume=volume,
        trade_count=sum(bar.trade_count for bar in group),
        vwap=vwap,
    )
