"""`partnerbot checkins set | list`: each partner's check-in schedule."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import date
from typing import Any

from bot.cli._output import print_json, print_table, say
from handlers.checkins.schedule import Change, list_views, set_by_name
from handlers.checkins.timing import parse_weekday
from handlers.deps import Deps
from storage.checkins import CADENCES

NAME = "checkins"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="check-in schedules of the partners")
    actions = parser.add_subparsers(dest="checkins_action", metavar="ACTION", required=True)

    change = actions.add_parser("set", help="set a partner's check-in schedule")
    change.add_argument("partner", metavar="PARTNER")
    change.add_argument("--cadence", choices=CADENCES)
    change.add_argument("--day", help="weekday: mon … sun (monthly: its first in the month)")
    change.add_argument("--time", help="local time, e.g. 09:00")
    change.add_argument("--timezone", help="IANA time zone (default: the partner's)")
    change.add_argument("--pause-until", type=date.fromisoformat, metavar="DATE")
    change.add_argument("--json", action="store_true", help="print machine-readable output")

    listing = actions.add_parser("list", help="every partner's check-in schedule")
    listing.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.checkins_action == "set":
        view = await set_by_name(
            deps,
            args.partner,
            Change(
                cadence=args.cadence,
                weekday=parse_weekday(args.day) if args.day else None,
                local_time=args.time,
                timezone=args.timezone,
                paused_until=args.pause_until,
            ),
        )
        if args.json:
            print_json(dataclasses.asdict(view))
        else:
            say(view.line().replace("**", ""))
        return 0
    views = await list_views(deps)
    if args.json:
        print_json([dataclasses.asdict(v) for v in views])
        return 0
    rows = [
        (v.partner, v.cadence, v.day, v.time, v.timezone, v.paused_until or "—",
         v.next_due_at or "—")
        for v in views
    ]  # fmt: skip
    print_table(
        f"Check-ins ({len(rows)})",
        ("Partner", "Cadence", "Day", "Time", "Time zone", "Paused until", "Next (UTC)"),
        rows,
    )
    return 0
