"""The pre-trade gate port: every order passes ``check`` before the journal and the broker see it.

The full rule set (limits, price bands, rates, trading states) lives in ``rules.py`` once it lands; the
session depends only on this small port, so a gate can be swapped without touching the order road.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from console.domain import OrderRequest


@dataclass(frozen=True, slots=True)
class RiskDecision:
    """The gate's verdict on one order. ``reason`` is one plain sentence naming the rule and numbers."""

    approved: bool
    rule: str = ""
    reason: str = ""
    figures: dict[str, str] = field(default_factory=dict)

    @classmethod
    def approve(cls) -> RiskDecision:
        return cls(approved=True)

    @classmethod
    def deny(cls, rule: str, reason: str, **figures: object) -> RiskDecision:
        return cls(False, rule, reason, {k: str(v) for k, v in figures.items()})


class PreTradeGate(Protocol):
    """Decides whether an order may reach the broker. Must be thread-safe and fast (no I/O)."""

    def check(self, request: OrderRequest) -> RiskDecision:
        """Return the verdict for ``request``; never raises for a well-formed request."""


class OpenGate:
    """A gate that approves everything: for tests of the order road and until the rules land."""

    def check(self, request: OrderRequest) -> RiskDecision:
        return RiskDecision.approve()
