"""Check-ins: each partner's schedule, the check-ins posted, and the answers to them.

A schedule's `next_due_at` (UTC) is the one moment the next check-in is due. Posting
claims it with a conditional UPDATE (`WHERE next_due_at = <the value read>`), so two
replicas or two concurrent `run_due` never post the same occurrence: on PostgreSQL the
second UPDATE waits for the first transaction and then matches no row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, insert_or_ignore, utcnow

CADENCES = ("weekly", "biweekly", "monthly", "off")
#: Rows or ids per statement (SQLite allows 32,766 bound parameters).
CHUNK = 500


class CheckinSchedule(Base):
    """When a partner's check-in is posted. `timezone` None = the partner's own;
    `weekday` 0 = Monday; `local_time` is "HH:MM"; no check-in before `paused_until`."""

    __tablename__ = "checkin_schedules"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int] = mapped_column(default=0)
    local_time: Mapped[str] = mapped_column(String(5), default="09:00")
    timezone: Mapped[str | None] = mapped_column(String(64))
    paused_until: Mapped[date | None] = mapped_column(Date())
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Checkin(Base):
    """One check-in of one partner: due at `due_at` (UTC), on `local_date` in the
    schedule's time zone; `posted_at` when it was queued to the partner's channels."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("partner_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinAnswer(Base):
    """One message a person wrote in a check-in's thread. Several messages from one
    person are several rows (in order); the first one is acknowledged."""

    __tablename__ = "checkin_answers"
    __table_args__ = (Index("ix_checkin_answers_checkin_person", "checkin_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


async def get_schedule(session: AsyncSession, partner_id: int) -> CheckinSchedule | None:
    return await session.get(CheckinSchedule, partner_id)


async def save_schedule(
    session: AsyncSession,
    partner_id: int,
    *,
    cadence: str,
    weekday: int,
    local_time: str,
    timezone: str | None,
    paused_until: date | None,
    next_due_at: datetime | None,
    now: datetime,
) -> CheckinSchedule:
    """Create or replace the partner's schedule."""
    schedule = await session.get(CheckinSchedule, partner_id, with_for_update=True)
    if schedule is None:
        schedule = CheckinSchedule(partner_id=partner_id)
        session.add(schedule)
    schedule.cadence = cadence
    schedule.weekday = weekday
    schedule.local_time = local_time
    schedule.timezone = timezone
    schedule.paused_until = paused_until
    schedule.next_due_at = next_due_at
    schedule.updated_at = now
    await session.flush()
    return schedule


async def list_schedules(session: AsyncSession) -> list[CheckinSchedule]:
    return list(
        (await session.scalars(select(CheckinSchedule).order_by(CheckinSchedule.partner_id))).all()
    )


async def due_schedules(
    session: AsyncSession, *, now: datetime, limit: int = 500
) -> list[CheckinSchedule]:
    """Schedules whose next check-in is due at `now` (not claimed yet)."""
    stmt = (
        select(CheckinSchedule)
        .where(CheckinSchedule.next_due_at <= now)
        .order_by(CheckinSchedule.next_due_at, CheckinSchedule.partner_id)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def claim_occurrences(
    session: AsyncSession,
    moves: dict[tuple[datetime, datetime | None], list[int]],
    *,
    now: datetime,
) -> list[tuple[int, datetime]]:
    """Move schedules from their due moment to the next one: `moves` maps
    (due at, next due at) to partner ids. One UPDATE per distinct pair (a few: partners
    share local times), each conditional on `next_due_at` still being the due moment,
    so an occurrence another replica claimed first is not returned. Returns
    (partner id, due at) of the occurrences this call claimed."""
    claimed: list[tuple[int, datetime]] = []
    for (due_at, following), partner_ids in moves.items():
        for start in range(0, len(partner_ids), CHUNK):
            moved = await session.scalars(
                update(CheckinSchedule)
                .where(
                    CheckinSchedule.partner_id.in_(partner_ids[start : start + CHUNK]),
                    CheckinSchedule.next_due_at == due_at,
                )
                .values(next_due_at=following, updated_at=now)
                .returning(CheckinSchedule.partner_id)
                .execution_options(synchronize_session=False)
            )
            claimed.extend((partner_id, due_at) for partner_id in moved.all())
    return claimed


async def add_checkins(session: AsyncSession, rows: list[dict[str, object]]) -> dict[int, int]:
    """Record check-ins (dicts of `Checkin` columns) in one INSERT per CHUNK rows; one
    per partner and local date (a second one that day is skipped). Returns partner id
    -> check-in id of those recorded."""
    recorded: dict[int, int] = {}
    for start in range(0, len(rows), CHUNK):
        inserted = await session.execute(
            insert_or_ignore(session, Checkin)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["partner_id", "local_date"])
            .returning(Checkin.partner_id, Checkin.id)
        )
        recorded.update({partner_id: checkin_id for partner_id, checkin_id in inserted.all()})
    return recorded


async def get_checkin(session: AsyncSession, checkin_id: int) -> Checkin | None:
    return await session.get(Checkin, checkin_id)


async def add_answer(
    session: AsyncSession, checkin_id: int, person_id: int, text: str, *, now: datetime
) -> bool:
    """Store one message; True when it is the person's first in this check-in."""
    earlier = await session.scalar(
        select(func.count())
        .select_from(CheckinAnswer)
        .where(CheckinAnswer.checkin_id == checkin_id, CheckinAnswer.person_id == person_id)
    )
    session.add(
        CheckinAnswer(checkin_id=checkin_id, person_id=person_id, text=text, created_at=now)
    )
    await session.flush()
    return not earlier


async def list_answers(session: AsyncSession, checkin_id: int) -> list[CheckinAnswer]:
    stmt = (
        select(CheckinAnswer)
        .where(CheckinAnswer.checkin_id == checkin_id)
        .order_by(CheckinAnswer.id)
    )
    return list((await session.scalars(stmt)).all())


async def claim_unanswered(
    session: AsyncSession, *, posted_after: datetime, posted_before: datetime, now: datetime
) -> list[Checkin]:
    """Mark every check-in posted between `posted_after` and `posted_before` that nobody
    answered and that was never reminded as reminded now, in one UPDATE; returns them
    (to remind). A concurrent run's UPDATE matches none of them."""
    answered = exists().where(CheckinAnswer.checkin_id == Checkin.id)
    result = await session.scalars(
        update(Checkin)
        .where(
            Checkin.reminded_at.is_(None),
            Checkin.posted_at.is_not(None),
            Checkin.posted_at > posted_after,
            Checkin.posted_at <= posted_before,
            ~answered,
        )
        .values(reminded_at=now)
        .returning(Checkin)
        .execution_options(synchronize_session=False)
    )
    return list(result.all())
