"""The real ``btconsole`` in a real terminal (tmux): start it, type orders after ``:``, read the screen.

This is the closest a test gets to a trader at a keyboard over SSH: the installed entry point, its own
temporary config and data folders, keystrokes through tmux, and the screen read back with capture-pane.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.journal import Journal, JournalKind

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

PATIENCE_S = 60.0
"""How long to wait for the screen to show something before giving up (a bound, not a timing check)."""


class Terminal:
    """A detached tmux session running one command, on a private tmux server (no user config)."""

    def __init__(self, command: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.name = f"btconsole-test-{uuid.uuid4().hex[:8]}"
        self.tmux = ["tmux", "-L", self.name, "-f", "/dev/null"]
        env_args = [f"{k}={v}" for k, v in env.items()]
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                "env",
                "-i",
                *env_args,
                *command,
            ],
            check=True,
        )
        # Detached sessions may start at the server's default size whatever -x/-y said.
        width, height = size
        subprocess.run(
            [*self.tmux, "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)], check=True
        )

    def screen(self) -> str:
        result = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=False
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)

    def pid(self) -> int:
        """The console's process id (``env`` execs it, so it is the pane's process)."""
        result = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stdout.strip())

    def alive(self) -> bool:
        return (
            subprocess.run(
                [*self.tmux, "has-session", "-t", self.name], capture_output=True, check=False
            ).returncode
            == 0
        )

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + PATIENCE_S
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the screen never showed {what}; last screen:\n{screen}")

    def wait_until_gone(self) -> None:
        deadline = time.monotonic() + PATIENCE_S
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not self.alive(), f"btconsole did not exit; last screen:\n{self.screen()}"

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True, check=False)


def console_env(tmp_path: Path) -> dict[str, str]:
    return {
        "BTCONSOLE_CONFIG_DIR": str(tmp_path / "config"),
        "BTCONSOLE_PATHS__LOG_DIR": str(tmp_path / "log"),
        "BTCONSOLE_SIM__SPEED": "5",
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
    }


@pytest.fixture
def console_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    data = tmp_path / "data"
    env = console_env(tmp_path)
    terminal = Terminal([sys.executable, "-m", "console", "--data-dir", str(data)], env, (120, 40))
    try:
        yield terminal, data
    finally:
        terminal.kill()


def ready(screen: str) -> bool:
    """The console is up as a trader sees it: SIM mode, the key hints, and the broker connected.

    Keys sent before Textual's input thread runs (the first paint can come earlier) are lost by the
    terminal driver, so the test waits for what a person waits for before typing.
    """
    return "SIM" in screen and "b Buy" in screen and "connected to sim" in screen


def test_order_typed_after_colon_shows_in_the_orders_pane_and_the_journal(
    console_terminal: tuple[Terminal, Path],
) -> None:
    terminal, data = console_terminal
    terminal.wait_for(ready, "the console ready in SIM mode")
    terminal.send(":")
    terminal.type("buy 10 AAPL 1 gtc")
    terminal.send("Enter")
    screen = terminal.wait_for(
        lambda s: any("AAPL" in line and "BUY" in line and "1.00" in line for line in s.splitlines()),
        "the resting limit order in the orders pane",
    )
    assert "Traceback" not in screen
    terminal.send(":")
    terminal.type("buy 5 MSFT")
    terminal.send("Enter")
    terminal.wait_for(lambda s: "fill BUY 5 MSFT @" in s, "the market order's fill in the log")
    terminal.wait_for(lambda s: ": command (help lists them)" in s, "the command line cleared")
    terminal.send("q")
    terminal.wait_until_gone()
    with Journal.open(data / "journal.sqlite3", readonly=True) as journal:
        intents = journal.query(kinds=[JournalKind.ORDER_INTENT])
        fills = journal.query(kinds=[JournalKind.FILL])
    assert {e.symbol for e in intents} == {"AAPL", "MSFT"}
    assert {e.symbol for e in fills} == {"MSFT"}


def test_a_bad_order_is_a_sentence_not_a_traceback(console_terminal: tuple[Terminal, Path]) -> None:
    terminal, _data = console_terminal
    terminal.wait_for(ready, "the console ready")
    terminal.send(":")
    terminal.type("buy 10 AAPL 190 tp 180 sl 185")
    terminal.send("Enter")
    screen = terminal.wait_for(lambda s: "take-profit 180" in s, "the reason the order was refused")
    assert "Traceback" not in screen
    terminal.wait_for(lambda s: ": command (help lists them)" in s, "the command line cleared")
    terminal.send("q")
    terminal.wait_until_gone()


def wait_for_exit(pid: int) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    raise AssertionError(f"btconsole (pid {pid}) did not exit")


@pytest.mark.parametrize("how", ["ssh-drop", "sigterm"])
def test_hangup_and_terminate_leave_in_order_and_cancel_as_configured(tmp_path: Path, how: str) -> None:
    env = {**console_env(tmp_path), "BTCONSOLE_BROKER__CANCEL_ORDERS_ON_EXIT": "true"}
    data = tmp_path / "data"
    terminal = Terminal([sys.executable, "-m", "console", "--data-dir", str(data)], env, (120, 40))
    try:
        terminal.wait_for(ready, "the console ready")
        terminal.send(":")
        terminal.type("buy 10 AAPL 1 gtc")
        terminal.send("Enter")
        terminal.wait_for(lambda s: "new BUY 10 AAPL limit 1.00" in s, "the resting order in the log")
        pid = terminal.pid()
        if how == "ssh-drop":
            terminal.kill()  # the terminal goes away: the console gets SIGHUP, as when SSH drops
        else:
            os.kill(pid, signal.SIGTERM)
        wait_for_exit(pid)
    finally:
        terminal.kill()
    with Journal.open(data / "journal.sqlite3", readonly=True) as journal:
        stops = [e for e in journal.query(kinds=[JournalKind.SESSION]) if e.payload.get("event") == "stop"]
        canceled = [
            e for e in journal.query(kinds=[JournalKind.BROKER_EVENT]) if e.payload.get("event") == "canceled"
        ]
    assert stops and stops[-1].payload["cancel_working"] is True
    assert [e.symbol for e in canceled] == ["AAPL"]
