"""The SELECTs behind storage.kpis, one per figure, each grouped by partner over a set
of partner ids (see storage.kpis for the definitions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from storage.checkins import Checkin, CheckinAnswer
from storage.deals import (
    ACTIVE_STATUSES,
    CLOSED_STATUSES,
    LOST,
    REJECTED,
    WITHDRAWN,
    WON,
    Deal,
    DealEvent,
)
from storage.kb_questions import Question


def _seconds(session: AsyncSession, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _closed_at() -> Any:
    """When the registration closed: a scalar subquery (PostgreSQL cannot turn it into
    a hashed scan of every event, so it stays one index-only lookup per row)."""
    return (
        select(func.min(DealEvent.at))
        .where(DealEvent.deal_id == Deal.id, DealEvent.to_status.in_(CLOSED_STATUSES))
        .scalar_subquery()
    )


def closed_in_stmt(ids: list[int], start: datetime, end: datetime) -> Any:
    """Won and lost per partner, currency and outcome, by the moment they closed."""
    amount = func.coalesce(Deal.won_amount_cents, Deal.value_cents)
    return (
        select(Deal.partner_id, Deal.currency, Deal.status, func.sum(amount), func.count())
        .join(DealEvent, DealEvent.deal_id == Deal.id)
        .where(
            Deal.partner_id.in_(ids),
            Deal.status.in_((WON, LOST)),
            Deal.updated_at >= start,  # closed in the window => changed since it began
            DealEvent.to_status == Deal.status,
            DealEvent.from_status != Deal.status,
            DealEvent.at >= start,
            DealEvent.at < end,
        )
        .group_by(Deal.partner_id, Deal.currency, Deal.status)
    )


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _open_at(at: datetime) -> ColumnElement[bool]:
    """Open at `at`: submitted before it, and still open now or closed only since.

    Statuses never reopen, so an open registration needs no audit-trail lookup; and
    every change stamps `updated_at`, so a closed one last updated before `at` closed
    before it: only those updated since are looked up in deal_events."""
    closed_since = and_(Deal.updated_at >= at, _closed_at() >= at)
    return and_(Deal.submitted_at < at, or_(Deal.status.in_(ACTIVE_STATUSES), closed_since))


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def deal_totals_stmt(
    ids: list[int], start: datetime, end: datetime, *, pipeline_at: datetime | None
) -> Any:
    """One pass over the partners' registrations, per partner and currency: the open
    pipeline (now by status when `pipeline_at` is None, else as of it) and its count,
    the pipeline open at `start`, and how many were submitted, approved, rejected and
    withdrawn in [start, end)."""
    open_now = Deal.status.in_(ACTIVE_STATUSES) if pipeline_at is None else _open_at(pipeline_at)
    submitted = and_(Deal.submitted_at >= start, Deal.submitted_at < end)
    decided = and_(Deal.decided_at >= start, Deal.decided_at < end)
    return (
        select(
            Deal.partner_id,
            Deal.currency,
            _sum_if(open_now, Deal.value_cents),
            _count_if(open_now),
            _sum_if(_open_at(start), Deal.value_cents),
            _count_if(submitted),
            _count_if(and_(decided, Deal.status != REJECTED)),
            _count_if(and_(decided, Deal.status == REJECTED)),
            _count_if(and_(submitted, Deal.status == WITHDRAWN)),
        )
        .where(Deal.partner_id.in_(ids))
        .group_by(Deal.partner_id, Deal.currency)
    )


def median_stmt(session: AsyncSession, ids: list[int], start: datetime, end: datetime) -> Any:
    """The median hours from submission to approval per partner (window functions: the
    middle row, or the mean of the two middle rows)."""
    seconds = _seconds(session, Deal.decided_at, Deal.submitted_at)
    ranked = (
        select(
            Deal.partner_id.label("partner_id"),
            seconds.label("seconds"),
            func.row_number().over(partition_by=Deal.partner_id, order_by=seconds).label("rn"),
            func.count().over(partition_by=Deal.partner_id).label("n"),
        )
        .where(
            Deal.partner_id.in_(ids),
            Deal.decided_at >= start,
            Deal.decided_at < end,
            Deal.status != REJECTED,
        )
        .subquery()
    )
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    return (
        select(ranked.c.partner_id, func.avg(ranked.c.seconds) / 3600.0)
        .where(middle)
        .group_by(ranked.c.partner_id)
    )


def activity_stmt(ids: list[int], until: datetime) -> Any:
    deals = select(Deal.partner_id.label("p"), func.max(Deal.submitted_at).label("at")).where(
        Deal.partner_id.in_(ids), Deal.submitted_at <= until
    )
    answers = (
        select(Checkin.partner_id.label("p"), func.max(CheckinAnswer.created_at).label("at"))
        .join(CheckinAnswer, CheckinAnswer.checkin_id == Checkin.id)
        .where(Checkin.partner_id.in_(ids), CheckinAnswer.created_at <= until)
    )
    questions = select(
        Question.partner_id.label("p"), func.max(Question.asked_at).label("at")
    ).where(Question.partner_id.in_(ids), Question.asked_at <= until)
    every = union_all(
        deals.group_by(Deal.partner_id),
        answers.group_by(Checkin.partner_id),
        questions.group_by(Question.partner_id),
    ).subquery()
    return select(every.c.p, func.max(every.c.at)).group_by(every.c.p)


def _answered() -> ColumnElement[bool]:
    return exists().where(CheckinAnswer.checkin_id == Checkin.id)


def checkins_stmt(ids: list[int], start: datetime, until: datetime) -> Any:
    return (
        select(Checkin.partner_id, func.count(), _count_if(_answered()))
        .where(Checkin.partner_id.in_(ids), Checkin.posted_at >= start, Checkin.posted_at < until)
        .group_by(Checkin.partner_id)
    )


def missed_stmt(ids: list[int], before: datetime, window: int) -> Any:
    ranked = (
        select(
            Checkin.partner_id.label("partner_id"),
            case((_answered(), 1), else_=0).label("answered"),
            func.row_number()
            .over(partition_by=Checkin.partner_id, order_by=Checkin.posted_at.desc())
            .label("rn"),
        )
        .where(Checkin.partner_id.in_(ids), Checkin.posted_at <= before)
        .subquery()
    )
    return (
        select(ranked.c.partner_id, func.count(), _count_if(ranked.c.answered == 0))
        .where(ranked.c.rn <= window)
        .group_by(ranked.c.partner_id)
    )
