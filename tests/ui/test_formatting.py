"""Golden strings for how the panes write prices, quantities, money, percentages and times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from console.ui.formatting import (
    format_clock_et,
    format_money,
    format_percent,
    format_price,
    format_qty,
    format_time_et,
    percent_of,
    truncate_start,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("190.12", "190.12"),
        ("190.125", "190.13"),  # half-up, not banker's rounding
        ("190.115", "190.12"),
        ("190", "190.00"),
        ("1234.5", "1,234.50"),
        ("0.4567", "0.4567"),
        ("0.12345", "0.1235"),
        ("0.99995", "1.00"),  # rounds up into the two-decimal range
        ("1", "1.00"),
        ("-0.5", "-0.5000"),  # a multi-leg net credit
        ("-0.00001", "0.0000"),  # never "-0.0000"
    ],
)
def test_prices_have_two_decimals_or_four_below_one(value: str, expected: str) -> None:
    assert format_price(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", "10"),
        ("10.000", "10"),
        ("0.5", "0.5"),
        ("0.125000", "0.125"),
        ("1E+2", "100"),
        ("1500", "1,500"),
        ("-1500", "-1,500"),
        ("-0", "0"),
    ],
)
def test_quantities_drop_trailing_zeros(value: str, expected: str) -> None:
    assert format_qty(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        ("100000", False, "100,000.00"),
        ("1234.565", False, "1,234.57"),
        ("1234.565", True, "+1,234.57"),
        ("-12.3", False, "-12.30"),
        ("-12.3", True, "-12.30"),
        ("0", True, "0.00"),
        ("-0.001", True, "0.00"),
        ("-1234567.891", True, "-1,234,567.89"),
    ],
)
def test_money_has_cents_separators_and_an_optional_sign(value: str, signed: bool, expected: str) -> None:
    assert format_money(Decimal(value), signed=signed) == expected


@pytest.mark.parametrize(
    ("value", "signed", "expected"),
    [
        ("1.255", True, "+1.26%"),
        ("-0.4", True, "-0.40%"),
        ("0", True, "0.00%"),
        ("1.5", False, "1.50%"),
        ("1234.5", True, "+1,234.50%"),
    ],
)
def test_percentages_have_two_decimals(value: str, signed: bool, expected: str) -> None:
    assert format_percent(Decimal(value), signed=signed) == expected


@pytest.mark.parametrize("formatter", [format_price, format_qty, format_money, format_percent])
def test_nothing_formats_as_an_empty_string(formatter: object) -> None:
    assert formatter(None) == ""  # type: ignore[operator]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (Decimal(50), Decimal(200), Decimal(25)),
        (Decimal(50), Decimal(-1250), Decimal(4)),  # a short's cost basis is negative
        (Decimal(1), Decimal(0), None),
        (None, Decimal(1), None),
        (Decimal(1), None, None),
    ],
)
def test_percent_of(part: Decimal | None, whole: Decimal | None, expected: Decimal | None) -> None:
    assert percent_of(part, whole) == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (datetime(2024, 3, 5, 19, 31, 5, tzinfo=UTC), "14:31:05"),  # EST, UTC-5
        (datetime(2024, 7, 5, 18, 31, 5, tzinfo=UTC), "14:31:05"),  # EDT, UTC-4
        (datetime(2024, 7, 5, 18, 31, 5), "14:31:05"),  # naive: taken as UTC
    ],
)
def test_times_are_new_york_wall_clock(timestamp: datetime, expected: str) -> None:
    assert format_time_et(timestamp) == expected


def test_the_clock_names_its_zone() -> None:
    assert format_clock_et(datetime(2024, 3, 5, 19, 31, 5, tzinfo=UTC)) == "14:31:05 ET"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("man.s4k2jd.17", 16, "man.s4k2jd.17"),
        ("sma_rsi_long_name.s4k2jd.17", 16, "…_name.s4k2jd.17"),
        ("abcdef", 6, "abcdef"),
    ],
)
def test_truncate_start_keeps_the_end(text: str, width: int, expected: str) -> None:
    assert truncate_start(text, width) == expected
    assert len(truncate_start(text, width)) <= width
