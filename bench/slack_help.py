"""Load test: signed `/partnerbot help` slash commands against the real PartnerBot
server, side by side with a bare slack-bolt app that only acks, in the same run.
A third app, bare bolt acking with PartnerBot's own help message, splits the gap into
what bolt pays to send that message and what PartnerBot's code costs.

Both servers run as their own processes on 127.0.0.1 (free ports), with the Web API
pointed at an in-process fake (bench/_slack_fake.py). Requests come from
../shared/tools/slackload.py (bounded counts, loopback only).

PartnerBot answers a slash command in its ack (the ephemeral help message is the HTTP
response body), so for it an acknowledged request is a completed one; a probe request
checks that before the load, and the server's error log lines are counted after it.
slackload's command text is random ("Acme-12 $40,000 stage=..."), which PartnerBot
answers with help like `/partnerbot help`.

The machine is shared and noisy, so each concurrency is run in rounds that alternate
the servers. The table shows each app's median round; its "vs bare" is the median of
its per-round ratios to the bare app (PartnerBot's are all printed).

Run from the repository root:  python bench/slack_help.py [--requests 6000] [--rounds 5]
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
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _slack_fake import HOME_TEAM, BenchSlackApi

ROOT = Path(__file__).resolve().parents[1]
SLACKLOAD = Path(
    os.environ.get(
        "SLACKLOAD", Path(__file__).resolve().parents[2] / "shared" / "tools" / "slackload.py"
    )
)
SECRET = "bench-signing-secret"
#: The last line of a traceback: `package.module.SomeError: message`.
EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Locked)\b.*:")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class Server:
    name: str
    proc: asyncio.subprocess.Process
    url: str
    startup_s: float
    rss_mb: float
    log_errors: list[str] = field(default_factory=list)


async def start_server(name: str, cmd: list[str], *, port: int, env: dict[str, str]) -> Server:
    """Spawn a server and wait for GET /healthz -> 200 (that wait is the start-up time)."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    async with aiohttp.ClientSession() as session:
        for _ in range(1500):
            if proc.returncode is not None:
                err = (await proc.stderr.read()).decode() if proc.stderr else ""
                raise RuntimeError(f"{name} exited at start-up:\n{err[-2000:]}")
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.02)
        else:
            raise RuntimeError(f"{name} did not answer /healthz")
    startup = time.monotonic() - started
    server = Server(
        name, proc, f"http://127.0.0.1:{port}/slack/events", startup, rss_mb(proc.pid)[0]
    )
    asyncio.get_running_loop().create_task(_collect_errors(server))
    return server


async def _collect_errors(server: Server) -> None:
    stream = server.proc.stderr
    while stream is not None and (line := await stream.readline()):
        text = line.decode(errors="replace")
        if " ERROR " in text:
            server.log_errors.append(text.strip())
        elif EXCEPTION_LINE.match(text) and server.log_errors:
            server.log_errors[-1] += f" <- {text.strip()[:200]}"


async def probe(url: str) -> str:
    """One signed `/partnerbot help`; returns the ack body."""
    body = urlencode(
        {
            "command": "/partnerbot",
            "text": "help",
            "user_id": "U0PROBE",
            "channel_id": "C0PROBE",
            "team_id": HOME_TEAM,
            "trigger_id": "t.probe",
            "response_url": "http://127.0.0.1:9/x",
        }
    )
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return await r.text()


async def slackload(url: str, *, requests: int, concurrency: int) -> dict[str, object]:
    cmd = [
        sys.executable, str(SLACKLOAD), "--kind", "slash", "--command", "/partnerbot",
        "--url", url, "--secret", SECRET, "--requests", str(requests),
        "--concurrency", str(concurrency), "--duration-cap", "60", "--users", "200",
        "--teams", "1",
    ]  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"slackload failed: {err.decode()[-2000:]}")
    result: dict[str, object] = json.loads(out)
    return result


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(
    server: Server, *, requests: int, concurrency: int
) -> tuple[dict[str, object], float]:
    """One slackload run against `server`, and the server's CPU ms per request in it."""
    before = cpu_seconds(server.proc.pid)
    result = await slackload(server.url, requests=requests, concurrency=concurrency)
    used = cpu_seconds(server.proc.pid) - before
    return result, used * 1000 / max(int(result["count"]), 1)  # type: ignore[call-overload]


@dataclass
class Row:
    target: str
    concurrency: int
    result: dict[str, object]
    cpu_ms: float = 0.0
    #: This target's throughput over the bare app's in each round, sorted.
    round_ratios: list[float] = field(default_factory=list)

    @property
    def vs_bare(self) -> float:
        """The median round's ratio to the bare app."""
        return self.round_ratios[len(self.round_ratios) // 2]

    def latency(self, key: str) -> float:
        latency = self.result["latency_ms"]
        assert isinstance(latency, dict)
        return float(latency[key])

    @property
    def rps(self) -> float:
        return float(self.result["throughput_rps"])  # type: ignore[arg-type]


async def run(args: argparse.Namespace) -> list[str]:
    api = BenchSlackApi()
    await api.start()
    servers: list[Server] = []
    tmp = tempfile.TemporaryDirectory(prefix="pb-bench-")
    try:
        pb_port, bare_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url or f"sqlite+aiosqlite:///{tmp.name}/bench.db",
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api.url,
            "HOST": "127.0.0.1",
            "PORT": str(pb_port),
            "LOG_LEVEL": "WARNING",
        }
        for key in ("SLACK_APP_TOKEN", "MICROSOFT_APP_ID", "OPENAI_API_KEY"):
            env.pop(key, None)
        pb_cmd = args.server_cmd.split() if args.server_cmd else [sys.executable, "app.py", "serve"]
        partnerbot = await start_server("partnerbot", pb_cmd, port=pb_port, env=env)
        servers.append(partnerbot)
        bare_cmd = [sys.executable, "bench/_slack_bare.py", "--port", str(bare_port),
                    "--api-url", api.url, "--secret", SECRET]  # fmt: skip
        bare = await start_server("bare", bare_cmd, port=bare_port, env=dict(os.environ))
        servers.append(bare)
        default = None
        if args.with_default_mode:
            port = free_port()
            cmd = [*bare_cmd, "--default-mode"]
            cmd[cmd.index("--port") + 1] = str(port)
            default = await start_server("bare-default", cmd, port=port, env=dict(os.environ))
            servers.append(default)

        answer = await probe(partnerbot.url)
        if "What I can do for you" not in answer:
            raise RuntimeError(f"PartnerBot's ack does not carry the help answer: {answer[:300]}")
        # A third server: bare bolt acking with PartnerBot's very answer. Between it and
        # the ack-only app lies what bolt itself pays to send a ~1 KB Block Kit message;
        # between it and PartnerBot lies PartnerBot's own code.
        answer_file = Path(tmp.name) / "answer.json"
        answer_file.write_text(answer)
        port = free_port()
        cmd = [*bare_cmd, "--answer", str(answer_file)]
        cmd[cmd.index("--port") + 1] = str(port)
        same = await start_server("bare-same-answer", cmd, port=port, env=dict(os.environ))
        servers.append(same)
        # Warm-up: the first requests pay for auth.test, lazy imports and each person's
        # first contact (PartnerBot records them). slackload draws from the same seeded
        # 200 users and 32 channels every run, so 2,000 requests reach nearly all of
        # them and the runs below measure the steady state.
        for server in servers:
            await slackload(server.url, requests=args.warm_up, concurrency=8)
        api.reset()

        rows: list[Row] = []
        for concurrency in args.concurrency:
            n = args.requests if concurrency > 1 else max(args.requests // 4, 100)
            # The machine is shared: alternate the two servers for a few rounds and
            # report the median round, so a noisy second hits both alike.
            runs: dict[str, list[Row]] = {}
            for _ in range(args.rounds):
                for target, server in (
                    ("bare bolt, ack only", bare),
                    ("bare bolt, acks same answer", same),
                    ("partnerbot /partnerbot help", partnerbot),
                    *((("bare bolt, default mode", default),) if default else ()),
                ):
                    result, cpu = await measured(server, requests=n, concurrency=concurrency)
                    runs.setdefault(target, []).append(Row(target, concurrency, result, cpu))
            for done in runs.values():
                row = sorted(done, key=lambda r: r.rps)[len(done) // 2]
                pairs = zip(done, runs["bare bolt, ack only"], strict=True)
                row.round_ratios = sorted(mine.rps / bare_run.rps for mine, bare_run in pairs)
                rows.append(row)
        rss_now, rss_peak = rss_mb(partnerbot.proc.pid)
        lines = table(rows)
        lines += [
            "",
            f"start-up (spawn -> /healthz 200, migrations applied): partnerbot "
            f"{partnerbot.startup_s:.2f} s, bare bolt {bare.startup_s:.2f} s",
            f"RSS after start-up: partnerbot {partnerbot.rss_mb:.0f} MB (target <= 200), bare bolt "
            f"{bare.rss_mb:.0f} MB; partnerbot after the load {rss_now:.0f} MB "
            f"(peak {rss_peak:.0f} MB)",
            f"partnerbot: every 200 carries the help answer (probe checked); Web API calls during "
            f"the load: {dict(api.counts) or 'none'}; error lines logged: "
            f"{len(partnerbot.log_errors)}",
            *[f"  {line}" for line in partnerbot.log_errors[:3]],
        ]
        return lines
    finally:
        for server in servers:
            if server.proc.returncode is None:
                server.proc.terminate()
                await server.proc.wait()
        await api.close()
        tmp.cleanup()


def table(rows: list[Row]) -> list[str]:
    lines = [
        f"{'target':<28} {'conc':>4} {'reqs':>5} {'errors':>6} {'req/s':>7} {'p50 ms':>7}"
        f" {'p99 ms':>7} {'vs bare':>7} {'cpu ms/req':>10}"
    ]
    for row in rows:
        lines.append(
            f"{row.target:<28} {row.concurrency:>4} {row.result['count']!s:>5}"
            f" {row.result['errors']!s:>6} {row.rps:>7.0f} {row.latency('p50'):>7.2f}"
            f" {row.latency('p99'):>7.2f} {row.vs_bare:>7.2f}"
            f" {row.cpu_ms:>10.3f}"
        )
    for row in rows:
        if row.target.startswith("partnerbot"):
            lines.append(
                f"  partnerbot/bare per round @{row.concurrency}: "
                + ", ".join(f"{r:.2f}" for r in row.round_ratios)
            )
    for row in rows:
        if row.concurrency == 16 and row.target.startswith("partnerbot"):
            p99 = row.latency("p99")
            ratio = row.vs_bare
            lines.append(
                f"targets @16: p99 {p99:.1f} ms < 50 ms: {'met' if p99 < 50 else 'NOT met'}; "
                f"median round {ratio:.2f}x bare >= 0.7x: {'met' if ratio >= 0.7 else 'NOT met'}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000, help="per run at concurrency > 1")
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16, 64]
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating runs per concurrency")
    parser.add_argument("--warm-up", type=int, default=2000, help="requests per server first")
    parser.add_argument(
        "--with-default-mode",
        action="store_true",
        help="also measure a bare app in bolt's default mode (process_before_response=False)",
    )
    parser.add_argument(
        "--database-url",
        help="e.g. a scratch PostgreSQL database on 127.0.0.1 (default: a fresh SQLite file)",
    )
    parser.add_argument(
        "--server-cmd", help="command that runs PartnerBot (default: python app.py serve)"
    )
    args = parser.parse_args()
    for line in asyncio.run(run(args)):
        print(line)


if __name__ == "__main__":
    main()
