"""Finds the Backtrader strategies a user can run, and checks the params they are given.

Strategies are plain Python files in the repo's ``strategies/`` folder and, optionally, a user folder
(``paths.strategies_dir``). Each file is loaded by path under a module name unique to that path, so two
folders may both hold ``trend.py``. One broken file must not hide the others: its error becomes one
sentence in ``StrategyCatalog.problems`` and discovery carries on.

A strategy is referenced as ``file:Class``, as ``file`` (the first ``bt.Strategy`` subclass defined in
it), or as ``Class`` (when exactly one file defines that class).
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import backtrader as bt

import console


class StrategyError(ValueError):
    """An unknown or ambiguous strategy reference, or a bad param; the message is one sentence."""


@dataclass(frozen=True)
class StrategyInfo:
    """One discovered strategy.

    Attributes:
        name: its canonical reference, ``file:Class``.
        cls: the ``bt.Strategy`` subclass.
        path: the file it was loaded from.
        params: each param's default, in declaration order.
        doc: the first line of its docstring ("" when it has none).
    """

    name: str
    cls: type
    path: Path
    params: dict[str, Any]
    doc: str

    @property
    def file(self) -> str:
        """The file's stem: the ``file`` in ``file:Class``."""
        return self.path.stem


@dataclass
class StrategyCatalog:
    """Every strategy found, keyed by ``file:Class``, and one sentence per file that failed to load."""

    strategies: dict[str, StrategyInfo] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def resolve(self, ref: str) -> StrategyInfo:
        """The strategy ``ref`` names (``file:Class``, ``file`` or ``Class``; ``file.py`` also works).

        Raises:
            StrategyError: nothing or more than one strategy matches.
        """
        text = ref.strip()
        file, sep, cls = text.partition(":")
        file = file.removesuffix(".py")
        if sep:
            found = self.strategies.get(f"{file}:{cls}")
            if found is None:
                raise StrategyError(f"no strategy {text!r}; {self._known()}")
            return found
        in_file = [info for info in self.strategies.values() if info.file == file]
        if in_file:
            return in_file[0]
        by_class = [info for info in self.strategies.values() if info.cls.__name__ == text]
        if len(by_class) == 1:
            return by_class[0]
        if by_class:
            names = ", ".join(info.name for info in by_class)
            raise StrategyError(f"strategy {text!r} is ambiguous: it could be {names}; name the file")
        raise StrategyError(f"no strategy {text!r}; {self._known()}")

    def _known(self) -> str:
        if not self.strategies:
            return "no strategies were found" + (f" ({self.problems[0]})" if self.problems else "")
        return "known strategies: " + ", ".join(self.strategies)


def default_dirs(user_dir: Path | None = None) -> list[Path]:
    """The repo's ``strategies/`` folder, then ``user_dir`` if given."""
    repo = Path(console.__file__).resolve().parent.parent / "strategies"
    return [repo] + ([user_dir] if user_dir is not None else [])


def discover(dirs: Iterable[Path]) -> StrategyCatalog:
    """Load every ``*.py`` file (not starting with ``_``) in ``dirs`` and collect their strategies.

    A missing folder is skipped. A file that fails to load, or that repeats a ``file:Class`` already found
    in an earlier folder, is recorded in ``problems`` and skipped.

    Returns:
        The catalog.
    """
    catalog = StrategyCatalog()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                classes = _strategies_in(path)
            except StrategyError as error:
                catalog.problems.append(str(error))
                continue
            for cls in classes:
                info = _info(cls, path)
                if info.name in catalog.strategies:
                    first = catalog.strategies[info.name].path
                    catalog.problems.append(f"{path}: {info.name} is already defined by {first}; skipped")
                else:
                    catalog.strategies[info.name] = info
    return catalog


def _strategies_in(path: Path) -> list[type]:
    """The ``bt.Strategy`` subclasses defined in the file at ``path``, in definition order."""
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    module_name = f"btconsole_strategy_{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise StrategyError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        del sys.modules[module_name]
        raise StrategyError(f"{path}: syntax error at line {error.lineno}: {error.msg}") from None
    except Exception as error:  # any failure at import: the file is broken, the others are not
        del sys.modules[module_name]
        raise StrategyError(f"{path}: failed to load: {type(error).__name__}: {error}") from None
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, bt.Strategy)
        and value is not bt.Strategy
        and value.__module__ == module_name
    ]


def _info(cls: type, path: Path) -> StrategyInfo:
    params = dict(cls.params._getitems())  # type: ignore[attr-defined]
    doc = (inspect.getdoc(cls) or "").strip().splitlines()
    return StrategyInfo(f"{path.stem}:{cls.__name__}", cls, path, params, doc[0] if doc else "")


def validate_params(info: StrategyInfo, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the strategy's declared params and their defaults' types.

    An int is accepted where the default is a float (and converted); a bool is never taken for a number;
    a param whose default is None accepts anything.

    Returns:
        The params to pass to the strategy.

    Raises:
        StrategyError: a name the strategy does not declare, or a value of the wrong type.
    """
    checked: dict[str, Any] = {}
    for name, value in params.items():
        if name not in info.params:
            known = ", ".join(info.params) or "none"
            raise StrategyError(f"strategy {info.name} has no param {name!r}; its params are: {known}")
        checked[name] = _checked_value(info, name, info.params[name], value)
    return checked


def _checked_value(info: StrategyInfo, name: str, default: Any, value: Any) -> Any:
    if default is None:
        return value
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, expected) and (expected is bool or not isinstance(value, bool)):
        return value
    raise StrategyError(
        f"strategy {info.name} param {name!r} must be a {expected.__name__} like its default "
        f"{default!r}, not {type(value).__name__} {value!r}"
    )
