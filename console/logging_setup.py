"""Logging for the console: JSON lines to a rotating file, short lines on stderr, and secrets masked.

Why each part:
- The file gets every record at INFO and above as one JSON object a line (``ts``, ``level``, ``logger``,
  ``message``, ``thread``, ``exc``), so a session can be searched and parsed after the fact.
- stderr gets only warnings and errors, one short line each, so a CLI user sees problems; the console UI
  calls ``quiet_stderr()`` when Textual takes over the screen, which stray writes would scribble on.
- Every handler carries a filter that replaces registered secret values, and anything shaped like an
  Alpaca key header (``APCA-API-SECRET-KEY: ...``), with ``***`` in the message and exception text. It
  runs before any formatter, so no format can leak what the filter has masked.

Handlers go on the root logger so third-party libraries (alpaca-py, websockets) are captured and masked
too. ``configure_logging`` replaces its own earlier handlers, so calling it twice never duplicates lines.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from typing import TextIO

from console.paths import resolve_paths
from console.settings_schema import Settings

LOG_FILE = "btconsole.log"
MAX_LOG_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked: masking "ab" everywhere would garble every line, and no key is so short."""

_OWNED = "_btconsole_owned"
_SILENT = logging.CRITICAL + 1

# A header or variable named like an Alpaca credential, then its value: masked even when the value was never
# registered (a key typed at a prompt, a header dumped by a library's debug logging).
_CREDENTIAL_PATTERN = re.compile(
    r"""((?:APCA[-_]API[-_](?:SECRET[-_]KEY|KEY[-_]ID)|Authorization)['"]?\s*[:=]\s*['"]?(?:Bearer\s+)?)"""
    r"""[^\s'",;}\]]+""",
    re.IGNORECASE,
)


class _SecretRegistry:
    """The values to mask. Process-wide because logging is: one registry serves every handler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        if len(value) < MIN_SECRET_LENGTH or value in self._values:
            return
        with self._lock:
            self._values.add(value)
            # Longest first, so a secret that contains another is masked whole.
            alternatives = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in alternatives))

    def redact(self, text: str) -> str:
        pattern = self._pattern  # read once: a concurrent add swaps in a new compiled pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return _CREDENTIAL_PATTERN.sub(rf"\g<1>{MASK}", text)


_secrets = _SecretRegistry()


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every log line from now on (for secrets learned after ``configure_logging``)."""
    if value:
        _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and Alpaca credential value replaced by ``***``."""
    return _secrets.redact(text)


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message, exception text and stack before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a caller's bad format arguments must not break the caller
            message = f"{record.msg!r} (unformattable arguments: {record.args!r})"
        # Freeze the formatted text so no later handler re-interpolates the unmasked arguments.
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonLineFormatter(logging.Formatter):
    """One JSON object a line: ts (UTC), level, logger, message, thread, and exc/stack when present."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="microseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "thread": record.threadName,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class ShortLineFormatter(logging.Formatter):
    """``LEVEL logger: message (ExcType: text)``: the full traceback is in the log file."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += f" ({record.exc_text.strip().splitlines()[-1]})"
        return line


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the moment, since pytest and Textual replace it."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # StreamHandler.__init__ assigns it; the live sys.stderr always wins


def configure_logging(settings: Settings, secrets: Iterable[str] = (), *, level: int = logging.INFO) -> None:
    """Install the console's log handlers on the root logger, replacing any it installed before.

    Args:
        settings: Decides the log folder (``resolve_paths(settings).log_dir``).
        secrets: Values to mask in every line, typically ``LoadedSettings.secret_values()``.
        level: The least severe level written to the file.
    """
    for value in secrets:
        register_secret(value)
    root = logging.getLogger()
    shutdown_logging()
    stderr_handler = _own(_StderrHandler(), ShortLineFormatter(), logging.WARNING)
    root.addHandler(stderr_handler)
    log_dir = resolve_paths(settings).log_dir
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # Logging must never stop the console from starting: say so once and carry on with stderr only.
        root.warning("cannot write logs to %s (%s); logging to stderr only", log_dir, error)
    else:
        file_handler = RotatingFileHandler(
            log_dir / LOG_FILE, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
        root.addHandler(_own(file_handler, JsonLineFormatter(), level))
    root.setLevel(min(level, logging.WARNING))


def quiet_stderr(quiet: bool = True) -> None:
    """Stop (or, with ``quiet=False``, resume) log lines on stderr; the log file is unaffected.

    The console UI calls this when Textual takes over the terminal and again, with False, when it leaves.
    """
    for handler in _owned_handlers():
        if isinstance(handler, _StderrHandler):
            handler.setLevel(_SILENT if quiet else logging.WARNING)


def shutdown_logging() -> None:
    """Remove and close every handler ``configure_logging`` installed (for a clean exit, and tests)."""
    root = logging.getLogger()
    for handler in _owned_handlers():
        root.removeHandler(handler)
        handler.close()


def _own(handler: logging.Handler, formatter: logging.Formatter, level: int) -> logging.Handler:
    handler.setFormatter(formatter)
    handler.setLevel(level)
    handler.addFilter(RedactSecrets())
    setattr(handler, _OWNED, True)
    return handler


def _owned_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, _OWNED, False)]
