"""The words of the command line, shared by the parser, completion and help."""

from __future__ import annotations

from console.domain import PositionIntent, Side, TimeInForce

ORDER_VERBS: dict[str, Side] = {
    "buy": Side.BUY,
    "sell": Side.SELL,
    "short": Side.SELL,  # opens a short; the broker tells the two apart by the position
    "cover": Side.BUY,
}

LEG_SIDES: dict[str, tuple[Side, PositionIntent | None]] = {
    "buy": (Side.BUY, None),
    "sell": (Side.SELL, None),
    "bto": (Side.BUY, PositionIntent.BUY_TO_OPEN),
    "btc": (Side.BUY, PositionIntent.BUY_TO_CLOSE),
    "sto": (Side.SELL, PositionIntent.SELL_TO_OPEN),
    "stc": (Side.SELL, PositionIntent.SELL_TO_CLOSE),
}

TIME_IN_FORCE: dict[str, TimeInForce] = {tif.value: tif for tif in TimeInForce}

LIMIT_WORDS = ("limit", "lmt", "@")
STOP_WORDS = ("stop", "stp")
ORDER_MODIFIERS = ("tp", "sl", "stop", "limit", "trail", "ext", "oco")
"""Modifier words offered by completion and suggestions (aliases such as ``lmt`` are accepted too)."""

ORDER_KEYWORDS = frozenset((*LIMIT_WORDS, *STOP_WORDS, *ORDER_MODIFIERS, *TIME_IN_FORCE))
"""Every word with a meaning after an order's symbol; a value expected there is missing if one follows."""

REPLACE_FIELDS = ("qty", "price", "stop", "trail")

COMMANDS = (
    "buy",
    "sell",
    "short",
    "cover",
    "spread",
    "cancel",
    "replace",
    "flatten",
    "start",
    "stop",
    "pause",
    "resume",
    "watch",
    "unwatch",
    "kill",
    "resume-trading",
    "theme",
    "help",
    "quit",
)
"""Command words in the order completion offers them."""

ALIASES = {"exit": "quit", "?": "help"}

STRATEGY_COMMANDS = ("start", "stop", "pause", "resume")
