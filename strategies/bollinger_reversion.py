"""Bollinger-band mean reversion: buy a close below the lower band, sell at the middle band.

A counter-trend companion to the crossover strategies: in range-bound markets a close outside the band
tends to revert to the mean. A stop ``stop_atr`` ATRs below the entry limits the damage when it does not,
and the same distance sizes the trade to risk ``risk_per_trade`` of equity. Plain Backtrader: runs
unmodified under ``bt.Cerebro``.
"""

from __future__ import annotations

import math

import backtrader as bt


class BollingerReversion(bt.Strategy):
    """Long when the close falls below the lower Bollinger band; flat when it reaches the middle band
    or falls to the stop set ``stop_atr`` ATRs below the entry close.

    Every data feed is traded on its own.
    """

    params = (
        ("period", 20),
        ("devfactor", 2.0),
        ("risk_per_trade", 0.01),
        ("stop_atr", 2.0),
        ("atr_period", 14),
        ("fractional", False),
    )

    def __init__(self) -> None:
        self.signal = "waiting for indicators"
        self.bands = {
            d: bt.indicators.BollingerBands(d.close, period=self.p.period, devfactor=self.p.devfactor)
            for d in self.datas
        }
        self.atr = {d: bt.indicators.ATR(d, period=self.p.atr_period) for d in self.datas}
        self.stops: dict[bt.DataBase, float] = dict.fromkeys(self.datas, 0.0)
        self.pending: dict[bt.DataBase, bt.Order | None] = dict.fromkeys(self.datas)

    def notify_order(self, order: bt.Order) -> None:
        if order.status not in (order.Submitted, order.Accepted):
            self.pending[order.data] = None

    def next(self) -> None:
        for data in self.datas:
            if self.pending[data] is None:
                self._trade(data)

    def _trade(self, data: bt.DataBase) -> None:
        close, bands, name = data.close[0], self.bands[data], data._name or "data"
        if not self.getposition(data).size:
            if close < bands.bot[0]:
                risk = self.p.stop_atr * self.atr[data][0]
                size = self._size(close, risk)
                if size > 0:
                    self.stops[data] = close - risk
                    self.pending[data] = self.buy(data=data, size=size)
                    self.signal = (
                        f"buy {size:g}: {name} close {close:.2f} below lower band {bands.bot[0]:.2f}"
                    )
        elif close >= bands.mid[0]:
            self.pending[data] = self.close(data=data)
            self.signal = f"sell: {name} close {close:.2f} back at the middle band {bands.mid[0]:.2f}"
        elif close <= self.stops[data]:
            self.pending[data] = self.close(data=data)
            self.signal = f"sell: {name} close {close:.2f} hit the stop {self.stops[data]:.2f}"

    def _size(self, close: float, per_share: float) -> float:
        """Shares whose loss at the stop is the risk budget, capped by the cash available."""
        if per_share <= 0 or close <= 0:
            return 0
        size = min(self.broker.getvalue() * self.p.risk_per_trade / per_share, self.broker.getcash() / close)
        return round(size, 4) if self.p.fractional else math.floor(size)
