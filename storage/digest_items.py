"""What a manager's digest lists: each a short, bounded query over their partners.

Every function returns `(rows, total)`: at most `limit` rows and how many there are in
all (one `count() OVER ()` in the same statement), so the digest can say "and N more"
without reading the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.checkins import Checkin, CheckinAnswer
from storage.deals import APPROVED, UNDECIDED_STATUSES, Deal
from storage.kb_questions import Question, QuestionFeedback
from storage.outbox import FAILED, OutboxMessage
from storage.partners import Partner
from storage.people import Person


async def _bounded(session: AsyncSession, stmt: Any, limit: int) -> tuple[list[Any], int]:
    rows = (await session.execute(stmt.add_columns(func.count().over()).limit(limit))).all()
    return [row[:-1] for row in rows], int(rows[0][-1]) if rows else 0


async def undecided_deals(
    session: AsyncSession, partner_ids: Sequence[int], *, held: bool, limit: int
) -> tuple[list[Deal], int]:
    """Registrations waiting for a decision, oldest first: without a conflict
    (`held=False`) or held for review because of one (`held=True`)."""
    conflict = Deal.conflict_kind.is_not(None) if held else Deal.conflict_kind.is_(None)
    stmt = (
        select(Deal)
        .where(Deal.partner_id.in_(list(partner_ids)), Deal.status.in_(UNDECIDED_STATUSES))
        .where(conflict)
        .options(selectinload(Deal.partner).selectinload(Partner.channels))
        .order_by(Deal.submitted_at, Deal.id)
    )
    rows, total = await _bounded(session, stmt, limit)
    return [row[0] for row in rows], total


async def expiring_protections(
    session: AsyncSession, partner_ids: Sequence[int], *, now: datetime, until: datetime, limit: int
) -> tuple[list[tuple[str, str, int, datetime]], int]:
    """(partner, company, deal id, protected until) of approved registrations whose
    protection ends between `now` and `until`, soonest first."""
    stmt = (
        select(Partner.name, Deal.company, Deal.id, Deal.protected_until)
        .join(Partner, Partner.id == Deal.partner_id)
        .where(
            Deal.partner_id.in_(list(partner_ids)),
            Deal.status == APPROVED,
            Deal.protected_until >= now,
            Deal.protected_until < until,
        )
        .order_by(Deal.protected_until, Deal.id)
    )
    rows, total = await _bounded(session, stmt, limit)
    return [(r[0], r[1], r[2], r[3]) for r in rows], total


@dataclass(frozen=True)
class AnswerItem:
    partner: str
    person: str
    text: str
    at: datetime


async def checkin_answers_since(
    session: AsyncSession, partner_ids: Sequence[int], *, since: datetime, limit: int
) -> tuple[list[AnswerItem], int]:
    stmt = (
        select(Partner.name, Person.name, CheckinAnswer.text, CheckinAnswer.created_at)
        .select_from(CheckinAnswer)
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .join(Partner, Partner.id == Checkin.partner_id)
        .join(Person, Person.id == CheckinAnswer.person_id)
        .where(Checkin.partner_id.in_(list(partner_ids)), CheckinAnswer.created_at >= since)
        .order_by(CheckinAnswer.created_at.desc(), CheckinAnswer.id.desc())
    )
    rows, total = await _bounded(session, stmt, limit)
    return [AnswerItem(r[0], r[1] or "someone", r[2], r[3]) for r in rows], total


async def knowledge_gaps_since(
    session: AsyncSession, partner_ids: Sequence[int], *, since: datetime, limit: int
) -> tuple[list[tuple[str, str]], int]:
    """(partner, question) the knowledge base could not answer, newest first."""
    stmt = (
        select(Partner.name, Question.text)
        .join(Partner, Partner.id == Question.partner_id)
        .where(
            Question.partner_id.in_(list(partner_ids)),
            Question.grounded.is_(False),
            Question.asked_at >= since,
        )
        .order_by(Question.asked_at.desc(), Question.id.desc())
    )
    rows, total = await _bounded(session, stmt, limit)
    return [(r[0], r[1]) for r in rows], total


async def not_helpful_since(
    session: AsyncSession, partner_ids: Sequence[int], *, since: datetime, limit: int
) -> tuple[list[tuple[str, str]], int]:
    """(partner, question) whose answer someone marked not helpful, newest first."""
    stmt = (
        select(Partner.name, Question.text)
        .select_from(QuestionFeedback)
        .join(Question, Question.id == QuestionFeedback.question_id)
        .join(Partner, Partner.id == Question.partner_id)
        .where(
            Question.partner_id.in_(list(partner_ids)),
            QuestionFeedback.helpful.is_(False),
            QuestionFeedback.at >= since,
        )
        .order_by(QuestionFeedback.at.desc(), QuestionFeedback.id.desc())
    )
    rows, total = await _bounded(session, stmt, limit)
    return [(r[0], r[1]) for r in rows], total


async def failed_deliveries_since(
    session: AsyncSession, *, since: datetime, limit: int
) -> tuple[list[tuple[str, str, str]], int]:
    """(platform, destination, last error) of messages that failed for good."""
    stmt = (
        select(
            OutboxMessage.platform,
            func.coalesce(OutboxMessage.channel_id, OutboxMessage.user_id),
            func.coalesce(OutboxMessage.last_error, ""),
        )
        .where(OutboxMessage.status == FAILED, OutboxMessage.created_at >= since)
        .order_by(OutboxMessage.id.desc())
    )
    rows, total = await _bounded(session, stmt, limit)
    return [(r[0], r[1] or "", r[2]) for r in rows], total
