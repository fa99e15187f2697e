"""``complete``: what may come next on the command line, for the word being typed.

Completion never parses: it looks at the words before the cursor to decide what kind of word comes
next (a command, a symbol, a keyword, a strategy) and offers those that start with what is typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.domain import is_option_symbol
from console.orderline.help import TOPICS
from console.orderline.tokens import NUMBER, tokenize
from console.orderline.vocabulary import (
    ALIASES,
    COMMANDS,
    LEG_SIDES,
    LIMIT_WORDS,
    ORDER_MODIFIERS,
    ORDER_VERBS,
    REPLACE_FIELDS,
    STOP_WORDS,
    STRATEGY_COMMANDS,
    TIME_IN_FORCE,
)

_VALUE_WORDS = frozenset((*LIMIT_WORDS, *STOP_WORDS, "trail", "tp", "sl"))
"""Keywords followed by a number, where completion has nothing to offer."""
_REPLACE_VALUE_WORDS = frozenset((*REPLACE_FIELDS, "limit", "lmt", "stp"))


def complete(
    text: str,
    *,
    symbols: Sequence[str] = (),
    strategies: Sequence[str] = (),
    themes: Sequence[str] = (),
) -> list[str]:
    """Completions for the word being typed.

    Args:
        text: the command line up to the cursor. Its last word is the one being typed; when ``text`` is
            empty or ends in whitespace a new word is starting.
        symbols: symbols to offer where a symbol is expected (the watchlist, open positions).
        strategies: strategy names to offer after start, stop, pause and resume.
        themes: theme names to offer after theme.

    Returns:
        Whole words that start with the typed part (case-insensitive), in a useful order, without
        duplicates; the caller replaces the typed part with the chosen one. Empty where a number or an
        order id is expected.
    """
    partial = "" if not text or text[-1].isspace() else text.rsplit(maxsplit=1)[-1]
    before = tokenize(text[: len(text) - len(partial)])
    candidates = _candidates(before, symbols, strategies, themes)
    prefix = partial.lower()
    return list(dict.fromkeys(word for word in candidates if word.lower().startswith(prefix)))


def _candidates(
    before: list[str], symbols: Sequence[str], strategies: Sequence[str], themes: Sequence[str]
) -> list[str]:
    if not before:
        return list(COMMANDS)
    verb = before[0].lower()
    verb = ALIASES.get(verb, verb)
    if verb in ORDER_VERBS:
        return _order_words(before, symbols)
    if verb == "spread":
        return _spread_words(before, symbols)
    if verb == "replace":
        return _replace_words(before)
    if verb in ("watch", "unwatch"):
        return _watch_words(before, symbols)
    if len(before) != 1:
        return []
    first_argument: dict[str, Sequence[str]] = {
        **dict.fromkeys(STRATEGY_COMMANDS, tuple(strategies)),
        "flatten": ("all", *symbols),
        "cancel": ("all",),
        "help": TOPICS,
        "theme": tuple(themes),
    }
    return list(first_argument.get(verb, ()))


def _order_words(before: list[str], symbols: Sequence[str]) -> list[str]:
    if len(before) == 1:
        return []  # a quantity
    if len(before) == 2:
        return list(symbols)
    if before[-1].lower() in _VALUE_WORDS:
        return []
    clauses = [word.lower() for word in before[3:]]
    used = set(clauses)
    if any(_is_bare_price(clauses, index) for index in range(len(clauses))):
        used.add("limit")
    time_in_force = [] if used & TIME_IN_FORCE.keys() else list(TIME_IN_FORCE)
    return [*time_in_force, *(word for word in ORDER_MODIFIERS if word not in used)]


def _is_bare_price(clauses: list[str], index: int) -> bool:
    """True when the clause at ``index`` is a number that no keyword claims: the limit price."""
    follows_keyword = index > 0 and clauses[index - 1] in _VALUE_WORDS
    return NUMBER.fullmatch(clauses[index]) is not None and not follows_keyword


def _spread_words(before: list[str], symbols: Sequence[str]) -> list[str]:
    last = before[-1].lower()
    after_side = last in LEG_SIDES or (NUMBER.fullmatch(last) and before[-2].lower() in LEG_SIDES)
    if after_side:
        return [symbol for symbol in symbols if is_option_symbol(symbol.upper())]
    if len(before) == 1 or last in LIMIT_WORDS:
        return []  # a quantity or a net price
    if any(word in LIMIT_WORDS for word in before):
        return ["day"]
    return [*LEG_SIDES, "@", "day"]


def _replace_words(before: list[str]) -> list[str]:
    if len(before) == 1 or before[-1].lower() in _REPLACE_VALUE_WORDS:
        return []  # an order id or a value
    used = {word.lower() for word in before[2:]}
    time_in_force = [] if used & TIME_IN_FORCE.keys() else list(TIME_IN_FORCE)
    return [*(word for word in REPLACE_FIELDS if word not in used), *time_in_force]


def _watch_words(before: list[str], symbols: Sequence[str]) -> list[str]:
    lowered = [word.lower() for word in before]
    if "in" in lowered:
        return []  # a watchlist name, or nothing more
    typed = {word.upper() for word in before[1:]}
    offered = [symbol for symbol in symbols if symbol.upper() not in typed]
    return [*offered, "in"] if len(before) > 1 else offered
