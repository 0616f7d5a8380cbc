"""`partnerbot jobs run-due [--at ISO-TIME]`: run the scheduled work due then, deliver once."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.cli._output import print_json, say
from handlers.deps import Deps
from scheduling.jobs import run_due

NAME = "jobs"


def _iso_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO time: {value!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="scheduled work")
    actions = parser.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    due = actions.add_parser(
        "run-due", help="run the work due at a time (default now), then deliver the outbox once"
    )
    due.add_argument("--at", type=_iso_time, help="ISO time, UTC unless it has an offset")
    due.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    # Building the web app registers each configured platform's sender in deps.senders;
    # its start-up gives the senders their HTTP sessions (one connection, reused).
    runner = web.AppRunner(args.build_web_app(deps), handle_signals=False)
    await runner.setup()
    try:
        now = args.at or deps.clock()
        report = await run_due(deps, now=now)
    finally:
        await runner.cleanup()
    delivery = report.delivery
    if args.json:
        print_json(
            {
                "at": now.isoformat(),
                "queued": report.queued,
                "sent": delivery.sent,
                "retried": delivery.retried,
                "failed": delivery.failed,
            }
        )
    else:
        steps = ", ".join(f"{name}: {count}" for name, count in report.queued.items())
        say(f"Due work at {now.isoformat()}: {steps or 'nothing scheduled'}.")
        say(f"Outbox: {delivery.sent} sent, {delivery.retried} to retry, {delivery.failed} failed.")
    return 0
