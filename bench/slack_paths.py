"""Slack's interactive paths through PartnerBot, each beside a bare bolt app and a raw
aiohttp floor that make the same Web API calls, in the same run (issue 15).

Paths (--paths, in this order; each one's requests are built from what the earlier
ones stored):
  register  signed `/register-deal <free text>` -> ack, then views.open with the form
  submit    the form's view_submission -> stored before the ack, then the confirmation
            (chat.postEphemeral) and the outbox's thread post and manager card
  approve   the manager clicks Approve on a card -> ack, then chat.update of the card
            and the outbox's post in the registration's thread
  thread    a partner rep answers in a registration's thread after the manager asked
            for information (message event with thread_ts: the path check-in answers
            will take) -> thanks in the thread, and the manager's card
Each server runs in its own process: PartnerBot (`bench/_serve_fresh_callers.py`: every
request loads its caller from the database), the bare bolt app (bench/_slack_bare.py
--calls) and the raw floor (bench/_slack_floor.py); the fake Web API
(bench/_slack_fake.py) in a fourth. The anchors replay the calls PartnerBot made for
one request of each path (recorded by the fake before the load), so every server does
the same Slack work. This process sends the requests (bench/deals_slack.py's load).

A run counts from the first request sent until both the last ack and the last Web API
call of that run have arrived, so work left for after the ack is inside the figure;
CPU per request is the server's user+system time over that span (/proc/<pid>/stat);
on PostgreSQL, "db ms/req" is the database server's meanwhile (every process named
postgres), which shares the machine's cores with the servers measured.
Rounds interleave the servers (the order rotates); each figure is the median round,
each ratio the median of per-round ratios with their range. Correctness is checked
on the way: every /register-deal got its views.open (distinct trigger ids), every
accepted submission is exactly one row (re-submitted forms add none).

The given PostgreSQL database is emptied first (DROP SCHEMA public CASCADE): pass a
scratch one. Run from the repository root:
    python bench/slack_paths.py [--requests 2000] [--rounds 5] [--paths register,submit]
    python bench/slack_paths.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_perf
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from _slack_paths_setup import INTERACTIVE, Deals, Servers, content_type
from deals_slack import TEAM, load, pct

PATHS = ("register", "submit", "approve", "thread")
TARGETS = ("partnerbot", "bare bolt", "raw floor")


def cpu_times(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds a process has used so far (Linux /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def database_cpu() -> float:
    """CPU seconds every PostgreSQL server process (named "postgres") has used so far:
    the work a PartnerBot request makes the database do, on the same cores."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                total += sum(cpu_times(int(entry.name)))
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return total


async def stats(http: aiohttp.ClientSession, api: str) -> dict[str, Any]:
    async with http.get(f"{api}bench/stats") as response:
        found: dict[str, Any] = await response.json()
        return found


async def reset(http: aiohttp.ClientSession, api: str) -> None:
    async with http.post(f"{api}bench/reset") as response:
        await response.read()


async def settle(
    http: aiohttp.ClientSession,
    api: str,
    *,
    method: str,
    channel: str | None,
    n: int,
    within: float = 60.0,
) -> dict[str, Any]:
    """The fake's stats once `n` calls of `method` (to `channel`, when given: the
    outbox posts the same method elsewhere) have arrived, or `within` passed."""
    deadline = time.monotonic() + within
    while True:
        found = await stats(http, api)
        got = (
            found["places"].get(f"{method} {channel}", 0)
            if channel
            else found["counts"].get(method, 0)
        )
        if got >= n or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.01)


class Run:
    """One path against one server: throughput to completion, ack latency, CPU."""

    def __init__(
        self,
        n: int,
        seconds: float,
        latencies: list[float],
        cpu: tuple[float, float],
        database: float = 0.0,
    ) -> None:
        self.rps = n / seconds
        self.p50, self.p99 = pct(latencies, 50), pct(latencies, 99)
        self.cpu_ms = sum(cpu) * 1000 / n
        self.sys_share = cpu[1] / max(sum(cpu), 1e-9)
        self.db_ms = database * 1000 / n  # the PostgreSQL server's CPU meanwhile


async def measure(
    http: aiohttp.ClientSession,
    servers: Servers,
    target: str,
    path: str,
    bodies: list[tuple[str, str]],
    *,
    concurrency: int,
    problems: list[str],
    postgres: bool = False,
) -> Run:
    server = servers.by_name[target]
    method, channel = INTERACTIVE[path]
    n = len(bodies)
    await reset(http, servers.api)
    db0 = database_cpu() if postgres else 0.0
    cpu0, started = cpu_times(server.proc.pid), time.monotonic()
    result = await load(server.url, bodies, concurrency, http, content_type=content_type(path))
    acked = time.monotonic()
    found = await settle(http, servers.api, method=method, channel=channel, n=n)
    cpu1 = cpu_times(server.proc.pid)
    used = (cpu1[0] - cpu0[0], cpu1[1] - cpu0[1])
    database = database_cpu() - db0 if postgres else 0.0
    done = max(acked, found["last"])
    if result.errors:
        problems.append(f"{target} {path}: {result.errors} errors, e.g. {result.bodies[0]}")
    got = found["places"].get(f"{method} {channel}", 0) if channel else found["counts"][method]
    # The outbox's paced posts may add a few chat.postMessage in the partner channel.
    if got < n or (got > n and channel is None):
        problems.append(f"{target} {path}: {got} {method} for {n} requests")
    if path == "register" and found["triggers"] != n:
        problems.append(f"{target} register: {found['triggers']} modals for {n} commands")
    return Run(n, done - started, result.latencies, used, database)


async def profile(
    args: argparse.Namespace, servers: Servers, target: str, path: str, *, last: bool
) -> asyncio.subprocess.Process | None:
    """With --profile DIR: py-spy records each server during the last round's runs
    (DIR/<path>-<server>.txt, collapsed stacks: flamegraph.pl or speedscope read them)."""
    if args.profile is None or not last:
        return None
    args.profile.mkdir(parents=True, exist_ok=True)
    spy = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
        str(servers.by_name[target].proc.pid), "--rate", "500", "--format", "raw",
        "--output", str(args.profile / f"{path}-{target.replace(' ', '-')}.txt"), "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(0.5)  # py-spy attaches
    return spy


def median(values: list[float]) -> float:
    return statistics.median(values)


def summary(path: str, runs: dict[str, list[Run]], concurrency: int) -> list[str]:
    lines = []
    bare = runs["bare bolt"]
    for target in TARGETS:
        mine = runs.get(target)
        if not mine:
            continue
        speed = [m.rps / b.rps for m, b in zip(mine, bare, strict=True)]
        cpu = [m.cpu_ms / b.cpu_ms for m, b in zip(mine, bare, strict=True)]
        lines.append(
            f"{path:<9} {target:<11} c{concurrency:<3} {median([r.rps for r in mine]):>7.0f}"
            f" {median([r.p50 for r in mine]):>7.1f} {median([r.p99 for r in mine]):>7.1f}"
            f" ({min(r.p99 for r in mine):.0f}-{max(r.p99 for r in mine):.0f})"
            f" {median([r.cpu_ms for r in mine]):>8.3f}"
            f"  {median(speed):.2f} ({min(speed):.2f}-{max(speed):.2f})"
            f"  {median(cpu):.2f} ({min(cpu):.2f}-{max(cpu):.2f})"
            f"  {median([r.sys_share for r in mine]):>4.0%}"
            f"  {median([r.db_ms for r in mine]):>6.3f}"
        )
    return lines


async def rounds(args: argparse.Namespace, servers: Servers, deals: Deals) -> list[str]:
    runs: dict[str, dict[str, list[Run]]] = {path: {} for path in args.paths}
    problems: list[str] = []
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=args.concurrency + 8)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        for number in range(-1, args.rounds):  # round -1 warms every server up
            n = args.warm_up if number < 0 else args.requests
            order = TARGETS[number % 3 :] + TARGETS[: number % 3]
            for path in args.paths:
                bodies = await deals.bodies(path, n, http)
                for target in order:
                    spy = await profile(args, servers, target, path, last=number == args.rounds - 1)
                    run = await measure(
                        http, servers, target, path, bodies,
                        concurrency=args.concurrency, problems=problems,
                        postgres=deals.backend == "postgresql",
                    )  # fmt: skip
                    if spy is not None:
                        spy.send_signal(signal.SIGINT)
                        await spy.wait()
                    if number >= 0:
                        runs[path].setdefault(target, []).append(run)
                if path == "submit":
                    deals.accepted += n
        again = await deals.resubmit(http, args.concurrency)
    lines = [
        f"{'path':<9} {'target':<11} {'conc':<4} {'req/s':>7} {'p50 ms':>7} {'p99 ms (range)':>15}"
        f" {'cpu ms/req':>8}  {'req/s vs bare':>18}  {'cpu vs bare':>16}  sys  db ms/req"
    ]
    for path in args.paths:
        lines += summary(path, runs[path], args.concurrency)
    stored = await deals.count()
    lines += [
        "",
        f"{args.rounds} rounds of {args.requests} requests per path and server (+1 warm-up"
        f" round of {args.warm_up}), database {deals.backend}",
        "answered with: " + ", ".join(f"{p} {INTERACTIVE[p][0]}" for p in args.paths),
        f"registrations: accepted {deals.accepted}, stored {stored}"
        f" ({'exactly once' if stored == deals.accepted else 'MISMATCH'}); {again} re-submitted"
        " forms added none" * (stored == deals.accepted),
        f"partnerbot error lines logged: {len(servers.by_name['partnerbot'].log_errors)}",
        *[f"  {line}" for line in servers.by_name["partnerbot"].log_errors[:3]],
        *[f"PROBLEM: {p}" for p in problems[:10]],
    ]
    return lines


async def main(args: argparse.Namespace) -> None:
    tmp = tempfile.TemporaryDirectory(prefix="pb-paths-")
    url = args.database_url or f"sqlite+aiosqlite:///{tmp.name}/bench.db"
    servers = Servers(Path(tmp.name), team=TEAM)
    try:
        deals = await Deals.prepare(url, servers)
        await servers.start_partnerbot(url)
        async with aiohttp.ClientSession() as http:
            await servers.calibrate(http, deals)
        await servers.start_anchors()
        for line in await rounds(args, servers, deals):
            print(line)
    finally:
        await servers.stop()
        tmp.cleanup()


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per path, server and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm-up", type=int, default=200, help="requests per path first")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--paths",
        type=lambda s: [p for p in PATHS if p in s.split(",")],
        default=list(PATHS),
        help=f"comma-separated, of {','.join(PATHS)}",
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy every server in the last round"
    )
    args = parser.parse_args()
    asyncio.run(main(args))


if __name__ == "__main__":
    cli()
