"""The sim venue's heartbeat: a daemon thread that steps the market in real or accelerated time.

Separate from ``SimMarket`` so the market stays a plain, stepped object that tests drive directly, while
the console runs it on a clock. The thread sleeps on an ``Event`` (never a busy-wait, a lesson from the
old Backtrader-Alpaca bridge), keeps a fixed cadence against the monotonic clock, and survives an
exception in the step: it is logged with its traceback and the next step runs as usual.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class SimClock:
    """Drives a step callback on its own daemon thread: real time (speed 1), accelerated (speed > 1).

    Every ``interval_s`` of wall time it calls ``step(interval_s * speed)``. If a step overruns, the next
    one starts at once and the cadence is re-anchored (no burst of catch-up steps). Tests don't start it;
    they call the step function directly ("stepped").
    """

    def __init__(
        self, step: Callable[[float], None], *, speed: float = 1.0, interval_s: float = 0.25
    ) -> None:
        """
        Raises:
            ValueError: ``speed`` or ``interval_s`` is not positive.
        """
        if speed <= 0 or interval_s <= 0:
            raise ValueError(f"clock speed and interval must be positive (got {speed}, {interval_s})")
        self._step = step
        self._speed = speed
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.steps = 0
        """Steps run so far (including ones that raised)."""
        self.errors = 0
        """Steps that raised."""

    @property
    def is_running(self) -> bool:
        """True while the clock thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def speed(self) -> float:
        """Sim seconds per wall second."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        if value <= 0:
            raise ValueError(f"clock speed must be positive (got {value})")
        self._speed = value

    def start(self) -> None:
        """Start the thread. Idempotent while running."""
        if self.is_running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sim-clock", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the thread and wait up to ``timeout`` seconds for the step in progress to finish."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        deadline = time.monotonic() + self._interval_s
        while not self._stop.wait(max(0.0, deadline - time.monotonic())):
            self.tick()
            deadline += self._interval_s
            now = time.monotonic()
            if deadline < now:  # overran: re-anchor rather than fire a burst of catch-up steps
                deadline = now + self._interval_s

    def tick(self) -> None:
        """Run one step now (what the thread does each interval); an exception is logged, not raised."""
        self.steps += 1
        try:
            self._step(self._interval_s * self._speed)
        except Exception:
            self.errors += 1
            log.exception("sim clock step failed; the clock keeps running")
