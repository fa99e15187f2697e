"""The console: a Textual app over a Session. Layout, the frame loop, account polling, and exit.

Only this package imports Textual. The app takes its session in its constructor (``build_app`` is the one
factory, used by the CLI and the tests), so a test can hand it a sim session on a frozen clock.
Engine threads never touch widgets: the frame timer drains ``UiFeed`` at ``ui.refresh_hz`` and hands each
pane what changed; account and positions are fetched in a thread worker once a second.
Strategies live in the engine's ``StrategyHost``, built off the event loop once the session is up (its
import loads Backtrader, which the app never imports itself); the strategies pane's requests run in
thread workers, and its rows are refreshed when a strategy changes state, its orders move, or each second.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from console.domain import Account
from console.orderline import help_text
from console.session import Session
from console.session_factory import watched_symbols
from console.settings_schema import Settings
from console.ui.command_runner import CommandRunner
from console.ui.feed import UiFeed, UiSnapshot
from console.ui.formatting import format_time_et
from console.ui.messages import AccountRefreshed, SessionFailed, SessionStarted
from console.ui.order_actions import OrderActions
from console.ui.panes.header import StatusHeader
from console.ui.panes.log import LogPane
from console.ui.panes.orders import OrdersPane
from console.ui.panes.positions import PositionsPane
from console.ui.panes.strategies import StrategiesPane, StrategyDetailScreen
from console.ui.panes.watchlist import WatchlistPane
from console.ui.screens.help import HelpScreen
from console.ui.themes import BASE_CSS, THEME_NAMES, load_themes
from console.ui.widgets.command_line import CommandLine

if TYPE_CHECKING:
    from console.engine.strategy_host import StrategyHost

PANES = ("watchlist", "orders", "positions", "log", "strategies")
"""Pane ids in the order of their number keys."""
ACCOUNT_REFRESH_S = 1.0
STRATEGY_LOG_LINES = 20
"""Journal rows the strategies pane's ``l`` key shows."""


@dataclass
class StrategiesLoaded(Message):
    """The strategy host is built (or could not be); ``problems`` are sentences, ``started`` names."""

    host: StrategyHost | None
    problems: list[str]
    started: list[str]


@dataclass
class StrategyAnswer(Message):
    """A strategy request ended; ``message`` is one sentence, an error when ``failed``."""

    message: str
    failed: bool = False


class ConsoleApp(OrderActions, CommandRunner, App[int]):
    """The trading console."""

    TITLE = "btconsole"
    CSS_PATH = BASE_CSS
    AUTO_FOCUS = "#watchlist-board"
    """Focus set as the screen mounts, not deferred: a key typed at the first paint must not lose to it."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        # Priority: handled by the app as the key arrives, before later keys are routed to the old focus,
        # so ":buy" typed in one burst lands whole in the command line.
        Binding("colon", "command_line", "Command", key_display=":", priority=True),
        Binding("b", "buy", "Buy"),
        Binding("s", "sell", "Sell"),
        Binding("X", "cancel_all", "Cancel all", key_display="X"),
        Binding("F", "flatten_all", "Flatten all", key_display="F"),
        *(Binding(str(n), f"show_pane('{p}')", p.title(), show=False) for n, p in enumerate(PANES, 1)),
        Binding("z", "zoom", "Zoom"),
        Binding("t", "next_theme", "Theme", show=False),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("q", "quit_console", "Quit"),
        Binding("ctrl+c", "quit_console", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        session: Session,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        start_session: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.last_account: Account | None = None
        self._clock = clock or (lambda: datetime.now(UTC))
        self._start_session = start_session
        self._feed = UiFeed(session.bus, session.quotes)
        self._orders_dirty = True
        self._strategies_dirty = False
        self.strategy_host: StrategyHost | None = None
        """The session's strategies, once loaded (None before, or when none are configured)."""
        self._strategies_loading = bool(settings.strategies)
        self._stopping = False
        self._venue_clock_seen = False
        self._themes = load_themes()

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static(id="pane-tabs")
        with Container(id="panes"):
            yield WatchlistPane(self.settings.watchlists, self.settings.ui.default_watchlist)
            yield OrdersPane()
            yield PositionsPane()
            yield LogPane()
            yield StrategiesPane()
        yield CommandLine(
            symbols=lambda: self.query_one(WatchlistPane).symbols,
            themes=THEME_NAMES,
        )
        yield Footer()

    def on_mount(self) -> None:
        # Freeze what start-up allocated out of the collector's sight: full collections over those
        # objects were the only lag spikes under a quote storm (about 25 ms every few seconds).
        gc.freeze()
        for theme in self._themes.values():
            self.register_theme(theme)
        self.switch_theme(self.settings.ui.theme)
        header = self.query_one(StatusHeader)
        header.mode = self.settings.broker.mode.value.upper()
        for pane in self.query_one("#panes").children:
            pane.add_class("pane")
        self.show_pane("watchlist", focus=False)
        self.set_interval(1 / self.settings.ui.refresh_hz, self.apply_frame)
        self.set_interval(ACCOUNT_REFRESH_S, self.refresh_account)
        self._install_signal_handlers()
        if self._start_session:
            self.start_session()
        else:
            self.refresh_account()
            self.load_strategies()

    def _install_signal_handlers(self) -> None:
        # SIGHUP is the SSH session dropping: leave as orderly as a q keypress.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            # Not possible off the main thread (tests) or on a non-Unix loop: then the default stands.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.action_quit_console)

    # -- session ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="session")
    def start_session(self) -> None:
        """Connect the broker off the event loop; a failure is a sentence, and the app stays up."""
        try:
            self.session.start(watched_symbols(self.settings))
        except Exception as error:  # any broker failure must reach the user as a sentence
            self.post_message(SessionFailed(f"Could not connect to {self.session.broker.name}: {error}"))
            return
        self.post_message(SessionStarted())
        self._load_strategies()

    @work(thread=True, exit_on_error=False, group="session")
    def load_strategies(self) -> None:
        """Load the configured strategies over an already-started session (off the event loop)."""
        self._load_strategies()

    def _load_strategies(self) -> None:
        """Build the strategy host and start the enabled strategies (worker thread); report by message."""
        if not self.settings.strategies:
            return
        try:
            from console.engine.strategy_host import StrategyHost

            host = StrategyHost.for_settings(
                self.session, self.settings.strategies, self.settings.paths.strategies_dir
            )
        except Exception as error:  # a broken engine must not take the console down
            self.post_message(StrategiesLoaded(None, [f"Strategies could not be loaded: {error}"], []))
            return
        started: list[str] = []
        problems = list(host.problems)
        for name in [n for n in host.names() if host.config(n).enabled]:
            try:
                host.start(name)
                started.append(name)
            except Exception as error:  # one strategy failing to start leaves the others
                problems.append(f"strategy {name} did not start: {error}")
        self.post_message(StrategiesLoaded(host, problems, started))

    def on_strategies_loaded(self, message: StrategiesLoaded) -> None:
        self._strategies_loading = False
        if self._closing_down():
            if message.host is not None:
                self.stop_strategies_later(message.host)
            return
        self.strategy_host = message.host
        self._strategies_dirty = True
        log = self.query_one(LogPane)
        for problem in message.problems:
            log.add_info(problem, self.venue_time())
        if message.problems:
            count = len(message.problems)
            self.notify(
                f"{count} strateg{'y' if count == 1 else 'ies'} could not be loaded; see the log.",
                severity="error",
                timeout=10,
            )
        if message.started:
            log.add_info(f"strategies started: {', '.join(message.started)}", self.venue_time())

    @work(thread=True, exit_on_error=False, group="strategies")
    def stop_strategies_later(self, host: StrategyHost) -> None:
        host.stop_all()

    def on_session_started(self, _message: SessionStarted) -> None:
        self.query_one(LogPane).add_info(f"connected to {self.session.broker.name}", self.venue_time())
        self.refresh_account()

    def on_session_failed(self, message: SessionFailed) -> None:
        self.notify(message.message, severity="error", timeout=15)
        self.query_one(LogPane).add_info(message.message, self.venue_time())

    # -- the frame loop --------------------------------------------------------------------------

    def apply_frame(self) -> None:
        """Hand each pane what changed since the last frame (event loop only)."""
        snapshot = self._feed.drain()
        try:
            if not snapshot.empty:
                self._apply(snapshot)
            if self._orders_dirty:
                self.refresh_orders()
            if self._strategies_dirty:
                self.refresh_strategies()
        except NoMatches:
            # A tick that raced the app's teardown: its panes are already gone, and so is the need.
            if not self._closing_down():
                raise

    def _apply(self, snapshot: UiSnapshot) -> None:
        if snapshot.quotes:
            self.query_one(WatchlistPane).update_quotes(snapshot.quotes)
        log = self.query_one(LogPane)
        for update in snapshot.order_updates:
            log.add_update(update)
        for error in snapshot.errors:
            log.add_error(error)
            self.notify(error.message, severity="error", timeout=8)
        if snapshot.order_updates:
            self._orders_dirty = True
            self._strategies_dirty = True
        for change in snapshot.strategy_changes:
            self._strategies_dirty = True
            if self.strategy_host is not None:
                self.strategy_host.note_detail(change.name, change.detail)
            if change.detail:
                text = f"strategy {change.name} {change.state.value}: {change.detail}"
                log.add_info(text, self.venue_time())
        header = self.query_one(StatusHeader)
        if snapshot.connections:
            header.connections = {**header.connections, **snapshot.connections}
        if snapshot.clock is not None:
            # The venue's clock wins over the wall clock: an accelerated sim shows its own time.
            self._venue_clock_seen = True
            header.clock = snapshot.clock.timestamp
            header.market_open = snapshot.clock.is_open

    def on_watchlist_pane_watchlist_changed(self, message: WatchlistPane.WatchlistChanged) -> None:
        self.subscribe_symbols(list(message.symbols))

    @work(thread=True, exit_on_error=False, group="market-data")
    def subscribe_symbols(self, symbols: list[str]) -> None:
        """Add symbols to the one market-data subscription (already-subscribed ones are a no-op)."""
        self.session.subscribe(symbols)

    def venue_time(self) -> datetime:
        """The venue's clock when it has spoken (an accelerated sim runs ahead), else the app's clock."""
        clock = self.query_one(StatusHeader).clock
        return clock if self._venue_clock_seen and clock is not None else self._clock()

    def refresh_orders(self) -> None:
        self._orders_dirty = False
        self.query_one(OrdersPane).update_orders(self.session.orders())

    def refresh_strategies(self) -> None:
        self._strategies_dirty = False
        host = self.strategy_host
        if host is not None:
            self.query_one(StrategiesPane).update_strategies(host.rows(), host.problems)

    # -- strategies ------------------------------------------------------------------------------

    def on_strategies_pane_toggle_requested(self, message: StrategiesPane.ToggleRequested) -> None:
        self.strategy_command("toggle", message.name)

    def on_strategies_pane_pause_requested(self, message: StrategiesPane.PauseRequested) -> None:
        self.strategy_command("toggle_pause", message.name)

    def on_strategies_pane_show_params(self, message: StrategiesPane.ShowParams) -> None:
        host = self.strategy_host
        if host is None:
            return
        try:
            params = host.params(message.name)
            config = host.config(message.name)
        except Exception as error:  # an unknown name: one sentence
            self.notify(str(error), severity="error")
            return
        lines = [
            f"class      {config.strategy_class}",
            f"symbols    {' '.join(config.symbols)}",
            f"timeframe  {config.timeframe.value}",
            "",
            *(f"{key:<24} {value!r}" for key, value in params.items()),
        ]
        self.push_screen(StrategyDetailScreen(f"{message.name} · params", lines))

    def on_strategies_pane_show_log(self, message: StrategiesPane.ShowLog) -> None:
        self.show_strategy_log(message.name)

    @work(thread=True, exit_on_error=False, group="strategies")
    def show_strategy_log(self, name: str) -> None:
        """Read the strategy's last journal rows off the event loop, then show them."""
        host = self.strategy_host
        if host is None:
            return
        try:
            entries = host.journal_lines(name, STRATEGY_LOG_LINES)
        except Exception as error:  # an unknown name or a journal failure: one sentence
            self.post_message(StrategyAnswer(str(error), failed=True))
            return
        lines = [f"{format_time_et(e.ts)}  {e.kind:<14} {_payload_text(e.payload)}" for e in entries]
        title = f"{name} · last {len(lines)} journal rows"
        self.call_from_thread(self.push_screen, StrategyDetailScreen(title, lines))

    def strategy_command(self, verb: str, name: str) -> None:
        """Run ``verb`` (start, stop, pause, resume, toggle, toggle_pause) on strategy ``name``."""
        host = self.strategy_host
        if host is None:
            if self._strategies_loading:
                self.notify("Strategies are still loading; try again in a moment.", severity="warning")
            else:
                self.notify(f"No strategy named {name!r}; none are configured.", severity="error")
            return
        self.run_strategy_command(host, verb, name)

    @work(thread=True, exit_on_error=False, group="strategies")
    def run_strategy_command(self, host: StrategyHost, verb: str, name: str) -> None:
        """Ask the host (a stop joins the strategy's thread, so never on the event loop)."""
        try:
            answer = getattr(host, verb)(name)
        except Exception as error:  # unknown name or an engine failure: one sentence either way
            self.post_message(StrategyAnswer(str(error), failed=True))
            return
        self.post_message(StrategyAnswer(answer))

    def on_strategy_answer(self, message: StrategyAnswer) -> None:
        if self._closing_down():
            return
        text = message.message[:1].upper() + message.message[1:]
        self.notify(text, severity="error" if message.failed else "information", timeout=6)
        self.query_one(LogPane).add_info(text, self.venue_time())
        self._strategies_dirty = True

    @work(thread=True, exit_on_error=False, exclusive=True, group="account")
    def refresh_account(self) -> None:
        """Fetch account, positions and market state off the event loop."""
        try:
            account = self.session.account()
            positions = self.session.positions()
            market_open = self.session.broker.is_market_open()
        except Exception:  # the header keeps its last figures; the broker reports its own errors
            return
        self.post_message(AccountRefreshed(account, positions, market_open))

    def on_account_refreshed(self, message: AccountRefreshed) -> None:
        if self._closing_down():
            return  # a late answer while the app closes: its panes may be gone
        self.last_account = message.account
        header = self.query_one(StatusHeader)
        header.equity = message.account.equity
        header.day_pl = message.account.day_pl
        header.buying_power = message.account.buying_power
        if not self._venue_clock_seen:
            header.market_open = message.market_open
            header.clock = self._clock()
        self.query_one(PositionsPane).update_positions(message.positions, message.account)
        self._strategies_dirty = True  # marks move: refresh unrealized P&L and signals each second

    # -- panes, themes, help ---------------------------------------------------------------------

    def action_show_pane(self, pane_id: str) -> None:
        """Bring a pane forward (the only one shown on narrow terminals) and focus it."""
        self.show_pane(pane_id)

    def show_pane(self, pane_id: str, *, focus: bool = True) -> None:
        for pane in self.query_one("#panes").children:
            pane.set_class(pane.id == pane_id, "-active")
        tabs = "  ".join(
            f"[reverse] {n} {name.title()} [/]" if name == pane_id else f" {n} {name.title()} "
            for n, name in enumerate(PANES, 1)
        )
        self.query_one("#pane-tabs", Static).update(tabs)
        if focus:
            self.query_one(f"#{pane_id}").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_line":
            # Over a modal (ticket, help, confirm) ":" is just a character for it.
            return not isinstance(self.screen, ModalScreen)
        return True

    def action_zoom(self) -> None:
        """Zoom the focused pane to the full screen, or back."""
        if self.screen.maximized is not None:
            self.screen.minimize()
            return
        focused = self.focused
        for pane in self.query_one("#panes").children:
            if focused is not None and pane in focused.ancestors_with_self:
                self.screen.maximize(pane, container=False)

    def switch_theme(self, name: str) -> None:
        if name not in self._themes:
            self.notify(f"no theme {name!r}; themes: {', '.join(self._themes)}", severity="error")
            return
        self.theme = self._themes[name].name

    def action_next_theme(self) -> None:
        names = list(self._themes)
        current = next((n for n, t in self._themes.items() if t.name == self.theme), names[0])
        self.switch_theme(names[(names.index(current) + 1) % len(names)])

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self._binding_rows(), help_text()))

    def _binding_rows(self) -> list[tuple[str, str, str]]:
        rows = [("Console", b.key_display or b.key, b.description) for b in self._bindings_list()]
        for pane in self.query_one("#panes").children:
            rows += [(pane.id or "", b.key, b.description) for b in _bindings_of(pane)]
        rows += [("Command line", ":", "open; Enter runs, Esc leaves, up/down history, Tab completes")]
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p) carries every console action, named as in the help screen."""
        yield from super().get_system_commands(screen)
        for binding in self._bindings_list():
            if binding.action.startswith("show_pane"):
                continue
            yield SystemCommand(
                binding.description,
                f"key {binding.key_display or binding.key}",
                partial(self.run_action, binding.action),
            )
        for number, pane in enumerate(PANES, 1):
            yield SystemCommand(f"Go to {pane}", f"key {number}", partial(self.action_show_pane, pane))
        for name in self._themes:
            yield SystemCommand(f"Theme: {name}", "switch the colour theme", partial(self.switch_theme, name))

    def _bindings_list(self) -> list[Binding]:
        return [b for b in self.BINDINGS if isinstance(b, Binding)]

    # -- exit ------------------------------------------------------------------------------------

    def action_quit_console(self) -> None:
        """Leave in order: working orders left or cancelled as settings say, the journal closed."""
        if self._stopping:
            return
        self._stopping = True
        self.notify("Shutting down...", timeout=10)
        self.stop_session_and_exit()

    @work(thread=True, exit_on_error=False, group="session")
    def stop_session_and_exit(self) -> None:
        try:
            if self.strategy_host is not None:
                self.strategy_host.stop_all()  # before the session: their orders go through it
            self.session.stop(cancel_working=self.settings.broker.cancel_orders_on_exit)
        finally:
            self.call_from_thread(self.exit, 0)

    def _closing_down(self) -> bool:
        # Textual clears _running when its shutdown begins; there is no public flag for it.
        return self._stopping or not self._running

    def on_unmount(self) -> None:
        self._feed.close()


def _payload_text(payload: dict[str, object]) -> str:
    return "  ".join(f"{key}={value}" for key, value in payload.items() if key != "traceback")


def _bindings_of(widget: object) -> list[Binding]:
    return [b for b in getattr(widget, "BINDINGS", []) if isinstance(b, Binding)]


def build_app(
    settings: Settings,
    session: Session | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    start_session: bool = True,
) -> ConsoleApp:
    """The one app factory, shared by the CLI and the tests.

    Args:
        settings: the effective settings.
        session: a ready session; by default one is built for ``settings.broker.mode``.
        clock: the header's clock (tests freeze it).
        start_session: connect the broker on mount (tests that connected it already pass False).
    """
    if session is None:
        from console.session_factory import build_session

        session = build_session(settings)
    return ConsoleApp(session, settings, clock=clock, start_session=start_session)
