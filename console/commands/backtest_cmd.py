"""``btconsole backtest``: run a strategy on history and print how it did.

History is the sim's own (the same deterministic bars the sim venue serves, so a backtest and a sim
session agree) or a CSV file in a layout Backtrader reads. Backtrader is loaded lazily, through
``console.engine``, only when the command runs; every expected failure is one sentence and exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.config import LoadedSettings
from console.domain import Bar, Timeframe
from console.domain.symbols import validate_symbol
from console.market.calendar import NEW_YORK
from console.market.csv_bars import CsvBarsError, read_csv_bars
from console.market.history import HISTORY_ANCHOR, sim_history
from console.settings_schema import Settings, StrategySettings

if TYPE_CHECKING:
    from console.engine.backtest import BacktestResult

DEFAULT_SYMBOL = "SPY"
DEFAULT_DAYS = {Timeframe.DAY_1: 365}
"""Default span of sim history before --to: a year of daily bars, a month of intraday bars."""
INTRADAY_DAYS = 30


class BacktestArgumentError(ValueError):
    """A command-line value the backtest cannot use; the message is one sentence."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "backtest",
        help="run a strategy from strategies/ on historical bars",
        description="Backtest a strategy (file, file:Class, Class, or a strategies entry's name) on sim "
        "history or a CSV file, and print its performance.",
    )
    parser.add_argument("name", metavar="NAME", help="strategy: sma_rsi, sma_rsi:SmaRsi, or SmaRsi")
    parser.add_argument("--symbols", metavar="S,...", help=f"symbols (default {DEFAULT_SYMBOL})")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (inclusive)")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (inclusive)")
    parser.add_argument("--timeframe", metavar="T", help="bar size: " + ", ".join(tf for tf in Timeframe))
    parser.add_argument("--cash", metavar="C", help="starting cash (default sim.starting_cash)")
    parser.add_argument("--data", metavar="CSV", help="bars from this Yahoo or Backtrader CSV file")
    parser.add_argument("--json", action="store_true", help="print the result and its trades as JSON")
    parser.add_argument("--plot", metavar="PATH", help="write the equity curve as an SVG picture")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    """Run the backtest the arguments describe and print it.

    Returns:
        0 on success; 2 on a bad argument, unknown strategy, bad param, bad CSV or empty range.
    """
    from console.engine.backtest import BacktestError
    from console.engine.registry import StrategyError

    try:
        result = _backtest(args, loaded.settings)
        if args.plot:
            from console.engine.backtest_report import write_equity_svg

            write_equity_svg(result, Path(args.plot))
    except (BacktestArgumentError, StrategyError, BacktestError, CsvBarsError, ValueError) as error:
        print(f"btconsole backtest: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"btconsole backtest: cannot write {args.plot}: {error.strerror}", file=sys.stderr)
        return 2
    _print(result, as_json=args.json)
    return 0


def _backtest(args: argparse.Namespace, settings: Settings) -> BacktestResult:
    from console.engine.backtest import BacktestError, run_backtest
    from console.engine.registry import default_dirs, discover, validate_params

    entry = next((s for s in settings.strategies if s.name == args.name), None)
    catalog = discover(default_dirs(settings.paths.strategies_dir))
    for problem in catalog.problems:
        print(f"btconsole backtest: skipped {problem}", file=sys.stderr)
    info = catalog.resolve(entry.strategy_class if entry else args.name)
    params = validate_params(info, entry.params if entry else {})
    timeframe = _timeframe(args.timeframe, entry)
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if start and end and start > end:
        raise BacktestArgumentError(f"--from {start} is after --to {end}")
    cash = _cash(args.cash, settings)
    symbols = _symbols(args.symbols, entry)
    if args.data:
        bars = _csv_bars(Path(args.data), args.symbols and symbols, args.timeframe and timeframe, start, end)
    else:
        bars = {symbol: _sim_bars(symbol, timeframe, start, end, settings) for symbol in symbols}
    for symbol, rows in bars.items():
        if not rows:
            raise BacktestError(f"no bars of {symbol} between {start or 'the start'} and {end or 'the end'}")
    return run_backtest(info.cls, bars, cash=cash, params=params, name=entry.name if entry else info.name)


def _timeframe(text: str | None, entry: StrategySettings | None) -> Timeframe:
    if text is None:
        return entry.timeframe if entry else Timeframe.DAY_1
    for timeframe in Timeframe:
        if timeframe.value.lower() == text.strip().lower():
            return timeframe
    raise BacktestArgumentError(
        f"--timeframe {text!r} is not one of {', '.join(tf.value for tf in Timeframe)}"
    )


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BacktestArgumentError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None


def _cash(text: str | None, settings: Settings) -> Decimal:
    if text is None:
        return settings.sim.starting_cash
    try:
        cash = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        cash = Decimal(0)
    if not cash.is_finite() or cash <= 0:
        raise BacktestArgumentError(f"--cash {text!r} is not a positive amount")
    return cash


def _symbols(text: str | None, entry: StrategySettings | None) -> list[str]:
    if text is None:
        return list(entry.symbols) if entry else [DEFAULT_SYMBOL]
    symbols = [validate_symbol(part) for part in text.split(",") if part.strip()]
    if not symbols:
        raise BacktestArgumentError("--symbols names no symbol")
    return list(dict.fromkeys(symbols))


def _csv_bars(
    path: Path, symbols: list[str] | None, timeframe: Timeframe | None, start: date | None, end: date | None
) -> dict[str, list[Bar]]:
    if symbols and len(symbols) > 1:
        raise BacktestArgumentError("--data holds one symbol's bars; give at most one --symbols")
    symbol = symbols[0] if symbols else _symbol_from_file(path)
    bars = read_csv_bars(path, symbol, timeframe)
    first, last = start or date.min, end or date.max
    return {symbol: [bar for bar in bars if first <= bar.timestamp.astimezone(NEW_YORK).date() <= last]}


def _symbol_from_file(path: Path) -> str:
    """``orcl-1995-2014.txt`` -> ``ORCL``; ``DATA`` when the name does not start with a ticker."""
    head = path.stem.split("-")[0].split("_")[0]
    try:
        return validate_symbol(head)
    except ValueError:
        return "DATA"


def _sim_bars(
    symbol: str, timeframe: Timeframe, start: date | None, end: date | None, settings: Settings
) -> list[Bar]:
    from console.market.sim_generator import SimMarket

    last = end or HISTORY_ANCHOR.astimezone(NEW_YORK).date() - timedelta(days=1)
    first = start or last - timedelta(days=DEFAULT_DAYS.get(timeframe, INTRADAY_DAYS))
    price, vol = SimMarket(settings.sim).symbol_params(symbol)
    lo = datetime.combine(first, datetime.min.time(), NEW_YORK)
    hi = datetime.combine(last + timedelta(days=1), datetime.min.time(), NEW_YORK)
    return sim_history(symbol, timeframe, lo, hi, seed=settings.sim.seed, price=price, vol=vol)


def _print(result: BacktestResult, *, as_json: bool) -> None:
    from console.engine.backtest_report import result_json, summary_table

    if as_json:
        payload: dict[str, Any] = result_json(result)
        print(json.dumps(payload, indent=2))
        return
    from rich.console import Console

    Console().print(summary_table(result))
