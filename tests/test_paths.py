"""Where the console keeps its files: settings win, the platform's folders otherwise, nothing made early."""

from __future__ import annotations

import stat
from pathlib import Path

import platformdirs
import pytest

from console.paths import resolve_paths
from console.settings_schema import PathSettings, Settings


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the platform's per-user folders into tmp_path, so defaults never touch the real home."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(home / "runtime"))
    return home


def test_configured_folders_win(tmp_path: Path) -> None:
    settings = Settings(
        paths=PathSettings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c", log_dir=tmp_path / "l")
    )
    paths = resolve_paths(settings)
    assert (paths.data_dir, paths.cache_dir, paths.log_dir) == (
        tmp_path / "d",
        tmp_path / "c",
        tmp_path / "l",
    )
    assert paths.journal_path == tmp_path / "d" / "journal.sqlite3"


def test_defaults_follow_the_platform_convention(xdg_home: Path) -> None:
    paths = resolve_paths(Settings())
    assert paths.data_dir == Path(platformdirs.user_data_dir("btconsole")) == xdg_home / "data" / "btconsole"
    assert paths.cache_dir == xdg_home / "cache" / "btconsole"
    assert paths.log_dir == Path(platformdirs.user_log_dir("btconsole"))
    assert paths.runtime_dir == xdg_home / "runtime" / "btconsole"


def test_resolving_creates_nothing(xdg_home: Path) -> None:
    resolve_paths(Settings())
    assert not xdg_home.exists()


def test_ensure_creates_every_folder_with_a_private_runtime_folder(xdg_home: Path) -> None:
    paths = resolve_paths(Settings()).ensure()
    for folder in (paths.data_dir, paths.cache_dir, paths.log_dir, paths.runtime_dir):
        assert folder.is_dir()
    assert stat.S_IMODE(paths.runtime_dir.stat().st_mode) == 0o700
    assert paths.ensure() == paths  # a second call is harmless


def test_a_separate_data_folder_gets_its_own_runtime_folder(tmp_path: Path, xdg_home: Path) -> None:
    paths = resolve_paths(Settings(paths=PathSettings(data_dir=tmp_path / "second")))
    assert paths.runtime_dir == tmp_path / "second" / "run"


def test_a_relative_folder_is_made_absolute_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = resolve_paths(Settings(paths=PathSettings(data_dir=Path("rel"))))
    assert paths.data_dir == tmp_path / "rel"


def test_without_a_usable_runtime_folder_the_cache_folder_is_used(
    xdg_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(appname: str) -> str:
        raise PermissionError("runtime directory owned by someone else")

    monkeypatch.setattr(platformdirs, "user_runtime_dir", refuse)
    paths = resolve_paths(Settings())
    assert paths.runtime_dir == paths.cache_dir / "run"
