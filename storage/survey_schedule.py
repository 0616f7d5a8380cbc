"""The survey work `run_due` claims: due recurring runs, runs to close, partners to
remind, and registrations a trigger asks about after their decision.

Each claim is a conditional UPDATE (or an insert under a unique key), so two replicas
never hand the same work to two callers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.surveys import SurveyAnswer, SurveyRun, SurveyTarget, SurveyTrigger


async def claim_recurring(session: AsyncSession, *, now: datetime) -> list[SurveyRun]:
    """Recurring runs whose next sending is due; each is handed to one caller (the
    conditional UPDATE moves `next_at` off, so a concurrent run_due gets none)."""
    due = list(
        (
            await session.scalars(
                select(SurveyRun).where(SurveyRun.next_at <= now).order_by(SurveyRun.id)
            )
        ).all()
    )
    claimed: list[SurveyRun] = []
    for run in due:
        moved = await session.execute(
            update(SurveyRun)
            .where(SurveyRun.id == run.id, SurveyRun.next_at == run.next_at)
            .values(next_at=None)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount:  # type: ignore[attr-defined]
            claimed.append(run)
    return claimed


async def close_due_runs(session: AsyncSession, *, now: datetime) -> int:
    result = await session.execute(
        update(SurveyRun)
        .where(SurveyRun.closed_at.is_(None), SurveyRun.closes_at <= now)
        .values(closed_at=now, salt=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def claim_unanswered_targets(
    session: AsyncSession, *, sent_before: datetime, now: datetime
) -> list[SurveyTarget]:
    """Mark targets of open runs sent before `sent_before` whose partner has no answer
    and was never reminded as reminded now (one UPDATE); returns them to remind."""
    answered = (
        select(SurveyAnswer.id)
        .where(
            SurveyAnswer.run_id == SurveyTarget.run_id,
            SurveyAnswer.partner_id == SurveyTarget.partner_id,
        )
        .exists()
    )
    open_runs = select(SurveyRun.id).where(
        SurveyRun.closed_at.is_(None), SurveyRun.created_at <= sent_before
    )
    result = await session.scalars(
        update(SurveyTarget)
        .where(SurveyTarget.reminded_at.is_(None), SurveyTarget.run_id.in_(open_runs), ~answered)
        .values(reminded_at=now)
        .returning(SurveyTarget)
        .execution_options(synchronize_session=False)
    )
    return list(result.all())


async def add_trigger(
    session: AsyncSession, survey_id: int, after: str, *, anonymous: bool
) -> SurveyTrigger:
    trigger = SurveyTrigger(survey_id=survey_id, after=after, anonymous=anonymous)
    session.add(trigger)
    await session.flush()
    return trigger


async def list_triggers(session: AsyncSession) -> list[SurveyTrigger]:
    return list((await session.scalars(select(SurveyTrigger).order_by(SurveyTrigger.id))).all())


async def decided_deals(
    session: AsyncSession, survey_id: int, status: str, *, since: datetime, until: datetime
) -> list[tuple[int, int]]:
    """(deal id, partner id) of registrations that reached `status` between `since`
    and `until` and were not surveyed with `survey_id` yet."""
    from storage.deals import Deal, DealEvent

    surveyed = select(SurveyRun.deal_id).where(
        SurveyRun.survey_id == survey_id, SurveyRun.deal_id.is_not(None)
    )
    stmt = (
        select(Deal.id, Deal.partner_id)
        .join(DealEvent, DealEvent.deal_id == Deal.id)
        .where(
            DealEvent.to_status == status,
            DealEvent.at > since,
            DealEvent.at <= until,
            Deal.id.not_in(surveyed),
        )
        .distinct()
        .order_by(Deal.id)
    )
    return [(int(d), int(p)) for d, p in (await session.execute(stmt)).all()]
