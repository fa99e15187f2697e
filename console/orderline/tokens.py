"""Splitting a command line into words, and reading numbers and names from them.

Every reader raises ``OrderLineError`` with a sentence naming what it expected, so the grammar parts stay
short and the messages stay alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from console.domain import SymbolError, is_option_symbol
from console.domain.symbols import validate_symbol
from console.orderline.errors import OrderLineError
from console.orderline.vocabulary import ORDER_KEYWORDS

NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
_ORDER_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
OPTION_EXAMPLE = "AAPL250117C00190000"


def tokenize(text: str) -> list[str]:
    """Split on whitespace; ``@`` is a word of its own, so ``@190`` and ``AAPL@190`` read like ``@ 190``."""
    return text.replace("@", " @ ").split()


class Tokens:
    """A cursor over the words of one command line."""

    def __init__(self, words: Sequence[str]) -> None:
        self._words = list(words)
        self._index = 0

    def peek(self) -> str | None:
        """The next word without consuming it, or None at the end."""
        return self._words[self._index] if self._index < len(self._words) else None

    def take(self) -> str | None:
        """Consume and return the next word, or None at the end."""
        word = self.peek()
        if word is not None:
            self._index += 1
        return word

    @property
    def done(self) -> bool:
        return self._index >= len(self._words)

    def expect_end(self, after: str) -> None:
        """Raise unless every word has been read.

        Raises:
            OrderLineError: a word is left over.
        """
        word = self.peek()
        if word is not None:
            raise OrderLineError(f"unexpected {word!r} after {after}")


def decimal_or_none(word: str | None) -> Decimal | None:
    """The word as an exact Decimal when it is a plain decimal number, else None."""
    if word is None or NUMBER.fullmatch(word) is None:
        return None
    return Decimal(word)


def positive(word: str, what: str, *, shown: str | None = None) -> Decimal:
    """Read a number greater than zero.

    Args:
        word: the text of the number.
        what: what the number is, for the message.
        shown: the word as the user typed it, when ``word`` is a part of it (``2`` of ``2%``).

    Raises:
        OrderLineError: ``"<what> must be a positive number, got '<word>'"``.
    """
    value = decimal_or_none(word)
    if value is None or value <= 0:
        raise OrderLineError(f"{what} must be a positive number, got {shown or word!r}")
    return value


def value_after(tokens: Tokens, keyword: str, what: str, example: str) -> str:
    """Take the word that must follow ``keyword``; a missing word or another keyword means it is missing.

    Raises:
        OrderLineError: ``"<keyword> needs <what>: <example>"``.
    """
    word = tokens.peek()
    if word is None or word.lower() in ORDER_KEYWORDS:
        raise OrderLineError(f"{keyword} needs {what}: {example}")
    tokens.take()
    return word


def symbol(word: str) -> str:
    """The canonical form of an equity ticker or OCC option symbol.

    Raises:
        OrderLineError: neither, with the reason.
    """
    try:
        return validate_symbol(word)
    except SymbolError as error:
        raise OrderLineError(str(error)) from None


def option_symbol(word: str) -> str:
    """The canonical form of an OCC option symbol.

    Raises:
        OrderLineError: not an OCC option symbol.
    """
    canonical = symbol(word) if is_option_symbol(word.upper()) else ""
    if not canonical:
        raise OrderLineError(f"{word!r} is not an OCC option symbol such as {OPTION_EXAMPLE}")
    return canonical


def name(word: str | None, command: str, what: str, example: str) -> str:
    """A strategy, theme or watchlist name: letters, digits, ``_``, ``.`` and ``-``.

    Raises:
        OrderLineError: missing or malformed.
    """
    if word is None:
        raise OrderLineError(f"{command} needs {what}: {example}")
    if _NAME.fullmatch(word) is None:
        raise OrderLineError(f"{what} must be letters, digits, '_', '.' or '-', got {word!r}")
    return word


def order_ref(word: str | None, command: str, example: str) -> str:
    """An order id, client order id, or a prefix of either.

    Raises:
        OrderLineError: missing or malformed.
    """
    if word is None:
        raise OrderLineError(f"{command} needs an order id (or the start of one): {example}")
    if _ORDER_REF.fullmatch(word) is None:
        raise OrderLineError(f"order id must be letters, digits, '_', '.', ':' or '-', got {word!r}")
    return word
