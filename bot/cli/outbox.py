"""`partnerbot outbox failed [--json]`: deliveries that failed for good, with the reason."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._output import print_json, print_table
from handlers.admin.outbox import failed_deliveries
from handlers.deps import Deps

NAME = "outbox"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="the outbox of proactive messages")
    actions = parser.add_subparsers(dest="outbox_action", metavar="ACTION", required=True)
    failed = actions.add_parser("failed", help="deliveries that failed for good, with the reason")
    failed.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    failures = await failed_deliveries(deps)
    if args.json:
        print_json([f.to_json() for f in failures])
        return 0
    rows = [
        (f.id, f.platform, f.destination, f.reason, f.attempts, f.queued_at.isoformat(), f.summary)
        for f in failures
    ]
    print_table(
        f"Failed deliveries ({len(rows)})",
        ("Id", "Platform", "Destination", "Reason", "Attempts", "Queued (UTC)", "Message"),
        rows,
    )
    return 0
