"""How proactive messages leave the bot: one `Sender` per platform, used by the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.model import Platform, Reply


@dataclass(frozen=True)
class Destination:
    """Where a proactive message goes: a channel (optionally a thread in it) or a person."""

    platform: Platform
    channel_id: str | None = None
    thread_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class Delivered:
    """What the platform said about a delivered message: its id, and the channel it
    actually landed in (a DM channel id for a message sent to a user)."""

    message_id: str
    channel_id: str
    thread_id: str | None = None


class DeliveryError(Exception):
    """A send that failed. `transient` errors (429, 5xx, network) are retried by the
    outbox, honouring `retry_after` seconds; the others mark the message failed.
    `gone` says the destination itself no longer takes the bot's messages (the bot was
    removed from the channel, it was archived or deleted): the outbox then fails the
    other messages to it in the same run without calling the platform again."""

    def __init__(
        self,
        reason: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.retry_after = retry_after
        self.gone = gone and not transient


class Sender(Protocol):
    """Delivers one reply to one destination, or raises `DeliveryError`."""

    async def send(self, destination: Destination, reply: Reply) -> Delivered: ...
