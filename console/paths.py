"""Where the console keeps its files: journal and state, bar cache, logs, and runtime files.

Each folder comes from ``settings.paths`` when set, else from the platform's convention (platformdirs), so
tests and second instances can point everything elsewhere with one setting. Nothing is created until
``AppPaths.ensure()`` is called: merely resolving paths (``btconsole --help``, ``btconsole config``) must not
litter the user's home.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from console.settings_schema import Settings

APP_NAME = "btconsole"
JOURNAL_FILE = "journal.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The resolved folders of one console instance.

    Attributes:
        data_dir: Journal and durable state.
        cache_dir: Bar cache and other files that may be deleted at any time.
        log_dir: Rotating log files.
        runtime_dir: Sockets and lock files of a running engine; not expected to survive a reboot.
    """

    data_dir: Path
    cache_dir: Path
    log_dir: Path
    runtime_dir: Path

    @property
    def journal_path(self) -> Path:
        """The audit journal's SQLite file."""
        return self.data_dir / JOURNAL_FILE

    def ensure(self) -> AppPaths:
        """Create every folder that does not exist yet (parents too).

        The runtime folder is made private (mode 0700): it will hold the engine's control socket.

        Returns:
            ``self``, so ``resolve_paths(settings).ensure()`` reads as one step.

        Raises:
            OSError: A folder cannot be created (permissions, a file in the way).
        """
        for folder in (self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self


def resolve_paths(settings: Settings) -> AppPaths:
    """Resolve the console's folders from settings, falling back to the platform defaults.

    Args:
        settings: The effective settings; ``settings.paths.*`` wins over the platform default.

    Returns:
        Absolute paths; nothing is created on disk.
    """
    configured = settings.paths
    data_dir = _absolute(configured.data_dir) or Path(platformdirs.user_data_dir(APP_NAME))
    cache_dir = _absolute(configured.cache_dir) or Path(platformdirs.user_cache_dir(APP_NAME))
    log_dir = _absolute(configured.log_dir) or Path(platformdirs.user_log_dir(APP_NAME))
    if configured.data_dir is not None:
        # An instance with its own data folder gets its own runtime folder too, so two consoles never
        # share a control socket or lock file (instances sharing state is a failure traders report).
        runtime_dir = data_dir / "run"
    else:
        runtime_dir = _platform_runtime_dir() or cache_dir / "run"
    return AppPaths(data_dir=data_dir, cache_dir=cache_dir, log_dir=log_dir, runtime_dir=runtime_dir)


def _absolute(path: Path | None) -> Path | None:
    # Resolved once here so a later chdir cannot move the journal.
    return None if path is None else path.expanduser().absolute()


def _platform_runtime_dir() -> Path | None:
    """The platform's per-user runtime folder, or None when the platform offers no usable one.

    Without XDG_RUNTIME_DIR, platformdirs warns and falls back to a folder under /tmp, and raises if that
    folder belongs to someone else; the console prefers to fall back quietly to its cache folder.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return Path(platformdirs.user_runtime_dir(APP_NAME))
        except OSError:
            return None
