"""``SessionFeed``: a live Backtrader data feed of warm-up history, then the session's live bars.

Why it looks like this (the old Backtrader-Alpaca bridge's failures, avoided):

- no connection per feed: the feed asks the session to subscribe (idempotent) and listens on the bus, so
  one market-data subscription serves every strategy;
- ``next()`` runs once per bar of the strategy's timeframe, not once a second: 1-minute bars from the bus
  are resampled here and a bar is delivered only when its bucket is complete;
- no busy-wait: ``_load`` blocks on a ``queue.Queue`` with a short timeout and returns None when nothing
  came, so Cerebro's live loop still delivers order notifications between bars;
- no gap and no duplicate at the join: the feed subscribes *before* it reads history, then drops any live
  bar stamped at or before the last warm-up bar.
"""

from __future__ import annotations

import logging
import queue
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import backtrader as bt

from console.bus import Subscription
from console.domain import Bar, Timeframe
from console.market.bars import bucket_end, bucket_start, resample
from console.session import Session

log = logging.getLogger(__name__)

_END = object()
"""Put on the queue to end the feed (the runner stops a strategy)."""


def bt_timeframe(timeframe: Timeframe) -> tuple[int, int]:
    """Backtrader's (timeframe, compression) for a console timeframe."""
    if timeframe is Timeframe.DAY_1:
        return bt.TimeFrame.Days, 1
    return bt.TimeFrame.Minutes, timeframe.seconds // 60


class SessionFeed(bt.feed.DataBase):
    """Warm-up bars from ``session.broker.bars``, then live bars from the bus, for one symbol.

    Params (Backtrader style, as keywords): ``session``; ``symbol``; ``bar_timeframe`` (a ``Timeframe``);
    ``warmup`` (how many history bars to replay first); ``now`` (a callable giving the venue's time, for
    the end of the history window); ``poll_s`` (how long ``_load`` waits for a bar before returning None);
    ``on_live`` (called once on the strategy thread when the warm-up is over).
    """

    params = (
        ("session", None),
        ("symbol", ""),
        ("bar_timeframe", Timeframe.MINUTE_1),
        ("warmup", 50),
        ("now", None),
        ("poll_s", 0.05),
        ("on_live", None),
    )

    def __init__(self) -> None:
        timeframe, compression = bt_timeframe(self.p.bar_timeframe)
        self.p.timeframe, self.p.compression = timeframe, compression
        self._timeframe, self._compression = timeframe, compression
        self._queue: queue.Queue[object] = queue.Queue()
        self._history: deque[Bar] = deque()
        self._pending: list[Bar] = []
        self._ready: deque[Bar] = deque()
        self._last_stamp: datetime | None = None
        self._subscription: Subscription | None = None
        self._live = False

    def islive(self) -> bool:
        return True

    def haslivedata(self) -> bool:
        return bool(self._history or self._ready) or not self._queue.empty()

    def start(self) -> None:
        super().start()
        session: Session = self.p.session
        # Subscribe before reading history: a bar that completes in between is queued, not lost.
        self._subscription = session.bus.subscribe(Bar, self._on_bar)
        session.subscribe([self.p.symbol])
        self._history.extend(self._warmup_bars(session))
        if self._history:
            self._last_stamp = self._history[-1].timestamp
        self.put_notification(self.DELAYED)

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None
        super().stop()

    def end(self) -> None:
        """Make the feed end (thread-safe): Cerebro's loop then finishes."""
        self._queue.put(_END)

    def _warmup_bars(self, session: Session) -> list[Bar]:
        if self.p.warmup <= 0:
            return []
        now_fn: Callable[[], datetime] | None = self.p.now
        now = now_fn() if now_fn is not None else datetime.now().astimezone()
        timeframe: Timeframe = self.p.bar_timeframe
        span = timedelta(seconds=timeframe.seconds * self.p.warmup * 3)
        end = bucket_start(now, timeframe)  # the bucket still filling is not history yet
        bars = list(session.broker.bars(self.p.symbol, timeframe, end - span, end))
        return bars[-self.p.warmup :]

    def _on_bar(self, bar: Bar) -> None:
        """Bus handler (broker thread): only enqueue."""
        if bar.symbol == self.p.symbol:
            self._queue.put(bar)

    def _load(self) -> bool | None:
        if self._history:
            self._fill(self._history.popleft())
            return True
        if not self._live:
            self._live = True
            self.put_notification(self.LIVE)
            on_live: Callable[[], None] | None = self.p.on_live
            if on_live is not None:
                on_live()
        while not self._ready:
            try:
                item = self._queue.get(timeout=self.p.poll_s)
            except queue.Empty:
                return None
            if item is _END:
                return False
            if isinstance(item, Bar):
                self._accept(item)
        self._fill(self._ready.popleft())
        return True

    def _accept(self, bar: Bar) -> None:
        """Take a live bar; queue every bar of the feed's timeframe it completes."""
        if self._last_stamp is not None and bar.timestamp <= self._last_stamp:
            return  # already delivered by the warm-up (or a duplicate)
        timeframe: Timeframe = self.p.bar_timeframe
        if bar.timeframe is timeframe:
            self._deliver(bar)
            return
        start = bucket_start(bar.timestamp, timeframe)
        if self._pending and bucket_start(self._pending[0].timestamp, timeframe) != start:
            self._flush_pending()  # a bucket with missing minutes (a halt, the close): deliver what it has
        self._pending.append(bar)
        if bar.timestamp + timedelta(seconds=bar.timeframe.seconds) >= bucket_end(start, timeframe):
            self._flush_pending()

    def _flush_pending(self) -> None:
        (merged,) = resample(self._pending, self.p.bar_timeframe)
        self._pending.clear()
        self._deliver(merged)

    def _deliver(self, bar: Bar) -> None:
        self._last_stamp = bar.timestamp
        self._ready.append(bar)

    def _fill(self, bar: Bar) -> None:
        lines: Any = self.lines
        lines.datetime[0] = bt.date2num(bar.timestamp.replace(tzinfo=None))
        lines.open[0] = float(bar.open)
        lines.high[0] = float(bar.high)
        lines.low[0] = float(bar.low)
        lines.close[0] = float(bar.close)
        lines.volume[0] = float(bar.volume)
        lines.openinterest[0] = 0.0
