"""Set and show a partner's check-in schedule (chat command and CLI share these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput, NotFound
from handlers.checkins.timing import WEEKDAYS, Rule, next_due, parse_time, parse_zone
from handlers.deps import Deps
from storage import checkins as store
from storage import partners as partner_store


@dataclass(frozen=True)
class ScheduleView:
    """A schedule as people read it (CLI `--json`, `checkins show`)."""

    partner: str
    cadence: str
    day: str
    time: str
    timezone: str
    paused_until: str | None
    next_due_at: str | None

    def line(self) -> str:
        if self.cadence == "off":
            return f"Check-ins for **{self.partner}** are off."
        when = (
            f"{self.cadence} on {self.day} at {self.time} ({self.timezone})"
            if self.cadence != "monthly"
            else f"monthly, the first {self.day} at {self.time} ({self.timezone})"
        )
        paused = f", paused until {self.paused_until}" if self.paused_until else ""
        upcoming = f" Next: {self.next_due_at} UTC." if self.next_due_at else ""
        return f"Check-ins for **{self.partner}**: {when}{paused}.{upcoming}"


def rule_of(schedule: store.CheckinSchedule, partner_timezone: str) -> Rule:
    return Rule(
        cadence=schedule.cadence,
        weekday=schedule.weekday,
        at=parse_time(schedule.local_time),
        zone=parse_zone(schedule.timezone or partner_timezone or "UTC"),
        paused_until=schedule.paused_until,
    )


def view_of(schedule: store.CheckinSchedule | None, partner: partner_store.Partner) -> ScheduleView:
    if schedule is None:
        return ScheduleView(partner.name, "off", "mon", "09:00", partner.timezone, None, None)
    return ScheduleView(
        partner=partner.name,
        cadence=schedule.cadence,
        day=WEEKDAYS[schedule.weekday],
        time=schedule.local_time,
        timezone=schedule.timezone or partner.timezone,
        paused_until=schedule.paused_until.isoformat() if schedule.paused_until else None,
        next_due_at=(
            schedule.next_due_at.strftime("%Y-%m-%d %H:%M") if schedule.next_due_at else None
        ),
    )


@dataclass(frozen=True)
class Change:
    """What to change; None keeps the current value (or the default)."""

    cadence: str | None = None
    weekday: int | None = None
    local_time: str | None = None
    timezone: str | None = None
    paused_until: date | None = None
    resume: bool = False


async def change_schedule(
    session: AsyncSession, partner: partner_store.Partner, change: Change, *, now: datetime
) -> ScheduleView:
    """Apply `change` to the partner's schedule and work out its next check-in."""
    current = await store.get_schedule(session, partner.id)
    cadence = change.cadence or (current.cadence if current else "weekly")
    if cadence not in store.CADENCES:
        raise InvalidInput({"cadence": f"{cadence!r} is not weekly, biweekly, monthly or off"})
    local_time = change.local_time or (current.local_time if current else "09:00")
    parse_time(local_time)
    timezone = change.timezone or (current.timezone if current else None)
    if timezone is not None:
        parse_zone(timezone)
    paused = change.paused_until or (current.paused_until if current else None)
    if change.resume or change.cadence is not None:
        paused = change.paused_until
    schedule = store.CheckinSchedule(
        partner_id=partner.id,
        cadence=cadence,
        weekday=change.weekday
        if change.weekday is not None
        else (current.weekday if current else 0),
        local_time=local_time,
        timezone=timezone,
        paused_until=paused,
    )
    upcoming = next_due(rule_of(schedule, partner.timezone), after=now)
    saved = await store.save_schedule(
        session,
        partner.id,
        cadence=schedule.cadence,
        weekday=schedule.weekday,
        local_time=schedule.local_time,
        timezone=schedule.timezone,
        paused_until=schedule.paused_until,
        next_due_at=upcoming,
        now=now,
    )
    return view_of(saved, partner)


async def set_by_name(deps: Deps, partner_name: str, change: Change) -> ScheduleView:
    """The CLI's `checkins set PARTNER ...`."""
    async with deps.sessions() as session, session.begin():
        partner = await partner_store.get_partner_by_name(session, partner_name)
        if partner is None:
            raise NotFound("partner", partner_name)
        return await change_schedule(session, partner, change, now=deps.clock())


async def list_views(deps: Deps) -> list[ScheduleView]:
    """Every partner's schedule (partners without one are listed as off)."""
    async with deps.sessions() as session:
        partners = await partner_store.list_partners(session)
        schedules = {s.partner_id: s for s in await store.list_schedules(session)}
    return [view_of(schedules.get(p.id), p) for p in partners]
