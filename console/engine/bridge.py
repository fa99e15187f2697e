"""The Backtrader bridge's public face: a broker, a feed and the order translation over the session.

The pieces live in ``bridge_broker`` (orders and notifications), ``bridge_feed`` (warm-up then live bars)
and ``bridge_orders`` (Backtrader order -> ``OrderRequest``); see each for the old Backtrader-Alpaca bridge
bugs it avoids.
"""

from console.engine.bridge_broker import SessionBroker
from console.engine.bridge_feed import SessionFeed, bt_timeframe
from console.engine.bridge_orders import UnsupportedOrder, request_for

__all__ = ["SessionBroker", "SessionFeed", "UnsupportedOrder", "bt_timeframe", "request_for"]
