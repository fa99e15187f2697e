"""Specification of console.options.greeks: BSM prices, Greeks and implied volatility for option chains.

Reference values come from Hull ("Options, Futures and Other Derivatives") at their printed precision and,
to full precision, from the same closed forms evaluated in 160-digit `decimal` arithmetic below.
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.enums import OptionType
from console.options.greeks import (
    BsmResult,
    IvReason,
    bsm,
    bsm_scalar,
    explain_iv_reason,
    implied_vol,
    implied_vol_scalar,
    implied_vol_with_reason,
)

GREEKS = ("price", "delta", "gamma", "theta", "vega", "rho")

# --- 160-digit reference -------------------------------------------------------------------------------

_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863")


def _erf(z: Decimal) -> Decimal:
    """Maclaurin series of erf, exact to the 160-digit context for the |z| < 11 used here."""
    assert abs(z) < 11, "the series needs more digits beyond |z| = 11"
    total = term = z
    n = 0
    while True:
        n += 1
        term = -term * z * z / n
        addend = term / (2 * n + 1)
        total += addend
        if abs(addend) < Decimal(10) ** -170:
            return 2 * total / _PI.sqrt()


def _cdf(x: Decimal) -> Decimal:
    return (1 + _erf(x / Decimal(2).sqrt())) / 2


def _pdf(x: Decimal) -> Decimal:
    return (-(x * x) / 2).exp() / (2 * _PI).sqrt()


def reference_bsm(kind: str, spot: float, strike: float, t: float, rate: float, div: float, vol: float):
    """Price and Greeks (units of `bsm`) from the textbook closed forms, in 160-digit arithmetic."""
    with localcontext() as ctx:
        ctx.prec = 160
        s, k, tau, r, q, v = (Decimal(x) for x in (spot, strike, t, rate, div, vol))
        sign = 1 if kind == "call" else -1
        sqrt_t = tau.sqrt()
        d1 = ((s / k).ln() + (r - q + v * v / 2) * tau) / (v * sqrt_t)
        d2 = d1 - v * sqrt_t
        spot_pv = s * (-q * tau).exp()
        strike_pv = k * (-r * tau).exp()
        n1, n2 = _cdf(sign * d1), _cdf(sign * d2)
        values = {
            "price": sign * (spot_pv * n1 - strike_pv * n2),
            "delta": sign * (-q * tau).exp() * n1,
            "gamma": (-q * tau).exp() * _pdf(d1) / (s * v * sqrt_t),
            "theta": (-spot_pv * _pdf(d1) * v / (2 * sqrt_t) + sign * (q * spot_pv * n1 - r * strike_pv * n2))
            / 365,
            "vega": spot_pv * _pdf(d1) * sqrt_t / 100,
            "rho": sign * strike_pv * tau * n2 / 100,
        }
        return {name: float(value) for name, value in values.items()}


# --- Textbook values ------------------------------------------------------------------------------------


def test_hull_example_prices_match_the_printed_values():
    # Hull, Example 15.6: S=42, K=40, r=10%, sigma=20%, T=0.5 -> c = 4.76, p = 0.81.
    assert round(float(bsm("call", 42, 40, 0.5, 0.10, 0.0, 0.20).price), 2) == 4.76
    assert round(float(bsm("put", 42, 40, 0.5, 0.10, 0.0, 0.20).price), 2) == 0.81


def test_hull_greeks_example_matches_the_printed_values():
    # Hull, Greeks chapter: S=49, K=50, r=5%, sigma=20%, T=0.3846 (20 weeks), call.
    greeks = bsm("call", 49, 50, 0.3846, 0.05, 0.0, 0.20)
    assert round(float(greeks.delta), 3) == 0.522
    assert round(float(greeks.gamma), 3) == 0.066
    assert round(float(greeks.theta) * 365, 2) == -4.31  # per year in the book
    assert round(float(greeks.theta), 4) == -0.0118  # per calendar day here
    assert round(float(greeks.vega) * 100, 1) == 12.1  # per unit of vol in the book
    assert round(float(greeks.vega), 3) == 0.121  # per volatility point here
    assert round(float(greeks.rho) * 100, 2) == 8.91
    assert round(float(greeks.rho), 4) == 0.0891


REFERENCE_CONTRACTS = [
    ("call", 42.0, 40.0, 0.5, 0.10, 0.0, 0.20),  # Hull 15.6
    ("put", 42.0, 40.0, 0.5, 0.10, 0.0, 0.20),
    ("call", 49.0, 50.0, 0.3846, 0.05, 0.0, 0.20),  # Hull's Greeks example
    ("put", 49.0, 50.0, 0.3846, 0.05, 0.0, 0.20),
    ("call", 100.0, 95.0, 0.25, 0.03, 0.02, 0.35),  # with a dividend yield
    ("put", 100.0, 130.0, 2.0, -0.005, 0.01, 0.25),  # negative rate
    ("call", 100.0, 160.0, 0.08, 0.0, 0.0, 0.60),  # zero rate, out of the money
    ("put", 3500.0, 2900.0, 1.5, 0.045, 0.015, 0.18),
]


@pytest.mark.parametrize("contract", REFERENCE_CONTRACTS, ids=lambda c: f"{c[0]}-K{c[2]:g}-T{c[3]:g}")
def test_price_and_greeks_match_the_high_precision_reference(contract):
    result = bsm(*contract)
    expected = reference_bsm(*contract)
    for name in GREEKS:
        assert float(getattr(result, name)) == pytest.approx(expected[name], rel=1e-11, abs=1e-14), name


@pytest.mark.parametrize("contract", REFERENCE_CONTRACTS, ids=lambda c: f"{c[0]}-K{c[2]:g}-T{c[3]:g}")
def test_scalar_reference_matches_the_high_precision_reference(contract):
    result = bsm_scalar(*contract)
    expected = reference_bsm(*contract)
    for name in GREEKS:
        assert getattr(result, name) == pytest.approx(expected[name], rel=1e-11, abs=1e-14), name


FAR_OUT_OF_THE_MONEY = [
    ("call", 100.0, 130.0, 7 / 365, 0.02, 0.0, 0.2),
    ("put", 100.0, 90.0, 3 / 365, 0.0, 0.01, 0.15),
    ("call", 100.0, 104.0, 1 / 365, 0.03, 0.0, 0.05),  # price ~1e-52
]


@pytest.mark.parametrize("contract", FAR_OUT_OF_THE_MONEY, ids=lambda c: f"{c[0]}-K{c[2]:g}")
def test_far_out_of_the_money_prices_keep_full_relative_precision(contract):
    result = bsm(*contract)
    expected = reference_bsm(*contract)
    assert 0 < expected["price"] < 1e-8
    assert float(result.price) == pytest.approx(expected["price"], rel=1e-12)
    for name in GREEKS[1:]:
        assert float(getattr(result, name)) == pytest.approx(expected[name], rel=1e-9), name


# --- Invariants over grids ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grid():
    """Both kinds over strikes 0.5-2x spot, 1 day-5 years, vols 5%-200%, rates -1%-10%, yields 0 and 2%."""
    axes = np.meshgrid(
        [True, False],
        100.0 * np.geomspace(0.5, 2.0, 31),
        np.geomspace(1 / 365, 5.0, 19),
        np.geomspace(0.05, 2.0, 19),
        [-0.01, 0.0, 0.04, 0.10],
        [0.0, 0.02],
        indexing="ij",
    )
    is_call, strike, t, vol, rate, div = (a.ravel() for a in axes)
    return {"is_call": is_call, "spot": 100.0, "strike": strike, "t": t, "vol": vol, "rate": rate, "div": div}


def _price(g, vol=None, **changes):
    args = {**g, **changes}
    return bsm(args["is_call"], args["spot"], args["strike"], args["t"], args["rate"], args["div"], vol).price


def test_put_call_parity_holds_over_the_grid(grid):
    call = bsm(True, 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], grid["vol"]).price
    put = bsm(False, 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], grid["vol"]).price
    forward_value = 100.0 * np.exp(-grid["div"] * grid["t"]) - grid["strike"] * np.exp(
        -grid["rate"] * grid["t"]
    )
    assert np.all(np.abs((call - put) - forward_value) <= 1e-12 * (100.0 + grid["strike"]))


def test_prices_stay_within_no_arbitrage_bounds_over_the_grid(grid):
    result = bsm(grid["is_call"], 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], grid["vol"])
    spot_pv = 100.0 * np.exp(-grid["div"] * grid["t"])
    strike_pv = grid["strike"] * np.exp(-grid["rate"] * grid["t"])
    sign = np.where(grid["is_call"], 1.0, -1.0)
    slack = 1e-12 * (spot_pv + strike_pv)
    assert np.all(result.price >= np.maximum(sign * (spot_pv - strike_pv), 0.0) - slack)
    assert np.all(result.price <= np.where(grid["is_call"], spot_pv, strike_pv) + slack)
    assert np.all(result.gamma >= 0) and np.all(result.vega >= 0)
    assert np.all(np.abs(result.delta) <= 1.0)


def test_vector_bsm_matches_the_scalar_reference_over_the_grid(grid):
    picks = np.random.default_rng(11).choice(grid["strike"].size, 2_000, replace=False)
    result = bsm(grid["is_call"], 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], grid["vol"])
    for i in picks:
        kind = "call" if grid["is_call"][i] else "put"
        scalar = bsm_scalar(
            kind, 100.0, grid["strike"][i], grid["t"][i], grid["rate"][i], grid["div"][i], grid["vol"][i]
        )
        for name in GREEKS:
            assert getattr(result, name)[i] == pytest.approx(getattr(scalar, name), rel=1e-10, abs=1e-13)


@pytest.fixture(scope="module")
def moderate_contracts():
    """Contracts where finite differences are well conditioned."""
    axes = np.meshgrid(
        [True, False],
        [70.0, 95.0, 100.0, 140.0],
        [0.05, 0.5, 2.0],
        [0.1, 0.3, 0.8],
        [-0.01, 0.05],
        [0.0, 0.03],
        indexing="ij",
    )
    is_call, strike, t, vol, rate, div = (a.ravel() for a in axes)
    return is_call, 100.0, strike, t, rate, div, vol


def _close(numeric, analytic):
    """Central differences agree to 1e-6 relative, or 1e-8 absolute for Greeks near zero."""
    return np.abs(numeric - analytic) <= 1e-6 * np.abs(analytic) + 1e-8


def test_greeks_match_finite_differences_of_the_price(moderate_contracts):
    is_call, spot, strike, t, rate, div, vol = moderate_contracts
    at = bsm(is_call, spot, strike, t, rate, div, vol)

    def price(**bumped):
        args = {"spot": spot, "t": t, "rate": rate, "vol": vol} | bumped
        return bsm(is_call, args["spot"], strike, args["t"], args["rate"], div, args["vol"]).price

    def delta(s):
        return bsm(is_call, s, strike, t, rate, div, vol).delta

    h_spot, h_t, h_rate, h_vol = 1e-5 * spot, 1e-6, 1e-6, 1e-6
    delta_fd = (price(spot=spot + h_spot) - price(spot=spot - h_spot)) / (2 * h_spot)
    gamma_fd = (delta(spot + h_spot) - delta(spot - h_spot)) / (2 * h_spot)
    theta_fd = -(price(t=t + h_t) - price(t=t - h_t)) / (2 * h_t) / 365  # per calendar day
    vega_fd = (price(vol=vol + h_vol) - price(vol=vol - h_vol)) / (2 * h_vol) * 0.01  # per point
    rho_fd = (price(rate=rate + h_rate) - price(rate=rate - h_rate)) / (2 * h_rate) * 0.01  # per point
    assert np.all(_close(delta_fd, at.delta))
    assert np.all(_close(gamma_fd, at.gamma))
    assert np.all(_close(theta_fd, at.theta))
    assert np.all(_close(vega_fd, at.vega))
    assert np.all(_close(rho_fd, at.rho))


# --- Implied volatility ---------------------------------------------------------------------------------

ROUND_TRIP_RTOL = 1e-8
"""A returned vol must re-price the input to this relative tolerance: |P(iv) - P| <= 1e-8 * P."""

UNIDENTIFIABLE = {IvReason.AT_INTRINSIC, IvReason.ABOVE_UPPER_BOUND, IvReason.NO_CONVERGENCE}
"""Reasons a model price may legitimately give no vol: it sits on a bound (intrinsic value, or the upper
bound at very high vol) to float precision, or it barely depends on vol."""


def _bump_sensitivity(g, price):
    """|P(1.01 vol) - P(vol)|: how much the price says about the vol at all."""
    bumped = bsm(g["is_call"], 100.0, g["strike"], g["t"], g["rate"], g["div"], g["vol"] * 1.01).price
    return np.abs(bumped - price)


@pytest.fixture(scope="module")
def grid_round_trip(grid):
    price = bsm(
        grid["is_call"], 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], grid["vol"]
    ).price
    vols, reasons = implied_vol_with_reason(
        grid["is_call"], price, 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"]
    )
    return price, vols, reasons


def test_every_implied_vol_returned_reprices_its_price(grid, grid_round_trip):
    price, vols, _ = grid_round_trip
    found = ~np.isnan(vols)
    assert found.mean() > 0.8
    repriced = bsm(grid["is_call"], 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], vols).price
    assert np.all(np.abs(repriced[found] - price[found]) <= ROUND_TRIP_RTOL * price[found])


def test_implied_vol_is_nan_only_where_the_price_does_not_determine_the_vol(grid, grid_round_trip):
    # Not identifiable: a 1% change of vol moves the price by less than 1e-12 of spot (float noise of the
    # price itself, e.g. deep in the money near expiry, or an out-of-the-money price that underflowed to 0).
    price, vols, reasons = grid_round_trip
    missing = np.isnan(vols)
    assert np.all(_bump_sensitivity(grid, price)[missing] <= 1e-12 * 100.0)
    assert set(np.unique(reasons[missing])) <= UNIDENTIFIABLE


def test_implied_vol_recovers_the_vol_wherever_the_price_determines_it(grid, grid_round_trip):
    price, vols, reasons = grid_round_trip
    clear = (_bump_sensitivity(grid, price) > 1e-4 * price) & (price > 1e-250)
    assert clear.sum() > 0.5 * clear.size
    assert np.all(reasons[clear] == IvReason.OK)
    np.testing.assert_allclose(vols[clear], grid["vol"][clear], rtol=1e-9)


def test_implied_vol_agrees_with_the_scalar_reference():
    rng = np.random.default_rng(5)
    n = 300
    is_call = rng.random(n) < 0.5
    strike = 100.0 * np.exp(rng.uniform(np.log(0.6), np.log(1.6), n))
    t = np.exp(rng.uniform(np.log(7 / 365), np.log(3.0), n))
    vol = rng.uniform(0.08, 1.2, n)
    rate, div = rng.uniform(-0.01, 0.08, n), rng.uniform(0.0, 0.04, n)
    price = bsm(is_call, 100.0, strike, t, rate, div, vol).price
    clear = np.abs(bsm(is_call, 100.0, strike, t, rate, div, 1.01 * vol).price - price) > 1e-6 * price
    assert clear.mean() > 0.8
    vector = implied_vol(is_call, price, 100.0, strike, t, rate, div)
    for i in np.flatnonzero(clear):
        kind = "call" if is_call[i] else "put"
        scalar = implied_vol_scalar(kind, price[i], 100.0, strike[i], t[i], rate[i], div[i])
        assert vector[i] == pytest.approx(scalar, rel=1e-8), i
        assert vector[i] == pytest.approx(vol[i], rel=1e-8), i


def test_at_the_forward_money_contracts_round_trip():
    # ln(F/K) == 0 exactly takes the closed-form branch.
    vols = np.array([0.01, 0.2, 1.0, 3.0])
    price = bsm(["call", "put", "call", "put"], 100.0, 100.0, 0.75, 0.02, 0.02, vols).price
    np.testing.assert_allclose(
        implied_vol(["call", "put", "call", "put"], price, 100.0, 100.0, 0.75, 0.02, 0.02), vols, rtol=1e-12
    )


@pytest.mark.parametrize("rate", [0.0, -0.01, -0.05])
def test_implied_vol_round_trips_at_zero_and_negative_rates(rate):
    strike = np.array([60.0, 90.0, 100.0, 110.0, 180.0])
    for kind in ("call", "put"):
        price = bsm(kind, 100.0, strike, 1.0, rate, 0.0, 0.3).price
        np.testing.assert_allclose(implied_vol(kind, price, 100.0, strike, 1.0, rate, 0.0), 0.3, rtol=1e-10)


def test_deep_out_of_the_money_short_dated_prices_still_invert():
    # Prices down to ~1e-120 of spot: the solver works on logs there, so they keep full relative precision.
    strike = np.array([101.0, 104.0, 106.0])
    price = bsm("call", 100.0, strike, 1 / 365, 0.03, 0.0, 0.05).price
    assert np.all(price > 0) and price.min() < 1e-100
    np.testing.assert_allclose(implied_vol("call", price, 100.0, strike, 1 / 365, 0.03, 0.0), 0.05, rtol=1e-9)


def test_long_dated_high_vol_prices_near_the_upper_bound_invert():
    strike = np.array([50.0, 100.0, 200.0])
    price = bsm("call", 100.0, strike, 5.0, 0.05, 0.0, 2.0).price
    assert np.all(price > 0.95 * 100.0)
    np.testing.assert_allclose(implied_vol("call", price, 100.0, strike, 5.0, 0.05, 0.0), 2.0, rtol=1e-9)


# --- Implied volatility: no answer, and why ---------------------------------------------------------------


def test_a_price_below_discounted_intrinsic_is_nan_below_intrinsic():
    intrinsic = 100.0 * math.exp(-0.01 * 0.5) - 80.0 * math.exp(-0.05 * 0.5)
    vols, reasons = implied_vol_with_reason("call", [0.99 * intrinsic, -1.0], 100.0, 80.0, 0.5, 0.05, 0.01)
    assert np.all(np.isnan(vols))
    assert list(reasons) == [IvReason.BELOW_INTRINSIC, IvReason.BELOW_INTRINSIC]


def test_a_price_at_or_above_the_upper_bound_is_nan_above_upper_bound():
    call_bound = 100.0 * math.exp(-0.01 * 0.5)
    put_bound = 120.0 * math.exp(-0.05 * 0.5)
    vols, reasons = implied_vol_with_reason(
        ["call", "call", "put", "put"],
        [call_bound, 1.01 * call_bound, put_bound, 1.01 * put_bound],
        100.0,
        120.0,
        0.5,
        0.05,
        0.01,
    )
    assert np.all(np.isnan(vols))
    assert np.all(reasons == IvReason.ABOVE_UPPER_BOUND)


def test_a_price_with_no_time_value_is_nan_at_intrinsic():
    intrinsic = 100.0 * math.exp(-0.01 * 0.5) - 80.0 * math.exp(-0.05 * 0.5)
    vols, reasons = implied_vol_with_reason(["call", "put"], [intrinsic, 0.0], 100.0, 80.0, 0.5, 0.05, 0.01)
    assert np.all(np.isnan(vols))
    assert np.all(reasons == IvReason.AT_INTRINSIC)


@pytest.mark.parametrize("t", [0.0, -0.1])
def test_an_expired_contract_is_nan_expired(t):
    vol, reason = implied_vol_with_reason("call", 5.0, 100.0, 100.0, t, 0.05, 0.0)
    assert np.isnan(vol) and reason == IvReason.EXPIRED


@pytest.mark.parametrize(
    "args", [(math.nan, 100.0, 100.0), (5.0, 0.0, 100.0), (5.0, 100.0, -1.0), (5.0, math.inf, 100.0)]
)
def test_invalid_inputs_are_nan_invalid_input(args):
    price, spot, strike = args
    vol, reason = implied_vol_with_reason("put", price, spot, strike, 1.0, 0.05, 0.0)
    assert np.isnan(vol) and reason == IvReason.INVALID_INPUT


def test_a_contract_not_solved_within_max_iter_is_nan_no_convergence_never_a_guess(grid):
    price = _price(grid, vol=grid["vol"])
    vols, reasons = implied_vol_with_reason(
        grid["is_call"], price, 100.0, grid["strike"], grid["t"], grid["rate"], grid["div"], max_iter=1
    )
    assert np.any(reasons == IvReason.NO_CONVERGENCE)
    assert np.all(np.isnan(vols[reasons == IvReason.NO_CONVERGENCE]))
    found = ~np.isnan(vols)
    repriced = _price(grid, vol=vols)
    assert np.all(np.abs(repriced[found] - price[found]) <= ROUND_TRIP_RTOL * price[found])


def test_every_reason_reads_as_a_distinct_sentence():
    sentences = [explain_iv_reason(reason) for reason in IvReason]
    assert len(set(sentences)) == len(IvReason)
    assert all(s.endswith(".") and s[0].isupper() for s in sentences)
    assert explain_iv_reason(np.int8(IvReason.EXPIRED)) == explain_iv_reason(IvReason.EXPIRED)
    with pytest.raises(ValueError):
        explain_iv_reason(99)


def test_scalar_implied_vol_is_nan_for_the_same_arbitrage_cases():
    assert math.isnan(implied_vol_scalar("call", 19.0, 100.0, 80.0, 0.5, 0.0, 0.0))  # below intrinsic 20
    assert math.isnan(implied_vol_scalar("call", 100.0, 100.0, 80.0, 0.5, 0.0, 0.0))  # at the upper bound
    assert math.isnan(implied_vol_scalar("put", 0.0, 100.0, 80.0, 0.5, 0.0, 0.0))
    assert math.isnan(implied_vol_scalar("put", 1.0, 100.0, 80.0, 0.0, 0.0, 0.0))


# --- Edge cases of the model ------------------------------------------------------------------------------


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("t", [0.0, -0.5])
def test_an_expired_contract_is_worth_its_intrinsic_value_with_step_delta(t, no_warnings):
    strike = np.array([90.0, 100.0, 110.0])
    call = bsm("call", 100.0, strike, t, 0.05, 0.02, 0.3)
    put = bsm("put", 100.0, strike, t, 0.05, 0.02, 0.3)
    np.testing.assert_array_equal(call.price, [10.0, 0.0, 0.0])
    np.testing.assert_array_equal(put.price, [0.0, 0.0, 10.0])
    np.testing.assert_array_equal(call.delta, [1.0, 0.5, 0.0])  # 0.5 at the strike: the t -> 0 limit
    np.testing.assert_array_equal(put.delta, [0.0, -0.5, -1.0])
    for name in ("gamma", "theta", "vega", "rho"):
        np.testing.assert_array_equal(getattr(call, name), 0.0)
        np.testing.assert_array_equal(getattr(put, name), 0.0)


def test_values_approach_expiry_continuously_away_from_the_strike(no_warnings):
    strike = np.array([80.0, 95.0, 105.0, 120.0])
    for kind in ("call", "put"):
        near = bsm(kind, 100.0, strike, 1e-10, 0.05, 0.02, 0.3)
        at = bsm(kind, 100.0, strike, 0.0, 0.05, 0.02, 0.3)
        np.testing.assert_allclose(near.price, at.price, atol=1e-7)
        np.testing.assert_allclose(near.delta, at.delta, atol=1e-7)
        np.testing.assert_allclose(near.gamma, 0.0, atol=1e-7)
        np.testing.assert_allclose(near.vega, 0.0, atol=1e-7)


def test_at_the_strike_near_expiry_gamma_is_large_but_finite(no_warnings):
    near = bsm("call", 100.0, 100.0, 1e-8, 0.0, 0.0, 0.2)
    assert np.isfinite(near.gamma) and near.gamma > 100.0
    assert float(near.delta) == pytest.approx(0.5, abs=1e-4)


def test_with_no_vol_the_price_is_the_discounted_intrinsic_value_of_the_forward(no_warnings):
    t, rate, div = 0.5, 0.03, 0.03
    forward = 100.0  # rate == div, so the middle strike is exactly at the forward
    strike = np.array([80.0, forward, 120.0])
    call = bsm("call", 100.0, strike, t, rate, div, 0.0)
    put = bsm("put", 100.0, strike, t, rate, div, 0.0)
    value = math.exp(-rate * t) * np.maximum(forward - strike, 0.0)
    np.testing.assert_allclose(call.price, value, atol=1e-12)
    np.testing.assert_allclose(put.price, math.exp(-rate * t) * np.maximum(strike - forward, 0.0), atol=1e-12)
    np.testing.assert_allclose(call.delta, [math.exp(-div * t), 0.5 * math.exp(-div * t), 0.0])
    np.testing.assert_array_equal(call.gamma, 0.0)
    assert np.all(np.isfinite(call.vega)) and call.vega[0] == 0.0 and call.vega[2] == 0.0


def test_tiny_vol_matches_zero_vol(no_warnings):
    strike = np.array([80.0, 99.0, 101.0, 120.0])
    for kind in ("call", "put"):
        tiny = bsm(kind, 100.0, strike, 0.5, 0.03, 0.0, 1e-12)
        zero = bsm(kind, 100.0, strike, 0.5, 0.03, 0.0, 0.0)
        np.testing.assert_allclose(tiny.price, zero.price, atol=1e-12)
        np.testing.assert_allclose(tiny.delta, zero.delta, atol=1e-12)


def test_extreme_strikes_price_without_nan_or_warnings(no_warnings):
    strike = np.array([1e-8, 1e-3, 1e3, 1e8])
    call = bsm("call", 100.0, strike, 1.0, 0.05, 0.02, 0.3)
    put = bsm("put", 100.0, strike, 1.0, 0.05, 0.02, 0.3)
    for result in (call, put):
        for name in GREEKS:
            assert np.all(np.isfinite(getattr(result, name))), name
    np.testing.assert_allclose(call.price[:2], 100.0 * math.exp(-0.02) - strike[:2] * math.exp(-0.05))
    np.testing.assert_allclose(put.price[2:], strike[2:] * math.exp(-0.05) - 100.0 * math.exp(-0.02))
    assert np.all(call.price[2:] >= 0) and np.all(put.price[:2] >= 0)


def test_implied_vol_of_edge_prices_raises_no_warnings(no_warnings):
    implied_vol_with_reason(
        ["call", "put", "call", "put", "call"],
        [0.0, -1.0, 1e-300, 1e9, math.nan],
        100.0,
        [1e-8, 1e8, 200.0, 100.0, 100.0],
        [1e-9, 10.0, 1 / 365, 0.0, 1.0],
        [-0.05, 0.2, 0.0, 0.05, 0.05],
        0.0,
    )


def test_invalid_inputs_give_nan_greeks():
    result = bsm(
        "call", [100.0, -1.0, 100.0, 100.0], [100.0, 100.0, 0.0, 100.0], 1.0, 0.05, 0.0, [0.2, 0.2, 0.2, -0.1]
    )
    for name in GREEKS:
        values = getattr(result, name)
        assert np.isfinite(values[0]) and np.all(np.isnan(values[1:])), name


# --- Kinds, shapes and types ------------------------------------------------------------------------------


def test_kinds_may_be_strings_option_types_or_an_is_call_mask():
    args = (100.0, [90.0, 110.0], 0.5, 0.03, 0.0, 0.25)
    expected = bsm(["call", "put"], *args).price
    np.testing.assert_array_equal(bsm([OptionType.CALL, OptionType.PUT], *args).price, expected)
    np.testing.assert_array_equal(
        bsm(np.array([OptionType.CALL, OptionType.PUT], dtype=object), *args).price, expected
    )
    np.testing.assert_array_equal(bsm(np.array([True, False]), *args).price, expected)
    assert bsm(OptionType.PUT, *args).price[1] == expected[1]


def test_an_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="call"):
        bsm("straddle", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)
    with pytest.raises(ValueError, match="call"):
        implied_vol(["call", "Call"], 5.0, 100.0, 100.0, 1.0, 0.0, 0.0)
    with pytest.raises(TypeError):
        bsm(np.array([1, -1]), 100.0, 100.0, 1.0, 0.0, 0.0, 0.2)


def test_scalars_in_give_0d_arrays_out():
    result = bsm("call", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2)
    assert isinstance(result, BsmResult)
    for name in GREEKS:
        value = getattr(result, name)
        assert isinstance(value, np.ndarray) and value.shape == () and value.dtype == np.float64
    vol, reason = implied_vol_with_reason("call", result.price, 100.0, 100.0, 1.0, 0.05, 0.0)
    assert vol.shape == () and reason.shape == () and float(vol) == pytest.approx(0.2, rel=1e-12)
    assert implied_vol("call", result.price, 100.0, 100.0, 1.0, 0.05, 0.0).shape == ()


def test_arguments_broadcast_like_numpy_operands():
    strikes = np.linspace(80.0, 120.0, 5)
    expiries = np.array([[0.1], [0.5], [1.0]])
    result = bsm("put", 100.0, strikes, expiries, 0.03, 0.01, 0.2)
    assert result.price.shape == (3, 5)
    vols, reasons = implied_vol_with_reason("put", result.price, 100.0, strikes, expiries, 0.03, 0.01)
    assert vols.shape == reasons.shape == (3, 5)
    np.testing.assert_allclose(vols, 0.2, rtol=1e-10)


def test_the_result_is_immutable():
    result = bsm("call", 100.0, 100.0, 1.0, 0.05, 0.0, 0.2)
    with pytest.raises(AttributeError):
        result.price = np.asarray(0.0)  # type: ignore[misc]


# --- Properties -------------------------------------------------------------------------------------------

contracts = st.tuples(
    st.sampled_from(["call", "put"]),
    st.floats(1.0, 5_000.0),  # spot
    st.floats(0.3, 3.0),  # strike / spot
    st.floats(1 / 365, 10.0),  # t
    st.floats(-0.02, 0.15),  # rate
    st.floats(0.0, 0.08),  # div
    st.floats(0.02, 3.0),  # vol
)


@settings(max_examples=300, deadline=None)
@given(contracts)
def test_property_vector_and_scalar_agree(contract):
    kind, spot, moneyness, t, rate, div, vol = contract
    args = (kind, spot, spot * moneyness, t, rate, div, vol)
    vector, scalar = bsm(*args), bsm_scalar(*args)
    for name in GREEKS:
        assert float(getattr(vector, name)) == pytest.approx(
            getattr(scalar, name), rel=1e-9, abs=1e-12 * spot
        )


@settings(max_examples=300, deadline=None)
@given(contracts)
def test_property_implied_vol_reprices_or_is_nan_only_when_unidentifiable(contract):
    kind, spot, moneyness, t, rate, div, vol = contract
    strike = spot * moneyness
    price = float(bsm(kind, spot, strike, t, rate, div, vol).price)
    iv, reason = implied_vol_with_reason(kind, price, spot, strike, t, rate, div)
    if np.isnan(iv):
        bumped = float(bsm(kind, spot, strike, t, rate, div, 1.01 * vol).price)
        assert abs(bumped - price) <= 1e-12 * spot
        assert IvReason(int(reason)) in UNIDENTIFIABLE
    else:
        repriced = float(bsm(kind, spot, strike, t, rate, div, iv).price)
        assert abs(repriced - price) <= ROUND_TRIP_RTOL * price


@settings(max_examples=200, deadline=None)
@given(contracts, st.floats(-0.5, 2.0))
def test_property_any_returned_vol_reprices_an_arbitrary_price(contract, fraction):
    # Arbitrary prices, many of them arbitrage-violating: a vol is either NaN or right.
    kind, spot, moneyness, t, rate, div, _ = contract
    strike = spot * moneyness
    upper = spot * math.exp(-div * t) if kind == "call" else strike * math.exp(-rate * t)
    price = fraction * upper
    iv, reason = implied_vol_with_reason(kind, price, spot, strike, t, rate, div)
    if np.isnan(iv):
        assert reason != IvReason.OK
    else:
        repriced = float(bsm(kind, spot, strike, t, rate, div, iv).price)
        assert abs(repriced - price) <= ROUND_TRIP_RTOL * price
