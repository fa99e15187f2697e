"""The event bus: typed, thread-safe, and deaf to no one when a subscriber fails."""

import logging
import threading
from dataclasses import dataclass

import pytest

from console.bus import EventBus


@dataclass(frozen=True)
class Ping:
    n: int


@dataclass(frozen=True)
class LoudPing(Ping):
    pass


@dataclass(frozen=True)
class Pong:
    n: int


def test_subscribers_receive_only_their_type() -> None:
    bus = EventBus()
    pings: list[object] = []
    pongs: list[object] = []
    bus.subscribe(Ping, pings.append)
    bus.subscribe(Pong, pongs.append)
    bus.publish(Ping(1))
    bus.publish(Pong(2))
    assert pings == [Ping(1)]
    assert pongs == [Pong(2)]


def test_subclasses_reach_base_class_subscribers() -> None:
    bus = EventBus()
    seen: list[object] = []
    bus.subscribe(Ping, seen.append)
    bus.publish(LoudPing(3))
    assert seen == [LoudPing(3)]


def test_a_failing_subscriber_is_logged_and_others_still_receive(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()
    seen: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("boom")

    bus.subscribe(Ping, broken)
    bus.subscribe(Ping, seen.append)
    with caplog.at_level(logging.ERROR):
        delivered = bus.publish(Ping(1))
    assert seen == [Ping(1)]
    assert delivered == 1
    assert "boom" in caplog.text


def test_closed_subscription_stops_delivery() -> None:
    bus = EventBus()
    seen: list[object] = []
    subscription = bus.subscribe(Ping, seen.append)
    bus.publish(Ping(1))
    subscription.close()
    bus.publish(Ping(2))
    assert seen == [Ping(1)]


def test_concurrent_publishers_and_subscribers_lose_nothing() -> None:
    bus = EventBus()
    lock = threading.Lock()
    received: list[int] = []

    def record(event: Ping) -> None:
        with lock:
            received.append(event.n)

    bus.subscribe(Ping, record)
    churn_stop = threading.Event()

    def churn() -> None:
        # Subscribing and unsubscribing meanwhile must not disturb delivery to the steady subscriber.
        while not churn_stop.is_set():
            bus.subscribe(Ping, lambda _e: None).close()

    def publish(offset: int) -> None:
        for i in range(2000):
            bus.publish(Ping(offset + i))

    churner = threading.Thread(target=churn)
    churner.start()
    publishers = [threading.Thread(target=publish, args=(k * 10_000,)) for k in range(4)]
    for thread in publishers:
        thread.start()
    for thread in publishers:
        thread.join()
    churn_stop.set()
    churner.join()
    assert sorted(received) == sorted(k * 10_000 + i for k in range(4) for i in range(2000))
