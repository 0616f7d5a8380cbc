"""Queue proactive messages (notifications, reminders, digests) through the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Reply
from bot.core.codec import reply_to_json
from bot.core.delivery import Destination
from handlers.deps import Deps
from storage import outbox
from storage import threads as thread_store
from storage.people import Person


async def queue_reply(
    session: AsyncSession,
    deps: Deps,
    *,
    destination: Destination,
    reply: Reply,
    thread_key: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Queue `reply` for `destination`; delivered by the outbox after the caller commits.

    Args:
        thread_key: names a thread (e.g. "deal:42"). The first message queued with a key
            starts the thread; later ones post into it.
        dedupe_key: a message with the same key is queued once, ever.

    Returns:
        False when `dedupe_key` had already been queued.
    """
    if dedupe_key is None and (destination.channel_id or destination.user_id):
        # One INSERT on the driver, now (after the session's pending changes, so messages keep
        # the order they were queued in): the ORM's unit of work for the row at the
        # commit cost more than the statement.
        now = deps.clock()
        row = outbox_row(destination, reply, now=now, thread_key=thread_key)
        row["next_attempt_at"] = not_before or now
        await queue_new_rows(session, deps, [row])
        return True
    queued = await outbox.enqueue(
        session,
        platform=destination.platform,
        channel_id=destination.channel_id,
        thread_id=destination.thread_id,
        user_id=destination.user_id,
        thread_key=thread_key,
        dedupe_key=dedupe_key,
        payload=reply_to_json(reply),
        not_before=not_before or deps.clock(),
    )
    deps.outbox_wakeup.set()
    return queued is not None


async def queue_new_rows(session: AsyncSession, deps: Deps, rows: list[dict[str, object]]) -> None:
    """Queue `outbox_row`s without dedupe keys in one INSERT (no ORM object, no
    flush); delivered by the outbox after the caller commits, in the order given."""
    if rows:
        await outbox.insert_rows(session, rows)
        deps.outbox_wakeup.set()


def outbox_row(
    destination: Destination,
    reply: Reply,
    *,
    now: datetime,
    dedupe_key: str | None = None,
    thread_key: str | None = None,
) -> dict[str, object]:
    """One message for `queue_rows` (with a dedupe key) or `queue_new_rows` (without):
    the outbox columns of `reply` to `destination`."""
    return {
        "platform": destination.platform,
        "channel_id": destination.channel_id,
        "thread_id": destination.thread_id,
        "user_id": destination.user_id,
        "thread_key": thread_key,
        "payload": reply_to_json(reply),
        "dedupe_key": dedupe_key,
        "next_attempt_at": now,
        "created_at": now,
    }


async def queue_rows(session: AsyncSession, deps: Deps, rows: list[dict[str, object]]) -> int:
    """Queue many `outbox_row`s at once (a set-based due step); a dedupe key already
    queued is skipped. Returns how many were queued."""
    if not rows:
        return 0
    queued = await outbox.enqueue_many(session, rows)
    if queued:
        deps.outbox_wakeup.set()
    return queued


def person_destination(person: Person) -> Destination:
    """A direct message to `person` on their platform."""
    return Destination(platform=person.platform, user_id=person.user_id)  # type: ignore[arg-type]


async def thread_of(session: AsyncSession, key: str, platform: str) -> Destination | None:
    """Where the thread named `key` lives on `platform`, once its first message is out."""
    thread = await thread_store.get_thread(session, key, platform)
    if thread is None:
        return None
    return Destination(
        platform=platform,  # type: ignore[arg-type]
        channel_id=thread.channel_id,
        thread_id=thread.thread_id,
    )


async def latest_thread_at(deps: Deps, *, platform: str, channel_id: str) -> str | None:
    """The id of the thread the bot most recently started in this channel, if any."""
    async with deps.sessions() as session:
        return await thread_store.latest_thread_id(session, platform, channel_id)
