"""Stored conversation references: how to reach a channel, thread or person later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class Conversation(Base):
    """A conversation the bot has met; `reference` is the platform's reference JSON
    (a Teams ConversationReference; empty for Slack, whose channel id suffices)."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("platform", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(16), default="channel")
    team_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255), index=True)
    reference: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


async def get_conversation(
    session: AsyncSession, platform: str, conversation_id: str
) -> Conversation | None:
    stmt = select(Conversation).where(
        Conversation.platform == platform, Conversation.conversation_id == conversation_id
    )
    return (await session.scalars(stmt)).one_or_none()


async def get_personal_conversation(
    session: AsyncSession, platform: str, user_id: str
) -> Conversation | None:
    """The 1:1 conversation with `user_id`, if the bot has met them in one."""
    stmt = (
        select(Conversation)
        .where(
            Conversation.platform == platform,
            Conversation.user_id == user_id,
            Conversation.kind == "dm",
        )
        .order_by(Conversation.updated_at.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def get_latest_conversation(session: AsyncSession, platform: str) -> Conversation | None:
    """The conversation on `platform` the bot heard from most recently."""
    stmt = (
        select(Conversation)
        .where(Conversation.platform == platform)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def save_conversation(
    session: AsyncSession,
    platform: str,
    conversation_id: str,
    *,
    kind: str,
    reference: dict[str, object],
    team_id: str | None = None,
    user_id: str | None = None,
) -> Conversation:
    """Insert or refresh a conversation reference.

    Two deliveries for the same new conversation can arrive at once (Teams sends
    installationUpdate and conversationUpdate together): the insert runs in a savepoint,
    and when the other one won the race its row is updated instead.
    """
    conversation = await get_conversation(session, platform, conversation_id)
    if conversation is None:
        try:
            async with session.begin_nested():
                conversation = Conversation(
                    platform=platform, conversation_id=conversation_id, kind=kind, reference={}
                )
                session.add(conversation)
                await session.flush()
        except IntegrityError:
            conversation = await get_conversation(session, platform, conversation_id)
            if conversation is None:
                raise
    conversation.kind = kind
    conversation.reference = reference
    conversation.team_id = team_id or conversation.team_id
    conversation.user_id = user_id or conversation.user_id
    conversation.updated_at = utcnow()
    await session.flush()
    return conversation
