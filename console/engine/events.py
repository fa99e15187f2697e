"""Events the engine publishes on the session's bus: facts about strategies, for the UI and the journal."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from console.domain.base import DomainModel, UtcDatetime, utc_now


class StrategyState(StrEnum):
    """Where a strategy is in its life under the runner."""

    STOPPED = "stopped"
    WARMING_UP = "warming_up"
    RUNNING = "running"
    PAUSED = "paused"
    ERRORED = "errored"


class StrategyStateChanged(DomainModel):
    """A strategy moved to ``state``; ``detail`` says why in one sentence (the error, for ``errored``)."""

    name: str
    state: StrategyState
    detail: str = ""
    timestamp: UtcDatetime = Field(default_factory=utc_now)
