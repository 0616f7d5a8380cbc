"""Survey answers over Slack, and survey results over a large run.

Part 1 — thread answers: the bot runs as the real `partnerbot serve` in a process of its
own (outbox loop included); this process holds the fake Slack Web API
(bench/_slack_fake.py) and the load generator. An NPS run goes to PARTNERS partner
channels (the bot posts the questions, so the threads are real); then `--answers`
signed Events API requests (threaded `message` events, signed like Slack: v0 HMAC, as
/work/shared/tools/slackload.py does) answer it in plain words at `--concurrency`, each
from a different person; `--retries` of them are sent a second time with the same
event_id (a Slack retry). It reports the HTTP ack latency and then counts the stored
answers: each person's score must be stored exactly once.

Part 2 — results: a run with `--results-answers` answers (and a previous run of the same
survey) is written to the database, and the full results (NPS, averages, response
rates by partner and tier, comments, change vs the previous run) are computed
`--repeat` times; it prints the median and the slowest.

    python bench/surveys.py                                    # temporary SQLite file
    createdb -h 127.0.0.1 -U postgres pb_surveys
    python bench/surveys.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_surveys
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from _slack_fake import HOME_TEAM, BenchSlackApi
from deals_slack import free_port, pct, wait_listening
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.settings import Settings
from handlers.deps import Deps
from handlers.surveys.results import build_results
from handlers.surveys.send import Audience, send_run
from storage import partners as partner_store
from storage import people as people_store
from storage import surveys as survey_store
from storage.base import Base
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.threads import Thread

ROOT = Path(__file__).resolve().parents[1]
TOKEN, SECRET = "xoxb-bench", "bench-signing-secret"
PARTNERS = 50
WORDS = ("9", "nine", "7/10", "10 stars", "3 - slow approvals", "8 out of 10", "6", "10")


def _signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/json",
    }


def _user(i: int) -> str:
    return f"U{i:08d}"


async def reset_database(url: str) -> str:
    """A fresh database: a new SQLite file, or pb_surveys dropped and recreated."""
    if url.startswith("postgresql"):
        base, name = url.rsplit("/", 1)
        admin = create_async_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        return url
    return f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/surveys.db"


async def prepare(url: str, answers: int) -> None:
    """Partners with one channel each, their people (answers / PARTNERS each), and an
    NPS run queued to every channel."""
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    per_partner = -(-answers // PARTNERS)
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(session, "slack", "U0MGR", role="manager")
        for p in range(PARTNERS):
            partner = await partner_store.add_partner(
                session, f"Partner {p:03d}", tier=("gold", "silver")[p % 2], manager_id=manager.id
            )
            await partner_store.link_channel(
                session, partner, platform="slack", channel_id=f"C{p:08d}"
            )
            rows = [
                {
                    "platform": "slack",
                    "user_id": _user(p * per_partner + i),
                    "name": f"Rep {p}-{i}",
                    "role": "partner_rep",
                    "partner_id": partner.id,
                    "is_external": True,
                }
                for i in range(per_partner)
            ]
            await session.execute(insert(people_store.Person), rows)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    deps = Deps(settings=settings, sessions=sessions)
    await send_run(deps, "nps", Audience(), closes=(datetime.now(UTC) + timedelta(days=7)).date())
    await engine.dispose()


async def thread_roots(url: str, *, within: float = 120) -> dict[str, str]:
    """channel -> the survey thread's ts, once the bot has posted every question."""
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            async with sessions() as session:
                rows = (await session.execute(select(Thread.channel_id, Thread.thread_id))).all()
            if len(rows) >= PARTNERS:
                return {str(c): str(t) for c, t in rows}
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    raise RuntimeError("the bot did not post every survey question")


def event_body(i: int, per_partner: int, roots: dict[str, str], rnd: random.Random) -> str:
    partner = i // per_partner
    channel = f"C{partner:08d}"
    ts = f"1695000000.{i:06d}"
    event = {
        "type": "message",
        "channel_type": "channel",
        "user": _user(i),
        "text": rnd.choice(WORDS),
        "ts": ts,
        "thread_ts": roots[channel],
        "channel": channel,
        "event_ts": ts,
        "user_team": "T0PARTNER",
        "team": HOME_TEAM,
    }
    return json.dumps(
        {
            "token": "legacy",
            "team_id": HOME_TEAM,
            "api_app_id": "A0BENCH",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{i:010d}",
            "event_time": int(time.time()),
            "is_ext_shared_channel": True,
            "authorizations": [{"team_id": HOME_TEAM, "user_id": "U0BENCHBOT", "is_bot": True}],
        }
    )


async def load(
    url: str, bodies: list[tuple[str, dict[str, str]]], concurrency: int
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(bodies))

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        while queue:
            body, extra = queue.pop()
            t0 = time.perf_counter()
            async with http.post(url, data=body.encode(), headers={**_signed(body), **extra}) as r:
                await r.read()
            latencies.append((time.perf_counter() - t0) * 1000)
            errors += r.status != 200

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def count_scores(url: str) -> tuple[int, int]:
    """(answers stored at the score question, distinct respondents among them)."""
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        a = survey_store.SurveyAnswer
        n, people = (
            await session.execute(
                select(func.count(), func.count(func.distinct(a.respondent))).where(a.position == 0)
            )
        ).one()
    await engine.dispose()
    return int(n), int(people)


def _write(path: str, content: str) -> None:
    Path(path).write_text(content)


def _read(path: str) -> str:
    return Path(path).read_text() if Path(path).exists() else ""


async def serve_fake(counts_file: str, port_file: str) -> None:
    """The fake Slack Web API in a process of its own (so its work does not delay the
    load generator's clock); writes its call counts to `counts_file` on SIGTERM."""
    fake = BenchSlackApi()
    await fake.start()
    _write(port_file, str(fake.port))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    _write(counts_file, json.dumps(dict(fake.counts)))
    await fake.close()


async def start_fake() -> tuple[subprocess.Popen[bytes], str, str]:
    folder = tempfile.mkdtemp()
    counts, port = f"{folder}/counts.json", f"{folder}/port"
    process = subprocess.Popen(  # noqa: ASYNC220  (stopped by its pid in answers_part)
        [sys.executable, __file__, "--serve-fake", counts, port]
    )
    for _ in range(300):
        if _read(port):
            return process, f"http://127.0.0.1:{_read(port)}/api/", counts
        await asyncio.sleep(0.1)
    raise RuntimeError("the fake Slack API did not start")


async def answers_part(args: argparse.Namespace, url: str) -> bool:
    fake, fake_url, counts_file = await start_fake()
    await prepare(url, args.answers)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))},
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "ERROR",
        "OPENAI_API_KEY": "",
    }
    bot = subprocess.Popen(  # noqa: ASYNC220  (started once, stopped by its pid below)
        [sys.executable, str(ROOT / "app.py"), "serve"], cwd=tempfile.mkdtemp(), env=env
    )
    try:
        await wait_listening(port, bot)
        roots = await thread_roots(url)
        per_partner = -(-args.answers // PARTNERS)
        rnd = random.Random(7)
        bodies = [(event_body(i, per_partner, roots, rnd), {}) for i in range(args.answers)]
        retried = rnd.sample(range(args.answers), args.retries)
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        for position, i in enumerate(sorted(retried)):
            bodies.insert(min(len(bodies), i + 40 + position), (bodies[i][0], retry))
        clock = time.perf_counter()
        latencies, errors, seconds = await load(
            f"http://127.0.0.1:{port}/slack/events", bodies, args.concurrency
        )
        print(
            f"answers: {len(bodies)} signed events ({args.retries} retries) at concurrency "
            f"{args.concurrency}: {len(bodies) / seconds:.0f} req/s, ack p50 "
            f"{pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms, "
            f"max {max(latencies):.1f} ms, errors {errors}"
        )
        deadline = time.monotonic() + args.drain_seconds
        stored = people = 0
        while time.monotonic() < deadline:
            stored, people = await count_scores(url)
            if stored >= args.answers:
                break
            await asyncio.sleep(0.5)
        drained = time.perf_counter() - clock
        await asyncio.sleep(2)  # anything late (a duplicate) would show now
        stored, people = await count_scores(url)
        ok = stored == people == args.answers and pct(latencies, 99) < 50 and errors == 0
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        fake.terminate()
        fake.wait(timeout=30)
    calls = json.loads(_read(counts_file) or "{}")
    print(
        f"stored: {stored} score answers from {people} people for {args.answers} sent "
        f"(all stored {drained:.0f} s after the first request); "
        f"next questions posted: {calls.get('chat.postMessage', 0) - PARTNERS}, "
        f"reactions: {calls.get('reactions.add', 0)}"
    )
    return ok


async def results_part(args: argparse.Namespace, url: str) -> bool:
    """A run with `--results-answers` answers and a previous one; time build_results."""
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    rnd = random.Random(11)
    partners_n, per = 500, -(-args.results_answers // 500)
    async with sessions() as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            if table.name.startswith("survey"):
                await session.execute(delete(table))
        await session.execute(
            insert(partner_store.Partner),
            [
                {"name": f"R{p:04d}", "name_key": f"r{p:04d}-bench", "tier": ("gold", "silver",
                 "bronze")[p % 3], "timezone": "UTC"}
                for p in range(partners_n)
            ],
        )  # fmt: skip
        partner_ids = list(
            (
                await session.scalars(
                    select(partner_store.Partner.id).where(
                        partner_store.Partner.name_key.like("r%-bench")
                    )
                )
            ).all()
        )
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    deps = Deps(settings=settings, sessions=sessions)
    from handlers.surveys.definitions import ensure_builtin

    async with sessions() as session, session.begin():
        await ensure_builtin(session)
        survey = await survey_store.get_survey(session, "nps")
        assert survey is not None
        now = datetime.now(UTC)
        run_ids = []
        for size in (args.results_answers // 5, args.results_answers):
            run = await survey_store.add_run(
                session, survey_id=survey.id, audience="all partners", created_at=now
            )
            assert run is not None
            run_ids.append(run.id)
            await survey_store.add_targets(session, run.id, dict.fromkeys(partner_ids, "gold"))
            rows: list[dict[str, Any]] = []
            for i in range(size):
                rows.append(
                    {
                        "run_id": run.id,
                        "partner_id": partner_ids[i // per % len(partner_ids)],
                        "respondent": f"r{i}",
                        "position": 0,
                        "score": rnd.randint(0, 10),
                        "comment": "bench comment" if i % 5 == 0 else None,
                        "answered_at": now - timedelta(seconds=i),
                    }
                )
            for start in range(0, len(rows), 2000):
                await session.execute(insert(survey_store.SurveyAnswer), rows[start : start + 2000])
    del deps
    timings = []
    async with sessions() as session:
        run = await survey_store.get_run(session, run_ids[1])
        assert run is not None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            results = await build_results(session, run)
            timings.append((time.perf_counter() - t0) * 1000)
    await engine.dispose()
    nps = results.questions[0]
    print(
        f"results over {nps.answers} answers ({len(results.by_partner)} partners, previous run "
        f"{results.previous_run_id}): NPS {nps.nps:+d} (change {nps.change:+g}); median "
        f"{statistics.median(timings):.0f} ms, slowest {max(timings):.0f} ms of {args.repeat}"
    )
    return max(timings) <= 300


async def main(args: argparse.Namespace) -> int:
    url = await reset_database(args.database_url or "sqlite")
    print(f"backend: {url.split('+', 1)[0]}")
    ok = True
    if not args.skip_answers:
        ok = await answers_part(args, url) and ok
    ok = await results_part(args, url) and ok
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--retries", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--drain-seconds", type=float, default=600)
    parser.add_argument("--results-answers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-answers", action="store_true", help="part 2 only")
    parser.add_argument("--serve-fake", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        asyncio.run(serve_fake(*args.serve_fake))
        return 0
    return asyncio.run(main(args))


if __name__ == "__main__":
    raise SystemExit(cli())
