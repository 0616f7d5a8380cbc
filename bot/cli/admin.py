"""`partnerbot admin add-manager`: bootstrap channel managers."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._output import print_json, say
from handlers.admin import operators
from handlers.deps import Deps

NAME = "admin"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(NAME, help="program administration")
    actions = parser.add_subparsers(dest="admin_action", metavar="ACTION", required=True)
    add = actions.add_parser("add-manager", help="make a Slack or Teams user a channel manager")
    add.add_argument("--platform", required=True, choices=("slack", "teams"))
    add.add_argument("--user-id", required=True, help="Slack U… id or Teams user id")
    add.add_argument("--name", help="display name")
    add.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    person = await operators.add_manager_by_operator(
        deps, args.platform, args.user_id, name=args.name
    )
    if args.json:
        print_json(person.to_json())
    else:
        key = f"{person.platform}:{person.user_id}"
        label = f"{person.name} ({key})" if person.name else key
        say(f"{label} is now a channel manager.")
    return 0
