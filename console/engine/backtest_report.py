"""A backtest result as a Rich table, as JSON, and as an SVG equity curve.

The SVG is written by hand (one polyline, a frame and a few labels) so plotting adds no dependency and
the picture shows exactly the recorded values, nothing smoothed.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from rich.table import Table

from console.engine.backtest import BacktestResult

_WIDTH, _HEIGHT, _MARGIN = 900, 420, 70


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}%"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def summary_rows(result: BacktestResult) -> list[tuple[str, str]]:
    """The table's (label, value) rows, in display order."""
    m = result.metrics
    return [
        ("Total return", _pct(m.total_return_pct)),
        ("Annualized return", _pct(m.annualized_return_pct)),
        ("Sharpe", _number(m.sharpe)),
        ("Sortino", _number(m.sortino)),
        ("Max drawdown", _pct(m.max_drawdown_pct)),
        ("Max drawdown length", f"{m.max_drawdown_bars} bars"),
        ("Trades", str(m.trades)),
        ("Win rate", _pct(m.win_rate_pct)),
        ("Profit factor", "n/a (no losing trade)" if m.profit_factor is None else f"{m.profit_factor:.2f}"),
        ("Exposure", _pct(m.exposure_pct)),
        ("Final value", f"{result.final_value:,}"),
    ]


def summary_table(result: BacktestResult) -> Table:
    """A two-column Rich table of the summary."""
    first, last = result.equity_times[0], result.equity_times[-1]
    table = Table(
        title=f"{result.strategy} on {', '.join(result.symbols)} {result.timeframe}, "
        f"{first:%Y-%m-%d} .. {last:%Y-%m-%d}, cash {result.cash:,}",
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for label, value in summary_rows(result):
        table.add_row(label, value)
    return table


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def result_json(result: BacktestResult) -> dict[str, Any]:
    """The result as JSON-ready data: Decimals as strings, times as ISO 8601 UTC."""
    metrics = {name: _json_value(value) for name, value in vars(result.metrics).items()}
    trades = [
        {
            "symbol": t.symbol,
            "side": t.side,
            "size": str(t.size),
            "entry_time": t.entry_time.isoformat(),
            "exit_time": t.exit_time.isoformat(),
            "entry_price": str(t.entry_price),
            "exit_price": str(t.exit_price),
            "pnl": str(t.pnl),
        }
        for t in result.trades
    ]
    return {
        "strategy": result.strategy,
        "symbols": list(result.symbols),
        "timeframe": str(result.timeframe),
        "start": result.equity_times[0].isoformat(),
        "end": result.equity_times[-1].isoformat(),
        "cash": str(result.cash),
        "final_value": str(result.final_value),
        "metrics": metrics,
        "last_signal": result.last_signal,
        "trades": trades,
    }


def write_equity_svg(result: BacktestResult, path: Path) -> None:
    """Write the equity curve to ``path`` as an SVG: a polyline with labelled axes.

    Raises:
        OSError: the file cannot be written.
    """
    values = result.equity_values
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    plot_w, plot_h = _WIDTH - 2 * _MARGIN, _HEIGHT - 2 * _MARGIN
    step = plot_w / max(len(values) - 1, 1)
    points = " ".join(
        f"{_MARGIN + i * step:.1f},{_MARGIN + plot_h * (1 - (v - low) / span):.1f}"
        for i, v in enumerate(values)
    )
    first, last = result.equity_times[0], result.equity_times[-1]
    title = escape(f"{result.strategy} on {', '.join(result.symbols)}: equity, final {result.final_value:,}")
    bottom, right = _HEIGHT - _MARGIN, _WIDTH - _MARGIN
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" \
viewBox="0 0 {_WIDTH} {_HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{_WIDTH / 2}" y="30" text-anchor="middle" font-size="15">{title}</text>
<line x1="{_MARGIN}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="black"/>
<line x1="{_MARGIN}" y1="{_MARGIN}" x2="{_MARGIN}" y2="{bottom}" stroke="black"/>
<text x="{_MARGIN - 6}" y="{_MARGIN + 4}" text-anchor="end">{high:,.0f}</text>
<text x="{_MARGIN - 6}" y="{bottom + 4}" text-anchor="end">{low:,.0f}</text>
<text x="{_MARGIN}" y="{bottom + 20}" text-anchor="start">{first:%Y-%m-%d}</text>
<text x="{right}" y="{bottom + 20}" text-anchor="end">{last:%Y-%m-%d}</text>
<text x="{_WIDTH / 2}" y="{bottom + 40}" text-anchor="middle">time ({len(values)} bars)</text>
<text x="18" y="{_HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 18 {_HEIGHT / 2})">\
portfolio value</text>
<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="{points}"/>
</svg>
"""
    path.write_text(svg)
