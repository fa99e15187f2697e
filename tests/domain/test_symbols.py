"""OCC option symbols and ticker validation."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain import OptionContract, OptionType, SymbolError, format_occ, parse_occ
from console.domain.symbols import validate_symbol


def test_parse_alpaca_style_symbol() -> None:
    occ = parse_occ("AAPL240119C00190000")
    assert (occ.root, occ.expiry, occ.option_type, occ.strike) == (
        "AAPL",
        date(2024, 1, 19),
        OptionType.CALL,
        Decimal(190),
    )


def test_parse_padded_osi_symbol_and_fractional_strike() -> None:
    occ = parse_occ("SPY   250321P00412500")
    assert occ.root == "SPY"
    assert occ.strike == Decimal("412.5")
    assert occ.format() == "SPY250321P00412500"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("AAPL240119X00190000", "not an OCC option symbol"),
        ("AAPL241319C00190000", "impossible expiry"),
        ("AAPL240119C0019000", "not an OCC option symbol"),
        ("TOOLONGROOT240119C00190000", "not an OCC option symbol"),
        ("AAPL240119C00000000", "zero strike"),
    ],
)
def test_bad_symbols_are_rejected_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(SymbolError, match=reason):
        parse_occ(text)


roots = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6)
expiries = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
strikes = st.integers(min_value=1, max_value=99_999_999).map(lambda m: Decimal(m) / 1000)


@given(roots, expiries, st.sampled_from(list(OptionType)), strikes)
def test_every_valid_symbol_round_trips(root: str, expiry: date, kind: OptionType, strike: Decimal) -> None:
    symbol = format_occ(root, expiry, kind, strike)
    occ = parse_occ(symbol)
    assert (occ.root, occ.expiry, occ.option_type, occ.strike) == (root, expiry, kind, strike)
    assert occ.format() == symbol


def test_format_refuses_unrepresentable_strike() -> None:
    with pytest.raises(SymbolError, match="at most 3 decimals"):
        format_occ("AAPL", date(2025, 1, 17), OptionType.CALL, Decimal("190.0001"))


def test_contract_from_symbol() -> None:
    contract = OptionContract.from_symbol("MSFT250620P00400000")
    assert contract.underlying == "MSFT"
    assert contract.option_type is OptionType.PUT
    assert contract.multiplier == 100


@pytest.mark.parametrize("text", ["aapl", "BRK.B", "BF/B", "SPY"])
def test_tickers_are_upper_cased(text: str) -> None:
    assert validate_symbol(text) == text.upper()


@pytest.mark.parametrize("text", ["", "A APL", "1ABC", "TOOLONGX", "AAPL$"])
def test_bad_tickers_are_rejected(text: str) -> None:
    with pytest.raises(SymbolError):
        validate_symbol(text)
