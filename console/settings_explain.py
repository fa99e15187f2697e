"""Settings errors as sentences, and the schema lookups they need.

Pydantic's errors name a location and a type code; a trader needs the file, variable or flag to fix, the
key path, and what was expected. This module turns one into the other, apart from the layering in
``config.py`` so each reads on its own.
"""

from __future__ import annotations

import difflib
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr, ValidationError

from console.settings_schema import Settings

KeyPath = tuple[str, ...]
SECRET_PATHS = frozenset({("broker", "alpaca", "key_id"), ("broker", "alpaca", "secret_key")})
"""Settings whose values are never echoed, not even in an error message."""


@dataclass(frozen=True)
class Source:
    """The layer that supplied a value: its kind and the file, variable or flag within it."""

    kind: str
    origin: str = ""

    def __str__(self) -> str:
        return f"{self.kind} ({self.origin})" if self.origin else self.kind

    @property
    def where(self) -> str:
        """The source as error messages phrase it: ``in FILE``, ``from environment variable X``..."""
        if self.kind == "environment":
            return f"from environment variable {self.origin}"
        if self.kind == "flag":
            return f"from flag {self.origin}"
        return f"in {self.origin}" if self.origin else f"in the {self.kind}s"


Sources = dict[KeyPath, Source]


# --- the schema, for flags and messages ----------------------------------------------------------------


def _annotation_at(key_path: KeyPath) -> Any:
    """The schema's type at a key path, unwrapped from Optional/Annotated; None off the schema."""
    annotation: Any = Settings
    for part in key_path:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = _field_names(annotation)
            if part not in fields:
                return None
            annotation = _unwrap(fields[part])
        elif get_origin(annotation) is dict:
            annotation = _unwrap(get_args(annotation)[1])
        else:
            return None
    return annotation


def _field_names(model: type[BaseModel]) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        names[info.alias or name] = names[name] = info.annotation
    return names


def _unwrap(annotation: Any) -> Any:
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return annotation


def wants_text(key_path: KeyPath) -> bool:
    return _annotation_at(key_path) in (str, SecretStr, Path)


def did_you_mean(name: str, parent: KeyPath) -> str:
    model = _annotation_at(parent)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return ""
    close = difflib.get_close_matches(name, list(_field_names(model)), n=1)
    return f" (did you mean {'.'.join((*parent, close[0]))}?)" if close else ""


# --- validation errors as sentences --------------------------------------------------------------------

_EXPECTED = {
    "greater_than": "a number greater than {gt}",
    "greater_than_equal": "a number of at least {ge}",
    "less_than": "a number less than {lt}",
    "less_than_equal": "a number of at most {le}",
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), "a whole number"),
    **dict.fromkeys(("float_parsing", "float_type", "decimal_parsing", "decimal_type"), "a number"),
    **dict.fromkeys(("bool_parsing", "bool_type"), "true or false"),
    **dict.fromkeys(("literal_error", "enum"), "one of {expected}"),
    **dict.fromkeys(("model_type", "dict_type"), "a mapping of keys to values"),
    "string_type": "text",
    "list_type": "a list",
    "path_type": "a file or folder path",
    "string_pattern_mismatch": "text matching {pattern}",
    "string_too_short": "at least {min_length} character(s)",
    "too_short": "at least {min_length} item(s)",
}
"""What a value was expected to be, by pydantic error type; ``{...}`` are the error's context values."""


def explain_error(error: ValidationError, sources: Sources) -> str:
    problems = [_explain_one(detail, sources) for detail in error.errors(include_url=False)]
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems in the settings:\n" + "\n".join(f"  {p}" for p in problems)


def _explain_one(detail: Any, sources: Sources) -> str:
    """One pydantic error as ``KEY PATH in FILE: expected X, got Y``."""
    loc = tuple(detail["loc"])
    if loc and loc[-1] == "[key]":  # a bad mapping key, such as a symbol under sim.symbols
        loc = loc[:-1]
    key_path = tuple(str(part) for part in loc)
    subject = f"{_display_path(loc)} {_where(key_path, sources)}"
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"{subject}: unknown setting{did_you_mean(key_path[-1], key_path[:-1])}"
    if kind == "missing":
        return f"{subject}: required but not set"
    if kind in ("value_error", "assertion_error"):
        return f"{subject}: {detail['msg'].removeprefix('Value error, ')}"
    value = detail["input"]
    got = (
        f"a value of type {type(value).__name__}" if key_path in SECRET_PATHS else show_value(value)
    )  # never echo a key
    template = _EXPECTED.get(kind)
    if template is None:
        message = str(detail["msg"])
        return f"{subject}: {message[:1].lower()}{message[1:]}, got {got}"
    context = {name: _plain(item) for name, item in (detail.get("ctx") or {}).items()}
    return f"{subject}: expected {template.format(**context)}, got {got}"


def _where(key_path: KeyPath, sources: Sources) -> str:
    """Where the value at ``key_path`` came from: its own layer, an ancestor's, or its children's."""
    lowered = tuple(part.lower() for part in key_path)
    recorded = {tuple(part.lower() for part in path): source for path, source in sources.items()}
    for depth in range(len(lowered), 0, -1):
        if lowered[:depth] in recorded:
            return recorded[lowered[:depth]].where
    below = {source.where: None for path, source in recorded.items() if path[: len(lowered)] == lowered}
    return " and ".join(below) if below else "in the defaults"


def _display_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not re.fullmatch(r"[\w.-]+", str(part)):
            text += f"[{part!r}]"  # a key with spaces, such as a mistyped symbol
        else:
            text += f".{part}" if text else part
    return text or "settings"


def show_value(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(value: object) -> object:
    """Context numbers as a person writes them: 60 rather than 60.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
