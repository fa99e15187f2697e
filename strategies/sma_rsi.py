"""SMA crossover confirmed by RSI, sized by the risk to an ATR stop.

A trend-following starter strategy: it buys when the close crosses above its SMA while RSI says the move
is not yet overbought, and leaves when the close falls back below the SMA or RSI turns overbought. Each
entry risks ``risk_per_trade`` of equity against a notional stop ``stop_atr`` ATRs below the close, so
volatile symbols get smaller positions. Plain Backtrader: runs unmodified under ``bt.Cerebro``.
"""

from __future__ import annotations

import math

import backtrader as bt


class SmaRsi(bt.Strategy):
    """Long when the close crosses above SMA(sma_period) with RSI below rsi_overbought; flat on the
    close crossing back below the SMA or RSI above rsi_overbought.

    Every data feed is traded on its own. ``rsi_oversold`` is reported in the signal text (an oversold
    RSI on a crossover is the strongest entry) but does not gate entries.
    """

    params = (
        ("sma_period", 20),
        ("rsi_period", 14),
        ("rsi_overbought", 70.0),
        ("rsi_oversold", 30.0),
        ("risk_per_trade", 0.01),
        ("stop_atr", 2.0),
        ("atr_period", 14),
        ("fractional", False),
    )

    def __init__(self) -> None:
        self.signal = "waiting for indicators"
        self.sma = {d: bt.indicators.SMA(d.close, period=self.p.sma_period) for d in self.datas}
        self.rsi = {d: bt.indicators.RSI(d.close, period=self.p.rsi_period) for d in self.datas}
        self.atr = {d: bt.indicators.ATR(d, period=self.p.atr_period) for d in self.datas}
        self.cross = {d: bt.indicators.CrossOver(d.close, self.sma[d]) for d in self.datas}
        self.pending: dict[bt.DataBase, bt.Order | None] = dict.fromkeys(self.datas)

    def notify_order(self, order: bt.Order) -> None:
        if order.status not in (order.Submitted, order.Accepted):
            self.pending[order.data] = None

    def next(self) -> None:
        for data in self.datas:
            if self.pending[data] is None:
                self._trade(data)

    def _trade(self, data: bt.DataBase) -> None:
        close, rsi, cross = data.close[0], self.rsi[data][0], self.cross[data][0]
        where = f"{data._name or 'data'} SMA({self.p.sma_period}), RSI {rsi:.0f}"
        if not self.getposition(data).size:
            if cross > 0 and rsi < self.p.rsi_overbought:
                size = self._size(data, close)
                if size > 0:
                    self.pending[data] = self.buy(data=data, size=size)
                    strength = " (oversold)" if rsi < self.p.rsi_oversold else ""
                    self.signal = f"buy {size:g}: close crossed above {where}{strength}"
        elif cross < 0 or rsi > self.p.rsi_overbought:
            self.pending[data] = self.close(data=data)
            if cross < 0:
                self.signal = f"sell: close crossed below {where}"
            else:
                self.signal = f"sell: {where} above {self.p.rsi_overbought:g} (overbought)"

    def _size(self, data: bt.DataBase, close: float) -> float:
        """Shares whose loss at the ATR stop is the risk budget, capped by the cash available."""
        per_share = self.p.stop_atr * self.atr[data][0]
        if per_share <= 0 or close <= 0:
            return 0
        size = min(self.broker.getvalue() * self.p.risk_per_trade / per_share, self.broker.getcash() / close)
        return round(size, 4) if self.p.fractional else math.floor(size)
