"""STUB — being replaced by the journal/logging helper."""

from __future__ import annotations

from collections.abc import Iterable

from console.settings_schema import Settings


def configure_logging(settings: Settings, secrets: Iterable[str] = ()) -> None:
    return None
