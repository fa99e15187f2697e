"""Enumerations every layer shares.

Values are Alpaca's wire strings, so the sim, paper and live brokers speak one vocabulary and the journal
reads the same for all three.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    """Where orders go."""

    SIM = "sim"
    PAPER = "paper"
    LIVE = "live"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell: the sign of the position change."""
        return 1 if self is Side.BUY else -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"
    TRAILING_STOP = "trailing_stop"


class TimeInForce(StrEnum):
    DAY = "day"
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    OPG = "opg"
    CLS = "cls"


class OrderClass(StrEnum):
    SIMPLE = "simple"
    BRACKET = "bracket"
    OCO = "oco"
    OTO = "oto"
    MLEG = "mleg"


class AssetClass(StrEnum):
    US_EQUITY = "us_equity"
    US_OPTION = "us_option"


class PositionIntent(StrEnum):
    BUY_TO_OPEN = "buy_to_open"
    BUY_TO_CLOSE = "buy_to_close"
    SELL_TO_OPEN = "sell_to_open"
    SELL_TO_CLOSE = "sell_to_close"


class OptionType(StrEnum):
    CALL = "call"
    PUT = "put"


class OrderStatus(StrEnum):
    """Alpaca's order statuses."""

    PENDING_NEW = "pending_new"
    ACCEPTED = "accepted"
    NEW = "new"
    HELD = "held"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    DONE_FOR_DAY = "done_for_day"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REPLACED = "replaced"
    REJECTED = "rejected"

    @property
    def is_terminal(self) -> bool:
        """True once the order can never change again."""
        return self in TERMINAL_STATUSES

    @property
    def is_working(self) -> bool:
        """True while the order may still fill."""
        return not self.is_terminal


TERMINAL_STATUSES = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.EXPIRED,
        OrderStatus.REPLACED,
        OrderStatus.REJECTED,
    }
)


class TradeEvent(StrEnum):
    """Alpaca's trade_updates event vocabulary: what happened to an order."""

    PENDING_NEW = "pending_new"
    NEW = "new"
    PARTIAL_FILL = "partial_fill"
    FILL = "fill"
    CANCELED = "canceled"
    EXPIRED = "expired"
    REPLACED = "replaced"
    REJECTED = "rejected"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"
    DONE_FOR_DAY = "done_for_day"
    HELD = "held"


class AccountType(StrEnum):
    CASH = "cash"
    MARGIN = "margin"


class Timeframe(StrEnum):
    """Bar sizes the console understands; the value is the canonical spelling used in settings."""

    MINUTE_1 = "1Min"
    MINUTE_5 = "5Min"
    MINUTE_15 = "15Min"
    MINUTE_30 = "30Min"
    HOUR_1 = "1Hour"
    DAY_1 = "1Day"

    @property
    def seconds(self) -> int:
        return _TIMEFRAME_SECONDS[self]


_TIMEFRAME_SECONDS = {
    Timeframe.MINUTE_1: 60,
    Timeframe.MINUTE_5: 300,
    Timeframe.MINUTE_15: 900,
    Timeframe.MINUTE_30: 1800,
    Timeframe.HOUR_1: 3600,
    Timeframe.DAY_1: 86400,
}
