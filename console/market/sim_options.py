"""Simulated option listings and chains: expirations, strikes, and quotes priced off a volatility smile.

The sim venue has no options market of its own, so a chain is computed on request from the underlying's
price and current volatility: every contract is priced with Black-Scholes-Merton (``options.greeks.bsm``,
all contracts in one vectorised call) at a volatility read off a smile, then quoted around that price.

The smile is defined in standardised log-moneyness ``z = ln(K / F) / (base_vol * sqrt(t))`` (sticky
moneyness: it moves with the underlying, and a short expiry's smile is not flat in strike space):

    vol(K, t) = base_vol * term(t) * max(1 + SKEW * z + CURVATURE * z**2, SMILE_FLOOR)

with a negative ``SKEW`` (out-of-the-money puts richer than calls, as in equity markets), a small
``CURVATURE``, and a mild upward term structure ``term(t)``. ``base_vol`` is the underlying's
instantaneous volatility (``SimMarket.volatility``), so the whole surface breathes with the tape.

Volume and open interest are deterministic (seed, contract) and peak at the money. Quotes are on the
penny-pilot grid: $0.01 under $3, $0.05 at or above.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from console.domain import (
    Greeks,
    GreeksSource,
    OptionChain,
    OptionContract,
    OptionQuote,
    OptionType,
)
from console.domain.symbols import format_occ
from console.market.calendar import NEW_YORK, SESSION_CLOSE, is_trading_day
from console.market.noise import stable_key, uniforms
from console.market.ticks import from_cents
from console.options.greeks import bsm

SKEW = -0.08
CURVATURE = 0.025
SMILE_FLOOR = 0.5
TERM_SLOPE = 0.04
"""Vol rises by this fraction per e-fold of time to expiry around 30 days (clipped to +-15%)."""
_SMILE_Z_LIMIT = 4.0
_FRIDAY = 4
_SECONDS_PER_YEAR = 365.0 * 24 * 3600
_MAX_OPEN_INTEREST = 20_000
_SPACINGS = ((25.0, Decimal("0.5")), (100.0, Decimal(1)), (200.0, Decimal("2.5")), (1000.0, Decimal(5)))
_WIDE_SPACING = Decimal(10)
_TICK_CHANGE_CENTS = 300


def strike_spacing(spot: float) -> Decimal:
    """Listed strike interval for an underlying at ``spot``: 0.5 under $25, 1 under $100, 2.5 under $200,
    5 under $1000, 10 above."""
    for below, spacing in _SPACINGS:
        if spot < below:
            return spacing
    return _WIDE_SPACING


def _expiry_day(friday: date) -> date:
    """A Friday expiry moves to the trading day before when the Friday is a holiday (Good Friday)."""
    day = friday
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day


def _third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(_FRIDAY - first.weekday()) % 7 + 14)


def option_expirations(today: date, *, weeklies: int = 8, monthlies: int = 6) -> list[date]:
    """Listed expirations from ``today`` on: the next weekly Fridays and monthly third Fridays.

    A Friday that is an exchange holiday expires on the Thursday before. Today's expiry is included.

    Args:
        today: the trading date.
        weeklies: how many weekly Fridays, starting with this week's.
        monthlies: how many monthly (third-Friday) expirations, starting with this month's if not past.

    Returns:
        Distinct expiry dates, nearest first.
    """
    first_friday = today + timedelta(days=(_FRIDAY - today.weekday()) % 7)
    fridays = [first_friday + timedelta(weeks=i) for i in range(weeklies)]
    months: list[date] = []
    year, month = today.year, today.month
    while len(months) < monthlies:
        third = _third_friday(year, month)
        if _expiry_day(third) >= today:
            months.append(third)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted({day for day in map(_expiry_day, fridays + months) if day >= today})


def _years_to_expiry(expiry: date, now: datetime) -> float:
    close = datetime.combine(expiry, SESSION_CLOSE, NEW_YORK).astimezone(UTC)
    return (close - now).total_seconds() / _SECONDS_PER_YEAR


def smile_vol(log_moneyness: np.ndarray, t: float, base_vol: float) -> np.ndarray:
    """The smile's volatility at each log-moneyness ``ln(K / F)`` for time ``t`` (years)."""
    z = np.clip(log_moneyness / (base_vol * np.sqrt(t)), -_SMILE_Z_LIMIT, _SMILE_Z_LIMIT)
    term = np.clip(1.0 + TERM_SLOPE * np.log(t * 365.0 / 30.0), 0.85, 1.15)
    return np.asarray(base_vol * term * np.maximum(1.0 + SKEW * z + CURVATURE * z * z, SMILE_FLOOR))


def sim_option_chain(
    underlying: str,
    expiry: date,
    spot: Decimal,
    base_vol: float,
    now: datetime,
    *,
    rate: float = 0.04,
    div: float = 0.0,
    strikes_each_side: int = 15,
    seed: int = 0,
) -> OptionChain:
    """The chain of ``underlying`` for ``expiry``: a call and a put at each strike around ``spot``.

    Args:
        underlying: the underlying's ticker (the OCC root).
        expiry: the expiry date; contracts expire at 16:00 New York time that day.
        spot: the underlying's price now.
        base_vol: at-the-money volatility before the term adjustment (the underlying's current vol).
        now: the venue's time (timezone-aware).
        rate: continuously compounded risk-free rate.
        div: continuous dividend yield.
        strikes_each_side: strikes below and above the one nearest ``spot`` (fewer if they would be <= 0).
        seed: the sim seed, for volume and open interest.

    Returns:
        Quotes ordered by strike, call before put, each with its implied volatility and Greeks
        (``GreeksSource.COMPUTED``).

    Raises:
        ValueError: ``expiry`` has passed, or ``spot``/``base_vol`` is not positive.
    """
    t = _years_to_expiry(expiry, now)
    if t <= 0:
        raise ValueError(f"the {underlying} {expiry} expiry has passed; it has no chain")
    if spot <= 0 or base_vol <= 0:
        raise ValueError(f"a chain needs a positive spot and volatility (got {spot}, {base_vol})")
    strikes = _strikes(float(spot), strikes_each_side)
    key = stable_key(seed, underlying, expiry.isoformat(), "option-activity")
    rows = _contract_rows(strikes, spot=float(spot), base_vol=base_vol, t=t, rate=rate, div=div, key=key)
    quotes = tuple(
        OptionQuote(
            contract=_contract(underlying, expiry, call, strike, oi),
            bid=from_cents(b),
            ask=from_cents(a),
            last=from_cents(_on_tick((b + a) // 2)) if traded else None,
            volume=traded,
            open_interest=oi,
            implied_volatility=iv,
            greeks=Greeks(delta=d, gamma=g, theta=th, vega=v, rho=r),
            greeks_source=GreeksSource.COMPUTED,
            timestamp=now,
        )
        for strike, call, b, a, oi, traded, iv, d, g, th, v, r in rows
    )
    return OptionChain(
        underlying=underlying, expiry=expiry, underlying_price=spot, quotes=quotes, timestamp=now
    )


def _contract_rows(
    strikes: list[Decimal], *, spot: float, base_vol: float, t: float, rate: float, div: float, key: int
) -> Iterator[tuple[Any, ...]]:
    """Every contract's numbers, computed for the whole chain at once: (strike, is_call, bid cents, ask
    cents, open interest, volume, implied vol, delta, gamma, theta, vega, rho), a call then a put a strike."""
    strike_values = np.repeat(np.array([float(k) for k in strikes]), 2)
    is_call = np.tile([True, False], len(strikes))
    log_moneyness = np.log(strike_values / (spot * np.exp((rate - div) * t)))
    total_vol = base_vol * np.sqrt(t)
    vols = smile_vol(log_moneyness, t, base_vol)
    priced = bsm(is_call, spot, strike_values, t, rate, div, vols)
    bid, ask = _market(priced.price, log_moneyness / total_vol)
    reference = float(strikes[len(strikes) // 2])  # the strike nearest spot: moves a strike at a time
    activity = _Activity(key, strike_values)
    open_interest = activity.open_interest(np.log(strike_values / reference) / total_vol)
    return zip(
        [strike for strike in strikes for _kind in (0, 1)],
        is_call.tolist(),
        bid.tolist(),
        ask.tolist(),
        open_interest.tolist(),
        activity.volume(open_interest).tolist(),
        vols.tolist(),
        *(getattr(priced, name).tolist() for name in ("delta", "gamma", "theta", "vega", "rho")),
        strict=True,
    )


def _strikes(spot: float, each_side: int) -> list[Decimal]:
    spacing = strike_spacing(spot)
    centre = Decimal(round(spot / float(spacing))) * spacing
    strikes = [centre + spacing * i for i in range(-each_side, each_side + 1)]
    return [strike for strike in strikes if strike > 0]


def _market(theo: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bid and ask in cents around the theoretical prices: wider in relative terms away from the money."""
    theo_cents = theo * 100.0
    half = (1.0 + 0.008 * theo_cents) * (1.0 + 0.2 * np.minimum(np.abs(z), 4.0))
    low, high = theo_cents - half, theo_cents + half
    bid_tick = np.where(low < _TICK_CHANGE_CENTS, 1, 5)
    ask_tick = np.where(high < _TICK_CHANGE_CENTS, 1, 5)
    bid = np.maximum(np.floor(low / bid_tick) * bid_tick, 0).astype(np.int64)
    ask = (np.ceil(high / ask_tick) * ask_tick).astype(np.int64)
    return bid, np.maximum(ask, bid + ask_tick)


def _on_tick(cents: int) -> int:
    """Round down to the quote grid: a cent under $3, five cents at or above."""
    return cents if cents < _TICK_CHANGE_CENTS else cents - cents % 5


class _Activity:
    """Open interest and today's volume: random per contract (calls and puts apart), peaked at the money.

    Open interest is measured from the strike nearest spot rather than spot itself, so it holds still
    while the underlying ticks (as real open interest, published once a day, does).
    """

    def __init__(self, key: int, strikes: np.ndarray) -> None:
        counters = np.rint(strikes * 1000).astype(np.int64) * 4 + np.tile([0, 1], len(strikes) // 2)
        self._draws = uniforms(key, np.stack([counters, counters + 2]))

    def open_interest(self, z: np.ndarray) -> np.ndarray:
        peak = np.exp(-0.5 * z * z)
        return np.rint(_MAX_OPEN_INTEREST * peak * self._draws[0]).astype(np.int64)

    def volume(self, open_interest: np.ndarray) -> np.ndarray:
        return np.rint(open_interest * 0.3 * self._draws[1]).astype(np.int64)


@lru_cache(maxsize=8192)
def _contract(
    underlying: str, expiry: date, call: bool, strike: Decimal, open_interest: int
) -> OptionContract:
    """Contracts are immutable and the same strikes come back every refresh: build each once."""
    kind = OptionType.CALL if call else OptionType.PUT
    return OptionContract(
        symbol=format_occ(underlying, expiry, kind, strike),
        underlying=underlying,
        expiry=expiry,
        option_type=kind,
        strike=strike,
        open_interest=open_interest,
    )
