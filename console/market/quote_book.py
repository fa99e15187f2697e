"""The latest quote and trade of every symbol, shared by the venue thread, the UI and the risk gate.

Why one small locked object: quotes arrive on the venue's thread at tens of thousands a second, while the
UI repaints from a snapshot on a timer and the risk gate asks for one symbol's NBBO; the writers must not
wait on the readers and nobody may see a half-updated row. Updates are O(1) under one lock; ``snapshot``
copies rows out, so readers never hold the lock while they paint.

Change and percent change are measured against the session open: the first trade of each New York day,
unless the broker sets it (``set_session_open``, e.g. from ``SimMarket.session_open_price`` or the previous
close), after which that symbol's open is the broker's to keep current. Volume is the day's traded size.
The sparkline keeps one last price a minute.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from console.domain import Quote, Trade
from console.market.calendar import NEW_YORK

SPARKLINE_POINTS = 120
"""Sparkline length: two hours of one-minute points."""
_SPARKLINE_BUCKET_S = 60
_PERCENT = Decimal(100)
_PCT_QUANTUM = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class QuoteBookRow:
    """One symbol's line on a quote board."""

    symbol: str
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    """Last trade price, or the mid when nothing has traded yet."""
    change: Decimal | None
    """``last`` minus the session open."""
    pct_change: Decimal | None
    """``change`` as a percentage of the session open, two decimals."""
    volume: Decimal
    sparkline: tuple[float, ...]
    """Last price at the end of each minute, oldest first (the current minute last)."""
    timestamp: datetime | None


@dataclass(slots=True)
class _Entry:
    quote: Quote | None = None
    trade: Trade | None = None
    session_open: Decimal | None = None
    explicit_open: bool = False
    session_day: date | None = None
    volume: Decimal = Decimal(0)
    spark: deque[float] = field(default_factory=lambda: deque(maxlen=SPARKLINE_POINTS))
    spark_bucket: int = -1


class QuoteBook:
    """Thread-safe latest Quote/Trade per symbol, with a board snapshot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._changed: set[str] = set()

    def update_quote(self, quote: Quote) -> None:
        """Record ``quote`` as the symbol's NBBO (an older quote than the one held is ignored)."""
        with self._lock:
            self._changed.add(quote.symbol)
            entry = self._entry(quote.symbol)
            if entry.quote is None or quote.timestamp >= entry.quote.timestamp:
                entry.quote = quote
                if entry.trade is None:
                    self._spark(entry, quote.timestamp, float(quote.mid))

    def update_trade(self, trade: Trade) -> None:
        """Record a print: last price, the day's volume, the sparkline; the day's first trade opens it."""
        with self._lock:
            self._changed.add(trade.symbol)
            entry = self._entry(trade.symbol)
            day = trade.timestamp.astimezone(NEW_YORK).date()
            if day != entry.session_day:
                if not entry.explicit_open:
                    entry.session_open = trade.price
                entry.session_day, entry.volume = day, Decimal(0)
            entry.volume += trade.size
            if entry.trade is None or trade.timestamp >= entry.trade.timestamp:
                entry.trade = trade
            self._spark(entry, trade.timestamp, float(trade.price))

    def set_session_open(self, symbol: str, price: Decimal) -> None:
        """Measure ``symbol``'s change from ``price`` (the broker's session open or previous close).

        From then on the first trade of a day no longer resets the open: call this again each session.
        """
        with self._lock:
            entry = self._entry(symbol)
            entry.session_open, entry.explicit_open = price, True

    def quote(self, symbol: str) -> Quote | None:
        """The latest NBBO of ``symbol``, or None."""
        with self._lock:
            entry = self._entries.get(symbol)
            return None if entry is None else entry.quote

    def last(self, symbol: str) -> Trade | None:
        """The latest trade of ``symbol``, or None."""
        with self._lock:
            entry = self._entries.get(symbol)
            return None if entry is None else entry.trade

    def snapshot(self) -> dict[str, QuoteBookRow]:
        """Every symbol's row, copied out under the lock."""
        with self._lock:
            return {symbol: _row(symbol, entry) for symbol, entry in self._entries.items()}

    def take_changed(self) -> dict[str, QuoteBookRow]:
        """Rows of the symbols updated since the last call: what a repaint needs, and no more.

        For one consumer (the UI's frame timer); a second caller would steal the first one's changes.
        """
        with self._lock:
            changed, self._changed = self._changed, set()
            return {symbol: _row(symbol, self._entries[symbol]) for symbol in changed}

    def _entry(self, symbol: str) -> _Entry:
        entry = self._entries.get(symbol)
        if entry is None:
            entry = self._entries[symbol] = _Entry()
        return entry

    @staticmethod
    def _spark(entry: _Entry, ts: datetime, price: float) -> None:
        bucket = int(ts.timestamp()) // _SPARKLINE_BUCKET_S
        if bucket == entry.spark_bucket:
            entry.spark[-1] = price
        elif bucket > entry.spark_bucket:
            entry.spark.append(price)
            entry.spark_bucket = bucket


def _row(symbol: str, entry: _Entry) -> QuoteBookRow:
    quote, trade = entry.quote, entry.trade
    last = trade.price if trade is not None else (quote.mid if quote is not None else None)
    change = pct = None
    if last is not None and entry.session_open:
        change = last - entry.session_open
        pct = (change / entry.session_open * _PERCENT).quantize(_PCT_QUANTUM)
    stamps = [event.timestamp for event in (quote, trade) if event is not None]
    return QuoteBookRow(
        symbol=symbol,
        bid=None if quote is None else quote.bid,
        ask=None if quote is None else quote.ask,
        last=last,
        change=change,
        pct_change=pct,
        volume=entry.volume,
        sparkline=tuple(entry.spark),
        timestamp=max(stamps) if stamps else None,
    )
