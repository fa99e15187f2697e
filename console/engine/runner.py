"""``StrategyRunner``: each strategy in its own thread with its own live Cerebro, over the session.

Why one thread and one Cerebro per strategy: a strategy that raises (or hangs in its own code) must not
stop the others; its crash is logged, journaled with the traceback and shown as ``errored``, and every
other strategy keeps running. All of them share one session (one road to the broker, one market-data
subscription); each has its own ``SessionBroker`` that sees only its own orders, by strategy tag.

After a restart a strategy re-adopts what the broker still holds for it: its open orders (those whose
client order id carries its tag) are followed again, and its position in its symbols is seeded, so it
never believes it is flat while the venue holds shares (NautilusTrader's reported failure).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import backtrader as bt

from console.domain import Order, OrderRequest, Side, Timeframe, TimeInForce
from console.engine.bridge_broker import SessionBroker
from console.engine.bridge_feed import SessionFeed
from console.engine.events import StrategyState, StrategyStateChanged
from console.journal import JournalKind
from console.order_ids import tag_of
from console.session import Session

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    """One strategy under the runner, and the Cerebro running it (while it runs)."""

    name: str
    strategy_cls: type
    symbols: tuple[str, ...]
    timeframe: Timeframe
    params: dict[str, Any]
    state: StrategyState = StrategyState.STOPPED
    thread: threading.Thread | None = None
    cerebro: Any = None
    broker: SessionBroker | None = None
    feeds: list[SessionFeed] = field(default_factory=list)
    live_feeds: int = 0
    adopted: list[Order] = field(default_factory=list)


class StrategyRunner:
    """Runs named strategies live over ``session``. Methods are safe to call from any thread.

    Args:
        session: The started session.
        warmup: History bars each feed replays before going live.
        now: The venue's clock (the end of the warm-up window); defaults to the broker's ``now`` if it
            has one, else the wall clock.
        poll_s: How long a feed waits for a bar before letting Cerebro loop (order notifications).
        time_in_force: Default time in force of strategy orders.
    """

    def __init__(
        self,
        session: Session,
        *,
        warmup: int = 50,
        now: Callable[[], datetime] | None = None,
        poll_s: float = 0.05,
        time_in_force: TimeInForce = TimeInForce.DAY,
    ) -> None:
        self.session = session
        self._warmup = warmup
        self._now = now or _venue_clock(session)
        self._poll_s = poll_s
        self._time_in_force = time_in_force
        self._slots: dict[str, _Slot] = {}
        self._changed = threading.Condition()

    # -- registry ----------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        strategy_cls: type,
        symbols: Sequence[str],
        timeframe: Timeframe = Timeframe.MINUTE_1,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Register a strategy (stopped). ``name`` is its order tag.

        Raises:
            ValueError: the name is taken or there are no symbols.
        """
        if name in self._slots:
            raise ValueError(f"a strategy named {name!r} is already registered")
        if not symbols:
            raise ValueError(f"strategy {name!r} needs at least one symbol")
        self._slots[name] = _Slot(name, strategy_cls, tuple(symbols), timeframe, dict(params or {}))

    def names(self) -> list[str]:
        return list(self._slots)

    def last_signal(self, name: str) -> str:
        """The running strategy's ``signal`` attribute (its last decision, in words), or "" if it has none.

        Raises:
            KeyError: no strategy registered under ``name``.
        """
        cerebro = self._slot(name).cerebro
        for strategy in getattr(cerebro, "runningstrats", None) or ():
            signal = getattr(strategy, "signal", None)
            if isinstance(signal, str):
                return signal
        return ""

    def state(self, name: str) -> StrategyState:
        return self._slot(name).state

    def wait_for(self, name: str, *states: StrategyState, timeout: float = 5.0) -> bool:
        """Block until ``name`` is in one of ``states``; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._slot(name).state in states, timeout)

    # -- control -----------------------------------------------------------------------------------

    def start(self, name: str) -> None:
        """Start ``name`` in its own thread: warm up on history, then trade live bars."""
        slot = self._slot(name)
        if slot.thread is not None and slot.thread.is_alive():
            return
        broker = SessionBroker(self.session, name, self._time_in_force)
        slot.broker, slot.live_feeds, slot.adopted = broker, 0, self._adopt(slot, broker)
        cerebro = bt.Cerebro(runonce=False, preload=False, stdstats=False, live=True, quicknotify=True)
        cerebro.setbroker(broker)
        slot.feeds = []
        for symbol in slot.symbols:
            params: dict[str, Any] = {
                "session": self.session,
                "symbol": symbol,
                "bar_timeframe": slot.timeframe,
                "warmup": self._warmup,
                "now": self._now,
                "poll_s": self._poll_s,
                "on_live": lambda slot=slot: self._feed_live(slot),
            }
            feed = SessionFeed(**params)  # Backtrader params: keywords its metaclass consumes
            cerebro.adddata(feed, name=symbol)
            slot.feeds.append(feed)
        cerebro.addstrategy(slot.strategy_cls, **slot.params)
        slot.cerebro = cerebro
        self._set_state(slot, StrategyState.WARMING_UP)
        slot.thread = threading.Thread(target=self._run, args=(slot,), name=f"strategy-{name}", daemon=True)
        slot.thread.start()

    def pause(self, name: str) -> None:
        """Keep ``name`` running but refuse its new orders (each refusal is logged, and Rejected)."""
        slot = self._slot(name)
        if slot.broker is not None and slot.state in (StrategyState.RUNNING, StrategyState.WARMING_UP):
            slot.broker.paused = True
            self._set_state(slot, StrategyState.PAUSED)

    def resume(self, name: str) -> None:
        slot = self._slot(name)
        if slot.broker is not None and slot.state is StrategyState.PAUSED:
            slot.broker.paused = False
            live = slot.live_feeds >= len(slot.feeds)
            self._set_state(slot, StrategyState.RUNNING if live else StrategyState.WARMING_UP)

    def stop(self, name: str, *, flatten: bool = False, timeout: float = 10.0) -> None:
        """Stop ``name``: end its Cerebro, cancel its working orders, and flatten its position if asked."""
        slot = self._slot(name)
        if slot.broker is not None:
            slot.broker.paused = True  # nothing new while it winds down
        for feed in slot.feeds:
            feed.end()
        if slot.cerebro is not None:
            slot.cerebro.runstop()
        if slot.thread is not None:
            slot.thread.join(timeout)
        self._cancel_working(slot)
        if flatten and slot.broker is not None:
            self._flatten(slot, slot.broker)
        if slot.state is not StrategyState.ERRORED:
            self._set_state(slot, StrategyState.STOPPED)

    def stop_all(self, *, flatten: bool = False) -> None:
        for name in self._slots:
            self.stop(name, flatten=flatten)

    # -- internals ---------------------------------------------------------------------------------

    def _run(self, slot: _Slot) -> None:
        try:
            slot.cerebro.run()
        except Exception as error:
            log.exception("strategy %s crashed", slot.name)
            self.session.journal.append(
                JournalKind.ERROR,
                {"where": "strategy", "error": repr(error), "traceback": traceback.format_exc()},
                strategy=slot.name,
            )
            self._set_state(slot, StrategyState.ERRORED, f"{type(error).__name__}: {error}")

    def _feed_live(self, slot: _Slot) -> None:
        """A feed finished its warm-up (strategy thread). Once all have, the strategy trades."""
        slot.live_feeds += 1
        if slot.live_feeds < len(slot.feeds) or slot.broker is None:
            return
        slot.broker.trading = True
        if slot.state is StrategyState.WARMING_UP:
            self._set_state(slot, StrategyState.RUNNING)

    def _adopt(self, slot: _Slot, broker: SessionBroker) -> list[Order]:
        """Find what the broker still holds for ``slot`` (its tagged open orders, its positions)."""
        orders = [o for o in self.session.broker.orders("open") if tag_of(o.client_order_id) == slot.name]
        positions = {p.symbol: p for p in self.session.positions() if p.symbol in slot.symbols}
        for position in positions.values():
            broker.set_position(position.symbol, float(position.qty), float(position.avg_entry_price))
        self.session.journal.append(
            JournalKind.STRATEGY,
            {
                "event": "adopt",
                "open_orders": [o.client_order_id for o in orders],
                "positions": {s: str(p.qty) for s, p in positions.items()},
            },
            strategy=slot.name,
        )
        return orders

    def _cancel_working(self, slot: _Slot) -> None:
        for order in self.session.broker.orders("open"):
            if tag_of(order.client_order_id) == slot.name or order.strategy == slot.name:
                self.session.cancel(order.id, source=f"strategy:{slot.name}")

    def _flatten(self, slot: _Slot, broker: SessionBroker) -> None:
        for feed in slot.feeds:
            size = broker.getposition(feed, clone=False).size
            if not size:
                continue
            request = OrderRequest(
                symbol=feed.p.symbol,
                side=Side.SELL if size > 0 else Side.BUY,
                qty=Decimal(str(abs(size))),
                strategy=slot.name,
            )
            self.session.submit(request, source=f"strategy:{slot.name}:flatten")

    def _set_state(self, slot: _Slot, state: StrategyState, detail: str = "") -> None:
        with self._changed:
            slot.state = state
            self._changed.notify_all()
        self.session.journal.append(
            JournalKind.STRATEGY,
            {"event": "state", "state": state.value, "detail": detail},
            strategy=slot.name,
        )
        self.session.bus.publish(StrategyStateChanged(name=slot.name, state=state, detail=detail))

    def _slot(self, name: str) -> _Slot:
        try:
            return self._slots[name]
        except KeyError:
            raise KeyError(f"no strategy named {name!r}") from None


def _venue_clock(session: Session) -> Callable[[], datetime]:
    broker = session.broker

    def now() -> datetime:
        venue_now = getattr(broker, "now", None)
        return venue_now if isinstance(venue_now, datetime) else datetime.now().astimezone()

    return now
