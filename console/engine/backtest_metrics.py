"""Performance figures of a backtest, computed from its equity curve and closed trades.

Kept free of Backtrader so the formulas read (and are tested) on their own. Annualisation uses the
calendar span of the curve (bars per year = bars / years), so one formula serves daily and intraday bars,
sim history and CSV files with odd sessions alike. The risk-free rate is zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np

_YEAR_SECONDS = 365.25 * 86_400


@dataclass(frozen=True)
class BacktestMetrics:
    """The summary figures; percentages are in percent, None where a figure is undefined."""

    total_return_pct: float
    annualized_return_pct: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown_pct: float
    max_drawdown_bars: int
    """Bars from the peak before the deepest drawdown to its recovery (or to the end)."""
    trades: int
    win_rate_pct: float | None
    profit_factor: float | None
    """Gross profit / gross loss; None with no losing trade."""
    exposure_pct: float
    """Share of bars that ended with a position open."""


def compute_metrics(
    times: Sequence[datetime],
    values: Sequence[float],
    in_market: Sequence[bool],
    pnls: Sequence[Decimal],
) -> BacktestMetrics:
    """The figures of an equity curve (one value per bar, starting cash first) and its trades' pnl.

    Args:
        times: each bar's time, ascending, one per entry of ``values`` after the first.
        values: the starting cash, then the portfolio value at the end of each bar.
        in_market: per bar, whether a position was open at its end.
        pnls: the pnl of each closed trade.

    Returns:
        The metrics.
    """
    equity = np.asarray(values, dtype=float)
    returns = equity[1:] / equity[:-1] - 1.0 if len(equity) > 1 else np.empty(0)
    total = float(equity[-1] / equity[0] - 1.0)
    years = (times[-1] - times[0]).total_seconds() / _YEAR_SECONDS if len(times) > 1 else 0.0
    annualized = (1.0 + total) ** (1.0 / years) - 1.0 if years > 0 and total > -1 else None
    per_year = len(returns) / years if years > 0 else None
    depth_pct, length = _max_drawdown(equity)
    wins = [p for p in pnls if p > 0]
    losses = [p for p in pnls if p < 0]
    gross_loss = -sum(losses, Decimal(0))
    return BacktestMetrics(
        total_return_pct=100.0 * total,
        annualized_return_pct=None if annualized is None else 100.0 * annualized,
        sharpe=_ratio(returns, _std(returns), per_year),
        sortino=_ratio(returns, _downside(returns), per_year),
        max_drawdown_pct=depth_pct,
        max_drawdown_bars=length,
        trades=len(pnls),
        win_rate_pct=100.0 * len(wins) / len(pnls) if pnls else None,
        profit_factor=float(sum(wins, Decimal(0)) / gross_loss) if gross_loss else None,
        exposure_pct=100.0 * sum(in_market) / len(in_market) if in_market else 0.0,
    )


def _std(returns: np.ndarray) -> float:
    return float(returns.std(ddof=1)) if len(returns) > 1 else 0.0


def _downside(returns: np.ndarray) -> float:
    return float(math.sqrt(np.mean(np.minimum(returns, 0.0) ** 2))) if len(returns) else 0.0


def _ratio(returns: np.ndarray, risk: float, per_year: float | None) -> float | None:
    if per_year is None or risk == 0.0 or not len(returns):
        return None
    return float(returns.mean()) / risk * math.sqrt(per_year)


def _max_drawdown(equity: np.ndarray) -> tuple[float, int]:
    """Depth (%) of the deepest drawdown and its length in bars, peak to recovery or end."""
    peaks = np.maximum.accumulate(equity)
    drawdown = 1.0 - equity / peaks
    trough = int(np.argmax(drawdown))
    if drawdown[trough] <= 0:
        return 0.0, 0
    peak = int(np.flatnonzero(equity[: trough + 1] == peaks[trough])[-1])
    recovered = np.flatnonzero(equity[trough:] >= peaks[trough])
    end = trough + int(recovered[0]) if len(recovered) else len(equity) - 1
    return 100.0 * float(drawdown[trough]), end - peak
