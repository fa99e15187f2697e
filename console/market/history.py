"""Deterministic historical bars for any symbol, timeframe and range, offline.

Backtests and strategy warm-up in sim mode need history that is (1) the same every run, (2) consistent
across requests (a sub-range is exactly the slice of a larger range; 5-minute bars are the resampled
1-minute bars; a daily bar is its day's minutes), and (3) joined to the live tape. The model is in
``history_paths``; this module turns its arrays into domain ``Bar`` objects.

Session rules: intraday bars exist only in NYSE regular hours (9:30-16:00 America/New_York) on trading
days; daily bars only on trading days, stamped at midnight New York time (see ``bars``). Intraday buckets
are aligned to the epoch in UTC, so the first hourly bar of a day covers 9:30-10:00 only.

The join with the live tape: ``price`` is the close of the anchor day (by default the session before
``HISTORY_ANCHOR``, Friday 2026-01-02), and ``SimMarket`` starts each symbol at ``history_close_at(start)``,
the close of the last history minute that ended at or before its start. Warm-up bars followed by live bars
therefore have no gap: the live tape continues from the last historical close. A start in the middle of a
minute falls inside a history bar that has not ended; ``SimMarket.bars`` does the join properly (history
minutes before the start's minute, live bars from it), so a venue should serve bars through it.

The anchor is fixed rather than "now" so that a backtest over a given range sees the same bars on every
run, whenever it is run; ``SimSymbol.price`` is therefore the price at the anchor, and a tape started
months later starts wherever the (mean-reverting) history has wandered by then.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from console.domain import Bar, Timeframe
from console.market.bars import daily_bar_timestamp
from console.market.calendar import NEW_YORK
from console.market.history_paths import MinutePaths, PathModel, anchor_day, minute_paths
from console.market.ticks import from_cents

HISTORY_ANCHOR = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)
"""Monday 2026-01-05 9:30 New York: the default anchor, and SimMarket's default start."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def sim_history(
    symbol: str,
    timeframe: Timeframe,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    price: Decimal,
    vol: float,
    anchor: datetime = HISTORY_ANCHOR,
) -> list[Bar]:
    """Simulated bars of ``symbol`` whose timestamps (bar starts) fall in [start, end), oldest first.

    Args:
        symbol: any ticker; it keys the random streams, so each symbol has its own history.
        timeframe: bar size; intraday bars cover regular hours only, daily bars trading days only.
        start: inclusive, timezone-aware.
        end: exclusive, timezone-aware.
        seed: the sim seed (``settings.sim.seed``).
        price: the close of the anchor day; the history mean-reverts slowly around it.
        vol: annualised volatility (per 252 regular sessions).
        anchor: the instant whose preceding session close is ``price``.

    Returns:
        The bars; the same arguments always give the same bars.

    Raises:
        ValueError: naive ``start``/``end``, or a non-positive ``price``/``vol``.
    """
    chunks = _paths_for(symbol, start, end, seed=seed, price=price, vol=vol, anchor=anchor)
    builder = _BarBuilder(symbol, timeframe, start, end)
    for paths in chunks:
        if timeframe is Timeframe.DAY_1:
            rows = _aggregate(paths, np.repeat(np.arange(len(paths.days)), paths.open.shape[1]))
            stamps = [daily_bar_timestamp(day) for day in paths.days.tolist()]
        else:
            minute_starts = paths.open_epoch_s[:, None] + 60 * np.arange(paths.open.shape[1])
            buckets = minute_starts.ravel() // timeframe.seconds
            rows = _aggregate(paths, buckets)
            stamps = [_EPOCH + timedelta(seconds=int(b) * timeframe.seconds) for b in np.unique(buckets)]
        builder.add(stamps, rows)
    return builder.bars


def history_close_at(
    symbol: str, ts: datetime, *, seed: int, price: Decimal, vol: float, anchor: datetime = HISTORY_ANCHOR
) -> Decimal:
    """The close of the last one-minute history bar that ended at or before ``ts``: where a live tape
    starting at ``ts`` must begin to continue the history without a jump.

    Raises:
        ValueError: naive ``ts``, or a non-positive ``price``/``vol``.
    """
    chunks = _paths_for(symbol, ts - timedelta(days=7), ts, seed=seed, price=price, vol=vol, anchor=anchor)
    last = None
    for paths in chunks:  # arrays only: no Bar objects for the thousands of minutes looked through
        minute_ends = paths.open_epoch_s[:, None] + 60 * np.arange(1, paths.close.shape[1] + 1)
        ended = paths.close[minute_ends <= ts.timestamp()]
        if len(ended):
            last = int(ended[-1])
    if last is None:
        raise AssertionError("unreachable: every week holds a trading day")
    return from_cents(last)


def _paths_for(
    symbol: str,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    price: Decimal,
    vol: float,
    anchor: datetime,
) -> Iterator[MinutePaths]:
    for name, ts in (("start", start), ("end", end), ("anchor", anchor)):
        if ts.tzinfo is None:
            raise ValueError(f"history {name} {ts.isoformat()} has no timezone")
    if price <= 0 or vol <= 0:
        raise ValueError(f"history of {symbol} needs a positive price and vol (got {price}, {vol})")
    if end <= start:
        return iter(())
    model = PathModel(symbol, seed, float(np.log(float(price))), vol, anchor_day(anchor))
    first = start.astimezone(NEW_YORK).date()
    last = (end - timedelta(microseconds=1)).astimezone(NEW_YORK).date()
    return minute_paths(model, first, last)


def _aggregate(paths: MinutePaths, buckets: np.ndarray) -> dict[str, np.ndarray]:
    """OHLCV per run of equal ``buckets`` over the flattened minutes (buckets never span two days)."""
    flat = {name: getattr(paths, name).ravel() for name in ("open", "high", "low", "close", "volume")}
    starts = np.flatnonzero(np.concatenate([[True], buckets[1:] != buckets[:-1]]))
    ends = np.concatenate([starts[1:], [len(buckets)]]) - 1
    volume = np.add.reduceat(flat["volume"], starts)
    notional = np.add.reduceat(paths.vwap_units.ravel() * flat["volume"], starts)
    return {
        "open": flat["open"][starts],
        "high": np.maximum.reduceat(flat["high"], starts),
        "low": np.minimum.reduceat(flat["low"], starts),
        "close": flat["close"][ends],
        "volume": volume,
        "vwap_units": _divide_half_even(notional, volume),
        "trades": np.add.reduceat(paths.trades.ravel(), starts),
    }


def _divide_half_even(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Integer division rounded half to even, as ``Decimal.quantize`` rounds (so ``resample`` agrees)."""
    quotient, remainder = np.divmod(numerator, denominator)
    twice = 2 * remainder
    up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    return quotient + up


class _BarBuilder:
    """Turns aggregated rows into ``Bar`` objects, sharing one ``Decimal`` per distinct price.

    Prices repeat thousands of times in a long history; converting each distinct cent value once (via
    numpy object-array indexing) is what keeps a year of one-minute bars well under a second.
    """

    def __init__(self, symbol: str, timeframe: Timeframe, start: datetime, end: datetime) -> None:
        self.symbol, self.timeframe, self.start, self.end = symbol, timeframe, start, end
        self.bars: list[Bar] = []

    def add(self, stamps: list[datetime], rows: dict[str, np.ndarray]) -> None:
        keep = [i for i, stamp in enumerate(stamps) if self.start <= stamp < self.end]
        if not keep:
            return
        index = np.array(keep)
        o, h, lo, c = _shared_decimals(
            np.stack([rows[name][index] for name in ("open", "high", "low", "close")])
        )
        columns = zip(
            [stamps[i] for i in keep],
            o,
            h,
            lo,
            c,
            rows["volume"][index].tolist(),
            rows["trades"][index].tolist(),
            rows["vwap_units"][index].tolist(),
            strict=True,
        )
        self.bars.extend(
            Bar(
                symbol=self.symbol,
                timeframe=self.timeframe,
                timestamp=stamp,
                open=o_,
                high=h_,
                low=l_,
                close=c_,
                volume=Decimal(v),
                trade_count=n,
                vwap=Decimal(w).scaleb(-4),
            )
            for stamp, o_, h_, l_, c_, v, n, w in columns
        )


def _shared_decimals(cents: np.ndarray) -> list[list[Decimal]]:
    """Rows of cents as rows of Decimals, one Decimal object per distinct value."""
    distinct, position = np.unique(cents, return_inverse=True)
    decimals = np.array([from_cents(c) for c in distinct.tolist()], dtype=object)
    return [decimals[row].tolist() for row in position.reshape(cents.shape)]
