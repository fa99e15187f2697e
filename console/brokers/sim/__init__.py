"""The simulated venue (``broker.mode: sim``): a seeded market, a matching engine and an account ledger.

``SimBroker`` is the Broker port over it; ``SimVenue`` is the single-threaded core (orders, matching,
account) that the broker and the Alpaca emulator drive. Module map: ``venue`` (commands, session edges),
``admission`` (orders from accepted requests and replaces), ``matching`` (quotes, trades, auctions),
``execution`` (fills and ends), ``order_types``, ``contingent`` (bracket/OCO/OTO), ``rules`` (what is
refused, in Alpaca's words), ``replacing``, ``account`` (the ledger), ``options`` (derived option quotes),
``store`` (orders and their events), ``book``, ``session``, ``ids``.
"""

from console.brokers.sim.broker import SimBroker
from console.brokers.sim.venue import SimVenue

__all__ = ["SimBroker", "SimVenue"]
