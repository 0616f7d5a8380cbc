"""KPIs as people read them: loading (storage.kpis), the at-risk rules, and lines.

The at-risk rules are pure functions of one partner's KPIs and the settings, so the
digest, the scorecard and the QBR pack flag the same partners for the same reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.settings import Settings
from handlers.deals.money import format_money
from storage.kpis import KpiOptions, Money, PartnerKpis, quarter_kpis
from storage.quarters import Quarter


def kpi_options(settings: Settings) -> KpiOptions:
    return KpiOptions(
        rates=settings.deal_fx_rates,
        program_currency=settings.deal_default_currency,
        missed_window=settings.at_risk_missed_checkins,
        checkin_grace=timedelta(days=settings.checkin_reminder_days),
    )


async def load_kpis(
    session: AsyncSession,
    settings: Settings,
    partner_ids: Sequence[int],
    quarter: Quarter,
    *,
    now: datetime,
) -> dict[int, PartnerKpis]:
    return await quarter_kpis(session, partner_ids, quarter, now=now, options=kpi_options(settings))


def survey_results(kpis: PartnerKpis) -> str | None:
    """The partner's survey line for the scorecard and the QBR pack (None: nothing was
    answered in the quarter). The digest reads survey news itself and flags detractors
    (handlers/digests/build.py)."""
    nps = kpis.nps
    if nps.score is None:
        if not nps.withheld:
            return None
        return f"{nps.withheld} anonymous answers, too few people to show a score"
    line = (
        f"NPS {nps.score:+d} from {nps.answers} answers "
        f"({nps.promoters} promoters, {nps.detractors} detractors)"
    )
    if nps.withheld:
        line += f"; {nps.withheld} anonymous answers not counted (too few people)"
    return line


def quarter_elapsed(quarter: Quarter, now: datetime) -> float:
    """The share of `quarter` gone at `now` (0..1)."""
    span = (quarter.end - quarter.start).total_seconds()
    gone = (min(max(now, quarter.start), quarter.end) - quarter.start).total_seconds()
    return gone / span


def at_risk(kpis: PartnerKpis, settings: Settings, *, now: datetime) -> list[str]:
    """Why a partner is at risk this quarter (empty: it is not)."""
    reasons: list[str] = []
    quarter = Quarter.parse(kpis.quarter)
    idle = kpis.idle_days
    if idle is not None and idle >= settings.at_risk_idle_days:
        reasons.append(f"no activity for {idle} days")
    elif idle is None and kpis.idle_since_created >= settings.at_risk_idle_days:
        reasons.append(f"no activity in the {kpis.idle_since_created} days since it joined")
    before, after = kpis.pipeline_at_start.cents, kpis.pipeline.cents
    if before > 0 and after < before * (1 - settings.at_risk_pipeline_drop_pct / 100):
        drop = round(100 * (before - after) / before)
        reasons.append(f"pipeline down {drop}% since the quarter began")
    window = settings.at_risk_missed_checkins
    if kpis.recent_checkins >= window and kpis.missed_checkins >= window:
        reasons.append(f"last {window} check-ins unanswered")
    elapsed = quarter_elapsed(quarter, now)
    pct = kpis.target_pct
    gone_days = (min(now, quarter.end) - quarter.start).days
    if pct is not None and gone_days >= settings.at_risk_pace_min_days:
        pace = 100 * elapsed
        if pct < pace * (1 - settings.at_risk_pace_gap_pct / 100):
            reasons.append(f"won {pct:.0f}% of target with {pace:.0f}% of the quarter gone")
    return reasons


def money(value: Money, currency: str) -> str:
    """`52,000 USD`, plus what was left out for want of a rate."""
    text = format_money(value.cents, currency)
    if value.flagged:
        left = ", ".join(format_money(c, cur) for cur, c in sorted(value.unconverted.items()))
        text += f" (+{left} not counted: no DEAL_FX_RATES rate)"
    return text


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} h" if value < 48 else f"{value / 24:.1f} d"


def kpi_line(kpis: PartnerKpis, currency: str) -> str:
    """One partner's quarter in one line (the digest's KPI table)."""
    won = money(kpis.won, currency)
    if kpis.target is not None:
        won += f" of {money(kpis.target, currency)}"
        if kpis.target_pct is not None:
            won += f" ({kpis.target_pct:.0f}%)"
    idle = "never active" if kpis.idle_days is None else f"active {kpis.idle_days} d ago"
    return (
        f"**{kpis.partner}**: won {won} · pipeline {money(kpis.pipeline, currency)} · "
        f"win rate {percent(kpis.win_rate)} · {idle}"
    )


def kpi_facts(kpis: PartnerKpis, currency: str) -> list[tuple[str, str]]:
    """Every KPI as (label, value), the scorecard's and the QBR pack's rows."""
    target = "no target set"
    if kpis.target is not None:
        target = money(kpis.target, currency)
        if kpis.target_pct is not None:
            target += f" ({kpis.target_pct:.0f}% reached)"
    idle = "never" if kpis.idle_days is None else f"{kpis.idle_days} days ago"
    return [
        ("Won", f"{money(kpis.won, currency)} ({kpis.won_count} registrations)"),
        ("Target", target),
        ("Open pipeline", f"{money(kpis.pipeline, currency)} ({kpis.pipeline_count})"),
        ("Pipeline at quarter start", money(kpis.pipeline_at_start, currency)),
        (
            "Submitted / approved / rejected",
            f"{kpis.submitted} / {kpis.approved} / {kpis.rejected}"
            + (f" ({kpis.withdrawn} withdrawn)" if kpis.withdrawn else ""),
        ),
        ("Median approval time", hours(kpis.median_approval_hours)),
        ("Win rate", f"{percent(kpis.win_rate)} ({kpis.won_count} won, {kpis.lost_count} lost)"),
        ("Last activity", idle),
        (
            "Check-ins answered",
            f"{percent(kpis.answer_rate)} ({kpis.checkins_answered} of {kpis.checkins_posted})",
        ),
        ("Partner NPS", survey_results(kpis) or "no survey answers"),
    ]


def kpis_json(kpis: PartnerKpis, currency: str, reasons: list[str]) -> dict[str, object]:
    """Machine-readable KPIs (CLI `--json`): money in hundredths of `currency`."""

    def cents(value: Money | None) -> dict[str, object] | None:
        if value is None:
            return None
        return {"cents": value.cents, "unconverted": dict(value.unconverted)}

    return {
        "partner": kpis.partner,
        "quarter": kpis.quarter,
        "currency": currency,
        "won": cents(kpis.won),
        "won_count": kpis.won_count,
        "lost_count": kpis.lost_count,
        "target": cents(kpis.target),
        "target_pct": kpis.target_pct,
        "pipeline": cents(kpis.pipeline),
        "pipeline_count": kpis.pipeline_count,
        "pipeline_at_start": cents(kpis.pipeline_at_start),
        "submitted": kpis.submitted,
        "approved": kpis.approved,
        "rejected": kpis.rejected,
        "withdrawn": kpis.withdrawn,
        "median_approval_hours": kpis.median_approval_hours,
        "win_rate": kpis.win_rate,
        "idle_days": kpis.idle_days,
        "checkin_answer_rate": kpis.answer_rate,
        "checkins_posted": kpis.checkins_posted,
        "checkins_answered": kpis.checkins_answered,
        "at_risk": reasons,
        "flagged_currencies": kpis.flagged_currencies,
        "survey": survey_results(kpis),
        "nps": kpis.nps.score,
        "nps_answers": kpis.nps.answers,
    }
