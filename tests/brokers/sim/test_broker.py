"""SimBroker: the Broker port over the sim market and venue, with a manual clock."""

import threading
from datetime import timedelta
from decimal import Decimal as D

import pytest

from console.brokers.base import (
    Broker,
    BrokerCallbacks,
    BrokerError,
    OrderNotFound,
    OrderRejected,
    PositionNotFound,
)
from console.brokers.sim.broker import SimBroker
from console.domain import (
    Bar,
    OrderRequest,
    OrderStatus,
    OrderType,
    OrderUpdate,
    Quote,
    Side,
    Timeframe,
    Trade,
    TradeEvent,
)
from console.domain.events import ClockUpdate, ConnectionState, ConnectionStatus
from console.settings_schema import SimSettings

from .conftest import T0, Recorder


def market_buy(symbol="AAPL", qty=10):
    return OrderRequest(symbol=symbol, side=Side.BUY, qty=D(qty))


def test_sim_broker_implements_the_broker_port(broker):
    assert isinstance(broker, Broker)
    assert broker.name == "sim"


def test_connect_announces_the_sim_connection_and_the_clock(recorder):
    broker = SimBroker(SimSettings(), start=T0, clock="manual")
    broker.connect(recorder.callbacks())
    status, clock = recorder.items
    assert isinstance(status, ConnectionStatus)
    assert (status.name, status.state) == ("sim", ConnectionState.CONNECTED)
    assert isinstance(clock, ClockUpdate) and clock.is_open


def test_close_announces_the_disconnect_once(broker, recorder):
    broker.close()
    broker.close()
    statuses = [i for i in recorder.items if isinstance(i, ConnectionStatus)]
    assert [s.state for s in statuses] == [ConnectionState.CONNECTED, ConnectionState.DISCONNECTED]


def test_advance_delivers_only_subscribed_market_data_in_time_order(broker, recorder):
    broker.subscribe(["AAPL"])
    broker.advance(120)
    data = [i for i in recorder.items if isinstance(i, Quote | Trade | Bar)]
    assert {i.symbol for i in data} == {"AAPL"}
    assert {type(i) for i in data} == {Quote, Trade, Bar}
    stamps = [i.timestamp for i in data if not isinstance(i, Bar)]
    assert stamps == sorted(stamps)


def test_unsubscribe_stops_the_delivery(broker, recorder):
    broker.subscribe(["AAPL"])
    broker.unsubscribe(["AAPL"])
    broker.advance(10)
    assert not [i for i in recorder.items if isinstance(i, Quote)]


def test_marketable_submit_returns_the_filled_order_and_delivers_new_before_fill(broker, recorder):
    order = broker.submit(market_buy(), "c1")
    assert order.status is OrderStatus.FILLED
    assert [u.event for u in recorder.updates] == [TradeEvent.NEW, TradeEvent.FILL]
    assert recorder.updates[-1].position_qty == D(10)


def test_events_carry_venue_time(broker, recorder):
    broker.submit(market_buy(), "c1")
    assert recorder.updates[0].timestamp == broker.now == T0 + timedelta(seconds=1)


def test_duplicate_client_order_id_is_refused_like_alpaca(broker):
    first = broker.submit(market_buy(), "c1")
    with pytest.raises(OrderRejected, match="client_order_id must be unique") as raised:
        broker.submit(market_buy(qty=5), "c1")
    assert raised.value.code == "40010001"
    assert broker.order_by_client_id("c1").id == first.id


def test_unknown_client_order_id_is_not_found(broker):
    with pytest.raises(OrderNotFound):
        broker.order_by_client_id("nope")


def test_order_ids_are_uuid4_and_deterministic(recorder):
    def ids():
        broker = SimBroker(SimSettings(seed=3), ["AAPL"], start=T0, clock="manual")
        broker.advance(1)
        return [broker.submit(market_buy(), f"c{i}").id for i in range(3)]

    first = ids()
    assert first == ids()
    assert all(i[14] == "4" for i in first)


def test_orders_lists_newest_first_by_status(broker):
    filled = broker.submit(market_buy(), "c1")
    resting = broker.submit(
        OrderRequest(symbol="AAPL", side=Side.BUY, qty=D(1), type=OrderType.LIMIT, limit_price=D(1)), "c2"
    )
    assert [o.id for o in broker.orders("open")] == [resting.id]
    assert [o.id for o in broker.orders("closed")] == [filled.id]
    assert [o.id for o in broker.orders("all")] == [resting.id, filled.id]
    with pytest.raises(BrokerError, match="open, closed or all"):
        broker.orders("working")


def test_a_callback_may_call_back_into_the_broker(recorder):
    broker = SimBroker(SimSettings(), ["AAPL"], start=T0, clock="manual")
    seen: list[OrderUpdate] = []

    def on_update(update: OrderUpdate) -> None:
        seen.append(update)
        if update.order.client_order_id == "c1" and update.event is TradeEvent.FILL:
            broker.submit(OrderRequest(symbol="AAPL", side=Side.SELL, qty=D(10)), "c2")

    broker.connect(BrokerCallbacks(on_order_update=on_update))
    broker.advance(1)
    broker.submit(market_buy(), "c1")
    assert [(u.order.client_order_id, u.event) for u in seen] == [
        ("c1", TradeEvent.NEW),
        ("c1", TradeEvent.FILL),
        ("c2", TradeEvent.NEW),
        ("c2", TradeEvent.FILL),
    ]


def test_a_failing_callback_does_not_stop_the_others(recorder, caplog):
    broker = SimBroker(SimSettings(), ["AAPL"], start=T0, clock="manual")
    delivered: list[TradeEvent] = []

    def on_update(update: OrderUpdate) -> None:
        delivered.append(update.event)
        raise RuntimeError("subscriber bug")

    broker.connect(BrokerCallbacks(on_order_update=on_update))
    broker.advance(1)
    broker.submit(market_buy(), "c1")
    assert delivered == [TradeEvent.NEW, TradeEvent.FILL]
    assert "callback failed" in caplog.text


def test_close_position_flattens_and_cancels_the_symbols_working_orders(broker):
    broker.submit(market_buy(qty=10), "c1")
    resting = broker.submit(
        OrderRequest(symbol="AAPL", side=Side.SELL, qty=D(5), type=OrderType.LIMIT, limit_price=D(1000)), "c2"
    )
    (closing,) = broker.close_position("AAPL")
    assert (closing.side, closing.qty) == (Side.SELL, D(10))
    assert broker.order(resting.id).status is OrderStatus.CANCELED
    broker.advance(2)
    assert broker.positions() == []


def test_close_all_positions(broker):
    broker.submit(market_buy("AAPL"), "c1")
    broker.submit(OrderRequest(symbol="MSFT", side=Side.SELL, qty=D(3)), "c2")
    orders = broker.close_position()
    assert {(o.symbol, o.side) for o in orders} == {("AAPL", Side.SELL), ("MSFT", Side.BUY)}
    broker.advance(2)
    assert broker.positions() == []


def test_close_position_without_a_position_is_not_found(broker):
    with pytest.raises(PositionNotFound, match="position does not exist"):
        broker.close_position("AAPL")


def test_bars_join_history_and_the_live_tape(broker):
    broker.advance(180)
    bars = broker.bars("AAPL", Timeframe.MINUTE_1, T0 - timedelta(minutes=5), T0 + timedelta(minutes=3))
    stamps = [b.timestamp for b in bars]
    assert stamps == [T0 + timedelta(minutes=m) for m in range(-5, 3)]


def test_symbols_traded_join_the_tape(broker):
    broker.submit(market_buy("NVDA"), "c1")
    assert "NVDA" in broker.market.symbols
    broker.advance(1)
    assert broker.positions()[0].symbol == "NVDA"


def test_latest_quote_and_market_clock(broker):
    assert broker.latest_quote("AAPL").symbol == "AAPL"
    assert broker.is_market_open()


def test_option_order_fills_at_the_chain_ask(broker):
    expiry = broker.option_expirations("AAPL")[1]
    chain = broker.option_chain("AAPL", expiry)
    row = chain.quotes[len(chain.quotes) // 2]
    order = broker.submit(OrderRequest(symbol=row.contract.symbol, side=Side.BUY, qty=D(1)), "c1")
    assert order.status is OrderStatus.FILLED
    assert order.filled_avg_price == broker.latest_quote(row.contract.symbol).ask


def test_commands_from_many_threads_while_the_clock_runs_reconcile(broker, recorder):
    errors: list[BaseException] = []

    def trade(thread: int) -> None:
        try:
            for i in range(20):
                side = Side.BUY if i % 2 == 0 else Side.SELL
                broker.submit(OrderRequest(symbol="AAPL", side=side, qty=D(1)), f"t{thread}.{i}")
        except BaseException as error:
            errors.append(error)

    def clock() -> None:
        for _ in range(50):
            broker.advance(0.5)

    threads = [threading.Thread(target=trade, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=clock))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    broker.advance(30)
    assert errors == []
    fills = [u.fill for u in recorder.updates if u.fill]
    position = sum((f.qty if f.side is Side.BUY else -f.qty for f in fills), D(0))
    cash = D(100_000) - sum((f.qty * f.price * (1 if f.side is Side.BUY else -1) for f in fills), D(0))
    assert broker.account().cash == cash
    assert sum((p.qty for p in broker.positions()), D(0)) == position


def test_real_mode_runs_a_clock_that_steps_the_broker_until_close(recorder):
    broker = SimBroker(SimSettings(speed=60), ["AAPL"], start=T0, clock="real")
    broker.connect(recorder.callbacks())
    clock = broker.clock
    assert clock is not None and clock.is_running and clock.speed == 60
    before = broker.now
    clock.tick()  # one step, as the thread does each interval: 0.25 s x 60
    assert broker.now - before >= timedelta(seconds=15)
    broker.close()
    assert broker.clock is None and not clock.is_running


def test_a_refused_submit_leaves_no_order_and_no_event(broker, recorder):
    request = OrderRequest(symbol="AAPL", side=Side.BUY, qty=D(1_000_000))
    with pytest.raises(OrderRejected, match="insufficient buying power"):
        broker.submit(request, "c1")
    assert broker.orders("all") == []
    assert recorder.updates == []
    assert broker.submit(market_buy(), "c1").status is OrderStatus.FILLED  # the client id is still free


def test_same_seed_and_same_commands_give_the_same_event_stream():
    def session() -> list[tuple[object, ...]]:
        recorder = Recorder()
        broker = SimBroker(SimSettings(seed=11), ["AAPL", "MSFT"], start=T0, clock="manual")
        broker.connect(recorder.callbacks())
        broker.advance(1)
        broker.submit(market_buy(qty=500), "c1")
        broker.submit(
            OrderRequest(
                symbol="MSFT", side=Side.SELL, qty=D(5), type=OrderType.TRAILING_STOP, trail_percent=D(1)
            ),
            "c2",
        )
        broker.advance(600)
        return [
            (u.event, u.order.id, u.order.status, u.fill and u.fill.price, u.timestamp)
            for u in recorder.updates
        ]

    assert session() == session()
