"""STUB — being replaced by the config helper. Interface only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from console.settings_schema import Settings


class ConfigError(Exception):
    """Bad settings: one plain sentence naming the file, the key path and what was expected."""


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    sources: dict[str, str] = field(default_factory=dict)

    def secret_values(self) -> list[str]:
        return []


def load_settings(
    config_path: str | Path | None = None,
    flags: Mapping[str, object] | None = None,
    *,
    repo_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadedSettings:
    return LoadedSettings(Settings())
