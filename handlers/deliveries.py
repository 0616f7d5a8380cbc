"""Bookkeeping adapters ask for on every inbound delivery: retries, conversation refs."""

from __future__ import annotations

import logging

from handlers.deps import Deps
from storage import conversations, events

logger = logging.getLogger(__name__)


async def first_delivery(deps: Deps, platform: str, event_id: str) -> bool:
    """True the first time `event_id` arrives; False for a retry of it (any replica,
    any restart: the id is stored)."""
    async with deps.sessions() as session, session.begin():
        first = await events.claim_event(session, platform, event_id)
    if not first:
        logger.info("ignoring retried %s event %s", platform, event_id)
    return first


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
