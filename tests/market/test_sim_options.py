"""Simulated option listings and chains."""

import itertools
import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain import GreeksSource, OptionChain, OptionType, parse_occ
from console.market.sim_options import option_expirations, sim_option_chain, strike_spacing

NOW = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
EXPIRY = date(2026, 2, 20)
RATE = 0.04


@pytest.fixture(scope="module")
def chain() -> OptionChain:
    return sim_option_chain("AAPL", EXPIRY, Decimal("190.37"), 0.3, NOW, rate=RATE)


def by_strike(chain: OptionChain) -> dict[Decimal, dict[OptionType, object]]:
    rows: dict[Decimal, dict[OptionType, object]] = {}
    for quote in chain.quotes:
        rows.setdefault(quote.contract.strike, {})[quote.contract.option_type] = quote
    return rows


def test_strikes_straddle_spot_at_the_listed_spacing(chain: OptionChain) -> None:
    strikes = sorted(by_strike(chain))
    assert len(strikes) == 31
    assert strikes[0] < Decimal("190.37") < strikes[-1]
    assert strikes[15] == Decimal("190.0")
    assert {b - a for a, b in itertools.pairwise(strikes)} == {Decimal("2.5")}


@pytest.mark.parametrize(
    ("spot", "spacing"), [(12.0, "0.5"), (60.0, "1"), (150.0, "2.5"), (450.0, "5"), (2500.0, "10")]
)
def test_strike_spacing_grows_with_price(spot: float, spacing: str) -> None:
    assert strike_spacing(spot) == Decimal(spacing)


def test_every_strike_has_a_call_and_a_put_with_valid_symbols(chain: OptionChain) -> None:
    for strike, kinds in by_strike(chain).items():
        assert set(kinds) == {OptionType.CALL, OptionType.PUT}
        for kind, quote in kinds.items():
            occ = parse_occ(quote.contract.symbol)  # type: ignore[attr-defined]
            assert (occ.root, occ.expiry, occ.option_type, occ.strike) == ("AAPL", EXPIRY, kind, strike)


def test_quotes_carry_computed_greeks_and_implied_volatility(chain: OptionChain) -> None:
    for quote in chain.quotes:
        assert quote.greeks is not None
        assert quote.greeks_source is GreeksSource.COMPUTED
        assert quote.implied_volatility is not None and quote.implied_volatility > 0
        assert quote.bid is not None and quote.ask is not None
        assert 0 <= quote.bid < quote.ask
        tick = Decimal("0.01") if quote.ask < 3 else Decimal("0.05")
        assert quote.ask % tick == 0
        sign = 1 if quote.contract.option_type is OptionType.CALL else -1
        assert 0 <= sign * quote.greeks.delta <= 1


def test_put_call_parity_holds_on_mid_prices(chain: OptionChain) -> None:
    years = (datetime(2026, 2, 20, 21, 0, tzinfo=UTC) - NOW).total_seconds() / (365 * 86400)
    for strike, kinds in by_strike(chain).items():
        call, put = kinds[OptionType.CALL], kinds[OptionType.PUT]
        mid = {q: (q.bid + q.ask) / 2 for q in (call, put)}  # type: ignore[attr-defined]
        parity = 190.37 - float(strike) * math.exp(-RATE * years)
        assert float(mid[call] - mid[put]) == pytest.approx(parity, abs=0.15)


def test_implied_volatility_is_skewed_out_of_the_money_puts_above_calls(chain: OptionChain) -> None:
    rows = by_strike(chain)
    strikes = sorted(rows)
    low_put = rows[strikes[2]][OptionType.PUT]
    high_call = rows[strikes[-3]][OptionType.CALL]
    assert low_put.implied_volatility > high_call.implied_volatility  # type: ignore[attr-defined]
    put_ivs = [rows[k][OptionType.PUT].implied_volatility for k in strikes[:16]]  # type: ignore[attr-defined]
    assert put_ivs == sorted(put_ivs, reverse=True)


def test_activity_peaks_near_the_money_and_is_deterministic(chain: OptionChain) -> None:
    again = sim_option_chain("AAPL", EXPIRY, Decimal("190.37"), 0.3, NOW, rate=RATE)
    assert again == chain
    interest = [q.open_interest for q in chain.quotes]
    near = interest[24:38]
    wings = interest[:14] + interest[-14:]
    assert sum(near) / len(near) > 2 * sum(wings) / len(wings)
    assert all(q.contract.open_interest == q.open_interest for q in chain.quotes)


def test_the_smile_moves_with_the_underlying() -> None:
    low = sim_option_chain("AAPL", EXPIRY, Decimal("100.00"), 0.3, NOW)
    high = sim_option_chain("AAPL", EXPIRY, Decimal("200.00"), 0.3, NOW, strikes_each_side=15)
    atm_low = next(
        q for q in low.quotes if q.contract.strike == 100 and q.contract.option_type is OptionType.CALL
    )
    atm_high = next(
        q for q in high.quotes if q.contract.strike == 200 and q.contract.option_type is OptionType.CALL
    )
    assert atm_low.implied_volatility == pytest.approx(atm_high.implied_volatility, rel=1e-9)


def test_an_expired_expiry_has_no_chain() -> None:
    with pytest.raises(ValueError, match="passed"):
        sim_option_chain("AAPL", date(2026, 1, 2), Decimal(190), 0.3, NOW)


def test_expirations_are_weekly_and_monthly_fridays() -> None:
    expirations = option_expirations(date(2026, 1, 5))
    assert expirations[:8] == [date(2026, 1, 9 + 7 * i) for i in range(4)] + [
        date(2026, 2, 6),
        date(2026, 2, 13),
        date(2026, 2, 20),
        date(2026, 2, 27),
    ]
    assert expirations[8:] == [date(2026, 3, 20), date(2026, 4, 17), date(2026, 5, 15), date(2026, 6, 18)]


def test_a_holiday_friday_expires_on_the_thursday_before() -> None:
    assert date(2026, 4, 2) in option_expirations(date(2026, 3, 30))  # Good Friday 2026-04-03
    assert date(2026, 6, 18) in option_expirations(date(2026, 6, 1))  # Juneteenth, the third Friday


@settings(max_examples=50)
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 10), st.integers(0, 8)
)
def test_expirations_are_distinct_sorted_and_not_in_the_past(
    today: date, weeklies: int, monthlies: int
) -> None:
    expirations = option_expirations(today, weeklies=weeklies, monthlies=monthlies)
    assert expirations == sorted(set(expirations))
    assert all(day >= today and day.weekday() in (3, 4) for day in expirations)
    assert weeklies <= len(expirations) <= weeklies + monthlies
