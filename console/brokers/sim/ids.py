"""Order ids and client order ids the simulated venue mints.

Order ids are UUID4 strings, as Alpaca's are (its clients check them), drawn from a seeded generator so a
replayed session mints the same ids. Client order ids of orders the venue creates itself (bracket legs,
replacements, liquidations) are derived from the parent's id, so ``order_ids.tag_of`` still attributes
them to the strategy that sent the parent.
"""

from __future__ import annotations

import random
import uuid

from console.domain.orders import MAX_CLIENT_ORDER_ID


class IdSource:
    """Deterministic UUID4 order ids and derived client order ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"sim-order-ids-{seed}")

    def order_id(self) -> str:
        """A fresh UUID4 string."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def derived(self, parent_client_id: str, suffix: str, taken: set[str] | dict[str, str]) -> str:
        """``<parent>.<suffix>``, or a fresh UUID when that is too long or already used.

        Args:
            parent_client_id: the client order id of the order this one comes from.
            suffix: what the new order is (``tp``, ``sl``, ``r1``, ``l2``...).
            taken: client order ids already in use.
        """
        candidate = f"{parent_client_id}.{suffix}"
        if len(candidate) <= MAX_CLIENT_ORDER_ID and candidate not in taken:
            return candidate
        return self.order_id()

    def replacement_suffix(self, client_id: str) -> tuple[str, str]:
        """Split ``x.r3`` into (``x``, ``r4``) so a chain of replaces reads ``x.r1``, ``x.r2``...

        Returns:
            The base client id and the suffix of the next replacement.
        """
        base, _sep, last = client_id.rpartition(".")
        if base and last.startswith("r") and last[1:].isdigit():
            return base, f"r{int(last[1:]) + 1}"
        return client_id, "r1"
