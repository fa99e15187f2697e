"""Themes as files: each ``themes/NAME.tcss`` declares ``$variable: value;`` lines that become a Theme.

A theme is data a trader may copy and edit, so it lives in a file rather than in code. Only variable
declarations are read; the layout lives in ``themes/base.tcss`` and uses the variables, never colours.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.theme import Theme

import console

THEMES_DIR = Path(console.__file__).resolve().parent.parent / "themes"
BASE_CSS = THEMES_DIR / "base.tcss"
THEME_NAMES = ("dark", "light", "high-contrast")
_DECLARATION = re.compile(r"^\s*\$([a-z][a-z0-9-]*)\s*:\s*([^;]+);", re.MULTILINE)
_COLOUR_FIELDS = {
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
}


class ThemeFileError(ValueError):
    """A theme file that cannot become a theme; the message names the file and the problem."""


def load_theme(path: Path) -> Theme:
    """Read one theme file.

    Raises:
        ThemeFileError: unreadable, or without a ``$primary`` colour.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ThemeFileError(f"theme file {path} cannot be read: {error.strerror}") from error
    values = dict(_DECLARATION.findall(re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)))
    if "primary" not in values:
        raise ThemeFileError(f"theme file {path} declares no $primary colour")
    colours = {k.replace("-", "_"): v.strip() for k, v in values.items() if k in _COLOUR_FIELDS}
    extra = {k: v.strip() for k, v in values.items() if k not in _COLOUR_FIELDS and k != "dark"}
    dark = values.get("dark", "true").strip().lower() != "false"
    return Theme(name=f"btconsole-{path.stem}", dark=dark, variables=extra, **colours)


def load_themes(directory: Path = THEMES_DIR) -> dict[str, Theme]:
    """Every ``*.tcss`` theme in ``directory`` except the base layout, by short name."""
    return {
        path.stem: load_theme(path) for path in sorted(directory.glob("*.tcss")) if path.name != BASE_CSS.name
    }
