"""The ledger: average price, realized and unrealized P&L, fees, buying power, shorting rules."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from console.brokers.base import OrderRejected
from console.domain import AccountType, OrderType, Side


def buy_at(sim, qty, price, symbol="AAPL"):
    sim.quote(symbol, D(price) - D("0.02"), price, size=1000)
    return sim.submit(symbol=symbol, side=Side.BUY, qty=qty)


def sell_at(sim, qty, price, symbol="AAPL"):
    sim.quote(symbol, price, D(price) + D("0.02"), size=1000)
    return sim.submit(symbol=symbol, side=Side.SELL, qty=qty)


def test_golden_round_trip_through_a_flip(make_sim):
    sim = make_sim(equity_commission=D("0.005"))
    buy_at(sim, 100, 50)
    buy_at(sim, 50, 53)
    ledger = sim.venue.ledger
    assert ledger.holdings["AAPL"].avg_price == D(51)
    sell_at(sim, 60, 55)
    assert ledger.realized_pl == D(240)
    sell_at(sim, 150, 52)  # closes 90 at +1, opens a short of 60 at 52
    assert (ledger.position_qty("AAPL"), ledger.holdings["AAPL"].avg_price) == (D(-60), D(52))
    assert ledger.realized_pl == D(330)
    buy_at(sim, 20, 50)  # covers 20 of the short at +2
    assert ledger.realized_pl == D(370)
    assert ledger.fees_paid == D("1.900")
    assert ledger.cash == D("102448.100")
    sim.trade("AAPL", 51)
    account = sim.venue.account()
    assert account.equity == D("100408.100")  # 370 realized - 1.90 fees + 40 unrealized
    (position,) = sim.venue.positions()
    assert (position.qty, position.avg_entry_price, position.unrealized_pl) == (D(-40), D(52), D(40))
    assert position.realized_pl == D(370)
    assert account.short_market_value == D(-2040)


def test_closing_to_flat_resets_the_average_price(sim):
    buy_at(sim, 10, 50)
    sell_at(sim, 10, 60)
    holding = sim.venue.ledger.holdings["AAPL"]
    assert (holding.qty, holding.avg_price, holding.realized_pl) == (0, 0, D(100))
    assert sim.venue.positions() == []


def test_margin_buying_power_is_twice_equity_less_the_requirement(sim):
    assert sim.venue.account().buying_power == D(200_000)
    buy_at(sim, 100, 50)
    sim.trade("AAPL", 50)
    assert sim.venue.account().buying_power == D(195_000)  # 2 x (100,000 - 50% of 5,000)


def test_cash_account_buying_power_is_cash(make_sim):
    sim = make_sim(account_type=AccountType.CASH)
    buy_at(sim, 100, 50)
    assert sim.venue.account().buying_power == D(95_000)
    assert sim.venue.account().multiplier == 1


def test_resting_buy_orders_reserve_buying_power(sim):
    sim.quote("AAPL", 100, "100.02")
    order = sim.submit(symbol="AAPL", side=Side.BUY, qty=10, type=OrderType.LIMIT, limit_price=90)
    assert sim.venue.account().buying_power == D(200_000 - 900)
    sim.venue.cancel(order.id)
    assert sim.venue.account().buying_power == D(200_000)


def test_buy_beyond_buying_power_is_refused_with_alpacas_words(make_sim):
    sim = make_sim(account_type=AccountType.CASH)
    sim.quote("AAPL", 100, "100.02")
    with pytest.raises(OrderRejected, match=r"^insufficient buying power$") as raised:
        sim.submit(symbol="AAPL", side=Side.BUY, qty=1000)
    assert raised.value.code == "40310000"


def test_margin_account_can_buy_up_to_twice_its_cash(sim):
    sim.quote("AAPL", 100, 100, size=2000)
    sim.submit(symbol="AAPL", side=Side.BUY, qty=1500)
    assert sim.venue.ledger.position_qty("AAPL") == D(1500)


def test_sell_without_shares_is_refused_when_shorting_is_off(make_sim):
    sim = make_sim(allow_short=False)
    sim.quote("AAPL", 100, "100.02")
    with pytest.raises(OrderRejected) as raised:
        sim.submit(symbol="AAPL", side=Side.SELL, qty=10)
    assert str(raised.value) == "insufficient qty available for order (requested: 10, available: 0)"


def test_cash_accounts_cannot_short_whatever_the_setting(make_sim):
    sim = make_sim(account_type=AccountType.CASH, allow_short=True)
    sim.quote("AAPL", 100, "100.02")
    with pytest.raises(OrderRejected, match="insufficient qty available"):
        sim.submit(symbol="AAPL", side=Side.SELL, qty=10)


def test_shares_held_by_open_sell_orders_are_not_available(make_sim):
    sim = make_sim(allow_short=False)
    buy_at(sim, 10, 100)
    sim.submit(symbol="AAPL", side=Side.SELL, qty=6, type=OrderType.LIMIT, limit_price=120)
    with pytest.raises(OrderRejected) as raised:
        sim.submit(symbol="AAPL", side=Side.SELL, qty=5)
    assert str(raised.value) == "insufficient qty available for order (requested: 5, available: 4)"


def test_short_sale_when_allowed_opens_a_short_and_uses_buying_power(sim):
    sell_at(sim, 10, 100)
    sim.trade("AAPL", 100)
    account = sim.venue.account()
    assert sim.venue.ledger.position_qty("AAPL") == D(-10)
    assert account.cash == D(101_000)
    assert account.buying_power == D(200_000 - 1000)


def test_option_fees_are_charged_per_contract(sim):
    symbol = "AAPL260116C00100000"
    sim.option_quote(symbol, "2.00", "2.10")
    sim.submit(symbol=symbol, side=Side.BUY, qty=3)
    ledger = sim.venue.ledger
    assert ledger.fees_paid == D("1.95")
    assert ledger.cash == D(100_000) - D("630.00") - D("1.95")


def test_day_pl_is_measured_from_the_equity_at_the_last_close(sim):
    buy_at(sim, 100, 50)
    sim.trade("AAPL", 52)
    assert sim.venue.account().day_pl == D(200)
    sim.wait(timedelta(hours=15).total_seconds())  # past New York midnight: a new trading day
    account = sim.venue.account()
    assert (account.last_equity, account.day_pl) == (D(100_200), 0)
