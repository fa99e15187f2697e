"""When the market is open: an always-open venue, or NYSE regular hours computed from the holiday rules.

The sim venue needs a trading calendar offline and for any year (backtests, the history generator, the
live tape with ``sim.calendar: nyse``), so the NYSE full-day holidays are computed from their rules rather
than read from a published list. Early closes (1 pm) and one-off closures (national days of mourning,
storms) are not modelled: a session is always 9:30-16:00 America/New_York on a trading day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

NEW_YORK = ZoneInfo("America/New_York")
SESSION_OPEN = time(9, 30)
SESSION_CLOSE = time(16, 0)
SESSION_MINUTES = 390
"""Minutes in a regular session (9:30-16:00)."""

CalendarName = Literal["always", "nyse"]
NEVER = datetime.max.replace(tzinfo=UTC)
"""``next_close`` of an always-open market: it never closes."""

_MONDAY, _THURSDAY, _FRIDAY, _SATURDAY, _SUNDAY = 0, 3, 4, 5, 6
_MLK_FIRST_YEAR = 1998
_JUNETEENTH_FIRST_YEAR = 2022


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of a month (n=1 is the first); n=-1 is the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _observed(day: date) -> date:
    """NYSE weekend observance: Saturday moves to Friday, Sunday to Monday."""
    if day.weekday() == _SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == _SUNDAY:
        return day + timedelta(days=1)
    return day


@lru_cache(maxsize=256)
def nyse_holidays(year: int) -> frozenset[date]:
    """NYSE full-day holidays of ``year``, as observed.

    New Year's Day falling on a Saturday is not observed on the Friday before (NYSE rule 7.2), so it is
    the one holiday that can vanish.
    """
    days: list[date | None] = []
    new_year = date(year, 1, 1)
    days.append(new_year + timedelta(days=1) if new_year.weekday() == _SUNDAY else None)
    if new_year.weekday() < _SATURDAY:
        days.append(new_year)
    if year >= _MLK_FIRST_YEAR:
        days.append(_nth_weekday(year, 1, _MONDAY, 3))
    days.append(_nth_weekday(year, 2, _MONDAY, 3))
    days.append(easter_sunday(year) - timedelta(days=2))
    days.append(_nth_weekday(year, 5, _MONDAY, -1))
    if year >= _JUNETEENTH_FIRST_YEAR:
        days.append(_observed(date(year, 6, 19)))
    days.append(_observed(date(year, 7, 4)))
    days.append(_nth_weekday(year, 9, _MONDAY, 1))
    days.append(_nth_weekday(year, 11, _THURSDAY, 4))
    days.append(_observed(date(year, 12, 25)))
    return frozenset(d for d in days if d is not None and d.year == year)


def is_trading_day(day: date) -> bool:
    """True for a weekday that is not an NYSE holiday."""
    return day.weekday() < _SATURDAY and day not in nyse_holidays(day.year)


def trading_days(first: date, last: date) -> np.ndarray:
    """NYSE trading days in [first, last], as a sorted ``datetime64[D]`` array (vectorised)."""
    if last < first:
        return np.empty(0, dtype="datetime64[D]")
    holidays = sorted(h for year in range(first.year, last.year + 1) for h in nyse_holidays(year))
    calendar = np.busdaycalendar(weekmask="1111100", holidays=np.array(holidays, dtype="datetime64[D]"))
    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    return days[np.is_busday(days, busdaycal=calendar)]


def session_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC open and close of the regular session on ``day`` (whether or not it trades)."""
    open_ = datetime.combine(day, SESSION_OPEN, NEW_YORK).astimezone(UTC)
    close = datetime.combine(day, SESSION_CLOSE, NEW_YORK).astimezone(UTC)
    return open_, close


def _require_aware(ts: datetime) -> None:
    if ts.tzinfo is None:
        raise ValueError(f"{ts.isoformat()} has no timezone; calendar times must be timezone-aware")


def is_market_open(ts: datetime, calendar: CalendarName) -> bool:
    """Whether the regular session is open at ``ts``.

    Args:
        ts: a timezone-aware instant.
        calendar: ``always`` (open every second) or ``nyse`` (9:30 inclusive to 16:00 exclusive,
            America/New_York, on NYSE trading days).

    Raises:
        ValueError: ``ts`` is naive.
    """
    _require_aware(ts)
    if calendar == "always":
        return True
    local = ts.astimezone(NEW_YORK)
    return is_trading_day(local.date()) and SESSION_OPEN <= local.time() < SESSION_CLOSE


def _sessions_from(day: date) -> list[tuple[datetime, datetime]]:
    """Trading sessions starting with ``day``, enough to cover the longest run of closed days."""
    sessions: list[tuple[datetime, datetime]] = []
    while len(sessions) < 2:
        if is_trading_day(day):
            sessions.append(session_bounds(day))
        day += timedelta(days=1)
    return sessions


def next_open(ts: datetime, calendar: CalendarName) -> datetime:
    """The first session open strictly after ``ts`` (tomorrow's when the market is open now), in UTC.

    An always-open market returns ``ts`` itself (in UTC): it is open already.

    Raises:
        ValueError: ``ts`` is naive.
    """
    _require_aware(ts)
    if calendar == "always":
        return ts.astimezone(UTC)
    for open_, _close in _sessions_from(ts.astimezone(NEW_YORK).date()):
        if open_ > ts:
            return open_
    raise AssertionError("unreachable: two consecutive sessions always contain a later open")


def next_close(ts: datetime, calendar: CalendarName) -> datetime:
    """The first session close strictly after ``ts`` (today's when the market is open now), in UTC.

    An always-open market never closes: it returns ``NEVER`` (``datetime.max`` in UTC).

    Raises:
        ValueError: ``ts`` is naive.
    """
    _require_aware(ts)
    if calendar == "always":
        return NEVER
    for _open, close in _sessions_from(ts.astimezone(NEW_YORK).date()):
        if close > ts:
            return close
    raise AssertionError("unreachable: two consecutive sessions always contain a later close")


def open_intervals(start: datetime, end: datetime, calendar: CalendarName) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) when the market is open, as UTC (open, close) pairs in order.

    Raises:
        ValueError: ``start`` or ``end`` is naive.
    """
    _require_aware(start)
    _require_aware(end)
    if end <= start:
        return []
    if calendar == "always":
        return [(start.astimezone(UTC), end.astimezone(UTC))]
    intervals = []
    day = start.astimezone(NEW_YORK).date()
    last = end.astimezone(NEW_YORK).date()
    while day <= last:
        if is_trading_day(day):
            open_, close = session_bounds(day)
            lo, hi = max(open_, start), min(close, end)
            if lo < hi:
                intervals.append((lo.astimezone(UTC), hi.astimezone(UTC)))
        day += timedelta(days=1)
    return intervals
