"""Time ``run_backtest`` against plain Backtrader on the same data and strategy.

Three timings, interleaved run by run:

* ``ours``: ``run_backtest`` on domain bars already in memory (as the console holds them, from the bar
  cache or sim history): feed conversion, the run with one recording analyzer, and the metrics;
* ``ours+csv``: the same plus reading the CSV into domain ``Bar`` objects (``read_csv_bars``), which is
  what ``btconsole backtest --data`` pays;
* ``plain``: plain Backtrader reading the same file with ``YahooFinanceCSVData`` and running the strategy
  alone (``stdstats=False`` on all three).

Target: ours / plain <= 1.05 at the median.

Run: ``.venv/bin/python bench/backtest_vs_plain.py [runs]``
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import backtrader as bt

from console.domain import Bar
from console.engine.backtest import run_backtest
from console.engine.registry import default_dirs, discover
from console.market.csv_bars import read_csv_bars

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "orcl-1995-2014.txt"
CASH = 100_000


def ours(strategy: type, bars: list[Bar] | None = None) -> float:
    start = time.perf_counter()
    bars = bars if bars is not None else read_csv_bars(DATA, "ORCL")
    result = run_backtest(strategy, {"ORCL": bars}, cash=Decimal(CASH))
    elapsed = time.perf_counter() - start
    assert result.trades
    return elapsed


def plain(strategy: type) -> float:
    start = time.perf_counter()
    cerebro = bt.Cerebro(stdstats=False)
    cerebro.adddata(bt.feeds.YahooFinanceCSVData(dataname=str(DATA)))
    cerebro.broker.setcash(CASH)
    cerebro.addstrategy(strategy)
    cerebro.run()
    return time.perf_counter() - start


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main(runs: int) -> None:
    strategy = discover(default_dirs()).resolve("sma_rsi").cls
    bars = read_csv_bars(DATA, "ORCL")
    ours(strategy), plain(strategy)  # warm-up: imports and caches
    timings: dict[str, list[float]] = {"ours": [], "ours+csv": [], "plain": []}
    for _ in range(runs):  # interleaved, so drift in machine load hits all alike
        timings["ours"].append(ours(strategy, bars))
        timings["ours+csv"].append(ours(strategy))
        timings["plain"].append(plain(strategy))
    print(f"SmaRsi on {DATA.name} ({runs} runs each)")
    for name, samples in timings.items():
        median_ms, p99_ms = statistics.median(samples) * 1000, p99(samples) * 1000
        print(f"  {name:8}  median {median_ms:7.1f} ms   p99 {p99_ms:7.1f} ms")
    for name in ("ours", "ours+csv"):
        ratio = statistics.median(timings[name]) / statistics.median(timings["plain"])
        print(f"  ratio {name}/plain (median) {ratio:.3f}  (target <= 1.05)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
