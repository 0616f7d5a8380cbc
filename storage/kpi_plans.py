"""The KPI statements one by one, for the digest bench: how long each takes and the
plan the database chose (to show they use indexes). Not on any request path."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import kpi_statements as q
from storage.quarters import Quarter

__all__ = ["explain_kpi_queries", "time_kpi_queries"]


def _statements(
    session: AsyncSession, partner_ids: Sequence[int], quarter: Quarter, *, now: datetime
) -> dict[str, Any]:
    ids = sorted(set(partner_ids))
    start, end = quarter.start, quarter.end
    as_of = min(now, end)
    return {
        "pipeline and counts": q.deal_totals_stmt(ids, start, as_of, pipeline_at=None),
        "won and lost": q.closed_in_stmt(ids, start, as_of),
        "median approval": q.median_stmt(session, ids, start, as_of),
        "last activity": q.activity_stmt(ids, as_of),
        "check-ins": q.checkins_stmt(ids, start, as_of),
        "missed check-ins": q.missed_stmt(ids, now, 2),
    }


async def time_kpi_queries(
    session: AsyncSession, partner_ids: Sequence[int], quarter: Quarter, *, now: datetime
) -> dict[str, float]:
    """Seconds each KPI statement takes for these partners (the bench)."""
    spent: dict[str, float] = {}
    for name, stmt in _statements(session, partner_ids, quarter, now=now).items():
        started = time.perf_counter()
        (await session.execute(stmt)).all()
        spent[name] = time.perf_counter() - started
    return spent


async def explain_kpi_queries(
    session: AsyncSession, partner_ids: Sequence[int], quarter: Quarter, *, now: datetime
) -> dict[str, list[str]]:
    """The database's plan of each KPI statement for these partners (the bench shows
    they use indexes). SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN."""
    statements = _statements(session, partner_ids, quarter, now=now)
    bind = session.get_bind()
    verb = "EXPLAIN QUERY PLAN" if bind.dialect.name == "sqlite" else "EXPLAIN"
    plans: dict[str, list[str]] = {}
    for name, stmt in statements.items():
        compiled = stmt.compile(bind, compile_kwargs={"literal_binds": True})
        rows = (await session.execute(text(f"{verb} {compiled}"))).all()
        plans[name] = [str(row[-1]) for row in rows]
    return plans
