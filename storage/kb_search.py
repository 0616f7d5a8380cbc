"""Full-text search over knowledge-base passages: FTS5 on SQLite, tsvector on PostgreSQL.

Both take plain search terms (already normalised by the caller) and OR them, ranked
with field weights (title > section > body). The audience filter is part of the query:
a passage restricted to other tiers is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.kb import FTS_TABLE, PG_VECTOR_COLUMN

#: FTS5 column weights for bm25(): title, section, body.
SQLITE_WEIGHTS = (6.0, 3.0, 1.0)
#: A search term is letters/digits only (FTS and tsquery syntax never leaks in).
_TERM = re.compile(r"^[\w]+$", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """One passage found: its id and score (higher is better)."""

    passage_id: int
    score: float


@dataclass(frozen=True)
class Access:
    """Who is searching: staff see everything, a partner only what their tier may."""

    staff: bool = False
    tier: str | None = None

    def like(self) -> str | None:
        """The LIKE pattern an allowed fenced audience matches, or None for staff."""
        if self.staff:
            return None
        return f"%,{(self.tier or '').strip().lower()},%"


def _terms(terms: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for term in terms:
        if _TERM.match(term) and term not in seen:
            seen.append(term)
    return seen


async def search_passages(
    session: AsyncSession,
    terms: Sequence[str],
    *,
    access: Access,
    limit: int = 50,
    weights: Sequence[float] = SQLITE_WEIGHTS,
) -> list[Hit]:
    """Passages matching any of `terms`, best first, that `access` may see."""
    clean = _terms(terms)
    if not clean:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        return await _search_pg(session, clean, access=access, limit=limit)
    return await _search_sqlite(session, clean, access=access, limit=limit, weights=weights)


def _audience_clause(access: Access, column: str) -> str:
    if access.like() is None:
        return ""
    return f" AND ({column} IS NULL OR {column} LIKE :audience)"


async def _search_sqlite(
    session: AsyncSession,
    terms: list[str],
    *,
    access: Access,
    limit: int,
    weights: Sequence[float],
) -> list[Hit]:
    match = " OR ".join(f'"{term}"' for term in terms)
    w_title, w_section, w_body = weights
    sql = (
        f"SELECT p.id, bm25({FTS_TABLE}, {w_title:f}, {w_section:f}, {w_body:f}) AS rank "
        f"FROM {FTS_TABLE} JOIN kb_passages AS p ON p.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH :match{_audience_clause(access, 'p.audience')} "
        "ORDER BY rank LIMIT :limit"
    )
    params: dict[str, object] = {"match": match, "limit": limit}
    if access.like() is not None:
        params["audience"] = access.like()
    rows = await session.execute(text(sql), params)
    return [Hit(int(pid), -float(rank)) for pid, rank in rows]


async def _search_pg(
    session: AsyncSession, terms: list[str], *, access: Access, limit: int
) -> list[Hit]:
    # Weights for D, C, B, A: body is C, section B, title A (see migration 0002).
    sql = (
        "SELECT p.id, ts_rank_cd('{0.05, 0.2, 0.5, 1.0}', p."
        f"{PG_VECTOR_COLUMN}, q, 1) AS rank "
        "FROM kb_passages AS p, to_tsquery('english', :query) AS q "
        f"WHERE p.{PG_VECTOR_COLUMN} @@ q{_audience_clause(access, 'p.audience')} "
        "ORDER BY rank DESC, p.id LIMIT :limit"
    )
    params: dict[str, object] = {"query": " | ".join(terms), "limit": limit}
    if access.like() is not None:
        params["audience"] = access.like()
    rows = await session.execute(text(sql), params)
    return [Hit(int(pid), float(rank)) for pid, rank in rows]


async def visible_passage_ids(session: AsyncSession, *, access: Access) -> list[int]:
    """Every passage `access` may see (the audience filter, in the query)."""
    sql = f"SELECT p.id FROM kb_passages AS p WHERE 1 = 1{_audience_clause(access, 'p.audience')}"
    params: dict[str, object] = {}
    if access.like() is not None:
        params["audience"] = access.like()
    rows = await session.execute(text(sql + " ORDER BY p.id"), params)
    return [int(pid) for (pid,) in rows]


async def fts_row_count(session: AsyncSession) -> int:
    """How many passages the full-text index holds (tests check it matches)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        sql = f"SELECT count(*) FROM kb_passages WHERE {PG_VECTOR_COLUMN} IS NOT NULL"
    else:
        sql = f"SELECT count(*) FROM {FTS_TABLE}"
    return int((await session.execute(text(sql))).scalar_one())


async def fts_matches(session: AsyncSession, term: str) -> list[int]:
    """Passage ids whose index entry matches one term (tests: the index follows edits)."""
    hits = await search_passages(session, [term], access=Access(staff=True), limit=1000)
    return sorted(hit.passage_id for hit in hits)
