"""The quote book: latest quote and trade per symbol, board rows, and safety across threads."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from console.domain import Quote, Trade
from console.market.quote_book import SPARKLINE_POINTS, QuoteBook

T0 = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def quote(symbol: str, bid: str, ask: str, seconds: float = 0) -> Quote:
    return Quote(
        symbol=symbol,
        bid=Decimal(bid),
        ask=Decimal(ask),
        bid_size=Decimal(100),
        ask_size=Decimal(200),
        timestamp=T0 + timedelta(seconds=seconds),
    )


def trade(symbol: str, price: str, size: int = 100, seconds: float = 0) -> Trade:
    return Trade(
        symbol=symbol, price=Decimal(price), size=Decimal(size), timestamp=T0 + timedelta(seconds=seconds)
    )


def test_latest_quote_and_trade_per_symbol() -> None:
    book = QuoteBook()
    book.update_quote(quote("AAPL", "10.00", "10.02", 1))
    book.update_quote(quote("AAPL", "10.01", "10.03", 2))
    book.update_quote(quote("AAPL", "9.00", "9.02", 0))  # older: ignored
    book.update_trade(trade("AAPL", "10.02", seconds=2))
    assert book.quote("AAPL") == quote("AAPL", "10.01", "10.03", 2)
    assert book.last("AAPL") == trade("AAPL", "10.02", seconds=2)
    assert book.quote("MSFT") is None
    assert book.last("MSFT") is None


def test_row_change_is_measured_from_the_first_trade_of_the_day() -> None:
    book = QuoteBook()
    book.update_quote(quote("AAPL", "9.99", "10.01"))
    book.update_trade(trade("AAPL", "10.00", 100, 1))
    book.update_trade(trade("AAPL", "10.50", 300, 2))
    row = book.snapshot()["AAPL"]
    assert (row.bid, row.ask, row.last) == (Decimal("9.99"), Decimal("10.01"), Decimal("10.50"))
    assert row.change == Decimal("0.50")
    assert row.pct_change == Decimal("5.00")
    assert row.volume == 400


def test_a_new_new_york_day_resets_open_and_volume() -> None:
    book = QuoteBook()
    book.update_trade(trade("AAPL", "10.00", 100))
    book.update_trade(trade("AAPL", "11.00", 50, 24 * 3600))
    row = book.snapshot()["AAPL"]
    assert row.change == 0
    assert row.volume == 50


def test_a_session_open_set_by_the_broker_wins() -> None:
    book = QuoteBook()
    book.set_session_open("AAPL", Decimal("8.00"))
    book.update_trade(trade("AAPL", "10.00"))
    row = book.snapshot()["AAPL"]
    assert row.change == Decimal("2.00")
    assert row.pct_change == Decimal("25.00")


def test_last_is_the_mid_before_any_trade() -> None:
    book = QuoteBook()
    book.update_quote(quote("AAPL", "10.00", "10.02"))
    row = book.snapshot()["AAPL"]
    assert row.last == Decimal("10.01")
    assert row.change is None


def test_sparkline_keeps_one_point_a_minute_and_is_bounded() -> None:
    book = QuoteBook()
    for minute in range(SPARKLINE_POINTS + 30):
        book.update_trade(trade("AAPL", "10.00", seconds=minute * 60))
        book.update_trade(trade("AAPL", f"{10 + minute % 7}.25", seconds=minute * 60 + 30))
    spark = book.snapshot()["AAPL"].sparkline
    assert len(spark) == SPARKLINE_POINTS
    assert spark[-1] == 10 + (SPARKLINE_POINTS + 29) % 7 + 0.25


def test_concurrent_writers_and_readers_see_whole_rows() -> None:
    book = QuoteBook()
    symbols = [f"S{i}" for i in range(8)]
    errors: list[BaseException] = []
    done = threading.Event()

    def write(symbol: str) -> None:
        for i in range(500):
            book.update_quote(quote(symbol, "10.00", "10.02", i))
            book.update_trade(trade(symbol, "10.01", 1, i))

    def read() -> None:
        try:
            while not done.wait(0.001):
                for row in book.snapshot().values():
                    assert row.bid is None or row.ask is None or row.bid < row.ask
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(s,)) for s in symbols]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in readers:
        thread.join()
    assert not errors
    rows = book.snapshot()
    assert set(rows) == set(symbols)
    assert all(row.volume == 500 for row in rows.values())


def test_take_changed_returns_only_symbols_updated_since_the_last_call() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from console.domain import Quote
    from console.market.quote_book import QuoteBook

    book = QuoteBook()
    ts = datetime(2026, 1, 5, 15, tzinfo=UTC)
    for symbol in ("AAPL", "MSFT"):
        book.update_quote(Quote(symbol=symbol, bid=Decimal(1), ask=Decimal(2), timestamp=ts))
    assert set(book.take_changed()) == {"AAPL", "MSFT"}
    assert book.take_changed() == {}
    book.update_quote(Quote(symbol="MSFT", bid=Decimal(1), ask=Decimal(3), timestamp=ts))
    assert book.take_changed()["MSFT"].ask == Decimal(3)
