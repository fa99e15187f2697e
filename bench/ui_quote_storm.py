"""The console under a quote storm: 20,000 quote updates a second across 500 symbols.

Runs the real app headless over a real session whose sim broker is on a manual clock, while a thread pushes
quotes through the broker callback path (session -> quote book -> bus -> UI feed), exactly as a venue
thread would. Prints, for an idle baseline and for the storm, in the same process:

- repaint rate (frames written by Textual per second),
- event-loop lag p50 / p99 (how late a 10 ms timer wakes),
- keypress-to-screen latency p50 / p99 (a key pressed, until the next frame is written),
- memory (RSS) at the start and end of the storm, and its slope.

Then the time to first frame of ``btconsole`` in sim mode, in a fresh process, against a bare Textual app
(the baseline), and whether alpaca-py was imported. Targets: lag p99 < 50 ms; memory flat; first frame
< 1.5 s.

Usage: ``.venv/bin/python bench/ui_quote_storm.py [--seconds 60] [--rate 20000] [--symbols 500]``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from console.brokers.sim.broker import SimBroker
from console.domain import Quote
from console.journal import Journal
from console.session import Session
from console.settings_schema import PathSettings, Settings, SimSettings
from console.ui.app import ConsoleApp


def symbols(count: int) -> list[str]:
    letters = string.ascii_uppercase
    return ["Q" + "".join(p) for p in itertools.islice(itertools.product(letters, repeat=3), count)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


class MeasuredApp(ConsoleApp):
    """The console, counting frames and timing key presses to the next frame."""

    frames = 0
    pressed_at: float | None = None
    key_latencies: list[float]

    def post_display_hook(self) -> None:
        self.frames += 1
        if self.pressed_at is not None:
            self.key_latencies.append(time.perf_counter() - self.pressed_at)
            self.pressed_at = None


class Storm(threading.Thread):
    """Pushes ``rate`` quotes a second, round-robin over ``names``, through the session's broker callback."""

    def __init__(self, session: Session, names: list[str], rate: int) -> None:
        super().__init__(daemon=True)
        self.session, self.names, self.rate = session, names, rate
        self.stop_event = threading.Event()
        self.sent = 0

    def run(self) -> None:
        batch = self.rate // 100  # one batch every 10 ms
        clock = datetime(2026, 1, 5, 15, tzinfo=UTC)
        cycle = itertools.cycle(self.names)
        next_at = time.perf_counter()
        while not self.stop_event.is_set():
            for _ in range(batch):
                clock += timedelta(microseconds=50)
                cents = Decimal(10_000 + self.sent % 97) / 100
                quote = Quote(symbol=next(cycle), bid=cents, ask=cents + Decimal("0.02"), timestamp=clock)
                self.session._on_quote(quote)  # the broker callback path a venue thread calls
                self.sent += 1
            next_at += 0.01
            self.stop_event.wait(max(0.0, next_at - time.perf_counter()))


async def measure_phase(app: MeasuredApp, pilot, seconds: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    lags: list[float] = []
    app.key_latencies = []
    frames_before = app.frames
    start = time.perf_counter()
    next_key = start + 0.5
    while time.perf_counter() - start < seconds:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)
        if time.perf_counter() >= next_key:
            app.pressed_at = time.perf_counter()
            await pilot.press("down" if int(next_key) % 2 else "up")
            next_key += 0.5
    elapsed = time.perf_counter() - start
    return {
        "fps": (app.frames - frames_before) / elapsed,
        "lag_p50": percentile(lags, 0.5) * 1000,
        "lag_p99": percentile(lags, 0.99) * 1000,
        "key_p50": percentile(app.key_latencies, 0.5) * 1000,
        "key_p99": percentile(app.key_latencies, 0.99) * 1000,
    }


async def storm_run(seconds: float, rate: int, count: int) -> None:
    names = symbols(count)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            watchlists={"storm": names},
            sim=SimSettings(seed=1),
            paths=PathSettings(data_dir=Path(tmp), log_dir=Path(tmp)),
        )
        journal = Journal.open(Path(tmp) / "journal.sqlite3")
        session = Session(SimBroker(settings.sim, clock="manual"), journal)
        session.start(names)
        app = MeasuredApp(session, settings, start_session=False)
        async with app.run_test(size=(200, 60)) as pilot:
            await pilot.pause()
            # The first key press pays one-off costs (lazy imports, first binding lookups): warm up.
            for key in ("down", "up"):
                await pilot.press(key)
            await pilot.pause()
            idle = await measure_phase(app, pilot, min(10.0, seconds / 3))
            storm = Storm(session, names, rate)
            storm.start()
            rss: list[tuple[float, float]] = []
            t0 = time.perf_counter()

            async def sample_memory() -> None:
                while True:
                    rss.append((time.perf_counter() - t0, rss_mib()))
                    await asyncio.sleep(5)

            sampler = asyncio.create_task(sample_memory())
            result = await measure_phase(app, pilot, seconds)
            sampler.cancel()
            rss.append((time.perf_counter() - t0, rss_mib()))
            storm.stop_event.set()
            storm.join()
            achieved = storm.sent / (time.perf_counter() - t0)
        session.stop()
        journal.close()
    slope = statistics.linear_regression([t for t, _ in rss[1:]], [m for _, m in rss[1:]]).slope * 60
    print(
        f"quote storm: {count} symbols, {achieved:,.0f} quotes/s pushed for {seconds:.0f} s, headless 200x60"
    )
    print(f"  {'':28}{'idle (baseline)':>18}{'storm':>14}{'ratio':>9}")
    for key, label in [
        ("fps", "repaint rate (frames/s)"),
        ("lag_p50", "event-loop lag p50 (ms)"),
        ("lag_p99", "event-loop lag p99 (ms)"),
        ("key_p50", "key -> screen p50 (ms)"),
        ("key_p99", "key -> screen p99 (ms)"),
    ]:
        ratio = result[key] / idle[key] if idle[key] else float("nan")
        print(f"  {label:28}{idle[key]:>18.1f}{result[key]:>14.1f}{ratio:>9.2f}")
    print(
        f"  memory RSS: {rss[1][1]:.1f} MiB after warm-up -> {rss[-1][1]:.1f} MiB; slope {slope:+.2f} MiB/min"
    )
    verdict = "ok" if result["lag_p99"] < 50 else "MISSED"
    print(f"  target lag p99 < 50 ms: {verdict}")


FIRST_FRAME_CHILD = """
import sys, time
t0 = time.perf_counter()
mode = sys.argv[1]
if mode == "console":
    from console.ui.app import ConsoleApp as Base
    from console.cli import main
else:
    from textual.app import App as Base
def hook(self):
    print(f"FIRST_FRAME {time.perf_counter() - t0:.4f} ALPACA {'alpaca' in sys.modules}", flush=True)
    self.exit()
Base.post_display_hook = hook
if mode == "console":
    import textual.app
    original = textual.app.App.run
    textual.app.App.run = lambda self, **kw: original(self, headless=True, size=(120, 40))
    main(sys.argv[2:])
else:
    Base().run(headless=True, size=(120, 40))
"""


def first_frame(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env_args = ["--data-dir", tmp, "--set", f"paths.log_dir={tmp}"]
        results: dict[str, list[float]] = {"textual": [], "console": []}
        alpaca_loaded = False
        for _ in range(runs):
            for mode, times in results.items():
                start = time.perf_counter()
                out = subprocess.run(
                    [sys.executable, "-c", FIRST_FRAME_CHILD, mode, *env_args],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={"BTCONSOLE_CONFIG_DIR": tmp, "PATH": "/usr/bin:/bin"},
                )
                wall = time.perf_counter() - start
                line = next(x for x in out.stdout.splitlines() if x.startswith("FIRST_FRAME"))
                alpaca_loaded |= line.endswith("True")
                times.append(wall)
    console, bare = results["console"], results["textual"]
    print(f"time to first frame (fresh process, wall clock from spawn), {runs} runs:")
    print(f"  bare Textual app (baseline): median {statistics.median(bare):.3f} s  p99 {max(bare):.3f} s")
    print(
        f"  btconsole in sim mode:       median {statistics.median(console):.3f} s  p99 {max(console):.3f} s"
    )
    ratio = statistics.median(console) / statistics.median(bare)
    print(f"  ratio {ratio:.2f}; alpaca-py imported: {alpaca_loaded}")
    print(f"  target < 1.5 s: {'ok' if statistics.median(console) < 1.5 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=int, default=20_000)
    parser.add_argument("--symbols", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(storm_run(args.seconds, args.rate, args.symbols))
    first_frame()


if __name__ == "__main__":
    main()
