"""The simulated tape: deterministic, well-formed quotes and trades, bars as minutes complete."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain import Bar, Quote, Timeframe, Trade
from console.market.bars import resample
from console.market.calendar import is_market_open
from console.market.history import sim_history
from console.market.sim_generator import DEFAULT_START, SimMarket
from console.market.sim_ticks import SECONDS_PER_TRADING_YEAR, SymbolProcess
from console.settings_schema import SimSettings, SimSymbol

SYMBOLS = ["AAPL", "MSFT", "SPY"]
CENT = Decimal("0.01")


def sim_settings(seed: int = 7, calendar: str = "always") -> SimSettings:
    return SimSettings(
        seed=seed,
        calendar=calendar,  # type: ignore[arg-type]
        symbols={"AAPL": SimSymbol(price=Decimal("190.00"), vol=0.3)},
    )


def run(market: SimMarket, steps: list[float]) -> list[Quote | Trade | Bar]:
    return [event for seconds in steps for event in market.step(seconds)]


def of(events: list, symbol: str) -> list:
    return [event for event in events if event.symbol == symbol]


@pytest.fixture(scope="module")
def tape() -> list[Quote | Trade | Bar]:
    return run(SimMarket(sim_settings(), SYMBOLS), [30.0] * 10)


def test_same_seed_start_and_steps_give_the_same_tape(tape: list) -> None:
    assert run(SimMarket(sim_settings(), SYMBOLS), [30.0] * 10) == tape


def test_a_different_seed_gives_a_different_tape(tape: list) -> None:
    assert run(SimMarket(sim_settings(seed=8), SYMBOLS), [30.0] * 10) != tape


def test_adding_a_symbol_does_not_change_another_symbols_tape(tape: list) -> None:
    alone = run(SimMarket(sim_settings(), ["MSFT"]), [30.0] * 10)
    assert alone == of(tape, "MSFT")


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(0.0, 40.0), min_size=1, max_size=12))
def test_how_time_is_cut_into_steps_does_not_change_the_tape(cuts: list[float]) -> None:
    stepped = SimMarket(sim_settings(), ["AAPL", "SPY"])
    events = run(stepped, cuts)
    once = SimMarket(sim_settings(), ["AAPL", "SPY"])
    assert once.step((stepped.now - once.now).total_seconds()) == events
    assert once.now == stepped.now


def test_quotes_are_positive_crossed_never_and_on_the_cent(tape: list) -> None:
    quotes = [e for e in tape if isinstance(e, Quote)]
    assert len(quotes) > 3 * 300 * 3  # several quotes a second a symbol
    for quote in quotes:
        assert 0 < quote.bid < quote.ask
        assert quote.bid % CENT == 0
        assert quote.ask % CENT == 0
        assert quote.bid_size % 100 == 0
        assert quote.ask_size % 100 == 0
        assert quote.bid_size > 0
        assert quote.ask_size > 0


def test_trades_print_at_or_between_the_quote_they_follow(tape: list) -> None:
    latest: dict[str, Quote] = {}
    trades = 0
    for event in tape:
        if isinstance(event, Quote):
            latest[event.symbol] = event
        elif isinstance(event, Trade):
            quote = latest[event.symbol]
            assert quote.bid <= event.price <= quote.ask
            assert event.timestamp == quote.timestamp
            assert event.size > 0
            trades += 1
    assert trades > 0


def completion_time(event: Quote | Trade | Bar) -> datetime:
    return event.timestamp + timedelta(minutes=1) if isinstance(event, Bar) else event.timestamp


def test_events_come_in_time_order(tape: list) -> None:
    times = [completion_time(e) for e in tape]
    assert times == sorted(times)
    assert all(DEFAULT_START < t <= DEFAULT_START + timedelta(seconds=300) for t in times)


def test_minute_bars_appear_when_their_minute_completes() -> None:
    market = SimMarket(sim_settings(), ["AAPL"])
    first = market.step(59.9)
    assert not any(isinstance(e, Bar) for e in first)
    second = market.step(0.1)
    bars = [e for e in second if isinstance(e, Bar)]
    assert [b.timestamp for b in bars] == [DEFAULT_START]
    trades = [
        e
        for e in first + second
        if isinstance(e, Trade) and e.timestamp < DEFAULT_START + timedelta(minutes=1)
    ]
    bar = bars[0]
    assert bar.open == trades[0].price
    assert bar.close == trades[-1].price
    assert bar.high == max(t.price for t in trades)
    assert bar.low == min(t.price for t in trades)
    assert bar.volume == sum(t.size for t in trades)
    assert bar.trade_count == len(trades)


def test_bars_in_a_tape_match_its_trades(tape: list) -> None:
    for symbol in SYMBOLS:
        bars = [e for e in of(tape, symbol) if isinstance(e, Bar)]
        trades = [e for e in of(tape, symbol) if isinstance(e, Trade)]
        assert len(bars) == 5
        for bar in bars:
            inside = [
                t for t in trades if bar.timestamp <= t.timestamp < bar.timestamp + timedelta(minutes=1)
            ]
            assert bar.volume == sum(t.size for t in inside)
            assert (bar.open, bar.close) == (inside[0].price, inside[-1].price)


def test_stochastic_volatility_stays_positive_and_moves() -> None:
    process = SymbolProcess("VOL", 7, 100.0, 0.3, 0)
    seen = []
    for _ in range(200):
        process.take(1000)
        seen.append(process.volatility)
    assert min(seen) > 0
    assert max(seen) / min(seen) > 1.05


def test_intraday_returns_scale_to_the_configured_daily_volatility() -> None:
    daily = []
    for symbol in ("R1", "R2", "R3", "R4"):
        process = SymbolProcess(symbol, 7, 100.0, 0.3, 0)
        per_minute = round(60e6 / process.tick_us)
        rows = process.take(per_minute * 390)
        mids = np.array([(bid + ask) / 2 for bid, ask, *_ in rows])[::per_minute]
        returns = np.diff(np.log(mids))
        daily.append(returns.std() * np.sqrt(390))
    assert np.mean(daily) == pytest.approx(0.3 / np.sqrt(252), rel=0.2)
    assert SECONDS_PER_TRADING_YEAR == 252 * 390 * 60


def test_unknown_symbols_get_a_name_derived_price_between_20_and_500() -> None:
    market = SimMarket(sim_settings(), ["ZZZZ"])
    price, vol = market.symbol_params("ZZZZ")
    assert Decimal(20) <= price <= Decimal(500)
    assert vol == SimSettings().default_vol
    assert SimMarket(sim_settings(), ["ZZZZ"]).last_price("ZZZZ") == market.last_price("ZZZZ")


def test_add_symbol_is_idempotent_and_symbols_keep_their_order() -> None:
    market = SimMarket(sim_settings(), ["SPY"])
    market.add_symbol("AAPL")
    market.add_symbol("SPY")
    assert market.symbols == ("SPY", "AAPL")
    assert market.last_quote("NOPE") is None
    assert market.last_price("NOPE") is None
    assert market.session_open_price("NOPE") is None


def test_nyse_calendar_keeps_the_tape_silent_outside_regular_hours() -> None:
    friday_close = datetime(2026, 1, 9, 20, 55, tzinfo=UTC)  # 15:55 New York
    market = SimMarket(sim_settings(calendar="nyse"), ["AAPL"], start=friday_close)
    events = [e for _ in range(23) for e in market.step(3 * 3600)]  # through the weekend into Monday
    assert events
    assert all(is_market_open(e.timestamp, "nyse") for e in events)
    days = {e.timestamp.date() for e in events}
    assert days >= {datetime(2026, 1, 9).date(), datetime(2026, 1, 12).date()}


def test_session_open_is_the_first_mid_of_each_new_york_day() -> None:
    start = datetime(2026, 1, 6, 4, 59, tzinfo=UTC)  # 23:59 New York
    market = SimMarket(sim_settings(), ["AAPL"], start=start)
    assert market.session_open_price("AAPL") == market.last_price("AAPL")
    events = market.step(120)
    first_new_day = next(
        e for e in events if isinstance(e, Quote) and e.timestamp >= start + timedelta(minutes=1)
    )
    expected = ((first_new_day.bid + first_new_day.ask) / 2 / CENT).to_integral_value(
        rounding="ROUND_FLOOR"
    ) * CENT
    assert market.session_open_price("AAPL") == expected


def test_bars_join_history_and_the_live_tape() -> None:
    start = datetime(2026, 3, 4, 15, 0, 30, tzinfo=UTC)
    market = SimMarket(sim_settings(), ["AAPL"], start=start)
    for _ in range(10):
        market.step(60)
    minutes = market.bars("AAPL", Timeframe.MINUTE_1, start - timedelta(hours=1), market.now)
    stamps = [b.timestamp for b in minutes]
    assert stamps == sorted(set(stamps))
    live = [b for b in minutes if b.timestamp >= datetime(2026, 3, 4, 15, 0, tzinfo=UTC)]
    history = [b for b in minutes if b.timestamp < datetime(2026, 3, 4, 15, 0, tzinfo=UTC)]
    assert history == sim_history(
        "AAPL",
        Timeframe.MINUTE_1,
        start - timedelta(hours=1),
        datetime(2026, 3, 4, 15, 0, tzinfo=UTC),
        seed=7,
        price=Decimal("190.00"),
        vol=0.3,
    )
    assert len(live) == 10
    assert abs(live[0].open - history[-1].close) < Decimal("0.50")
    five = market.bars("AAPL", Timeframe.MINUTE_5, start - timedelta(hours=1), market.now)
    assert five == resample(minutes, Timeframe.MINUTE_5)


def test_stepping_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="back"):
        SimMarket(sim_settings(), ["AAPL"]).step(-1)
