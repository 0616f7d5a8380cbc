"""Deliveries that failed for good: `partnerbot outbox failed [--json]` and, for program
admins in chat, `partnerbot outbox failed`.

A message fails for good when the platform refused it for a reason retrying cannot
fix (the bot was removed from the channel, the channel was archived or deleted, the
message was malformed) or when it still failed after the outbox's last retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core import Reply, Request
from bot.core.codec import reply_from_json
from bot.core.errors import NotAllowed
from handlers import messages
from handlers.caller import Caller
from handlers.deps import Deps
from handlers.fields import one_line
from storage import outbox

#: How many failures chat shows (newest first); the command line shows up to LIMIT.
SHOWN_IN_CHAT = 15
LIMIT = 200
USAGE = "Usage: `partnerbot outbox failed`: deliveries that failed for good, with the reason"


@dataclass(frozen=True)
class FailedDelivery:
    """One message that failed for good, as operators see it."""

    id: int
    platform: str
    destination: str
    reason: str
    attempts: int
    queued_at: datetime
    summary: str
    dedupe_key: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "platform": self.platform,
            "destination": self.destination,
            "reason": self.reason,
            "attempts": self.attempts,
            "queued_at": self.queued_at.isoformat(),
            "summary": self.summary,
            "dedupe_key": self.dedupe_key,
        }


def _destination(message: outbox.OutboxMessage) -> str:
    if message.channel_id is None:
        return f"DM {message.user_id}"
    return message.channel_id + (f" (thread {message.thread_id})" if message.thread_id else "")


def _summary(message: outbox.OutboxMessage) -> str:
    try:
        reply = reply_from_json(message.payload)
    except (ValueError, TypeError, KeyError):
        return "(unreadable message)"
    return one_line(reply.title or reply.text)[:80]


async def failed_deliveries(deps: Deps, *, limit: int = LIMIT) -> list[FailedDelivery]:
    """The deliveries that failed for good, newest first (at most `limit`)."""
    async with deps.sessions() as session:
        rows = await outbox.list_failed(session, limit=limit)
    return [
        FailedDelivery(
            id=row.id,
            platform=row.platform,
            destination=_destination(row),
            reason=row.last_error or "unknown",
            attempts=row.attempts,
            queued_at=row.created_at,
            summary=_summary(row),
            dedupe_key=row.dedupe_key,
        )
        for row in rows
    ]


async def show_outbox(request: Request, caller: Caller, deps: Deps) -> list[Reply]:
    """`outbox failed` (program admins): the newest deliveries that failed for good."""
    if not caller.is_admin:
        raise NotAllowed(messages.ADMIN_ONLY)
    if request.text.strip().lower() != "failed":
        return [Reply(text=USAGE, visibility="only_actor")]
    failures = await failed_deliveries(deps, limit=SHOWN_IN_CHAT + 1)
    if not failures:
        return [Reply(text="No delivery has failed for good.", visibility="only_actor")]
    lines = [
        f"- #{f.id} {f.platform} {f.destination}: *{f.reason}* "
        f"({f.attempts} attempt{'s' * (f.attempts != 1)}) — {f.summary}"
        for f in failures[:SHOWN_IN_CHAT]
    ]
    more = ("The newest are shown; `partnerbot outbox failed` on the command line lists all.",)
    return [
        Reply(
            title="Deliveries that failed for good",
            text="\n".join(lines),
            context=more if len(failures) > SHOWN_IN_CHAT else (),
            visibility="only_actor",
        )
    ]
