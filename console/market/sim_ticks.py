"""The tick process of one simulated symbol, in vectorised batches (arrays in, arrays out).

Each symbol has its own tick grid (one tick every 100-250 ms of sim time, offset by a per-symbol phase so
symbols interleave), its own two random streams (normals and uniforms, PCG64 seeded from a stable hash of
(seed, symbol)), and its own state, so adding a symbol never changes another symbol's tape. Every tick
draws a fixed number of values from each stream, and the recursions (log-volatility, log-price) run
strictly tick after tick; so the tape does not even depend on how time was cut into steps.

The model, per tick of ``dt`` (in years of regular-session time, the convention ``history`` uses):

* log-volatility is an Ornstein-Uhlenbeck process (mean reversion ``VOL_MEAN_REVERSION`` a year,
  vol-of-vol ``VOL_OF_VOL``), centred so that the mean variance is the configured vol squared;
* log-price moves by ``sigma * sqrt(dt) * z - sigma**2 * dt / 2`` plus a rare jump (Poisson,
  ``JUMPS_PER_YEAR``, normal sizes of ``JUMP_SIGMA``);
* the NBBO is the mid plus/minus a half-spread that widens with volatility (at least one cent wide),
  with round-lot sizes; about ``TRADE_PROBABILITY`` of ticks print a trade at or between bid and ask.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from console.market.noise import generator, stable_key

SECONDS_PER_TRADING_YEAR = 252 * 6.5 * 3600
VOL_MEAN_REVERSION = 40.0
VOL_OF_VOL = 2.0
JUMPS_PER_YEAR = 6.0
JUMP_SIGMA = 0.01
TRADE_PROBABILITY = 0.3
MIN_TICK_MS, MAX_TICK_MS = 100, 250
_SPREAD_BASE = 0.5e-4
_SPREAD_PER_VOL = 2e-4
_ODD_LOT_SHARE = 0.35
_MAX_LOTS = 50
_NORMALS_PER_TICK = 3
_UNIFORMS_PER_TICK = 7


TickRow = tuple[int, int, int, int, int, int]
"""One tick: bid and ask (cents), bid and ask sizes (shares), trade price (cents, 0 when no trade) and
trade size (shares)."""


class SymbolProcess:
    """Price, volatility and NBBO of one symbol.

    Ticks are generated ahead in vectorised blocks (``BLOCK_TICKS`` at a time) and handed out by
    ``take``: numpy's per-call overhead then costs a fraction of a microsecond a tick, even when a step
    covers only one or two ticks of each of fifty symbols. Generating ahead changes nothing in the tape:
    the i-th tick taken is the same whatever the blocks were.
    """

    BLOCK_TICKS = 256

    def __init__(self, symbol: str, seed: int, price: float, vol: float, start_us: int) -> None:
        self.symbol = symbol
        spread_ms = MAX_TICK_MS - MIN_TICK_MS + 1
        self.tick_us = 1000 * (MIN_TICK_MS + stable_key(seed, symbol, "tick") % spread_ms)
        self.base_us = start_us + stable_key(seed, symbol, "phase") % self.tick_us
        self._log_price = float(np.log(price))
        self._log_vol = float(np.log(vol))
        self._vol_centre = self._log_vol - VOL_OF_VOL**2 / (2 * VOL_MEAN_REVERSION)
        self._normals = generator(seed, symbol, "tick-normals")
        self._uniforms = generator(seed, symbol, "tick-uniforms")
        self._dt = self.tick_us / 1e6 / SECONDS_PER_TRADING_YEAR
        self._vol_a = float(np.exp(-VOL_MEAN_REVERSION * self._dt))
        self._vol_b = VOL_OF_VOL * float(np.sqrt((1 - self._vol_a**2) / (2 * VOL_MEAN_REVERSION)))
        self._rows: list[TickRow] = []
        self._sigmas: list[float] = []
        self._cursor = 0
        self._volatility = vol

    @property
    def volatility(self) -> float:
        """The instantaneous annualised volatility at the last tick taken (the start vol before any)."""
        return self._volatility

    def tick_times(self, first_us: int, last_us: int) -> range:
        """This symbol's tick times (microseconds since the epoch) in [first_us, last_us]."""
        first = max(0, -((self.base_us - first_us) // self.tick_us))
        last = (last_us - self.base_us) // self.tick_us
        return range(
            self.base_us + first * self.tick_us, self.base_us + (last + 1) * self.tick_us, self.tick_us
        )

    def take(self, n: int) -> list[TickRow]:
        """The next ``n`` ticks."""
        if n <= 0:
            return []
        if self._cursor + n > len(self._rows):
            self._refill(max(self.BLOCK_TICKS, n))
        rows = self._rows[self._cursor : self._cursor + n]
        self._cursor += n
        self._volatility = self._sigmas[self._cursor - 1]
        return rows

    def _refill(self, n: int) -> None:
        """Drop the ticks already taken and generate ``n`` more."""
        self._rows = self._rows[self._cursor :]
        self._sigmas = self._sigmas[self._cursor :]
        self._cursor = 0
        z = self._normals.standard_normal((n, _NORMALS_PER_TICK))
        u = self._uniforms.random((n, _UNIFORMS_PER_TICK))
        sigma = self._advance_vol(z[:, 1])
        mid = self._advance_price(sigma, z[:, 0], z[:, 2], u[:, 0])
        half = np.maximum(0.5, mid * (_SPREAD_BASE + _SPREAD_PER_VOL * sigma) * (0.5 + u[:, 1]))
        bid = np.maximum(np.floor(mid - half), 1).astype(np.int64)
        ask = np.maximum(np.ceil(mid + half).astype(np.int64), bid + 1)
        traded = u[:, 2] < TRADE_PROBABILITY
        trade_price = np.where(traded, bid + np.floor(u[:, 3] * (ask - bid + 1)).astype(np.int64), 0)
        columns = (bid, ask, _round_lots(u[:, 4]), _round_lots(u[:, 5]), trade_price, _trade_sizes(u[:, 6]))
        self._rows.extend(zip(*(column.tolist() for column in columns), strict=True))
        self._sigmas.extend(sigma.tolist())

    def _advance_vol(self, z: np.ndarray) -> np.ndarray:
        """Log-vol OU, exactly discretised; returns sigma per tick."""
        state = [self._vol_a * (self._log_vol - self._vol_centre)]
        deviation, _ = lfilter([self._vol_b], [1.0, -self._vol_a], z, zi=state)
        log_vol = self._vol_centre + deviation
        self._log_vol = float(log_vol[-1])
        return np.asarray(np.exp(log_vol))

    def _advance_price(
        self, sigma: np.ndarray, z: np.ndarray, jump_z: np.ndarray, u: np.ndarray
    ) -> np.ndarray:
        """Log-price with stochastic vol and jumps; returns the mid in (fractional) cents per tick."""
        jumps = np.where(u < JUMPS_PER_YEAR * self._dt, JUMP_SIGMA * jump_z, 0.0)
        steps = sigma * np.sqrt(self._dt) * z - 0.5 * sigma * sigma * self._dt + jumps
        path = np.cumsum(np.concatenate([[self._log_price], steps]))[1:]
        self._log_price = float(path[-1])
        return np.asarray(np.exp(path) * 100.0)


def _round_lots(u: np.ndarray) -> np.ndarray:
    """Quote sizes: 1 to 50 round lots, small sizes most likely (geometric-like)."""
    lots = np.minimum(1 + np.floor(-np.log1p(-u) * 3.0), _MAX_LOTS)
    return lots.astype(np.int64) * 100


def _trade_sizes(u: np.ndarray) -> np.ndarray:
    """Trade sizes: a third odd lots (1-99 shares), the rest 1+ round lots."""
    odd = 1 + np.floor(u / _ODD_LOT_SHARE * 99)
    rest = (u - _ODD_LOT_SHARE) / (1 - _ODD_LOT_SHARE)
    lots = 100 * np.minimum(1 + np.floor(-np.log1p(-rest) * 2.0), _MAX_LOTS)
    return np.where(u < _ODD_LOT_SHARE, odd, lots).astype(np.int64)
