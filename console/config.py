"""Settings loading: five layers merged into one validated ``Settings``, remembering who set what.

Lowest to highest: code defaults < the repo's ``settings.yaml`` < the user settings file (or
``--config PATH``) < the environment < command-line flags. The layers are deep-merged as plain dicts and
validated once, so a bad value is reported against the layer that supplied it: a trader who mistypes a risk
limit must learn which file, variable or flag to fix, not read a pydantic traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import yaml
from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_settings import EnvSettingsSource, SettingsError

import console
from console.settings_explain import (
    SECRET_PATHS,
    KeyPath,
    Source,
    Sources,
    did_you_mean,
    explain_error,
    show_value,
    wants_text,
)
from console.settings_schema import Settings

APP_NAME = "btconsole"
REPO_SETTINGS_FILE = Path(console.__file__).resolve().parent.parent / "settings.yaml"
"""The repository's shared settings; absent in a non-editable install, and then skipped."""
ENV_PREFIX = "BTCONSOLE_"
ENV_DELIMITER = "__"
CONFIG_DIR_VARIABLE = "BTCONSOLE_CONFIG_DIR"
"""Overrides the folder of the user settings file (tests and second instances)."""
NON_SETTING_VARIABLES = frozenset({CONFIG_DIR_VARIABLE})
ALPACA_VARIABLES = {
    "APCA_API_KEY_ID": ("broker", "alpaca", "key_id"),
    "APCA_API_SECRET_KEY": ("broker", "alpaca", "secret_key"),
}
_DEDICATED_FLAGS = {"broker.mode": "--mode", "ui.theme": "--theme", "paths.data_dir": "--data-dir"}


class ConfigError(Exception):
    """Bad settings: one plain sentence naming the file, the key path and what was expected."""


SourceFor = Callable[[KeyPath], Source]


@dataclass(frozen=True)
class LoadedSettings:
    """The effective settings and, per leaf key path (``risk.max_open_orders``), the layer that set it."""

    settings: Settings
    sources: dict[str, str] = field(default_factory=dict)

    def secret_values(self) -> list[str]:
        """The plain text of every secret that is set, for redaction filters; never print these."""
        return [value for value in _secret_texts(self.settings) if value]

    def source_of(self, key_path: str) -> str:
        """The source of ``key_path`` or of its nearest recorded ancestor (``strategies.0.name``)."""
        candidate = key_path
        while candidate:
            if candidate in self.sources:
                return self.sources[candidate]
            candidate = candidate.rpartition(".")[0]
        return "default"


def load_settings(
    config_path: str | Path | None = None,
    flags: Mapping[str, object] | None = None,
    *,
    repo_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> LoadedSettings:
    """Load, merge and validate every settings layer.

    Args:
        config_path: The user settings file (``--config``); it must exist. Default: ``settings.yaml`` in
            ``$BTCONSOLE_CONFIG_DIR`` or the platform's user config folder, skipped when absent.
        flags: Dotted key -> value from the command line; text values are read as YAML scalars.
        repo_file: The repository's settings file (tests); skipped when absent.
        env: The environment to read instead of ``os.environ`` (tests).

    Returns:
        The validated settings with the source of every leaf value.

    Raises:
        ConfigError: A file is unreadable or not YAML, a key is unknown, a value is invalid, or the repo's
            settings.yaml holds a secret; the message names the file, variable or flag and the key path.
    """
    environ = os.environ if env is None else env
    merged: dict[str, Any] = {}
    sources: Sources = {}
    repo_path = (REPO_SETTINGS_FILE if repo_file is None else repo_file).resolve()
    if repo_path.is_file():
        repo_data = _read_yaml(repo_path)
        _refuse_secrets(repo_data, repo_path)
        _merge(merged, repo_data, _always(Source("repo settings.yaml", str(repo_path))), sources)
    user_path = _user_file(config_path, environ)
    if user_path is not None:
        _merge(merged, _read_yaml(user_path), _always(Source("user file", str(user_path))), sources)
    for data, source_for in _environment_layers(environ):
        _merge(merged, _match_case(data, merged), source_for, sources)
    for key, value in (flags or {}).items():
        data, source = _flag_layer(key, value)
        _merge(merged, data, _always(source), sources)
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as error:
        raise ConfigError(explain_error(error, sources)) from error
    return LoadedSettings(settings, _describe_sources(settings, sources))


# --- files ---------------------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping, which YAML would silently resolve."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: list[Any] = []
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor` may be overridden by the mapping's own keys, by design
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.append(key)
        return super().construct_mapping(node, deep)


def _read_yaml(path: Path) -> dict[str, Any]:
    """Read one settings file; an empty file is an empty mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"settings file {path} is not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"cannot read settings file {path}: {error.strerror or error}") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise ConfigError(_yaml_problem(path, error)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"{show_value(data)}"
        raise ConfigError(
            f"settings file {path}: the top level must be a mapping of sections (broker:, risk:, ...), "
            f"got {kind}"
        )
    return data


def _yaml_problem(path: Path, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return f"settings file {path} is not valid YAML: {problem}"
    return f"settings file {path}, line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}"


def _refuse_secrets(data: Mapping[str, Any], path: Path) -> None:
    """Keys in the repository's file would be committed and shared, so they are refused outright."""
    for key_path in sorted(SECRET_PATHS):
        node: Any = data
        for part in key_path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            variable = next(name for name, parts in ALPACA_VARIABLES.items() if parts == key_path)
            raise ConfigError(
                f"{'.'.join(key_path)} must not be in the repository's settings file {path} (it would be "
                f"committed); set {variable} in the environment or put it in the user settings file"
            )


def _user_file(config_path: str | Path | None, environ: Mapping[str, str]) -> Path | None:
    if config_path is not None:
        path = Path(config_path).expanduser().resolve()
        if not path.exists():
            raise ConfigError(f"settings file {path} given with --config does not exist")
        return path
    folder = environ.get(CONFIG_DIR_VARIABLE) or platformdirs.user_config_dir(APP_NAME)
    path = Path(folder).expanduser().resolve() / "settings.yaml"
    return path if path.exists() else None


# --- environment and flags -----------------------------------------------------------------------------


class _EnvironmentSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping, so tests need not touch os.environ."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(
            Settings,  # type: ignore[arg-type]  # reads only model_fields, which any model has
            case_sensitive=False,
            env_prefix=ENV_PREFIX,
            env_nested_delimiter=ENV_DELIMITER,
        )

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in self._environ.items()}


def _environment_layers(environ: Mapping[str, str]) -> Iterator[tuple[dict[str, Any], SourceFor]]:
    """Alpaca's own variables first, then BTCONSOLE_ ones, which win where both set a key."""
    for variable, key_path in ALPACA_VARIABLES.items():
        if environ.get(variable):  # an exported-but-empty key is no key
            yield _nest(key_path, environ[variable]), _always(Source("environment", variable))
    _refuse_unknown_sections(environ)
    try:
        data = _EnvironmentSource(environ)()
    except SettingsError as error:
        found = re.search(r'field "([^"]+)"', str(error))
        variable = ENV_PREFIX + (found.group(1).upper() if found else "*")
        raise ConfigError(
            f"environment variable {variable} is not valid JSON (a variable that sets a whole section, "
            "mapping or list holds JSON)"
        ) from None
    names = {name.upper(): name for name in environ}

    def variable_for(key_path: KeyPath) -> Source:
        # A leaf may come from its own variable or from an ancestor's JSON (BTCONSOLE_UI='{...}').
        for depth in range(len(key_path), 0, -1):
            candidate = ENV_PREFIX + ENV_DELIMITER.join(key_path[:depth]).upper()
            if candidate in names:
                return Source("environment", names[candidate])
        return Source("environment", ENV_PREFIX + ENV_DELIMITER.join(key_path).upper())

    yield data, variable_for


def _match_case(data: dict[str, Any], target: Mapping[Any, Any]) -> dict[str, Any]:
    """Spell environment keys as the lower layers do, since pydantic-settings lower-cases every name.

    Without this, ``BTCONSOLE_SIM__SYMBOLS__AAPL__PRICE`` would add a key ``aapl`` beside the repo file's
    ``AAPL`` instead of updating it, and validation would keep only one of the two.
    """
    spelled = {str(key).lower(): key for key in target}
    matched: dict[str, Any] = {}
    for key, value in data.items():
        existing = spelled.get(key.lower(), key)
        below = target.get(existing)
        matched[existing] = (
            _match_case(value, below) if isinstance(value, dict) and isinstance(below, dict) else value
        )
    return matched


def _refuse_unknown_sections(environ: Mapping[str, str]) -> None:
    """pydantic-settings ignores BTCONSOLE_ variables matching no section; a typo must not pass unseen."""
    for name in environ:
        upper = name.upper()
        if not upper.startswith(ENV_PREFIX) or upper in NON_SETTING_VARIABLES:
            continue
        section = upper.removeprefix(ENV_PREFIX).split(ENV_DELIMITER)[0].lower()
        if section not in Settings.model_fields:
            raise ConfigError(
                f"environment variable {name}: unknown setting {section!r}{did_you_mean(section, ())}; "
                "BTCONSOLE_ variables name a section and key, e.g. BTCONSOLE_RISK__MAX_OPEN_ORDERS"
            )


def _flag_layer(key: str, value: object) -> tuple[dict[str, Any], Source]:
    key_path = tuple(key.split("."))
    # The flag's text is shown by `btconsole config` and in errors, so a key given as a flag is masked.
    covers_secret = any(secret[: len(key_path)] == key_path for secret in SECRET_PATHS)
    shown = "**********" if covers_secret else value
    flag = _DEDICATED_FLAGS.get(key)
    text = f"{flag} {shown}" if flag else f"--set {key}={shown}"
    if not all(key_path):
        raise ConfigError(f"flag {text}: {key!r} is not a dotted settings key such as risk.max_open_orders")
    return _nest(key_path, _flag_value(key_path, value)), Source("flag", text)


def _flag_value(key_path: KeyPath, value: object) -> object:
    """Read flag text as YAML (``20`` a number, ``false`` a bool), except where the schema wants text."""
    if not isinstance(value, str):
        return value
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return value  # validation then names the key and what it expected
    if wants_text(key_path) and not (parsed is None or isinstance(parsed, str)):
        return value  # --data-dir 2024 is a folder name, not a number
    return parsed


# --- merging and provenance ----------------------------------------------------------------------------


def _always(source: Source) -> SourceFor:
    return lambda _key_path: source


def _nest(key_path: KeyPath, value: object) -> dict[str, Any]:
    data: Any = value
    for part in reversed(key_path):
        data = {part: data}
    return dict(data)


def _merge(
    target: dict[Any, Any],
    overlay: Mapping[Any, Any],
    source_for: SourceFor,
    sources: Sources,
    prefix: KeyPath = (),
) -> None:
    """Deep-merge ``overlay`` into ``target``: mappings merge key by key, anything else replaces."""
    for key, value in overlay.items():
        key_path = (*prefix, str(key))
        if isinstance(value, dict) and value:
            if not isinstance(target.get(key), dict):
                _forget(sources, key_path)
                target[key] = {}
            _merge(target[key], value, source_for, sources, key_path)
        elif not (isinstance(value, dict) and isinstance(target.get(key), dict)):
            _forget(sources, key_path)
            target[key] = value
            sources[key_path] = source_for(key_path)


def _forget(sources: Sources, key_path: KeyPath) -> None:
    """Drop the provenance of a subtree that a higher layer replaces."""
    for recorded in [p for p in sources if p[: len(key_path)] == key_path]:
        del sources[recorded]


def _describe_sources(settings: Settings, sources: Sources) -> dict[str, str]:
    """Every leaf of the effective settings with its source; keys compare case-blind (``aapl``/``AAPL``)."""
    recorded = {tuple(part.lower() for part in key_path): source for key_path, source in sources.items()}
    described: dict[str, str] = {}
    for key_path in _leaf_paths(settings.model_dump(by_alias=True)):
        lowered = tuple(part.lower() for part in key_path)
        found = next(
            (recorded[lowered[:n]] for n in range(len(lowered), 0, -1) if lowered[:n] in recorded), None
        )
        described[".".join(key_path)] = str(found) if found else "default"
    return described


def _leaf_paths(data: Mapping[str, Any], prefix: KeyPath = ()) -> Iterator[KeyPath]:
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from _leaf_paths(value, (*prefix, str(key)))
        else:
            yield (*prefix, str(key))


def _secret_texts(value: object) -> Iterator[str]:
    if isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _secret_texts(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _secret_texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _secret_texts(item)
