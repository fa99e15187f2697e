"""Reading Yahoo and Backtrader CSV files into bars, the way Backtrader reads them."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import backtrader as bt
import pytest

from console.domain import Timeframe
from console.market.csv_bars import CsvBarsError, read_csv_bars

DATA = Path("/work/shared/data")
ORCL = DATA / "orcl-1995-2014.txt"
DAILY = DATA / "2006-day-001.txt"
FIVE_MINUTES = DATA / "2006-min-005.txt"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason="the shared sample data is not on this machine")


def test_plain_daily_file_values_match_the_file() -> None:
    bars = read_csv_bars(DAILY, "IDX")
    assert len(bars) == 255
    first, last = bars[0], bars[-1]
    assert first.timeframe is Timeframe.DAY_1
    assert first.timestamp.date() == datetime(2006, 1, 2).date()
    assert (first.open, first.high, first.low, first.close) == tuple(
        map(Decimal, ("3578.73", "3605.95", "3578.73", "3604.33"))
    )
    assert last.timestamp.date() == datetime(2006, 12, 29).date()
    assert last.close == Decimal("4119.94")


def test_plain_intraday_file_infers_five_minutes_and_stamps_bar_starts() -> None:
    bars = read_csv_bars(FIVE_MINUTES, "IDX")
    assert bars[0].timeframe is Timeframe.MINUTE_5
    # The file's first row is 09:05, the end of the 09:00-09:05 bar.
    assert bars[0].timestamp == datetime(2006, 1, 2, 9, 0, tzinfo=UTC)
    assert bars[0].close == Decimal("3582.99")
    assert bars[-1].timestamp == datetime(2006, 1, 30, 17, 25, tzinfo=UTC)
    assert bars[-1].close == Decimal("3677.52")
    assert read_csv_bars(FIVE_MINUTES, "IDX", label="start")[0].timestamp == datetime(
        2006, 1, 2, 9, 5, tzinfo=UTC
    )


def yahoo_rows_from_backtrader(path: Path, count: int) -> list[tuple]:
    class Record(bt.Strategy):
        def __init__(self) -> None:
            self.rows: list[tuple] = []

        def next(self) -> None:
            d = self.data
            self.rows.append((d.datetime.date(0), d.open[0], d.high[0], d.low[0], d.close[0], d.volume[0]))

    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.YahooFinanceCSVData(dataname=str(path), todate=datetime(1996, 12, 31)))
    cerebro.addstrategy(Record)
    return cerebro.run()[0].rows[:count]


def test_yahoo_file_reads_exactly_as_backtraders_yahoo_feed() -> None:
    expected = yahoo_rows_from_backtrader(ORCL, 300)
    bars = read_csv_bars(ORCL, "ORCL")[:300]
    ours = [
        (b.timestamp.date(), float(b.open), float(b.high), float(b.low), float(b.close), float(b.volume))
        for b in bars
    ]
    assert ours == expected


def test_yahoo_close_is_the_adjusted_close_rounded() -> None:
    first = read_csv_bars(ORCL, "ORCL")[0]  # 1995-01-03: Close 2.117284, Adj Close 1.883304
    assert first.close == Decimal("1.88")
    assert first.timestamp == datetime(1995, 1, 3, 5, 0, tzinfo=UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


def test_a_bad_number_names_the_file_line_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date,Open,High,Low,Close,Volume,OpenInterest\n2006-01-02,1,2,0.5,1.5,0,0\n2006-01-03,1,abc,0.5,1.5,0,0\n",
    )
    with pytest.raises(CsvBarsError, match=r"^bad\.csv, line 3: the high 'abc' is not a number$") as caught:
        read_csv_bars(path, "X")
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("2006-01-02,1,2,0.5,1.5,0\n", 2, "expected 7 fields, found 6"),
        ("2006-13-02,1,2,0.5,1.5,0,0\n", 2, "is not YYYY-MM-DD"),
        ("2006-01-02,1,2,0.5,3,0,0\n", 2, "high/low do not contain open/close"),
        ("2006-01-03,1,2,0.5,1.5,0,0\n2006-01-02,1,2,0.5,1.5,0,0\n", 3, "is not after the row before it"),
    ],
)
def test_malformed_rows(tmp_path: Path, body: str, line: int, reason: str) -> None:
    path = write(tmp_path, "Date,Open,High,Low,Close,Volume,OpenInterest\n" + body)
    with pytest.raises(CsvBarsError, match=reason) as caught:
        read_csv_bars(path, "X")
    assert caught.value.line == line


def test_unknown_header_and_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CsvBarsError, match="line 1: the header"):
        read_csv_bars(write(tmp_path, "when,price\n2006-01-02,1\n"), "X")
    with pytest.raises(CsvBarsError, match="line 1: the file is empty"):
        read_csv_bars(write(tmp_path, ""), "X")
    with pytest.raises(CsvBarsError, match=r"nope\.csv: the file cannot be read"):
        read_csv_bars(tmp_path / "nope.csv", "X")


def test_yahoo_null_rows_are_skipped_as_backtrader_does(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2020-01-02,10,11,9,10,10,100\n2020-01-03,null,null,null,null,null,null\n2020-01-06,10,12,9,11,11,200\n",
    )
    assert [b.timestamp.day for b in read_csv_bars(path, "X")] == [2, 6]


def test_a_timeframe_that_does_not_fit_the_file_is_refused() -> None:
    with pytest.raises(CsvBarsError, match="daily bars"):
        read_csv_bars(DAILY, "X", Timeframe.MINUTE_5)
    with pytest.raises(CsvBarsError, match="intraday"):
        read_csv_bars(FIVE_MINUTES, "X", Timeframe.DAY_1)
