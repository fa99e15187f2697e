"""The sim clock: steps at speed, survives a failing step, starts and stops cleanly."""

import logging
import threading

import pytest

from console.market.clock import SimClock


def test_each_tick_advances_interval_times_speed() -> None:
    seen: list[float] = []
    clock = SimClock(seen.append, speed=60.0, interval_s=0.25)
    clock.tick()
    clock.tick()
    assert seen == [15.0, 15.0]
    clock.speed = 2.0
    clock.tick()
    assert seen[-1] == 0.5


def test_a_failing_step_is_logged_and_the_clock_keeps_going(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    def step(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) == 1:
            raise RuntimeError("boom")

    clock = SimClock(step)
    with caplog.at_level(logging.ERROR):
        clock.tick()
        clock.tick()
    assert len(calls) == 2
    assert clock.errors == 1
    assert "boom" in caplog.text


def test_the_thread_steps_until_stopped() -> None:
    ticked = threading.Event()
    calls = []

    def step(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) >= 3:
            ticked.set()

    clock = SimClock(step, speed=10.0, interval_s=0.01)
    clock.start()
    clock.start()  # idempotent
    assert ticked.wait(10)
    assert clock.is_running
    clock.stop()
    assert not clock.is_running
    assert all(seconds == pytest.approx(0.1) for seconds in calls)


def test_bad_speed_or_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        SimClock(lambda _s: None, speed=0)
    with pytest.raises(ValueError, match="positive"):
        SimClock(lambda _s: None, interval_s=-1)
