"""``StrategyHost``: the session's configured strategies, loaded, checked, and run by name.

The host owns one ``StrategyRunner`` and the strategy catalog for a session. It turns
``settings.strategies`` into running strategies: each entry's class is resolved in the catalog and its
params validated; an entry that cannot be loaded (a broken file, an unknown class, a bad param) becomes
one sentence in ``problems`` and every other entry still loads. The UI reaches strategies only through
this object (it never imports Backtrader): start/stop/pause/resume/toggle by name answer with a sentence,
and ``rows()`` is a snapshot of every strategy for the strategies pane.

Methods block (a stop joins the strategy's thread): call them off the UI's event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from console.domain import Order, Side
from console.engine.events import StrategyState
from console.engine.registry import StrategyCatalog, StrategyError, default_dirs, discover, validate_params
from console.engine.runner import StrategyRunner
from console.journal import JournalEntry
from console.order_ids import tag_of
from console.session import Session
from console.settings_schema import StrategySettings

log = logging.getLogger(__name__)

_ACTIVE = (StrategyState.WARMING_UP, StrategyState.RUNNING, StrategyState.PAUSED)


@dataclass(frozen=True, slots=True)
class StrategyRow:
    """One strategy as the UI shows it.

    Attributes:
        name: its configured name (and order tag).
        state: where it is in its life.
        symbols: the symbols it trades.
        position: its net filled quantity today, across its symbols (from its own orders).
        open_orders: its working orders.
        realized_pl: P&L closed today by its own fills (average cost), or None when it has no fills.
        unrealized_pl: its open position marked at the last trade or mid, or None when flat or unpriced.
        trades: orders of its that filled (in part or whole) today.
        signal: the strategy's ``signal`` text while it runs ("" when it has none).
        detail: why it is in ``state`` (the error of an errored strategy).
    """

    name: str
    state: StrategyState
    symbols: tuple[str, ...]
    position: Decimal
    open_orders: int
    realized_pl: Decimal | None
    unrealized_pl: Decimal | None
    trades: int
    signal: str
    detail: str = ""

    @property
    def pl(self) -> Decimal | None:
        """Realized plus unrealized, or None when neither is known."""
        if self.realized_pl is None and self.unrealized_pl is None:
            return None
        return (self.realized_pl or Decimal(0)) + (self.unrealized_pl or Decimal(0))


class StrategyHost:
    """The session's strategies under one runner. Safe to call from any thread; methods may block.

    Args:
        session: the started session.
        strategies: the configured strategies (``settings.strategies``).
        dirs: the folders to discover strategies in (default: the repo's ``strategies/``).
        runner: the runner to use (default: a new one over ``session``).
    """

    def __init__(
        self,
        session: Session,
        strategies: Sequence[StrategySettings],
        *,
        dirs: Iterable[Path] | None = None,
        runner: StrategyRunner | None = None,
    ) -> None:
        self.session = session
        self.runner = runner or StrategyRunner(session)
        self.problems: list[str] = []
        """One sentence per configured strategy (or strategy file) that could not be loaded."""
        self._configs: dict[str, StrategySettings] = {}
        self._failed: dict[str, str] = {}
        self._params: dict[str, dict[str, Any]] = {}
        self._details: dict[str, str] = {}
        self.catalog: StrategyCatalog = (
            discover(dirs if dirs is not None else default_dirs()) if strategies else StrategyCatalog()
        )
        self._load(strategies)

    @classmethod
    def for_settings(
        cls, session: Session, strategies: Sequence[StrategySettings], user_dir: Path | None = None
    ) -> StrategyHost:
        """A host over the repo's strategies and the user's folder (``paths.strategies_dir``)."""
        return cls(session, strategies, dirs=default_dirs(user_dir))

    def _load(self, strategies: Sequence[StrategySettings]) -> None:
        # A broken file is worth a sentence even when nothing configured uses it: it may have been meant to.
        self.problems.extend(self.catalog.problems)
        for config in strategies:
            try:
                info = self.catalog.resolve(config.strategy_class)
                params = validate_params(info, config.params)
                self.runner.add(config.name, info.cls, config.symbols, config.timeframe, params)
            except (StrategyError, ValueError) as error:
                sentence = f"strategy {config.name} was not loaded: {error}"
                self._failed[config.name] = sentence
                self.problems.append(sentence)
                continue
            self._configs[config.name] = config
            self._params[config.name] = {**info.params, **params}

    # -- names -------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """Loaded strategies, in configuration order."""
        return list(self._configs)

    def state(self, name: str) -> StrategyState:
        return self.runner.state(self._known(name))

    def params(self, name: str) -> dict[str, Any]:
        """Every param of ``name``: its defaults overlaid with the configured values."""
        return dict(self._params[self._known(name)])

    def config(self, name: str) -> StrategySettings:
        return self._configs[self._known(name)]

    def _known(self, name: str) -> str:
        """``name`` if loaded; else a ``StrategyError`` whose message is one sentence."""
        if name in self._configs:
            return name
        if name in self._failed:
            raise StrategyError(self._failed[name])
        known = ", ".join(self._configs) or "none are configured"
        raise StrategyError(f"no strategy named {name!r}; strategies: {known}")

    # -- control (blocking: call off the UI thread) -------------------------------------------------

    def start_enabled(self) -> list[str]:
        """Start every loaded strategy whose settings say ``enabled``; returns their names."""
        started = [name for name, config in self._configs.items() if config.enabled]
        for name in started:
            self.start(name)
        return started

    def start(self, name: str) -> str:
        """Start ``name``; the answer is a sentence. Raises ``StrategyError`` for an unknown name."""
        name = self._known(name)
        if self.runner.state(name) in _ACTIVE:
            return f"strategy {name} is already {_label(self.runner.state(name))}"
        self.runner.start(name)
        return f"strategy {name} started"

    def stop(self, name: str) -> str:
        """Stop ``name`` (cancelling its orders, and flattening if its settings say so)."""
        name = self._known(name)
        if self.runner.state(name) not in _ACTIVE:
            return f"strategy {name} is already {_label(self.runner.state(name))}"
        self.runner.stop(name, flatten=self._configs[name].flatten_on_stop)
        return f"strategy {name} stopped"

    def pause(self, name: str) -> str:
        name = self._known(name)
        if self.runner.state(name) not in (StrategyState.RUNNING, StrategyState.WARMING_UP):
            return f"strategy {name} is {_label(self.runner.state(name))}; only a running one can be paused"
        self.runner.pause(name)
        return f"strategy {name} paused: it runs but sends no orders"

    def resume(self, name: str) -> str:
        name = self._known(name)
        if self.runner.state(name) is not StrategyState.PAUSED:
            return f"strategy {name} is {_label(self.runner.state(name))}; only a paused one can be resumed"
        self.runner.resume(name)
        return f"strategy {name} resumed"

    def toggle(self, name: str) -> str:
        """Start a stopped (or errored) strategy, stop an active one."""
        name = self._known(name)
        return self.stop(name) if self.runner.state(name) in _ACTIVE else self.start(name)

    def toggle_pause(self, name: str) -> str:
        """Pause a running strategy, resume a paused one."""
        name = self._known(name)
        return self.resume(name) if self.runner.state(name) is StrategyState.PAUSED else self.pause(name)

    def stop_all(self) -> None:
        """Stop every active strategy (each flattening if its settings say so)."""
        for name in self._configs:
            if self.runner.state(name) in _ACTIVE:
                self.runner.stop(name, flatten=self._configs[name].flatten_on_stop)

    def note_detail(self, name: str, detail: str) -> None:
        """Remember why ``name`` changed state (the bus's ``StrategyStateChanged.detail``)."""
        self._details[name] = detail

    # -- views ---------------------------------------------------------------------------------------

    def journal_lines(self, name: str, limit: int = 20) -> list[JournalEntry]:
        """The last ``limit`` journal rows of ``name``, oldest first."""
        return self.session.journal.tail(limit, strategy=self._known(name))

    def rows(self) -> list[StrategyRow]:
        """A snapshot of every loaded strategy, in configuration order."""
        orders = self.session.orders()
        return [self._row(name, config, orders) for name, config in self._configs.items()]

    def _row(self, name: str, config: StrategySettings, all_orders: Sequence[Order]) -> StrategyRow:
        orders = [o for o in all_orders if o.strategy == name or tag_of(o.client_order_id) == name]
        book = _Book()
        for order in sorted(orders, key=lambda o: o.created_at):
            if order.filled_qty and order.filled_avg_price is not None:
                book.fill(order.symbol, order.side, order.filled_qty, order.filled_avg_price)
        unrealized: Decimal | None = None
        for symbol, (qty, avg) in book.open.items():
            if not qty:
                continue
            mark = self._mark(symbol)
            if mark is not None:
                unrealized = (unrealized or Decimal(0)) + qty * (mark - avg)
        state = self.runner.state(name)
        return StrategyRow(
            name=name,
            state=state,
            symbols=tuple(config.symbols),
            position=sum((qty for qty, _avg in book.open.values()), Decimal(0)),
            open_orders=sum(1 for o in orders if not o.is_terminal),
            realized_pl=book.realized if book.fills else None,
            unrealized_pl=unrealized,
            trades=book.fills,
            signal=self._signal(name) if state in _ACTIVE else "",
            detail=self._details.get(name, ""),
        )

    def _mark(self, symbol: str) -> Decimal | None:
        trade = self.session.quotes.last(symbol)
        if trade is not None:
            return Decimal(trade.price)
        quote = self.session.quotes.quote(symbol)
        if quote is not None and quote.bid and quote.ask:
            return (Decimal(quote.bid) + Decimal(quote.ask)) / 2
        return None

    def _signal(self, name: str) -> str:
        return self.runner.last_signal(name)


class _Book:
    """Average-cost position keeping over a strategy's fills, per symbol."""

    def __init__(self) -> None:
        self.open: dict[str, tuple[Decimal, Decimal]] = {}
        self.realized = Decimal(0)
        self.fills = 0

    def fill(self, symbol: str, side: Side, qty: Decimal, price: Decimal) -> None:
        self.fills += 1
        signed = qty if side is Side.BUY else -qty
        held, avg = self.open.get(symbol, (Decimal(0), Decimal(0)))
        if held and (held > 0) != (signed > 0):  # closing some or all, maybe flipping
            closed = min(abs(held), abs(signed))
            direction = 1 if held > 0 else -1
            self.realized += closed * (price - avg) * direction
            rest = held + signed
            if rest == 0:
                self.open[symbol] = (Decimal(0), Decimal(0))
            elif (rest > 0) == (held > 0):
                self.open[symbol] = (rest, avg)
            else:
                self.open[symbol] = (rest, price)
            return
        total = held + signed
        self.open[symbol] = (total, (held * avg + signed * price) / total)


def _label(state: StrategyState) -> str:
    return state.value.replace("_", " ")
