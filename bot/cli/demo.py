"""`partnerbot demo seed [--force]`: the sample program for a first look."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._output import print_json, say
from handlers.demo.seed import seed_demo
from handlers.deps import Deps

NAME = "demo"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="sample data for a first look")
    actions = parser.add_subparsers(dest="demo_action", metavar="ACTION", required=True)
    seed = actions.add_parser(
        "seed", help="sample partners, registrations, check-ins and knowledge gaps"
    )
    seed.add_argument(
        "--force", action="store_true", help="add the sample even next to partners of your own"
    )
    seed.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    report = await seed_demo(deps, force=args.force)
    if args.json:
        print_json(report.__dict__)
        return 0
    say(
        f"Seeded {report.partners} sample partners, {report.deals} registrations, "
        f"{report.answers} check-in answers and {report.questions} knowledge gaps, owned by "
        "the shell's manager (shell:you). Try: partnerbot digest preview --manager shell:you"
    )
    return 0
