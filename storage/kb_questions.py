"""Questions put to the knowledge base (the knowledge-gap log) and feedback on answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


class Question(Base):
    """A question put to the knowledge base, its answer, and what became of it.

    `grounded=False` rows are the knowledge gaps. `platform/channel_id/thread_id` is
    where the answer lives (so follow-ups in that thread find it); `escalated_at` is
    set when the asker handed it to their channel manager, `manager_answer` when the
    manager replied.
    """

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    grounded: Mapped[bool] = mapped_column(Boolean, default=False)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str | None] = mapped_column(String(512))
    thread_id: Mapped[str | None] = mapped_column(String(255), index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    manager_answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuestionFeedback(Base):
    """One person's verdict on one answer (Helpful / Not helpful), once per person."""

    __tablename__ = "question_feedback"
    __table_args__ = (UniqueConstraint("question_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def add_question(
    session: AsyncSession,
    text: str,
    *,
    person_id: int | None,
    partner_id: int | None,
    answer: str,
    grounded: bool,
    sources: Sequence[dict[str, Any]],
    platform: str,
    channel_id: str | None,
    thread_id: str | None,
    now: datetime,
) -> Question:
    question = Question(
        text=text,
        person_id=person_id,
        partner_id=partner_id,
        answer=answer,
        grounded=grounded,
        sources=list(sources),
        platform=platform,
        channel_id=channel_id,
        thread_id=thread_id,
        asked_at=now,
    )
    session.add(question)
    await session.flush()
    return question


async def get_question(session: AsyncSession, question_id: int) -> Question | None:
    """Any question by id: only for the bot's own bookkeeping (a manager's thread), never
    for an id a person sent; those go through `get_question_asked_by`."""
    return await session.get(Question, question_id)


async def get_question_asked_by(
    session: AsyncSession, question_id: int, *, person_id: int, partner_id: int | None
) -> Question | None:
    """The question `question_id` if this person asked it, or it was asked for the
    partner they act for (its answer was shown to that partner); else None.

    Question ids are sequential, so an id from a button or card is a guess until
    this says whose it is.
    """
    whose = Question.person_id == person_id
    if partner_id is not None:
        whose = or_(whose, Question.partner_id == partner_id)
    stmt = select(Question).where(Question.id == question_id, whose)
    return (await session.scalars(stmt)).one_or_none()


async def find_thread_question(
    session: AsyncSession, *, platform: str, channel_id: str, thread_id: str
) -> Question | None:
    """The latest question answered in this thread, if the bot answered one there."""
    stmt = (
        select(Question)
        .where(
            Question.platform == platform,
            Question.channel_id == channel_id,
            Question.thread_id == thread_id,
        )
        .order_by(Question.id.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).one_or_none()


async def list_questions(session: AsyncSession) -> list[Question]:
    """Every question asked, oldest first."""
    return list((await session.scalars(select(Question).order_by(Question.id))).all())


async def list_gaps(session: AsyncSession, *, limit: int = 50) -> list[Question]:
    """Questions the knowledge base could not answer, newest first."""
    stmt = (
        select(Question)
        .where(Question.grounded.is_(False))
        .order_by(Question.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def add_feedback(
    session: AsyncSession, question_id: int, *, person_id: int, helpful: bool, now: datetime
) -> bool:
    """Record one person's feedback; returns False when they had already given it."""
    stmt = select(QuestionFeedback).where(
        QuestionFeedback.question_id == question_id, QuestionFeedback.person_id == person_id
    )
    if (await session.scalars(stmt)).one_or_none() is not None:
        return False
    session.add(
        QuestionFeedback(question_id=question_id, person_id=person_id, helpful=helpful, at=now)
    )
    await session.flush()
    return True


async def list_feedback(session: AsyncSession, question_id: int) -> list[QuestionFeedback]:
    stmt = select(QuestionFeedback).where(QuestionFeedback.question_id == question_id)
    return list((await session.scalars(stmt)).all())
