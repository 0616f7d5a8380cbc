"""Digest and KPI queries for one manager of 80 partners, in a database of 1,000
partners, 100,000 registrations (with their audit trail) and 20,000 check-in answers.

Seeds 13 managers (12 own 80 partners, one owns 40), registrations submitted over the
last 200 days in USD, EUR (a rate) and GBP (no rate), every status, the deal_events of
each change; weekly check-ins for 20 weeks (20,000) with 20,000 answers; 5,000
questions. Then, for every manager, times the KPI queries alone (`load_kpis`, this
quarter) and the whole digest (`build_digest`: KPIs plus every section), `--repeat`
times each, and prints p50/p99 over all managers' runs, and the query plans.

    python bench/digest.py                       # SQLite temp file
    createdb -h 127.0.0.1 -U postgres pb_digests
    python bench/digest.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_digests
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, text

from bot.core.settings import Settings
from handlers.deps import Deps
from handlers.digests.build import build_digest
from handlers.digests.kpis import load_kpis
from storage.checkins import Checkin, CheckinAnswer
from storage.deals import Deal, DealEvent
from storage.engine import SessionFactory, create_engine, create_session_factory
from storage.kb_questions import Question
from storage.kpi_plans import explain_kpi_queries, time_kpi_queries
from storage.kpis import managed_partner_ids
from storage.migrate import upgrade
from storage.partners import Partner
from storage.people import Person
from storage.quarters import Quarter

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CHUNK = 5000
#: status -> weight
STATUSES = {"pending": 6, "info_requested": 1, "approved": 30, "rejected": 8, "won": 25,
            "lost": 18, "expired": 8, "withdrawn": 4}  # fmt: skip


async def _insert(sessions: SessionFactory, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with sessions() as session, session.begin():
            await session.execute(insert(model), rows[start : start + CHUNK])


async def seed(sessions: SessionFactory, args: argparse.Namespace, rng: random.Random) -> None:
    managers = (args.partners + args.per_manager - 1) // args.per_manager
    await _insert(
        sessions,
        Person,
        [{"platform": "slack", "user_id": f"U-MGR{m}", "name": f"Manager {m}", "role": "manager",
          "is_external": False} for m in range(managers)]
        + [{"platform": "slack", "user_id": "U-REP", "name": "Rep", "role": "partner_rep",
            "is_external": False}],
    )  # fmt: skip
    async with sessions() as session:
        people = {p.user_id: p.id for p in (await session.scalars(select(Person))).all()}
    await _insert(
        sessions,
        Partner,
        [{"name": f"Partner {i}", "name_key": f"partner {i}", "timezone": "UTC",
          "tier": ("gold", "silver", "bronze")[i % 3],
          "manager_id": people[f"U-MGR{i // args.per_manager}"],
          "created_at": NOW - timedelta(days=400)} for i in range(args.partners)],
    )  # fmt: skip
    async with sessions() as session:
        ids = list((await session.scalars(select(Partner.id).order_by(Partner.id))).all())
    deals: list[dict[str, Any]] = []
    statuses, weights = list(STATUSES), list(STATUSES.values())
    for i in range(args.deals):
        status = rng.choices(statuses, weights)[0]
        submitted = NOW - timedelta(minutes=rng.randint(60, 200 * 24 * 60))
        decided = submitted + timedelta(hours=rng.randint(1, 96))
        decided = decided if status not in ("pending", "info_requested", "withdrawn") else None
        deals.append({
            "partner_id": rng.choice(ids), "idempotency_key": f"b-{i}", "company": f"Co {i}",
            "company_key": f"co {i}", "company_prefix": "co ", "domain": f"co-{i}.example",
            "value_cents": rng.randint(1, 2000) * 10_000,
            "currency": rng.choices(("USD", "EUR", "GBP"), (88, 10, 2))[0],
            "close_date": date(2027, 6, 30), "products": ["Platform"],
            "stage": rng.choice(("qualified", "proposal", "negotiation")), "status": status,
            "conflict_kind": "possible_duplicate" if rng.random() < 0.01 else None,
            "conflict_with": [], "submitted_at": submitted, "updated_at": submitted,
            "decided_at": decided, "extensions_granted": 0,
            "protected_until": decided + timedelta(days=90) if decided else None,
            "won_amount_cents": None, "lost_reason": "Budget" if status == "lost" else None,
        })  # fmt: skip
    events: list[dict[str, Any]] = []
    for n, deal in enumerate(deals, start=1):
        events.append({"deal_id": n, "at": deal["submitted_at"], "kind": "submitted",
                       "to_status": "pending", "actor_name": "", "detail": {}})  # fmt: skip
        status, decided = deal["status"], deal["decided_at"]
        if decided is not None:
            first = "rejected" if status == "rejected" else "approved"
            events.append({"deal_id": n, "at": decided, "kind": first, "from_status": "pending",
                           "to_status": first, "actor_name": "", "detail": {}})  # fmt: skip
            if status in ("won", "lost", "expired"):
                closed = decided + timedelta(days=rng.randint(1, 60))
                events.append({"deal_id": n, "at": min(closed, NOW), "kind": status,
                               "from_status": "approved", "to_status": status,
                               "actor_name": "", "detail": {}})  # fmt: skip
                if status == "won":
                    deal["won_amount_cents"] = deal["value_cents"]
        elif status == "withdrawn":
            events.append({"deal_id": n, "at": deal["submitted_at"] + timedelta(hours=5),
                           "kind": "withdrawn", "from_status": "pending",
                           "to_status": "withdrawn", "actor_name": "", "detail": {}})  # fmt: skip
        deal["updated_at"] = events[-1]["at"]  # every change stamps updated_at
    await _insert(sessions, Deal, deals)
    await _insert(sessions, DealEvent, events)
    weeks = args.checkins // args.partners
    checkins = [
        {"partner_id": p, "local_date": (NOW - timedelta(weeks=w)).date(),
         "due_at": NOW - timedelta(weeks=w), "posted_at": NOW - timedelta(weeks=w)}
        for p in ids for w in range(1, weeks + 1)
    ]  # fmt: skip
    await _insert(sessions, Checkin, checkins)
    rep = people["U-REP"]
    await _insert(
        sessions,
        CheckinAnswer,
        [{"checkin_id": rng.randint(1, len(checkins)), "person_id": rep,
          "text": rng.choice(("All good.", "Blocked on legal review.", "Two demos booked.")),
          "created_at": NOW - timedelta(minutes=rng.randint(1, weeks * 7 * 24 * 60))}
         for _ in range(args.answers)],
    )  # fmt: skip
    await _insert(
        sessions,
        Question,
        [{"partner_id": rng.choice(ids), "text": f"Question {i}?", "answer": "",
          "grounded": rng.random() < 0.7, "sources": [], "platform": "slack",
          "asked_at": NOW - timedelta(minutes=rng.randint(1, 200 * 24 * 60))}
         for i in range(args.questions)],
    )  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--partners", type=int, default=1_000)
    parser.add_argument("--per-manager", type=int, default=80)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--checkins", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--questions", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database's rows (seeded by a run before)"
    )
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql" and not args.reuse:
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        sessions = create_session_factory(engine)
        started = time.perf_counter()
        if not args.reuse:
            await seed(sessions, args, random.Random(args.seed))
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        print(
            f"backend: {engine.dialect.name}; seeded {args.partners:,} partners, "
            f"{args.deals:,} registrations, {args.answers:,} check-in answers in "
            f"{time.perf_counter() - started:.1f} s"
        )
        settings = Settings(_env_file=None, database_url=url, deal_fx_rates={"EUR": 1.08})  # type: ignore[call-arg,arg-type]
        deps = Deps(settings=settings, sessions=sessions, clock=lambda: NOW)
        async with sessions() as session:
            managers = list(
                (await session.scalars(select(Person).where(Person.role == "manager"))).all()
            )
        kpi_times: list[float] = []
        digest_times: list[float] = []
        sizes: list[int] = []
        for _ in range(args.repeat):
            for manager in managers:
                async with sessions() as session:
                    ids = await managed_partner_ids(session, manager.id)
                    t0 = time.perf_counter()
                    await load_kpis(session, settings, ids, Quarter.of(NOW), now=NOW)
                    kpi_times.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    await build_digest(
                        session, deps, manager, since=NOW - timedelta(days=7), now=NOW
                    )
                    digest_times.append(time.perf_counter() - t0)
                    sizes.append(len(ids))
        print(
            f"{len(managers)} managers ({min(sizes)}-{max(sizes)} partners each), "
            f"{args.repeat} runs each"
        )
        for label, times in (("KPI queries", kpi_times), ("whole digest", digest_times)):
            print(
                f"{label}: p50 {1000 * statistics.median(times):.0f} ms, "
                f"p99 {1000 * _pct(times, 0.99):.0f} ms, max {1000 * max(times):.0f} ms"
            )
        async with sessions() as session:
            ids = await managed_partner_ids(session, managers[0].id)
            plans = await explain_kpi_queries(session, ids, Quarter.of(NOW), now=NOW)
        async with sessions() as session:
            timed = await time_kpi_queries(session, ids, Quarter.of(NOW), now=NOW)
        print("each KPI statement, first manager (ms): " + ", ".join(
            f"{name} {1000 * spent:.0f}" for name, spent in timed.items()))  # fmt: skip
        print("query plans (first manager):")
        for name, lines in plans.items():
            print(f"  {name}:")
            for line in lines:
                print(f"    {line}")
    finally:
        await engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
