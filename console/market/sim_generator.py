"""The simulated tape: NBBO quotes, trades and one-minute bars for any set of symbols, deterministically.

``SimMarket`` is the price source of the sim venue (the sim broker matches orders against it, the emulator
serves it). It is stepped by a clock (``SimClock`` live, the test directly), and each step returns every
event in time order, so a venue can replay it to its subscribers in one pass.

Determinism: the same settings (seed), the same start and the same steps give the same tape. Each symbol
draws from its own streams keyed by (seed, symbol) (``sim_ticks``), so adding a symbol never changes
another's; and since each tick draws a fixed amount, cutting the same time span into different steps gives
the same tape too.

Joined to history: a symbol starts at ``history_close_at(start)``, the last one-minute close of
``sim_history`` before the start, so warm-up bars from ``sim_history`` run straight into the live tape;
``bars`` returns that joined series (history before the start, recorded live bars after).

When ``sim.calendar`` is ``nyse`` the tape is silent outside regular hours and resumes where it stopped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from console.domain import Bar, Quote, Timeframe, Trade
from console.market.bars import BarAggregator, bucket_start, resample
from console.market.calendar import NEW_YORK, open_intervals
from console.market.history import HISTORY_ANCHOR, history_close_at, sim_history
from console.market.noise import stable_key
from console.market.sim_ticks import SymbolProcess, TickRow
from console.market.ticks import from_cents
from console.settings_schema import SimSettings

DEFAULT_START = HISTORY_ANCHOR
"""Where a market starts when no start is given (tests): Monday 2026-01-05 9:30 New York."""
LIVE_BARS_KEPT = 7 * 24 * 60
"""One-minute live bars kept per symbol for ``bars`` (a week of an always-open tape)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MIN_NAMED_PRICE, _MAX_NAMED_PRICE = 20.0, 500.0
_DECIMAL_CACHE_LIMIT = 200_000
_MINUTE_US = 60_000_000
_BAR, _QUOTE, _TRADE = 0, 1, 2
"""Sort order of events at the same microsecond: a bar completed then comes first, a trade after its quote."""

Event = Quote | Trade | Bar


def _to_us(ts: datetime) -> int:
    return (ts - _EPOCH) // _MICROSECOND


def _to_datetime(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class _Symbol:
    """One symbol's process plus what the market remembers about it."""

    def __init__(self, process: SymbolProcess, start_price: Decimal, start_us: int) -> None:
        self.process = process
        self.live_from = _to_datetime(start_us)
        self.bars = BarAggregator(process.symbol)
        self.live_bars: deque[Bar] = deque(maxlen=LIVE_BARS_KEPT)
        self.last_quote: Quote | None = None
        self.last_price = start_price
        self.session_open = start_price
        self.next_session_us = _next_new_york_midnight_us(start_us)


def _next_new_york_midnight_us(us: int) -> int:
    local = _to_datetime(us).astimezone(NEW_YORK)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), NEW_YORK)
    return _to_us(midnight.astimezone(UTC))


class SimMarket:
    """Deterministic simulated tape. Not thread-safe: one venue thread owns it."""

    def __init__(
        self, settings: SimSettings, symbols: Iterable[str] = (), *, start: datetime | None = None
    ) -> None:
        """Create a market at ``start`` (default ``DEFAULT_START``) with ``symbols`` added.

        Raises:
            ValueError: ``start`` is naive.
        """
        start = DEFAULT_START if start is None else start
        if start.tzinfo is None:
            raise ValueError(f"market start {start.isoformat()} has no timezone")
        self._settings = settings
        self._start = start.astimezone(UTC)
        self._now_us = _to_us(self._start)
        self._symbols: dict[str, _Symbol] = {}
        self._decimals: dict[int, Decimal] = {}
        self._sizes: dict[int, Decimal] = {}
        for symbol in symbols:
            self.add_symbol(symbol)

    @property
    def now(self) -> datetime:
        """The market's clock."""
        return _to_datetime(self._now_us)

    @property
    def start(self) -> datetime:
        """When the live tape began; before it, ``bars`` comes from ``sim_history``."""
        return self._start

    @property
    def symbols(self) -> tuple[str, ...]:
        """Symbols on the tape, in the order they were added."""
        return tuple(self._symbols)

    def symbol_params(self, symbol: str) -> tuple[Decimal, float]:
        """The configured (or name-derived) price and vol of ``symbol``: its ``sim_history`` arguments."""
        configured = self._settings.symbols.get(symbol)
        if configured is not None:
            return configured.price, configured.vol
        u = stable_key(symbol, "price") / 2.0**64  # the name alone: a ticker looks alike under any seed
        price = _MIN_NAMED_PRICE * (_MAX_NAMED_PRICE / _MIN_NAMED_PRICE) ** u
        return Decimal(round(price, 2)).quantize(Decimal("0.01")), self._settings.default_vol

    def add_symbol(self, symbol: str) -> None:
        """Put ``symbol`` on the tape now (idempotent), at the close of its last history minute."""
        if symbol in self._symbols:
            return
        price, vol = self.symbol_params(symbol)
        seed = self._settings.seed
        start_price = history_close_at(symbol, self.now, seed=seed, price=price, vol=vol)
        process = SymbolProcess(symbol, seed, float(start_price), vol, self._now_us)
        self._symbols[symbol] = _Symbol(process, start_price, self._now_us)

    def step(self, seconds: float) -> list[Event]:
        """Advance the clock by ``seconds`` and return what happened, in time order.

        Quotes and trades carry their tick's timestamp (a trade follows its quote); a one-minute ``Bar``
        (stamped with its start) appears at the moment it completed, before anything later.

        Raises:
            ValueError: ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError(f"cannot step the market back in time ({seconds} s)")
        end_us = self._now_us + round(seconds * 1e6)
        windows = self._open_windows(self._now_us, end_us)
        keys: list[int] = []
        events: list[Event] = []
        for state in self._symbols.values():
            times = [us for lo, hi in windows for us in state.process.tick_times(lo, hi)]
            if times:
                self._append_ticks(state, times, events, keys)
            for bar in state.bars.advance(_to_datetime(end_us)):
                self._append_bar(state, bar, events, keys)
        self._now_us = end_us
        # A stable sort on (time, kind) keeps symbols in the order they were added on ties.
        order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
        return [events[i] for i in order.tolist()]

    def last_quote(self, symbol: str) -> Quote | None:
        """The latest NBBO of ``symbol``, or None before its first tick (or for an unknown symbol)."""
        state = self._symbols.get(symbol)
        return None if state is None else state.last_quote

    def last_price(self, symbol: str) -> Decimal | None:
        """The latest trade price of ``symbol`` (its start price before any trade); None if unknown."""
        state = self._symbols.get(symbol)
        return None if state is None else state.last_price

    def volatility(self, symbol: str) -> float:
        """The current instantaneous annualised volatility of ``symbol``.

        Raises:
            KeyError: ``symbol`` is not on the tape.
        """
        return self._symbols[symbol].process.volatility

    def session_open_price(self, symbol: str) -> Decimal | None:
        """The first mid of the current New York day (the start price on the first day); None if unknown."""
        state = self._symbols.get(symbol)
        return None if state is None else state.session_open

    def bars(self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime) -> list[Bar]:
        """Bars in [start, end): ``sim_history`` before the symbol went live, recorded live bars after.

        The join is at the minute the symbol went live: history minutes before it, live minutes from it
        (the live tape starts at the close of the last history minute). A bucket holding the join mixes
        both. Live bars older than ``LIVE_BARS_KEPT`` minutes are forgotten. ``symbol`` need not be on the
        tape (then it is all history).
        """
        price, vol = self.symbol_params(symbol)
        seed = self._settings.seed

        def history(tf: Timeframe, lo: datetime, hi: datetime) -> list[Bar]:
            return sim_history(symbol, tf, lo, hi, seed=seed, price=price, vol=vol)

        state = self._symbols.get(symbol)
        if state is None:
            return history(timeframe, start, end)
        live_from = bucket_start(state.live_from, Timeframe.MINUTE_1)
        if end <= live_from:
            return history(timeframe, start, end)
        join = bucket_start(live_from, timeframe)
        before = history(timeframe, start, min(join, end)) if start < join else []
        minutes = history(Timeframe.MINUTE_1, join, live_from) if join < live_from else []
        minutes += [bar for bar in state.live_bars if bar.timestamp < end]
        after = [bar for bar in resample(minutes, timeframe) if start <= bar.timestamp < end]
        return before + after

    def _open_windows(self, now_us: int, end_us: int) -> list[tuple[int, int]]:
        """Inclusive microsecond windows of (now, end] when the market is open."""
        if end_us <= now_us:
            return []
        lo_dt, hi_dt = _to_datetime(now_us + 1), _to_datetime(end_us + 1)
        return [(_to_us(a), _to_us(b) - 1) for a, b in open_intervals(lo_dt, hi_dt, self._settings.calendar)]

    def _append_ticks(self, state: _Symbol, times: list[int], events: list[Event], keys: list[int]) -> None:
        """Append one symbol's quotes, trades and the bars its trades completed, with their sort keys."""
        # Quote(...) validates and was measured faster than Quote.model_construct on pydantic 2.14
        # (1.5 us against 2.2 us), so the hot path keeps validation.
        symbol, price, size, aggregator = state.process.symbol, self._price, self._size, state.bars
        rows = state.process.take(len(times))
        self._roll_sessions(state, times, rows)
        quote = None
        for us, (bid, ask, bid_size, ask_size, trade_cents, trade_size) in zip(times, rows, strict=True):
            ts = _EPOCH + timedelta(microseconds=us)
            quote = Quote(
                symbol=symbol,
                bid=price(bid),
                ask=price(ask),
                bid_size=size(bid_size),
                ask_size=size(ask_size),
                timestamp=ts,
            )
            events.append(quote)
            keys.append(us * 4 + _QUOTE)
            if trade_cents:
                trade_price, shares = price(trade_cents), size(trade_size)
                done = aggregator.add(ts, trade_price, shares)
                if done is not None:
                    self._append_bar(state, done, events, keys)
                events.append(Trade(symbol=symbol, price=trade_price, size=shares, timestamp=ts))
                keys.append(us * 4 + _TRADE)
                state.last_price = trade_price
        state.last_quote = quote

    @staticmethod
    def _append_bar(state: _Symbol, bar: Bar, events: list[Event], keys: list[int]) -> None:
        state.live_bars.append(bar)
        events.append(bar)
        keys.append((_to_us(bar.timestamp) + _MINUTE_US) * 4 + _BAR)

    def _roll_sessions(self, state: _Symbol, times: list[int], rows: list[TickRow]) -> None:
        """Record the first mid of each new New York day among these ticks as the session open."""
        while times[-1] >= state.next_session_us:
            i = bisect_left(times, state.next_session_us)
            state.session_open = self._price((rows[i][0] + rows[i][1]) // 2)
            state.next_session_us = _next_new_york_midnight_us(times[i])

    def _price(self, cents: int) -> Decimal:
        """One shared Decimal per cent value: prices repeat, and the cache halves the cost of a quote."""
        value = self._decimals.get(cents)
        if value is None:
            if len(self._decimals) > _DECIMAL_CACHE_LIMIT:
                self._decimals.clear()
            value = self._decimals[cents] = from_cents(cents)
        return value

    def _size(self, shares: int) -> Decimal:
        value = self._sizes.get(shares)
        if value is None:
            value = self._sizes[shares] = Decimal(shares)
        return value
