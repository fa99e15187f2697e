"""Bars from the CSV layouts Backtrader reads natively ("bring your own CSV" history for backtests).

Two layouts are recognised by their header row:

* **Yahoo** ``Date,Open,High,Low,Close,Adj Close,Volume``, read exactly as Backtrader's
  ``YahooFinanceCSVData`` reads it with its default parameters (``adjclose=True, adjvolume=True,
  round=True, decimals=2``): with ``factor = Close / Adj Close``, open, high and low are divided by the
  factor, the close *is* the adjusted close, volume is multiplied by the factor, prices are rounded to two
  decimals and volume to a whole number; rows holding ``null`` are skipped. So a backtest on these bars
  sees the same numbers as one on Backtrader's own feed.
* **Backtrader CSV** ``Date,Open,High,Low,Close,Volume,OpenInterest``, with an optional ``Time`` column
  after ``Date`` for intraday bars; values are taken as written.

Timestamps are UTC. A daily bar is stamped at midnight New York time of its date (the convention of
``bars``). Intraday times are read in ``tz`` (UTC by default) and, as in Backtrader, mark the bar's
*end* (the sample 5-minute file runs 09:05..17:30), so by default a bar's ``timestamp`` (its start) is
the file's time minus the timeframe; pass ``label="start"`` for files stamped at the start.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from console.domain import Bar, Timeframe
from console.market.bars import daily_bar_timestamp

_YAHOO = ("date", "open", "high", "low", "close", "adj close", "volume")
_DAILY = ("date", "open", "high", "low", "close", "volume", "openinterest")
_INTRADAY = ("date", "time", "open", "high", "low", "close", "volume", "openinterest")
_CENT = Decimal("0.01")
_INTRADAY_FRAMES = {tf.seconds: tf for tf in Timeframe if tf is not Timeframe.DAY_1}


class CsvBarsError(ValueError):
    """A CSV file that cannot be read as bars; the message names the file, the line and the reason."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = path.name if line is None else f"{path.name}, line {line}"
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.reason = path, line, reason


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    when: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


def read_csv_bars(
    path: Path,
    symbol: str,
    timeframe: Timeframe | None = None,
    *,
    tz: tzinfo = UTC,
    label: Literal["end", "start"] = "end",
) -> list[Bar]:
    """Read the bars of ``symbol`` from a Yahoo or Backtrader CSV file, oldest first.

    Args:
        path: the file.
        symbol: the symbol to put on each bar.
        timeframe: the bar size; inferred when None (daily layouts: ``1Day``; intraday: the most common
            spacing of consecutive bars within a day).
        tz: the timezone of intraday times in the file.
        label: whether an intraday time marks the bar's end (Backtrader's convention) or its start.

    Returns:
        The bars.

    Raises:
        CsvBarsError: the file cannot be read, its header is neither layout, a row is malformed or out of
            order, or the timeframe does not fit the file.
    """
    try:
        with path.open(newline="") as handle:
            lines = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as error:
        raise CsvBarsError(path, None, f"the file cannot be read ({error})") from None
    if not lines:
        raise CsvBarsError(path, 1, "the file is empty; expected a header row")
    header = tuple(name.strip().lower() for name in lines[0])
    if header == _YAHOO:
        rows = list(_yahoo_rows(path, lines))
    elif header in (_DAILY, _INTRADAY):
        rows = list(_plain_rows(path, lines, intraday=header == _INTRADAY, tz=tz))
    else:
        raise CsvBarsError(
            path,
            1,
            f"the header {','.join(lines[0])!r} is neither Yahoo ({','.join(_YAHOO)}) nor "
            f"Backtrader's ({','.join(_INTRADAY)}, with or without time)",
        )
    _check_order(path, rows)
    intraday = header == _INTRADAY
    frame = _timeframe(path, rows, intraday, timeframe)
    shift = timedelta(seconds=frame.seconds) if intraday and label == "end" else timedelta(0)
    return [_bar(path, row, symbol, frame, row.when - shift) for row in rows]


def _data_lines(path: Path, lines: list[list[str]], width: int) -> Iterator[tuple[int, list[str]]]:
    for number, tokens in enumerate(lines[1:], start=2):
        if not tokens or all(not token.strip() for token in tokens):
            continue
        if len(tokens) != width:
            raise CsvBarsError(path, number, f"expected {width} fields, found {len(tokens)}")
        yield number, [token.strip() for token in tokens]


def _yahoo_rows(path: Path, lines: list[list[str]]) -> Iterator[_Row]:
    for number, tokens in _data_lines(path, lines, len(_YAHOO)):
        if "null" in tokens[1:]:
            continue  # as Backtrader does: a row with a missing value is skipped
        day = _date(path, number, tokens[0])
        o, h, l_, c, adjusted, v = (
            _float(path, number, name, token) for name, token in zip(_YAHOO[1:], tokens[1:], strict=True)
        )
        if adjusted == 0:
            raise CsvBarsError(path, number, "the adjusted close is 0, so the adjustment factor is undefined")
        factor = c / adjusted
        o, h, l_, c, v = o / factor, h / factor, l_ / factor, adjusted, v * factor
        yield _Row(
            number,
            datetime.combine(day, time()),
            _decimal_2dp(o),
            _decimal_2dp(h),
            _decimal_2dp(l_),
            _decimal_2dp(c),
            Decimal(int(round(v, 0))),
        )


def _plain_rows(path: Path, lines: list[list[str]], *, intraday: bool, tz: tzinfo) -> Iterator[_Row]:
    names = _INTRADAY if intraday else _DAILY
    for number, tokens in _data_lines(path, lines, len(names)):
        day = _date(path, number, tokens[0])
        clock = _time(path, number, tokens[1]) if intraday else time()
        values = tokens[2:7] if intraday else tokens[1:6]
        o, h, l_, c, v = (
            _exact(path, number, name, token) for name, token in zip(names[-6:-1], values, strict=True)
        )
        when = datetime.combine(day, clock, tz).astimezone(UTC) if intraday else datetime.combine(day, clock)
        yield _Row(number, when, o, h, l_, c, v)


def _date(path: Path, line: int, token: str) -> date:
    try:
        return date.fromisoformat(token[:10])
    except ValueError:
        raise CsvBarsError(path, line, f"the date {token!r} is not YYYY-MM-DD") from None


def _time(path: Path, line: int, token: str) -> time:
    try:
        return time.fromisoformat(token)
    except ValueError:
        raise CsvBarsError(path, line, f"the time {token!r} is not HH:MM:SS") from None


def _float(path: Path, line: int, name: str, token: str) -> float:
    try:
        return float(token)
    except ValueError:
        raise CsvBarsError(path, line, f"the {name} {token!r} is not a number") from None


def _exact(path: Path, line: int, name: str, token: str) -> Decimal:
    try:
        value = Decimal(token)
    except InvalidOperation:
        raise CsvBarsError(path, line, f"the {name} {token!r} is not a number") from None
    if not value.is_finite():
        raise CsvBarsError(path, line, f"the {name} {token!r} is not a finite number")
    return value


def _decimal_2dp(value: float) -> Decimal:
    """Backtrader's ``round(value, 2)`` on the float, as an exact two-decimal Decimal."""
    return Decimal(repr(round(value, 2))).quantize(_CENT)


def _check_order(path: Path, rows: list[_Row]) -> None:
    for previous, row in pairwise(rows):
        if row.when <= previous.when:
            raise CsvBarsError(path, row.line, f"{row.when:%Y-%m-%d %H:%M} is not after the row before it")


def _timeframe(path: Path, rows: list[_Row], intraday: bool, wanted: Timeframe | None) -> Timeframe:
    if not intraday:
        if wanted not in (None, Timeframe.DAY_1):
            raise CsvBarsError(path, None, f"the file holds daily bars, not {wanted}")
        return Timeframe.DAY_1
    if wanted is not None:
        if wanted is Timeframe.DAY_1:
            raise CsvBarsError(path, None, "the file holds intraday bars, not 1Day")
        return wanted
    same_day = (b.when - a.when for a, b in pairwise(rows) if a.when.date() == b.when.date())
    gaps = Counter(int(gap.total_seconds()) for gap in same_day)
    if not gaps:
        raise CsvBarsError(path, None, "too few bars to infer the timeframe; pass it explicitly")
    spacing = gaps.most_common(1)[0][0]
    if spacing not in _INTRADAY_FRAMES:
        raise CsvBarsError(
            path, None, f"bars are {spacing} seconds apart, which is not a supported timeframe"
        )
    return _INTRADAY_FRAMES[spacing]


def _bar(path: Path, row: _Row, symbol: str, timeframe: Timeframe, start: datetime) -> Bar:
    stamp = daily_bar_timestamp(start.date()) if timeframe is Timeframe.DAY_1 else start
    try:
        return Bar(
            symbol=symbol,
            timeframe=timeframe,
            timestamp=stamp,
            open=row.open,
            high=row.high,
            low=row.low,
            close=row.close,
            volume=row.volume,
        )
    except ValidationError as error:
        reason = "; ".join(str(detail["msg"]) for detail in error.errors())
        raise CsvBarsError(path, row.line, reason.removeprefix("Value error, ")) from None
