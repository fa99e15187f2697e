"""Runs a line typed on the command line: parse it with ``console.orderline``, then act.

A mixin of ``ConsoleApp``. A malformed line is one plain sentence in a notification and the log; the
line stays in the history so the trader can fix it with the up key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.orderline import (
    CancelAll,
    CancelOrder,
    Command,
    Flatten,
    Help,
    Kill,
    OrderLineError,
    PauseStrategy,
    PlaceOrder,
    Quit,
    Replace,
    ResumeStrategy,
    ResumeTrading,
    StartStrategy,
    StopStrategy,
    Theme,
    Unwatch,
    Watch,
    parse,
)
from console.ui.panes.log import LogPane
from console.ui.panes.watchlist import WatchlistPane
from console.ui.widgets.command_line import CommandLine

if TYPE_CHECKING:
    from console.domain import Order
    from console.ui.app import ConsoleApp

    _Base = ConsoleApp
else:
    _Base = object


class CommandRunner(_Base):
    """Turns command-line text into actions, mixed into the app."""

    def action_command_line(self) -> None:
        """Open the command line."""
        self.query_one(CommandLine).open()

    def on_command_line_run(self, message: CommandLine.Run) -> None:
        self.run_command(message.text)

    def run_command(self, text: str) -> None:
        """Parse and run one command line; a bad line is reported, never raised."""
        self.query_one(LogPane).add_info(f": {text}", self.venue_time())
        try:
            command = parse(text)
        except OrderLineError as error:
            self.notify(str(error), severity="error", timeout=8)
            self.query_one(LogPane).add_info(f"  {error}", self.venue_time())
            return
        self.dispatch_command(command)

    def dispatch_command(self, command: Command) -> None:
        match command:
            case PlaceOrder(request=request):
                self.submit_order(request)
            case CancelOrder(order_ref=ref):
                if (order := self.find_order(ref)) is not None:
                    self.cancel_order(order.id)
            case CancelAll():
                self.action_cancel_all()
            case Flatten(symbol=symbol):
                self.confirm_flatten(symbol)
            case Replace(order_ref=ref, changes=changes):
                if (order := self.find_order(ref)) is not None:
                    self.replace_order(order.id, changes)
            case Watch(symbols=symbols) | Unwatch(symbols=symbols):
                pane = self.query_one(WatchlistPane)
                edit = pane.add_symbols if isinstance(command, Watch) else pane.remove_symbols
                edit(symbols, command.list_name)
            case Theme(name=name):
                self.switch_theme(name)
            case Help():
                self.action_help()
            case Quit():
                self.action_quit_console()
            case StartStrategy(name=name):
                self.strategy_command("start", name)
            case StopStrategy(name=name):
                self.strategy_command("stop", name)
            case PauseStrategy(name=name):
                self.strategy_command("pause", name)
            case ResumeStrategy(name=name):
                self.strategy_command("resume", name)
            case Kill() | ResumeTrading():
                self.notify("The kill switch is not available in this version yet.", severity="warning")

    def find_order(self, ref: str) -> Order | None:
        """The one working order whose id or client id starts with ``ref``; reports when not exactly one."""
        ref = ref.lower()
        matches = [
            o
            for o in self.session.working_orders()
            if o.id.lower().startswith(ref) or o.client_order_id.lower().startswith(ref)
        ]
        if len(matches) == 1:
            return matches[0]
        problem = "no working order" if not matches else f"{len(matches)} working orders"
        self.notify(f"{problem} matches {ref!r}; type more of the order id", severity="error")
        return None
