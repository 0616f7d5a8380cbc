"""Partner KPIs for a quarter: a few GROUP BY statements over a set of partners.

The digest, the scorecard, the QBR pack and the CLI all read their figures here, so
one number means the same everywhere. Every figure is an aggregate computed by the
database (sums, counts, a windowed median); Python only converts the per-currency
sums (a handful of rows per partner) into the program currency.

Definitions (quarter Q = [start, end) in UTC, `as_of` = min(now, end)):
- open pipeline: registrations pending, waiting for information or approved (not won,
  lost, rejected, expired or withdrawn) as of `as_of`; `pipeline_at_start` is the same
  as of Q's start, read from the audit trail (a registration counts when it was
  submitted before that moment and had not been closed by then).
- won: registrations whose move to `won` happened in Q (won amount, else the value);
  lost likewise; win rate = won / (won + lost) in Q.
- submitted / withdrawn: submitted in Q (withdrawn: and since withdrawn); approved /
  rejected: decided in Q; median approval time over the approvals decided in Q.
- last activity: the latest registration, check-in answer or question of the partner.
- check-in answer rate: check-ins posted in Q (up to `as_of`) with at least one answer.
- missed check-ins: of the last `missed_window` check-ins posted at least `grace` ago,
  how many nobody answered.
- NPS: the partner's answers to 0–10 survey questions given in Q (up to `as_of`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import kpi_statements as q
from storage.deals import (
    WON,
)
from storage.partners import Partner
from storage.quarters import Quarter
from storage.survey_results import PartnerNps, partner_nps
from storage.targets import get_targets


@dataclass(frozen=True)
class Money:
    """An amount in the program currency, and what could not be converted."""

    cents: int = 0
    #: currency -> hundredths left out of `cents` because DEAL_FX_RATES has no rate.
    unconverted: Mapping[str, int] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return bool(self.unconverted)


def convert(sums: Mapping[str, int], rates: Mapping[str, Decimal], program: str) -> Money:
    """Per-currency sums (hundredths) into the program currency; a currency without a
    rate stays out of the total and is reported in `unconverted`."""
    total = Decimal(0)
    missing: dict[str, int] = {}
    for currency, cents in sorted(sums.items()):
        if not cents:
            continue
        rate = Decimal(1) if currency == program else rates.get(currency)
        if rate is None:
            missing[currency] = missing.get(currency, 0) + cents
        else:
            total += Decimal(cents) * rate
    return Money(int(total.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)), missing)


@dataclass(frozen=True)
class PartnerKpis:
    partner_id: int
    partner: str
    tier: str | None
    quarter: str
    pipeline: Money
    pipeline_count: int
    pipeline_at_start: Money
    won: Money
    won_count: int
    lost_count: int
    target: Money | None
    submitted: int
    approved: int
    rejected: int
    withdrawn: int
    median_approval_hours: float | None
    last_activity_at: datetime | None
    idle_days: int | None
    #: days from the partner's creation to `as_of` (how long "never active" has lasted)
    idle_since_created: int
    checkins_posted: int
    checkins_answered: int
    missed_checkins: int
    recent_checkins: int
    #: the partner's 0–10 survey answers given in the quarter (storage.survey_results)
    nps: PartnerNps = field(default_factory=PartnerNps)

    @property
    def win_rate(self) -> float | None:
        closed = self.won_count + self.lost_count
        return self.won_count / closed if closed else None

    @property
    def answer_rate(self) -> float | None:
        return self.checkins_answered / self.checkins_posted if self.checkins_posted else None

    @property
    def target_pct(self) -> float | None:
        if self.target is None or self.target.flagged or self.target.cents <= 0:
            return None
        return 100 * self.won.cents / self.target.cents

    @property
    def flagged_currencies(self) -> list[str]:
        found = {*self.pipeline.unconverted, *self.won.unconverted}
        if self.target is not None:
            found |= set(self.target.unconverted)
        return sorted(found)


@dataclass(frozen=True)
class KpiOptions:
    rates: Mapping[str, Decimal]
    program_currency: str
    missed_window: int = 2
    checkin_grace: timedelta = timedelta(days=2)


async def quarter_kpis(
    session: AsyncSession,
    partner_ids: Sequence[int],
    quarter: Quarter,
    *,
    now: datetime,
    options: KpiOptions,
) -> dict[int, PartnerKpis]:
    """The KPIs of each partner in `partner_ids` for `quarter`, as of `now`."""
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    start, end = quarter.start, quarter.end
    as_of = min(now, end)
    current = start <= now < end
    run = session.execute
    names = {
        row[0]: (row[1], row[2], row[3])
        for row in await run(
            select(Partner.id, Partner.name, Partner.tier, Partner.created_at).where(
                Partner.id.in_(ids)
            )
        )
    }
    pipeline: dict[int, dict[str, int]] = {}
    at_start: dict[int, dict[str, int]] = {}
    pipeline_n: dict[int, int] = {}
    counts: dict[int, tuple[int, int, int, int]] = {}
    totals = q.deal_totals_stmt(ids, start, as_of, pipeline_at=None if current else as_of)
    for partner_id, currency, cents, n, start_cents, *numbers in await run(totals):
        pipeline.setdefault(partner_id, {})[currency] = int(cents)
        at_start.setdefault(partner_id, {})[currency] = int(start_cents)
        pipeline_n[partner_id] = pipeline_n.get(partner_id, 0) + int(n)
        before = counts.get(partner_id, (0, 0, 0, 0))
        counts[partner_id] = (
            before[0] + int(numbers[0]),
            before[1] + int(numbers[1]),
            before[2] + int(numbers[2]),
            before[3] + int(numbers[3]),
        )
    won: dict[int, dict[str, int]] = {}
    won_n: dict[int, int] = {}
    lost_n: dict[int, int] = {}
    for partner_id, currency, status, cents, n in await run(q.closed_in_stmt(ids, start, as_of)):
        if status == WON:
            won.setdefault(partner_id, {})[currency] = int(cents or 0)
            won_n[partner_id] = won_n.get(partner_id, 0) + int(n)
        else:
            lost_n[partner_id] = lost_n.get(partner_id, 0) + int(n)
    medians = {
        row[0]: float(row[1]) for row in await run(q.median_stmt(session, ids, start, as_of))
    }
    activity = {row[0]: row[1] for row in await run(q.activity_stmt(ids, as_of))}
    checkins = {
        row[0]: (int(row[1]), int(row[2])) for row in await run(q.checkins_stmt(ids, start, as_of))
    }
    missed = {
        row[0]: (int(row[1]), int(row[2]))
        for row in await run(q.missed_stmt(ids, now - options.checkin_grace, options.missed_window))
    }
    targets = await get_targets(session, ids, quarter.label)
    nps = await partner_nps(session, ids, start, as_of)
    rates, program = options.rates, options.program_currency
    result: dict[int, PartnerKpis] = {}
    for partner_id in ids:
        if partner_id not in names:
            continue
        name, tier, created = names[partner_id]
        submitted, approved, rejected, withdrawn = counts.get(partner_id, (0, 0, 0, 0))
        last = _as_datetime(activity.get(partner_id))
        target = targets.get(partner_id)
        posted, answered = checkins.get(partner_id, (0, 0))
        recent, unanswered = missed.get(partner_id, (0, 0))
        result[partner_id] = PartnerKpis(
            partner_id=partner_id,
            partner=name,
            tier=tier,
            quarter=quarter.label,
            pipeline=convert(pipeline.get(partner_id, {}), rates, program),
            pipeline_count=pipeline_n.get(partner_id, 0),
            pipeline_at_start=convert(at_start.get(partner_id, {}), rates, program),
            won=convert(won.get(partner_id, {}), rates, program),
            won_count=won_n.get(partner_id, 0),
            lost_count=lost_n.get(partner_id, 0),
            target=(
                convert({target.currency: target.amount_cents}, rates, program)
                if target is not None
                else None
            ),
            submitted=submitted,
            approved=approved,
            rejected=rejected,
            withdrawn=withdrawn,
            median_approval_hours=medians.get(partner_id),
            last_activity_at=last,
            idle_days=(as_of - last).days if last is not None else None,
            idle_since_created=max(0, (as_of - created).days),
            checkins_posted=posted,
            checkins_answered=answered,
            missed_checkins=unanswered,
            recent_checkins=recent,
            nps=nps.get(partner_id, PartnerNps()),
        )
    return result


def _as_datetime(value: Any) -> datetime | None:
    """A MAX over UTCDateTime columns comes back raw from a union (SQLite: text)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def managed_partner_ids(session: AsyncSession, manager_id: int | None) -> list[int]:
    """The partners a manager owns (every partner for None)."""
    stmt = select(Partner.id).order_by(Partner.id)
    if manager_id is not None:
        stmt = stmt.where(Partner.manager_id == manager_id)
    return list((await session.scalars(stmt)).all())


__all__ = [
    "KpiOptions",
    "Money",
    "PartnerKpis",
    "convert",
    "managed_partner_ids",
    "quarter_kpis",
]
