"""`partnerbot admin add-manager | remove-manager | list`: channel managers and admins."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli._output import print_json, print_table, say
from handlers.admin import offboarding, operators
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
    remove = actions.add_parser(
        "remove-manager", help="take the manager (or admin) role away from a user"
    )
    remove.add_argument("--platform", required=True, choices=("slack", "teams"))
    remove.add_argument("--user-id", required=True, help="Slack U… id or Teams user id")
    remove.add_argument("--json", action="store_true", help="print machine-readable output")
    listing = actions.add_parser("list", help="every channel manager and admin")
    listing.add_argument("--json", action="store_true", help="print machine-readable output")


async def run(args: argparse.Namespace, deps: Deps) -> int:
    if args.admin_action == "remove-manager":
        return await _remove(args, deps)
    if args.admin_action == "list":
        return await _list(args, deps)
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


async def _remove(args: argparse.Namespace, deps: Deps) -> int:
    async with deps.sessions() as session, session.begin():
        removal = await offboarding.remove_manager(
            session, args.platform, args.user_id, actor=operators.CLI_ACTOR, deps=deps
        )
    if args.json:
        print_json(removal.to_json())
        return 0
    key = f"{removal.platform}:{removal.user_id}"
    say(f"{removal.name or key} is no longer a {removal.previous_role.replace('_', ' ')}.")
    if removal.released:
        say(f"Partners now without a manager: {', '.join(removal.released)}")
    return 0


async def _list(args: argparse.Namespace, deps: Deps) -> int:
    staff = await offboarding.list_staff(deps)
    rows = [(p.platform, p.user_id, p.name or "—", p.role) for p in staff]
    if args.json:
        print_json(
            [{"platform": a, "user_id": b, "name": p.name, "role": d} for (a, b, _, d), p in
             zip(rows, staff, strict=True)]
        )  # fmt: skip
        return 0
    if not rows:
        say("No channel managers yet: partnerbot admin add-manager --platform P --user-id ID")
        return 0
    print_table(f"Staff ({len(rows)})", ("Platform", "User id", "Name", "Role"), rows)
    return 0
