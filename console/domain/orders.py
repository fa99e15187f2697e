"""Orders: what the console asks for (``OrderRequest``), what the broker holds (``Order``), and fills.

An ``OrderRequest`` that cannot be a valid order is refused at construction with a plain message, so a
malformed order never reaches the risk gate, the journal or a broker. An ``Order``'s status only moves
along the lifecycle in ``ALLOWED_TRANSITIONS``; anything else raises ``IllegalTransition``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import Field, field_validator, model_validator

from console.domain.base import DomainModel, Money, UtcDatetime, utc_now
from console.domain.enums import (
    AssetClass,
    OrderClass,
    OrderStatus,
    OrderType,
    PositionIntent,
    Side,
    TimeInForce,
)
from console.domain.symbols import is_option_symbol, validate_symbol

MAX_CLIENT_ORDER_ID = 128
OPTION_MULTIPLIER = Decimal(100)


class TakeProfit(DomainModel):
    limit_price: Money = Field(gt=0)


class StopLoss(DomainModel):
    stop_price: Money = Field(gt=0)
    limit_price: Money | None = Field(default=None, gt=0)


class OptionLeg(DomainModel):
    """One leg of a multi-leg option order."""

    symbol: str
    ratio_qty: int = Field(default=1, ge=1)
    side: Side
    position_intent: PositionIntent | None = None

    @field_validator("symbol")
    @classmethod
    def _option_symbol(cls, value: str) -> str:
        symbol = validate_symbol(value)
        if not is_option_symbol(symbol):
            raise ValueError(f"leg symbol {value!r} must be an OCC option symbol")
        return symbol


def _positive(name: str, value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value}")


class OrderRequest(DomainModel):
    """An order as the console asks for it, before any broker has seen it.

    Exactly one of ``qty`` and ``notional``. Prices required by ``type`` must be present; prices that the
    type does not use must be absent, so a typo cannot turn into an unintended order.
    """

    symbol: str = ""
    side: Side = Side.BUY
    type: OrderType = OrderType.MARKET
    qty: Money | None = None
    notional: Money | None = None
    time_in_force: TimeInForce = TimeInForce.DAY
    limit_price: Money | None = None
    stop_price: Money | None = None
    trail_price: Money | None = None
    trail_percent: Money | None = None
    extended_hours: bool = False
    order_class: OrderClass = OrderClass.SIMPLE
    take_profit: TakeProfit | None = None
    stop_loss: StopLoss | None = None
    legs: tuple[OptionLeg, ...] = ()
    position_intent: PositionIntent | None = None
    client_order_id: str | None = Field(default=None, max_length=MAX_CLIENT_ORDER_ID)
    strategy: str | None = None

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        return validate_symbol(value) if value else value

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._check_size()
        self._check_prices()
        self._check_class()
        if self.extended_hours and not (
            self.type is OrderType.LIMIT and self.time_in_force is TimeInForce.DAY and not self.is_option
        ):
            raise ValueError("extended-hours orders must be stock limit orders with time in force day")
        if self.is_option:
            self._check_option_rules()
        return self

    def _check_option_rules(self) -> None:
        # Alpaca's rules for options: whole contracts, time in force day.
        if self.time_in_force is not TimeInForce.DAY:
            raise ValueError("option orders must have time in force day")
        if self.qty is not None and self.qty != self.qty.to_integral_value():
            raise ValueError(f"option orders are for whole contracts, got {self.qty}")
        if self.order_class is OrderClass.MLEG and self.limit_price == 0:
            raise ValueError("a multi-leg limit needs a non-zero net price (positive debit, negative credit)")

    def _check_size(self) -> None:
        if (self.qty is None) == (self.notional is None):
            raise ValueError("give either a quantity or a notional amount, not both and not neither")
        _positive("quantity", self.qty)
        _positive("notional", self.notional)
        if self.notional is not None and (self.type is not OrderType.MARKET or self.is_option):
            raise ValueError("notional orders must be market orders on stocks")

    def _check_prices(self) -> None:
        # A multi-leg limit is a net price: positive is a debit, negative a credit (Alpaca's convention).
        signed = ("limit_price",) if self.order_class is OrderClass.MLEG else ()
        for name in ("limit_price", "stop_price", "trail_price", "trail_percent"):
            if name not in signed:
                _positive(name.replace("_", " "), getattr(self, name))
        needs_limit = self.type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
        needs_stop = self.type in (OrderType.STOP, OrderType.STOP_LIMIT)
        if needs_limit and self.limit_price is None and self.order_class is not OrderClass.OCO:
            raise ValueError(f"a {self.type.value.replace('_', '-')} order needs a limit price")
        if needs_stop and self.stop_price is None:
            raise ValueError(f"a {self.type.value.replace('_', '-')} order needs a stop price")
        if not needs_limit and self.limit_price is not None and self.order_class is not OrderClass.MLEG:
            raise ValueError(f"a {self.type.value.replace('_', ' ')} order takes no limit price")
        if not needs_stop and self.stop_price is not None:
            raise ValueError(f"a {self.type.value.replace('_', ' ')} order takes no stop price")
        trails = (self.trail_price is not None) + (self.trail_percent is not None)
        if self.type is OrderType.TRAILING_STOP and trails != 1:
            raise ValueError("a trailing stop needs exactly one of a trail price and a trail percent")
        if self.type is not OrderType.TRAILING_STOP and trails:
            raise ValueError("only a trailing stop takes a trail price or percent")
        if self.trail_percent is not None and self.trail_percent >= 100:
            raise ValueError("a trail percent must be below 100")

    def _check_class(self) -> None:
        match self.order_class:
            case OrderClass.SIMPLE:
                if self.take_profit or self.stop_loss or self.legs:
                    raise ValueError("take-profit and stop-loss need a bracket, OCO or OTO order class")
            case OrderClass.BRACKET | OrderClass.OCO:
                if self.take_profit is None or self.stop_loss is None:
                    article = "a bracket" if self.order_class is OrderClass.BRACKET else "an OCO"
                    raise ValueError(f"{article} order needs a take-profit and a stop-loss")
            case OrderClass.OTO:
                if self.take_profit is None and self.stop_loss is None:
                    raise ValueError("an OTO order needs a take-profit or a stop-loss")
            case OrderClass.MLEG:
                self._check_multi_leg()
        if self.order_class is not OrderClass.MLEG:
            if not self.symbol:
                raise ValueError("an order needs a symbol")
            if self.legs:
                raise ValueError("only a multi-leg (mleg) order takes legs")
        if self.order_class in (OrderClass.BRACKET, OrderClass.OTO, OrderClass.OCO):
            self._check_exit_prices()

    def _check_multi_leg(self) -> None:
        if not 2 <= len(self.legs) <= 4:
            raise ValueError(f"a multi-leg option order needs 2 to 4 legs, got {len(self.legs)}")
        if len({leg.symbol for leg in self.legs}) != len(self.legs):
            raise ValueError("the legs of a multi-leg order must be different contracts")
        if self.qty is None:
            raise ValueError("a multi-leg order needs a quantity")
        if self.type not in (OrderType.MARKET, OrderType.LIMIT):
            raise ValueError("a multi-leg order must be a market or limit order")
        if self.symbol:
            raise ValueError("a multi-leg order carries its contracts in its legs, not in symbol")

    def _check_exit_prices(self) -> None:
        take, stop = self.take_profit, self.stop_loss
        # A bracket's exits close a long (buy) entry above and below it; an OCO is itself the exit, so
        # a sell OCO closes a long: target above the stop. Either way the exits' side is what counts.
        closes_long = (self.side is Side.BUY) != (self.order_class is OrderClass.OCO)
        if take and stop:
            if closes_long and take.limit_price <= stop.stop_price:
                raise ValueError(
                    f"take-profit {take.limit_price} must be above stop-loss {stop.stop_price} "
                    "when closing a long position"
                )
            if not closes_long and take.limit_price >= stop.stop_price:
                raise ValueError(
                    f"take-profit {take.limit_price} must be below stop-loss {stop.stop_price} "
                    "when closing a short position"
                )
        entry = self.limit_price if self.order_class is not OrderClass.OCO else None
        if entry is not None and take is not None:
            beyond = take.limit_price > entry if self.side is Side.BUY else take.limit_price < entry
            if not beyond:
                raise ValueError(
                    f"take-profit {take.limit_price} must be on the profit side of the entry {entry}"
                )
        if entry is not None and stop is not None:
            beyond = stop.stop_price < entry if self.side is Side.BUY else stop.stop_price > entry
            if not beyond:
                raise ValueError(f"stop-loss {stop.stop_price} must be on the loss side of the entry {entry}")

    @property
    def is_option(self) -> bool:
        return self.order_class is OrderClass.MLEG or is_option_symbol(self.symbol)

    @property
    def asset_class(self) -> AssetClass:
        return AssetClass.US_OPTION if self.is_option else AssetClass.US_EQUITY

    @property
    def multiplier(self) -> Decimal:
        return OPTION_MULTIPLIER if self.is_option else Decimal(1)


ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_NEW: frozenset(
        {
            OrderStatus.ACCEPTED,
            OrderStatus.NEW,
            OrderStatus.HELD,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.REJECTED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.ACCEPTED: frozenset(
        {
            OrderStatus.NEW,
            OrderStatus.HELD,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.REJECTED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.PENDING_REPLACE,
            OrderStatus.REPLACED,
        }
    ),
    OrderStatus.HELD: frozenset(
        {
            OrderStatus.NEW,
            OrderStatus.ACCEPTED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.PENDING_REPLACE,
            OrderStatus.REPLACED,
            OrderStatus.REJECTED,
        }
    ),
    OrderStatus.NEW: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
            OrderStatus.REPLACED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.PENDING_REPLACE,
            OrderStatus.DONE_FOR_DAY,
            OrderStatus.REJECTED,
        }
    ),
    OrderStatus.PARTIALLY_FILLED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
            OrderStatus.REPLACED,
            OrderStatus.PENDING_CANCEL,
            OrderStatus.PENDING_REPLACE,
            OrderStatus.DONE_FOR_DAY,
        }
    ),
    OrderStatus.DONE_FOR_DAY: frozenset(
        {
            OrderStatus.NEW,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        }
    ),
    # A fill can race a cancel or replace request; a refused request returns the order to where it was.
    OrderStatus.PENDING_CANCEL: frozenset(
        {
            OrderStatus.CANCELED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.NEW,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PENDING_REPLACE: frozenset(
        {
            OrderStatus.REPLACED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.NEW,
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.FILLED: frozenset(),
    OrderStatus.CANCELED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.REPLACED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
}


class IllegalTransition(ValueError):
    """An order status change the lifecycle does not allow (e.g. filled → new)."""


class Order(DomainModel):
    """An order as a broker holds it. Immutable: every change is a new ``Order`` from ``transition``."""

    id: str
    client_order_id: str = Field(max_length=MAX_CLIENT_ORDER_ID)
    request: OrderRequest
    status: OrderStatus = OrderStatus.PENDING_NEW
    filled_qty: Money = Decimal(0)
    filled_avg_price: Money | None = None
    created_at: UtcDatetime = Field(default_factory=utc_now)
    updated_at: UtcDatetime = Field(default_factory=utc_now)
    parent_id: str | None = None
    leg_ids: tuple[str, ...] = ()
    replaces: str | None = None
    replaced_by: str | None = None
    reject_reason: str | None = None

    @model_validator(mode="after")
    def _check_fill(self) -> Self:
        self._require_fill_within_qty()
        return self

    def _require_fill_within_qty(self) -> None:
        if self.filled_qty < 0:
            raise ValueError("filled quantity cannot be negative")
        if self.request.qty is not None and self.filled_qty > self.request.qty:
            raise ValueError(f"filled {self.filled_qty} exceeds the order quantity {self.request.qty}")

    @property
    def symbol(self) -> str:
        return self.request.symbol

    @property
    def side(self) -> Side:
        return self.request.side

    @property
    def qty(self) -> Decimal | None:
        return self.request.qty

    @property
    def remaining_qty(self) -> Decimal | None:
        return None if self.request.qty is None else self.request.qty - self.filled_qty

    @property
    def strategy(self) -> str | None:
        return self.request.strategy

    @property
    def is_terminal(self) -> bool:
        return self.status.is_terminal

    def transition(self, status: OrderStatus, **changes: object) -> Order:
        """Return this order moved to ``status`` with ``changes`` applied.

        Raises:
            IllegalTransition: the lifecycle does not allow this move.
        """
        if status not in ALLOWED_TRANSITIONS[self.status]:
            raise IllegalTransition(
                f"order {self.client_order_id} cannot go from {self.status.value} to {status.value}"
            )
        changes.setdefault("updated_at", utc_now())
        # model_copy skips validation (this is the hot path of every fill), so the fill invariant that
        # the validator holds at construction is checked here by hand.
        moved = self.model_copy(update={**changes, "status": status})
        moved._require_fill_within_qty()
        return moved


class Fill(DomainModel):
    """One execution against an order; ``qty`` is this fill's increment, never the cumulative total."""

    order_id: str
    client_order_id: str
    symbol: str
    side: Side
    qty: Money = Field(gt=0)
    price: Money = Field(gt=0)
    fee: Money = Decimal(0)
    timestamp: UtcDatetime = Field(default_factory=utc_now)
    strategy: str | None = None
    multiplier: Money = Decimal(1)

    @property
    def notional(self) -> Decimal:
        return self.qty * self.price * self.multiplier
