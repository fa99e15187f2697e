"""A thread-safe publish/subscribe bus of typed events.

Delivery happens on the publisher's thread, in subscription order. A subscriber that raises is logged and
the others still receive the event: one broken pane or strategy must not deafen the rest. Slow consumers
(the UI, strategy threads) should subscribe a handler that only enqueues.

Subscribing to a class receives its subclasses too, so ``subscribe(object, ...)`` sees everything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[Any], None]


@dataclass(eq=False)
class Subscription:
    """A handle returned by ``subscribe``; ``close()`` stops delivery."""

    bus: EventBus
    event_type: type
    handler: Handler
    active: bool = field(default=True)

    def close(self) -> None:
        self.bus.unsubscribe(self)


class EventBus:
    """Typed publish/subscribe that is safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: tuple[Subscription, ...] = ()
        # type -> handlers that receive it, rebuilt lazily after any subscribe/unsubscribe.
        self._routes: dict[type, tuple[Subscription, ...]] = {}

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Subscription:
        """Deliver every published instance of ``event_type`` (or a subclass) to ``handler``."""
        subscription = Subscription(self, event_type, handler)
        with self._lock:
            self._subscriptions = (*self._subscriptions, subscription)
            self._routes = {}
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subscription.active = False
            self._subscriptions = tuple(s for s in self._subscriptions if s is not subscription)
            self._routes = {}

    def publish(self, event: object) -> int:
        """Deliver ``event`` to its subscribers on this thread.

        Returns:
            How many subscribers received it without raising.
        """
        routes = self._routes
        targets = routes.get(type(event))
        if targets is None:
            targets = self._route(type(event))
        delivered = 0
        for subscription in targets:
            if not subscription.active:
                continue
            try:
                subscription.handler(event)
            except Exception:
                log.exception("event subscriber %r failed on %s", subscription.handler, type(event).__name__)
            else:
                delivered += 1
        return delivered

    def _route(self, event_type: type) -> tuple[Subscription, ...]:
        with self._lock:
            targets = tuple(s for s in self._subscriptions if issubclass(event_type, s.event_type))
            self._routes[event_type] = targets
        return targets
