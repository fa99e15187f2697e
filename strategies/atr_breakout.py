"""Donchian breakout with an ATR trailing stop: the classic turtle-style trend follower.

It buys a close above the highest high of the previous ``channel`` bars and holds while the trend lasts,
trailing a stop ``trail_atr`` ATRs below the highest close since entry; the initial stop distance sizes
the trade to risk ``risk_per_trade`` of equity. Plain Backtrader: runs unmodified under ``bt.Cerebro``.
"""

from __future__ import annotations

import math

import backtrader as bt


class AtrBreakout(bt.Strategy):
    """Long on a close above the prior ``channel``-bar high; flat when the close falls to a stop that
    trails ``trail_atr`` ATRs below the best close since entry.

    Every data feed is traded on its own.
    """

    params = (
        ("channel", 20),
        ("atr_period", 14),
        ("trail_atr", 3.0),
        ("risk_per_trade", 0.01),
        ("fractional", False),
    )

    def __init__(self) -> None:
        self.signal = "waiting for indicators"
        self.upper = {d: bt.indicators.Highest(d.high(-1), period=self.p.channel) for d in self.datas}
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
        close, name = data.close[0], data._name or "data"
        distance = self.p.trail_atr * self.atr[data][0]
        if not self.getposition(data).size:
            if close > self.upper[data][0]:
                size = self._size(close, distance)
                if size > 0:
                    self.stops[data] = close - distance
                    self.pending[data] = self.buy(data=data, size=size)
                    channel = f"{self.p.channel}-bar high {self.upper[data][0]:.2f}"
                    self.signal = f"buy {size:g}: {name} close {close:.2f} broke the {channel}"
        elif close <= self.stops[data]:
            self.pending[data] = self.close(data=data)
            self.signal = f"sell: {name} close {close:.2f} hit the trailing stop {self.stops[data]:.2f}"
        else:
            self.stops[data] = max(self.stops[data], close - distance)

    def _size(self, close: float, per_share: float) -> float:
        """Shares whose loss at the stop is the risk budget, capped by the cash available."""
        if per_share <= 0 or close <= 0:
            return 0
        size = min(self.broker.getvalue() * self.p.risk_per_trade / per_share, self.broker.getcash() / close)
        return round(size, 4) if self.p.fractional else math.floor(size)
