"""Deal registration over Slack, measured end to end, beside a bare bolt app that only acks.

The bot runs as the real `partnerbot serve` in a process of its own (outbox loop
included), the bare bolt app (ack only) in another; this process holds the fake Slack
Web API and the load generator. Signed `/register-deal` -> HTTP ack and -> `views.open`
received by the fake API; signed `view_submission` -> HTTP ack (the registration is
stored before the ack) and -> the confirmation (`chat.postEphemeral` with the DR id).
Concurrency 1, 16 and 64, a bounded number of requests each, 32 known partner reps, all
on 127.0.0.1. Afterwards it counts the stored rows: every accepted submission must be
exactly one row (lost = accepted but missing; duplicated = re-submitted forms that made
a second row).

    python bench/deals_slack.py                    # temporary SQLite file
    python bench/deals_slack.py --requests 300 --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core import Place
from bot.slack.inbound import wrap_metadata
from handlers.deals.forms import RegisterMeta
from storage import deals as deal_store
from storage import partners as partner_store
from storage import people as people_store
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TOKEN, SECRET, TEAM, CHANNEL = "xoxb-bench", "bench-signing-secret", "T0BENCH", "C0BENCH"
LEVELS = (1, 16, 64)
USERS = [f"U0REP{i:02d}" for i in range(32)]
#: The domain of a benchmark registration names its request: c<name>.com
DOMAIN = re.compile(r"c([0-9a-f]{6}\d+x\d+)\.com")


@dataclass
class FakeSlack:
    """Records when each Web API call arrived (perf_counter of this process)."""

    opened: dict[str, float] = field(default_factory=dict)  # trigger_id -> time
    confirmed: dict[str, float] = field(default_factory=dict)  # request name -> time
    calls: int = 0
    port: int = 0
    runner: web.AppRunner | None = None

    async def start(self) -> None:
        fake = web.Application()
        fake.router.add_post("/api/{method}", self._api)
        self.runner = web.AppRunner(fake, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = self.runner.addresses[0][1]

    async def _api(self, request: web.Request) -> web.Response:
        now = time.perf_counter()
        method = request.match_info["method"]
        raw = await request.text()
        params: dict[str, Any] = (
            json.loads(raw) if request.content_type == "application/json" else dict(parse_qsl(raw))
        )
        self.calls += 1
        if method == "views.open":
            self.opened[str(params.get("trigger_id"))] = now
        elif method == "chat.postEphemeral" and "DR-" in raw:
            for name in DOMAIN.findall(raw):
                self.confirmed.setdefault(name, now)
        answer: dict[str, Any] = {"ok": True, "ts": f"1700000000.{self.calls:06d}"}
        if method == "auth.test":
            answer.update(team_id=TEAM, user_id="U0BOT", bot_id="B0BOT", team="Bench")
        if method == "conversations.open":
            answer["channel"] = {"id": f"D{params.get('users')}"}
        if method == "views.open":
            answer["view"] = {"id": "V1"}
        return web.json_response(answer)


_FIRST = [
    "Acme",
    "Apex",
    "Aurora",
    "Beacon",
    "Birch",
    "Blue",
    "Bright",
    "Cedar",
    "Cobalt",
    "Coral",
    "Crest",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Helix",
    "Indigo",
    "Iron",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Meridian",
    "Nimbus",
    "Northwind",
    "Oak",
    "Onyx",
    "Orbit",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Sable",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Zephyr",
]
_SECOND = [
    "Analytics",
    "Bank",
    "Biotech",
    "Brands",
    "Capital",
    "Clinics",
    "Cloud",
    "Dental",
    "Devices",
    "Energy",
    "Engineering",
    "Foods",
    "Freight",
    "Games",
    "Health",
    "Hotels",
    "Insurance",
    "Labs",
    "Logistics",
    "Media",
    "Metals",
    "Motors",
    "Networks",
    "Optics",
    "Pharma",
    "Plastics",
    "Power",
    "Realty",
    "Retail",
    "Robotics",
    "Security",
    "Software",
    "Solar",
    "Studios",
    "Systems",
    "Telecom",
    "Textiles",
    "Travel",
    "Ventures",
    "Wireless",
]
_PLACE = [
    "Austin",
    "Berlin",
    "Boston",
    "Cairo",
    "Chicago",
    "Dallas",
    "Denver",
    "Dublin",
    "Geneva",
    "Hamburg",
    "Lagos",
    "Leeds",
    "Lima",
    "Lisbon",
    "London",
    "Lyon",
    "Madrid",
    "Miami",
    "Milan",
    "Munich",
    "Nairobi",
    "Oslo",
    "Paris",
    "Perth",
    "Porto",
    "Prague",
    "Quebec",
    "Riga",
    "Rome",
    "Seattle",
    "Seoul",
    "Sofia",
    "Sydney",
    "Tokyo",
    "Toronto",
    "Turin",
    "Utrecht",
    "Vienna",
    "Warsaw",
    "Zurich",
]
#: --similar-names: every company "Company <id>", each a fuzzy match of the earlier ones
#: (the conflict-heavy worst case; realistic traffic has diverse names).
SIMILAR_NAMES = False


def company_name(n: str) -> str:
    """A plausible, diverse company name for request `n` (stable for the same `n`)."""
    if SIMILAR_NAMES:
        return f"Company {n}"
    h = int(hashlib.sha256(n.encode()).hexdigest(), 16)
    first, h = _FIRST[h % len(_FIRST)], h // len(_FIRST)
    second, h = _SECOND[h % len(_SECOND)], h // len(_SECOND)
    return f"{first} {second} {_PLACE[h % len(_PLACE)]}"


def _signed(body: str, content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": content_type,
    }


def slash_body(n: str, user: str) -> str:
    return urlencode(
        {
            "command": "/register-deal",
            "text": f"{company_name(n)} c{n}.com 50k USD close 2027-03-31",
            "team_id": TEAM,
            "channel_id": CHANNEL,
            "user_id": user,
            "user_name": user,
            "trigger_id": f"trig-{n}",
            "response_url": "http://127.0.0.1:9/unused",
            "api_app_id": "A0BENCH",
        }
    )


def submit_body(n: str, user: str, nonce: str) -> str:
    values = {
        "company": company_name(n),
        "domain": f"c{n}.com",
        "value": "50k USD",
        "close_date": "2027-03-31",
        "stage": "qualified",
        "contact": None,
        "notes": None,
    }
    state: dict[str, Any] = {
        k: {k: {"type": "plain_text_input", "value": v}} for k, v in values.items()
    }
    state["products"] = {
        "products": {"type": "multi_static_select", "selected_options": [{"value": "Platform"}]}
    }
    metadata = wrap_metadata(RegisterMeta(nonce=nonce).model_dump_json(), Place("slack", CHANNEL))
    payload = {
        "type": "view_submission",
        "api_app_id": "A0BENCH",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM, "name": user},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "deal-register",
            "private_metadata": metadata,
            "state": {"values": state},
            "team_id": TEAM,
            "app_installed_team_id": TEAM,
        },
    }
    return urlencode({"payload": json.dumps(payload)})


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # ms, HTTP
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    sent_at: dict[str, float] = field(default_factory=dict)
    bodies: list[str] = field(default_factory=list)


async def load(
    url: str,
    bodies: list[tuple[str, str]],
    concurrency: int,
    http: aiohttp.ClientSession,
    *,
    content_type: str = "application/x-www-form-urlencoded",
) -> Result:
    """POST every (key, body), `concurrency` in flight; key -> send time kept."""
    result = Result()
    queue = list(reversed(bodies))

    async def worker() -> None:
        while queue:
            key, body = queue.pop()
            t0 = time.perf_counter()
            result.sent_at[key] = t0
            headers = _signed(body, content_type)
            async with http.post(url, data=body.encode(), headers=headers) as resp:
                answer = await resp.text()
            result.latencies.append((time.perf_counter() - t0) * 1000)
            if resp.status == 200 and "response_action" not in answer:
                result.ok += 1
            else:
                result.errors += 1
                result.bodies.append(f"{resp.status} {answer[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def serve_bare(port: int, api_url: str) -> None:
    """The bare bolt app (ack only) on 127.0.0.1:`port`; runs until terminated."""
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    async def just_ack(ack: Callable[[], Awaitable[None]]) -> None:
        await ack()

    bolt.command("/register-deal")(just_ack)
    bolt.view("deal-register")(just_ack)

    async def endpoint(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    bare = web.Application()
    bare.router.add_post("/slack/events", endpoint)
    web.run_app(bare, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_listening(
    port: int, process: subprocess.Popen[bytes], *, within: float = 60
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError(f"nothing listens on {port} after {within} s")


async def settle(wanted: Callable[[], bool], *, within: float = 60.0) -> None:
    """Poll (bounded) until `wanted()`: the fake API runs in this loop."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if wanted():
            return
        await asyncio.sleep(0.02)


async def prepare_database(url: str) -> str:
    """Migrate and seed (one partner, its channel, its manager, 32 reps); returns the
    URL the bot should use (PostgreSQL: a fresh database of its own)."""
    if url.startswith("postgresql"):
        name = f"bench_deals_{os.getpid()}"
        admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        url = url.rsplit("/", 1)[0] + f"/{name}"
    await seed_database(url)
    return url


async def seed_database(url: str) -> None:
    """Migrate and seed an empty database (see prepare_database)."""
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        manager = await people_store.upsert_person(session, "slack", "U0MGR", role="manager")
        partner = await partner_store.add_partner(session, "Bench", manager_id=manager.id)
        await partner_store.link_channel(session, partner, platform="slack", channel_id=CHANNEL)
        for user in USERS:
            await people_store.upsert_person(
                session, "slack", user, name=user, partner_id=partner.id
            )
    await engine.dispose()


async def count_rows(url: str) -> int:
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        stored = await deal_store.count_deals(session)
        held = sum(d.conflict_kind is not None for d in await deal_store.list_deals(session))
    await engine.dispose()
    print(f"registrations held for a conflict (possible duplicates etc.): {held} of {stored}")
    return stored


async def drop_database(admin_url: str, url: str) -> None:
    if url.startswith("postgresql") and url != admin_url:
        admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"'))
        await admin.dispose()


def row(label: str, level: int, rps: str, values: list[float], errors: int) -> None:
    print(f"{label:36}{level:>5}{rps:>9}{pct(values, 50):>9.1f}{pct(values, 99):>9.1f}{errors:>8}")


async def run_levels(args: argparse.Namespace, fake: FakeSlack, bot_url: str, bare_url: str) -> int:
    accepted = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as http:
        for level in LEVELS:
            tag = uuid.uuid4().hex[:6]
            names = [f"{tag}{level}x{i}" for i in range(args.requests)]
            users = {n: USERS[i % len(USERS)] for i, n in enumerate(names)}
            slash = [(f"trig-{n}", slash_body(n, users[n])) for n in names]
            submits = [(n, submit_body(n, users[n], uuid.uuid4().hex)) for n in names]
            for label, target, bodies in (
                ("bare bolt  /register-deal ack", bare_url, slash),
                ("partnerbot /register-deal ack", bot_url, slash),
                ("bare bolt  view_submission ack", bare_url, submits),
                ("partnerbot view_submission ack (stored)", bot_url, submits),
            ):
                result = await load(target, bodies, level, http)
                rps = f"{len(bodies) / result.seconds:.0f}"
                row(label, level, rps, result.latencies, result.errors)
                if result.bodies:
                    print(f"    first error: {result.bodies[0]}")
                seen = fake.opened if "/register" in label else fake.confirmed
                if label.startswith("partnerbot"):
                    keys = [k for k, _ in bodies]
                    await settle(lambda keys=keys, seen=seen: all(k in seen for k in keys))
                    waits = [(seen[k] - result.sent_at[k]) * 1000 for k in keys if k in seen]
                    what = (
                        "  -> views.open received"
                        if "/register" in label
                        else ("  -> confirmation (DR id) posted")
                    )
                    row(what, level, "", waits, len(keys) - len(waits))
                if label.startswith("partnerbot view"):
                    accepted += result.ok
            # The same forms again (a double click, a retry): no second row.
            again = await load(bot_url, submits[: min(50, len(submits))], 16, http)
            row("partnerbot re-submitted forms", 16, "", again.latencies, again.errors)
    return accepted


async def main(args: argparse.Namespace) -> int:
    fake = FakeSlack()
    await fake.start()
    api_url = f"http://127.0.0.1:{fake.port}/api/"
    admin_url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    url = await prepare_database(admin_url)
    bot_port, bare_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))},
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "HOST": "127.0.0.1",
        "PORT": str(bot_port),
        "LOG_LEVEL": "ERROR",
        "OPENAI_API_KEY": "",
    }
    bot = subprocess.Popen(  # noqa: ASYNC220  (started once, stopped by its pid below)
        [sys.executable, str(ROOT / "app.py"), "serve"], cwd=tempfile.mkdtemp(), env=env
    )
    bare = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, __file__, "--serve-bare", str(bare_port), "--api-url", api_url], env=env
    )
    try:
        await wait_listening(bot_port, bot)
        await wait_listening(bare_port, bare)
        backend = url.split("+", 1)[0]
        print(
            f"backend: {backend}; {args.requests} requests per kind and level; "
            f"bot and bare bolt each in a process of their own"
        )
        print(f"{'':36}{'conc':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
        accepted = await run_levels(
            args,
            fake,
            f"http://127.0.0.1:{bot_port}/slack/events",
            f"http://127.0.0.1:{bare_port}/slack/events",
        )
    finally:
        for process in (bot, bare):
            process.terminate()
            process.wait(timeout=30)
        if fake.runner is not None:
            await fake.runner.cleanup()
    stored = await count_rows(url)
    await drop_database(admin_url, url)
    lost, duplicated = max(accepted - stored, 0), max(stored - accepted, 0)
    print(
        f"registrations: accepted {accepted}, stored {stored}, lost {lost}, duplicated {duplicated}"
    )
    return 0 if lost == duplicated == 0 else 1


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--requests", type=int, default=300, help="per kind and level")
    parser.add_argument(
        "--similar-names",
        action="store_true",
        help='every company "Company <id>": each one a possible duplicate (worst case)',
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global SIMILAR_NAMES
    SIMILAR_NAMES = args.similar_names
    if args.serve_bare:
        serve_bare(args.serve_bare, args.api_url)
        return 0
    return asyncio.run(main(args))


if __name__ == "__main__":
    raise SystemExit(cli())
