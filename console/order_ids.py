"""Client order ids the console mints: ``<tag>.<run>.<seq>``.

The tag (a strategy name, or ``man`` for manual orders) attributes fills to their strategy and lets a
strategy find its own orders after a restart. The run part (base-36 seconds since the epoch at start)
and a few random characters keep ids unique across restarts and across two consoles started in the same
second, since Alpaca refuses a reused client_order_id. At most 128 characters.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time

from console.domain.orders import MAX_CLIENT_ORDER_ID

MANUAL_TAG = "man"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if number == 0:
            return text


class OrderIdMinter:
    """Thread-safe source of unique client order ids for one console run."""

    def __init__(self, run_id: str | None = None) -> None:
        self.run_id = run_id or _base36(int(time.time())) + secrets.token_hex(2)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def mint(self, tag: str | None = None) -> str:
        with self._lock:
            seq = next(self._counter)
        client_id = f"{tag or MANUAL_TAG}.{self.run_id}.{seq}"
        return client_id[:MAX_CLIENT_ORDER_ID]


def tag_of(client_order_id: str) -> str | None:
    """The strategy tag of a console-minted id, or None for manual or foreign orders."""
    tag, sep, _rest = client_order_id.partition(".")
    return tag if sep and tag != MANUAL_TAG else None
