"""The price paths behind ``sim_history``, as numpy arrays (no domain objects here).

The model, chosen so that any range of any timeframe can be generated on its own and agrees exactly with
every other request:

* **Daily closes** follow a slowly mean-reverting log-price (an AR(1) on trading days, mean reversion
  0.5 a year) around ``log(price)``, pinned to exactly ``price`` at the close of the *anchor day* (the last
  session that closed at or before the anchor instant). From the anchor the recursion runs forward and
  backward one trading day at a time, always from the same starting point, so a day's close is the same
  number whichever range asked for it. Mean reversion keeps a symbol within sight of its configured price
  for decades instead of drifting to cents or thousands.
* **Intraday**: each trading day has an overnight gap (20% of the daily variance) and then 390 one-minute
  steps, a Brownian bridge from that open to the day's close; each minute gets a high/low excursion and a
  volume on a U-shaped intraday profile. Everything in a day is drawn from counter-based noise keyed by
  (seed, symbol) and the calendar date, so a day never depends on any other day's draws.

Volatility is per trading year of regular-session time (252 sessions of 6.5 hours), the convention the
live tape uses too, so the daily log-return standard deviation is ``vol / sqrt(252)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from scipy.signal import lfilter
from scipy.special import ndtri

from console.market.calendar import SESSION_MINUTES, is_trading_day, session_bounds, trading_days
from console.market.noise import random_bits, stable_key, uniforms

TRADING_DAYS_PER_YEAR = 252
MEAN_REVERSION_PER_YEAR = 0.5
OVERNIGHT_SHARE = 0.2
"""Share of a day's variance that happens between the previous close and the open."""
_DAY_STRIDE = 512
"""Counters per calendar day in the minute stream: one per minute, then the overnight gap."""
_EXCURSION = 0.6
"""High/low excursion beyond the open/close range, in minute standard deviations."""
_AVG_TRADE_SIZE = 150
_U_SHAPE = 1.0 + 3.0 * np.linspace(-1.0, 1.0, SESSION_MINUTES) ** 4
_VOLUME_PROFILE = _U_SHAPE / _U_SHAPE.sum()


@dataclass(frozen=True, slots=True)
class PathModel:
    """Everything that determines one symbol's history."""

    symbol: str
    seed: int
    log_price: float
    vol: float
    anchor_day: date

    @property
    def daily_key(self) -> int:
        return stable_key(self.seed, self.symbol, "history-daily")

    @property
    def minute_key(self) -> int:
        return stable_key(self.seed, self.symbol, "history-minute")

    @property
    def daily_volume(self) -> float:
        """Typical shares a day: 300 thousand to 10 million, fixed per (seed, symbol)."""
        u = uniforms(stable_key(self.seed, self.symbol, "history-volume"), np.zeros(1))[0]
        return float(10 ** (5.5 + 1.5 * u))


def anchor_day(anchor: datetime) -> date:
    """The last trading day whose session closed at or before ``anchor``."""
    day = anchor.date() + timedelta(days=1)
    while True:
        day -= timedelta(days=1)
        if is_trading_day(day) and session_bounds(day)[1] <= anchor:
            return day


def daily_log_closes(model: PathModel, first: date, last: date) -> tuple[np.ndarray, np.ndarray]:
    """Trading days in [first, last] and their log closes.

    Returns:
        ``(days, log_closes)``: a ``datetime64[D]`` array and a float array of the same length.
    """
    lo, hi = min(first, model.anchor_day), max(last, model.anchor_day)
    days = trading_days(lo, hi)
    pin = int(np.searchsorted(days, np.datetime64(model.anchor_day, "D")))
    eps = ndtri(uniforms(model.daily_key, days.astype(np.int64)))
    k = MEAN_REVERSION_PER_YEAR / TRADING_DAYS_PER_YEAR
    a = np.exp(-k)
    b = model.vol / np.sqrt(TRADING_DAYS_PER_YEAR) * np.sqrt((1.0 - a * a) / (2.0 * k))
    offsets = np.empty(len(days))
    offsets[pin] = 0.0
    offsets[pin + 1 :] = lfilter([b], [1.0, -a], eps[pin + 1 :])
    # Backward from the pin: the close before day i is a * x_i - b * eps_i (the same process reversed).
    offsets[:pin] = lfilter([b], [1.0, -a], -eps[pin:0:-1])[::-1]
    keep = (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))
    return days[keep], model.log_price + offsets[keep]


@dataclass(frozen=True, slots=True)
class MinutePaths:
    """One row per trading day, one column per regular-session minute; prices in integer cents."""

    days: np.ndarray
    """``datetime64[D]`` trading days."""
    open_epoch_s: np.ndarray
    """Session open of each day, seconds since the epoch (UTC)."""
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    vwap_units: np.ndarray
    """VWAP in units of $0.0001 (exact: the mean of open, high, low and close)."""
    trades: np.ndarray


def minute_paths(
    model: PathModel, first: date, last: date, *, chunk_days: int = 128
) -> Iterator[MinutePaths]:
    """The one-minute paths of every trading day in [first, last], ``chunk_days`` days at a time.

    Chunks keep the working arrays small enough to stay in cache: generating twenty years in one piece
    is several times slower than in chunks, all of it spent faulting in fresh memory.
    """
    days, closes = daily_log_closes(model, first - timedelta(days=10), last)
    previous = np.concatenate([[model.log_price], closes[:-1]])
    begin = int(np.searchsorted(days, np.datetime64(first, "D")))
    for lo in range(begin, len(days), chunk_days):
        hi = min(lo + chunk_days, len(days))
        yield _day_paths(model, days[lo:hi], previous[lo:hi], closes[lo:hi])


def _day_paths(model: PathModel, days: np.ndarray, previous: np.ndarray, closes: np.ndarray) -> MinutePaths:
    counters = days.astype(np.uint64)[:, None] * np.uint64(_DAY_STRIDE) + np.arange(
        SESSION_MINUTES + 1, dtype=np.uint64
    )
    bits = random_bits(model.minute_key, counters)
    z = ndtri(_field(bits, 32, 32))
    log_path = _bridge(model.vol, previous, closes, z[:, :SESSION_MINUTES], z[:, SESSION_MINUTES])
    cents = np.exp(log_path) * 100.0
    open_, close = cents[:, :-1], cents[:, 1:]
    excursion = _EXCURSION * _sigma_minute(model.vol)
    high = np.maximum(open_, close) * (1.0 - excursion * np.log(_field(bits[:, :-1], 20, 12)))
    low = np.minimum(open_, close) * (1.0 + excursion * np.log(_field(bits[:, :-1], 8, 12)))
    o, h, l_, c = (np.maximum(np.rint(x), 1).astype(np.int64) for x in (open_, high, low, close))
    noise = 0.5 + _field(bits[:, :-1], 0, 8)
    volume = np.maximum(1, np.rint(model.daily_volume / 100 * _VOLUME_PROFILE * noise)).astype(np.int64) * 100
    return MinutePaths(
        days=days,
        open_epoch_s=np.array([session_bounds(d)[0].timestamp() for d in days.tolist()], dtype=np.int64),
        open=o,
        high=h,
        low=l_,
        close=c,
        volume=volume,
        vwap_units=(o + h + l_ + c) * 25,
        trades=np.maximum(1, volume // _AVG_TRADE_SIZE),
    )


def _field(bits: np.ndarray, shift: int, width: int) -> np.ndarray:
    """Uniforms in (0, 1) from ``width`` bits of ``bits`` starting at bit ``shift``: one 64-bit draw
    feeds several low-precision uniforms, which halves the hashing of a long history."""
    mask = np.uint64((1 << width) - 1)
    return (((bits >> np.uint64(shift)) & mask).astype(np.float64) + 0.5) / float(1 << width)


def _sigma_minute(vol: float) -> float:
    daily = vol / np.sqrt(TRADING_DAYS_PER_YEAR)
    return float(daily * np.sqrt((1.0 - OVERNIGHT_SHARE) / SESSION_MINUTES))


def _bridge(
    vol: float, previous: np.ndarray, closes: np.ndarray, z: np.ndarray, gap_z: np.ndarray
) -> np.ndarray:
    """Log prices at each minute boundary of each day (391 a day: the open, then each minute's close):
    a gap from the previous close, then a Brownian bridge to the day's close."""
    daily = vol / np.sqrt(TRADING_DAYS_PER_YEAR)
    day_open = previous + daily * np.sqrt(OVERNIGHT_SHARE) * gap_z
    walk = np.cumsum(_sigma_minute(vol) * z, axis=1)
    fraction = np.arange(1, SESSION_MINUTES + 1) / SESSION_MINUTES
    path = day_open[:, None] + walk - fraction * (walk[:, -1:] - (closes - day_open)[:, None])
    path[:, -1] = closes
    return np.concatenate([day_open[:, None], path], axis=1)
