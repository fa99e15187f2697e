"""The console's command line (focused with ``:``): its grammar, completion, help and history.

Pure functions and no Textual, so the grammar is tested on its own and the UI only binds keys to it.
``parse`` turns one line into one ``Command``; any malformed line raises ``OrderLineError`` whose message is
one plain sentence saying what is wrong and what was expected.

Grammar (keywords are case-insensitive, symbols are upper-cased; ``[x]`` optional, ``a|b`` either)::

    order    := (buy|sell|short|cover) SIZE SYMBOL clause*
    SIZE     := QTY | $AMOUNT                  fractional QTY allowed; $AMOUNT is a notional market order
    clause   := PRICE | @ PRICE | (limit|lmt) PRICE          limit price (@190 reads as @ 190)
              | (stop|stp) PRICE                             stop; with a limit price, stop-limit
              | trail AMOUNT | trail PERCENT%                trailing stop by price or by percent
              | day|gtc|ioc|fok|opg|cls                      time in force (default day)
              | ext                                          extended hours (limit, day only)
              | tp PRICE | sl STOP[/LIMIT]                   exits: one is OTO, both are a bracket
              | oco                                          with tp and sl: exit-only OCO on a position
    spread   := spread QTY leg{2,4} [(@|limit|lmt) NET | NET] [day]
    leg      := (buy|sell|bto|sto|btc|stc) [RATIO] OCC_SYMBOL       NET > 0 is a debit, NET < 0 a credit
    cancel ID | cancel all | flatten SYMBOL | flatten all
    replace ID [qty N] [price P] [stop P] [trail X] [TIF]    ID may be a unique prefix of an order id
    start|stop|pause|resume NAME
    watch SYMBOL... [in LIST] | unwatch SYMBOL... [in LIST]  symbols may also be comma-separated
    kill | resume-trading | theme NAME | help [TOPIC] | quit (or exit; ? is help)

Clauses after an order's symbol come in any order, each at most once. ``short`` and ``cover`` are ``sell``
and ``buy``. An option order (OCC symbol) trades whole contracts with time in force day; an OCO (``sell 10
AAPL oco tp 200 sl 180``) is sent as a limit order at its take-profit, as Alpaca requires.
"""

from console.orderline.commands import (
    CancelAll,
    CancelOrder,
    Command,
    Flatten,
    Help,
    Kill,
    PauseStrategy,
    PlaceOrder,
    Quit,
    Replace,
    ResumeStrategy,
    ResumeTrading,
    StartStrategy,
    StopStrategy,
    Theme,
    Unwatch,
    Watch,
)
from console.orderline.completion import complete
from console.orderline.errors import OrderLineError
from console.orderline.formatting import format_order
from console.orderline.help import HELP, TOPICS, help_text
from console.orderline.history import History
from console.orderline.parser import parse

__all__ = [
    "HELP",
    "TOPICS",
    "CancelAll",
    "CancelOrder",
    "Command",
    "Flatten",
    "Help",
    "History",
    "Kill",
    "OrderLineError",
    "PauseStrategy",
    "PlaceOrder",
    "Quit",
    "Replace",
    "ResumeStrategy",
    "ResumeTrading",
    "StartStrategy",
    "StopStrategy",
    "Theme",
    "Unwatch",
    "Watch",
    "complete",
    "format_order",
    "help_text",
    "parse",
]
