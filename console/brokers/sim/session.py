"""Session edges of the simulated venue: when the day's orders expire, auctions run and day P&L rolls.

With the ``nyse`` calendar the session opens at 9:30 and closes at 16:00 America/New_York on trading days.
The ``always`` calendar never closes, so its trading day is the New York calendar date: the venue sees a
close and an open back to back at New York midnight. Day orders expire there and day P&L restarts.

The tracker keeps the time of the next edge, so the hot path (every quote) is one comparison, and a jump
over several sessions (a large manual step) still reports every edge it crossed, in order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from console.market.calendar import NEW_YORK, CalendarName, is_market_open, next_close, next_open


class SessionEdge(StrEnum):
    OPEN = "open"
    CLOSE = "close"


class SessionTracker:
    """Turns a stream of timestamps into the session edges crossed between them."""

    def __init__(self, calendar: CalendarName, start: datetime) -> None:
        self.calendar: CalendarName = calendar
        self.is_open = is_market_open(start, calendar)
        self._next_edge = self._edge_after(start)

    def advance(self, ts: datetime) -> list[SessionEdge]:
        """Move to ``ts``; returns the edges crossed since the last call (usually none)."""
        edges: list[SessionEdge] = []
        while ts >= self._next_edge:
            edge_time = self._next_edge
            match self.calendar:
                case "always":
                    edges += (SessionEdge.CLOSE, SessionEdge.OPEN)
                case "nyse":
                    edges.append(SessionEdge.CLOSE if self.is_open else SessionEdge.OPEN)
                    self.is_open = not self.is_open
            self._next_edge = self._edge_after(edge_time)
        return edges

    def _edge_after(self, ts: datetime) -> datetime:
        match self.calendar:
            case "always":
                return _next_new_york_midnight(ts)
            case "nyse":
                return next_close(ts, "nyse") if self.is_open else next_open(ts, "nyse")


def _next_new_york_midnight(ts: datetime) -> datetime:
    local = ts.astimezone(NEW_YORK)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), NEW_YORK)
