"""Quarterly business reviews, a step of `run_due`: two weeks before a quarter ends,
the manager of each partner in the top tiers (QBR_TIERS) is reminded to hold its QBR,
once per partner and quarter (outbox dedupe key `qbr:<partner id>:<quarter>`).

The quarter is the partner's: it ends at midnight, local to the partner's time zone,
on the first day of the next quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import Reply
from bot.core.delivery import Destination
from handlers import fields
from handlers.deps import Deps
from handlers.notify import outbox_row, queue_rows
from storage import reminders as store

#: How long before the end of a quarter its QBR reminder goes out.
LEAD = timedelta(days=14)


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter: its label (`2026Q4`), last day, and end (UTC) in a zone."""

    label: str
    last_day: date
    ends_at: datetime


def quarter_of(moment: datetime, zone: ZoneInfo) -> Quarter:
    """The quarter `moment` falls in, local to `zone`."""
    local = moment.astimezone(zone)
    index = (local.month - 1) // 3  # 0..3
    year, month = (local.year, 3 * index + 4) if index < 3 else (local.year + 1, 1)
    ends = datetime(year, month, 1, tzinfo=zone)
    return Quarter(
        label=f"{local.year}Q{index + 1}",
        last_day=(ends - timedelta(days=1)).date(),
        ends_at=ends.astimezone(UTC),
    )


def qbr_quarter(now: datetime, zone: ZoneInfo) -> Quarter | None:
    """The quarter whose QBR reminder is due at `now` in `zone`: the last LEAD of it."""
    quarter = quarter_of(now, zone)
    return quarter if now >= quarter.ends_at - LEAD else None


def qbr_reply(partner_name: str, tier: str, quarter: Quarter) -> Reply:
    return Reply(
        title=f"Quarterly business review: {partner_name}",
        text=f"**{partner_name}** ({tier}) closes {quarter.label} on "
        f"{quarter.last_day.isoformat()}, in two weeks. Time to hold its quarterly "
        "business review: results against target, the pipeline, plans for next quarter.",
    )


async def remind_qbrs(deps: Deps, now: datetime) -> int:
    """Queue the QBR reminders due at `now`; returns how many were queued. One SELECT
    per quarter label in play (normally one), one INSERT."""
    tiers = list(deps.settings.qbr_tiers)
    if not tiers:
        return 0
    async with deps.sessions() as session, session.begin():
        by_quarter: dict[str, tuple[Quarter, list[str]]] = {}
        for name in await store.qbr_timezones(session, tiers):
            quarter = qbr_quarter(now, fields.zone_or_utc(name))
            if quarter is not None:
                by_quarter.setdefault(quarter.label, (quarter, []))[1].append(name)
        rows = []
        for label, (quarter, timezones) in by_quarter.items():
            for due in await store.find_qbr_due(
                session, tiers=tiers, timezones=timezones, quarter=label
            ):
                destination = Destination(
                    platform=due.manager_platform,  # type: ignore[arg-type]
                    user_id=due.manager_user_id,
                )
                reply = qbr_reply(due.partner_name, due.tier, quarter)
                rows.append(outbox_row(destination, reply, dedupe_key=due.dedupe_key, now=now))
        return await queue_rows(session, deps, rows)
