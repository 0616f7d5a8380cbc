"""`run_due` over 1,000 partners and 100,000 registrations: how long the due steps take
(check-ins, their reminders, the deal reminders, pruning), without delivering.

Seeds every partner with a Slack channel and a weekly check-in due at NOW (the worst
tick: all 1,000 due at once), and 100,000 registrations with protection ends spread
over the next 120 days, submissions spread over 40 days (a share pending past the SLA,
a share quiet for 30 days). Then, at NOW and again a week later (all 1,000 check-ins
due once more, a week of new reminders), runs `run_due` until it queues nothing (each
run queues at most a batch of each kind: the backlog of a first deployment drains over
a few ticks), and once more a minute later (the steady state).

    python bench/run_due.py                       # SQLite temp file
    createdb -h 127.0.0.1 -U postgres pb_checkins
    python bench/run_due.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_checkins
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text

from bot.core.settings import Settings
from handlers.deps import Deps
from scheduling.jobs import DUE_STEPS
from storage import deals as deal_store
from storage.checkins import CheckinSchedule
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.outbox import OutboxMessage
from storage.partners import Partner, PartnerChannel
from storage.people import Person

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin
STATUSES = ["pending", "approved", "approved", "approved", "approved", "won", "lost", "expired"]


async def seed(sessions: object, *, partners: int, deals: int, rng: random.Random) -> None:
    factory = sessions  # a SessionFactory
    async with factory() as session, session.begin():  # type: ignore[operator]
        await session.execute(
            insert(Person),
            [
                {"platform": "slack", "user_id": "U-MGR", "name": "Mia", "role": "manager",
                 "is_external": False},
                {"platform": "slack", "user_id": "U-ADM", "name": "Ada", "role": "admin",
                 "is_external": False},
            ],
        )  # fmt: skip
        manager_id = await session.scalar(select(Person.id).where(Person.user_id == "U-MGR"))
        await session.execute(
            insert(Partner),
            [
                {"name": f"Partner {i}", "name_key": f"partner {i}", "timezone": "Europe/Berlin",
                 "manager_id": manager_id}
                for i in range(partners)
            ],
        )  # fmt: skip
        ids = list((await session.scalars(select(Partner.id).order_by(Partner.id))).all())
        await session.execute(
            insert(PartnerChannel),
            [{"partner_id": p, "platform": "slack", "channel_id": f"C{p:08d}"} for p in ids],
        )
        await session.execute(
            insert(CheckinSchedule),
            [
                {"partner_id": p, "cadence": "weekly", "weekday": 0, "local_time": "09:00",
                 "timezone": None, "next_due_at": NOW, "updated_at": NOW - timedelta(days=7)}
                for p in ids
            ],
        )  # fmt: skip
    batch: list[dict[str, object]] = []
    for i in range(deals):
        status = rng.choice(STATUSES)
        submitted = NOW - timedelta(hours=rng.randint(1, 40 * 24))
        partner = rng.choice(ids)
        batch.append(
            {
                "partner_id": partner,
                "idempotency_key": f"seed-{i}",
                "company": f"Company {i}",
                "company_key": f"company {i}",
                "company_prefix": "comp",
                "domain": f"company-{i}.com",
                "value_cents": rng.randint(1, 500_000) * 100,
                "currency": "USD",
                "close_date": date(2027, 6, 30),
                "products": ["Platform"],
                "stage": "qualified",
                "status": status,
                "conflict_with": [],
                "origin_platform": "slack",
                "origin_channel_id": f"C{partner:08d}",
                "submitted_at": submitted,
                "updated_at": submitted,
                "protected_until": (
                    NOW + timedelta(hours=rng.randint(1, 120 * 24))
                    if status == "approved"
                    else None
                ),
                "extensions_granted": 0,
            }
        )
        if len(batch) == 5000:
            async with factory() as session, session.begin():  # type: ignore[operator]
                await deal_store.add_deals_bulk(session, batch)
            batch = []
    if batch:
        async with factory() as session, session.begin():  # type: ignore[operator]
            await deal_store.add_deals_bulk(session, batch)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--partners", type=int, default=1_000)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
        await upgrade(engine)
        sessions = create_session_factory(engine)
        started = time.perf_counter()
        await seed(sessions, partners=args.partners, deals=args.deals, rng=random.Random(args.seed))
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        print(
            f"backend: {engine.dialect.name}; seeded {args.partners:,} partners and "
            f"{args.deals:,} registrations in {time.perf_counter() - started:.1f} s"
        )
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]

        slowest: dict[str, float] = {}

        async def tick(moment: datetime) -> tuple[float, dict[str, int]]:
            """`run_due(deliver=False)`, step by step, to see which step costs what."""
            deps = Deps(settings=settings, sessions=sessions, clock=lambda: moment)
            queued: dict[str, int] = {}
            t0 = time.perf_counter()
            for name, step in DUE_STEPS:
                s0 = time.perf_counter()
                queued[name] = await step(deps, moment)
                slowest[name] = max(slowest.get(name, 0.0), time.perf_counter() - s0)
            return time.perf_counter() - t0, queued

        for label, moment in (
            ("backlog at NOW", NOW),
            ("next Monday 09:00", NOW + timedelta(weeks=1)),
        ):
            spent: list[float] = []
            total = 0
            for _ in range(60):  # drain: each run queues at most a batch per kind
                elapsed, queued = await tick(moment)
                spent.append(elapsed)
                total += sum(queued.values())
                if not sum(queued.values()):
                    break
            print(
                f"{label}: {len(spent) - 1} run(s) queued {total:,} messages; "
                f"max {max(spent):.3f} s, total {sum(spent):.3f} s; "
                f"then a run with nothing due: {spent[-1]:.3f} s"
            )
            elapsed, queued = await tick(moment + timedelta(minutes=1))
            print(f"  one minute later: {elapsed:.3f} s, queued {sum(queued.values())}")
        steps = ", ".join(f"{name} {spent:.3f}" for name, spent in slowest.items())
        print(f"slowest run of each step (s): {steps}")
        async with sessions() as session:
            rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
            keys = await session.scalar(select(func.count(func.distinct(OutboxMessage.dedupe_key))))
        print(f"outbox rows: {rows:,}; distinct dedupe keys: {keys:,}")
    finally:
        await engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
