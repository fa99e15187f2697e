"""The venue's acceptance rules: what Alpaca refuses at submit, refused here with Alpaca's words.

``OrderRequest`` already refuses orders that cannot be valid anywhere; these are the venue's own rules
(what a US broker accepts for options, fractional shares, contingent classes, auctions) and the account's
(buying power, shares available). Messages follow Alpaca's where Alpaca's are known (alpaca-wire.md §3),
so the sim, the emulator and the real API read the same in the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from console.brokers.base import OrderRejected
from console.brokers.sim.account import Ledger
from console.brokers.sim.order_types import effective_limit
from console.domain import OrderClass, OrderRequest, OrderType, Side, TimeInForce
from console.domain.symbols import parse_occ
from console.market.calendar import CalendarName

INSUFFICIENT = "40310000"
"""Alpaca's code for buying power or shares not sufficient (HTTP 403)."""
UNPROCESSABLE = "42210000"
"""Alpaca's code for an order the venue will not take in its state (HTTP 422)."""
INVALID = "40010001"
"""Alpaca's code for invalid parameters (HTTP 422)."""

CENT = Decimal("0.01")
MIN_NOTIONAL = Decimal(1)
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class MarketView:
    """What the venue knows of the order's market at submit time."""

    reference: Decimal | None
    """Last trade of the symbol (or its mid); for an mleg order, unused."""
    bid: Decimal | None = None
    ask: Decimal | None = None
    market_open: bool = True
    calendar: CalendarName = "always"
    leg_quotes: tuple[tuple[Decimal, Decimal] | None, ...] = ()
    """mleg: each leg's (bid, ask), None where a leg has no quote."""


def reject(message: str, code: str = UNPROCESSABLE) -> OrderRejected:
    return OrderRejected(message, code=code)


def fmt(value: Decimal) -> str:
    """A quantity as Alpaca writes it in messages: ``10``, ``2.5``."""
    return f"{value.normalize():f}"


def is_fractional(request: OrderRequest) -> bool:
    return request.notional is not None or (request.qty is not None and request.qty % 1 != 0)


# ---- shape ---------------------------------------------------------------------------------------


def check_shape(request: OrderRequest, view: MarketView) -> None:
    """Refuse orders the venue does not take whatever the account holds.

    Raises:
        OrderRejected: with Alpaca's message.
    """
    if request.is_option:
        _check_option(request)
    elif is_fractional(request):
        _check_fractional(request)
    _check_class(request)
    _check_time_in_force(request, view)


def _check_option(request: OrderRequest) -> None:
    if request.time_in_force is not TimeInForce.DAY:
        raise reject("order_time_in_force provided not supported for options trading")
    if request.type not in (OrderType.MARKET, OrderType.LIMIT):
        raise reject("options orders must be market or limit orders")
    if request.qty is None or request.qty % 1 != 0:
        raise reject("qty must be integer", INVALID)
    if request.extended_hours:
        raise reject("extended hours orders are not supported for options")
    if request.order_class in (OrderClass.BRACKET, OrderClass.OCO, OrderClass.OTO):
        raise reject(f"{request.order_class.value} orders are not supported for options")
    if request.order_class is OrderClass.MLEG:
        roots = {parse_occ(leg.symbol).root for leg in request.legs}
        if len(roots) > 1:
            raise reject("all legs of a multi-leg order must have the same underlying")


def _check_fractional(request: OrderRequest) -> None:
    if request.type not in (OrderType.MARKET, OrderType.LIMIT):
        raise reject("fractional orders must be market or limit orders")
    if request.time_in_force is not TimeInForce.DAY:
        raise reject("fractional orders must be DAY orders")
    if request.order_class is not OrderClass.SIMPLE:
        raise reject("fractional orders must be simple orders")
    if request.notional is not None and request.notional < MIN_NOTIONAL:
        raise reject(f"notional must be at least {MIN_NOTIONAL}", INVALID)


def _check_class(request: OrderRequest) -> None:
    match request.order_class:
        case OrderClass.SIMPLE | OrderClass.MLEG:
            return
        case OrderClass.BRACKET | OrderClass.OTO:
            if request.type not in (OrderType.MARKET, OrderType.LIMIT):
                raise reject(f"{request.order_class.value} orders must be market or limit orders", INVALID)
        case OrderClass.OCO:
            if request.type is not OrderType.LIMIT:
                raise reject("oco orders must be limit orders", INVALID)
    if request.time_in_force not in (TimeInForce.DAY, TimeInForce.GTC):
        raise reject(f"{request.order_class.value} orders must be DAY or GTC orders", INVALID)


def _check_time_in_force(request: OrderRequest, view: MarketView) -> None:
    match request.time_in_force:
        case TimeInForce.DAY | TimeInForce.GTC:
            return
        case TimeInForce.IOC | TimeInForce.FOK:
            if request.type not in (OrderType.MARKET, OrderType.LIMIT):
                raise reject(f"{request.time_in_force.value} orders must be market or limit orders", INVALID)
        case TimeInForce.OPG | TimeInForce.CLS:
            if request.type not in (OrderType.MARKET, OrderType.LIMIT):
                raise reject(f"{request.time_in_force.value} orders must be market or limit orders", INVALID)
            if request.time_in_force is TimeInForce.OPG and view.calendar == "nyse" and view.market_open:
                raise reject("opg orders are not accepted while the market is open")


# ---- prices --------------------------------------------------------------------------------------


def check_prices(request: OrderRequest, reference: Decimal | None) -> None:
    """Refuse stops already through the market, and exits on the wrong side of their base price.

    Raises:
        OrderRejected: with Alpaca's message.
    """
    if reference is None:
        return
    match request.order_class:
        case OrderClass.SIMPLE:
            if request.type in (OrderType.STOP, OrderType.STOP_LIMIT) and request.stop_price is not None:
                _check_stop(request.side, request.stop_price, reference)
        case OrderClass.BRACKET | OrderClass.OTO:
            limit = request.limit_price if request.type is OrderType.LIMIT else None
            _check_exits(request, request.side.opposite, limit or reference)
        case OrderClass.OCO:
            _check_exits(request, request.side, reference)
        case OrderClass.MLEG:
            return


def _check_stop(side: Side, stop: Decimal, reference: Decimal) -> None:
    if side is Side.SELL and stop >= reference:
        raise reject("stop price must be less than current price")
    if side is Side.BUY and stop <= reference:
        raise reject("stop price must be greater than current price")


def _check_exits(request: OrderRequest, exit_side: Side, base: Decimal) -> None:
    """An exit that sells takes profit above the base and stops below it; one that buys, the reverse."""
    take, stop = request.take_profit, request.stop_loss
    if exit_side is Side.SELL:
        if take is not None and take.limit_price < base + CENT:
            raise reject("take_profit.limit_price must be >= base_price + 0.01")
        if stop is not None and stop.stop_price > base - CENT:
            raise reject("stop_loss.stop_price must be <= base_price - 0.01")
    else:
        if take is not None and take.limit_price > base - CENT:
            raise reject("take_profit.limit_price must be <= base_price - 0.01")
        if stop is not None and stop.stop_price < base + CENT:
            raise reject("stop_loss.stop_price must be >= base_price + 0.01")


# ---- account -------------------------------------------------------------------------------------


def estimate_price(request: OrderRequest, view: MarketView) -> Decimal | None:
    """The price buying power is reserved at: the limit, else the far side of the quote (or the last
    price); a buy stop costs at least its stop, a sell stop is valued at its stop."""
    limit = effective_limit(request)
    if limit is not None:
        return limit
    market = (view.ask if request.side is Side.BUY else view.bid) or view.reference
    if request.type is OrderType.STOP and request.stop_price is not None:
        if request.side is Side.BUY:
            return max(request.stop_price, market or _ZERO)
        return request.stop_price
    return market


def multi_leg_debit(request: OrderRequest, view: MarketView) -> Decimal:
    """The net debit per spread an mleg order may pay (0 for a credit): its limit, else its legs' quotes."""
    if request.limit_price is not None:
        return max(request.limit_price, _ZERO)
    net = _ZERO
    for leg, quote in zip(request.legs, view.leg_quotes, strict=True):
        if quote is None:
            continue
        bid, ask = quote
        net += leg.ratio_qty * (ask if leg.side is Side.BUY else -bid)
    return max(net, _ZERO)


@dataclass(frozen=True, slots=True)
class Commitment:
    """What an accepted order takes from the account while it works."""

    buying_power: Decimal
    """Reserved buying power."""
    rate: Decimal
    """Buying power per unit of quantity, to shrink the reservation as the order fills."""
    held_qty: Decimal
    """Shares of a long position promised to this sell order."""


def check_account(request: OrderRequest, ledger: Ledger, view: MarketView) -> Commitment:
    """Refuse what the account cannot carry; otherwise say what the order reserves.

    Only the part of an order that opens or adds to a position needs buying power: covering a short or
    selling a long frees it.

    Raises:
        OrderRejected: ``insufficient qty available for order (...)``, ``insufficient buying power``,
            ``fractional orders are not allowed to short``.
    """
    if request.order_class is OrderClass.MLEG:
        assert request.qty is not None
        cost = multi_leg_debit(request, view) * request.qty * request.multiplier
        return _commit(ledger, cost * ledger.cost_factor(request.asset_class), request.qty, _ZERO)
    price = estimate_price(request, view)
    held = _check_shares(request, ledger, price)
    position = ledger.position_qty(request.symbol)
    if request.notional is not None:
        opening = request.notional if request.side is Side.BUY else _ZERO
        units = (request.notional / price) if price else Decimal(1)
        return _commit(ledger, opening, units, held)
    assert request.qty is not None
    covered = max(_ZERO, -position) if request.side is Side.BUY else max(_ZERO, position)
    opening_qty = max(_ZERO, request.qty - covered)
    if opening_qty and price is None:
        raise reject(f"no price for {request.symbol} yet: try again in a moment")
    cost = opening_qty * (price or _ZERO) * request.multiplier * ledger.cost_factor(request.asset_class)
    return _commit(ledger, cost, request.qty, held)


def _commit(ledger: Ledger, cost: Decimal, units: Decimal, held: Decimal) -> Commitment:
    if cost > ledger.buying_power():
        raise reject("insufficient buying power", INSUFFICIENT)
    return Commitment(cost, cost / units if units else _ZERO, held)


def _check_shares(request: OrderRequest, ledger: Ledger, price: Decimal | None) -> Decimal:
    """For a sell: the long shares it promises away; refuse a short the account may not take."""
    if request.side is Side.BUY:
        return _ZERO
    available = ledger.available_qty(request.symbol)
    if request.qty is not None:
        wanted = request.qty
    else:
        assert request.notional is not None
        wanted = request.notional / price if price else _ZERO
    if wanted <= available:
        return wanted
    if is_fractional(request):
        raise reject("fractional orders are not allowed to short", INSUFFICIENT)
    if not ledger.shorting_enabled:
        raise reject(
            f"insufficient qty available for order (requested: {fmt(wanted)}, available: {fmt(available)})",
            INSUFFICIENT,
        )
    return available
