"""Bookkeeping adapters ask for on every inbound delivery: retries, conversation refs."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.deps import Deps
from storage import conversations, deal_reads, events

logger = logging.getLogger(__name__)


async def first_delivery(deps: Deps, platform: str, event_id: str) -> bool:
    """True the first time `event_id` arrives; False for a retry of it (any replica,
    any restart: the id is stored)."""
    async with deps.sessions() as session, session.begin():
        return await first_delivery_in(session, platform, event_id)


async def first_delivery_in(session: AsyncSession, platform: str, event_id: str) -> bool:
    """`first_delivery` in the caller's transaction: the id is recorded when (and only
    if) that transaction commits, so the record and the work it guards are stored
    together. A replica meanwhile recording the same id waits for that commit (the
    primary key's lock on PostgreSQL, the one writer on SQLite) and then finds it
    recorded; after a rollback, it records it and does the work itself."""
    first = await events.claim_event(session, platform, event_id)
    if not first:
        logger.info("ignoring retried %s event %s", platform, event_id)
    return first


class Once:
    """The once-only record of one inbound delivery (`event_id`, None when the
    platform gives none), written by the first transaction that asks: `alone()` in
    one of its own before the work, or `within(session)` in the work's own."""

    def __init__(self, deps: Deps, platform: str, event_id: str | None) -> None:
        self._deps, self._platform, self._event_id = deps, platform, event_id
        self._asked = event_id is None

    async def alone(self) -> bool:
        """Record the delivery now, committed; False for a retry (do nothing)."""
        if self._asked or self._event_id is None:
            return True
        self._asked = True
        return await first_delivery(self._deps, self._platform, self._event_id)

    async def within(self, session: AsyncSession) -> bool:
        """Record the delivery in `session`'s transaction; False for a retry. Call
        `rolled_back()` if that transaction does not commit."""
        if self._asked or self._event_id is None:
            return True
        self._asked = True
        return await first_delivery_in(session, self._platform, self._event_id)

    async def within_thread_keys(
        self, session: AsyncSession, *, channel_id: str, thread_id: str
    ) -> list[str] | None:
        """`within(session)`, and the keys of the thread at this place on the platform
        (oldest first), in one statement on PostgreSQL; None for a retry."""
        if self._asked or self._event_id is None:
            return await deal_reads.list_thread_keys(session, self._platform, channel_id, thread_id)
        self._asked = True
        keys = await events.claim_event_with_thread_keys(
            session, self._platform, self._event_id, channel_id=channel_id, thread_id=thread_id
        )
        if keys is None:
            logger.info("ignoring retried %s event %s", self._platform, self._event_id)
        return keys

    def rolled_back(self) -> None:
        """The transaction of `within` rolled back: the delivery is not recorded."""
        self._asked = self._event_id is None


async def remember_conversation(
    deps: Deps,
    platform: str,
    conversation_id: str,
    *,
    kind: str,
    reference: dict[str, object],
    team_id: str | None = None,
    user_id: str | None = None,
) -> None:
    """Store how to reach a conversation later (Teams ConversationReference), so
    proactive messages can be sent to it."""
    async with deps.sessions() as session, session.begin():
        existing = await conversations.get_conversation(session, platform, conversation_id)
        if existing is not None and existing.reference == reference and existing.kind == kind:
            return
        await conversations.save_conversation(
            session,
            platform,
            conversation_id,
            kind=kind,
            reference=reference,
            team_id=team_id,
            user_id=user_id,
        )


async def get_conversation_reference(
    deps: Deps, platform: str, *, conversation_id: str | None = None, user_id: str | None = None
) -> dict[str, object] | None:
    """The stored reference of a conversation, or of the 1:1 chat with `user_id`."""
    async with deps.sessions() as session:
        if conversation_id is not None:
            found = await conversations.get_conversation(session, platform, conversation_id)
        elif user_id is not None:
            found = await conversations.get_personal_conversation(session, platform, user_id)
        else:
            raise ValueError("give conversation_id or user_id")
        return dict(found.reference) if found is not None else None


async def get_latest_conversation_reference(deps: Deps, platform: str) -> dict[str, object] | None:
    """The reference of the conversation the bot heard from last on `platform`; its
    service URL, bot and tenant let an adapter open a new 1:1 chat with someone."""
    async with deps.sessions() as session:
        found = await conversations.get_latest_conversation(session, platform)
        return dict(found.reference) if found is not None else None
