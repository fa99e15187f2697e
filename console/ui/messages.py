"""Messages that workers post to the app when a blocking call ends ("attributes down, messages up")."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from console.domain import Account, Position
from console.session import SubmitResult


@dataclass
class OrderSubmitted(Message):
    """A submit through the session ended: accepted, refused by risk, or rejected by the broker."""

    result: SubmitResult


@dataclass
class AccountRefreshed(Message):
    """A fresh account and positions snapshot, fetched off the event loop."""

    account: Account
    positions: list[Position]
    market_open: bool


@dataclass
class SessionStarted(Message):
    """The broker connected and the session is live."""


@dataclass
class SessionFailed(Message):
    """The session could not start; ``message`` is one plain sentence."""

    message: str


@dataclass
class ActionFailed(Message):
    """A broker action failed in a worker; ``message`` is one plain sentence."""

    message: str
