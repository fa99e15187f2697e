"""The grammar in a few lines with examples: the ``help`` command shows it and the README quotes it."""

from __future__ import annotations

from console.orderline.errors import OrderLineError, did_you_mean
from console.orderline.vocabulary import COMMANDS

_ORDERS = """\
ORDERS      buy|sell|short|cover QTY SYMBOL [PRICE] [TIF] [ext] [tp PRICE] [sl STOP[/LIMIT]] [oco]
  buy 100 AAPL                       market
  sell 50 MSFT 412.5 gtc             limit; also @412.5, @ 412.5, limit 412.5, lmt 412.5
  short 20 TSLA stop 240             stop (short sells to open, cover buys to close)
  buy 10 AAPL stop 240 limit 241     stop-limit
  sell 10 AAPL trail 2%              trailing stop by percent; trail 1.5 trails by price
  buy 10 AAPL 190 tp 200 sl 185      bracket; tp or sl alone is OTO; sl 185/184.5 exits stop-limit
  sell 10 AAPL oco tp 200 sl 180     OCO exit for a position you hold
  buy $500 AAPL   buy 0.5 AAPL       notional (market only); fractional quantity
  buy 2 AAPL250117C00190000 3.10     option: OCC symbol, whole contracts, day only
  TIF: day (default) gtc ioc fok opg cls; ext = extended hours (limit orders, day only)"""

_SPREAD = """\
SPREADS     spread QTY LEG LEG [LEG [LEG]] [@ NET] [day]    LEG = buy|sell|bto|sto|btc|stc [RATIO] OCC
  spread 1 buy AAPL250117C00190000 sell AAPL250117C00200000 @ 3.50    net debit 3.50
  spread 1 sell AAPL250117P00180000 buy AAPL250117P00170000 @ -1.20   net credit 1.20
  spread 2 bto 2 AAPL250117C00190000 sto AAPL250117C00200000          no @ NET: at market"""

_MANAGE = """\
WORKING     cancel ID | cancel all | flatten SYMBOL | flatten all
  replace ID [qty N] [price P] [stop P] [trail X] [TIF]    ID may be the start of an order id
  replace 1a2b price 191.5    replace 1a2b qty 50"""

_STRATEGIES = """\
STRATEGIES  start NAME | stop NAME | pause NAME | resume NAME"""

_WATCH = """\
WATCHLIST   watch SYMBOL... [in LIST] | unwatch SYMBOL... [in LIST]
  watch TSLA AMD    unwatch TSLA    watch NVDA in chips"""

_CONSOLE = """\
CONSOLE     kill (engage the kill switch) | resume-trading (release it)
  theme NAME | help [TOPIC] | quit"""

_SECTIONS = {
    "orders": _ORDERS,
    "spread": _SPREAD,
    "working": _MANAGE,
    "strategies": _STRATEGIES,
    "watch": _WATCH,
    "console": _CONSOLE,
}

HELP = "\n".join(_SECTIONS.values())
"""The whole grammar with examples."""

_TOPIC_WORDS = {
    **dict.fromkeys(
        ("orders", "order", "buy", "sell", "short", "cover", "tif", "bracket", "oco", "oto", "trail"),
        "orders",
    ),
    **dict.fromkeys(("option", "options", "ext", "notional", "stop", "limit", "tp", "sl"), "orders"),
    **dict.fromkeys(("spread", "spreads", "mleg", "legs"), "spread"),
    **dict.fromkeys(("working", "cancel", "replace", "flatten"), "working"),
    **dict.fromkeys(("strategies", "strategy", "start", "pause", "resume"), "strategies"),
    **dict.fromkeys(("watch", "unwatch", "watchlist"), "watch"),
    **dict.fromkeys(("console", "kill", "resume-trading", "theme", "help", "quit"), "console"),
}
TOPICS = tuple(_SECTIONS)
"""Canonical help topics; ``help_topic`` maps command words and aliases onto them."""


def help_topic(word: str) -> str:
    """The canonical topic for ``word`` (a topic, a command word or a keyword).

    Raises:
        OrderLineError: no help on that word.
    """
    topic = _TOPIC_WORDS.get(word.lower())
    if topic is None:
        hint = did_you_mean(word, [*TOPICS, *COMMANDS]) or f"; topics are {', '.join(TOPICS)}"
        raise OrderLineError(f"no help on {word!r}{hint}")
    return topic


def help_text(topic: str | None = None) -> str:
    """The grammar, or the part of it about ``topic``.

    Args:
        topic: None for everything, else a topic, command word or keyword (``buy``, ``oco``, ``cancel``).

    Raises:
        OrderLineError: no help on that topic.
    """
    return HELP if topic is None else _SECTIONS[help_topic(topic)]
