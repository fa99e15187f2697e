"""The log pane: one compact line per order event, error and notice, newest at the bottom.

The pane keeps the last ``MAX_LINES`` lines itself, as text and a kind rather than as coloured output, so
a theme change can repaint them in the new colours and a pane that was hidden (the narrow layout shows
one pane at a time) catches up when shown, instead of queueing renders without limit while it has no size.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Self

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.theme import Theme
from textual.widgets import RichLog

from console.domain import ErrorEvent, Order, OrderClass, OrderType, OrderUpdate, TradeEvent, utc_now
from console.ui.formatting import format_money, format_percent, format_price, format_qty, format_time_et

MAX_LINES = 1_000
"""Lines the pane keeps; older ones drop off the top (the journal keeps everything)."""

_ERROR_EVENTS = frozenset({TradeEvent.REJECTED})


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of the log, uncoloured: the pane colours it when it paints."""

    time: str
    body: str
    is_error: bool = False


class LogPane(Vertical):
    """Order events, errors and notices; follows the newest line unless the trader scrolled up."""

    COMPONENT_CLASSES = {"log--time", "log--error"}

    DEFAULT_CSS = """
    LogPane {
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        &:focus-within {
            border: round $accent;
            border-title-color: $accent;
        }
        & > RichLog {
            height: 1fr;
            background: $surface;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        & > .log--time { color: $text-muted; }
        & > .log--error { color: $error; }
    }
    """

    ALLOW_MAXIMIZE = True

    def __init__(self, *, id: str = "log", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: deque[LogLine] = deque(maxlen=MAX_LINES)
        self._behind = False

    def compose(self) -> ComposeResult:
        yield RichLog(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, auto_scroll=True)

    def on_mount(self) -> None:
        self.border_title = "4 Log"
        self.watch(self.rich_log, "scroll_y", self._follow_if_at_bottom, init=False)
        self.app.theme_changed_signal.subscribe(self, self._recolour)

    @property
    def rich_log(self) -> RichLog:
        return self.query_one(RichLog)

    @property
    def lines(self) -> tuple[LogLine, ...]:
        """The lines kept, oldest first."""
        return tuple(self._lines)

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the log, so the arrow and page keys scroll it."""
        self.rich_log.focus(scroll_visible)
        return self

    def add_update(self, update: OrderUpdate) -> None:
        """Log an order event: ``14:31:05 fill BUY 10 AAPL @ 190.12 (sma_rsi)``."""
        is_error = update.event in _ERROR_EVENTS
        self._append(LogLine(format_time_et(update.timestamp), describe_update(update), is_error))

    def add_error(self, event: ErrorEvent) -> None:
        """Log a problem in the error colour, with where it came from."""
        self._append(
            LogLine(format_time_et(event.timestamp), f"error from {event.source}: {event.message}", True)
        )

    def add_info(self, text: str, timestamp: datetime | None = None) -> None:
        """Log a notice from the console itself.

        Args:
            text: The notice, plain text (no markup).
            timestamp: When it happened; now by default.
        """
        self._append(LogLine(format_time_et(timestamp or utc_now()), text))

    def on_resize(self, _event: events.Resize) -> None:
        self._catch_up()

    def _append(self, line: LogLine) -> None:
        self._lines.append(line)
        if not self.rich_log.size.width:
            self._behind = True  # hidden or not laid out yet: painted when it has a size
        elif self._behind:
            self._repaint()
        else:
            self.rich_log.write(self._styled(line))

    def _catch_up(self) -> None:
        if self._behind and self.rich_log.size.width:
            self._repaint()

    def _follow_if_at_bottom(self) -> None:
        # Follow new lines only while the view is at the bottom; scrolling back down resumes it.
        log = self.rich_log
        log.auto_scroll = log.scroll_y >= log.max_scroll_y

    def _recolour(self, _theme: Theme) -> None:
        if self.rich_log.size.width:
            self._repaint()

    def _repaint(self) -> None:
        log = self.rich_log
        follow = log.auto_scroll
        log.clear()
        for line in self._lines:
            log.write(self._styled(line), scroll_end=False)
        self._behind = False
        if follow:
            log.scroll_end(animate=False)

    def _styled(self, line: LogLine) -> Text:
        body_style = self.get_component_rich_style("log--error") if line.is_error else ""
        return Text.assemble(
            (line.time, self.get_component_rich_style("log--time")), " ", (line.body, body_style)
        )


def describe_update(update: OrderUpdate) -> str:
    """The words of an order event after its time.

    Returns:
        ``"fill BUY 10 AAPL @ 190.12 (sma_rsi)"`` for a fill (the fill's own quantity and price),
        ``"new SELL 5 MSFT limit 410.00 (manual)"`` otherwise, with ``" - reason"`` when there is one.
    """
    order = update.order
    event = update.event.value.replace("_", " ")
    strategy = f"({order.strategy or 'manual'})"
    if update.fill is not None:
        fill = update.fill
        words = [
            event,
            fill.side.value.upper(),
            format_qty(fill.qty),
            fill.symbol,
            "@",
            format_price(fill.price),
        ]
        if order.remaining_qty:
            words.append(f"[{format_qty(order.filled_qty)}/{format_qty(order.qty)}]")
        words.append(strategy)
    else:
        words = [event, order.side.value.upper(), _size(order), _instrument(order), *_prices(order), strategy]
    text = " ".join(word for word in words if word)
    return f"{text} - {update.reason}" if update.reason else text


def _size(order: Order) -> str:
    notional: Decimal | None = order.request.notional
    return format_qty(order.qty) if notional is None else f"${format_money(notional)}"


def _instrument(order: Order) -> str:
    if order.request.order_class is OrderClass.MLEG:
        return f"{len(order.request.legs)}-leg spread"
    return order.symbol


def _prices(order: Order) -> list[str]:
    request = order.request
    match request.type:
        case OrderType.MARKET:
            return ["market"]
        case OrderType.LIMIT:
            return ["limit", format_price(request.limit_price)]
        case OrderType.STOP:
            return ["stop", format_price(request.stop_price)]
        case OrderType.STOP_LIMIT:
            return ["stop", format_price(request.stop_price), "limit", format_price(request.limit_price)]
        case OrderType.TRAILING_STOP:
            if request.trail_percent is not None:
                return ["trail", format_percent(request.trail_percent, signed=False)]
            return ["trail", format_price(request.trail_price)]
