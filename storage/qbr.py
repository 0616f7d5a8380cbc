"""The lists of a partner's quarterly business review: closed registrations, pipeline
by stage, check-in answers and questions of one quarter (KPIs come from storage.kpis)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checkins import Checkin, CheckinAnswer
from storage.deals import ACTIVE_STATUSES, CLOSED_STATUSES, LOST, WON, Deal, DealEvent
from storage.kb_questions import Question
from storage.people import Person


@dataclass(frozen=True)
class ClosedDeal:
    deal_id: int
    company: str
    status: str
    cents: int
    currency: str
    reason: str | None
    closed_at: datetime


async def closed_deals(
    session: AsyncSession, partner_id: int, *, start: datetime, end: datetime
) -> list[ClosedDeal]:
    """Registrations won or lost in [start, end), by the moment they closed."""
    stmt = (
        select(
            Deal.id,
            Deal.company,
            Deal.status,
            func.coalesce(Deal.won_amount_cents, Deal.value_cents),
            Deal.currency,
            Deal.lost_reason,
            DealEvent.at,
        )
        .join(DealEvent, DealEvent.deal_id == Deal.id)
        .where(
            Deal.partner_id == partner_id,
            Deal.status.in_((WON, LOST)),
            Deal.updated_at >= start,  # closed in the window => changed since it began
            DealEvent.to_status == Deal.status,
            DealEvent.from_status != Deal.status,
            DealEvent.at >= start,
            DealEvent.at < end,
        )
        .order_by(DealEvent.at, Deal.id)
    )
    return [ClosedDeal(*row) for row in (await session.execute(stmt)).all()]


async def pipeline_by_stage(
    session: AsyncSession, partner_id: int, *, at: datetime | None
) -> list[tuple[str, str, int, int]]:
    """(stage, currency, registrations, hundredths) of the open pipeline now (`at`
    None) or as of `at` (from the audit trail)."""
    where = [Deal.partner_id == partner_id]
    if at is None:
        where.append(Deal.status.in_(ACTIVE_STATUSES))
    else:
        closed = (
            select(DealEvent.id)
            .where(
                DealEvent.deal_id == Deal.id,
                DealEvent.to_status.in_(CLOSED_STATUSES),
                DealEvent.at < at,
            )
            .exists()
        )
        where += [Deal.submitted_at < at, ~closed]
    stmt = (
        select(Deal.stage, Deal.currency, func.count(), func.sum(Deal.value_cents))
        .where(*where)
        .group_by(Deal.stage, Deal.currency)
        .order_by(Deal.stage, Deal.currency)
    )
    return [(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in (await session.execute(stmt)).all()]


async def checkin_answers(
    session: AsyncSession, partner_id: int, *, start: datetime, end: datetime
) -> list[tuple[datetime, str, str]]:
    """(when, who, text) of every check-in answer in [start, end), oldest first."""
    stmt = (
        select(CheckinAnswer.created_at, Person.name, CheckinAnswer.text)
        .select_from(CheckinAnswer)
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .join(Person, Person.id == CheckinAnswer.person_id)
        .where(
            Checkin.partner_id == partner_id,
            CheckinAnswer.created_at >= start,
            CheckinAnswer.created_at < end,
        )
        .order_by(CheckinAnswer.created_at, CheckinAnswer.id)
    )
    return [(r[0], r[1] or "", r[2]) for r in (await session.execute(stmt)).all()]


async def questions(
    session: AsyncSession, partner_id: int, *, start: datetime, end: datetime
) -> list[tuple[datetime, str, bool]]:
    """(asked at, question, answered from the docs) of the quarter, oldest first."""
    stmt = (
        select(Question.asked_at, Question.text, Question.grounded)
        .where(
            Question.partner_id == partner_id,
            Question.asked_at >= start,
            Question.asked_at < end,
        )
        .order_by(Question.asked_at, Question.id)
    )
    return [(r[0], r[1], bool(r[2])) for r in (await session.execute(stmt)).all()]
