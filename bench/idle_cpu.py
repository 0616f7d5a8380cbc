"""An idle `partnerbot serve`: how much CPU it burns per minute doing nothing (the
scheduler's run_due every minute, the outbox loop's look every few seconds).

Starts `python app.py serve` on a free port (SQLite temp file unless --database-url),
waits until it listens, lets it settle, then reads utime + stime from /proc/<pid>/stat
over --seconds (default 60) and prints CPU seconds per minute. Stops it with SIGTERM.

    python bench/idle_cpu.py
    python bench/idle_cpu.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/pb_delivery
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` (fields 14 and 15 of /proc/<pid>/stat), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICKS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds before measuring")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env.pop("OPENAI_API_KEY", None)
    env.update(
        DATABASE_URL=args.database_url or f"sqlite+aiosqlite:///{workdir}/idle.db",
        HOST="127.0.0.1",
        PORT="0",
        LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "serve"],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(args.settle)
        if process.poll() is not None:
            print(f"serve exited early with {process.returncode}", file=sys.stderr)
            return 1
        start_cpu, start = cpu_seconds(process.pid), time.monotonic()
        time.sleep(args.seconds)
        used, elapsed = cpu_seconds(process.pid) - start_cpu, time.monotonic() - start
        print(
            f"idle serve (pid {process.pid}), measured {elapsed:.1f} s after {args.settle:.0f} s: "
            f"CPU {used:.3f} s = {used / elapsed * 60:.3f} CPU-seconds per minute "
            f"({used / elapsed * 100:.3f} % of one core)"
        )
        return 0
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
