"""``btconsole config``: the effective settings and the layer each value came from.

Answers "why is this limit 50?" without reading five layers by hand. Secrets are masked by pydantic's own
JSON serialisation of ``SecretStr``, so no code path here ever holds a key in plain text.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from console.config import LoadedSettings

LAYER_ORDER = "flag > environment > user file > repo settings.yaml > default"
FILE_SOURCES = ("repo settings.yaml", "user file")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("config", help="print the effective settings and where each value came from")
    parser.add_argument("--json", action="store_true", help="print JSON (settings and sources) instead")
    parser.set_defaults(run=run_config)


def run_config(args: argparse.Namespace, loaded: LoadedSettings) -> int:
    """Print the effective settings, secrets masked.

    Args:
        args: Parsed arguments; ``args.json`` selects machine-readable output.
        loaded: The settings and their sources.

    Returns:
        0: showing settings that loaded cannot fail.
    """
    rows = effective_rows(loaded)
    if getattr(args, "json", False):
        settings = loaded.settings.model_dump(mode="json", by_alias=True)
        sources = {key: source for key, _, source in rows}
        print(json.dumps({"settings": settings, "sources": sources}, indent=2))
    else:
        Console(highlight=False).print(_table(rows))
    return 0


def effective_rows(loaded: LoadedSettings) -> list[tuple[str, Any, str]]:
    """One row per leaf setting: its key path, its value (secrets masked) and its source.

    Args:
        loaded: The settings and their sources.

    Returns:
        ``(key path, value, source)`` in schema order; strategies expand to ``strategies[0].name``...
    """
    data = loaded.settings.model_dump(mode="json", by_alias=True)  # SecretStr -> "**********"
    return [(shown, value, loaded.source_of(dotted)) for dotted, shown, value in _leaves(data, "", "")]


def _leaves(data: dict[str, Any] | list[Any], dotted: str, shown: str) -> Iterator[tuple[str, str, Any]]:
    """Leaves as (dotted path for source lookup, path as shown, value); lists of mappings expand."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        key_dotted = f"{dotted}.{key}" if dotted else str(key)
        key_shown = f"{shown}[{key}]" if isinstance(key, int) else f"{shown}.{key}" if shown else key
        expands = isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict) for v in value)
        )
        if expands and value:
            yield from _leaves(value, key_dotted, key_shown)
        else:
            yield key_dotted, key_shown, value


def _table(rows: list[tuple[str, Any, str]]) -> Table:
    files: dict[str, str] = {}
    table = Table(title="Effective settings")
    # Key paths stay whole (they are what a user types into --set); values and sources fold.
    table.add_column("key", no_wrap=True, min_width=max((len(row[0]) for row in rows), default=3))
    table.add_column("value", overflow="fold")
    table.add_column("source", overflow="fold")
    section = None
    for key, value, source in rows:
        if section is not None and _section(key) != section:
            table.add_section()
        section = _section(key)
        label = _file_label(source, files)
        style = "dim" if source == "default" else ""
        table.add_row(Text(key), Text(_format_value(value)), Text(label), style=style)
    legend = [f"{label}: {path}" for label, path in files.items()]
    table.caption = "\n".join([*legend, f"highest layer wins: {LAYER_ORDER}"])
    return table


def _section(key: str) -> str:
    return re.split(r"[.\[]", key, maxsplit=1)[0]


def _file_label(source: str, files: dict[str, str]) -> str:
    """A file source without its path, which goes once into the legend instead of on every row."""
    for kind in FILE_SOURCES:
        if source.startswith(f"{kind} (") and source.endswith(")"):
            files[kind] = source[len(kind) + 2 : -1]
            return kind
    return source


def _format_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) if value else "[]"
    if isinstance(value, dict):
        return "{}"
    return str(value)
