"""The trading calendar: NYSE regular hours, holidays by rule, and the always-open sim venue."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.market.calendar import (
    NEVER,
    NEW_YORK,
    easter_sunday,
    is_market_open,
    is_trading_day,
    next_close,
    next_open,
    nyse_holidays,
    open_intervals,
    trading_days,
)


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


def test_nyse_2026_holidays_match_the_published_list() -> None:
    assert sorted(nyse_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 1, 19),
        date(2026, 2, 16),
        date(2026, 4, 3),
        date(2026, 5, 25),
        date(2026, 6, 19),
        date(2026, 7, 3),
        date(2026, 9, 7),
        date(2026, 11, 26),
        date(2026, 12, 25),
    ]


def test_independence_day_on_a_saturday_is_observed_on_friday() -> None:
    assert not is_trading_day(date(2026, 7, 3))
    assert not is_market_open(ny(2026, 7, 3, 12, 0), "nyse")


def test_good_friday_is_a_holiday() -> None:
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert not is_market_open(ny(2026, 4, 3, 12, 0), "nyse")
    assert is_market_open(ny(2026, 4, 2, 12, 0), "nyse")


def test_new_year_on_a_saturday_is_not_observed_on_the_friday_before() -> None:
    assert date(2022, 1, 1).weekday() == 5
    assert is_trading_day(date(2021, 12, 31))
    assert date(2021, 12, 31) not in nyse_holidays(2021)


def test_christmas_and_new_year_on_sunday_move_to_monday() -> None:
    assert date(2022, 12, 26) in nyse_holidays(2022)
    assert date(2023, 1, 2) in nyse_holidays(2023)


def test_juneteenth_only_from_2022() -> None:
    assert date(2021, 6, 18) not in nyse_holidays(2021)
    assert date(2022, 6, 20) in nyse_holidays(2022)  # the 19th was a Sunday


def test_weekends_are_closed() -> None:
    assert not is_market_open(ny(2026, 1, 10, 12, 0), "nyse")  # Saturday
    assert not is_market_open(ny(2026, 1, 11, 12, 0), "nyse")  # Sunday


@pytest.mark.parametrize(
    ("day", "utc_open_hour"),
    [(date(2026, 1, 6), 14), (date(2026, 7, 7), 13)],
    ids=["EST", "EDT"],
)
def test_session_boundaries_in_winter_and_summer_time(day: date, utc_open_hour: int) -> None:
    open_utc = datetime(day.year, day.month, day.day, utc_open_hour, 30, tzinfo=UTC)
    close_utc = open_utc + timedelta(hours=6, minutes=30)
    second = timedelta(seconds=1)
    assert not is_market_open(open_utc - second, "nyse")
    assert is_market_open(open_utc, "nyse")
    assert is_market_open(close_utc - second, "nyse")
    assert not is_market_open(close_utc, "nyse")


def test_next_open_and_close_over_a_holiday_weekend() -> None:
    thursday_evening = ny(2026, 7, 2, 17, 0)  # Friday 3 July is the observed holiday
    assert next_open(thursday_evening, "nyse") == ny(2026, 7, 6, 9, 30)
    assert next_close(thursday_evening, "nyse") == ny(2026, 7, 6, 16, 0)


def test_next_open_when_open_is_the_next_session() -> None:
    assert next_open(ny(2026, 1, 6, 9, 30), "nyse") == ny(2026, 1, 7, 9, 30)
    assert next_close(ny(2026, 1, 6, 9, 30), "nyse") == ny(2026, 1, 6, 16, 0)
    assert next_open(ny(2026, 1, 6, 9, 29), "nyse") == ny(2026, 1, 6, 9, 30)


def test_always_open_calendar() -> None:
    saturday = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)
    assert is_market_open(saturday, "always")
    assert next_open(saturday, "always") == saturday
    assert next_close(saturday, "always") == NEVER


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        is_market_open(datetime(2026, 1, 6, 12, 0), "nyse")


def test_trading_days_agree_with_is_trading_day() -> None:
    days = trading_days(date(2025, 11, 1), date(2026, 1, 31)).tolist()
    expected = [
        date(2025, 11, 1) + timedelta(days=i)
        for i in range(92)
        if is_trading_day(date(2025, 11, 1) + timedelta(days=i))
    ]
    assert days == expected
    assert len(trading_days(date(2026, 1, 1), date(2026, 12, 31))) == 251


def test_open_intervals_cover_only_regular_hours() -> None:
    intervals = open_intervals(ny(2026, 1, 9, 15, 0), ny(2026, 1, 12, 10, 0), "nyse")
    assert intervals == [
        (ny(2026, 1, 9, 15, 0).astimezone(UTC), ny(2026, 1, 9, 16, 0).astimezone(UTC)),
        (ny(2026, 1, 12, 9, 30).astimezone(UTC), ny(2026, 1, 12, 10, 0).astimezone(UTC)),
    ]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)))
def test_next_open_is_open_and_follows_a_closed_moment(ts: datetime) -> None:
    opening = next_open(ts, "nyse")
    assert opening > ts
    assert is_market_open(opening, "nyse")
    assert not is_market_open(opening - timedelta(microseconds=1), "nyse")
    closing = next_close(ts, "nyse")
    assert closing > ts
    assert not is_market_open(closing, "nyse")
    assert is_market_open(closing - timedelta(microseconds=1), "nyse")
