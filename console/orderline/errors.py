"""The one error the command line raises, and the translation of lower-level errors into it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

_VALUE_ERROR_PREFIX = "Value error, "
M = TypeVar("M", bound=BaseModel)


class OrderLineError(ValueError):
    """A command line that cannot be understood. ``str(error)`` is one plain sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `` — did you mean 'x'?`` suffix naming the closest choice, or an empty string when none is close."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1)
    return f" — did you mean {matches[0]!r}?" if matches else ""


def plain_message(error: ValidationError) -> str:
    """One plain sentence from a pydantic ``ValidationError``: its first error, without pydantic's framing.

    Our own validators raise ``ValueError`` with a finished sentence, which pydantic prefixes with
    ``Value error, ``; built-in constraint errors name no field, so the field is put in front.
    """
    first = error.errors()[0]
    message = str(first["msg"])
    if message.startswith(_VALUE_ERROR_PREFIX):
        return message.removeprefix(_VALUE_ERROR_PREFIX)
    where = " ".join(str(part).replace("_", " ") for part in first["loc"] if not isinstance(part, int))
    message = message[:1].lower() + message[1:]
    return f"{where}: {message}" if where else message


def build(model: type[M], **fields: Any) -> M:
    """Construct a domain model, turning its validation error into one plain sentence.

    Raises:
        OrderLineError: the model refused the fields.
    """
    try:
        return model(**fields)
    except ValidationError as error:
        raise OrderLineError(plain_message(error)) from None
