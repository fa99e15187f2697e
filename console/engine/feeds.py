"""A Backtrader data feed backed by lists of floats built from domain ``Bar`` objects.

Backtrader wants floats and its own date numbers; the console speaks ``Decimal`` and UTC datetimes. This
module is the one place the two meet: ``bars_to_feed`` converts once, up front, and the feed then hands
Backtrader one precomputed row per ``_load`` call, which is cheaper than Backtrader's own CSV parsing and
needs no pandas.

Bar times follow Backtrader's conventions so a backtest here matches one on Backtrader's CSV feeds: a
daily bar is stamped with its New York date at the session end (23:59:59.999990), an intraday bar with
its *end* time in naive UTC. ``BarsFeed.stamps`` maps each Backtrader date number back to the bar's own
(start) timestamp, so results can be reported in domain terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

import backtrader as bt

from console.domain import Bar, Timeframe
from console.market.calendar import NEW_YORK

SESSION_END = time(23, 59, 59, 999990)
"""Backtrader's default session end: the time its CSV feeds give a daily bar."""

_FRAMES = {
    Timeframe.MINUTE_1: (bt.TimeFrame.Minutes, 1),
    Timeframe.MINUTE_5: (bt.TimeFrame.Minutes, 5),
    Timeframe.MINUTE_15: (bt.TimeFrame.Minutes, 15),
    Timeframe.MINUTE_30: (bt.TimeFrame.Minutes, 30),
    Timeframe.HOUR_1: (bt.TimeFrame.Minutes, 60),
    Timeframe.DAY_1: (bt.TimeFrame.Days, 1),
}


class BarsFeed(bt.feed.DataBase):
    """Serves precomputed rows ``(dtnum, open, high, low, close, volume)``; build it with ``bars_to_feed``."""

    params = (("rows", ()), ("stamps", None))

    def start(self) -> None:
        super().start()
        self._rows: Sequence[tuple[float, ...]] = self.p.rows
        self._next = 0
        self.stamps: dict[float, datetime] = self.p.stamps or {}

    def _load(self) -> bool:
        if self._next >= len(self._rows):
            return False
        dtnum, o, h, low, c, v = self._rows[self._next]
        self._next += 1
        lines = self.lines
        lines.datetime[0] = dtnum
        lines.open[0] = o
        lines.high[0] = h
        lines.low[0] = low
        lines.close[0] = c
        lines.volume[0] = v
        lines.openinterest[0] = 0.0
        return True


def backtrader_time(bar: Bar) -> datetime:
    """The naive datetime Backtrader's CSV feeds would give ``bar`` (see the module docstring)."""
    if bar.timeframe is Timeframe.DAY_1:
        return datetime.combine(bar.timestamp.astimezone(NEW_YORK).date(), SESSION_END)
    end = bar.timestamp + timedelta(seconds=bar.timeframe.seconds)
    return end.astimezone(UTC).replace(tzinfo=None)


def bars_to_feed(bars: Sequence[Bar], name: str) -> BarsFeed:
    """A Backtrader feed of ``bars`` (oldest first, one symbol and timeframe) named ``name``.

    Raises:
        ValueError: ``bars`` is empty or mixes timeframes.
    """
    if not bars:
        raise ValueError(f"no bars for {name}")
    timeframe = bars[0].timeframe
    if any(bar.timeframe is not timeframe for bar in bars):
        raise ValueError(f"the bars of {name} mix timeframes")
    rows: list[tuple[float, ...]] = []
    stamps: dict[float, datetime] = {}
    date2num = bt.date2num
    for bar in bars:
        dtnum = date2num(backtrader_time(bar))
        stamps[dtnum] = bar.timestamp
        rows.append(
            (dtnum, float(bar.open), float(bar.high), float(bar.low), float(bar.close), float(bar.volume))
        )
    frame, compression = _FRAMES[timeframe]
    kwargs: dict[str, Any] = {"rows": rows, "stamps": stamps, "name": name}
    return BarsFeed(timeframe=frame, compression=compression, **kwargs)
