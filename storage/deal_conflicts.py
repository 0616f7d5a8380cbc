"""The conflict check's read: the active registrations and the house account that a
new registration of a domain or company could clash with, in one indexed round trip.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, literal, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement, CompoundSelect

from storage.deals import ACTIVE_STATUSES, Deal
from storage.house_accounts import HouseAccount
from storage.lean import LeanQuery, Row


class Candidate(NamedTuple):
    """The columns the conflict check compares (no ORM object, no relationship load).
    A named tuple: made straight from the row, it costs a fraction of a dataclass (a
    submission reads up to 201 of them)."""

    id: int
    partner_id: int
    domain: str
    company: str
    company_key: str
    status: str


#: Marks the house-account row in the candidates query (never a deal status).
_HOUSE = "~house"


@dataclass(frozen=True)
class ConflictLookup:
    """What the conflict check needs, read in one round trip."""

    candidates: tuple[Candidate, ...]
    house_account: str | None


@functools.lru_cache(maxsize=4)
def candidates_stmt(limit: int) -> CompoundSelect[Any]:
    """Three index lookups in one statement: active deals of `:domain`
    (ix_deals_domain_status), up to `limit` active deals whose company key starts with
    `:prefix` (ix_deals_company_prefix_status), and the house account of `:domain`
    (its unique index), marked with status `_HOUSE`. Built once per limit: building
    it cost more than running it (it runs on every registration)."""
    columns = (Deal.id, Deal.partner_id, Deal.domain, Deal.company, Deal.company_key, Deal.status)
    active = Deal.status.in_(ACTIVE_STATUSES)
    domain = bindparam("domain", type_=String)
    by_domain = select(*columns).where(Deal.domain == domain, active)
    by_prefix = (
        select(*columns)
        .where(Deal.company_prefix == bindparam("prefix", type_=String), active)
        .limit(limit)
    )
    house = select(
        HouseAccount.id,
        literal(0),
        HouseAccount.domain,
        HouseAccount.company,
        literal(""),
        literal(_HOUSE),
    ).where(HouseAccount.domain == domain)
    return union_all(by_domain, by_prefix.subquery().select(), house)


@functools.lru_cache(maxsize=4)
def _lean_candidates(limit: int) -> LeanQuery:
    """`candidates_stmt` on the driver (`storage.lean`): through Core, handling up
    to `limit` rows cost more than the indexed lookups themselves."""
    return LeanQuery(lambda: candidates_stmt(limit))


async def lookup_conflicts(
    session: AsyncSession, *, domain: str, prefix: str, limit: int = 200
) -> ConflictLookup:
    """Active registrations of `domain`, up to `limit` whose company key starts with
    `prefix`, and the house account of `domain`: index lookups, one round trip."""
    params = {"domain": domain, "prefix": prefix}
    rows = await _lean_candidates(limit).rows(session, params)  # up to `limit` + 1 rows
    return candidates_of(rows)


def candidates_of(rows: Sequence[Row]) -> ConflictLookup:
    """The lookup from the rows of `candidates_stmt`."""
    house = next((row for row in rows if row[5] == _HOUSE), None)
    unique = {row[0]: row for row in rows if row[5] != _HOUSE}
    make = Candidate._make
    return ConflictLookup(
        candidates=tuple(make(unique[key]) for key in sorted(unique)),
        house_account=(house[3] or house[2]) if house is not None else None,
    )


async def explain_conflict_queries(
    session: AsyncSession, *, domain: str, prefix: str
) -> dict[str, list[str]]:
    """The database's plan for the conflict check's lookups (proves they use the
    indexes). SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN."""
    bind = session.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    queries: dict[str, ClauseElement] = {
        "conflict lookup": candidates_stmt(200).params(domain=domain, prefix=prefix),
    }
    plans: dict[str, list[str]] = {}
    for name, stmt in queries.items():
        compiled = stmt.compile(bind, compile_kwargs={"literal_binds": True})
        verb = "EXPLAIN QUERY PLAN" if sqlite else "EXPLAIN"
        rows = (await session.execute(text(f"{verb} {compiled}"))).all()
        plans[name] = [str(row[-1]) for row in rows]
    return plans
