"""Conflict check against N existing registrations: latency of the real check
(`handlers.deals.check_conflict`: indexed lookups + the pure `detect_conflict`), and the
database's query plans proving the lookups use the indexes.

    python bench/deals_conflict.py                       # SQLite temp file, 100,000 rows
    python bench/deals_conflict.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import string
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import (
    insert,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from handlers.deals.identity import company_key, company_prefix
from handlers.deals.submission import check_conflict
from storage import deal_conflicts
from storage import deals as deal_store
from storage import partners as partner_store
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
STATUSES = ["pending", "approved", "approved", "approved", "rejected", "won", "lost", "expired"]
LEGAL = ["", " Inc", " Ltd", " GmbH", " Corp"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))


def _company(rng: random.Random) -> str:
    words = [_word(rng).capitalize() for _ in range(rng.randint(1, 3))]
    return " ".join(words) + rng.choice(LEGAL)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _engine(url: str | None) -> tuple[AsyncEngine, str, str | None]:
    if url is None or url.startswith("sqlite"):
        path = url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
        return create_engine(path), path, None
    schema = f"bench_deals_{os.getpid()}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    await admin.dispose()
    engine = create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})
    return engine, url, schema


async def seed(engine: AsyncEngine, *, rows: int, rng: random.Random) -> list[tuple[str, str]]:
    """`rows` registrations over 50 partners; returns (domain, company) of each."""
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        partners = [await partner_store.add_partner(session, f"Partner {i}") for i in range(50)]
        partner_ids = [p.id for p in partners]
    made: list[tuple[str, str]] = []
    batch: list[dict[str, object]] = []
    for i in range(rows):
        company = _company(rng)
        key = company_key(company)
        domain = f"{key.replace(' ', '-')}-{i}.{rng.choice(['com', 'io', 'co.uk', 'de'])}"
        made.append((domain, company))
        batch.append(
            {
                "partner_id": rng.choice(partner_ids),
                "idempotency_key": f"seed-{i}",
                "company": company,
                "company_key": key,
                "company_prefix": company_prefix(key),
                "domain": domain,
                "value_cents": rng.randint(1, 500_000) * 100,
                "currency": "USD",
                "close_date": date(2027, 6, 30),
                "products": ["Platform"],
                "stage": "qualified",
                "status": rng.choice(STATUSES),
                "conflict_with": [],
                "submitted_at": NOW,
                "updated_at": NOW,
                "extensions_granted": 0,
            }
        )
        if len(batch) == 5000:
            async with sessions() as session, session.begin():
                await session.execute(insert(deal_store.Deal), batch)
            batch = []
    if batch:
        async with sessions() as session, session.begin():
            await session.execute(insert(deal_store.Deal), batch)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE deals"))
    return made


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    engine, url, schema = await _engine(args.database_url)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        existing = await seed(engine, rows=args.rows, rng=rng)
        print(
            f"backend: {engine.dialect.name}; seeded {args.rows:,} registrations in "
            f"{time.perf_counter() - started:.1f} s"
        )
        sessions = create_session_factory(engine)
        kinds: dict[str, int] = {}
        timings: list[float] = []
        for i in range(args.checks):
            if i % 2:
                domain, company = rng.choice(existing)  # an existing domain (conflict or not)
            else:
                domain, company = f"new-{i}.com", _company(rng)
            key = company_key(company)
            async with sessions() as session:
                t0 = time.perf_counter()
                result = await check_conflict(session, partner_id=1, domain=domain, key=key)
                timings.append((time.perf_counter() - t0) * 1000)
            kinds[result.kind] = kinds.get(result.kind, 0) + 1
        print(f"conflict checks: {args.checks:,}; outcomes: {kinds}")
        print(
            f"latency ms: p50 {percentile(timings, 50):.2f}  p95 {percentile(timings, 95):.2f}  "
            f"p99 {percentile(timings, 99):.2f}  max {max(timings):.2f}  "
            f"mean {statistics.fmean(timings):.2f}"
        )
        domain, company = existing[0]
        async with sessions() as session:
            plans = await deal_conflicts.explain_conflict_queries(
                session, domain=domain, prefix=company_prefix(company_key(company))
            )
        for name, lines in plans.items():
            print(f"plan {name}:")
            for line in lines:
                print(f"    {line}")
    finally:
        await engine.dispose()
        if schema is not None:
            admin = create_engine(url)
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
