"""Black-Scholes-Merton prices, Greeks and implied volatility for whole option chains at once.

Why this module exists: the options screen values tens of thousands of contracts per refresh. Every public
function here works on numpy arrays in one pass (under a microsecond a contract for implied vol and all
Greeks; `bench/greeks.py`) instead of a Python loop per contract (tens of microseconds), and computes
Greeks analytically, not by finite differences.

Implied volatility follows Peter Jäckel, "Let's be rational" (Wilmott, 2015): the price is normalised,
converted to its out-of-the-money equivalent by put-call parity, given a rational-cubic initial guess and
refined by Householder iterations on a bracket, all contracts together. Every solution is re-priced before
it is returned, so a volatility is either right or NaN with a reason code (`IvReason`).

Conventions, shared by every function here:

- `t` in years, `rate` and `div` (continuous dividend yield) continuously compounded per year, `vol`
  annualised (0.20 is 20%). Numeric arguments broadcast against each other like numpy operands.
- `kind` is "call" or "put" (a `str` or `console.domain.enums.OptionType`), an array of those, or a boolean
  array that is True for calls.
- theta is per calendar day (annual theta / 365), vega per volatility point (a 0.01 change in vol), rho per
  rate point (a 0.01 change in rate).
- Scalars in give 0-d arrays out; `float(result.price)` gives a Python float.
- Expired (`t <= 0`): price is intrinsic, delta is +1/-1 in the money, 0 out of it and +0.5/-0.5 exactly at
  the strike (the limit of delta as t -> 0), and gamma, theta, vega and rho are 0.
- No volatility (`vol * sqrt(t) == 0`): price is the discounted intrinsic value of the forward. Gamma is
  reported as 0 (its true limit is unbounded exactly at the forward), vega takes its limit.
- Invalid inputs (spot or strike not positive, negative vol, NaN or infinite numbers) give NaN.

`bsm_scalar` and `implied_vol_scalar` are plain-`math` per-contract references: the loop baseline of
`bench/greeks.py` and an independent cross-check in the tests. Do not use them for chains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.special import erfcx, erfinv, ndtr, ndtri

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp] | npt.NDArray[np.bool_]

_DAYS_PER_YEAR = 365.0
_POINT = 0.01
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_3 = math.sqrt(3.0)
_SQRT_HALF = math.sqrt(0.5)
_FAR_TAIL = -5.0  # out of the money, d1 (call) or -d2 (put) below which prices use the erfcx form
_EPS = float(np.finfo(np.float64).eps)
_TINY = float(np.finfo(np.float64).tiny)
_HUGE = float(np.finfo(np.float64).max)
# A solved volatility is accepted only if it re-prices the out-of-the-money-equivalent normalised price to
# this relative tolerance (or to the rounding noise of the put-call parity conversion, if larger).
_REPRICE_RTOL = 1e-9
# A residual this small (relative) is the evaluation noise of the normalised price: the solve is exact.
_EXACT_RTOL = 1e-12
# Rounding noise of a price relative to its size (or, in the money, to the size of its two legs).
_PRICE_NOISE = 8.0 * _EPS


class IvReason(IntEnum):
    """Why `implied_vol_with_reason` did or did not return a volatility for a contract."""

    OK = 0
    INVALID_INPUT = 1
    EXPIRED = 2
    BELOW_INTRINSIC = 3
    AT_INTRINSIC = 4
    ABOVE_UPPER_BOUND = 5
    NO_CONVERGENCE = 6


_REASON_SENTENCES = {
    IvReason.OK: "The implied volatility was found and re-prices the option.",
    IvReason.INVALID_INPUT: "An input is missing or out of range (spot and strike must be positive).",
    IvReason.EXPIRED: "The option has expired, so no volatility can be implied from its price.",
    IvReason.BELOW_INTRINSIC: "The price is below the option's discounted intrinsic value: an arbitrage.",
    IvReason.AT_INTRINSIC: (
        "The price equals the option's intrinsic value at float precision, "
        "leaving no time value to imply a volatility from."
    ),
    IvReason.ABOVE_UPPER_BOUND: (
        "The price is at or above what the option can be worth at any volatility "
        "(the discounted spot for a call, the discounted strike for a put)."
    ),
    IvReason.NO_CONVERGENCE: (
        "No volatility re-prices the option within tolerance: at float precision its price barely "
        "depends on volatility."
    ),
}


def explain_iv_reason(reason: int | np.integer[Any]) -> str:
    """Turns an implied-volatility reason code into a sentence for the user.

    Args:
        reason: An `IvReason` or its integer value, as returned by `implied_vol_with_reason`.

    Returns:
        One plain sentence.

    Raises:
        ValueError: If `reason` is not an `IvReason` value.
    """
    return _REASON_SENTENCES[IvReason(int(reason))]


@dataclass(frozen=True, eq=False)
class BsmResult:
    """Price and Greeks of each contract, all float64 arrays of the broadcast input shape."""

    price: FloatArray
    delta: FloatArray
    """Change in price per unit change in spot."""
    gamma: FloatArray
    """Change in delta per unit change in spot."""
    theta: FloatArray
    """Change in price per calendar day that passes (annual theta / 365)."""
    vega: FloatArray
    """Change in price per volatility point (vol up by 0.01)."""
    rho: FloatArray
    """Change in price per rate point (rate up by 0.01)."""


class BsmScalarResult(NamedTuple):
    """`bsm_scalar`'s answer: the fields and conventions of `BsmResult`, as Python floats."""

    price: float
    delta: float
    gamma: float
    theta: float
    vega: float
    rho: float


def _option_sign(kind: npt.ArrayLike) -> FloatArray:
    """+1.0 for calls, -1.0 for puts, from "call"/"put" strings, `OptionType`s or an is-call bool array."""
    if isinstance(kind, str):  # OptionType is a StrEnum, so it is a str too
        if kind == "call":
            return np.asarray(1.0)
        if kind == "put":
            return np.asarray(-1.0)
        raise ValueError(f"option kind must be 'call' or 'put', not {kind!r}")
    kinds = np.asarray(kind)
    if kinds.dtype == np.bool_:
        return np.where(kinds, 1.0, -1.0)
    if kinds.dtype.kind in "UO":
        is_call = kinds == "call"
        if not np.all(is_call | (kinds == "put")):
            raise ValueError("option kinds must all be 'call' or 'put'")
        return np.where(is_call, 1.0, -1.0)
    raise TypeError(f"option kind must be 'call'/'put' strings or an is-call bool array, not {kinds.dtype}")


def _float_arrays(*values: npt.ArrayLike) -> tuple[FloatArray, ...]:
    return tuple(np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values)))


def bsm(  # noqa: PLR0917 -- the textbook argument order, positional by convention
    kind: npt.ArrayLike,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t: npt.ArrayLike,
    rate: npt.ArrayLike,
    div: npt.ArrayLike,
    vol: npt.ArrayLike,
) -> BsmResult:
    """Prices European options and computes their analytic Greeks (Black-Scholes-Merton).

    Args:
        kind: "call"/"put" or `OptionType`, an array of them, or a bool array that is True for calls.
        spot: Price of the underlying.
        strike: Strike price.
        t: Time to expiry in years; `t <= 0` means expired (intrinsic value).
        rate: Continuously compounded risk-free rate per year (may be zero or negative).
        div: Continuous dividend yield per year.
        vol: Annualised volatility (0.2 is 20%); 0 gives the discounted intrinsic value of the forward.

    Returns:
        A `BsmResult` of float64 arrays in the broadcast shape of the arguments (0-d for scalars), with
        theta per calendar day, vega per volatility point and rho per rate point. Invalid contracts are NaN.

    Raises:
        ValueError: If a kind is neither "call" nor "put".
    """
    broadcast = _float_arrays(_option_sign(kind), spot, strike, t, rate, div, vol)
    shape = broadcast[0].shape
    with np.errstate(all="ignore"):
        fields = _bsm_flat(*(a.ravel() for a in broadcast))
    return BsmResult(*(field.reshape(shape) for field in fields))


def _bsm_flat(  # noqa: PLR0917 -- the columns of bsm, flat
    sign: FloatArray,
    spot: FloatArray,
    strike: FloatArray,
    t: FloatArray,
    rate: FloatArray,
    div: FloatArray,
    vol: FloatArray,
) -> list[FloatArray]:
    """`bsm` on 1-d columns: price, delta, gamma, theta, vega, rho."""
    tau = np.maximum(t, 0.0)  # expired contracts price as at expiry
    sqrt_t = np.sqrt(tau)
    total_vol = vol * sqrt_t
    carry_discount = np.exp(-div * tau)
    spot_pv = spot * carry_discount
    strike_pv = strike * np.exp(-rate * tau)
    log_moneyness = np.log(spot / strike) + (rate - div) * tau
    d1 = log_moneyness / total_vol + 0.5 * total_vol
    no_vol = total_vol == 0
    degenerate = bool(np.any(no_vol))
    if degenerate:  # at the forward with no volatility, d1 is 0/0: its limit as vol -> 0 is 0
        d1 = np.where(no_vol & (log_moneyness == 0), 0.0, d1)
    d2 = d1 - total_vol
    cdf1 = ndtr(sign * d1)
    cdf2 = ndtr(sign * d2)
    spot_density = spot_pv * _INV_SQRT_2PI * np.exp(-0.5 * d1 * d1)

    price = sign * (spot_pv * cdf1 - strike_pv * cdf2)
    h = -np.abs(log_moneyness) / total_vol
    far = np.flatnonzero((sign * log_moneyness < 0) & (h + 0.5 * total_vol < _FAR_TAIL))
    if far.size:
        scale = np.sqrt(spot_pv[far] * strike_pv[far])
        price[far] = scale * _far_out_of_the_money(h[far], 0.5 * total_vol[far])
    delta = sign * carry_discount * cdf1
    gamma = spot_density / (spot * spot * total_vol)
    vega = spot_density * sqrt_t * _POINT
    decay = -0.5 * spot_density * vol / sqrt_t
    if degenerate:  # no volatility left: gamma is reported as 0 (see the module notes), decay is 0
        gamma = np.where(no_vol, 0.0, gamma)
        decay = np.where(no_vol, 0.0, decay)
    carry = sign * (div * spot_pv * cdf1 - rate * strike_pv * cdf2)
    theta = (decay + carry) / _DAYS_PER_YEAR
    if np.any(t <= 0):
        theta = np.where(t > 0, theta, 0.0)
    rho = sign * strike_pv * tau * cdf2 * _POINT

    valid = (spot > 0) & (strike > 0) & (vol >= 0) & np.isfinite(spot + strike + t + vol)
    valid &= np.isfinite(rate + div)
    fields = [price, delta, gamma, theta, vega, rho]
    if not np.all(valid):
        nan_if_invalid = np.where(valid, 0.0, np.nan)
        fields = [field + nan_if_invalid for field in fields]
    return fields


def implied_vol(  # noqa: PLR0917 -- the textbook argument order, positional by convention
    kind: npt.ArrayLike,
    price: npt.ArrayLike,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t: npt.ArrayLike,
    rate: npt.ArrayLike,
    div: npt.ArrayLike,
    *,
    tol: float = 1e-10,
    max_iter: int = 32,
) -> FloatArray:
    """Implied Black-Scholes-Merton volatilities of option prices; NaN where there is none.

    See `implied_vol_with_reason` for the arguments and for why a contract is NaN.

    Returns:
        Annualised volatilities, float64, in the broadcast shape of the arguments (0-d for scalars).
    """
    vols, _ = implied_vol_with_reason(kind, price, spot, strike, t, rate, div, tol=tol, max_iter=max_iter)
    return vols


def implied_vol_with_reason(  # noqa: PLR0917 -- the textbook argument order, positional by convention
    kind: npt.ArrayLike,
    price: npt.ArrayLike,
    spot: npt.ArrayLike,
    strike: npt.ArrayLike,
    t: npt.ArrayLike,
    rate: npt.ArrayLike,
    div: npt.ArrayLike,
    *,
    tol: float = 1e-10,
    max_iter: int = 32,
) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """Implied volatilities of option prices, with a reason code for each contract.

    A volatility is returned only if it re-prices the option (to 1e-9 relative on the out-of-the-money-
    equivalent price, or to the price's own rounding noise); otherwise the volatility is NaN and the reason
    says why: an arbitrage-violating price (below discounted intrinsic, at or above the discounted spot for
    a call or discounted strike for a put), no time value left, an expired contract, or a price so
    insensitive to volatility (deep in or out of the money, at float precision) that no volatility is
    identifiable.

    Args:
        kind: "call"/"put" or `OptionType`, an array of them, or a bool array that is True for calls.
        price: Option price, in the units of spot and strike.
        spot: Price of the underlying.
        strike: Strike price.
        t: Time to expiry in years.
        rate: Continuously compounded risk-free rate per year (may be zero or negative).
        div: Continuous dividend yield per year.
        tol: A contract that re-prices stops iterating once its last volatility step was below `tol` times
            its volatility (the steps converge with order four, so the result is then at float precision).
        max_iter: Most iterations per contract (two or three are typical).

    Returns:
        `(vols, reasons)`: annualised volatilities (NaN where none) and `IvReason` values as int8, both in
        the broadcast shape of the arguments (0-d for scalars). `explain_iv_reason` turns a reason into a
        sentence.

    Raises:
        ValueError: If a kind is neither "call" nor "put".
    """
    broadcast = _float_arrays(_option_sign(kind), price, spot, strike, t, rate, div)
    shape = broadcast[0].shape
    with np.errstate(all="ignore"):
        vols, reasons = _implied_vol_flat(*(a.ravel() for a in broadcast), tol=tol, max_iter=max_iter)
    return vols.reshape(shape), reasons.reshape(shape)


def _implied_vol_flat(
    *columns: FloatArray, tol: float, max_iter: int
) -> tuple[FloatArray, npt.NDArray[np.int8]]:
    """`implied_vol_with_reason` on 1-d columns (sign, price, spot, strike, t, rate, div)."""
    screened = _screen(*columns)
    vols = np.full(screened.reasons.size, np.nan)
    solve = np.flatnonzero(screened.reasons == IvReason.OK)
    if solve.size:
        x = -np.abs(screened.log_moneyness[solve])
        beta = screened.beta_otm[solve]
        contracts = _Normalised(beta, x, np.exp(0.5 * x), np.exp(-0.5 * x), np.log(beta))
        total_vol = _solve_normalised(contracts, screened.noise[solve], tol=tol, max_iter=max_iter)
        vols[solve] = total_vol / np.sqrt(screened.tau[solve])
        screened.reasons[solve[np.isnan(total_vol)]] = IvReason.NO_CONVERGENCE
    return vols, screened.reasons


class _Screened(NamedTuple):
    """Prices in Jäckel's normalised units, and the reason each one cannot be solved (OK if it can)."""

    reasons: npt.NDArray[np.int8]
    tau: FloatArray
    log_moneyness: FloatArray
    """x = ln(forward / strike)."""
    beta_otm: FloatArray
    """Out-of-the-money-equivalent price / (discount * sqrt(forward * strike))."""
    noise: FloatArray
    """Rounding noise of beta_otm."""


def _screen(  # noqa: PLR0917 -- the columns of implied_vol_with_reason, flat
    sign: FloatArray,
    price: FloatArray,
    spot: FloatArray,
    strike: FloatArray,
    t: FloatArray,
    rate: FloatArray,
    div: FloatArray,
) -> _Screened:
    """Normalises prices, moves in-the-money ones out of the money by parity and screens out arbitrage."""
    valid = (spot > 0) & (strike > 0) & np.isfinite(price + spot + strike + t + rate + div)
    live = valid & (t > 0)
    tau = np.where(live, t, 0.0)
    log_moneyness = np.log(spot / strike) + (rate - div) * tau
    beta = price / np.sqrt(spot * strike) * np.exp(0.5 * (rate + div) * tau)
    in_the_money = sign * log_moneyness > 0
    # With r = e^(|x|/2), normalised intrinsic is r - 1/r and the out-of-the-money upper bound 1/r.
    root_ratio = np.exp(0.5 * np.abs(log_moneyness))
    beta_otm = beta - np.where(in_the_money, root_ratio - 1.0 / root_ratio, 0.0)
    # In the money, the price is two legs netted (discounted spot and strike, r and 1/r normalised), so it
    # carries their rounding; out of the money, its own.
    noise = _PRICE_NOISE * np.where(in_the_money, root_ratio + 1.0 / root_ratio, np.abs(beta))
    below = live & (beta_otm < -noise)
    at_intrinsic = live & ~below & (beta_otm <= np.maximum(noise, _TINY))
    # At the bound (within rounding) only an infinite volatility would do.
    above = live & ~below & ~at_intrinsic & (beta_otm >= 1.0 / root_ratio - noise)
    # The cases exclude each other, so a sum of (case * code) labels every contract (OK is 0).
    reasons = (
        ~valid * np.int8(IvReason.INVALID_INPUT)
        + (valid & ~live) * np.int8(IvReason.EXPIRED)
        + below * np.int8(IvReason.BELOW_INTRINSIC)
        + at_intrinsic * np.int8(IvReason.AT_INTRINSIC)
        + above * np.int8(IvReason.ABOVE_UPPER_BOUND)
    )
    return _Screened(reasons.astype(np.int8), tau, log_moneyness, beta_otm, noise)


# --- Normalised Black: b(x, s) = e^(x/2) N(x/s + s/2) - e^(-x/2) N(x/s - s/2), x = ln(F/K), s = vol*sqrt(t)


def _far_out_of_the_money(h: FloatArray, half: FloatArray) -> FloatArray:
    """b(x, s) for h = x/s <= 0 and h + s/2 < _FAR_TAIL, to full relative precision.

    There the two N() terms nearly cancel, and N() of their rounded arguments has already lost digits that
    the difference amplifies. Factoring e^(-(h^2 + s^2/4)/2) out exactly and differencing erfcx keeps them
    (Jäckel's form), so tiny prices and the implied vols drawn from them stay accurate.
    """
    scaled = erfcx(-(h + half) * _SQRT_HALF) - erfcx(-(h - half) * _SQRT_HALF)
    return 0.5 * np.exp(-0.5 * (h * h + half * half)) * scaled


class _Normalised(NamedTuple):
    """Contracts as out-of-the-money calls in normalised form: Jäckel's (beta, x) with x <= 0."""

    beta: FloatArray
    """Out-of-the-money-equivalent price / (discount * sqrt(forward * strike))."""
    x: FloatArray
    """-|ln(forward / strike)|."""
    b_max: FloatArray
    """e^(x/2): the price as volatility goes to infinity."""
    inv_b_max: FloatArray
    """e^(-x/2)."""
    log_beta: FloatArray
    """ln(beta), for the lowest segment's objective."""

    def take(self, index: IndexArray) -> _Normalised:
        return _Normalised(*(field[index] for field in self))

    def price(self, s: FloatArray) -> FloatArray:
        h = self.x / s
        half = 0.5 * s
        b = self.b_max * ndtr(h + half) - self.inv_b_max * ndtr(h - half)
        tail = np.flatnonzero(h + half < _FAR_TAIL)
        if tail.size:
            b[tail] = _far_out_of_the_money(h[tail], half[tail])
        return b

    def vega(self, s: FloatArray) -> FloatArray:
        return _vega(self.x, s)


def _vega(x: FloatArray, s: FloatArray) -> FloatArray:
    """b'(s), the normalised vega: e^(-(h^2 + s^2/4)/2) / sqrt(2pi) with h = x/s."""
    h = x / s
    return _INV_SQRT_2PI * np.exp(-0.5 * (h * h + 0.25 * s * s))


# --- Jäckel's rational cubic interpolation (Delbourgo & Gregory) and its control parameter

_MIN_CONTROL = -(1.0 - math.sqrt(_EPS))
_MAX_CONTROL = 2.0 / (_EPS * _EPS)

Operand = FloatArray | float


class _Segment(NamedTuple):
    """Two points (x_l, y_l), (x_r, y_r) of a monotonic function with its slopes d_l, d_r there."""

    x_l: Operand
    x_r: Operand
    y_l: Operand
    y_r: Operand
    d_l: Operand
    d_r: Operand


def _rational_cubic(x: FloatArray, seg: _Segment, r: FloatArray) -> FloatArray:
    h = seg.x_r - seg.x_l
    t = (x - seg.x_l) / h
    omt = 1.0 - t
    t2 = t * t
    omt2 = omt * omt
    numerator = seg.y_r * t2 * t + (r * seg.y_r - h * seg.d_r) * t2 * omt
    numerator = numerator + (r * seg.y_l + h * seg.d_l) * t * omt2 + seg.y_l * omt2 * omt
    cubic = numerator / (1.0 + (r - 3.0) * t * omt)
    linear = seg.y_r * t + seg.y_l * omt
    return np.where(h == 0, 0.5 * (seg.y_l + seg.y_r), np.where(r >= _MAX_CONTROL, linear, cubic))


def _minimum_control(seg: _Segment, slope: FloatArray, prefer_shape: bool) -> FloatArray:
    """Smallest control parameter keeping the interpolant monotonic and convex/concave like its data."""
    d_l, d_r = seg.d_l, seg.d_r
    monotonic = (d_l * slope >= 0) & (d_r * slope >= 0)
    curved = ((d_l <= slope) & (slope <= d_r)) | ((d_l >= slope) & (slope >= d_r))
    r1 = np.where(monotonic & (np.abs(slope) >= _TINY), (d_r + d_l) / slope, -_HUGE)
    s_m_dl = slope - d_l
    dr_m_s = d_r - slope
    separable = (np.abs(s_m_dl) >= _TINY) & (np.abs(dr_m_s) >= _TINY)
    spread = d_r - d_l
    r2 = np.where(curved & separable, np.maximum(np.abs(spread / dr_m_s), np.abs(spread / s_m_dl)), -_HUGE)
    if prefer_shape:
        r1 = np.where(monotonic & (np.abs(slope) < _TINY), _MAX_CONTROL, r1)
        r2 = np.where((curved & ~separable) | (~curved & monotonic), _MAX_CONTROL, r2)
    r = np.maximum(_MIN_CONTROL, np.maximum(r1, r2))
    return np.where(monotonic | curved, r, _MIN_CONTROL)


def _convex_control(seg: _Segment, second: Operand, *, at_left: bool, prefer_shape: bool) -> FloatArray:
    """Control parameter matching the second derivative at one end, but never below the shape minimum."""
    h = seg.x_r - seg.x_l
    slope = np.asarray((seg.y_r - seg.y_l) / h)
    numerator = np.asarray(0.5 * h * second + (seg.d_r - seg.d_l))
    denominator = slope - seg.d_l if at_left else seg.d_r - slope
    r = numerator / denominator
    r = np.where(np.abs(denominator) < _TINY, np.where(numerator > 0, _MAX_CONTROL, _MIN_CONTROL), r)
    r = np.where(np.abs(numerator) < _TINY, 0.0, r)
    return np.maximum(r, _minimum_control(seg, slope, prefer_shape))


# --- Initial guess: Jäckel's four branches, split at the inflection point s_c = sqrt(2|x|)

_DIRECT, _LOG_LOWER, _LOG_UPPER = 0, 1, 2  # objective g(s) each contract iterates on
_F_LOWER_SCALE = 2.0 * math.pi / math.sqrt(27.0)


class _Inflection(NamedTuple):
    """Where b(s) turns from convex to concave: s_c = sqrt(2|x|), with b and b' there."""

    s: FloatArray
    b: FloatArray
    vega: FloatArray


class _Guess(NamedTuple):
    s: FloatArray
    left: FloatArray
    right: FloatArray
    objective: npt.NDArray[np.int8]


def _lower_map(x: FloatArray, s: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """f_lower(s) = 2pi|x|/sqrt(27) N(-|x|/(sqrt(3)s))^3 and its first two derivatives in beta."""
    abs_x = -x
    z = abs_x / (_SQRT_3 * s)
    y = z * z
    s2 = s * s
    tail = ndtr(-z)
    mills = tail / (_INV_SQRT_2PI * np.exp(-0.5 * y))
    f = _F_LOWER_SCALE * abs_x * tail**3
    fp = 2.0 * math.pi * y * tail * tail * np.exp(y + 0.125 * s2)
    fpp = (8.0 * _SQRT_3 * s * abs_x + (3.0 * s2 * (s2 - 8.0) - 8.0 * x * x) * mills) * tail
    fpp = (math.pi / 6.0) * y / (s2 * s) * fpp * np.exp(2.0 * y + 0.25 * s2)
    return f, fp, fpp


def _guess_lowest(c: _Normalised, s_l: FloatArray, b_l: FloatArray) -> FloatArray:
    """Lowest segment (beta < b_l): interpolate f_lower(beta), nearly linear there, then invert f_lower."""
    f_l, fp_l, fpp_l = _lower_map(c.x, s_l)
    segment = _Segment(0.0, b_l, 0.0, f_l, 1.0, fp_l)
    f = _rational_cubic(c.beta, segment, _convex_control(segment, fpp_l, at_left=False, prefer_shape=True))
    fraction = c.beta / b_l
    f = np.where(f > 0, f, (f_l * fraction + b_l * (1.0 - fraction)) * fraction)
    return -c.x / (_SQRT_3 * np.abs(ndtri(np.cbrt(f / (_F_LOWER_SCALE * -c.x)))))


def _guess_middle(beta: FloatArray, segment: _Segment, *, at_left: bool) -> FloatArray:
    """A middle segment: s(beta) between its two points, with s'' = 0 at the inflection end."""
    return _rational_cubic(beta, segment, _convex_control(segment, 0.0, at_left=at_left, prefer_shape=False))


def _guess_highest(c: _Normalised, s_h: FloatArray, b_h: FloatArray) -> FloatArray:
    """Highest segment (beta > b_h): interpolate f_upper(beta) = N(-s/2), then invert it."""
    w = (c.x / s_h) ** 2
    f_h = ndtr(-0.5 * s_h)
    fp_h = -0.5 * np.exp(0.5 * w)
    fpp_h = math.sqrt(0.5 * math.pi) * np.exp(w + 0.125 * s_h * s_h) * w / s_h
    segment = _Segment(b_h, c.b_max, f_h, 0.0, fp_h, -0.5)
    f = _rational_cubic(c.beta, segment, _convex_control(segment, fpp_h, at_left=True, prefer_shape=True))
    f = np.where(np.abs(fpp_h) < math.sqrt(_HUGE), f, -1.0)
    width = c.b_max - b_h
    fraction = (c.beta - b_h) / width
    f = np.where(f > 0, f, (f_h * (1.0 - fraction) + 0.5 * width * fraction) * (1.0 - fraction))
    return -2.0 * ndtri(f)


def _guess_below_inflection(c: _Normalised, inflection: _Inflection, out: _Guess, at: IndexArray) -> None:
    """Guesses for prices below b(s_c), split at s_l = s_c - b(s_c)/b'(s_c); written to `out` at `at`."""
    s_c, b_c, v_c = inflection
    s_l = s_c - b_c / v_c
    b_l = c.price(s_l)
    lowest = c.beta < b_l
    i = np.flatnonzero(lowest)
    if i.size:
        out.s[at[i]] = _guess_lowest(c.take(i), s_l[i], b_l[i])
        out.left[at[i]], out.right[at[i]], out.objective[at[i]] = _TINY, s_l[i], _LOG_LOWER
    j = np.flatnonzero(~lowest)
    if j.size:
        segment = _Segment(b_l[j], b_c[j], s_l[j], s_c[j], 1.0 / _vega(c.x[j], s_l[j]), 1.0 / v_c[j])
        out.s[at[j]] = _guess_middle(c.beta[j], segment, at_left=False)
        out.left[at[j]], out.right[at[j]] = s_l[j], s_c[j]


def _guess_above_inflection(c: _Normalised, inflection: _Inflection, out: _Guess, at: IndexArray) -> None:
    """Guesses for prices from b(s_c) up, split at s_h = s_c + (b_max - b(s_c))/b'(s_c)."""
    s_c, b_c, v_c = inflection
    s_h = np.where(v_c > _TINY, s_c + (c.b_max - b_c) / v_c, s_c)
    b_h = c.price(s_h)
    highest = c.beta > b_h
    i = np.flatnonzero(highest)
    if i.size:
        top = c.take(i)
        out.s[at[i]] = _guess_highest(top, s_h[i], b_h[i])
        out.left[at[i]], out.right[at[i]] = s_h[i], np.inf
        # Only well above the middle does ln(b_max - b) make the better objective.
        out.objective[at[i]] = np.where(top.beta > 0.5 * top.b_max, _LOG_UPPER, _DIRECT)
    j = np.flatnonzero(~highest)
    if j.size:
        segment = _Segment(b_c[j], b_h[j], s_c[j], s_h[j], 1.0 / v_c[j], 1.0 / _vega(c.x[j], s_h[j]))
        out.s[at[j]] = _guess_middle(c.beta[j], segment, at_left=True)
        out.left[at[j]], out.right[at[j]] = s_c[j], s_h[j]


def _initial_guess(c: _Normalised) -> _Guess:
    n = c.beta.size
    guess = _Guess(np.empty(n), np.empty(n), np.empty(n), np.full(n, _DIRECT, dtype=np.int8))
    # At the inflection s_c, h = -s_c/2: b(s_c) = e^(x/2)/2 - e^(-x/2) N(-s_c), b'(s_c) = e^(x/2)/sqrt(2pi).
    s_c = np.sqrt(-2.0 * c.x)
    b_c = 0.5 * c.b_max - c.inv_b_max * ndtr(-s_c)
    v_c = _INV_SQRT_2PI * c.b_max
    below = c.beta < b_c
    for part, guess_part in ((below, _guess_below_inflection), (~below, _guess_above_inflection)):
        at = np.flatnonzero(part)
        if at.size:
            guess_part(c.take(at), _Inflection(s_c[at], b_c[at], v_c[at]), guess, at)
    # At the money (x = 0) the price inverts in closed form; where a branch under- or overflowed (extreme
    # moneyness), start from that same guess on the widest bracket and let the iterations find the root.
    broken = (c.x == 0) | ~(np.isfinite(guess.s) & (guess.s > 0))
    if np.any(broken):
        guess.s[broken] = 2.0 * math.sqrt(2.0) * erfinv(c.beta[broken])
        guess.left[broken], guess.right[broken], guess.objective[broken] = _TINY, np.inf, _DIRECT
    return guess


# --- Householder iterations, all contracts at once


def _householder_step(
    objective: npt.NDArray[np.int8], c: _Normalised, s: FloatArray, b: FloatArray, vega: FloatArray
) -> FloatArray:
    """Third-order step on g(s): b - beta, 1/ln(b) - 1/ln(beta) (lowest) or ln((b_max-beta)/(b_max-b))."""
    h2 = (c.x / s) ** 2
    b_halley = h2 / s - 0.25 * s  # b''/b'
    b_hh3 = b_halley * b_halley - 3.0 * h2 / (s * s) - 0.25  # b'''/b'

    newton = (c.beta - b) / vega
    halley = b_halley.copy()
    hh3 = b_hh3.copy()

    lower = objective == _LOG_LOWER
    if np.any(lower):
        ln_b = np.log(b)
        ln_beta = c.log_beta
        vob = vega / b
        newton = np.where(lower, (ln_beta - ln_b) * ln_b / ln_beta / vob, newton)
        newton = np.where(lower & ~(b > 0), np.nan, newton)
        halley = np.where(lower, b_halley - vob * (1.0 + 2.0 / ln_b), halley)
        hh3_lower = b_hh3 + 2.0 * vob * vob * (1.0 + 3.0 / ln_b * (1.0 + 1.0 / ln_b))
        hh3 = np.where(lower, hh3_lower - 3.0 * b_halley * vob * (1.0 + 2.0 / ln_b), hh3)

    upper = np.flatnonzero(objective == _LOG_UPPER)
    if upper.size:
        cu, su = c.take(upper), s[upper]
        hu = cu.x / su
        # b_max - b without cancellation: e^(x/2) N(-h - s/2) + e^(-x/2) N(h - s/2).
        gap = cu.b_max * ndtr(-hu - 0.5 * su) + cu.inv_b_max * ndtr(hu - 0.5 * su)
        gp = vega[upper] / gap
        newton[upper] = -np.log((cu.b_max - cu.beta) / gap) / gp
        halley[upper] = b_halley[upper] + gp
        hh3[upper] = b_hh3[upper] + gp * (2.0 * gp + 3.0 * b_halley[upper])

    factor = (1.0 + 0.5 * halley * newton) / (1.0 + newton * (halley + hh3 * newton / 6.0))
    step = np.where((factor > 0) & np.isfinite(factor), newton * factor, newton)
    return np.maximum(step, -0.5 * s)  # never more than halve s in one step


def _solve_normalised(c: _Normalised, noise: FloatArray, *, tol: float, max_iter: int) -> FloatArray:
    """Total volatilities s with b(x, s) = beta, for 0 < beta < b_max; NaN where none was found.

    Every s returned was evaluated and re-prices beta to `_REPRICE_RTOL` (or to `noise`): never an unchecked
    guess. A contract stops once its residual is at the noise of the price evaluation (1e-12 relative), or
    once it re-prices after a step below `tol * s` (Householder steps converge with order four, so that
    point is already accurate to about machine precision).
    """
    s, left, right, objective = _initial_guess(c)
    # Grouping contracts by objective makes its masks contiguous, which numpy selects from far faster.
    index = np.argsort(objective, kind="stable")  # where the contracts still iterating sit in `result`
    c, s, left, right, objective, noise = (
        c.take(index),
        s[index],
        left[index],
        right[index],
        objective[index],
        noise[index],
    )
    n = s.size
    result = np.full(n, np.nan)
    tolerance = np.maximum(_REPRICE_RTOL * c.beta, noise)
    exact = np.maximum(_EXACT_RTOL * c.beta, noise)
    fitted = np.full(n, np.nan)  # each contract's latest s that re-prices within tolerance
    converged = np.zeros(n, dtype=np.bool_)
    reversals = np.zeros(n, dtype=np.int8)
    previous = np.zeros(n)
    for _ in range(max_iter):
        b, vega = c.price(s), c.vega(s)
        residual = b - c.beta
        fits = np.abs(residual) <= tolerance
        fitted = np.where(fits, s, fitted)
        # Narrow the bracket: s / True is s and s / False is inf; s * False is 0.
        right = np.fmin(right, s / (residual > 0))
        left = np.fmax(left, s * (residual < 0))
        finished = fits & (converged | (np.abs(residual) <= exact))

        step = _householder_step(objective, c, s, b, vega)
        bisect = np.where(np.isfinite(right), 0.5 * (left + right), 2.0 * np.maximum(left, s))
        step = np.where(np.isfinite(step) & (vega > 0), step, bisect - s)
        reversals = reversals + (step * previous < 0)
        proposal = s + step
        converged = np.abs(step) <= tol * s
        # Leaving the bracket, or going back and forth, falls back to bisection (as in Jäckel's code).
        fallback = ~converged & (~((proposal > left) & (proposal < right)) | (reversals >= 3))
        proposal = np.where(fallback, bisect, proposal)
        reversals = np.where(fallback, 0, reversals)
        previous = np.where(fallback, 0.0, step)

        finished |= right - left <= 4.0 * _EPS * proposal  # the bracket has closed: keep what fitted
        if not np.any(finished):
            s = proposal
            continue
        result[index[finished]] = fitted[finished]
        going = ~finished
        if not np.any(going):
            return result
        c = c.take(going)
        index, s, left, right, objective = (
            index[going],
            proposal[going],
            left[going],
            right[going],
            objective[going],
        )
        tolerance, exact, fitted, converged = tolerance[going], exact[going], fitted[going], converged[going]
        reversals, previous = reversals[going], previous[going]
    result[index] = fitted
    return result


# --- Per-contract references in plain Python (loop baseline and cross-check)


def _scalar_sign(kind: str) -> float:
    if kind == "call":
        return 1.0
    if kind == "put":
        return -1.0
    raise ValueError(f"option kind must be 'call' or 'put', not {kind!r}")


def _norm_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def bsm_scalar(  # noqa: PLR0917 -- the textbook argument order, positional by convention
    kind: str, spot: float, strike: float, t: float, rate: float, div: float, vol: float
) -> BsmScalarResult:
    """One contract's price and Greeks in plain Python: the reference for `bsm`, with its conventions.

    Args:
        kind: "call" or "put" (or `OptionType`).
        spot: Price of the underlying.
        strike: Strike price.
        t: Time to expiry in years; `t <= 0` means expired.
        rate: Continuously compounded risk-free rate per year.
        div: Continuous dividend yield per year.
        vol: Annualised volatility.

    Returns:
        A `BsmScalarResult`; all NaN for invalid inputs.
    """
    sign = _scalar_sign(kind)
    spot, strike, t, rate, div, vol = (float(v) for v in (spot, strike, t, rate, div, vol))
    if not (math.isfinite(spot + strike + t + rate + div + vol) and spot > 0 and strike > 0 and vol >= 0):
        return BsmScalarResult(*([math.nan] * 6))
    tau = max(t, 0.0)
    sqrt_t = math.sqrt(tau)
    total_vol = vol * sqrt_t
    spot_pv = spot * math.exp(-div * tau)
    strike_pv = strike * math.exp(-rate * tau)
    log_moneyness = math.log(spot / strike) + (rate - div) * tau
    if total_vol > 0:
        d1 = log_moneyness / total_vol + 0.5 * total_vol
    else:
        d1 = math.copysign(math.inf, log_moneyness) if log_moneyness else 0.0
    d2 = d1 - total_vol
    cdf1, cdf2 = _norm_cdf(sign * d1), _norm_cdf(sign * d2)
    density = _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1)
    gamma = spot_pv * density / (spot * spot * total_vol) if total_vol > 0 else 0.0
    decay = -spot_pv * density * vol / (2.0 * sqrt_t) if total_vol > 0 else 0.0
    carry = sign * (div * spot_pv * cdf1 - rate * strike_pv * cdf2)
    return BsmScalarResult(
        price=sign * (spot_pv * cdf1 - strike_pv * cdf2),
        delta=sign * (spot_pv / spot) * cdf1,
        gamma=gamma,
        theta=(decay + carry) / _DAYS_PER_YEAR if t > 0 else 0.0,
        vega=spot_pv * density * sqrt_t * _POINT,
        rho=sign * strike_pv * tau * cdf2 * _POINT,
    )


def _scalar_otm_price(sign: float, spot_pv: float, strike_pv: float, total_vol: float) -> tuple[float, float]:
    """Price and vega per unit of total volatility of a contract, from discounted spot and strike."""
    d1 = math.log(spot_pv / strike_pv) / total_vol + 0.5 * total_vol
    d2 = d1 - total_vol
    price = sign * (spot_pv * _norm_cdf(sign * d1) - strike_pv * _norm_cdf(sign * d2))
    return price, spot_pv * _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1)


def implied_vol_scalar(  # noqa: PLR0917 -- the textbook argument order, positional by convention
    kind: str,
    price: float,
    spot: float,
    strike: float,
    t: float,
    rate: float,
    div: float,
    *,
    tol: float = 1e-12,
    max_iter: int = 200,
) -> float:
    """One contract's implied volatility in plain Python (Newton with bisection): the reference.

    The price is turned into its out-of-the-money equivalent by put-call parity, then Newton steps on the
    volatility are taken inside a bracket that every evaluation narrows, bisecting when a step leaves it.

    Args:
        kind: "call" or "put" (or `OptionType`).
        price: Option price.
        spot: Price of the underlying.
        strike: Strike price.
        t: Time to expiry in years.
        rate: Continuously compounded risk-free rate per year.
        div: Continuous dividend yield per year.
        tol: Relative tolerance on the volatility step.
        max_iter: Most Newton or bisection steps.

    Returns:
        The annualised volatility, or NaN if there is none (same cases as `implied_vol_with_reason`).
    """
    sign = _scalar_sign(kind)
    price, spot, strike, t, rate, div = (float(v) for v in (price, spot, strike, t, rate, div))
    if not (math.isfinite(price + spot + strike + t + rate + div) and spot > 0 and strike > 0 and t > 0):
        return math.nan
    spot_pv = spot * math.exp(-div * t)
    strike_pv = strike * math.exp(-rate * t)
    intrinsic = max(sign * (spot_pv - strike_pv), 0.0)
    if intrinsic > 0:  # in the money: the other kind at the same strike is out of it, by parity
        sign = -sign
    target = price - intrinsic
    upper = spot_pv if sign > 0 else strike_pv
    noise = _PRICE_NOISE * ((spot_pv + strike_pv) if intrinsic > 0 else abs(price))
    if not (noise < target < upper - noise):
        return math.nan
    low, high = 0.0, 1.0
    while _scalar_otm_price(sign, spot_pv, strike_pv, high)[0] < target:
        low, high = high, 2.0 * high
        if high > 1e3:
            return math.nan
    total_vol = min(max(math.sqrt(2.0 * math.pi) * target / math.sqrt(spot_pv * strike_pv), low), high)
    total_vol = total_vol if low < total_vol < high else 0.5 * (low + high)
    for _ in range(max_iter):
        value, vega = _scalar_otm_price(sign, spot_pv, strike_pv, total_vol)
        if value > target:
            high = total_vol
        else:
            low = total_vol
        step = (value - target) / vega if vega > 0 else math.inf
        proposal = total_vol - step
        if not low < proposal < high:
            proposal = 0.5 * (low + high)
        if abs(proposal - total_vol) <= tol * proposal:
            total_vol = proposal
            break
        total_vol = proposal
    else:
        return math.nan
    repriced = _scalar_otm_price(sign, spot_pv, strike_pv, total_vol)[0]
    if abs(repriced - target) > max(_REPRICE_RTOL * target, noise):
        return math.nan
    return total_vol / math.sqrt(t)
